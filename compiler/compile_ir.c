/* compile_ir.c - the compile driver's loop for IR consumers (the matcher).
 *
 * Same flow as sigma_compiler_compile (compile.c) without a backend: each
 * rule gets a scratch arena for its IR, so memory stays flat. */
#include "compile_ir.h"
#include "driver.h"
#include "pipeline.h"

sigma_status sg_compile_ir(sigma_compiler *c, const char *target, sg_ir_fn fn, void *user,
                           size_t *nfailed)
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

    sigma_status st = SIGMA_OK;
    for (size_t i = 0; i < c->nrules && st == SIGMA_OK; i++) {
        const sg_rule *rule = c->rules[i];
        if (rule->legacy)
            continue; /* reported once by the loader */
        sg_arena *a = sg_arena_create();
        if (!a)
            return SIGMA_ENOMEM;
        sg_diags d;
        sg_diags_init(&d);
        d.disabled = c->diags.disabled;
        d.ndisabled = c->diags.ndisabled;
        bool ok = false;
        if (rule->kind != SG_DOC_RULE) {
            sg_diag_add(&d, SG_SEV_ERROR, "unsupported", rule->pos,
                        "%s: %s rules are not supported yet", target,
                        rule->kind == SG_DOC_CORRELATION ? "correlation" : "filter");
        } else if (!rule->broken) {
            ir_rule *ir = ir_build_rule(a, rule, &d);
            if (ir && !sg_pipelines_apply(a, pl, npl, ir, target, &d))
                st = SIGMA_ENOMEM;
            else if (ir && !ir->failed) {
                sigma_status s = fn(user, ir, a, &d);
                if (s == SIGMA_OK)
                    ok = true;
                else if (s != SIGMA_ENOTSUP)
                    st = s;
            }
        }
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
        sg_diags_free(&d);
        sg_arena_destroy(a);
    }
    return st;
}
