/* ir_dump.c - target "ir": the IR after pipelines, as an S-expression.
 * For debugging rules and pipelines, and for tests. */
#include "backend.h"

static sigma_status emit(const ir_rule *r, const sg_target_opts *o, sg_arena *a, sg_strbuf *out,
                         sg_diags *d)
{
    (void)o;
    (void)a;
    (void)d;
    ir_dump(r->expr, out);
    for (size_t i = 0; i < r->nstate; i++)
        sg_sb_printf(out, "\n; state %s = %s", r->state[i].key,
                     r->state[i].value ? r->state[i].value : "(null)");
    return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
}

const sg_backend sg_backend_ir = {
    .name = "ir",
    .description = "the intermediate representation after pipelines (debugging)",
    .comment = ";",
    .emit_rule = emit,
};
