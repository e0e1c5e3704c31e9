/* match.c - `sigmacc match`: run a ruleset over files of events.
 *
 *   sigmacc match -r RULES... [-p PIPELINE]... [--input json|lines] [-j N]
 *                 [--format text|json] [--stats] [FILES...|-]
 *
 * The main thread reads each file in chunks cut at event boundaries
 * (sigma_input_split), worker threads scan chunks with their own matcher
 * over the shared ruleset, and the main thread prints results chunk by
 * chunk, so output order is the input order whatever -j is. Correlations
 * (match_corr.c) are fed there too, in event order; several files with
 * correlations are merged by event time instead.
 * Exit status (grep's): 0 something matched, 1 nothing, 2 error. */
#include "sigmacc.h"

#include "cmd_match.h"
#include "match_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_EVENT (64u << 20)

enum { EXIT_MATCH = 0, EXIT_NOMATCH = 1, EXIT_ERR = 2 };

/* ---- recording results (worker side) ----------------------------------------------- */

static rec *add_rec(job *j)
{
    if (j->nrec == j->caprec) {
        size_t c = j->caprec ? j->caprec * 2 : 64;
        rec *r = realloc(j->recs, c * sizeof *r);
        if (!r) {
            j->oom = true;
            return NULL;
        }
        j->recs = r;
        j->caprec = c;
    }
    rec *r = &j->recs[j->nrec++];
    memset(r, 0, sizeof *r);
    return r;
}

/* The correlation capture of this match, appended to j->caps. */
static bool take_capture(job *j, rec *r)
{
    for (;;) {
        size_t room = j->capcaps - j->ncaps;
        size_t n = sigma_matcher_capture(j->m, r->rule, j->caps ? j->caps + j->ncaps : NULL, room);
        if (n <= room) {
            r->cap_off = j->ncaps;
            r->cap_len = n;
            j->ncaps += n;
            return true;
        }
        size_t c = j->capcaps ? j->capcaps * 2 : 4096;
        while (c - j->ncaps < n)
            c *= 2;
        char *p = realloc(j->caps, c);
        if (!p)
            return false;
        j->caps = p;
        j->capcaps = c;
    }
}

static int on_match(void *user, size_t event, size_t line, const char *raw, size_t len,
                    const sigma_rule_info *rule)
{
    job *j = user;
    rec *r = add_rec(j);
    if (!r)
        return 1;
    r->event = event;
    r->line = line;
    r->rule = rule->index;
    r->off = (size_t)(raw - j->buf);
    r->len = len;
    if (j->corr && !take_capture(j, r)) {
        j->oom = true;
        return 1;
    }
    if (j->times)
        r->has_time = sigma_matcher_event_time(j->m, &r->time) != 0;
    return 0;
}

static void on_error(void *user, size_t event, size_t line, const char *msg)
{
    job *j = user;
    rec *r = add_rec(j);
    if (!r)
        return;
    r->error = true;
    r->event = event;
    r->line = line;
    r->msg = strdup(msg);
}

void run_job(sigma_matcher *m, const opts *o, job *j)
{
    (void)o;
    j->nrec = 0;
    j->ncaps = 0;
    j->oom = false;
    j->m = m;
    j->st = sigma_matcher_scan(m, j->kind, j->buf, j->len, j->cap, on_match, on_error, j,
                               &j->nevents, NULL);
    j->m = NULL;
    if (j->oom && j->st == SIGMA_OK)
        j->st = SIGMA_ENOMEM;
}

typedef struct worker {
    ctx *c;
    sigma_matcher *m;
    pthread_t tid;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    ctx *c = w->c;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->done && c->next_run == c->submitted)
            pthread_cond_wait(&c->cv_work, &c->mu);
        if (c->next_run == c->submitted && c->done)
            break;
        job *j = &c->jobs[c->next_run++ % c->njobs];
        j->state = J_RUNNING;
        pthread_mutex_unlock(&c->mu);
        run_job(w->m, c->o, j);
        pthread_mutex_lock(&c->mu);
        j->state = J_DONE;
        pthread_cond_broadcast(&c->cv_done);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* ---- printing (main thread) ---------------------------------------------------------- */

void json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void json_cstr(FILE *f, const char *s)
{
    if (s)
        json_str(f, s, strlen(s));
    else
        fputs("null", f);
}

/* A JSON event on one line: whitespace outside strings dropped. */
static void json_compact(FILE *f, const char *s, size_t n)
{
    bool in = false, esc = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in) {
            fputc(c, f);
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                in = false;
        } else if (c == '"') {
            in = true;
            fputc(c, f);
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            fputc(c, f);
        }
    }
}

void emit_rec(ctx *c, const job *j, const rec *r, size_t ev_base)
{
    const opts *o = c->o;
    const char *file = o->files[j->file];
    const char *shown = strcmp(file, "-") ? file : "<stdin>";
    size_t ev = ev_base + r->event + 1, line = j->line_base + r->line;
    if (r->error && r->msg && !strncmp(r->msg, "warning: ", 9)) {
        /* a limit hit on an event that was matched: once per message (each
         * thread's matcher reports its own first hit of a rule) */
        for (size_t i = 0; i < c->nwarned; i++)
            if (!strcmp(c->warned[i], r->msg))
                return;
        char **w = realloc(c->warned, (c->nwarned + 1) * sizeof *w);
        char *copy = strdup(r->msg);
        if (w)
            c->warned = w;
        if (w && copy)
            c->warned[c->nwarned++] = copy;
        else
            free(copy);
        if (!o->quiet)
            fprintf(stderr, "sigmacc: %s:%zu: event %zu: %s\n", shown, line, ev, r->msg);
        return;
    }
    if (r->error) {
        c->bad_events++;
        if (!o->quiet)
            fprintf(stderr, "sigmacc: %s:%zu: event %zu: %s\n", shown, line, ev,
                    r->msg ? r->msg : "out of memory");
        return;
    }
    if (r->cap_len)
        corr_feed(c, j, r, ev_base);
    if (!sigma_ruleset_rule_reported(c->rs, r->rule))
        return; /* it only feeds correlations */
    c->matches++;
    const sigma_rule_info *ri = sigma_ruleset_rule(c->rs, r->rule);
    if (!o->json) {
        fprintf(c->out, "%s:%zu: event %zu: %s [%s] %s\n", shown, line, ev,
                ri->id ? ri->id : "-", ri->level ? ri->level : "-", ri->title ? ri->title : "");
        return;
    }
    fputs("{\"file\":", c->out);
    json_cstr(c->out, shown);
    fprintf(c->out, ",\"line\":%zu,\"event_number\":%zu,\"rule\":{\"id\":", line, ev);
    json_cstr(c->out, ri->id);
    fputs(",\"title\":", c->out);
    json_cstr(c->out, ri->title);
    fputs(",\"level\":", c->out);
    json_cstr(c->out, ri->level);
    fputs(",\"path\":", c->out);
    json_cstr(c->out, ri->path);
    fputs("},\"event\":", c->out);
    if (j->kind == SIGMA_INPUT_JSON)
        json_compact(c->out, j->buf + r->off, r->len);
    else
        json_str(c->out, j->buf + r->off, r->len);
    fputs("}\n", c->out);
}

void end_event(ctx *c)
{
    if (c->corr)
        corr_end_event(c);
}

static void print_job(ctx *c, job *j)
{
    const opts *o = c->o;
    const char *file = o->files[j->file];
    const char *shown = strcmp(file, "-") ? file : "<stdin>";
    if (j->file != c->cur_file) {
        c->cur_file = j->file;
        c->event_base = 0;
    }
    for (size_t i = 0; i < j->nrec; i++) {
        emit_rec(c, j, &j->recs[i], c->event_base);
        if (i + 1 == j->nrec || j->recs[i + 1].event != j->recs[i].event)
            end_event(c);
    }
    for (size_t i = 0; i < j->nrec; i++)
        free(j->recs[i].msg);
    c->event_base += j->nevents;
    c->total_events += j->nevents;
    if (j->st != SIGMA_OK) {
        fprintf(stderr, "sigmacc: %s: %s\n", shown,
                j->st == SIGMA_ENOTSUP ? "JSON input is not supported by this build (no simdjson)"
                                       : sigma_status_str(j->st));
        c->io_error = true;
    }
    j->state = J_FREE;
}

/* ---- progress --------------------------------------------------------------------------- */

void progress_show(progress *p, size_t events, bool final)
{
    if (!p->on)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - p->last.tv_sec) + (now.tv_nsec - p->last.tv_nsec) / 1e9;
    if (!final && dt < 0.2)
        return;
    p->last = now;
    int pct = p->total ? (int)(100.0 * (double)p->done / (double)p->total) : 0;
    int w = pct * 30 / 100;
    fprintf(stderr, "\r[%.*s%*s] %3d%% %zu events", w, "##############################", 30 - w,
            "", pct, events);
    if (final)
        fputs("\r\033[K", stderr);
}

/* ---- reading ------------------------------------------------------------------------------ */

/* The next free job slot, printing finished jobs while waiting. */
static job *free_job(ctx *c, bool threaded)
{
    job *j = &c->jobs[c->submitted % c->njobs];
    if (!threaded)
        return j;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        /* print every finished job, in order */
        while (c->printed < c->submitted && c->jobs[c->printed % c->njobs].state == J_DONE) {
            job *p = &c->jobs[c->printed % c->njobs];
            pthread_mutex_unlock(&c->mu);
            print_job(c, p);
            pthread_mutex_lock(&c->mu);
            c->printed++;
        }
        if (j->state == J_FREE)
            break;
        pthread_cond_wait(&c->cv_done, &c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return j;
}

static bool reserve(job *j, size_t need)
{
    if (need + PAD <= j->cap)
        return true;
    size_t cap = j->cap ? j->cap : CHUNK + PAD;
    while (cap < need + PAD)
        cap *= 2;
    char *b = realloc(j->buf, cap);
    if (!b)
        return false;
    j->buf = b;
    j->cap = cap;
    return true;
}

static size_t count_lines(const char *s, size_t n)
{
    size_t k = 0;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))) != NULL; p++)
        k++;
    return k;
}

bool src_open(ctx *c, size_t fi, src *s)
{
    const opts *o = c->o;
    const char *path = o->files[fi];
    memset(s, 0, sizeof *s);
    s->fi = fi;
    s->kind = o->input == INPUT_LINES ? SIGMA_INPUT_LINES : SIGMA_INPUT_JSON;
    s->kind_known = o->input != INPUT_AUTO;
    s->fd = strcmp(path, "-") ? open(path, O_RDONLY) : STDIN_FILENO;
    if (s->fd < 0) {
        fprintf(stderr, "sigmacc: %s: %s\n", path, strerror(errno));
        c->io_error = true;
        s->finished = true;
        return false;
    }
    return true;
}

void src_close(src *s)
{
    free(s->carry);
    s->carry = NULL;
    if (s->fd >= 0 && s->fd != STDIN_FILENO)
        close(s->fd);
    s->fd = -1;
}

/* --input auto: JSON when the first byte that is not blank opens an
 * object or an array, text lines otherwise. */
static void sniff(src *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
            continue;
        s->kind = ch == '{' || ch == '[' ? SIGMA_INPUT_JSON : SIGMA_INPUT_LINES;
        break;
    }
    s->kind_known = true;
}

int src_next(ctx *c, src *s, job *j, progress *pg)
{
    const opts *o = c->o;
    const char *path = o->files[s->fi];
    if (s->finished)
        return 0;
    if (!reserve(j, s->ncarry + CHUNK))
        return -1;
    if (s->ncarry)
        memcpy(j->buf, s->carry, s->ncarry);
    j->len = s->ncarry;
    size_t want = CHUNK;
    size_t split = 0;
    for (;;) {
        while (!s->eof && j->len < s->ncarry + want) {
            if (!reserve(j, j->len + 65536))
                return -1;
            ssize_t n = read(s->fd, j->buf + j->len, j->cap - PAD - j->len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                fprintf(stderr, "sigmacc: %s: %s\n", path, strerror(errno));
                c->io_error = true;
                s->eof = true;
                break;
            }
            if (n == 0)
                s->eof = true;
            j->len += (size_t)n;
            pg->done += n;
        }
        if (!s->kind_known)
            sniff(s, j->buf, j->len);
        split = s->eof ? j->len : sigma_input_split(s->kind, j->buf, j->len);
        if (split || s->eof)
            break;
        if (j->len >= o->max_event) {
            /* no boundary in max-event bytes: hand it over as it is
             * (it will be reported as a bad event) */
            split = j->len;
            break;
        }
        want *= 2; /* an event larger than a chunk */
    }
    /* the rest starts the next chunk */
    size_t rest = j->len - split;
    char *nc = rest ? realloc(s->carry, rest) : s->carry;
    if (rest && !nc)
        return -1;
    s->carry = nc;
    if (rest)
        memcpy(s->carry, j->buf + split, rest);
    s->ncarry = rest;
    j->len = split;
    memset(j->buf + j->len, 0, PAD);
    j->file = s->fi;
    j->kind = s->kind;
    j->line_base = s->line_base;
    s->line_base += count_lines(j->buf, j->len);
    if (s->eof && !rest)
        s->finished = true;
    return 1;
}

/* Read one file into jobs. Returns false on a fatal error. */
static bool read_file(ctx *c, size_t fi, sigma_matcher *m0, bool threaded, progress *pg)
{
    const opts *o = c->o;
    src s;
    if (!src_open(c, fi, &s))
        return true;
    bool ok = true;
    for (;;) {
        job *j = free_job(c, threaded);
        int r = src_next(c, &s, j, pg);
        if (r < 0)
            ok = false;
        if (r <= 0)
            break;
        j->corr = c->corr != NULL;
        j->times = false;
        if (threaded) {
            pthread_mutex_lock(&c->mu);
            j->state = J_READY;
            c->submitted++;
            pthread_cond_signal(&c->cv_work);
            pthread_mutex_unlock(&c->mu);
        } else {
            c->submitted++;
            run_job(m0, o, j);
            print_job(c, j);
            c->printed++;
        }
        progress_show(pg, c->total_events, false);
    }
    src_close(&s);
    return ok;
}

/* ---- statistics ---------------------------------------------------------------------------- */

typedef struct rstat {
    size_t rule;
    uint64_t hits, evals, ns;
} rstat;

static int cmp_stat(const void *a, const void *b)
{
    const rstat *x = a, *y = b;
    return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : (x->rule > y->rule) - (x->rule < y->rule);
}

static void print_stats(const ctx *c, sigma_matcher **ms, size_t nm, double secs)
{
    size_t nr = sigma_ruleset_rule_count(c->rs);
    rstat *v = calloc(nr ? nr : 1, sizeof *v);
    if (!v)
        return;
    uint64_t evals = 0;
    for (size_t i = 0; i < nm; i++)
        evals += sigma_matcher_eval_count(ms[i]);
    for (size_t r = 0; r < nr; r++) {
        v[r].rule = r;
        for (size_t i = 0; i < nm; i++) {
            uint64_t h, e, t;
            sigma_matcher_rule_stats(ms[i], r, &h, &e, &t);
            v[r].hits += h;
            v[r].evals += e;
            v[r].ns += t;
        }
    }
    if (nr)
        qsort(v, nr, sizeof *v, cmp_stat);
    fprintf(stderr, "%10s %10s %10s  %-36s %s\n", "hits", "evals", "time-ms", "id", "title");
    for (size_t r = 0; r < nr; r++) {
        if (!v[r].hits && !v[r].evals)
            continue;
        const sigma_rule_info *ri = sigma_ruleset_rule(c->rs, v[r].rule);
        fprintf(stderr, "%10llu %10llu %10.3f  %-36s %s\n", (unsigned long long)v[r].hits,
                (unsigned long long)v[r].evals, v[r].ns / 1e6, ri->id ? ri->id : "-",
                ri->title ? ri->title : "");
    }
    /* regexes that hit a PCRE2 limit, by rule (each counted as no match) */
    bool head = false;
    for (size_t r = 0; r < nr; r++) {
        uint64_t h = 0;
        for (size_t i = 0; i < nm; i++)
            h += sigma_matcher_limit_hits(ms[i], r);
        if (!h)
            continue;
        if (!head)
            fprintf(stderr, "%10s  %-36s %s\n", "limit-hits", "id", "title");
        head = true;
        const sigma_rule_info *ri = sigma_ruleset_rule(c->rs, r);
        fprintf(stderr, "%10llu  %-36s %s\n", (unsigned long long)h, ri->id ? ri->id : "-",
                ri->title ? ri->title : "");
    }
    fprintf(stderr,
            "%zu events, %zu matches, %zu bad events, %.3f s, %.0f events/s, %.2f rule "
            "evaluations per event\n",
            c->total_events, c->matches, c->bad_events, secs,
            secs > 0 ? (double)c->total_events / secs : 0.0,
            c->total_events ? (double)evals / (double)c->total_events : 0.0);
    free(v);
    if (c->corr)
        corr_stats(c, true);
}

/* ---- the command ---------------------------------------------------------------------------- */

static void match_usage(FILE *f)
{
    fputs("usage: sigmacc match -r RULES... [-p PIPELINE]... [--input auto|json|lines]\n"
          "                     [-j THREADS] [--format text|json] [--stats] [-q]\n"
          "                     [--reorder-window SECONDS] [--corr-max-groups N]\n"
          "                     [--corr-max-window N] [--corr-max-entries N] [--every-alert]\n"
          "                     [--limit-NAME=N]... [--] [FILES...|-]\n"
          "After -r, arguments that are directories or .yml/.yaml files are rules too.\n"
          "--input auto (the default) reads a file as JSON when it starts with '{' or '[',\n"
          "as text lines otherwise.\n"
          "Limits (SECURITY.md): regex-match, regex-depth, event-size, event-depth,\n"
          "corr-groups, corr-window, corr-entries, corr-memory, and the compiler's (rules,\n"
          "file-size...).\n",
          f);
}

/* Returns 1, so parse_opts can return -bad_usage(...) for "error". */
static int bad_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "sigmacc match: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    match_usage(stderr);
    return 1;
}

/* After -r, bare arguments are rules while they look like rules: a
 * directory, or a .yml/.yaml file; anything else is an input file. */
static bool is_rule_path(const char *a)
{
    size_t n = strlen(a);
    struct stat sb;
    if (n > 4 && !strcmp(a + n - 4, ".yml"))
        return true;
    if (n > 5 && !strcmp(a + n - 5, ".yaml"))
        return true;
    return stat(a, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* --limit-NAME=N for the matcher rather than the compiler. */
static bool is_matcher_limit(const char *a)
{
    static const char *const names[] = {"--limit-regex-match=", "--limit-regex-depth=",
                                        "--limit-event-size=", "--limit-event-depth="};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strncmp(a, names[i], strlen(names[i])))
            return true;
    return false;
}

/* 0: run; 1: --help printed; -1: usage error (reported). */
static int parse_opts(int argc, char **argv, opts *o)
{
    size_t n = (size_t)argc;
    o->rules = calloc(n, sizeof *o->rules);
    o->pipelines = calloc(n, sizeof *o->pipelines);
    o->files = calloc(n + 1, sizeof *o->files);
    o->limits = calloc(n, sizeof *o->limits);
    if (!o->rules || !o->pipelines || !o->files || !o->limits)
        return -1;
    o->threads = 1;
    o->max_event = DEFAULT_MAX_EVENT;
    o->progress = true;
    bool rules_mode = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-r") || !strcmp(a, "--rules")) {
            if (!next)
                return -bad_usage("-r needs rules", NULL);
            o->rules[o->nrules++] = argv[++i];
            rules_mode = true; /* following bare paths are rules too, until a -flag */
            continue;
        }
        if (a[0] == '-' && a[1])
            rules_mode = false;
        if (!strcmp(a, "--")) {
            for (i++; i < argc; i++)
                o->files[o->nfiles++] = argv[i];
            break;
        }
        if (!strcmp(a, "-p") || !strcmp(a, "--pipeline")) {
            if (!next)
                return -bad_usage("-p needs a pipeline", NULL);
            o->pipelines[o->npipelines++] = argv[++i];
        } else if (!strcmp(a, "--input")) {
            if (!next || (strcmp(next, "json") && strcmp(next, "lines") && strcmp(next, "auto")))
                return -bad_usage("--input is auto, json or lines", next);
            i++;
            o->input = !strcmp(next, "json") ? INPUT_JSON : !strcmp(next, "lines") ? INPUT_LINES
                                                                                 : INPUT_AUTO;
        } else if (!strcmp(a, "--reorder-window")) {
            char *end;
            double v = next ? strtod(next, &end) : -1;
            if (!next || *end || end == next || !(v >= 0 && v <= 1e9))
                return -bad_usage("--reorder-window needs a number of seconds", next);
            o->reorder = argv[++i];
        } else if (!strcmp(a, "--corr-max-groups") || !strcmp(a, "--corr-max-window") ||
                   !strcmp(a, "--corr-max-entries")) {
            char *end;
            unsigned long long v = next && next[0] != '-' ? strtoull(next, &end, 10) : 0;
            if (!next || next[0] == '-' || *end || end == next || v < 1)
                return -bad_usage("a correlation limit needs a number >= 1", a);
            if (!strcmp(a, "--corr-max-groups"))
                o->max_groups = argv[++i];
            else if (!strcmp(a, "--corr-max-window"))
                o->max_window = argv[++i];
            else
                o->max_entries = argv[++i];
        } else if (!strncmp(a, "--limit-", 8) && strchr(a, '=')) {
            const char *v = strchr(a, '=') + 1;
            const char **corr = !strncmp(a, "--limit-corr-groups=", 20)    ? &o->max_groups
                                : !strncmp(a, "--limit-corr-window=", 20)  ? &o->max_window
                                : !strncmp(a, "--limit-corr-entries=", 21) ? &o->max_entries
                                : !strncmp(a, "--limit-corr-memory=", 20)  ? &o->max_memory
                                                                           : NULL;
            if (corr) { /* the same as --corr-max-* */
                char *end;
                unsigned long long x = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
                if (x && corr == &o->max_memory && strchr("kKMG", *end) && *end)
                    end++; /* checked again by the correlator */
                if (!x || *end)
                    return -bad_usage("a correlation limit needs a number >= 1", a);
                *corr = v;
            } else {
                if (!strncmp(a, "--limit-event-size=", 19)) {
                    char *end;
                    unsigned long long x = strtoull(v, &end, 10);
                    if (x && !*end)
                        o->max_event = (size_t)x; /* the reader's chunks too */
                }
                o->limits[o->nlimits++] = a; /* checked where they are set */
            }
        } else if (!strcmp(a, "--every-alert")) {
            o->every_alert = true;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            char *end;
            long t = next ? strtol(next, &end, 10) : 0;
            if (!next || *end || t < 1 || t > 256)
                return -bad_usage("-j needs a number of threads (1-256)", next);
            o->threads = (unsigned)t;
            i++;
        } else if (!strcmp(a, "--format")) {
            if (!next || (strcmp(next, "text") && strcmp(next, "json")))
                return -bad_usage("--format is text or json", next);
            o->json = !strcmp(argv[++i], "json");
        } else if (!strcmp(a, "--stats")) {
            o->stats = true;
        } else if (!strcmp(a, "--no-prefilter")) {
            o->no_prefilter = true; /* hidden: every rule on every event (reference) */
        } else if (!strcmp(a, "--no-jit")) {
            o->no_jit = true; /* hidden: regexes through PCRE2's interpreter */
        } else if (!strcmp(a, "--parse-only")) {
            o->parse_only = true; /* hidden: benchmark the reader */
        } else if (!strcmp(a, "--describe")) {
            o->describe = true; /* hidden: print the compiled ruleset's shape */
        } else if (!strcmp(a, "--no-progress")) {
            o->progress = false;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--max-event-size")) {
            char *end;
            unsigned long long v = next ? strtoull(next, &end, 10) : 0;
            if (!next || *end || v < 1024)
                return -bad_usage("--max-event-size needs a byte count >= 1024", next);
            o->max_event = (size_t)v;
            i++;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            match_usage(stdout);
            return 1;
        } else if (a[0] == '-' && a[1]) {
            return -bad_usage("unknown option", a);
        } else if (rules_mode && is_rule_path(a)) {
            o->rules[o->nrules++] = a;
        } else {
            o->files[o->nfiles++] = a;
        }
    }
    if (!o->nrules)
        return -bad_usage("no rules (-r)", NULL);
    if (!o->nfiles)
        o->files[o->nfiles++] = "-";
    return 0;
}

int cmd_match(int argc, char **argv)
{
    opts o = {0};
    int rc = EXIT_ERR;
    sigma_compiler *comp = NULL;
    sigma_ruleset *rs = NULL;
    sigma_matcher **ms = NULL;
    worker *ws = NULL;
    ctx c;
    memset(&c, 0, sizeof c);
    int pr = parse_opts(argc, argv, &o);
    if (pr != 0) {
        rc = pr > 0 ? 0 : EXIT_ERR;
        goto out;
    }
    if (sigma_compiler_create(&comp) != SIGMA_OK)
        goto oom;
    for (size_t i = 0; i < o.nlimits; i++) {
        if (is_matcher_limit(o.limits[i]))
            continue;
        char key[64];
        const char *eq = strchr(o.limits[i], '=');
        snprintf(key, sizeof key, "limit.%.*s", (int)(eq - o.limits[i] - 8), o.limits[i] + 8);
        if (sigma_compiler_set_option(comp, key, eq + 1) != SIGMA_OK) {
            bad_usage("bad limit (unknown, or not a number in range: see SECURITY.md)",
                      o.limits[i]);
            goto out;
        }
    }
    for (size_t i = 0; i < o.npipelines; i++) {
        sigma_status ps = sigma_compiler_add_pipeline(comp, o.pipelines[i]);
        if (ps == SIGMA_ENOMEM)
            goto oom;
        if (ps != SIGMA_OK) {
            sigma_diag_write(comp, SIGMA_FMT_TEXT, 1, stderr);
            goto out;
        }
    }
    char jobs[16];
    snprintf(jobs, sizeof jobs, "%u", o.threads); /* -j loads the rules too */
    sigma_compiler_set_option(comp, "jobs", jobs);
    bool load_err = false;
    for (size_t i = 0; i < o.nrules; i++) {
        sigma_status st = sigma_compiler_add_path(comp, o.rules[i]);
        if (st == SIGMA_ENOMEM)
            goto oom;
        load_err |= st == SIGMA_EIO;
    }
    sigma_status bs = sigma_ruleset_build(comp, &rs);
    if (bs == SIGMA_ENOMEM)
        goto oom;
    if (!o.quiet || !rs)
        sigma_diag_write(comp, SIGMA_FMT_TEXT,
                         isatty(STDERR_FILENO) || getenv("SIGMACC_SHOW_SOURCE") != NULL, stderr);
    if (!rs || load_err) {
        if (rs && load_err)
            fputs("sigmacc: some rule paths could not be read\n", stderr);
        goto out;
    }
    size_t nloaded = sigma_compiler_rule_count(comp);
    sigma_compiler_destroy(comp); /* the ruleset stands alone */
    comp = NULL;
    if (!o.quiet && sigma_ruleset_failed_count(rs))
        fprintf(stderr, "sigmacc: %zu of %zu rules could not be compiled for matching (see above)\n",
                sigma_ruleset_failed_count(rs), nloaded);
    if (!sigma_ruleset_rule_count(rs)) {
        fputs("sigmacc: no rule to match with\n", stderr);
        goto out;
    }
    if (o.describe)
        sigma_ruleset_describe(rs, stderr);

    c.o = &o;
    c.rs = rs;
    c.out = stdout;
    c.cur_file = SIZE_MAX;
    unsigned nt = o.threads;
    if (sigma_ruleset_correlation_count(rs)) {
        sigma_status cs = corr_setup(&c);
        if (cs == SIGMA_ENOMEM)
            goto oom;
        if (cs != SIGMA_OK)
            goto out;
    }
    /* several files with correlations: merged by time, in this thread */
    bool merged = c.corr && o.nfiles > 1;
    if (merged && nt > 1 && !o.quiet)
        fprintf(stderr, "sigmacc: note: correlations over %zu files: their events are merged by "
                        "time in one thread (-j %u ignored)\n",
                o.nfiles, nt);
    bool threaded = nt > 1 && !merged;
    c.njobs = threaded ? 2 * nt + 2 : 1;
    c.jobs = calloc(c.njobs, sizeof *c.jobs);
    ms = calloc(nt, sizeof *ms);
    ws = calloc(nt, sizeof *ws);
    if (!c.jobs || !ms || !ws)
        goto oom;
    for (unsigned i = 0; i < nt; i++) {
        if (sigma_matcher_create(rs, &ms[i]) != SIGMA_OK)
            goto oom;
        if ((o.stats && sigma_matcher_set_option(ms[i], "stats", "1") != SIGMA_OK) ||
            (o.parse_only && sigma_matcher_set_option(ms[i], "parse-only", "1") != SIGMA_OK) ||
            (o.no_prefilter && sigma_matcher_set_option(ms[i], "prefilter", "0") != SIGMA_OK) ||
            (o.no_jit && sigma_matcher_set_option(ms[i], "regex-jit", "0") != SIGMA_OK))
            goto oom;
        for (size_t k = 0; k < o.nlimits; k++) {
            char key[64];
            const char *eq = strchr(o.limits[k], '=');
            snprintf(key, sizeof key, "limit.%.*s", (int)(eq - o.limits[k] - 8), o.limits[k] + 8);
            if (is_matcher_limit(o.limits[k]) &&
                sigma_matcher_set_option(ms[i], key, eq + 1) != SIGMA_OK) {
                bad_usage("bad limit (not a number in range: see SECURITY.md)", o.limits[k]);
                goto out;
            }
        }
    }
    progress pg = {false, 0, 0, {0, 0}};
    if (o.progress && !o.quiet && isatty(STDERR_FILENO)) {
        for (size_t i = 0; i < o.nfiles; i++) {
            struct stat sb;
            if (strcmp(o.files[i], "-") && stat(o.files[i], &sb) == 0 && S_ISREG(sb.st_mode))
                pg.total += sb.st_size;
        }
        pg.on = pg.total >= (64 << 20);
        clock_gettime(CLOCK_MONOTONIC, &pg.last);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool ok = true;
    unsigned started = 0;
    if (threaded) {
        pthread_mutex_init(&c.mu, NULL);
        pthread_cond_init(&c.cv_work, NULL);
        pthread_cond_init(&c.cv_done, NULL);
        for (; started < nt; started++) {
            ws[started] = (worker){&c, ms[started], 0};
            if (pthread_create(&ws[started].tid, NULL, worker_main, &ws[started]) != 0)
                break;
        }
        if (!started) {
            fputs("sigmacc: cannot start threads\n", stderr);
            ok = false;
        }
    }
    if (merged)
        ok = run_merged(&c, ms[0], &pg);
    for (size_t i = 0; ok && !merged && i < o.nfiles; i++)
        ok = read_file(&c, i, ms[0], threaded, &pg);
    if (threaded) {
        pthread_mutex_lock(&c.mu);
        c.done = true;
        pthread_cond_broadcast(&c.cv_work);
        pthread_mutex_unlock(&c.mu);
        for (unsigned i = 0; i < started; i++)
            pthread_join(ws[i].tid, NULL);
        while (c.printed < c.submitted) {
            print_job(&c, &c.jobs[c.printed % c.njobs]);
            c.printed++;
        }
        pthread_mutex_destroy(&c.mu);
        pthread_cond_destroy(&c.cv_work);
        pthread_cond_destroy(&c.cv_done);
    }
    if (c.corr)
        corr_finish(&c); /* the last event, the reorder window */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    progress_show(&pg, c.total_events, true);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "sigmacc: writing output: %s\n", strerror(errno));
        c.io_error = true;
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (o.stats || o.parse_only)
        print_stats(&c, ms, nt, secs);
    else if (c.bad_events && !o.quiet)
        fprintf(stderr, "sigmacc: %zu bad event%s skipped\n", c.bad_events,
                c.bad_events == 1 ? "" : "s");
    uint64_t re_hits = 0;
    for (unsigned i = 0; i < nt; i++)
        re_hits += sigma_matcher_limit_hits(ms[i], SIZE_MAX);
    if (re_hits && !o.quiet)
        fprintf(stderr, "sigmacc: %llu regex evaluation%s hit a PCRE2 limit and counted as no "
                        "match (--stats lists the rules)\n",
                (unsigned long long)re_hits, re_hits == 1 ? "" : "s");
    if (c.corr && !o.stats && !o.parse_only && !o.quiet)
        corr_stats(&c, false); /* evictions, late events... when there are any */
    if (!ok)
        goto oom;
    rc = c.io_error ? EXIT_ERR : c.matches || c.alerts ? EXIT_MATCH : EXIT_NOMATCH;
    goto out;
oom:
    fputs("sigmacc: out of memory\n", stderr);
    rc = EXIT_ERR;
out:
    if (c.jobs)
        for (size_t i = 0; i < c.njobs; i++) {
            free(c.jobs[i].buf);
            free(c.jobs[i].recs);
            free(c.jobs[i].caps);
        }
    free(c.jobs);
    sigma_correlator_destroy(c.corr);
    if (ms)
        for (unsigned i = 0; i < o.threads; i++)
            sigma_matcher_destroy(ms[i]);
    free(ms);
    free(ws);
    sigma_ruleset_destroy(rs);
    sigma_compiler_destroy(comp);
    for (size_t i = 0; i < c.nwarned; i++)
        free(c.warned[i]);
    free(c.warned);
    free(o.rules);
    free(o.pipelines);
    free(o.files);
    free(o.limits);
    return rc;
}
