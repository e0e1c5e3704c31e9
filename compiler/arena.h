/* arena.h - bump allocator that owns a whole compilation's tree and strings.
 *
 * Everything the frontend builds (rule tree, condition AST, IR) lives in one
 * arena and is released by one sg_arena_destroy(). Allocation failure returns
 * NULL; callers turn that into SIGMA_ENOMEM, never abort. */
#ifndef SG_ARENA_H
#define SG_ARENA_H

#include <stddef.h>
#include <string.h>

#define SG_ARENA_ALIGN 16u
#ifdef __cplusplus /* the JSON reader (C++) sees this header too */
#define SG_ARENA_ALIGNED alignas(16)
#else
#define SG_ARENA_ALIGNED _Alignas(16)
#endif

/* The bump state is in the open so that the common case inlines: a corpus
 * compile makes about a million allocations. Only arena.c touches it. */
struct sg_arena_chunk {
    struct sg_arena_chunk *next;
    size_t cap, used;
    SG_ARENA_ALIGNED unsigned char data[];
};
typedef struct sg_arena {
    struct sg_arena_chunk *head; /* allocations come from here */
    size_t total;
} sg_arena;

sg_arena *sg_arena_create(void);
void sg_arena_destroy(sg_arena *a);

/* A new chunk for `need` (aligned) bytes: arena.c. */
void *sg_arena_alloc_chunk(sg_arena *a, size_t need);

/* Memory aligned for any scalar type, not zeroed: for buffers the caller
 * fills at once. */
static inline void *sg_arena_alloc_raw(sg_arena *a, size_t size)
{
    if (!a)
        return NULL;
    size_t need = (size + SG_ARENA_ALIGN - 1) & ~(size_t)(SG_ARENA_ALIGN - 1);
    if (need < size)
        return NULL; /* overflow */
    struct sg_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < need)
        return sg_arena_alloc_chunk(a, need);
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    return p;
}

/* Zeroed memory, aligned for any scalar type. */
static inline void *sg_arena_alloc(sg_arena *a, size_t size)
{
    void *p = sg_arena_alloc_raw(a, size);
    if (p)
        memset(p, 0, size);
    return p;
}
/* Copy of len bytes plus a terminating NUL (embedded NULs are kept). */
char *sg_arena_strndup(sg_arena *a, const char *s, size_t len);
char *sg_arena_strdup(sg_arena *a, const char *s);
char *sg_arena_printf(sg_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grow an arena array: returns a copy with room for new_cap elements. */
void *sg_arena_grow(sg_arena *a, void *old, size_t old_n, size_t new_cap,
                    size_t elem_size);

/* dst takes over all of src's memory (freed with dst); src is freed. */
void sg_arena_adopt(sg_arena *dst, sg_arena *src);

/* Bytes handed out so far (for resource limits and --stats). */
size_t sg_arena_used(const sg_arena *a);

#endif
