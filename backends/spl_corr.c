/* spl_corr.c - target "spl": correlation rules (every type), on sliding
 * windows.
 *
 * The events: each base rule's full query (search, | regex, | where, as
 * spl.c writes it: nothing is dropped) tagged with `sigma_rule`; several
 * rules are one `| multisearch` of those pipelines (each event once per
 * rule it matches). Then `| sort 0 _time`, and each correlation of the
 * chain in turn (nested ones first) adds columns to every event:
 *
 *   sigma_k<c>_<g>  its group-by value g in this event (aliases and field
 *                   mapping resolved per rule; null when the event does not
 *                   belong to correlation c)
 *   sigma_n<c>      the aggregate over the window ending at this event
 *   sigma_m<c>      1 when correlation c fires at this event (nested ones)
 *
 * Window semantics (the same in kql_corr.c, for the matcher to follow):
 * Sigma's timespan is a sliding window. At every event e of the
 * correlation's rules whose group-by fields are all present, the events of
 * the same group at most `timespan` older than e (and not newer) form e's
 * window; the aggregate over the window is compared with the condition,
 * and the correlation fires at e when it holds. So a burst is found
 * wherever it falls, not only inside fixed buckets (pySigma's `bin`,
 * which misses bursts across a bucket edge). SPL's `streamstats
 * time_window=` computes exactly these windows. Aggregates: event_count
 * counts events; value_count distinct values (several fields: distinct
 * combinations); value_sum/avg the numbers present; value_percentile
 * Splunk's exactperc<P> (0: min, 100: max); value_median exactperc50;
 * temporal the number of distinct rules in the window (an expression
 * condition: each rule "matched in the window"). temporal_ordered fires at
 * an event of the last rule when events of rules 1..n-1 came before it in
 * that order (the first at most `timespan` before it): one streamstats
 * pass per step keeps, per group, the latest time at which a chain 1..k
 * could have started (`current=f`: strictly earlier events), and the last
 * step checks `_time - start <= timespan`.
 *
 * Each group's alerts become one result row: the first alert's time, the
 * aggregate there, the number of alerting events, the group-by fields.
 *
 * Splunk limits to know: streamstats keeps at most max_stream_window
 * events (limits.conf, default 10000) in a time window, and
 * `multisearch` runs its searches as streaming searches. */
#include "corr_emit.h"
#include "corr_util.h"
#include "correlation.h"
#include "spl_escape.h"
#include "spl_int.h"

#include <stdio.h>
#include <string.h>

#define TARGET "spl"

typedef struct sctx {
    sg_arena *a;
    sg_diags *d;
    const sg_corr_view *top;
    const char **tag; /* [top->nleaves]: sigma_rule of each base rule */
    bool simple;      /* every event belongs to exactly one input of the top */
    size_t next;      /* the last correlation number handed out */
    sg_strbuf *o;
    sg_strbuf tmp;
    sigma_status st;
} sctx;

#define UNSUP(S, pos, ...)                                                                 \
    do {                                                                                   \
        if ((S)->st == SIGMA_OK)                                                           \
            (S)->st = sg_unsupported((S)->d, NULL, (pos), TARGET, __VA_ARGS__);           \
    } while (0)

static const char *dup_tmp(sctx *S)
{
    const char *s = sg_arena_strdup(S->a, sg_sb_str(&S->tmp));
    if (!s || S->tmp.failed)
        S->st = SIGMA_ENOMEM;
    sg_sb_reset(&S->tmp);
    return s ? s : "";
}


/* ---- small texts ------------------------------------------------------------------------- */



static const char *const cmp_ops[] = {">", ">=", "<", "<=", "==", "!="};

/* `col OP n AND …` for the correlation's comparisons. */
static void cond_text(sg_strbuf *o, const sg_correlation *c, const char *col)
{
    for (size_t i = 0; i < c->ncmps; i++) {
        if (i)
            sg_sb_puts(o, " AND ");
        sg_sb_printf(o, "%s%s", col, cmp_ops[c->cmps[i].op]);
        sg_num_text(o, &c->cmps[i].num);
    }
}

/* ---- base rules ---------------------------------------------------------------------------- */

static size_t leaf_index(const sctx *S, const ir_rule *ir)
{
    for (size_t k = 0; k < S->top->nleaves; k++)
        if (S->top->leaves[k] == ir || S->top->leaves[k]->src == ir->src)
            return k;
    return 0; /* every input's rule is a leaf of the top (corr_view.c) */
}

/* sigma_rule values: the rule's name, else id, else title; unique. */
static bool make_tags(sctx *S)
{
    size_t n = S->top->nleaves;
    S->tag = sg_arena_alloc(S->a, (n ? n : 1) * sizeof *S->tag);
    if (!S->tag)
        return false;
    for (size_t k = 0; k < n; k++) {
        const ir_rule *r = S->top->leaves[k];
        const char *t = r->name && *r->name   ? r->name
                        : r->id && *r->id     ? r->id
                        : r->title && *r->title ? r->title
                                                : "rule";
        for (size_t j = 0; j < k; j++)
            if (!strcmp(S->tag[j], t)) {
                t = sg_arena_printf(S->a, "%s#%zu", t, k + 1);
                break;
            }
        if (!t)
            return false;
        S->tag[k] = t;
    }
    return true;
}

/* The events: each base rule's query, tagged. */
static void emit_rows(sctx *S)
{
    sg_strbuf *o = S->o;
    size_t n = S->top->nleaves;
    if (n > 1)
        sg_sb_puts(o, "| multisearch");
    for (size_t k = 0; k < n && S->st == SIGMA_OK; k++) {
        sg_strbuf q;
        sg_sb_init(&q);
        sigma_status st = spl_rule_query(S->top->leaves[k], S->a, &q, S->d);
        if (st != SIGMA_OK) {
            S->st = st;
        } else if (n == 1) {
            sg_sb_put(o, q.data, q.len);
        } else {
            sg_sb_puts(o, "\n    [search ");
            for (size_t i = 0; i < q.len; i++)
                if (q.data[i] == '\n')
                    sg_sb_puts(o, "\n        ");
                else
                    sg_sb_putc(o, q.data[i]);
        }
        sg_sb_puts(o, n == 1 ? "\n| eval sigma_rule=" : "\n        | eval sigma_rule=");
        spl_quote(o, S->tag[k], strlen(S->tag[k]));
        if (n > 1)
            sg_sb_putc(o, ']');
        sg_sb_free(&q);
    }
}

/* ---- one correlation ------------------------------------------------------------------------ */

typedef struct corr {
    const sg_corr_view *v;
    const sg_correlation *c;
    size_t id;
    bool simple;
    size_t *sub_id;        /* [ninputs]: the number of a nested correlation */
    const char **member;   /* [ninputs]: eval condition "this event is input i" */
    const char **key;      /* [ngroup_by]: column holding group g */
    bool *key_eval;        /* key[g] is a sigma_k column this correlation evals */
    const char **key_expr; /* [ngroup_by]: its eval expression */
    const char *val;       /* the value column (value types) */
    const char *val_expr;  /* its eval expression, or NULL when val is a field */
    const char *mem;       /* "member with every group field": eval condition */
    const char *and_mem;   /* " AND " mem, or "" when mem is always true */
} corr;

/* Field `name` of input i's events as an eval expression; NULL after an
 * error. For a nested correlation: one of its group-by columns. */
static const char *input_field(sctx *S, corr *C, size_t i, const char *name, sg_pos pos)
{
    const sg_corr_input *in = &C->v->inputs[i];
    if (in->sub) {
        const sg_correlation *sc = in->sub->corr;
        for (size_t g = 0; g < sc->ngroup_by; g++)
            if (!strcmp(sc->group_by[g].name, name))
                return sg_arena_printf(S->a, "sigma_k%zu_%zu", C->sub_id[i], g);
        UNSUP(S, corr_pos(C->c, pos),
              "'%s' is not a field of the results of correlation '%s': a correlation's "
              "results have its group-by fields only",
              name, in->ref->text);
        return NULL;
    }
    if (!spl_eval_field_ok(name)) {
        UNSUP(S, corr_pos(C->c, pos),
              "field name '%s' has a quote, backslash or control character, which SPL cannot "
              "quote in a field name",
              name);
        return NULL;
    }
    spl_eval_field(&S->tmp, name);
    return dup_tmp(S);
}

/* case(member_0, e_0, member_1, e_1, …), or the common expression when
 * every event belongs to one input and all inputs say the same. */
static const char *per_input(sctx *S, corr *C, const char **e, bool *same)
{
    size_t n = C->v->ninputs;
    *same = true;
    for (size_t i = 1; i < n; i++)
        *same &= !strcmp(e[i], e[0]);
    if (*same && C->simple)
        return e[0];
    *same = false;
    sg_sb_puts(&S->tmp, "case(");
    for (size_t i = 0; i < n; i++)
        sg_sb_printf(&S->tmp, "%s%s, %s", i ? ", " : "", C->member[i], e[i]);
    sg_sb_putc(&S->tmp, ')');
    return dup_tmp(S);
}

static bool setup(sctx *S, corr *C)
{
    const sg_correlation *c = C->c;
    size_t n = C->v->ninputs, ng = c->ngroup_by;
    C->member = sg_arena_alloc(S->a, (n ? n : 1) * sizeof *C->member);
    C->key = sg_arena_alloc(S->a, (ng ? ng : 1) * sizeof *C->key);
    C->key_expr = sg_arena_alloc(S->a, (ng ? ng : 1) * sizeof *C->key_expr);
    C->key_eval = sg_arena_alloc(S->a, (ng ? ng : 1) * sizeof *C->key_eval);
    const char **e = sg_arena_alloc(S->a, (n ? n : 1) * sizeof *e);
    if (!C->member || !C->key || !C->key_expr || !C->key_eval || !e)
        return false;
    for (size_t i = 0; i < n; i++) {
        const sg_corr_input *in = &C->v->inputs[i];
        if (in->sub) {
            C->member[i] = sg_arena_printf(S->a, "sigma_m%zu==1", C->sub_id[i]);
        } else {
            sg_sb_puts(&S->tmp, "sigma_rule==");
            const char *t = S->tag[leaf_index(S, in->ir)];
            spl_quote(&S->tmp, t, strlen(t));
            C->member[i] = dup_tmp(S);
        }
        if (!C->member[i])
            return false;
    }
    /* group-by columns */
    for (size_t g = 0; g < ng && S->st == SIGMA_OK; g++) {
        for (size_t i = 0; i < n; i++)
            if (!(e[i] = input_field(S, C, i, C->v->inputs[i].group_fields[g],
                                     c->group_by[g].pos)))
                return S->st == SIGMA_OK ? false : true;
        bool same;
        const char *x = per_input(S, C, e, &same);
        if (!x)
            return false;
        /* a plain field name can stand in `by` as it is */
        const char *f = C->v->inputs[0].group_fields[g];
        C->key_eval[g] = !(same && spl_plain_field(f));
        C->key[g] = C->key_eval[g] ? sg_arena_printf(S->a, "sigma_k%zu_%zu", C->id, g) : f;
        C->key_expr[g] = x;
        if (!C->key[g])
            return false;
    }
    if (S->st != SIGMA_OK) /* out of memory in dup_tmp: the keys are unset */
        return true;
    /* the value column */
    if (sg_corr_type_has_field(c->type) && c->type != SG_CORR_TEMPORAL) {
        for (size_t i = 0; i < n && S->st == SIGMA_OK; i++) {
            const sg_corr_input *in = &C->v->inputs[i];
            if (c->nfields == 1) {
                if (!(e[i] = input_field(S, C, i, in->value_fields[0], c->field_pos[0])))
                    return S->st == SIGMA_OK ? false : true;
                continue;
            }
            /* several fields: one text per combination, each part but the
             * last prefixed with its length, so different combinations
             * never read the same */
            const char **f = sg_arena_alloc(S->a, c->nfields * sizeof *f);
            if (!f)
                return false;
            for (size_t k = 0; k < c->nfields; k++)
                if (!(f[k] = input_field(S, C, i, in->value_fields[k], c->field_pos[k])))
                    return S->st == SIGMA_OK ? false : true;
            sg_sb_puts(&S->tmp, "if(");
            for (size_t k = 0; k < c->nfields; k++)
                sg_sb_printf(&S->tmp, "%sisnotnull(%s)", k ? " AND " : "", f[k]);
            sg_sb_puts(&S->tmp, ", ");
            for (size_t k = 0; k < c->nfields; k++) {
                if (k + 1 < c->nfields)
                    sg_sb_printf(&S->tmp, "tostring(len(tostring(%s))).\":\".", f[k]);
                sg_sb_printf(&S->tmp, "tostring(%s)%s", f[k], k + 1 < c->nfields ? "." : "");
            }
            sg_sb_puts(&S->tmp, ", null())");
            e[i] = dup_tmp(S);
        }
        if (S->st != SIGMA_OK)
            return true;
        bool same;
        const char *x = per_input(S, C, e, &same);
        if (!x)
            return false;
        const char *f = C->v->inputs[0].value_fields[0];
        if (same && c->nfields == 1 && spl_plain_field(f)) {
            C->val = f;
            C->val_expr = NULL;
        } else {
            C->val = sg_arena_printf(S->a, "sigma_x%zu", C->id);
            C->val_expr = x;
            if (!C->val)
                return false;
        }
    }
    /* "this event belongs to c and has every group field" */
    bool first = true;
    if (!C->simple && ng == 0) { /* else a group column is null outside c */
        sg_sb_putc(&S->tmp, '(');
        for (size_t i = 0; i < n; i++)
            sg_sb_printf(&S->tmp, "%s%s", i ? " OR " : "", C->member[i]);
        sg_sb_putc(&S->tmp, ')');
        first = false;
    }
    for (size_t g = 0; g < ng; g++) {
        sg_sb_printf(&S->tmp, "%sisnotnull(", first ? "" : " AND ");
        if (C->key_eval[g])
            sg_sb_puts(&S->tmp, C->key[g]);
        else
            spl_eval_field(&S->tmp, C->key[g]);
        sg_sb_putc(&S->tmp, ')');
        first = false;
    }
    C->mem = first ? "true()" : dup_tmp(S);
    C->and_mem = first ? "" : sg_arena_printf(S->a, " AND %s", C->mem);
    if (!C->and_mem)
        return false;
    return true;
}

/* `| eval` of the key and value columns this correlation needs. */
static void emit_columns(sctx *S, corr *C)
{
    bool any = false;
    for (size_t g = 0; g < C->c->ngroup_by; g++)
        if (C->key_eval[g]) {
            sg_sb_printf(S->o, "%s%s=%s", any ? ", " : "\n| eval ", C->key[g], C->key_expr[g]);
            any = true;
        }
    if (C->val_expr) {
        sg_sb_printf(S->o, "%s%s=%s", any ? ", " : "\n| eval ", C->val, C->val_expr);
        any = true;
    }
    if (!C->simple && C->c->type == SG_CORR_EVENT_COUNT) { /* count members only */
        sg_sb_printf(S->o, "%ssigma_e%zu=if(%s, 1, null())", any ? ", " : "\n| eval ", C->id,
                     C->mem);
    }
}

static void emit_by(sctx *S, corr *C)
{
    for (size_t g = 0; g < C->c->ngroup_by; g++) {
        sg_sb_puts(S->o, g ? ", " : " by ");
        sg_sb_puts(S->o, C->key[g]);
    }
}

static void emit_streamstats(sctx *S, corr *C, const char *opts, const char *aggs)
{
    sg_sb_puts(S->o, "\n| streamstats time_window=");
    corr_span_text(S->o, C->c->timespan);
    sg_sb_printf(S->o, "%s %s", opts, aggs);
    emit_by(S, C);
}

/* The extended temporal condition over the per-rule counts. */
static void expr_text(sg_strbuf *o, const sg_corr_expr *e, size_t id)
{
    switch (e->kind) {
    case SG_CX_AND:
    case SG_CX_OR:
        sg_sb_putc(o, '(');
        expr_text(o, e->a, id);
        sg_sb_puts(o, e->kind == SG_CX_AND ? " AND " : " OR ");
        expr_text(o, e->b, id);
        sg_sb_putc(o, ')');
        return;
    case SG_CX_NOT:
        sg_sb_puts(o, "NOT ");
        expr_text(o, e->a, id);
        return;
    case SG_CX_RULE:
        sg_sb_printf(o, "(sigma_c%zu_%zu>0)", id, e->rule);
        return;
    }
}

/* Aggregate column sigma_n<id> and the alert condition (into S->tmp). */
static void emit_aggregate(sctx *S, corr *C)
{
    const sg_correlation *c = C->c;
    size_t id = C->id, n = C->v->ninputs;
    sg_strbuf agg, vf;
    sg_sb_init(&agg);
    sg_sb_init(&vf);
    if (C->val && C->val_expr)
        sg_sb_puts(&vf, C->val); /* a sigma_x column */
    else if (C->val)
        spl_eval_field(&vf, C->val);
    const char *x = sg_sb_str(&vf);
    switch (c->type) {
    case SG_CORR_EVENT_COUNT:
        if (C->simple)
            sg_sb_printf(&agg, "count as sigma_n%zu", id);
        else
            sg_sb_printf(&agg, "count(sigma_e%zu) as sigma_n%zu", id, id);
        break;
    case SG_CORR_VALUE_COUNT:
        sg_sb_printf(&agg, "dc(%s) as sigma_n%zu", x, id);
        break;
    case SG_CORR_VALUE_SUM:
        sg_sb_printf(&agg, "sum(%s) as sigma_n%zu", x, id);
        break;
    case SG_CORR_VALUE_AVG:
        sg_sb_printf(&agg, "avg(%s) as sigma_n%zu", x, id);
        break;
    case SG_CORR_VALUE_PERCENTILE:
    case SG_CORR_VALUE_MEDIAN:
        if (c->percentile <= 0)
            sg_sb_printf(&agg, "min(%s) as sigma_n%zu", x, id);
        else if (c->percentile >= 100)
            sg_sb_printf(&agg, "max(%s) as sigma_n%zu", x, id);
        else
            sg_sb_printf(&agg, "exactperc%d(%s) as sigma_n%zu", c->percentile, x, id);
        break;
    case SG_CORR_TEMPORAL:
        /* distinct rules in the window: dc(sigma_rule) when every event is
         * one input; otherwise a count per input */
        if (C->simple && !c->expr) {
            sg_sb_printf(&agg, "dc(sigma_rule) as sigma_n%zu", id);
            break;
        }
        sg_sb_puts(S->o, "\n| eval ");
        for (size_t i = 0; i < n; i++) {
            sg_sb_printf(S->o, "%ssigma_t%zu_%zu=if(%s%s, 1, null())", i ? ", " : "", id, i,
                         C->member[i], C->and_mem);
            sg_sb_printf(&agg, "%scount(sigma_t%zu_%zu) as sigma_c%zu_%zu", i ? ", " : "", id,
                         i, id, i);
        }
        break;
    case SG_CORR_TEMPORAL_ORDERED:
        /* step k: the latest start of a chain 1..k completed before each event */
        for (size_t k = 0; k + 1 < n; k++) {
            sg_sb_printf(S->o, "\n| eval sigma_o%zu_%zu=if(%s%s, ", id, k, C->member[k],
                         C->and_mem);
            if (k == 0)
                sg_sb_puts(S->o, "_time");
            else
                sg_sb_printf(S->o, "sigma_s%zu_%zu", id, k - 1);
            sg_sb_puts(S->o, ", null())");
            sg_sb_reset(&agg);
            sg_sb_printf(&agg, "max(sigma_o%zu_%zu) as sigma_s%zu_%zu", id, k, id, k);
            emit_streamstats(S, C, " current=f", sg_sb_str(&agg));
        }
        sg_sb_printf(&S->tmp, "%s%s", C->member[n - 1], C->and_mem);
        if (n > 1)
            sg_sb_printf(&S->tmp,
                         " AND isnotnull(sigma_s%zu_%zu) AND _time-sigma_s%zu_%zu<=%lld", id,
                         n - 2, id, n - 2, (long long)c->timespan);
        goto done;
    }
    emit_streamstats(S, C, "", sg_sb_str(&agg));
    if (c->type == SG_CORR_TEMPORAL && !(C->simple && !c->expr)) {
        sg_sb_printf(S->o, "\n| eval sigma_n%zu=", id);
        for (size_t i = 0; i < n; i++)
            sg_sb_printf(S->o, "%sif(sigma_c%zu_%zu>0, 1, 0)", i ? "+" : "", id, i);
    }
    if (*C->and_mem)
        sg_sb_printf(&S->tmp, "%s AND ", C->mem);
    if (c->expr) {
        expr_text(&S->tmp, c->expr, id);
    } else {
        char col[48];
        snprintf(col, sizeof col, "sigma_n%zu", id);
        cond_text(&S->tmp, c, col);
    }
done:
    if (agg.failed || vf.failed)
        S->st = SIGMA_ENOMEM;
    sg_sb_free(&agg);
    sg_sb_free(&vf);
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

static bool emit_corr(sctx *S, const sg_corr_view *v, size_t id, bool top);

/* Everything correlation v adds to the events; for the top, the result. */
static bool emit_corr(sctx *S, const sg_corr_view *v, size_t id, bool top)
{
    const sg_correlation *c = v->corr;
    corr C = {v, c, id, top && S->simple, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    size_t n = v->ninputs;
    C.sub_id = sg_arena_alloc(S->a, (n ? n : 1) * sizeof *C.sub_id);
    if (!C.sub_id)
        return false;
    for (size_t i = 0; i < n; i++) {
        C.sub_id[i] = 0;
        if (v->inputs[i].sub) {
            C.sub_id[i] = ++S->next;
            if (!emit_corr(S, v->inputs[i].sub, C.sub_id[i], false))
                return false;
            if (S->st != SIGMA_OK)
                return true;
        }
    }
    if (c->type == SG_CORR_TEMPORAL_ORDERED && !corr_cond_is_all(c)) {
        UNSUP(S, corr_pos(c, c->condition_pos),
              "a temporal_ordered correlation here needs all its rules in order (leave out "
              "'condition' or write 'gte: %zu'); other counts of ordered rules have no clear "
              "meaning",
              c->nrules);
        return true;
    }
    if (!setup(S, &C))
        return false;
    if (S->st != SIGMA_OK)
        return true;
    emit_columns(S, &C);
    emit_aggregate(S, &C);
    if (S->st != SIGMA_OK)
        return true;
    const char *alert = dup_tmp(S);
    if (!top) {
        sg_sb_printf(S->o, "\n| eval sigma_m%zu=if(%s, 1, null())", id, alert);
        return true;
    }
    sg_sb_printf(S->o, "\n| where %s", alert);
    /* one row per group: the first alert, its aggregate, how many */
    sg_sb_puts(S->o, "\n| stats min(_time) as _time");
    const char *an = agg_name(c->type);
    if (an)
        sg_sb_printf(S->o, ", first(sigma_n%zu) as %s", id, an);
    sg_sb_puts(S->o, ", count as sigma_alerts");
    emit_by(S, &C);
    bool any = false;
    for (size_t g = 0; g < c->ngroup_by; g++) {
        const char *name = c->group_by[g].name;
        if (!strcmp(C.key[g], name))
            continue;
        if (!spl_search_field_ok(name)) {
            UNSUP(S, corr_pos(c, c->group_by[g].pos),
                  "group-by name '%s' has a '*', quote, backslash or control character, which "
                  "SPL cannot write as a result column",
                  name);
            return true;
        }
        sg_sb_printf(S->o, "%s%s AS ", any ? ", " : "\n| rename ", C.key[g]);
        spl_search_field(S->o, name);
        any = true;
    }
    return true;
}

/* ---- the entry point -------------------------------------------------------------------------- */

/* "-75m": the schedule's 15 minutes plus one timespan of history. */
static const char *earliest(sg_arena *a, int64_t span)
{
    int64_t s = span + 900;
    return s % 60 ? sg_arena_printf(a, "-%llds", (long long)s)
                  : sg_arena_printf(a, "-%lldm", (long long)(s / 60));
}

sigma_status spl_emit_correlation(const sg_corr_view *v, const sg_target_opts *o, sg_arena *a,
                                  sg_strbuf *out, sg_diags *d)
{
    sctx S = {a, d, v, NULL, false, 0, NULL, {0}, SIGMA_OK};
    sg_sb_init(&S.tmp);
    sg_strbuf q;
    sg_sb_init(&q);
    S.o = &q;
    bool saved = o && o->format && !strcmp(o->format, "savedsearches");
    /* simple: the top names only base rules, each once */
    S.simple = v->nleaves == v->ninputs;
    for (size_t i = 0; i < v->ninputs; i++)
        S.simple &= v->inputs[i].sub == NULL;
    bool ok = make_tags(&S);
    if (ok) {
        emit_rows(&S);
        if (S.st == SIGMA_OK)
            sg_sb_puts(&q, "\n| sort 0 _time");
        if (S.st == SIGMA_OK)
            ok = emit_corr(&S, v, 0, true);
    }
    if (!ok || q.failed || S.tmp.failed)
        S.st = SIGMA_ENOMEM;
    if (S.st == SIGMA_OK) {
        if (saved) {
            ir_rule *meta = sg_corr_meta_rule(a, v->corr);
            S.st = meta ? spl_saved_stanza(meta, &q, earliest(a, v->corr->timespan), out)
                        : SIGMA_ENOMEM;
        } else {
            sg_sb_put(out, q.data ? q.data : "", q.len);
        }
    }
    if (out->failed)
        S.st = SIGMA_ENOMEM;
    sg_sb_free(&q);
    sg_sb_free(&S.tmp);
    return S.st;
}
