/* pipeline.h - processing pipelines (pySigma's YAML format) over the IR.
 *
 * The middle pass: between the IR builder and the backends, every rule goes
 * through the selected pipelines, merged and ordered by priority (lower
 * first; ties keep command-line order). Backends never see unmapped rules.
 * Each applied item is recorded on the rule (ir_rule.applied). */
#ifndef SG_PIPELINE_H
#define SG_PIPELINE_H

#include "arena.h"
#include "diag.h"
#include "ir.h"

typedef struct sg_pipeline sg_pipeline;

/* Parse a pipeline file. Errors ("pipeline" check) carry file:line:col.
 * Returns NULL when the file has errors (all reported). */
sg_pipeline *sg_pipeline_load(sg_arena *a, const char *path, const char *text, size_t len,
                              sg_diags *d);

const char *sg_pipeline_name(const sg_pipeline *p);
int sg_pipeline_priority(const sg_pipeline *p);
/* allowed_backends is absent, or lists `backend`. */
bool sg_pipeline_allows(const sg_pipeline *p, const char *backend);

/* Built-in pipelines: files `pipelines/NAME.yml`, looked up in
 * $SIGMACC_PIPELINES, the installed data dir, then the source tree.
 * Returns the path (arena string) or NULL. */
const char *sg_pipeline_builtin_path(sg_arena *a, const char *name);
/* Names of the built-in pipelines found (sorted, arena array). */
size_t sg_pipeline_builtin_list(sg_arena *a, const char ***names);

/* Apply the pipelines (already sorted by priority with sg_pipelines_sort)
 * to one rule, in place. A rule_failure / detection_item_failure /
 * strict_field_mapping_failure marks r->failed and adds an error.
 * `backend` is the target name (for allowed_backends and state).
 * Returns false only on out-of-memory. */
bool sg_pipelines_apply(sg_arena *a, sg_pipeline *const *p, size_t n, ir_rule *r,
                        const char *backend, sg_diags *d);
/* Stable sort by priority. */
void sg_pipelines_sort(sg_pipeline **p, size_t n);

#endif
