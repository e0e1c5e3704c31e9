/* corr_emit.h - correlation documents through a target (compile.c calls it).
 *
 * A correlation is compiled as one result: its view (correlation.h) is
 * built with the target's pipelines and handed to the backend's
 * emit_correlation. The rules a correlation names only feed it (Sigma's
 * default, `generate: false`): they get no query of their own when the
 * target can emit correlations. */
#ifndef SG_CORR_EMIT_H
#define SG_CORR_EMIT_H

#include "backend.h"
#include "correlation.h"

struct sg_pipeline;

/* Compile correlation document `doc` for target b into out. Returns
 * SIGMA_OK, SIGMA_ENOTSUP (reported in d, or already reported when the
 * correlation is broken) or SIGMA_ENOMEM. `a` is the result's scratch. */
sigma_status sg_corr_emit(const sg_corrset *cs, const sg_rule *doc, const sg_backend *b,
                          const sg_target_opts *o, struct sg_pipeline *const *pl, size_t npl,
                          sg_arena *a, sg_strbuf *out, sg_diags *d);

/* Does document r (a detection rule or a correlation) get a result of its
 * own for target b? False when correlations name it, none of them says
 * `generate: true`, and b can emit correlations. */
bool sg_corr_emit_alone(const sg_corrset *cs, const sg_rule *r, const sg_backend *b);

/* A rule carrying a correlation document's metadata (id, title, level,
 * tags, references…) for backends that write it next to a query
 * (savedsearches stanzas, Suricata msg/sid/metadata). Arena-owned. */
ir_rule *sg_corr_meta_rule(sg_arena *a, const sg_correlation *c);

#endif
