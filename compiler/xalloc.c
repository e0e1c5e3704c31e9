/* xalloc.c - heap wrappers; failure injection is a test-build option. */
#include "config.h"

#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef SG_FAILALLOC
/* Test builds only: the N-th allocation fails (SG_FAILALLOC_AT=N). The
 * counter is deliberately process-wide: it is a test harness, not state the
 * library relies on. */
#include <stdatomic.h>
#include <stdio.h>
static atomic_long sg_alloc_count;
static long sg_fail_at = -2;

/* SG_FAILALLOC_REPORT=1: the number of allocations, at exit (so a sweep
 * knows how far to go). */
static void report(void)
{
    fprintf(stderr, "sg_failalloc: %ld allocations\n", (long)atomic_load(&sg_alloc_count));
}

static int should_fail(void)
{
    if (sg_fail_at == -2) {
        const char *e = getenv("SG_FAILALLOC_AT");
        sg_fail_at = e ? atol(e) : -1;
        if (getenv("SG_FAILALLOC_REPORT"))
            atexit(report);
    }
    long n = atomic_fetch_add(&sg_alloc_count, 1) + 1;
    return sg_fail_at > 0 && n == sg_fail_at;
}
#else
static inline int should_fail(void) { return 0; }
#endif

void *sg_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *sg_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}

void *sg_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void sg_free(void *p)
{
    free(p);
}

char *sg_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sg_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}
