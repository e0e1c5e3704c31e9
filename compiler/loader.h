/* loader.h - Sigma YAML (libfyaml event API) -> rule tree (rule.h).
 *
 * Reports YAML errors ("yaml"), encoding problems ("encoding"), wrong shapes
 * ("schema") and legacy collections ("legacy-collection") with file:line:col.
 * Value-level checks (dates, UUIDs, tags…) run later on the tree (checks.c). */
#ifndef SG_LOADER_H
#define SG_LOADER_H

#include "arena.h"
#include "diag.h"
#include "rule.h"

/* Compile-side resource limits (options "limit.*", see SECURITY.md); 0 in
 * any field means its default. The rules keep a pointer to them (sg_rule
 * .limits) so later stages (IR build) read the same values. */
typedef struct sg_load_limits {
    size_t max_file_size;       /* bytes; default 16 MiB */
    size_t max_documents;       /* per file; default 10,000 */
    size_t max_yaml_depth;      /* levels, the document the first; 64 */
    size_t max_rules;           /* documents over all files; 100,000 */
    size_t max_condition_depth; /* parentheses and `not`; 256 */
    size_t max_expansion;       /* windash variants of one value; 4,096 */
    size_t max_regex_length;    /* bytes of one `re` value; 32 KiB */
} sg_load_limits;

#define SG_DEFAULT_MAX_FILE_SIZE (16u * 1024u * 1024u)
#define SG_DEFAULT_MAX_DOCUMENTS 10000u
#define SG_DEFAULT_MAX_YAML_DEPTH 64u
#define SG_DEFAULT_MAX_RULES 100000u
#define SG_DEFAULT_MAX_CONDITION_DEPTH 256u
#define SG_DEFAULT_MAX_EXPANSION 4096u
#define SG_DEFAULT_MAX_REGEX_LENGTH 32768u
/* Upper bounds of the depth options: the loader's and the IR builder's
 * recursion (bounded by these) must fit any thread's stack. */
#define SG_YAML_DEPTH_CAP 1024u
#define SG_CONDITION_DEPTH_CAP 1000u

/* A limit's value: `v`, or `def` when v is 0 (or the limits are NULL). */
#define SG_LIMIT(lim, field, def) ((lim) && (lim)->field ? (lim)->field : (def))

/* The checks every YAML input gets before libfyaml sees it: valid UTF-8
 * without NUL (libfyaml 0.7.12 loops forever on an invalid byte in a
 * directive), and no tab before a block indicator inside an explicit key
 * (it crashes). Diagnostics in d; false when the input is refused. */
bool sg_yaml_input_ok(const char *path, const char *buf, size_t len, sg_diags *d);

/* Parse a buffer holding one Sigma file (one or more YAML documents).
 * `path` must outlive the arena (the caller interns it there). Appends the
 * documents to *rules (arena array, *n elements, *cap capacity).
 * Returns false only on out-of-memory; YAML and schema errors are
 * diagnostics, and the documents that could be read are still returned. */
bool sg_load_buffer(sg_arena *a, const char *path, const char *buf, size_t len,
                    const sg_load_limits *lim, sg_diags *d, sg_rule ***rules,
                    size_t *n, size_t *cap);

/* A loader keeps one libfyaml parser for many files (sg_loader_load);
 * sg_load_buffer makes a loader for one buffer. Destroy is NULL-safe. */
typedef struct sg_loader sg_loader;

sg_loader *sg_loader_create(void);
void sg_loader_destroy(sg_loader *l);
bool sg_loader_load(sg_loader *l, sg_arena *a, const char *path, const char *buf, size_t len,
                    const sg_load_limits *lim, sg_diags *d, sg_rule ***rules, size_t *n,
                    size_t *cap);

#endif
