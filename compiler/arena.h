/* arena.h - bump allocator that owns a whole compilation's tree and strings.
 *
 * Everything the frontend builds (rule tree, condition AST, IR) lives in one
 * arena and is released by one sg_arena_destroy(). Allocation failure returns
 * NULL; callers turn that into SIGMA_ENOMEM, never abort. */
#ifndef SG_ARENA_H
#define SG_ARENA_H

#include <stddef.h>

typedef struct sg_arena sg_arena;

sg_arena *sg_arena_create(void);
void sg_arena_destroy(sg_arena *a);

/* Zeroed memory, aligned for any scalar type. */
void *sg_arena_alloc(sg_arena *a, size_t size);
/* The same, not zeroed: for buffers the caller fills at once. */
void *sg_arena_alloc_raw(sg_arena *a, size_t size);
/* Copy of len bytes plus a terminating NUL (embedded NULs are kept). */
char *sg_arena_strndup(sg_arena *a, const char *s, size_t len);
char *sg_arena_strdup(sg_arena *a, const char *s);
char *sg_arena_printf(sg_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grow an arena array: returns a copy with room for new_cap elements. */
void *sg_arena_grow(sg_arena *a, void *old, size_t old_n, size_t new_cap,
                    size_t elem_size);

/* Bytes handed out so far (for resource limits and --stats). */
size_t sg_arena_used(const sg_arena *a);

#endif
