/* corr_view.c - a correlation as backends and the matcher consume it.
 *
 * Each detection rule a correlation names is built the way a standalone
 * rule is compiled (IR -> filters -> pipelines), and the group-by and value
 * fields are translated into the names that rule's events carry: first the
 * alias, then the pipelines' field mapping. For the mapping, a probe copy
 * of the rule gets one `exists` test per field, tagged with the field's
 * position in the correlation file, and goes through the same pipelines;
 * the tests that come out with those positions name the mapped fields. So
 * group-by fields follow every field-mapping rule the pipelines have
 * (conditions on logsource included) without a second mapping engine. */
#include "correlation.h"
#include "pipeline.h"

#include <string.h>

#define MAX_NESTING 32

bool sg_corr_apply_pipelines(void *user, sg_arena *a, ir_rule *r, sg_diags *d)
{
    const sg_corr_pipelines *p = user;
    if (!p || p->n == 0)
        return true;
    return sg_pipelines_apply(a, p->p, p->n, r, p->backend, d);
}

typedef struct vctx {
    sg_arena *a;
    const sg_corr_env *env;
    sg_diags *d;
    bool oom;
} vctx;

/* ---- field probes ------------------------------------------------------------------ */

typedef struct tag {
    const char *field; /* as the correlation names it (alias resolved) */
    sg_pos pos;        /* unique within the probe */
    const char *mapped;
    bool several; /* mapped to more than one field */
    const char *other;
} tag;

static bool same_pos(sg_pos a, sg_pos b)
{
    return a.line == b.line && a.col == b.col &&
           (a.file == b.file || (a.file && b.file && !strcmp(a.file, b.file)));
}

static void read_tags(const ir_node *n, tag *tags, size_t nt)
{
    if (!n)
        return;
    if (n->kind == IR_TEST) {
        const ir_test *t = n->test;
        if (!t->field)
            return;
        for (size_t i = 0; i < nt; i++)
            if (same_pos(t->pos, tags[i].pos)) {
                if (!tags[i].mapped)
                    tags[i].mapped = t->field;
                else if (strcmp(tags[i].mapped, t->field)) {
                    tags[i].several = true;
                    tags[i].other = t->field;
                }
                return;
            }
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        read_tags(n->kids[i], tags, nt);
}

/* A copy of `ir` (before pipelines) whose expression also holds one
 * `exists` test per tag. Arrays are copied so the pipelines cannot write
 * into the real rule's spare capacity. */
static ir_rule *make_probe(vctx *V, const ir_rule *ir, const tag *tags, size_t nt)
{
    sg_arena *a = V->a;
    ir_rule *p = sg_arena_alloc(a, sizeof *p);
    if (!p)
        return NULL;
    *p = *ir;
#define COPY(arr, n, cap)                                                       \
    do {                                                                        \
        p->arr = NULL;                                                          \
        p->cap = 0;                                                             \
        if (ir->n) {                                                            \
            if (!(p->arr = sg_arena_grow(a, ir->arr, ir->n, ir->n, sizeof *p->arr))) \
                return NULL;                                                    \
            p->cap = ir->n;                                                     \
        }                                                                       \
    } while (0)
    COPY(state, nstate, capstate);
    COPY(custom, ncustom, capcustom);
    COPY(applied, napplied, capapplied);
#undef COPY
    ir_node **kids = sg_arena_alloc(a, (nt + 1) * sizeof *kids);
    if (!kids || !(kids[0] = ir_clone(a, ir->expr)))
        return NULL;
    for (size_t i = 0; i < nt; i++) {
        ir_test *t = ir_test_new(a, IR_T_EXISTS, tags[i].field, tags[i].pos);
        if (!t || !(kids[i + 1] = ir_test_node(a, t)))
            return NULL;
        t->exists = true;
    }
    if (!(p->expr = ir_nary(a, IR_AND, kids, nt + 1, ir->expr->pos)))
        return NULL;
    return p;
}

/* Map the tags' fields through the pipelines for rule `ir`. Pipeline
 * findings about the tagged tests (e.g. a strict mapping that has no entry
 * for a group-by field) are reported at the field in the correlation;
 * findings about the rule itself were reported by the real run. */
static bool map_fields(vctx *V, const ir_rule *ir, tag *tags, size_t nt, bool *failed)
{
    if (nt == 0 || !V->env->apply)
        return true;
    ir_rule *p = make_probe(V, ir, tags, nt);
    if (!p)
        return false;
    sg_diags pd;
    sg_diags_init(&pd);
    pd.disabled = V->d->disabled;
    pd.ndisabled = V->d->ndisabled;
    bool ok = V->env->apply(V->env->user, V->a, p, &pd);
    if (ok) {
        for (size_t k = 0; k < pd.n; k++) {
            const sg_diag *x = &pd.items[k];
            for (size_t i = 0; i < nt; i++) {
                sg_pos xp = {x->file, x->line, x->col};
                if (!same_pos(xp, tags[i].pos))
                    continue;
                sg_diag_add(V->d, x->sev, x->check, tags[i].pos, "%s", x->message);
                if (x->sev == SG_SEV_ERROR)
                    *failed = true;
                break;
            }
        }
        read_tags(p->expr, tags, nt);
    }
    ok &= !pd.oom;
    sg_diags_free(&pd);
    return ok;
}

/* ---- views ---------------------------------------------------------------------------- */

/* Where group-by entry g lives in the events of input i. */
static const sg_corr_alias_item *alias_item(const sg_correlation *c, size_t g, size_t i)
{
    const sg_corr_alias *al = c->group_by[g].alias;
    if (!al)
        return NULL;
    const sg_corr_ref *r = &c->rules[i];
    for (size_t j = 0; j < al->nitems; j++) {
        const sg_corr_ref *x = &al->items[j].rule;
        if ((x->rule && x->rule == r->rule) || !strcmp(x->text, r->text))
            return &al->items[j];
    }
    return NULL;
}

static bool add_leaf(vctx *V, sg_corr_view *v, ir_rule *ir, size_t *cap)
{
    for (size_t i = 0; i < v->nleaves; i++)
        if (v->leaves[i]->src == ir->src)
            return true;
    if (v->nleaves == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        ir_rule **p = sg_arena_grow(V->a, v->leaves, v->nleaves, nc, sizeof *p);
        if (!p)
            return false;
        v->leaves = p;
        *cap = nc;
    }
    v->leaves[v->nleaves++] = ir;
    return true;
}

static sg_corr_view *build(vctx *V, const sg_correlation *c, unsigned depth);

static bool build_input(vctx *V, sg_corr_view *v, size_t i, unsigned depth, size_t *leafcap)
{
    const sg_correlation *c = v->corr;
    sg_corr_input *in = &v->inputs[i];
    in->ref = &c->rules[i];
    size_t ng = c->ngroup_by, nf = c->nfields;
    in->group_fields = sg_arena_alloc(V->a, (ng ? ng : 1) * sizeof *in->group_fields);
    in->value_fields = sg_arena_alloc(V->a, (nf ? nf : 1) * sizeof *in->value_fields);
    tag *tags = sg_arena_alloc(V->a, (ng + nf ? ng + nf : 1) * sizeof *tags);
    if (!in->group_fields || !in->value_fields || !tags)
        return false;
    for (size_t g = 0; g < ng; g++) {
        const sg_corr_alias_item *ai = alias_item(c, g, i);
        tags[g].field = ai ? ai->field : c->group_by[g].name;
        tags[g].pos = ai ? ai->field_pos : c->group_by[g].pos;
    }
    for (size_t k = 0; k < nf; k++) {
        tags[ng + k].field = c->fields[k];
        tags[ng + k].pos = c->field_pos[k];
    }
    for (size_t t = 0; t < ng + nf; t++) {
        tags[t].mapped = tags[t].other = NULL;
        tags[t].several = false;
    }

    const sg_rule *r = in->ref->rule;
    if (!r) {
        v->failed = true;
    } else if (in->ref->corr) {
        /* a correlation's output rows carry its group-by names, unmapped */
        if (!(in->sub = build(V, in->ref->corr, depth + 1)))
            return false;
        v->failed |= in->sub->failed;
        for (size_t k = 0; k < in->sub->nleaves; k++)
            if (!add_leaf(V, v, in->sub->leaves[k], leafcap))
                return false;
    } else {
        /* The rule's own errors are reported where the rule is checked or
         * compiled; the correlation says once that it cannot be built. */
        sg_diags bd;
        sg_diags_init(&bd);
        ir_rule *ir = ir_build_rule(V->a, r, &bd);
        bool oom = !ir && ((bd.nerrors == 0 && !r->broken) || bd.oom);
        sg_diags_free(&bd);
        if (oom)
            return false;
        if (!ir) {
            SG_ERR(V->d, "correlation", in->ref->pos,
                   "rule '%s' has errors, so this correlation cannot be built (see 'sigmacc "
                   "check')",
                   in->ref->text);
            v->failed = true;
        } else {
            if (!sg_filter_apply(V->a, V->env->set, ir, V->d))
                return false;
            /* probe first: it copies the rule before the pipelines run */
            if (!map_fields(V, ir, tags, ng + nf, &v->failed))
                return false;
            if (V->env->apply && !V->env->apply(V->env->user, V->a, ir, V->d))
                return false;
            v->failed |= ir->failed;
            in->ir = ir;
            if (!add_leaf(V, v, ir, leafcap))
                return false;
            for (size_t t = 0; t < ng + nf; t++)
                if (tags[t].several)
                    SG_WARN(V->d, "correlation", tags[t].pos,
                            "field '%s' of rule '%s' maps to several fields ('%s', '%s'): the "
                            "correlation uses '%s'",
                            tags[t].field, in->ref->text, tags[t].mapped, tags[t].other,
                            tags[t].mapped);
        }
    }
    for (size_t g = 0; g < ng; g++)
        in->group_fields[g] = tags[g].mapped ? tags[g].mapped : tags[g].field;
    for (size_t k = 0; k < nf; k++)
        in->value_fields[k] = tags[ng + k].mapped ? tags[ng + k].mapped : tags[ng + k].field;
    return true;
}

static sg_corr_view *build(vctx *V, const sg_correlation *c, unsigned depth)
{
    sg_corr_view *v = sg_arena_alloc(V->a, sizeof *v);
    if (!v)
        return NULL;
    v->corr = c;
    v->failed = c->broken;
    if (depth > MAX_NESTING) {
        SG_ERR(V->d, "limit", c->src->pos, "correlation rules nested more than %d deep",
               MAX_NESTING);
        v->failed = true;
        return v;
    }
    if (c->broken) /* its errors are reported; cycles must not be followed */
        return v;
    v->inputs = sg_arena_alloc(V->a, (c->nrules ? c->nrules : 1) * sizeof *v->inputs);
    if (!v->inputs)
        return NULL;
    v->ninputs = c->nrules;
    size_t leafcap = 0;
    for (size_t i = 0; i < c->nrules; i++)
        if (!build_input(V, v, i, depth, &leafcap))
            return NULL;
    return v;
}

sg_corr_view *sg_corr_view_build(sg_arena *a, const sg_correlation *c, const sg_corr_env *env,
                                 sg_diags *d)
{
    if (!a || !c || !env || !d)
        return NULL;
    vctx V = {a, env, d, false};
    return build(&V, c, 0);
}
