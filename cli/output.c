/* output.c - atomic output files and the CLI's output formats. */
#include "output.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkstemp makes the file 0600; it gets the mode open(2) would have given
 * it: the replaced file's (old: NULL when there is none), or 0666 less
 * the umask. */
static mode_t new_file_mode(const struct stat *old)
{
    if (old)
        return old->st_mode & 0777; /* never set-id bits on a file we write */
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

int output_open(output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (!path || !strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    /* Only a regular file is replaced: a device, a pipe or a link
     * (-o /dev/null, -o /dev/stdout, a FIFO) is written to as it is, since
     * the temporary file renamed over it would take its place. */
    struct stat sb;
    bool exists = lstat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode)) {
        o->f = fopen(path, "w");
        o->device = 1;
        return o->f ? 0 : -1;
    }
    size_t n = strlen(path) + 16;
    o->path = strdup(path);
    o->tmp = malloc(n);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        errno = ENOMEM;
        return -1;
    }
    snprintf(o->tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0 || fchmod(fd, new_file_mode(exists ? &sb : NULL)) != 0 ||
        !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->path);
        free(o->tmp);
        errno = e;
        return -1;
    }
    return 0;
}

static void safe_name(char *dst, size_t cap, const char *src)
{
    size_t j = 0;
    for (size_t i = 0; src[i] && j + 1 < cap; i++) {
        char c = src[i];
        dst[j++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                           c == '-' || c == '_' || c == '.'
                       ? c
                       : '_';
    }
    dst[j] = '\0';
}

int output_open_rule_file(output *o, const char *dir, const sigma_result *r, const char *ext)
{
    char name[256], path[4096];
    const char *id = sigma_result_id(r);
    if (!id || !*id) {
        const char *p = sigma_result_path(r);
        const char *base = p ? strrchr(p, '/') : NULL;
        id = base ? base + 1 : p ? p : "rule";
    }
    safe_name(name, sizeof name, id);
    size_t dl = strlen(dir);
    snprintf(path, sizeof path, "%s%s%s.%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name, ext);
    return output_open(o, path);
}

void output_printf(output *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0)
        o->failed = 1;
    va_end(ap);
}

int output_close(output *o)
{
    int rc = 0;
    if (fflush(o->f) != 0 || ferror(o->f) || o->failed)
        rc = -1;
    if (o->device && fclose(o->f) != 0)
        rc = -1;
    if (o->path) {
        if (rc == 0 && fsync(fileno(o->f)) != 0)
            rc = -1;
        if (fclose(o->f) != 0)
            rc = -1;
        if (rc == 0 && rename(o->tmp, o->path) != 0)
            rc = -1;
        if (rc != 0)
            unlink(o->tmp);
        free(o->path);
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
    return rc;
}

void output_abort(output *o)
{
    if (o->device)
        fclose(o->f);
    if (o->path) {
        fclose(o->f);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
    }
    memset(o, 0, sizeof *o);
}

/* Bytes of a line break at p: CR, LF, or U+0085, U+2028, U+2029 (Kusto ends
 * a // comment at U+2028 and U+2029 too; the rest of a title would be query
 * text). 0 when there is none. */
static size_t line_break(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == '\n' || u[0] == '\r')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0x85)
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9))
        return 3;
    return 0;
}

/* A comment line may not contain a line break, nor the comment's own closer
 * or (for block comments: gcc -Wcomment) opener: those are replaced;
 * everything else is written in runs. */
static void comment_line(output *o, const char *open, const char *close, const char *text)
{
    size_t cl = close ? strlen(close) : 0, ol = close ? strlen(open) : 0;
    output_printf(o, "%s ", open);
    const char *run = text, *p = text;
    for (; *p; p++) {
        size_t nl = line_break(p);
        size_t mark = cl && !strncmp(p, close, cl) ? cl : ol && !strncmp(p, open, ol) ? ol : 0;
        if (!nl && !mark)
            continue;
        if (p > run && fwrite(run, 1, (size_t)(p - run), o->f) != (size_t)(p - run))
            o->failed = 1;
        output_printf(o, "%s", nl ? " " : "'");
        p += (nl ? nl : mark) - 1;
        run = p + 1;
    }
    if (p > run && fwrite(run, 1, (size_t)(p - run), o->f) != (size_t)(p - run))
        o->failed = 1;
    output_printf(o, "%s%s\n", close ? " " : "", close ? close : "");
}

void output_comment(output *o, const char *target, const char *text)
{
    const char *end;
    const char *open = sigma_target_comment(target, &end);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        if (line) {
            comment_line(o, open, end, line);
            free(line);
        }
        p += n + (nl ? 1 : 0);
    }
}

void output_rule_header(output *o, const char *target, const sigma_result *r)
{
    const char *end;
    const char *open = sigma_target_comment(target, &end);
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s%s%s%s", sigma_result_title(r) ? sigma_result_title(r) : "",
             sigma_result_id(r) ? " | id " : "", sigma_result_id(r) ? sigma_result_id(r) : "",
             " | ", sigma_result_path(r) ? sigma_result_path(r) : "");
    comment_line(o, open, end, buf);
}

static void json_str(output *o, const char *s)
{
    if (!s) {
        output_printf(o, "null");
        return;
    }
    output_printf(o, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            output_printf(o, "\\%c", *p);
        else if (*p == '\n')
            output_printf(o, "\\n");
        else if (*p == '\t')
            output_printf(o, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            output_printf(o, "\\u%04x", *p);
        else
            output_printf(o, "%c", *p);
    }
    output_printf(o, "\"");
}

void output_json_result(output *o, const sigma_result *r)
{
    output_printf(o, "{\"path\":");
    json_str(o, sigma_result_path(r));
    output_printf(o, ",\"id\":");
    json_str(o, sigma_result_id(r));
    output_printf(o, ",\"title\":");
    json_str(o, sigma_result_title(r));
    output_printf(o, ",\"level\":");
    json_str(o, sigma_result_level(r));
    output_printf(o, ",\"query\":");
    json_str(o, sigma_result_text(r));
    if (sigma_result_explain(r)) {
        output_printf(o, ",\"explain\":");
        json_str(o, sigma_result_explain(r));
    }
    output_printf(o, ",\"errors\":[");
    for (size_t i = 0; i < sigma_result_error_count(r); i++) {
        if (i)
            output_printf(o, ",");
        json_str(o, sigma_result_error(r, i));
    }
    output_printf(o, "]}\n");
}

char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        return NULL;
    size_t got;
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = cap > (1u << 30) ? NULL : realloc(b, cap * 2 + 1);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
    }
    b[n] = '\0';
    *len = n;
    return b;
}
