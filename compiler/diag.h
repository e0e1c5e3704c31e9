/* diag.h - diagnostics: positioned messages collected in a caller-owned list.
 *
 * Errors are values: library code adds a diagnostic and returns a status; it
 * never prints, exits or aborts. Each diagnostic names the check that raised
 * it so a user can turn it off (-W no-NAME) and tools can group by it. */
#ifndef SG_DIAG_H
#define SG_DIAG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sg_pos {
    const char *file; /* borrowed; NULL for "no file" (e.g. stdin name set) */
    unsigned line, col; /* 1-based; 0 = unknown */
} sg_pos;

typedef enum { SG_SEV_NOTE, SG_SEV_WARNING, SG_SEV_ERROR } sg_severity;

typedef struct sg_diag {
    sg_severity sev;
    const char *check; /* static string: check name, e.g. "schema" */
    char *file;        /* owned copy */
    unsigned line, col;
    char *message;     /* owned */
} sg_diag;

typedef struct sg_diags {
    sg_diag *items;
    size_t n, cap;
    size_t nerrors, nwarnings;
    /* names switched off with -W no-NAME; borrowed strings */
    const char **disabled;
    size_t ndisabled;
    bool werror;   /* warnings count as errors */
    bool oom;      /* a diagnostic could not be stored */
    size_t max;    /* stop storing after this many (0 = unlimited) */
} sg_diags;

void sg_diags_init(sg_diags *d);
void sg_diags_free(sg_diags *d);
bool sg_diags_enabled(const sg_diags *d, const char *check);
void sg_diag_add(sg_diags *d, sg_severity sev, const char *check, sg_pos pos,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Move every diagnostic of src to the end of dst (src is left empty). */
void sg_diags_take(sg_diags *dst, sg_diags *src);
/* Move src's diagnostics [from, to) to the end of dst as if added there
 * (dst's counts and `max`); src keeps the emptied slots: sg_diags_free
 * on it is still right. */
void sg_diags_take_range(sg_diags *dst, sg_diags *src, size_t from, size_t to);
/* Stable order for reports: by file, line, col (insertion order on ties). */
void sg_diags_sort(sg_diags *d);

#define SG_ERR(d, check, pos, ...) sg_diag_add((d), SG_SEV_ERROR, (check), (pos), __VA_ARGS__)
#define SG_WARN(d, check, pos, ...) sg_diag_add((d), SG_SEV_WARNING, (check), (pos), __VA_ARGS__)

#endif
