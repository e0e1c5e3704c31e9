/* c_intern.h - byte strings numbered in order of first appearance, for the
 * C backend's run state (field slots, shared static data). */
#ifndef SG_C_INTERN_H
#define SG_C_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sg_intern {
    char **keys;
    size_t *lens;
    size_t n, cap;
    uint32_t *table; /* open addressing: index + 1, 0 = empty */
    size_t tcap;
} sg_intern;

/* The number of key[0..len); *fresh when it is new. SIZE_MAX on OOM. */
size_t sg_intern_get(sg_intern *in, const char *key, size_t len, bool *fresh);
/* Forget the keys numbered n and up (a rule that failed added them). */
void sg_intern_truncate(sg_intern *in, size_t n);
void sg_intern_free(sg_intern *in);

#endif
