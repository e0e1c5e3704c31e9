/* backend.h - one vtable per target; a new target is a new file plus one
 * line in backends/registry.c.
 *
 * Backends read only the IR (after pipelines). A rule a target cannot
 * express is reported with sg_unsupported() and SIGMA_ENOTSUP: never a query
 * that means something other than the rule. */
#ifndef SG_BACKEND_H
#define SG_BACKEND_H

#include "arena.h"
#include "diag.h"
#include "ir.h"
#include "sigmacc.h"
#include "strbuf.h"

#include <stdint.h>

struct sg_corr_view; /* correlation.h */

typedef struct sg_target_opts {
    const char *format;  /* "default", "savedsearches", … (backend-specific) */
    bool explain;        /* add how each detection item was translated */
    uint32_t sid_base;   /* suricata */
    void *run;           /* the backend's state for one compile run (run_new), or NULL;
                          * the epilogue sees it too (run_free comes after it) */
} sg_target_opts;

typedef struct sg_backend {
    const char *name;             /* "spl", "kql", "suricata", "c" */
    const char *description;
    const char *default_pipeline; /* applied when the user names none; may be NULL */
    const char *comment;          /* comment opener for rule headers ("#", "//", "```") */
    const char *comment_end;      /* closer, or NULL for line comments */
    const char *ext;              /* file extension for -o DIR/ ("spl", "kql", "rules") */
    const char *const *formats;   /* NULL-terminated list of --format values it knows */
    /* Text before the first rule / after the last (may be NULL). */
    sigma_status (*prologue)(const sg_target_opts *o, sg_strbuf *out);
    sigma_status (*epilogue)(const sg_target_opts *o, sg_strbuf *out);
    /* One rule: append its query to `out` (no trailing newline needed);
     * `a` is scratch owned by the caller. Returns SIGMA_OK, SIGMA_ENOTSUP
     * (after sg_unsupported), or SIGMA_ENOMEM. */
    sigma_status (*emit_rule)(const ir_rule *r, const sg_target_opts *o, sg_arena *a,
                              sg_strbuf *out, sg_diags *d);
    /* Optional state shared by the rules of one compile run (e.g. the sids
     * handed out so far), reached through sg_target_opts.run. */
    void *(*run_new)(void);
    void (*run_free)(void *run);
    /* Optional: one correlation rule (correlation.h: the view holds its
     * base rules after filters and pipelines). Same contract as emit_rule.
     * Targets without it report correlations as unsupported. */
    sigma_status (*emit_correlation)(const struct sg_corr_view *v, const sg_target_opts *o,
                                     sg_arena *a, sg_strbuf *out, sg_diags *d);
} sg_backend;

const sg_backend *sg_backend_find(const char *name);
size_t sg_backend_count(void);
const sg_backend *sg_backend_at(size_t i);

/* Report that `target` cannot express something of rule r, at `pos` (or at
 * the rule's title when pos has no line). Always returns SIGMA_ENOTSUP. */
sigma_status sg_unsupported(sg_diags *d, const ir_rule *r, sg_pos pos, const char *target,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A number for SPL and similar targets: integers in full, decimals as the
 * rule wrote them when plain, else %.17g. */
void sg_num_text(sg_strbuf *o, const ir_num *n);

#endif
