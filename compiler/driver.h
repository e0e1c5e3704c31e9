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
    sg_loader *loader; /* one YAML parser for every file, made on first use */
    sg_diags diags;
    sg_rule **rules;
    size_t nrules, caprules;
    sg_check_opts check_opts;
    sg_load_limits limits;
    bool rules_full; /* limit.rules was reached and reported: load no more */
    unsigned jobs;   /* loading threads ("jobs" option; 0 or 1: none) */
    size_t nunloaded; /* files that gave no rule because of an error */
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

    /* correlations and filters resolved over all rules (correlation.h),
     * built on first use by sg_compiler_corrset; reset when rules load */
    struct sg_corrset *corrset;
};

/* Read a whole file into a heap buffer (caller frees), bounded by `max`.
 * Reports problems as diagnostics at `path`. */
sigma_status sg_read_file(const char *path, size_t max, char **buf, size_t *len, sg_diags *d);

/* Parse one file's text (sg_load_into) or one file (sg_load_file_into)
 * into rules, with the given parser (made on first use), arena and
 * diagnostics: the compiler's own, or a loading thread's. `path` must
 * outlive `a`. SIGMA_ERULE when the file added errors. */
sigma_status sg_load_into(sg_loader **lp, sg_arena *a, sg_diags *d, const sg_load_limits *lim,
                          const char *path, const char *text, size_t len, sg_rule ***rules,
                          size_t *n, size_t *cap);
sigma_status sg_load_file_into(sg_loader **lp, sg_arena *a, sg_diags *d,
                               const sg_load_limits *lim, const char *path, sg_rule ***rules,
                               size_t *n, size_t *cap);
/* Status of a walk or load made of several: the first failure, but out
 * of memory always wins. */
sigma_status sg_status_join(sigma_status st, sigma_status s);
/* Load one file into the compiler (`path` interned in its arena),
 * honouring limit.rules over everything loaded so far. */
sigma_status sg_compiler_load_file(sigma_compiler *c, const char *path);
/* Load rule files (arena paths) in this order, on c->jobs threads when
 * there are enough of them (load_files.c): the same rules, diagnostics
 * and statuses as one sg_compiler_load_file after another. */
sigma_status sg_load_paths(sigma_compiler *c, const char *const *paths, size_t n);

/* The correlation/filter set of the loaded rules, resolved (and its
 * findings reported) once. NULL only on out-of-memory. */
struct sg_corrset *sg_compiler_corrset(sigma_compiler *c);

#endif
