/* xalloc.h - the library's only door to the heap.
 *
 * Every allocation goes through these so a test build can make the N-th one
 * fail (failure-injection sweep) without touching the rest of the code. */
#ifndef SG_XALLOC_H
#define SG_XALLOC_H

#include <stddef.h>

void *sg_malloc(size_t n);
void *sg_calloc(size_t n, size_t size);
void *sg_realloc(void *p, size_t n);
void sg_free(void *p);
char *sg_strdup(const char *s);

#endif
