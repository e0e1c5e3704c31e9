/* memo.c - remembered prefilter hits of repeated values (see memo.h). */
#include "memo.h"
#include "xalloc.h"

#include <string.h>

#define MEMO_BITS 11   /* entries, direct-mapped */
#define MEMO_TEXT 64   /* longer values are always scanned */
#define MEMO_HITS 6    /* values with more hits are always scanned */
#define PROBE_EVERY 512 /* a field's hit rate is looked at after this many scans */
#define PAUSE 8192     /* scans a field goes without the memo when it does not pay */
#define TEST_BITS 10   /* remembered test results, direct-mapped */

typedef struct entry {
    const sg_aho *ac; /* NULL: empty */
    uint64_t hash;
    uint16_t len;
    uint8_t nhits;
    uint32_t hits[MEMO_HITS];
    char text[MEMO_TEXT];
} entry;

/* per field: does the memo pay? */
typedef struct keystat {
    uint32_t tries, found, pause;
} keystat;

/* a remembered test result */
typedef struct tentry {
    const void *tag; /* NULL: empty */
    uint64_t hash;
    uint16_t len;
    bool value;
    char text[MEMO_TEXT];
} tentry;

struct sg_memo {
    entry *tab;
    keystat *keys;
    size_t nkeys;
    tentry *tests;
    keystat tstat; /* all tests together */
};

sg_memo *sg_memo_create(size_t nkeys)
{
    sg_memo *mm = sg_calloc(1, sizeof *mm);
    if (!mm)
        return NULL;
    mm->tab = sg_calloc((size_t)1 << MEMO_BITS, sizeof *mm->tab);
    mm->keys = sg_calloc(nkeys ? nkeys : 1, sizeof *mm->keys);
    mm->tests = sg_calloc((size_t)1 << TEST_BITS, sizeof *mm->tests);
    mm->nkeys = nkeys;
    if (!mm->tab || !mm->keys || !mm->tests) {
        sg_memo_free(mm);
        return NULL;
    }
    return mm;
}

void sg_memo_free(sg_memo *mm)
{
    if (!mm)
        return;
    sg_free(mm->tab);
    sg_free(mm->keys);
    sg_free(mm->tests);
    sg_free(mm);
}

/* The table index of a text: its length and first and last 8 bytes are
 * enough to spread values over the table (the text itself is compared in
 * full on a hit), and cost three independent multiplications whatever
 * the length. */
static uint64_t hash_text(const char *s, size_t n, uintptr_t seed)
{
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
    } else {
        memcpy(&a, s, n);
    }
    uint64_t h = a * 0x9e3779b97f4a7c15ull ^ b * 0xff51afd7ed558ccdull ^
                 ((uint64_t)seed + n) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 31);
}

/* Hits of one scan, deduplicated, for the entry being made. */
typedef struct recorder {
    sg_aho_hit_fn hit;
    void *ctx;
    uint32_t ids[MEMO_HITS];
    unsigned n;
    bool overflow;
} recorder;

static void record(void *ctx, uint32_t id)
{
    recorder *r = ctx;
    for (unsigned i = 0; i < r->n; i++)
        if (r->ids[i] == id)
            return;
    if (r->n < MEMO_HITS)
        r->ids[r->n++] = id;
    else
        r->overflow = true;
    r->hit(r->ctx, id);
}

void sg_memo_scan(sg_memo *mm, uint32_t key, const sg_aho *ac, const char *s, size_t n,
                  sg_aho_hit_fn hit, void *ctx)
{
    keystat *ks = key < mm->nkeys ? &mm->keys[key] : NULL;
    if (n > MEMO_TEXT || !ks || ks->pause) {
        if (ks && ks->pause)
            ks->pause--;
        sg_aho_scan(ac, s, n, hit, ctx);
        return;
    }
    if (++ks->tries == PROBE_EVERY) {
        /* a field whose values rarely come back scans without the memo */
        if (ks->found * 8 < ks->tries)
            ks->pause = PAUSE;
        ks->tries = ks->found = 0;
    }
    uint64_t h = hash_text(s, n, (uintptr_t)ac);
    entry *e = &mm->tab[h & (((size_t)1 << MEMO_BITS) - 1)];
    if (e->ac == ac && e->hash == h && e->len == n && memcmp(e->text, s, n) == 0) {
        ks->found++;
        for (unsigned i = 0; i < e->nhits; i++)
            hit(ctx, e->hits[i]);
        return;
    }
    recorder r = {hit, ctx, {0}, 0, false};
    sg_aho_scan(ac, s, n, record, &r);
    if (r.overflow) {
        e->ac = NULL;
        return;
    }
    e->ac = ac;
    e->hash = h;
    e->len = (uint16_t)n;
    e->nhits = (uint8_t)r.n;
    memcpy(e->hits, r.ids, r.n * sizeof *r.ids);
    memcpy(e->text, s, n);
}

/* Should a lookup happen at all? The same pay-or-pause rule as scans. */
static bool worth(keystat *ks)
{
    if (ks->pause) {
        ks->pause--;
        return false;
    }
    if (++ks->tries == PROBE_EVERY) {
        if (ks->found * 8 < ks->tries)
            ks->pause = PAUSE;
        ks->tries = ks->found = 0;
    }
    return true;
}

int sg_memo_test_get(sg_memo *mm, const void *tag, const char *s, size_t n)
{
    if (n > MEMO_TEXT || !worth(&mm->tstat))
        return -1;
    uint64_t h = hash_text(s, n, (uintptr_t)tag);
    const tentry *e = &mm->tests[h & (((size_t)1 << TEST_BITS) - 1)];
    if (e->tag == tag && e->hash == h && e->len == n && memcmp(e->text, s, n) == 0) {
        mm->tstat.found++;
        return e->value;
    }
    return -1;
}

void sg_memo_test_put(sg_memo *mm, const void *tag, const char *s, size_t n, bool value)
{
    if (n > MEMO_TEXT || mm->tstat.pause)
        return;
    uint64_t h = hash_text(s, n, (uintptr_t)tag);
    tentry *e = &mm->tests[h & (((size_t)1 << TEST_BITS) - 1)];
    e->tag = tag;
    e->hash = h;
    e->len = (uint16_t)n;
    e->value = value;
    memcpy(e->text, s, n);
}
