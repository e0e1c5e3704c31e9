/* compile_ir.h - rules -> IR -> pipelines, handed over as IR rather than
 * text: the matcher (runtime/) builds its ruleset from this, so field
 * mapping is the same middle pass as for queries. */
#ifndef SG_COMPILE_IR_H
#define SG_COMPILE_IR_H

#include "arena.h"
#include "correlation.h"
#include "diag.h"
#include "ir.h"
#include "sigmacc.h"

/* Called once per rule that compiled (after filters and pipelines, not
 * failed). The IR and `a` (scratch for the callee) live until the callback
 * returns; errors the callee adds to `d` are this rule's. Return SIGMA_OK to
 * go on, SIGMA_ENOTSUP to count the rule as failed and go on, anything else
 * to stop with that status. */
typedef sigma_status (*sg_ir_fn)(void *user, const ir_rule *ir, sg_arena *a, sg_diags *d);

/* Called once per correlation document, after every detection rule, with
 * its view (correlation.h: base rules after filters and pipelines, fields
 * mapped) built in scratch arena `a`. `standalone`: no other correlation
 * names it without `generate: true`, so its own results are reported.
 * Same return convention as sg_ir_fn. */
typedef sigma_status (*sg_ir_corr_fn)(void *user, const sg_corrset *cs, const sg_corr_view *v,
                                      bool standalone, sg_arena *a, sg_diags *d);

/* Every loaded rule through the compiler's pipelines (those allowing
 * `target`, sorted by priority), filters merged first (sg_filter_apply).
 * Filter documents produce nothing of their own; correlation documents go
 * to corr_fn, or are reported as unsupported when it is NULL. Rules that
 * cannot be compiled (errors, pipeline failures) are reported in the
 * compiler's diagnostics and counted in *nfailed. */
sigma_status sg_compile_ir(sigma_compiler *c, const char *target, sg_ir_fn fn,
                           sg_ir_corr_fn corr_fn, void *user, size_t *nfailed);

#endif
