/* driver.c - the public API: loading, checking, diagnostics access. */
#include "config.h"

#include "driver.h"
#include "correlation.h"
#include "diag_print.h"
#include "ir.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SG_MAX_DIR_DEPTH 64

const char *sigma_version(void)
{
    return PACKAGE_VERSION;
}

const char *sigma_status_str(sigma_status s)
{
    switch (s) {
    case SIGMA_OK:
        return "ok";
    case SIGMA_EINVAL:
        return "invalid argument";
    case SIGMA_ERULE:
        return "rule errors";
    case SIGMA_EIO:
        return "input/output error";
    case SIGMA_ENOMEM:
        return "out of memory";
    case SIGMA_ELIMIT:
        return "resource limit reached";
    case SIGMA_ENOTSUP:
        return "not supported by the target";
    }
    return "unknown status";
}

sigma_status sigma_compiler_create(sigma_compiler **out)
{
    if (!out)
        return SIGMA_EINVAL;
    *out = NULL;
    sigma_compiler *c = sg_calloc(1, sizeof *c);
    if (!c)
        return SIGMA_ENOMEM;
    c->arena = sg_arena_create();
    if (!c->arena) {
        sg_free(c);
        return SIGMA_ENOMEM;
    }
    sg_diags_init(&c->diags);
    *out = c;
    return SIGMA_OK;
}

void sigma_compiler_destroy(sigma_compiler *c)
{
    if (!c)
        return;
    sg_diags_free(&c->diags);
    sg_loader_destroy(c->loader);
    sg_arena_destroy(c->arena);
    sg_free(c);
}

static bool parse_size(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v)
        return false;
    if (*end == 'k' || *end == 'K')
        n *= 1024ull, end++;
    else if (*end == 'M')
        n *= 1024ull * 1024ull, end++;
    if (*end || n == 0 || n > SIZE_MAX)
        return false;
    *out = (size_t)n;
    return true;
}

/* The compile-side limits by option name (SECURITY.md lists them), each
 * with the largest value allowed (0: no bound but size_t's). */
static const struct limit_opt {
    const char *name;
    size_t off, max;
} limit_opts[] = {
    {"limit.file-size", offsetof(sg_load_limits, max_file_size), 0},
    {"limit.documents", offsetof(sg_load_limits, max_documents), 0},
    {"limit.yaml-depth", offsetof(sg_load_limits, max_yaml_depth), SG_YAML_DEPTH_CAP},
    {"limit.rules", offsetof(sg_load_limits, max_rules), 0},
    {"limit.condition-depth", offsetof(sg_load_limits, max_condition_depth),
     SG_CONDITION_DEPTH_CAP},
    {"limit.expansion", offsetof(sg_load_limits, max_expansion), 0},
    {"limit.regex-length", offsetof(sg_load_limits, max_regex_length), 0},
};

/* SIGMA_EINVAL for an unknown name or a bad value; *known says which. */
static sigma_status set_limit(sg_load_limits *l, const char *name, const char *value, bool *known)
{
    for (size_t i = 0; i < sizeof limit_opts / sizeof *limit_opts; i++) {
        if (strcmp(name, limit_opts[i].name) != 0)
            continue;
        *known = true;
        size_t v;
        if (!parse_size(value, &v) || (limit_opts[i].max && v > limit_opts[i].max))
            return SIGMA_EINVAL;
        *(size_t *)((char *)l + limit_opts[i].off) = v;
        return SIGMA_OK;
    }
    *known = false;
    return SIGMA_EINVAL;
}

sigma_status sigma_compiler_set_option(sigma_compiler *c, const char *name, const char *value)
{
    if (!c || !name || !value)
        return SIGMA_EINVAL;
    bool on = strcmp(value, "0") != 0 && strcmp(value, "false") != 0;
    if (!strcmp(name, "strict")) {
        c->check_opts.strict = on;
    } else if (!strcmp(name, "werror")) {
        c->diags.werror = on;
    } else if (!strcmp(name, "disable-check")) {
        if (!sg_check_find(value))
            return SIGMA_EINVAL;
        const char **p = sg_arena_grow(c->arena, c->disabled, c->ndisabled, c->ndisabled + 1,
                                       sizeof *p);
        const char *s = sg_arena_strdup(c->arena, value);
        if (!p || !s)
            return SIGMA_ENOMEM;
        p[c->ndisabled++] = s;
        c->disabled = p;
        c->diags.disabled = c->disabled;
        c->diags.ndisabled = c->ndisabled;
    } else if (!strcmp(name, "format")) {
        if (!(c->format = sg_arena_strdup(c->arena, value)))
            return SIGMA_ENOMEM;
    } else if (!strcmp(name, "jobs")) {
        /* threads for loading rule files; 0: one per online CPU */
        char *end;
        errno = 0;
        unsigned long n = strtoul(value, &end, 10);
        if (errno || *end || end == value || n > 256)
            return SIGMA_EINVAL;
        if (n == 0) {
            long cpus = sysconf(_SC_NPROCESSORS_ONLN);
            n = cpus > 0 ? (unsigned long)cpus : 1;
        }
        c->jobs = (unsigned)n;
    } else if (!strcmp(name, "explain")) {
        c->explain = on;
    } else if (!strcmp(name, "skip-unsupported")) {
        c->skip_unsupported = on;
    } else if (!strcmp(name, "sid-base")) {
        char *end;
        errno = 0;
        c->sid_base = strtoul(value, &end, 10);
        if (errno || *end || end == value || c->sid_base > 4000000000ul)
            return SIGMA_EINVAL;
    } else if (!strncmp(name, "limit.", 6)) {
        bool known;
        return set_limit(&c->limits, name, value, &known);
    } else {
        return SIGMA_EINVAL;
    }
    return SIGMA_OK;
}

/* One open, one fstat and, for a regular file, one read of the size fstat
 * said (a file still growing is read as it was then): a corpus compile
 * opens thousands of small files. */
sigma_status sg_read_file(const char *path, size_t max, char **buf, size_t *len, sg_diags *d)
{
    sg_pos p = {path, 0, 0};
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        SG_ERR(d, "io", p, "cannot open: %s", strerror(errno));
        return SIGMA_EIO;
    }
    struct stat sb;
    size_t cap = 16384, n = 0, want = SIZE_MAX;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= 0 &&
        (uintmax_t)sb.st_size < SIZE_MAX / 2) {
        cap = (size_t)sb.st_size + 1; /* +1: a file over the limit shows as one byte more */
        if ((size_t)sb.st_size <= max)
            want = (size_t)sb.st_size; /* else read on until the limit says so */
    }
    if (max < SIZE_MAX && cap > max + 1)
        cap = max + 1;
    char *b = sg_malloc(cap + 1);
    sigma_status st = b ? SIGMA_OK : SIGMA_ENOMEM;
    while (st == SIGMA_OK && n != want) {
        if (n == cap) {
            if (cap > max) {
                SG_ERR(d, "limit", ((sg_pos){path, 1, 1}),
                       "file is over the limit of %zu bytes (limit.file-size)", max);
                st = SIGMA_ELIMIT;
                break;
            }
            size_t nc = cap * 2;
            char *nb = sg_realloc(b, nc + 1);
            if (!nb) {
                st = SIGMA_ENOMEM;
                break;
            }
            b = nb;
            cap = nc;
        }
        ssize_t got = read(fd, b + n, cap - n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            SG_ERR(d, "io", p, "read error: %s", strerror(errno));
            st = SIGMA_EIO;
        } else if (got == 0) {
            break;
        } else {
            n += (size_t)got;
        }
    }
    close(fd);
    if (st != SIGMA_OK) {
        sg_free(b);
        return st;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return SIGMA_OK;
}

sigma_status sg_load_into(sg_loader **lp, sg_arena *a, sg_diags *d, const sg_load_limits *lim,
                          const char *path, const char *text, size_t len, sg_rule ***rules,
                          size_t *n, size_t *cap)
{
    size_t before = d->nerrors;
    if (!*lp && !(*lp = sg_loader_create()))
        return SIGMA_ENOMEM;
    if (!sg_loader_load(*lp, a, path, text, len, lim, d, rules, n, cap))
        return SIGMA_ENOMEM;
    /* a diagnostic that could not be stored, or a condition parser out of
     * memory, is out of memory too: never a silently broken rule */
    if (d->oom)
        return SIGMA_ENOMEM;
    return d->nerrors > before ? SIGMA_ERULE : SIGMA_OK;
}

sigma_status sg_load_file_into(sg_loader **lp, sg_arena *a, sg_diags *d,
                               const sg_load_limits *lim, const char *path, sg_rule ***rules,
                               size_t *n, size_t *cap)
{
    size_t max = lim->max_file_size ? lim->max_file_size : SG_DEFAULT_MAX_FILE_SIZE;
    char *buf;
    size_t len;
    sigma_status st = sg_read_file(path, max, &buf, &len, d);
    if (st != SIGMA_OK)
        return st;
    st = sg_load_into(lp, a, d, lim, path, buf, len, rules, n, cap);
    sg_free(buf);
    return st;
}

/* `path` is interned in the compiler's arena. */
static sigma_status load_interned(sigma_compiler *c, const char *path, const char *text,
                                  size_t len)
{
    /* limit.rules was reported at the document that reached it; files
     * after it are not read (one diagnostic, not one per file) */
    if (c->rules_full) {
        c->nunloaded++;
        return SIGMA_ELIMIT;
    }
    size_t ndiag = c->diags.n, nbefore = c->nrules;
    bool full = c->nrules >= SG_LIMIT(&c->limits, max_rules, SG_DEFAULT_MAX_RULES);
    c->corrset = NULL; /* new rules: resolve correlations and filters again */
    sigma_status st = text ? sg_load_into(&c->loader, c->arena, &c->diags, &c->limits, path, text,
                                          len, &c->rules, &c->nrules, &c->caprules)
                           : sg_load_file_into(&c->loader, c->arena, &c->diags, &c->limits, path,
                                               &c->rules, &c->nrules, &c->caprules);
    if (st == SIGMA_ENOMEM)
        return st;
    if (st != SIGMA_OK && c->nrules == nbefore)
        c->nunloaded++;
    /* the loader reports limit.rules at the first document beyond it */
    for (size_t i = ndiag; full && i < c->diags.n; i++)
        if (strstr(c->diags.items[i].message, "(limit.rules)")) {
            c->rules_full = true;
            return SIGMA_ELIMIT;
        }
    return st;
}

sigma_status sg_compiler_load_file(sigma_compiler *c, const char *path)
{
    return load_interned(c, path, NULL, 0);
}

static bool is_rule_file(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

/* The rule files under a directory, in walk order (arena strings). */
typedef struct pathvec {
    const char **v;
    size_t n, cap;
} pathvec;

static bool pathvec_push(pathvec *pv, const char *s)
{
    if (pv->n == pv->cap) {
        size_t nc = pv->cap ? pv->cap * 2 : 256;
        const char **p = sg_realloc(pv->v, nc * sizeof *p);
        if (!p)
            return false;
        pv->v = p;
        pv->cap = nc;
    }
    pv->v[pv->n++] = s;
    return true;
}

sigma_status sg_status_join(sigma_status st, sigma_status s)
{
    return s != SIGMA_OK && (st == SIGMA_OK || s == SIGMA_ENOMEM) ? s : st;
}

/* Recursive, sorted walk: the same tree gives the same order everywhere.
 * Collects the rule files; sg_load_paths loads them. */
static sigma_status walk(sigma_compiler *c, const char *dir, int depth, pathvec *out)
{
    if (depth > SG_MAX_DIR_DEPTH) {
        SG_ERR(&c->diags, "limit", ((sg_pos){dir, 0, 0}), "directories nested too deeply");
        return SIGMA_ELIMIT;
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        SG_ERR(&c->diags, "io", ((sg_pos){dir, 0, 0}), "cannot open directory: %s",
               strerror(errno));
        return SIGMA_EIO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    sigma_status st = SIGMA_OK;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **p = sg_realloc(names, nc * sizeof *p);
            if (!p) {
                st = SIGMA_ENOMEM;
                break;
            }
            names = p;
            cap = nc;
        }
        /* names[n][0] holds the entry's type, the path follows */
        size_t dl = strlen(dir), nl = strlen(e->d_name);
        bool slash = dl && dir[dl - 1] != '/';
        names[n] = sg_arena_alloc_raw(c->arena, 1 + dl + slash + nl + 1);
        if (!names[n]) {
            st = SIGMA_ENOMEM;
            break;
        }
        names[n][0] = (char)e->d_type;
        memcpy(names[n] + 1, dir, dl);
        names[n][1 + dl] = '/';
        memcpy(names[n] + 1 + dl + slash, e->d_name, nl + 1);
        n++;
    }
    closedir(dp);
    if (st == SIGMA_OK)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && st != SIGMA_ENOMEM; i++) {
        struct stat sb;
        /* readdir's type saves a stat per file; links and unknowns are
         * stat'ed (a link to a directory is followed). */
        const char *path = names[i] + 1;
        unsigned char type = (unsigned char)names[i][0];
        if (type != DT_DIR && type != DT_REG) {
            if (stat(path, &sb) != 0)
                continue;
            type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISREG(sb.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type == DT_DIR)
            st = sg_status_join(st, walk(c, path, depth + 1, out));
        else if (type == DT_REG && is_rule_file(path) && !pathvec_push(out, path))
            st = SIGMA_ENOMEM;
    }
    sg_free(names);
    return st;
}

sigma_status sigma_compiler_add_path(sigma_compiler *c, const char *path)
{
    if (!c || !path)
        return SIGMA_EINVAL;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        SG_ERR(&c->diags, "io", ((sg_pos){path, 0, 0}), "cannot open: %s", strerror(errno));
        c->nunloaded++;
        return SIGMA_EIO;
    }
    if (!S_ISDIR(sb.st_mode)) {
        const char *interned = sg_arena_strdup(c->arena, path);
        return interned ? sg_compiler_load_file(c, interned) : SIGMA_ENOMEM;
    }
    pathvec pv = {0};
    sigma_status st = walk(c, path, 0, &pv);
    if (st != SIGMA_ENOMEM)
        st = sg_status_join(st, sg_load_paths(c, pv.v, pv.n));
    sg_free(pv.v);
    return st;
}

sigma_status sigma_compiler_add_string(sigma_compiler *c, const char *name, const char *text,
                                       size_t len)
{
    if (!c || !name || (!text && len))
        return SIGMA_EINVAL;
    const char *interned = sg_arena_strdup(c->arena, name);
    return interned ? load_interned(c, interned, text ? text : "", len) : SIGMA_ENOMEM;
}

size_t sigma_compiler_rule_count(const sigma_compiler *c)
{
    return c ? c->nrules : 0;
}

size_t sigma_compiler_unloaded_count(const sigma_compiler *c)
{
    return c ? c->nunloaded : 0;
}

sigma_status sigma_compiler_check(sigma_compiler *c)
{
    if (!c)
        return SIGMA_EINVAL;
    for (size_t i = 0; i < c->nrules; i++) {
        sg_check_rule(c->rules[i], &c->check_opts, &c->diags);
        /* Building the IR validates modifiers, identifiers, regexes. The
         * result is discarded; compile builds it again after pipelines. */
        (void)ir_build_rule(c->arena, c->rules[i], &c->diags);
    }
    sg_check_set(c->rules, c->nrules, &c->check_opts, &c->diags);
    if (!sg_compiler_corrset(c)) /* correlation and filter checks */
        return SIGMA_ENOMEM;
    if (c->diags.oom)
        return SIGMA_ENOMEM;
    return c->diags.nerrors ? SIGMA_ERULE : SIGMA_OK;
}

struct sg_corrset *sg_compiler_corrset(sigma_compiler *c)
{
    if (!c->corrset)
        c->corrset = sg_correlations_resolve(c->arena, c->rules, c->nrules, &c->diags);
    return c->corrset;
}

/* ---- diagnostics ---------------------------------------------------------------- */

size_t sigma_diag_count(const sigma_compiler *c)
{
    return c ? c->diags.n : 0;
}

size_t sigma_diag_errors(const sigma_compiler *c)
{
    return c ? c->diags.nerrors : 0;
}

size_t sigma_diag_warnings(const sigma_compiler *c)
{
    return c ? c->diags.nwarnings : 0;
}

static const sg_diag *diag_at(const sigma_compiler *c, size_t i)
{
    return c && i < c->diags.n ? &c->diags.items[i] : NULL;
}

sigma_severity sigma_diag_severity(const sigma_compiler *c, size_t i)
{
    const sg_diag *d = diag_at(c, i);
    return !d ? SIGMA_ERROR : d->sev == SG_SEV_ERROR ? SIGMA_ERROR
                          : d->sev == SG_SEV_WARNING ? SIGMA_WARNING
                                                     : SIGMA_NOTE;
}

const char *sigma_diag_check(const sigma_compiler *c, size_t i)
{
    const sg_diag *d = diag_at(c, i);
    return d ? d->check : NULL;
}

const char *sigma_diag_file(const sigma_compiler *c, size_t i)
{
    const sg_diag *d = diag_at(c, i);
    return d ? d->file : NULL;
}

unsigned sigma_diag_line(const sigma_compiler *c, size_t i)
{
    const sg_diag *d = diag_at(c, i);
    return d ? d->line : 0;
}

unsigned sigma_diag_column(const sigma_compiler *c, size_t i)
{
    const sg_diag *d = diag_at(c, i);
    return d ? d->col : 0;
}

const char *sigma_diag_message(const sigma_compiler *c, size_t i)
{
    const sg_diag *d = diag_at(c, i);
    return d ? d->message : NULL;
}

sigma_status sigma_diag_write(sigma_compiler *c, sigma_diag_format fmt, int show_source,
                              FILE *out)
{
    if (!c || !out)
        return SIGMA_EINVAL;
    sg_diags_sort(&c->diags);
    sg_diag_fmt f = fmt == SIGMA_FMT_JSON ? SG_FMT_JSON : fmt == SIGMA_FMT_SARIF ? SG_FMT_SARIF
                                                                                  : SG_FMT_TEXT;
    return sg_diag_print(&c->diags, f, show_source != 0, out) ? SIGMA_OK : SIGMA_EIO;
}

/* ---- checks catalogue ------------------------------------------------------------- */

size_t sigma_check_count(void)
{
    return sg_check_count();
}

const char *sigma_check_name(size_t i)
{
    const sg_check_info *ci = sg_check_at(i);
    return ci ? ci->name : NULL;
}

const char *sigma_check_description(size_t i)
{
    const sg_check_info *ci = sg_check_at(i);
    return ci ? ci->description : NULL;
}
