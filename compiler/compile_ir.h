/* compile_ir.h - rules -> IR -> pipelines, handed over as IR rather than
 * text: the matcher (runtime/) builds its ruleset from this, so field
 * mapping is the same middle pass as for queries. */
#ifndef SG_COMPILE_IR_H
#define SG_COMPILE_IR_H

#include "arena.h"
#include "diag.h"
#include "ir.h"
#include "sigmacc.h"

/* Called once per rule that compiled (after pipelines, not failed). The IR
 * and `a` (scratch for the callee) live until the callback returns; errors
 * the callee adds to `d` are this rule's. Return SIGMA_OK to go on,
 * SIGMA_ENOTSUP to count the rule as failed and go on, anything else to
 * stop with that status. */
typedef sigma_status (*sg_ir_fn)(void *user, const ir_rule *ir, sg_arena *a, sg_diags *d);

/* Every loaded rule through the compiler's pipelines (those allowing
 * `target`, sorted by priority). Rules that cannot be compiled (errors,
 * pipeline failures, correlation/filter documents) are reported in the
 * compiler's diagnostics and counted in *nfailed. */
sigma_status sg_compile_ir(sigma_compiler *c, const char *target, sg_ir_fn fn, void *user,
                           size_t *nfailed);

#endif
