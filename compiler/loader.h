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

typedef struct sg_load_limits {
    size_t max_file_size; /* bytes; default 16 MiB */
    size_t max_documents; /* per file; default 10,000 */
} sg_load_limits;

#define SG_DEFAULT_MAX_FILE_SIZE (16u * 1024u * 1024u)
#define SG_DEFAULT_MAX_DOCUMENTS 10000u

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
