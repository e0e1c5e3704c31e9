/* match_corr.c - correlations in `sigmacc match`: the correlator fed in
 * event order, alerts printed like rule matches (with the positions of the
 * events that made them), counters, and the time merge of several files.
 *
 * One file (or stdin): the usual pipeline (match.c) feeds the correlator
 * from the printing thread, in input order, however many threads match.
 * Several files: each is read chunk by chunk and matched in this thread,
 * and the next event handed on is always the earliest among the files'
 * next matching events (a k-way merge on event time): per-source logs such
 * as a syslog file and an accounting file are not in time order across
 * files, and memory stays one chunk per file. */
#include "match_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_EVENTS 20 /* contributing events listed in text alerts */

static const char *shown_name(const ctx *c, size_t file)
{
    const char *f = file < c->o->nfiles ? c->o->files[file] : "?";
    return strcmp(f, "-") ? f : "<stdin>";
}

static void time_text(int64_t us, char *buf, size_t cap)
{
    int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
    int64_t frac = us - secs * 1000000;
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, cap, "%" PRId64, us);
        return;
    }
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    if (frac)
        snprintf(buf + n, cap - n, ".%06" PRId64 "Z", frac);
    else
        snprintf(buf + n, cap - n, "Z");
}

/* Group-by values in text: control bytes escaped. */
static void text_bytes(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
}

static void print_value(FILE *f, double v)
{
    if (v == (double)(int64_t)v && v > -9e15 && v < 9e15)
        fprintf(f, "%" PRId64, (int64_t)v);
    else
        fprintf(f, "%.17g", v);
}

static void on_alert(void *user, const sigma_alert *a)
{
    ctx *c = user;
    FILE *o = c->out;
    const sigma_rule_info *ri = sigma_alert_rule(a);
    sigma_event_ref at;
    sigma_alert_at(a, &at);
    char tbuf[64];
    time_text(sigma_alert_time(a), tbuf, sizeof tbuf);
    size_t ng = sigma_alert_group_count(a), ne = sigma_alert_event_count(a);
    c->alerts++;
    if (!c->o->json) {
        fprintf(o, "%s:%zu: event %zu: %s [%s] %s (%s", shown_name(c, at.file), at.line, at.event,
                ri->id ? ri->id : "-", ri->level ? ri->level : "-", ri->title ? ri->title : "",
                sigma_alert_type(a));
        for (size_t g = 0; g < ng; g++) {
            size_t len = 0;
            const char *v = sigma_alert_group_value(a, g, &len);
            fprintf(o, " %s=", sigma_alert_group_field(a, g));
            text_bytes(o, v ? v : "", v ? len : 0);
        }
        fputs(" value=", o);
        print_value(o, sigma_alert_value(a));
        fprintf(o, " time=%s events=", tbuf);
        for (size_t i = 0; i < ne && i < TEXT_EVENTS; i++) {
            sigma_event_ref r;
            sigma_alert_event(a, i, &r);
            fprintf(o, "%s%s:%zu", i ? "," : "", shown_name(c, r.file), r.line);
        }
        if (ne > TEXT_EVENTS)
            fprintf(o, ",+%zu more", ne - TEXT_EVENTS);
        fputs(")\n", o);
        return;
    }
    fputs("{\"file\":", o);
    json_cstr(o, shown_name(c, at.file));
    fprintf(o, ",\"line\":%zu,\"event_number\":%zu,\"correlation\":{\"id\":", at.line, at.event);
    json_cstr(o, ri->id);
    fputs(",\"title\":", o);
    json_cstr(o, ri->title);
    fputs(",\"level\":", o);
    json_cstr(o, ri->level);
    fputs(",\"path\":", o);
    json_cstr(o, ri->path);
    fputs(",\"type\":", o);
    json_cstr(o, sigma_alert_type(a));
    fputs("},\"time\":", o);
    json_cstr(o, tbuf);
    fputs(",\"group\":{", o);
    for (size_t g = 0; g < ng; g++) {
        size_t len = 0;
        const char *v = sigma_alert_group_value(a, g, &len);
        if (g)
            fputc(',', o);
        json_cstr(o, sigma_alert_group_field(a, g));
        fputc(':', o);
        json_str(o, v ? v : "", v ? len : 0);
    }
    fputs("},\"value\":", o);
    print_value(o, sigma_alert_value(a));
    fputs(",\"events\":[", o);
    for (size_t i = 0; i < ne; i++) {
        sigma_event_ref r;
        sigma_alert_event(a, i, &r);
        fputs(i ? ",{\"file\":" : "{\"file\":", o);
        json_cstr(o, shown_name(c, r.file));
        fprintf(o, ",\"line\":%zu,\"event_number\":%zu}", r.line, r.event);
    }
    fputs("]}\n", o);
}

sigma_status corr_setup(ctx *c)
{
    const opts *o = c->o;
    sigma_status st = sigma_correlator_create(c->rs, &c->corr);
    if (st != SIGMA_OK)
        return st;
    const struct {
        const char *name, *value;
    } set[] = {
        {"max-groups", o->max_groups},
        {"max-window", o->max_window},
        {"max-entries", o->max_entries},
        {"max-memory", o->max_memory},
        {"reorder-window", o->reorder},
        {"suppress", o->every_alert ? "0" : NULL},
    };
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (set[i].value && sigma_correlator_set_option(c->corr, set[i].name, set[i].value) != SIGMA_OK) {
            fprintf(stderr, "sigmacc match: bad value for %s: %s\n", set[i].name, set[i].value);
            return SIGMA_EINVAL;
        }
    return SIGMA_OK;
}

static void corr_status(ctx *c, sigma_status st)
{
    if (st == SIGMA_OK || c->io_error)
        return;
    fprintf(stderr, "sigmacc: correlations: %s\n", sigma_status_str(st));
    c->io_error = true;
}

/* The first time each correlation limit acts, say so at the event that
 * made it act (at the end of input for events released then). */
static void corr_limits(ctx *c, const sigma_event_ref *at)
{
    static const struct {
        const char *stat, *max, *what, *opt, *then;
    } lim[] = {
        {"groups-limit", "max-groups", "live groups", "--limit-corr-groups, --corr-max-groups",
         "the least recently updated groups are evicted"},
        {"window-limit", "max-window", "entries in one group's window",
         "--limit-corr-window, --corr-max-window", "the group's oldest entries are dropped"},
        {"entries-limit", "max-entries", "window entries", "--limit-corr-entries, "
         "--corr-max-entries", "the least recently updated groups are evicted"},
        {"memory-limit", "max-memory", "bytes of correlation state", "--limit-corr-memory",
         "the least recently updated groups are evicted"},
    };
    if (c->corr_limits_told == (1u << 4) - 1)
        return;
    for (unsigned i = 0; i < 4; i++) {
        if ((c->corr_limits_told & (1u << i)) || !sigma_correlator_stat(c->corr, lim[i].stat))
            continue;
        c->corr_limits_told |= 1u << i;
        if (c->o->quiet)
            continue;
        if (at)
            fprintf(stderr, "sigmacc: %s:%zu: event %zu: ", shown_name(c, at->file), at->line,
                    at->event);
        else
            fputs("sigmacc: at the end of input: ", stderr);
        fprintf(stderr,
                "warning: correlation limit reached: more than %llu %s (%s): %s from now on, "
                "alerts may be missing (reported once; --stats counts them)\n",
                (unsigned long long)sigma_correlator_stat(c->corr, lim[i].max), lim[i].what,
                lim[i].opt, lim[i].then);
    }
}

void corr_feed(ctx *c, const job *j, const rec *r, size_t ev_base)
{
    sigma_event_ref ref = {j->file, j->line_base + r->line, ev_base + r->event + 1};
    corr_status(c, sigma_correlator_feed(c->corr, &ref, j->caps + r->cap_off, r->cap_len,
                                         on_alert, c));
    c->corr_at = ref;
    corr_limits(c, &ref);
}

void corr_end_event(ctx *c)
{
    corr_status(c, sigma_correlator_end_event(c->corr, on_alert, c));
    corr_limits(c, &c->corr_at);
}

void corr_finish(ctx *c)
{
    corr_status(c, sigma_correlator_finish(c->corr, on_alert, c));
    corr_limits(c, NULL);
}

void corr_stats(const ctx *c, bool always)
{
    const sigma_correlator *k = c->corr;
#define S(name) ((unsigned long long)sigma_correlator_stat(k, name))
    if (always) {
        fprintf(stderr,
                "correlations: %llu events with hits, %llu alerts (%llu suppressed), %llu groups "
                "(peak %llu live, %llu expired, %llu evicted), peak %llu window entries (%llu "
                "dropped, %llu evicted), %llu late, %llu without a time, %llu hits without a "
                "group-by field, reorder buffer peak %llu (%llu released early), peak state "
                "%.1f MiB; limits acted: groups %llu, window %llu, entries %llu, memory %llu\n",
                S("events"), S("alerts"), S("suppressed"), S("groups-created"), S("peak-groups"),
                S("groups-expired"), S("groups-evicted"), S("peak-entries"),
                S("entries-dropped"), S("entries-evicted"), S("late"), S("no-time"),
                S("missing-group"), S("peak-held"), S("reorder-forced"),
                (double)S("peak-bytes") / 1048576.0, S("groups-limit"), S("window-limit"),
                S("entries-limit"), S("memory-limit"));
        return;
    }
    if (S("groups-evicted") || S("entries-dropped"))
        fprintf(stderr,
                "sigmacc: correlations: memory bounds reached: %llu groups evicted (oldest "
                "first; --corr-max-groups, --corr-max-entries, --limit-corr-memory), %llu window "
                "entries dropped "
                "(--corr-max-window, --corr-max-entries); alerts may be missing\n",
                S("groups-evicted"), S("entries-dropped") + S("entries-evicted"));
    if (S("late"))
        fprintf(stderr,
                "sigmacc: correlations: %llu late event%s dropped (older than an event already "
                "processed; see --reorder-window)\n",
                S("late"), S("late") == 1 ? "" : "s");
    if (S("reorder-forced"))
        fprintf(stderr, "sigmacc: correlations: %llu events left the reorder window early (it "
                        "was full)\n",
                S("reorder-forced"));
    if (S("no-time")) {
        fprintf(stderr, "sigmacc: correlations: %llu event%s without a time ignored (field%s",
                S("no-time"), S("no-time") == 1 ? "" : "s",
                sigma_ruleset_timestamp_field_count(c->rs) == 1 ? "" : "s");
        for (size_t i = 0; i < sigma_ruleset_timestamp_field_count(c->rs); i++)
            fprintf(stderr, " %s", sigma_ruleset_timestamp_field(c->rs, i));
        fputs("; a pipeline names it with set_state timestamp_field)\n", stderr);
    }
#undef S
}

/* ---- several files, merged by time ----------------------------------------------------- */

typedef struct msrc {
    src s;
    job j;
    size_t pos;     /* next result of j */
    size_t ev_base; /* events of the file before j */
    int64_t last_t; /* of the last result handed on (results without a time keep it) */
    bool done;
} msrc;

static void retire(ctx *c, msrc *x)
{
    for (size_t i = 0; i < x->j.nrec; i++)
        free(x->j.recs[i].msg);
    x->ev_base += x->j.nevents;
    c->total_events += x->j.nevents;
    if (x->j.st != SIGMA_OK) {
        fprintf(stderr, "sigmacc: %s: %s\n", shown_name(c, x->s.fi),
                x->j.st == SIGMA_ENOTSUP ? "JSON input is not supported by this build (no simdjson)"
                                         : sigma_status_str(x->j.st));
        c->io_error = true;
        x->j.st = SIGMA_OK;
    }
    x->j.nrec = x->j.nevents = 0;
    x->pos = 0;
}

/* Read and match chunks of x until it has a result or ends. */
static bool refill(ctx *c, msrc *x, sigma_matcher *m, progress *pg)
{
    while (!x->done && x->pos == x->j.nrec) {
        retire(c, x);
        int r = src_next(c, &x->s, &x->j, pg);
        if (r < 0)
            return false;
        if (r == 0) {
            x->done = true;
            break;
        }
        x->j.corr = true;
        x->j.times = true;
        run_job(m, c->o, &x->j);
        progress_show(pg, c->total_events, false);
    }
    return true;
}

bool run_merged(ctx *c, sigma_matcher *m, progress *pg)
{
    size_t n = c->o->nfiles;
    msrc *v = calloc(n, sizeof *v);
    if (!v)
        return false;
    for (size_t i = 0; i < n; i++) {
        v[i].last_t = INT64_MIN;
        v[i].done = !src_open(c, i, &v[i].s);
    }
    bool ok = true;
    for (;;) {
        for (size_t i = 0; i < n && ok; i++)
            ok = refill(c, &v[i], m, pg);
        if (!ok)
            break;
        msrc *best = NULL;
        int64_t bt = 0;
        for (size_t i = 0; i < n; i++) {
            msrc *x = &v[i];
            if (x->pos == x->j.nrec)
                continue;
            const rec *r = &x->j.recs[x->pos];
            int64_t t = r->has_time ? r->time : x->last_t;
            if (!best || t < bt) {
                best = x;
                bt = t;
            }
        }
        if (!best)
            break;
        size_t ev = best->j.recs[best->pos].event;
        while (best->pos < best->j.nrec && best->j.recs[best->pos].event == ev) {
            const rec *r = &best->j.recs[best->pos++];
            if (r->has_time)
                best->last_t = r->time;
            emit_rec(c, &best->j, r, best->ev_base);
        }
        end_event(c);
    }
    for (size_t i = 0; i < n; i++) {
        retire(c, &v[i]);
        free(v[i].j.buf);
        free(v[i].j.recs);
        free(v[i].j.caps);
        src_close(&v[i].s);
    }
    free(v);
    return ok;
}
