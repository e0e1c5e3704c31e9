/* correlation.h - Sigma correlation and filter documents, typed and resolved.
 *
 * The loader keeps the `correlation:` and `filter:` sections of a document
 * as generic trees (rule.h, sg_ynode). This stage types them, resolves the
 * rules they name (by id or name, across every loaded file) and checks them
 * ("correlation", "filter" and the lint checks of checks.c).
 *
 * Flow:
 *   sg_correlations_resolve(arena, rules, n, diags)    once per compilation
 *     -> sg_corrset: every correlation and filter, references resolved
 *   compile / match, per rule:
 *     ir_build_rule -> sg_filter_apply -> sg_pipelines_apply -> backend
 *   correlation output, per correlation:
 *     sg_corr_view_build -> the base rules as ir_rule (after filters and
 *     pipelines) plus the group-by and value field names in each base
 *     rule's events (aliases resolved, pipelines' field mapping applied).
 *
 * Semantics backends and the matcher implement (spec 2.1 plus pySigma's
 * extensions), with "group" = the values of the group-by fields:
 *   event_count       number of events of the rules, per group, in timespan
 *   value_count       number of distinct values of `field` (several fields:
 *                     distinct combinations), per group, in timespan
 *   temporal          number of distinct rules that matched, per group, in
 *                     timespan; default condition: >= number of rules (all)
 *   temporal_ordered  as temporal, and the rules matched in the listed order
 *   value_sum/avg     sum / mean of numeric `field`
 *   value_percentile  the `percentile`-th percentile of numeric `field`
 *   value_median      the 50th percentile
 * `condition` is an AND of comparisons (`gt: 10, lte: 20` is a range). For
 * temporal types, `condition` may instead be a string: a boolean expression
 * over the rules (`a and (b or not c)`), each operand meaning "this rule
 * matched in the window" (`expr`); rules: may then be omitted.
 *
 * All memory is arena-owned; nothing here prints or exits. */
#ifndef SG_CORRELATION_H
#define SG_CORRELATION_H

#include "arena.h"
#include "diag.h"
#include "ir.h"
#include "rule.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- correlations --------------------------------------------------------- */

typedef enum {
    SG_CORR_EVENT_COUNT,
    SG_CORR_VALUE_COUNT,
    SG_CORR_TEMPORAL,
    SG_CORR_TEMPORAL_ORDERED,
    SG_CORR_VALUE_SUM,
    SG_CORR_VALUE_AVG,
    SG_CORR_VALUE_PERCENTILE,
    SG_CORR_VALUE_MEDIAN,
} sg_corr_type;

/* "event_count", …; NULL for an out-of-range value. */
const char *sg_corr_type_name(sg_corr_type t);
/* True for value_count and the value_* aggregations (they need `field`). */
bool sg_corr_type_has_field(sg_corr_type t);
/* True for temporal and temporal_ordered. */
bool sg_corr_type_is_temporal(sg_corr_type t);

typedef enum { SG_CMP_GT, SG_CMP_GTE, SG_CMP_LT, SG_CMP_LTE, SG_CMP_EQ, SG_CMP_NEQ } sg_cmp_op;

/* "gt", "gte", "lt", "lte", "eq", "neq". */
const char *sg_cmp_op_name(sg_cmp_op op);

/* One comparison of the aggregate: `gte: 10`. */
typedef struct sg_corr_cmp {
    sg_cmp_op op;
    ir_num num; /* is_int/i for counts; f always set; text as written */
    sg_pos pos; /* of the operator key */
} sg_corr_cmp;

struct sg_correlation;

/* A reference to a rule by id or name, as written, and what it resolved to. */
typedef struct sg_corr_ref {
    const char *text;
    sg_pos pos;
    const sg_rule *rule;               /* NULL until resolved / when unknown */
    const struct sg_correlation *corr; /* set when `rule` is a correlation */
} sg_corr_ref;

/* aliases: NAME: {rule: field, …} */
typedef struct sg_corr_alias_item {
    sg_corr_ref rule;
    const char *field;
    sg_pos field_pos;
} sg_corr_alias_item;

typedef struct sg_corr_alias {
    const char *name;
    sg_pos pos;
    sg_corr_alias_item *items;
    size_t nitems;
    bool used; /* named by group-by */
} sg_corr_alias;

/* One group-by entry: a field name, or an alias of per-rule field names. */
typedef struct sg_corr_group {
    const char *name;
    sg_pos pos;
    const sg_corr_alias *alias; /* NULL: the same field in every rule */
} sg_corr_group;

/* Extended temporal condition: a boolean expression over the rules. */
typedef enum { SG_CX_AND, SG_CX_OR, SG_CX_NOT, SG_CX_RULE } sg_cx_kind;

typedef struct sg_corr_expr {
    sg_cx_kind kind;
    sg_pos pos;
    struct sg_corr_expr *a, *b; /* AND/OR: both; NOT: a */
    const char *name;           /* RULE: the reference as written */
    size_t rule;                /* RULE: index into sg_correlation.rules */
} sg_corr_expr;

typedef struct sg_correlation {
    const sg_rule *src; /* the document: title, id, name, level, tags, path… */
    sg_corr_type type;
    sg_pos type_pos;

    sg_corr_ref *rules; /* in order (temporal_ordered: the required order) */
    size_t nrules;
    sg_pos rules_pos;

    sg_corr_group *group_by;
    size_t ngroup_by;
    sg_pos group_by_pos;

    sg_corr_alias *aliases;
    size_t naliases;

    int64_t timespan; /* seconds */
    const char *timespan_text;
    sg_pos timespan_pos;

    /* condition: all comparisons hold (AND); empty for `expr`. */
    sg_corr_cmp *cmps;
    size_t ncmps;
    sg_pos condition_pos;
    bool condition_default; /* temporal without condition: gte nrules */

    const char **fields; /* `field`: one, or several for value_count */
    sg_pos *field_pos;
    size_t nfields;

    int percentile; /* value_percentile: 0-100; value_median: 50; else -1 */
    sg_pos percentile_pos;

    sg_corr_expr *expr; /* temporal with a string condition; else NULL */

    bool generate; /* also emit the referenced rules on their own */
    sg_pos generate_pos;

    size_t index; /* in sg_corrset.corrs */

    /* Errors were reported: backends and the matcher must skip it. Set by
     * the builder, and by resolution (unknown rule, cycle, alias). */
    bool broken;
} sg_correlation;

/* ---- filters ----------------------------------------------------------------- */

typedef struct sg_filter {
    const sg_rule *src; /* the document (title, id, logsource) */
    sg_corr_ref *rules; /* the rules it applies to */
    size_t nrules;
    sg_pos rules_pos;
    bool any;       /* `rules: any` / `all` / []: every rule of the logsource */
    sg_rule *det;   /* the filter's searches and condition, as a rule tree */
    ir_node *expr;  /* its condition as IR; NULL when broken */
    bool broken;
} sg_filter;

/* ---- the set: everything resolved together --------------------------------------- */

typedef struct sg_corrset {
    sg_correlation **corrs; /* one per correlation document, in load order */
    size_t ncorrs;
    sg_filter **filters; /* one per filter document, in load order */
    size_t nfilters;
    /* per loaded document (same index as the rules array) */
    sg_rule *const *rules;
    size_t nrules;
    sg_correlation **corr_of; /* [nrules]: the typed correlation, or NULL */
    sg_filter **filter_of;    /* [nrules]: the typed filter, or NULL */
    /* detection rules some correlation names; flags: 1 named, 2 named by
     * one with generate: true */
    const sg_rule **named;
    unsigned char *named_flags;
    size_t nnamed;
} sg_corrset;

/* Type every correlation and filter document of `rules`, resolve their
 * references across all of them, and check them: unknown rules, cycles,
 * aliases, filter/logsource consistency. Diagnostics go to d; documents
 * with errors are marked broken. Returns NULL only on out-of-memory.
 * `rules` must outlive the set (it is kept for lookups). */
sg_corrset *sg_correlations_resolve(sg_arena *a, sg_rule *const *rules, size_t n, sg_diags *d);

/* The typed form of a correlation / filter document; NULL for others. */
const sg_correlation *sg_corrset_correlation(const sg_corrset *s, const sg_rule *doc);
const sg_filter *sg_corrset_filter(const sg_corrset *s, const sg_rule *doc);

/* Should a detection rule be emitted on its own? False when correlations
 * name it and none of them says `generate: true` (the spec's default:
 * referenced rules only feed the correlation). True for unreferenced rules. */
bool sg_corrset_standalone(const sg_corrset *s, const sg_rule *r);

/* Does filter f apply to rule r (named by it, or `any`, and r's logsource
 * matches the filter's)? */
bool sg_filter_applies(const sg_filter *f, const sg_rule *r);

/* Merge every filter that applies to ir->src into ir->expr as
 * `(expr) and not (filter)`, each recorded in ir->applied as pipeline
 * "filter". Call after ir_build_rule and before the pipelines, so field
 * mapping covers the filter's fields too. `s` may be NULL (nothing to do).
 * Returns false only on out-of-memory. */
bool sg_filter_apply(sg_arena *a, const sg_corrset *s, ir_rule *ir, sg_diags *d);

/* ---- the view backends and the matcher consume ------------------------------------ */

/* How base rules are prepared: the pipelines for the target. `apply` runs
 * them on one rule (NULL: no pipelines); sg_corr_apply_pipelines is the
 * usual one, with `user` pointing to an sg_corr_pipelines. */
typedef bool (*sg_corr_apply_fn)(void *user, sg_arena *a, ir_rule *r, sg_diags *d);

struct sg_pipeline;
typedef struct sg_corr_pipelines {
    struct sg_pipeline *const *p; /* sorted with sg_pipelines_sort */
    size_t n;
    const char *backend;
} sg_corr_pipelines;

bool sg_corr_apply_pipelines(void *user, sg_arena *a, ir_rule *r, sg_diags *d);

typedef struct sg_corr_env {
    const sg_corrset *set; /* for filters */
    sg_corr_apply_fn apply;
    void *user;
} sg_corr_env;

struct sg_corr_view;

/* One entry of a correlation's `rules`, ready for a backend. */
typedef struct sg_corr_input {
    const sg_corr_ref *ref;
    ir_rule *ir;               /* a detection rule: after filters and pipelines */
    struct sg_corr_view *sub;  /* a correlation: its own view */
    /* [corr->ngroup_by]: the field holding group-by entry g in this
     * input's events: the alias's field for this rule, else the group-by
     * name, then mapped by the pipelines. For a `sub` correlation, the
     * group-by name itself (its output column). */
    const char **group_fields;
    /* [corr->nfields]: the value field(s) of value_* types, mapped. */
    const char **value_fields;
} sg_corr_input;

typedef struct sg_corr_view {
    const sg_correlation *corr;
    sg_corr_input *inputs; /* one per corr->rules, same order */
    size_t ninputs;
    /* Every detection rule below this correlation (nested ones too),
     * depth-first, each rule once. */
    ir_rule **leaves;
    size_t nleaves;
    /* A base rule failed (rule errors, pipeline failure) or the
     * correlation is broken: do not emit it. Diagnostics are in d. */
    bool failed;
} sg_corr_view;

/* Build the view of correlation c in arena a (the caller's per-output
 * scratch arena is fine). Returns NULL only on out-of-memory. */
sg_corr_view *sg_corr_view_build(sg_arena *a, const sg_correlation *c, const sg_corr_env *env,
                                 sg_diags *d);

/* ---- smaller pieces, exposed for tests ------------------------------------------------ */

/* Parse a timespan (`30s`, `5m`, `1h`, `2d`, `1w`) into seconds. On error
 * returns false and, when err is not NULL, a static reason. */
bool sg_timespan_parse(const char *s, int64_t *seconds, const char **err);

/* Type one correlation document (per-document checks). NULL only on OOM. */
sg_correlation *sg_correlation_build(sg_arena *a, const sg_rule *doc, sg_diags *d);
/* Type one filter document and build its IR. NULL only on OOM. */
sg_filter *sg_filter_build(sg_arena *a, const sg_rule *doc, sg_diags *d);

/* Append a text form of the correlation (for tests and `compile -t ir`). */
struct sg_strbuf;
void sg_corr_dump(const sg_correlation *c, struct sg_strbuf *out);

#endif
