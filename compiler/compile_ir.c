/* compile_ir.c - the compile driver's loop for IR consumers (the matcher).
 *
 * Same flow as sigma_compiler_compile (compile.c) without a backend: each
 * rule gets a scratch arena for its IR, so memory stays flat. Detection
 * rules come first, then correlations, so a consumer has every base rule
 * when a correlation arrives. */
#include "compile_ir.h"
#include "driver.h"
#include "pipeline.h"

typedef struct pass {
    sigma_compiler *c;
    const char *target;
    sg_pipeline **pl;
    size_t npl;
    const sg_corrset *cs;
    sg_ir_fn fn;
    sg_ir_corr_fn corr_fn;
    void *user;
} pass;

/* Are the results of correlation `doc` its own? Not when another
 * correlation names it and none of those says `generate: true` (as
 * corr_emit.c decides for the text targets). */
static bool corr_standalone(const sg_corrset *cs, const sg_rule *doc)
{
    bool named = false;
    for (size_t i = 0; i < cs->ncorrs; i++)
        for (size_t k = 0; k < cs->corrs[i]->nrules; k++)
            if (cs->corrs[i]->rules[k].rule == doc) {
                if (cs->corrs[i]->generate)
                    return true;
                named = true;
            }
    return !named;
}

/* One document; *ok when it compiled. Returns SIGMA_OK or a fatal status. */
static sigma_status one(const pass *P, const sg_rule *rule, sg_arena *a, sg_diags *d, bool *ok)
{
    *ok = false;
    if (rule->kind == SG_DOC_CORRELATION) {
        if (!P->corr_fn) {
            sg_diag_add(d, SG_SEV_ERROR, "unsupported", rule->pos,
                        "%s: correlation rules are not supported yet", P->target);
            return SIGMA_OK;
        }
        const sg_correlation *corr = sg_corrset_correlation(P->cs, rule);
        if (!corr || corr->broken)
            return SIGMA_OK; /* its errors were reported when the set was resolved */
        sg_corr_pipelines p = {P->pl, P->npl, P->target};
        sg_corr_env env = {P->cs, sg_corr_apply_pipelines, &p};
        sg_corr_view *v = sg_corr_view_build(a, corr, &env, d);
        if (!v || d->oom)
            return SIGMA_ENOMEM;
        if (v->failed)
            return SIGMA_OK; /* the view reported why */
        sigma_status s =
            P->corr_fn(P->user, P->cs, v, corr_standalone(P->cs, rule), a, d);
        *ok = s == SIGMA_OK;
        return s == SIGMA_OK || s == SIGMA_ENOTSUP ? SIGMA_OK : s;
    }
    if (rule->broken)
        return SIGMA_OK;
    ir_rule *ir = ir_build_rule(a, rule, d);
    if (!ir && (d->oom || d->nerrors == 0))
        return SIGMA_ENOMEM; /* no IR and no error: it ran out of memory */
    /* filters before pipelines, so their fields are mapped too */
    if (ir && !sg_filter_apply(a, P->cs, ir, d))
        return SIGMA_ENOMEM;
    if (ir && !sg_pipelines_apply(a, P->pl, P->npl, ir, P->target, d))
        return SIGMA_ENOMEM;
    if (!ir || ir->failed)
        return SIGMA_OK;
    sigma_status s = P->fn(P->user, ir, a, d);
    *ok = s == SIGMA_OK;
    return s == SIGMA_OK || s == SIGMA_ENOTSUP ? SIGMA_OK : s;
}

sigma_status sg_compile_ir(sigma_compiler *c, const char *target, sg_ir_fn fn,
                           sg_ir_corr_fn corr_fn, void *user, size_t *nfailed)
{
    *nfailed = 0;
    sg_pipeline **pl = sg_arena_alloc(c->arena, (c->npipelines + 1) * sizeof *pl);
    if (!pl)
        return SIGMA_ENOMEM;
    size_t npl = 0;
    for (size_t i = 0; i < c->npipelines; i++)
        if (sg_pipeline_allows(c->pipelines[i], target))
            pl[npl++] = c->pipelines[i];
    sg_pipelines_sort(pl, npl);
    /* filters and correlations: resolved once (their findings reported) */
    const sg_corrset *cs = sg_compiler_corrset(c);
    if (!cs)
        return SIGMA_ENOMEM;
    pass P = {c, target, pl, npl, cs, fn, corr_fn, user};

    sigma_status st = SIGMA_OK;
    for (int round = 0; round < 2 && st == SIGMA_OK; round++) {
        for (size_t i = 0; i < c->nrules && st == SIGMA_OK; i++) {
            const sg_rule *rule = c->rules[i];
            if (rule->legacy)
                continue; /* reported once by the loader */
            if (rule->kind == SG_DOC_FILTER) { /* merged into its rules */
                const sg_filter *f = round == 0 ? sg_corrset_filter(cs, rule) : NULL;
                if (round == 0 && (!f || f->broken))
                    (*nfailed)++; /* its errors are in c->diags */
                continue;
            }
            if ((rule->kind == SG_DOC_CORRELATION) != (round == 1))
                continue;
            sg_arena *a = sg_arena_create();
            if (!a)
                return SIGMA_ENOMEM;
            sg_diags d;
            sg_diags_init(&d);
            d.disabled = c->diags.disabled;
            d.ndisabled = c->diags.ndisabled;
            bool ok = false;
            st = one(&P, rule, a, &d, &ok);
            if (!ok && st == SIGMA_OK) {
                (*nfailed)++;
                if (d.nerrors == 0)
                    sg_diag_add(&d, SG_SEV_ERROR, "schema", rule->pos,
                                "rule not compiled: it has errors (see 'sigmacc check')");
            }
            if (c->skip_unsupported)
                for (size_t k = 0; k < d.n; k++)
                    if (d.items[k].sev == SG_SEV_ERROR) {
                        d.items[k].sev = SG_SEV_WARNING;
                        d.nerrors--;
                        d.nwarnings++;
                    }
            sg_diags_take(&c->diags, &d);
            if (c->diags.oom && st == SIGMA_OK)
                st = SIGMA_ENOMEM; /* a diagnostic was lost: never a silent one */
            sg_diags_free(&d);
            sg_arena_destroy(a);
        }
    }
    return st;
}
