/* arena.c - chunked bump allocator (see arena.h). */
#include "arena.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ARENA_CHUNK (64u * 1024u)

typedef struct sg_arena_chunk chunk;

sg_arena *sg_arena_create(void)
{
    return sg_calloc(1, sizeof(sg_arena));
}

void sg_arena_destroy(sg_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *n = c->next;
        sg_free(c);
        c = n;
    }
    sg_free(a);
}

/* Slow path: a new chunk (or a block of its own for a big request). */
void *sg_arena_alloc_chunk(sg_arena *a, size_t need)
{
    chunk *c = a->head;
    size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;
    if (cap > SIZE_MAX - sizeof(chunk))
        return NULL;
    chunk *n = sg_malloc(sizeof(chunk) + cap);
    if (!n)
        return NULL;
    n->cap = cap;
    /* A big one-off block goes behind the current chunk so the
     * current chunk's free space is not wasted. */
    if (c && need > ARENA_CHUNK / 4) {
        n->next = c->next;
        c->next = n;
    } else {
        n->next = c;
        a->head = n;
    }
    n->used = need;
    a->total += need;
    return n->data;
}

char *sg_arena_strndup(sg_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = sg_arena_alloc_raw(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *sg_arena_strdup(sg_arena *a, const char *s)
{
    return s ? sg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *sg_arena_printf(sg_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = sg_arena_alloc_raw(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *sg_arena_grow(sg_arena *a, void *old, size_t old_n, size_t new_cap,
                    size_t elem_size)
{
    if (elem_size && new_cap > SIZE_MAX / elem_size)
        return NULL;
    void *p = sg_arena_alloc_raw(a, new_cap * elem_size);
    if (!p)
        return NULL;
    size_t keep = !old ? 0 : old_n < new_cap ? old_n : new_cap;
    if (keep)
        memcpy(p, old, keep * elem_size);
    memset((char *)p + keep * elem_size, 0, (new_cap - keep) * elem_size);
    return p;
}

void sg_arena_adopt(sg_arena *dst, sg_arena *src)
{
    if (!src)
        return;
    chunk *first = src->head;
    if (first) {
        chunk *last = first;
        while (last->next)
            last = last->next;
        /* behind dst's current chunk, whose free space stays in use */
        if (dst->head) {
            last->next = dst->head->next;
            dst->head->next = first;
        } else {
            dst->head = first;
        }
        dst->total += src->total;
    }
    sg_free(src);
}

size_t sg_arena_used(const sg_arena *a)
{
    return a ? a->total : 0;
}
