/* driver.h - the compiler object behind the public API (include/sigmacc.h).
 *
 * Library-internal: other stages (compile, match) reach the loaded rules
 * and the diagnostics through this struct; the CLI never sees it. */
#ifndef SG_DRIVER_H
#define SG_DRIVER_H

#include "arena.h"
#include "checks.h"
#include "diag.h"
#include "loader.h"
#include "pipeline.h"
#include "rule.h"
#include "sigmacc.h"

struct sigma_compiler {
    sg_arena *arena; /* rule trees, IR, interned paths */
    sg_diags diags;
    sg_rule **rules;
    size_t nrules, caprules;
    sg_check_opts check_opts;
    sg_load_limits limits;
    const char **disabled; /* -W no-NAME, arena strings */
    size_t ndisabled;

    sg_pipeline **pipelines; /* in the order given; sorted when compiling */
    size_t npipelines;
    const char **builtin_names; /* sigma_builtin_pipeline_*, filled lazily */
    size_t nbuiltin;
    bool builtin_listed;

    /* target options */
    const char *format;
    bool explain;
    bool skip_unsupported;
    unsigned long sid_base;
};

/* Read a whole file into a heap buffer (caller frees), bounded by `max`.
 * Reports problems as diagnostics at `path`. */
sigma_status sg_read_file(const char *path, size_t max, char **buf, size_t *len, sg_diags *d);

#endif
