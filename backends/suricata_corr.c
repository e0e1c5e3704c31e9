/* suricata_corr.c - target "suricata": correlation rules.
 *
 * A Suricata rule matches one packet or transaction; the only state it
 * keeps across matches is a threshold counter per tracked address. So an
 * event_count over one rule, grouped by the source or destination address
 * (or not grouped), with a lower bound ("at least N in T seconds") is
 *
 *   detection_filter:track by_src|by_dst|by_rule, count N-1, seconds T;
 *
 * which alerts on every match after the (N-1)th within T seconds (Suricata
 * 7: the counter's window starts at the first match and restarts T seconds
 * later: not Sigma's sliding window, so a burst spanning a restart can go
 * unseen; a warning says so). Without group-by, Suricata 7's
 * detection_filter has no by_rule: `threshold:type threshold, track
 * by_rule` alerts at the Nth match of such a window (and every Nth after).
 * At least one event (gte 1) is the rule itself. Everything else is a
 * per-rule error with the
 * reason: other types need values, sums or several rules' events per group,
 * which Suricata does not keep. */
#include "corr_emit.h"
#include "corr_util.h"
#include "suricata.h"

#include <string.h>

static sg_pos at(const sg_correlation *c, sg_pos p)
{
    return p.line ? p : c->type_pos.line ? c->type_pos : c->src->pos;
}

#define FAIL(c, pos, ...) sg_unsupported(d, NULL, at((c), (pos)), SC_TARGET, __VA_ARGS__)

sigma_status sc_emit_correlation(const sg_corr_view *v, const sg_target_opts *o, sg_arena *a,
                                 sg_strbuf *out, sg_diags *d)
{
    const sg_correlation *c = v->corr;
    if (c->type != SG_CORR_EVENT_COUNT)
        return FAIL(c, c->type_pos,
                    "a %s correlation needs %s across events, which Suricata rules do not keep "
                    "(a rule can only count its own matches per address: event_count)",
                    sg_corr_type_name(c->type),
                    sg_corr_type_is_temporal(c->type) ? "the order or co-occurrence of rules"
                    : c->type == SG_CORR_VALUE_COUNT  ? "the distinct values of a field"
                                                      : "the values of a field");
    if (v->ninputs != 1)
        return FAIL(c, c->rules_pos,
                    "an event_count over %zu rules: a detection_filter counts the matches of "
                    "one Suricata rule",
                    v->ninputs);
    const sg_corr_input *in = &v->inputs[0];
    if (in->sub)
        return FAIL(c, in->ref->pos,
                    "it counts the results of correlation '%s': Suricata cannot chain "
                    "correlations",
                    in->ref->text);
    int64_t min;
    if (!corr_cond_lower_bound(c, &min))
        return FAIL(c, c->condition_pos,
                    "the condition must be a lower bound (gte or gt): a detection_filter alerts "
                    "from the Nth match on, it cannot test lt, lte, eq or neq");
    const char *track = "by_rule";
    if (c->ngroup_by > 1)
        return FAIL(c, c->group_by_pos,
                    "group-by names %zu fields: a detection_filter tracks one address (by_src "
                    "or by_dst) or the whole rule",
                    c->ngroup_by);
    if (c->ngroup_by == 1) {
        const char *f = in->group_fields[0];
        const sc_field *sf = sc_field_find(f);
        if (!sf || sf->kind != SC_F_ADDR)
            return FAIL(c, c->group_by[0].pos,
                        "group-by '%s'%s%s%s is not the source or destination address: a "
                        "detection_filter tracks by_src, by_dst or the whole rule",
                        c->group_by[0].name, strcmp(f, c->group_by[0].name) ? " (" : "",
                        strcmp(f, c->group_by[0].name) ? f : "",
                        strcmp(f, c->group_by[0].name) ? ")" : "");
        track = sf->side == SC_SRC ? "by_src" : "by_dst";
    }
    if (c->timespan < 1 || c->timespan > INT32_MAX)
        return FAIL(c, c->timespan_pos, "timespan %s does not fit Suricata's seconds",
                    c->timespan_text ? c->timespan_text : "");

    /* the base rule's detection, the correlation's msg, sid and metadata */
    ir_rule *meta = sg_corr_meta_rule(a, c);
    if (!meta)
        return SIGMA_ENOMEM;
    ir_rule merged = *in->ir;
    merged.src = meta->src;
    merged.path = meta->path;
    merged.id = meta->id;
    merged.name = meta->name;
    merged.title = meta->title;
    merged.level = meta->level;
    merged.status = meta->status;
    merged.description = meta->description;
    merged.author = meta->author;
    merged.tags = meta->tags;
    merged.ntags = meta->ntags;
    merged.references = meta->references;
    merged.nreferences = meta->nreferences;

    /* Suricata 7's detection_filter tracks addresses only; for the whole
     * rule, `threshold` alerts at the Nth match (then counts anew) */
    const char *extra = NULL;
    if (min > 1) {
        extra = strcmp(track, "by_rule")
                    ? sg_arena_printf(a, "detection_filter:track %s, count %lld, seconds %lld; ",
                                      track, (long long)(min - 1), (long long)c->timespan)
                    : sg_arena_printf(a, "threshold:type threshold, track by_rule, count %lld, "
                                         "seconds %lld; ",
                                      (long long)min, (long long)c->timespan);
        if (!extra)
            return SIGMA_ENOMEM;
    }
    sigma_status st =
        sc_emit_rules(&merged, o, extra,
                      "a detection_filter counts the matches of one Suricata rule", a, out, d);
    if (st == SIGMA_OK && min > 1)
        SG_WARN(d, "unsupported", at(c, c->timespan_pos),
                "%s: Suricata counts in a window that starts at the first match and restarts "
                "%lld seconds later, not in a sliding window: a burst across a restart may be "
                "missed",
                SC_TARGET, (long long)c->timespan);
    return st;
}
