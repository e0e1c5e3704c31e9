/* corr_emit.c - correlation documents through a target (see corr_emit.h). */
#include "corr_emit.h"

#include <string.h>

sigma_status sg_corr_emit(const sg_corrset *cs, const sg_rule *doc, const sg_backend *b,
                          const sg_target_opts *o, struct sg_pipeline *const *pl, size_t npl,
                          sg_arena *a, sg_strbuf *out, sg_diags *d)
{
    const sg_correlation *c = sg_corrset_correlation(cs, doc);
    if (!c || c->broken)
        return SIGMA_ENOTSUP; /* its errors were reported when the set was resolved */
    if (!b->emit_correlation)
        return sg_unsupported(d, NULL, c->type_pos.line ? c->type_pos : doc->pos, b->name,
                              "%s correlation rules are not supported by this target",
                              sg_corr_type_name(c->type));
    sg_corr_pipelines p = {pl, npl, b->name};
    sg_corr_env env = {cs, sg_corr_apply_pipelines, &p};
    sg_corr_view *v = sg_corr_view_build(a, c, &env, d);
    if (!v)
        return SIGMA_ENOMEM;
    if (d->oom)
        return SIGMA_ENOMEM;
    if (v->failed)
        return SIGMA_ENOTSUP; /* the view reported why (or the base rule's errors did) */
    return b->emit_correlation(v, o, a, out, d);
}

/* Is correlation target named by a correlation, and by none with generate? */
static bool corr_named_only(const sg_corrset *cs, const sg_rule *target)
{
    bool named = false;
    for (size_t i = 0; i < cs->ncorrs; i++) {
        const sg_correlation *c = cs->corrs[i];
        for (size_t k = 0; k < c->nrules; k++)
            if (c->rules[k].rule == target) {
                if (c->generate)
                    return false;
                named = true;
            }
    }
    return named;
}

bool sg_corr_emit_alone(const sg_corrset *cs, const sg_rule *r, const sg_backend *b)
{
    if (!cs || !r || !b->emit_correlation)
        return true;
    if (r->kind == SG_DOC_RULE)
        return sg_corrset_standalone(cs, r);
    if (r->kind == SG_DOC_CORRELATION)
        return !corr_named_only(cs, r);
    return true;
}

static const char **strlist(sg_arena *a, const sg_strlist *l, size_t *n)
{
    *n = 0;
    const char **v = sg_arena_alloc(a, (l->n ? l->n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].s)
            v[(*n)++] = l->v[i].s;
    return v;
}

ir_rule *sg_corr_meta_rule(sg_arena *a, const sg_correlation *c)
{
    const sg_rule *s = c->src;
    ir_rule *r = sg_arena_alloc(a, sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->src = s;
    r->path = s->path;
    r->id = s->id.s;
    r->name = s->name.s;
    r->title = s->title.s;
    r->level = s->level.s;
    r->status = s->status.s;
    r->description = s->description.s;
    r->author = s->author.s;
    if (!(r->tags = strlist(a, &s->tags, &r->ntags)) ||
        !(r->references = strlist(a, &s->references, &r->nreferences)))
        return NULL;
    return r;
}
