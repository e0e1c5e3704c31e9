/* corr_rules.h - a ruleset's correlations (internal).
 *
 * While a ruleset is built (ruleset.c), every detection rule is recorded
 * (sg_corr_build_rule) and every correlation arrives as a view
 * (sg_corr_build_view: base rules after filters and pipelines, group-by and
 * value fields mapped per input). sg_corr_build_finish turns them into
 * engine definitions (corr_engine.h), children before parents, and into
 * "feeds": rule r is input i of correlation c, with the slots of its
 * group-by and value fields. The timestamp fields (pipeline state
 * `timestamp_field`; `@timestamp` when no pipeline names one) become slots
 * too, so the JSON reader fills them like any field a rule reads.
 *
 * Per match of a feeding rule, the matcher's values are encoded into a
 * capture (sg_corr_capture): the event's time and, per feed, the group key
 * and value. Captures are self-contained bytes, so worker threads take them
 * and the thread that feeds the engine (in event order) decodes them. */
#ifndef SG_CORR_RULES_H
#define SG_CORR_RULES_H

#include "corr_engine.h"
#include "correlation.h"
#include "ir.h"
#include "sigmacc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values longer than this are kept as a prefix and a hash (bounded keys). */
#define SG_CORR_MAX_VALUE 256

typedef struct sg_corr_feed {
    uint32_t corr, input;
    const uint32_t *group_slots; /* [def.ngroup] */
    const uint32_t *value_slots; /* [nvalues] */
    uint32_t nvalues;
} sg_corr_feed;

typedef struct sg_corr_rules {
    sg_ce_def *defs; /* children before parents */
    size_t ndefs;
    sigma_rule_info *info;      /* [ndefs]: id, title, level, path; index = i */
    const char ***group_names;  /* [ndefs][ngroup] */
    size_t nrules;              /* rules of the ruleset */
    uint32_t *feed_off;         /* [nrules + 1] */
    sg_corr_feed *feeds;
    unsigned char *reported;    /* [nrules]: 0 when the rule only feeds correlations */
    uint32_t *ts_slots;
    const char **ts_names;
    size_t nts;
} sg_corr_rules;

typedef struct sg_corr_build sg_corr_build;

sg_corr_build *sg_corr_build_new(void);
void sg_corr_build_free(sg_corr_build *b);
/* Detection rule `index` of the ruleset came from ir. false on OOM. */
bool sg_corr_build_rule(sg_corr_build *b, const ir_rule *ir, size_t index);
/* A correlation for the matcher. SIGMA_ENOTSUP (reported in d) when the
 * matcher cannot run it; standalone: its alerts are reported. */
sigma_status sg_corr_build_view(sg_corr_build *b, const sg_corrset *cs, const sg_corr_view *v,
                                bool standalone, sg_diags *d);
/* Slots for field names (ruleset.c's); SG_NO_SLOT (UINT32_MAX) on OOM. */
typedef uint32_t (*sg_corr_slot_fn)(void *ctx, const char *name);
/* Everything into rs->corr (arena-owned by rs), NULL when there are no
 * correlations. false on OOM. */
bool sg_corr_build_finish(sg_corr_build *b, sigma_ruleset *rs, sg_corr_slot_fn slot, void *ctx);

/* During a match of `rule` on m: append the capture to buf[0..cap) and
 * return its size; when it does not fit nothing is written (call again
 * with cap >= the size returned). 0 when the rule feeds nothing. */
size_t sg_corr_capture(sigma_matcher *m, const sg_corr_rules *cr, size_t rule, char *buf,
                       size_t cap);
/* The event time of the current event (during a callback), from the
 * first timestamp field present that parses. */
bool sg_corr_event_time(sigma_matcher *m, const sg_corr_rules *cr, int64_t *us);

/* Decode a capture: its time (false: none) and hits into out[0..max). */
typedef struct sg_corr_decoded {
    uint32_t rule;
    bool has_time;
    int64_t time;
    size_t nhits;    /* hits with every group-by field */
    size_t nmissing; /* feeds skipped: a group-by field absent */
} sg_corr_decoded;
bool sg_corr_decode(const char *cap, size_t len, sg_ce_hit *out, size_t max, sg_corr_decoded *d);

#endif
