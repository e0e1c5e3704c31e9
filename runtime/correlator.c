/* correlator.c - the public correlation API (sigmacc.h) over the engine
 * (corr_engine.h) and the ruleset's correlations (corr_rules.h).
 *
 * Captures arrive one per matching rule; those of one event are
 * consecutive (same sigma_event_ref). They are copied until the event is
 * complete, then decoded into hits and handed to the engine as one event,
 * so every correlation sees all of an event's rules at once. */
#include "corr_engine.h"
#include "corr_rules.h"
#include "match.h"
#include "rs.h"
#include "xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sigma_alert {
    const sg_ce_alert *a;
    const sg_corr_rules *cr;
};

struct sigma_correlator {
    const sigma_ruleset *rs;
    const sg_corr_rules *cr;
    sg_ce_limits lim;
    sg_ce *e; /* created on the first event, so options can be set before */
    /* the event being collected */
    bool pending;
    sigma_event_ref ref;
    char *caps;
    size_t ncaps, capcaps;
    size_t *offs; /* capture boundaries: offs[i] .. offs[i + 1] */
    size_t noffs, capoffs;
    sg_ce_hit *hits;
    size_t caphits;
    uint64_t events, no_time, missing;
    /* the caller's alert callback during a call */
    sigma_alert_fn fn;
    void *user;
};

/* ---- the ruleset's side ----------------------------------------------------------- */

size_t sigma_ruleset_correlation_count(const sigma_ruleset *rs)
{
    return rs && rs->corr ? rs->corr->ndefs : 0;
}

const sigma_rule_info *sigma_ruleset_correlation(const sigma_ruleset *rs, size_t i)
{
    return rs && rs->corr && i < rs->corr->ndefs ? &rs->corr->info[i] : NULL;
}

int sigma_ruleset_correlation_reported(const sigma_ruleset *rs, size_t i)
{
    return rs && rs->corr && i < rs->corr->ndefs && rs->corr->defs[i].report;
}

int sigma_ruleset_rule_reported(const sigma_ruleset *rs, size_t i)
{
    if (!rs || i >= rs->nrules)
        return 0;
    return !rs->corr || rs->corr->reported[i];
}

size_t sigma_ruleset_timestamp_field_count(const sigma_ruleset *rs)
{
    return rs && rs->corr ? rs->corr->nts : 0;
}

const char *sigma_ruleset_timestamp_field(const sigma_ruleset *rs, size_t i)
{
    return rs && rs->corr && i < rs->corr->nts ? rs->corr->ts_names[i] : NULL;
}

size_t sigma_matcher_capture(sigma_matcher *m, size_t rule, void *buf, size_t cap)
{
    if (!m)
        return 0;
    const sigma_ruleset *rs = sg_matcher_ruleset(m);
    return sg_corr_capture(m, rs->corr, rule, buf, buf ? cap : 0);
}

int sigma_matcher_event_time(sigma_matcher *m, int64_t *us)
{
    if (!m || !us)
        return 0;
    return sg_corr_event_time(m, sg_matcher_ruleset(m)->corr, us);
}

/* ---- the correlator ----------------------------------------------------------------- */

sigma_status sigma_correlator_create(const sigma_ruleset *rs, sigma_correlator **out)
{
    if (!rs || !out)
        return SIGMA_EINVAL;
    *out = NULL;
    sigma_correlator *c = sg_calloc(1, sizeof *c);
    if (!c)
        return SIGMA_ENOMEM;
    c->rs = rs;
    c->cr = rs->corr;
    sg_ce_limits_default(&c->lim);
    *out = c;
    return SIGMA_OK;
}

void sigma_correlator_destroy(sigma_correlator *c)
{
    if (!c)
        return;
    sg_ce_destroy(c->e);
    sg_free(c->caps);
    sg_free(c->offs);
    sg_free(c->hits);
    sg_free(c);
}

static bool parse_count(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || *end || errno || v[0] == '-' || n == 0 || n > SIZE_MAX)
        return false;
    *out = (size_t)n;
    return true;
}

/* Bytes: a count with an optional k, M or G suffix (powers of 1024). */
static bool parse_bytes(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    int shift = *end == 'k' || *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
    end += shift != 0;
    if (end == v || *end || errno || v[0] == '-' || n == 0 || n > (SIZE_MAX >> shift))
        return false;
    *out = (size_t)n << shift;
    return true;
}

sigma_status sigma_correlator_set_option(sigma_correlator *c, const char *name, const char *value)
{
    if (!c || !name || !value || c->e)
        return SIGMA_EINVAL;
    if (!strcmp(name, "max-groups"))
        return parse_count(value, &c->lim.max_groups) ? SIGMA_OK : SIGMA_EINVAL;
    if (!strcmp(name, "max-window"))
        return parse_count(value, &c->lim.max_window) ? SIGMA_OK : SIGMA_EINVAL;
    if (!strcmp(name, "max-entries"))
        return parse_count(value, &c->lim.max_entries) ? SIGMA_OK : SIGMA_EINVAL;
    if (!strcmp(name, "max-reorder"))
        return parse_count(value, &c->lim.max_reorder) ? SIGMA_OK : SIGMA_EINVAL;
    if (!strcmp(name, "max-memory"))
        return parse_bytes(value, &c->lim.max_memory) ? SIGMA_OK : SIGMA_EINVAL;
    if (!strcmp(name, "suppress")) {
        c->lim.suppress = strcmp(value, "0") != 0;
        return SIGMA_OK;
    }
    if (!strcmp(name, "reorder-window")) {
        char *end;
        double s = strtod(value, &end);
        if (end == value || *end || !isfinite(s) || s < 0 || s > 1e9)
            return SIGMA_EINVAL;
        c->lim.reorder = (int64_t)(s * 1e6 + 0.5);
        return SIGMA_OK;
    }
    return SIGMA_EINVAL;
}

static void on_alert(void *user, const sg_ce_alert *a)
{
    sigma_correlator *c = user;
    sigma_alert x = {a, c->cr};
    if (c->fn)
        c->fn(c->user, &x);
}

static bool make_engine(sigma_correlator *c)
{
    if (c->e)
        return true;
    if (!c->cr)
        return false;
    c->e = sg_ce_create(c->cr->defs, c->cr->ndefs, &c->lim);
    return c->e != NULL;
}

/* Hand the collected event to the engine. */
static sigma_status flush(sigma_correlator *c)
{
    if (!c->pending)
        return SIGMA_OK;
    c->pending = false;
    c->events++;
    size_t nh = 0;
    bool has_time = false;
    int64_t t = 0;
    for (size_t i = 0; i + 1 < c->noffs; i++) {
        const char *p = c->caps + c->offs[i];
        size_t len = c->offs[i + 1] - c->offs[i];
        sg_corr_decoded d;
        /* count first, then decode into room for all */
        if (!sg_corr_decode(p, len, NULL, 0, &d))
            continue;
        if (nh + d.nhits > c->caphits) {
            size_t cap = c->caphits ? c->caphits : 16;
            while (cap < nh + d.nhits)
                cap *= 2;
            sg_ce_hit *h = sg_realloc(c->hits, cap * sizeof *h);
            if (!h)
                return SIGMA_ENOMEM;
            c->hits = h;
            c->caphits = cap;
        }
        sg_corr_decode(p, len, c->hits + nh, d.nhits, &d);
        nh += d.nhits;
        c->missing += d.nmissing;
        if (d.has_time && !has_time) {
            has_time = true;
            t = d.time;
        }
    }
    c->noffs = 0;
    c->ncaps = 0;
    if (!nh)
        return SIGMA_OK;
    if (!has_time) {
        c->no_time++;
        return SIGMA_OK;
    }
    if (!make_engine(c))
        return SIGMA_ENOMEM;
    sg_ce_ref ref = {c->ref.line, c->ref.event, (uint32_t)c->ref.file};
    return sg_ce_event(c->e, t, &ref, c->hits, nh, on_alert, c);
}

sigma_status sigma_correlator_feed(sigma_correlator *c, const sigma_event_ref *ref,
                                   const void *capture, size_t len, sigma_alert_fn fn,
                                   void *user)
{
    if (!c || !ref || (!capture && len))
        return SIGMA_EINVAL;
    if (!c->cr || !len)
        return SIGMA_OK;
    c->fn = fn;
    c->user = user;
    sigma_status st = SIGMA_OK;
    if (c->pending && (c->ref.file != ref->file || c->ref.event != ref->event ||
                       c->ref.line != ref->line))
        st = flush(c);
    if (st != SIGMA_OK)
        return st;
    if (!c->pending) {
        c->pending = true;
        c->ref = *ref;
        c->noffs = 0;
        c->ncaps = 0;
    }
    if (c->ncaps + len > c->capcaps) {
        size_t cap = c->capcaps ? c->capcaps : 256;
        while (cap < c->ncaps + len)
            cap *= 2;
        char *p = sg_realloc(c->caps, cap);
        if (!p)
            return SIGMA_ENOMEM;
        c->caps = p;
        c->capcaps = cap;
    }
    if (c->noffs + 2 > c->capoffs) {
        size_t cap = c->capoffs ? c->capoffs * 2 : 16;
        size_t *o = sg_realloc(c->offs, cap * sizeof *o);
        if (!o)
            return SIGMA_ENOMEM;
        c->offs = o;
        c->capoffs = cap;
    }
    if (c->noffs == 0)
        c->offs[c->noffs++] = 0;
    memcpy(c->caps + c->ncaps, capture, len);
    c->ncaps += len;
    c->offs[c->noffs++] = c->ncaps;
    return SIGMA_OK;
}

sigma_status sigma_correlator_end_event(sigma_correlator *c, sigma_alert_fn fn, void *user)
{
    if (!c)
        return SIGMA_EINVAL;
    c->fn = fn;
    c->user = user;
    return flush(c);
}

sigma_status sigma_correlator_finish(sigma_correlator *c, sigma_alert_fn fn, void *user)
{
    if (!c)
        return SIGMA_EINVAL;
    c->fn = fn;
    c->user = user;
    sigma_status st = flush(c);
    if (st == SIGMA_OK && c->e)
        st = sg_ce_finish(c->e, on_alert, c);
    return st;
}

uint64_t sigma_correlator_stat(const sigma_correlator *c, const char *name)
{
    if (!c || !name)
        return 0;
    if (!strcmp(name, "events"))
        return c->events;
    if (!strcmp(name, "no-time"))
        return c->no_time;
    if (!strcmp(name, "missing-group"))
        return c->missing;
    /* the limits in force */
    if (!strcmp(name, "max-groups"))
        return c->lim.max_groups;
    if (!strcmp(name, "max-window"))
        return c->lim.max_window;
    if (!strcmp(name, "max-entries"))
        return c->lim.max_entries;
    if (!strcmp(name, "max-memory"))
        return c->lim.max_memory;
    if (!c->e)
        return 0;
    const sg_ce_stats *s = sg_ce_get_stats(c->e);
    static const struct {
        const char *name;
        size_t off;
    } tab[] = {
        {"processed", offsetof(sg_ce_stats, processed)},
        {"late", offsetof(sg_ce_stats, late)},
        {"hits", offsetof(sg_ce_stats, hits)},
        {"groups-created", offsetof(sg_ce_stats, groups_created)},
        {"groups-expired", offsetof(sg_ce_stats, groups_expired)},
        {"groups-evicted", offsetof(sg_ce_stats, groups_evicted)},
        {"entries-dropped", offsetof(sg_ce_stats, entries_dropped)},
        {"entries-evicted", offsetof(sg_ce_stats, entries_evicted)},
        {"reorder-forced", offsetof(sg_ce_stats, reorder_forced)},
        {"alerts", offsetof(sg_ce_stats, alerts)},
        {"suppressed", offsetof(sg_ce_stats, suppressed)},
        {"live-groups", offsetof(sg_ce_stats, live_groups)},
        {"peak-groups", offsetof(sg_ce_stats, peak_groups)},
        {"live-entries", offsetof(sg_ce_stats, live_entries)},
        {"peak-entries", offsetof(sg_ce_stats, peak_entries)},
        {"peak-held", offsetof(sg_ce_stats, peak_held)},
        {"live-bytes", offsetof(sg_ce_stats, live_bytes)},
        {"peak-bytes", offsetof(sg_ce_stats, peak_bytes)},
        {"groups-limit", offsetof(sg_ce_stats, groups_limit)},
        {"window-limit", offsetof(sg_ce_stats, window_limit)},
        {"entries-limit", offsetof(sg_ce_stats, entries_limit)},
        {"memory-limit", offsetof(sg_ce_stats, memory_limit)},
    };
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (!strcmp(tab[i].name, name))
            return *(const uint64_t *)((const char *)s + tab[i].off);
    return 0;
}

/* ---- alerts ------------------------------------------------------------------------------ */

const sigma_rule_info *sigma_alert_rule(const sigma_alert *a)
{
    return a ? &a->cr->info[a->a->corr] : NULL;
}

const char *sigma_alert_type(const sigma_alert *a)
{
    return a ? sg_corr_type_name(a->cr->defs[a->a->corr].type) : NULL;
}

int64_t sigma_alert_time(const sigma_alert *a)
{
    return a ? a->a->time : 0;
}

double sigma_alert_value(const sigma_alert *a)
{
    return a ? a->a->value : 0;
}

static void to_ref(const sg_ce_ref *r, sigma_event_ref *out)
{
    out->file = r->file;
    out->line = (size_t)r->line;
    out->event = (size_t)r->event;
}

void sigma_alert_at(const sigma_alert *a, sigma_event_ref *out)
{
    if (a && out)
        to_ref(&a->a->at, out);
}

size_t sigma_alert_group_count(const sigma_alert *a)
{
    return a ? a->cr->defs[a->a->corr].ngroup : 0;
}

const char *sigma_alert_group_field(const sigma_alert *a, size_t i)
{
    return a && i < a->cr->defs[a->a->corr].ngroup ? a->cr->group_names[a->a->corr][i] : NULL;
}

const char *sigma_alert_group_value(const sigma_alert *a, size_t i, size_t *len)
{
    const char *v;
    uint32_t n;
    if (!a || !sg_ce_key_get(a->a->key, a->a->keylen, i, &v, &n))
        return NULL;
    if (len)
        *len = n;
    return v;
}

size_t sigma_alert_event_count(const sigma_alert *a)
{
    return a ? a->a->nevents : 0;
}

int sigma_alert_event(const sigma_alert *a, size_t i, sigma_event_ref *out)
{
    if (!a || !out || i >= a->a->nevents)
        return 0;
    to_ref(&a->a->events[i], out);
    return 1;
}
