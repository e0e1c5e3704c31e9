/* c_intern.c - see c_intern.h. */
#include "c_intern.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 32));
}

static bool rehash(sg_intern *in, size_t cap)
{
    uint32_t *t = sg_calloc(cap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < in->n; i++) {
        size_t j = hash(in->keys[i], in->lens[i]) & (cap - 1);
        while (t[j])
            j = (j + 1) & (cap - 1);
        t[j] = (uint32_t)i + 1;
    }
    sg_free(in->table);
    in->table = t;
    in->tcap = cap;
    return true;
}

size_t sg_intern_get(sg_intern *in, const char *key, size_t len, bool *fresh)
{
    *fresh = false;
    if (in->tcap) {
        size_t mask = in->tcap - 1;
        for (size_t j = hash(key, len) & mask; in->table[j]; j = (j + 1) & mask) {
            size_t k = in->table[j] - 1;
            if (in->lens[k] == len && memcmp(in->keys[k], key, len) == 0)
                return k;
        }
    }
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        char **k = sg_realloc(in->keys, cap * sizeof *k);
        if (!k)
            return SIZE_MAX;
        in->keys = k;
        size_t *l = sg_realloc(in->lens, cap * sizeof *l);
        if (!l)
            return SIZE_MAX;
        in->lens = l;
        in->cap = cap;
    }
    char *copy = sg_malloc(len + 1);
    if (!copy)
        return SIZE_MAX;
    memcpy(copy, key, len);
    copy[len] = '\0';
    size_t k = in->n++;
    in->keys[k] = copy;
    in->lens[k] = len;
    if (in->n * 2 > in->tcap) {
        if (!rehash(in, in->tcap ? in->tcap * 2 : 128)) {
            sg_free(in->keys[--in->n]);
            return SIZE_MAX;
        }
    } else {
        size_t j = hash(key, len) & (in->tcap - 1);
        while (in->table[j])
            j = (j + 1) & (in->tcap - 1);
        in->table[j] = (uint32_t)k + 1;
    }
    *fresh = true;
    return k;
}

void sg_intern_truncate(sg_intern *in, size_t n)
{
    if (in->n <= n)
        return;
    while (in->n > n)
        sg_free(in->keys[--in->n]);
    /* Take the gone keys out of the table. On OOM the old table stays and
     * lookups of gone keys see indexes >= n: treat those as empty. */
    if (!rehash(in, in->tcap))
        for (size_t j = 0; j < in->tcap; j++)
            if (in->table[j] > n)
                in->table[j] = 0; /* breaks probe chains: later lookups may add a duplicate */
}

void sg_intern_free(sg_intern *in)
{
    for (size_t i = 0; i < in->n; i++)
        sg_free(in->keys[i]);
    sg_free(in->keys);
    sg_free(in->lens);
    sg_free(in->table);
    memset(in, 0, sizeof *in);
}
