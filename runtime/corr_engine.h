/* corr_engine.h - the streaming correlation engine behind `sigmacc match`.
 *
 * Input: events in time order (or nearly: see reorder below), each with the
 * correlation inputs it is a hit of (`sg_ce_hit`: correlation, input = the
 * position in the correlation's `rules`, the group key, the value).
 * Output: alerts through a callback. The engine knows nothing of rules,
 * fields or files: corr_rules.c turns a ruleset's correlations into
 * sg_ce_def and events into hits.
 *
 * Windows (the same semantics as spl_corr.c and kql_corr.c): at each hit
 * of a group, the window is the group's hits at most `span` older than it
 * (an entry exactly `span` old is inside). The aggregate over the window
 * is compared with the condition, and the correlation fires at that event
 * when it holds:
 *   event_count        entries in the window
 *   value_count        distinct values (the value bytes of the hits)
 *   temporal           distinct inputs in the window (or the expression
 *                      over "input i is in the window")
 *   temporal_ordered   a hit of the last input completes a chain of hits of
 *                      inputs 0..n-1 in that order whose first hit is at
 *                      most `span` old; one event never serves two steps
 *   value_sum/avg      sum / mean of the hits' numbers
 *   value_percentile   the p-th percentile of the numbers, linear
 *                      interpolation between closest ranks (0: min,
 *                      100: max); value_median is p = 50
 * Alerts: after a group alerts at t, its firings up to t + span are
 * counted as suppressed instead of reported (option `suppress`), so a
 * burst gives one alert per timespan, not one per event. Every firing,
 * suppressed or not, feeds the correlations that name this one (chains),
 * with the firing event's time and position.
 *
 * Memory is bounded by limits, each overflow counted in sg_ce_stats:
 *   max_groups   live group keys over all correlations; a new key beyond
 *                it evicts the least recently updated group (oldest first)
 *   max_window   entries per group; the oldest entry is dropped beyond it
 *   max_entries  entries over all groups; the least recently updated
 *                groups are evicted beyond it
 *   max_reorder  events held by the reorder buffer; the oldest is released
 *                early beyond it
 *   max_memory   heap bytes of all groups (keys, windows, distinct values);
 *                beyond it the least recently updated groups are evicted
 *                (never the group being updated: one group is bounded by
 *                max_window)
 * Groups whose newest hit is older than the clock minus their span can
 * never contribute again: they are freed as they age (`expired`, not an
 * eviction). Long group keys and values are bounded too (corr_rules.c
 * replaces long values by a prefix and a hash).
 *
 * Order: events must reach the engine in time order. With a reorder window
 * R > 0, events are held in a heap and released in (time, arrival) order
 * once the newest time seen is R past them. An event older than the last
 * released one (a "late" event) is dropped and counted: processing it would
 * change windows that already fired or expired. */
#ifndef SG_CORR_ENGINE_H
#define SG_CORR_ENGINE_H

#include "correlation.h" /* sg_corr_type, sg_cmp_op */
#include "sigmacc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where an event is: file index, line, event number (the caller's). */
typedef struct sg_ce_ref {
    uint64_t line, event;
    uint32_t file;
} sg_ce_ref;

/* Extended temporal condition, as nodes in an array. */
typedef enum { CE_X_INPUT, CE_X_AND, CE_X_OR, CE_X_NOT } sg_ce_xkind;
typedef struct sg_ce_expr {
    sg_ce_xkind kind;
    uint32_t a, b; /* INPUT: input index in a; AND/OR: nodes a, b; NOT: node a */
} sg_ce_expr;

typedef struct sg_ce_cmp {
    sg_cmp_op op;
    double v;
} sg_ce_cmp;

/* Correlation `corr` names this one at position `input`: parent group-by
 * entry g takes this one's entry map[g] (-1: not among ours; the firing
 * then does not feed the parent). */
typedef struct sg_ce_link {
    uint32_t parent, input;
    const int32_t *map; /* [parent's ngroup] */
} sg_ce_link;

/* One correlation. Definitions are indexed 0..n-1 and every link points to
 * a higher index (children before parents). Borrowed by the engine. */
typedef struct sg_ce_def {
    sg_corr_type type;
    int64_t span; /* microseconds */
    const sg_ce_cmp *cmps;
    size_t ncmps;
    const sg_ce_expr *expr; /* temporal: an expression condition (root = last node) */
    size_t nexpr;
    double percentile;
    uint32_t ninputs;
    uint32_t ngroup;
    const sg_ce_link *links;
    size_t nlinks;
    bool report; /* alerts are reported (false: it only feeds its parents) */
} sg_ce_def;

/* One hit: the event matched input `input` of correlation `corr`. The
 * group key is the group-by values, each as a 4-byte little-endian length
 * then the bytes, in group-by order. `val` (value_count: what makes values
 * distinct) and `num` (value_sum...; has_num) are the value field's. */
typedef struct sg_ce_hit {
    uint32_t corr, input;
    const char *key;
    size_t keylen;
    const char *val;
    size_t vallen;
    double num;
    bool has_num;
} sg_ce_hit;

typedef struct sg_ce_alert {
    uint32_t corr;
    int64_t time;     /* of the event where it fired */
    sg_ce_ref at;     /* that event */
    double value;     /* the aggregate there */
    const char *key;  /* the group (sg_ce_hit's format) */
    size_t keylen;
    const sg_ce_ref *events; /* the window's events, oldest first (temporal:
                              * the newest of each input; ordered: the chain) */
    size_t nevents;
} sg_ce_alert;

/* Called for each reported alert; the alert is valid during the call. */
typedef void (*sg_ce_alert_fn)(void *user, const sg_ce_alert *a);

typedef struct sg_ce_limits {
    size_t max_groups, max_window, max_entries, max_reorder, max_memory;
    int64_t reorder; /* microseconds; 0: events are processed as they come */
    bool suppress;
} sg_ce_limits;

/* The defaults: 1,000,000 groups, 100,000 entries per group, 10,000,000
 * entries, 1,000,000 events held for reordering, 1 GiB of group state, no
 * reorder window, suppression on. */
void sg_ce_limits_default(sg_ce_limits *l);

typedef struct sg_ce_stats {
    uint64_t events;          /* events given to sg_ce_event */
    uint64_t processed;       /* events that reached the windows */
    uint64_t late;            /* dropped: older than the last released event */
    uint64_t hits;            /* hits processed (chained ones included) */
    uint64_t groups_created;
    uint64_t groups_expired;  /* aged out: could not contribute any more */
    uint64_t groups_evicted;  /* dropped to respect max_groups / max_entries */
    uint64_t entries_dropped; /* oldest entries dropped by max_window */
    uint64_t entries_evicted; /* entries of evicted groups */
    uint64_t reorder_forced;  /* released early by max_reorder */
    uint64_t alerts;          /* reported */
    uint64_t suppressed;      /* firings inside an alert's timespan */
    uint64_t live_groups, peak_groups;
    uint64_t live_entries, peak_entries;
    uint64_t held, peak_held; /* events in the reorder buffer */
    uint64_t live_bytes, peak_bytes; /* group state (max_memory) */
    /* how often each limit acted: evictions for max_groups, max_entries and
     * max_memory, oldest-entry drops for max_window */
    uint64_t groups_limit, entries_limit, memory_limit, window_limit;
} sg_ce_stats;

typedef struct sg_ce sg_ce;

/* NULL on OOM or a bad definition (a link to a lower index, an input out
 * of range). defs (and what they point to) must outlive the engine. */
sg_ce *sg_ce_create(const sg_ce_def *defs, size_t ndefs, const sg_ce_limits *lim);
void sg_ce_destroy(sg_ce *e);

/* One event at time t with its hits (copied when held for reordering).
 * Alerts of the events released by it are reported through fn. */
sigma_status sg_ce_event(sg_ce *e, int64_t t, const sg_ce_ref *ref, const sg_ce_hit *hits,
                         size_t nhits, sg_ce_alert_fn fn, void *user);
/* End of input: release every held event. */
sigma_status sg_ce_finish(sg_ce *e, sg_ce_alert_fn fn, void *user);

const sg_ce_stats *sg_ce_get_stats(const sg_ce *e);

/* Key helpers: append one value to a key buffer (4-byte length + bytes);
 * read value i of a key. */
size_t sg_ce_key_put(char *dst, const char *v, uint32_t len);
bool sg_ce_key_get(const char *key, size_t keylen, size_t i, const char **v, uint32_t *len);

#endif
