/* kql_corr.c - target "kql": correlation rules (every type), on sliding
 * windows, with the semantics spl_corr.c describes: at every event of the
 * correlation's rules whose group-by fields are present, the window is the
 * events of the same group at most `timespan` older (and not newer); the
 * correlation fires at the event when the aggregate over its window meets
 * the condition.
 *
 * Each correlation is a few `let` statements:
 *
 *   sigma_rows<c>   the `union` of its inputs: each base rule's query (as
 *                   kql.c writes it, without | project) or a nested
 *                   correlation's alerts, extended with sigma_time (the
 *                   table's TimeGenerated or Timestamp), sigma_in (which
 *                   input), sigma_k<g> (group-by values as strings, aliases
 *                   and field mapping resolved per rule) and sigma_x (the
 *                   value field)
 *   sigma_alerts<c> for a nested correlation: the events where it fires,
 *                   with its group-by fields, which the outer one reads
 *
 * event_count, value_sum/avg and temporal read each event's window from
 * cumulative sums (row_cumsum) taken at two probes per event, at the
 * window's start and right after the event: O(n log n), no pairing of
 * events. value_count and the percentiles need the window's values: each
 * event is joined with its window (the "time window join": both sides
 * bucketed by timespan, the window side expanded to two buckets, then the
 * exact window), then make_set_if (distinct values, exact) or the sorted
 * values (percentile by linear interpolation between the closest ranks, as
 * the matcher computes it; 0 is the minimum, 100 the maximum).
 * temporal_ordered is a `scan` over the events sorted by group and time
 * that keeps, per group, the latest time at which a chain of rules 1..k
 * could have started (one state per step, from strictly earlier events);
 * it fires at an event of the last rule whose chain started at most
 * `timespan` before.
 *
 * The result: one row per group, at its first alert (the aggregate there,
 * the number of alerting events). */
#include "corr_util.h"
#include "correlation.h"
#include "kql_escape.h"
#include "kql_int.h"

#include <stdio.h>
#include <string.h>

#define TARGET "kql"

extern const sg_backend sg_backend_kql;

typedef struct kctx {
    sg_arena *a;
    sg_diags *d;
    const sg_target_opts *opts;
    sg_strbuf *o;
    sg_strbuf tmp;
    size_t next;          /* the last correlation number handed out */
    const char *out_time; /* the result's time column: TimeGenerated or Timestamp */
    sigma_status st;
} kctx;

#define UNSUP(K, pos, ...)                                                                 \
    do {                                                                                   \
        if ((K)->st == SIGMA_OK)                                                           \
            (K)->st = sg_unsupported((K)->d, NULL, (pos), TARGET, __VA_ARGS__);           \
    } while (0)



static void num_text(sg_strbuf *o, const ir_num *n)
{
    if (n->is_int)
        sg_sb_printf(o, "%lld", (long long)n->i);
    else
        sg_sb_printf(o, "%.17g", n->f);
}

static const char *const cmp_ops[] = {">", ">=", "<", "<=", "==", "!="};

static void cond_text(sg_strbuf *o, const sg_correlation *c, const char *col)
{
    for (size_t i = 0; i < c->ncmps; i++) {
        sg_sb_printf(o, "%s%s %s ", i ? " and " : "", col, cmp_ops[c->cmps[i].op]);
        num_text(o, &c->cmps[i].num);
    }
}

static void expr_text(sg_strbuf *o, const sg_corr_expr *e)
{
    switch (e->kind) {
    case SG_CX_AND:
    case SG_CX_OR:
        sg_sb_putc(o, '(');
        expr_text(o, e->a);
        sg_sb_puts(o, e->kind == SG_CX_AND ? " and " : " or ");
        expr_text(o, e->b);
        sg_sb_putc(o, ')');
        return;
    case SG_CX_NOT:
        sg_sb_puts(o, "not(");
        expr_text(o, e->a);
        sg_sb_putc(o, ')');
        return;
    case SG_CX_RULE:
        sg_sb_printf(o, "sigma_c%zu > 0", e->rule);
        return;
    }
}

/* Append s with every line after the first indented by `ind`. */
static void put_indented(sg_strbuf *o, const char *s, size_t n, const char *ind)
{
    for (size_t i = 0; i < n; i++) {
        sg_sb_putc(o, s[i]);
        if (s[i] == '\n')
            sg_sb_puts(o, ind);
    }
}

static void put_ident(kctx *K, sg_strbuf *o, const char *name, sg_pos pos)
{
    if (!kql_ident(o, name, strlen(name)))
        UNSUP(K, pos, "name '%s' is not valid UTF-8", name);
}

/* The time column of a base rule's table. */
static const char *time_column(kctx *K, const ir_rule *r, sg_pos pos)
{
    int tg = kql_table_has(r, "TimeGenerated", K->a);
    if (tg != 0)
        return "TimeGenerated"; /* Sentinel, Log Analytics, ADX; or no schema */
    if (kql_table_has(r, "Timestamp", K->a) == 1)
        return "Timestamp"; /* Defender XDR */
    const char *t = ir_state_get(r, "query_table");
    UNSUP(K, pos, "table %s has neither TimeGenerated nor Timestamp: a correlation needs the "
                  "events' time",
          t ? t : "?");
    return NULL;
}

/* ---- one correlation ----------------------------------------------------------------------- */

/* The expression of field `name` in input i's events (as a string or a
 * number), appended to K->o. */
static void input_field(kctx *K, const sg_corr_view *v, size_t i, const char *name, sg_pos pos,
                        kql_cast cast)
{
    const sg_corr_input *in = &v->inputs[i];
    if (in->sub) {
        const sg_correlation *sc = in->sub->corr;
        bool found = false;
        for (size_t g = 0; g < sc->ngroup_by && !found; g++)
            found = !strcmp(sc->group_by[g].name, name);
        if (!found) {
            UNSUP(K, corr_pos(v->corr, pos),
                  "'%s' is not a field of the results of correlation '%s': a correlation's "
                  "results have its group-by fields only",
                  name, in->ref->text);
            return;
        }
        sg_sb_puts(K->o, cast == KQL_AS_STRING ? "tostring(" : "todouble(");
        put_ident(K, K->o, name, pos);
        sg_sb_putc(K->o, ')');
        return;
    }
    sigma_status st = kql_field_expr(in->ir, name, corr_pos(v->corr, pos), cast, K->a, K->o, K->d);
    if (st != SIGMA_OK && K->st == SIGMA_OK)
        K->st = st;
}

/* Did an earlier input read the same events as input i? */
static bool same_source_before(const sg_corr_view *v, size_t i)
{
    const sg_corr_input *x = &v->inputs[i];
    for (size_t j = 0; j < i; j++) {
        const sg_corr_input *y = &v->inputs[j];
        if ((x->sub && x->sub == y->sub) ||
            (x->ir && y->ir && (x->ir == y->ir || x->ir->src == y->ir->src)))
            return true;
    }
    return false;
}

static const char *input_tag(const sg_corr_input *in)
{
    if (in->sub) {
        const sg_rule *s = in->sub->corr->src;
        return s->name.s ? s->name.s : s->id.s ? s->id.s : in->ref->text;
    }
    const ir_rule *r = in->ir;
    return r->name && *r->name ? r->name : r->id && *r->id ? r->id : in->ref->text;
}

/* `let sigma_rows<id> = …;` */
static void emit_rows(kctx *K, const sg_corr_view *v, size_t id, const size_t *sub_id,
                      bool join)
{
    const sg_correlation *c = v->corr;
    sg_strbuf *o = K->o;
    bool temporal = sg_corr_type_is_temporal(c->type);
    size_t nb = 0;
    for (size_t i = 0; i < v->ninputs; i++)
        nb += temporal || !same_source_before(v, i);
    sg_sb_printf(o, "let sigma_rows%zu = %s", id, join ? "materialize(" : "");
    if (nb > 1)
        sg_sb_puts(o, "union");
    const char *ind = nb > 1 ? "\n    " : "\n";
    bool first = true;
    for (size_t i = 0; i < v->ninputs && K->st == SIGMA_OK; i++) {
        if (!temporal && same_source_before(v, i))
            continue; /* counts read each event once */
        const sg_corr_input *in = &v->inputs[i];
        if (nb > 1)
            sg_sb_puts(o, first ? "\n    (" : ",\n    (");
        first = false;
        const char *tcol;
        if (in->sub) {
            sg_sb_printf(o, "sigma_alerts%zu", sub_id[i]);
            tcol = "sigma_time";
        } else {
            ir_rule copy = *in->ir;
            copy.nfields = 0; /* no | project: the correlation reads more fields */
            sg_strbuf q;
            sg_sb_init(&q);
            sigma_status st = sg_backend_kql.emit_rule(&copy, K->opts, K->a, &q, K->d);
            if (st != SIGMA_OK) {
                K->st = st;
                sg_sb_free(&q);
                return;
            }
            put_indented(o, q.data ? q.data : "", q.len, nb > 1 ? "    " : "");
            if (q.failed)
                K->st = SIGMA_ENOMEM;
            sg_sb_free(&q);
            if (!(tcol = time_column(K, in->ir, in->ref->pos)))
                return;
        }
        sg_sb_printf(o, "%s| extend ", ind);
        if (strcmp(tcol, "sigma_time"))
            sg_sb_printf(o, "sigma_time = %s, ", tcol);
        sg_sb_puts(o, "sigma_rule = ");
        const char *tag = input_tag(in);
        if (!kql_quote(o, tag, strlen(tag)))
            sg_sb_puts(o, "\"\"");
        sg_sb_printf(o, ", sigma_in = %zu", i);
        for (size_t g = 0; g < c->ngroup_by; g++) {
            sg_sb_printf(o, ", sigma_k%zu = ", g);
            input_field(K, v, i, in->group_fields[g], c->group_by[g].pos, KQL_AS_STRING);
        }
        if (c->nfields && c->type != SG_CORR_TEMPORAL && c->type != SG_CORR_TEMPORAL_ORDERED) {
            sg_sb_puts(o, ", sigma_x = ");
            if (c->nfields == 1) {
                input_field(K, v, i, in->value_fields[0], c->field_pos[0],
                            c->type == SG_CORR_VALUE_COUNT ? KQL_AS_STRING : KQL_AS_REAL);
            } else {
                /* a combination: each part but the last prefixed with its
                 * length, so different combinations never read the same */
                sg_sb_puts(o, "iff(");
                for (size_t k = 0; k < c->nfields; k++) {
                    sg_sb_puts(o, k ? " and isnotempty(" : "isnotempty(");
                    input_field(K, v, i, in->value_fields[k], c->field_pos[k], KQL_AS_STRING);
                    sg_sb_putc(o, ')');
                }
                sg_sb_puts(o, ", strcat(");
                for (size_t k = 0; k < c->nfields; k++) {
                    if (k + 1 < c->nfields) {
                        sg_sb_puts(o, k ? ", strlen(" : "strlen(");
                        input_field(K, v, i, in->value_fields[k], c->field_pos[k],
                                    KQL_AS_STRING);
                        sg_sb_puts(o, "), \":\", ");
                    } else if (k) {
                        sg_sb_puts(o, ", ");
                    }
                    input_field(K, v, i, in->value_fields[k], c->field_pos[k], KQL_AS_STRING);
                }
                sg_sb_puts(o, "), \"\")");
            }
        }
        if (nb > 1)
            sg_sb_putc(o, ')');
    }
    for (size_t g = 0; g < c->ngroup_by; g++)
        sg_sb_printf(o, "%sisnotempty(sigma_k%zu)", g ? " and " : "\n| where ", g);
    if (join)
        sg_sb_puts(o, "\n| serialize sigma_row = row_number())");
    sg_sb_puts(o, ";\n");
}

static void keys_list(sg_strbuf *o, const sg_correlation *c, const char *sep)
{
    for (size_t g = 0; g < c->ngroup_by; g++)
        sg_sb_printf(o, "%ssigma_k%zu", g ? sep : "", g);
}

/* Counts, sums and per-rule counts over each event's window, without
 * pairing events: every event is also a probe at `time - timespan`
 * (sorted before the events of that time) and one right after itself;
 * row_cumsum over the group's events in time order, read at the two
 * probes, differ by exactly what the event's window holds. Sorting makes
 * it O(n log n) whatever the volume. */
static void emit_cumulative(kctx *K, const sg_corr_view *v, size_t id, const char *span)
{
    const sg_correlation *c = v->corr;
    sg_strbuf *o = K->o;
    size_t n = v->ninputs, ng = c->ngroup_by;
    bool val = c->type == SG_CORR_VALUE_SUM || c->type == SG_CORR_VALUE_AVG;
    bool temporal = c->type == SG_CORR_TEMPORAL;
    /* sigma_seq orders equal times: window starts first, then each event
     * followed by its own end probe (so a window holds the events of its
     * time up to its own, as a stream has seen them) */
    sg_sb_printf(o, "union\n    (sigma_rows%zu | extend sigma_t = sigma_time - %s, sigma_ord = 0, "
                    "sigma_seq = -1),\n",
                 id, span);
    sg_sb_printf(o, "    (sigma_rows%zu | extend sigma_t = sigma_time, sigma_ord = 1, sigma_seq = "
                    "2 * sigma_row),\n",
                 id);
    sg_sb_printf(o, "    (sigma_rows%zu | extend sigma_t = sigma_time, sigma_ord = 2, sigma_seq = "
                    "2 * sigma_row + 1)\n",
                 id);
    sg_sb_puts(o, "| sort by ");
    for (size_t g = 0; g < ng; g++)
        sg_sb_printf(o, "sigma_k%zu asc, ", g);
    sg_sb_puts(o, "sigma_t asc, sigma_seq asc\n");
    /* a new group restarts the sums */
    const char *restart = ng ? ", sigma_new" : "";
    if (ng) {
        sg_sb_puts(o, "| extend sigma_new = ");
        for (size_t g = 0; g < ng; g++)
            sg_sb_printf(o, "%ssigma_k%zu != prev(sigma_k%zu)", g ? " or " : "", g, g);
        sg_sb_putc(o, '\n');
    }
    sg_sb_puts(o, "| extend ");
    if (temporal) {
        for (size_t i = 0; i < n; i++)
            sg_sb_printf(o, "%ssigma_c%zu = row_cumsum(iff(sigma_ord == 1 and sigma_in == %zu, 1, "
                            "0)%s)",
                         i ? ", " : "", i, i, restart);
    } else {
        sg_sb_printf(o, "sigma_c = row_cumsum(iff(sigma_ord == 1, 1, 0)%s)", restart);
        if (val)
            sg_sb_printf(o, ", sigma_s = row_cumsum(iff(sigma_ord == 1 and isnotnull(sigma_x), "
                            "todouble(sigma_x), 0.0)%s), sigma_v = row_cumsum(iff(sigma_ord == 1 and "
                            "isnotnull(sigma_x), 1, 0)%s)",
                         restart, restart);
    }
    sg_sb_puts(o, "\n| where sigma_ord != 1\n| summarize ");
    if (temporal) {
        for (size_t i = 0; i < n; i++)
            sg_sb_printf(o, "%ssigma_c%zu = sum(iff(sigma_ord == 2, sigma_c%zu, -sigma_c%zu))",
                         i ? ", " : "", i, i, i);
    } else {
        sg_sb_puts(o, "sigma_n = sum(iff(sigma_ord == 2, sigma_c, -sigma_c))");
        if (val)
            sg_sb_puts(o, ", sigma_sum = sum(iff(sigma_ord == 2, sigma_s, -sigma_s)), sigma_nv = "
                          "sum(iff(sigma_ord == 2, sigma_v, -sigma_v))");
    }
    sg_sb_puts(o, " by sigma_row, sigma_time");
    for (size_t g = 0; g < ng; g++)
        sg_sb_printf(o, ", sigma_k%zu", g);
    if (temporal) {
        sg_sb_puts(o, "\n| extend sigma_n = ");
        for (size_t i = 0; i < n; i++)
            sg_sb_printf(o, "%siff(sigma_c%zu > 0, 1, 0)", i ? " + " : "", i);
    } else if (c->type == SG_CORR_VALUE_SUM) {
        sg_sb_puts(o, "\n| extend sigma_n = sigma_sum");
    } else if (c->type == SG_CORR_VALUE_AVG) {
        sg_sb_puts(o, "\n| extend sigma_n = sigma_sum / sigma_nv");
    }
}

/* Distinct values and percentiles need the window's values themselves:
 * the "time window join" (both sides bucketed by timespan, the window side
 * expanded to its own and the next bucket, then the exact window). */
static void emit_join(kctx *K, const sg_corr_view *v, size_t id, const char *span)
{
    const sg_correlation *c = v->corr;
    sg_strbuf *o = K->o;
    sg_sb_printf(o, "sigma_rows%zu\n| extend sigma_bin = bin(sigma_time, %s)\n", id, span);
    sg_sb_printf(o, "| join kind=inner (sigma_rows%zu\n", id);
    sg_sb_printf(o, "    | extend sigma_bin = range(bin(sigma_time, %s), bin(sigma_time, %s) + %s, "
                    "%s)\n",
                 span, span, span, span);
    sg_sb_puts(o, "    | mv-expand sigma_bin to typeof(datetime)\n    | project ");
    keys_list(o, c, ", ");
    sg_sb_printf(o, "%ssigma_bin, sigma_wtime = sigma_time, sigma_wrow = sigma_row, sigma_wx = "
                    "sigma_x) on ",
                 c->ngroup_by ? ", " : "");
    keys_list(o, c, ", ");
    sg_sb_printf(o, "%ssigma_bin\n", c->ngroup_by ? ", " : "");
    /* events of the same time count up to the event itself (sigma_row order) */
    sg_sb_printf(o, "| where sigma_wtime between ((sigma_time - %s) .. sigma_time) and "
                    "(sigma_wtime < sigma_time or sigma_wrow <= sigma_row)\n",
                 span);
    if (c->type == SG_CORR_VALUE_COUNT)
        sg_sb_puts(o, "| summarize sigma_n = array_length(make_set_if(sigma_wx, "
                      "isnotempty(sigma_wx)))");
    else
        sg_sb_puts(o, "| summarize sigma_vals = make_list_if(sigma_wx, isnotnull(sigma_wx))");
    sg_sb_puts(o, " by sigma_row, sigma_time");
    if (c->ngroup_by)
        sg_sb_puts(o, ", ");
    keys_list(o, c, ", ");
    if (c->type != SG_CORR_VALUE_COUNT) {
        /* linear interpolation between the closest ranks (the matcher's
         * definition; 0 is the minimum, 100 the maximum) */
        sg_sb_puts(o, "\n| extend sigma_vals = array_sort_asc(sigma_vals)");
        sg_sb_printf(o, "\n| extend sigma_r = %d / 100.0 * (array_length(sigma_vals) - 1)",
                     c->percentile);
        sg_sb_puts(o, "\n| extend sigma_lo = todouble(sigma_vals[toint(floor(sigma_r, 1))]), "
                      "sigma_hi = todouble(sigma_vals[toint(ceiling(sigma_r))])");
        sg_sb_puts(o, "\n| extend sigma_n = sigma_lo + (sigma_hi - sigma_lo) * (sigma_r - "
                      "floor(sigma_r, 1))");
    }
}

/* The events where an aggregating correlation fires (no `let`). */
static void emit_aggregate(kctx *K, const sg_corr_view *v, size_t id)
{
    const sg_correlation *c = v->corr;
    sg_strbuf *o = K->o;
    sg_strbuf sp;
    sg_sb_init(&sp);
    corr_span_text(&sp, c->timespan);
    bool joined = c->type == SG_CORR_VALUE_COUNT || c->type == SG_CORR_VALUE_PERCENTILE ||
                  c->type == SG_CORR_VALUE_MEDIAN;
    if (joined)
        emit_join(K, v, id, sg_sb_str(&sp));
    else
        emit_cumulative(K, v, id, sg_sb_str(&sp));
    sg_sb_puts(o, "\n| where ");
    if (c->type == SG_CORR_VALUE_SUM || c->type == SG_CORR_VALUE_AVG)
        sg_sb_puts(o, "sigma_nv > 0 and ");
    if (c->type == SG_CORR_VALUE_PERCENTILE || c->type == SG_CORR_VALUE_MEDIAN)
        sg_sb_puts(o, "array_length(sigma_vals) > 0 and ");
    if (c->expr)
        expr_text(o, c->expr);
    else
        cond_text(o, c, "sigma_n");
    if (sp.failed)
        K->st = SIGMA_ENOMEM;
    sg_sb_free(&sp);
}

/* The events where a temporal_ordered correlation fires (no `let`). */
static void emit_scan(kctx *K, const sg_corr_view *v, size_t id)
{
    const sg_correlation *c = v->corr;
    sg_strbuf *o = K->o;
    size_t n = v->ninputs, ng = c->ngroup_by;
    sg_sb_printf(o, "sigma_rows%zu\n| sort by ", id);
    for (size_t g = 0; g < ng; g++)
        sg_sb_printf(o, "sigma_k%zu asc, ", g);
    /* the same event as two steps: the later step first, so it cannot
     * complete a chain with itself */
    sg_sb_puts(o, "sigma_time asc, sigma_in desc\n| scan declare (");
    for (size_t g = 0; g < ng; g++)
        sg_sb_printf(o, "sigma_p%zu: string, ", g);
    for (size_t k = 0; k + 1 < n; k++)
        sg_sb_printf(o, "sigma_s%zu: datetime, ", k);
    sg_sb_puts(o, "sigma_hit: bool) with (\n    step sigma_fold: true =>");
    /* same group as the previous event */
    sg_strbuf same;
    sg_sb_init(&same);
    for (size_t g = 0; g < ng; g++)
        sg_sb_printf(&same, "%ssigma_k%zu == sigma_fold.sigma_p%zu", g ? " and " : "", g, g);
    if (!ng)
        sg_sb_puts(&same, "true");
    const char *sm = sg_sb_str(&same);
    /* the group columns last: whether assignments see this event's earlier
     * ones or not, every right-hand side reads the previous event's state */
    for (size_t k = 0; k + 1 < n; k++) {
        if (k == 0) {
            sg_sb_printf(o, "\n        sigma_s0 = iff(sigma_in == 0, sigma_time, iff(%s, "
                            "sigma_fold.sigma_s0, datetime(null))),",
                         sm);
            continue;
        }
        sg_sb_printf(o,
                     "\n        sigma_s%zu = iff(%s, iff(sigma_in == %zu and "
                     "isnotnull(sigma_fold.sigma_s%zu) and (isnull(sigma_fold.sigma_s%zu) or "
                     "sigma_fold.sigma_s%zu > sigma_fold.sigma_s%zu), sigma_fold.sigma_s%zu, "
                     "sigma_fold.sigma_s%zu), datetime(null)),",
                     k, sm, k, k - 1, k, k - 1, k, k - 1, k);
    }
    sg_sb_printf(o, "\n        sigma_hit = sigma_in == %zu", n - 1);
    if (n > 1) {
        sg_sb_printf(o, " and %s and isnotnull(sigma_fold.sigma_s%zu) and sigma_time - "
                        "sigma_fold.sigma_s%zu <= ",
                     sm, n - 2, n - 2);
        corr_span_text(o, c->timespan);
    }
    for (size_t g = 0; g < ng; g++)
        sg_sb_printf(o, ",\n        sigma_p%zu = sigma_k%zu", g, g);
    sg_sb_puts(o, ";\n)\n| where sigma_hit");
    if (same.failed)
        K->st = SIGMA_ENOMEM;
    sg_sb_free(&same);
}

static const char *agg_name(sg_corr_type t)
{
    switch (t) {
    case SG_CORR_TEMPORAL:
        return "rule_count";
    case SG_CORR_TEMPORAL_ORDERED:
        return NULL;
    default:
        return sg_corr_type_name(t);
    }
}

/* Correlation v's statements; for the top, the result query. */
static bool emit_corr(kctx *K, const sg_corr_view *v, size_t id, bool top)
{
    const sg_correlation *c = v->corr;
    size_t n = v->ninputs;
    size_t *sub_id = sg_arena_alloc(K->a, (n ? n : 1) * sizeof *sub_id);
    if (!sub_id)
        return false;
    for (size_t i = 0; i < n; i++) {
        sub_id[i] = 0;
        if (v->inputs[i].sub) {
            sub_id[i] = ++K->next;
            if (!emit_corr(K, v->inputs[i].sub, sub_id[i], false))
                return false;
            if (K->st != SIGMA_OK)
                return true;
        }
    }
    if (c->type == SG_CORR_TEMPORAL_ORDERED && !corr_cond_is_all(c)) {
        UNSUP(K, corr_pos(c, c->condition_pos),
              "a temporal_ordered correlation here needs all its rules in order (leave out "
              "'condition' or write 'gte: %zu'); other counts of ordered rules have no clear "
              "meaning",
              c->nrules);
        return true;
    }
    if (top) { /* the result's time column: the first base rule's */
        for (size_t k = 0; k < v->nleaves && !K->out_time; k++)
            K->out_time = time_column(K, v->leaves[k], c->src->pos);
        if (K->st != SIGMA_OK)
            return true;
    }
    bool ordered = c->type == SG_CORR_TEMPORAL_ORDERED;
    emit_rows(K, v, id, sub_id, !ordered);
    if (K->st != SIGMA_OK)
        return true;
    sg_strbuf *o = K->o;
    if (!top)
        sg_sb_printf(o, "let sigma_alerts%zu = ", id);
    if (ordered)
        emit_scan(K, v, id);
    else
        emit_aggregate(K, v, id);
    if (!top) {
        sg_sb_puts(o, "\n| project sigma_time");
        for (size_t g = 0; g < c->ngroup_by; g++) {
            sg_sb_puts(o, ", ");
            put_ident(K, o, c->group_by[g].name, c->group_by[g].pos);
            sg_sb_printf(o, " = sigma_k%zu", g);
        }
        sg_sb_puts(o, ";\n");
        return true;
    }
    /* one row per group: the first alert, its aggregate, how many */
    const char *an = agg_name(c->type);
    if (an)
        sg_sb_puts(o, "\n| summarize arg_min(sigma_time, sigma_n), sigma_alerts = count()");
    else
        sg_sb_puts(o, "\n| summarize sigma_time = min(sigma_time), sigma_alerts = count()");
    for (size_t g = 0; g < c->ngroup_by; g++) {
        sg_sb_puts(o, g ? ", " : " by ");
        put_ident(K, o, c->group_by[g].name, c->group_by[g].pos);
        sg_sb_printf(o, " = sigma_k%zu", g);
    }
    sg_sb_printf(o, "\n| project-rename %s = sigma_time", K->out_time ? K->out_time : "TimeGenerated");
    if (an)
        sg_sb_printf(o, ", %s = sigma_n", an);
    return true;
}

sigma_status kql_emit_correlation(const sg_corr_view *v, const sg_target_opts *o, sg_arena *a,
                                  sg_strbuf *out, sg_diags *d)
{
    kctx K = {a, d, o, NULL, {0}, 0, NULL, SIGMA_OK};
    sg_sb_init(&K.tmp);
    sg_strbuf q;
    sg_sb_init(&q);
    K.o = &q;
    bool ok = emit_corr(&K, v, 0, true);
    if (!ok || q.failed || K.tmp.failed)
        K.st = SIGMA_ENOMEM;
    if (K.st == SIGMA_OK)
        sg_sb_put(out, q.data ? q.data : "", q.len);
    if (out->failed)
        K.st = SIGMA_ENOMEM;
    sg_sb_free(&q);
    sg_sb_free(&K.tmp);
    return K.st;
}
