/* anchor.c - SIMD anchor-pair prefilter for a few literals (see anchor.h). */
#include "anchor.h"
#include "fold.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SG_ANCHOR_AVX2 1
#endif

/* More distinct anchors than this and comparing every anchor with every
 * block costs more than an automaton. */
#define ANCHOR_MAX 8
#define ANCHOR_MAX_PATS 64

typedef struct apat {
    uint32_t id, len, off; /* the anchor is at s[off], s[off + 1] */
    const char *s;         /* folded */
} apat;

struct sg_anchor {
    unsigned k;
    uint8_t a[ANCHOR_MAX], b[ANCHOR_MAX]; /* folded anchor bytes */
    bool single[ANCHOR_MAX];              /* a one-byte literal: b unused */
    bool any_single;
    uint32_t first[ANCHOR_MAX + 1];       /* literals of anchor i: pats[first[i] .. first[i + 1]) */
    apat *pats;
    size_t npats;
    char *pool;
};

/* How often a folded byte shows up in Windows events as JSON, roughly
 * (quotes and escaped backslashes everywhere, then frequent letters,
 * digits and hex): the anchor is the pair with the lowest sum. */
static unsigned commonness(unsigned char c)
{
    if (c == '"')
        return 5;
    if (c == '\\')
        return 4;
    if (c >= 0x80)
        return 1;
    if (strchr("etaoinsr", c))
        return 3;
    if (strchr("lcdumhpgfbwy0123456789 .-,{}[]", c))
        return 2;
    return 1;
}

static unsigned pair_score(const char *s, uint32_t len, uint32_t j)
{
    unsigned x = commonness((unsigned char)s[j]);
    return len == 1 ? 2 * x : x + commonness((unsigned char)s[j + 1]);
}

static uint16_t pair_of(const char *s, uint32_t len, uint32_t j)
{
    return (uint16_t)((unsigned char)s[j] << 8 | (len == 1 ? 0 : (unsigned char)s[j + 1]));
}

void sg_anchor_free(sg_anchor *a)
{
    if (!a)
        return;
    sg_free(a->pats);
    sg_free(a->pool);
    sg_free(a);
}

size_t sg_anchor_memory(const sg_anchor *a)
{
    return a ? sizeof *a + a->npats * sizeof(apat) : 0;
}

/* A literal that could use pair `pair` at offset `off`. */
typedef struct cand {
    uint16_t pair;
    uint8_t single;
    unsigned score;
    uint32_t pat, off;
} cand;

static int cmp_cand(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->pair != b->pair || a->single != b->single)
        return a->single != b->single ? a->single - b->single : a->pair < b->pair ? -1 : 1;
    if (a->pat != b->pat)
        return a->pat < b->pat ? -1 : 1;
    return (a->off > b->off) - (a->off < b->off);
}

sg_anchor *sg_anchor_build(const char *const *pats, const uint32_t *lens, const uint32_t *ids,
                           size_t n, bool *oom)
{
    *oom = false;
    if (!n || n > ANCHOR_MAX_PATS)
        return NULL;
    unsigned minscore[ANCHOR_MAX_PATS];
    int anchor_of[ANCHOR_MAX_PATS]; /* index into chosen anchors */
    uint32_t off_of[ANCHOR_MAX_PATS];
    uint16_t chosen[ANCHOR_MAX];
    uint8_t chosen_single[ANCHOR_MAX];
    unsigned nchosen = 0;
    size_t total = 0, ncand = 0;
    for (size_t i = 0; i < n; i++) {
        if (!lens[i])
            return NULL;
        minscore[i] = ~0u;
        for (uint32_t j = 0; j + 1 < lens[i] || (lens[i] == 1 && j == 0); j++) {
            unsigned sc = pair_score(pats[i], lens[i], j);
            if (sc < minscore[i])
                minscore[i] = sc;
            ncand++;
        }
        anchor_of[i] = -1;
        total += lens[i];
    }
    /* every pair at most one point commoner than its literal's best */
    cand *cv = sg_malloc(ncand * sizeof *cv);
    if (!cv) {
        *oom = true;
        return NULL;
    }
    size_t nc = 0;
    for (size_t i = 0; i < n; i++)
        for (uint32_t j = 0; j + 1 < lens[i] || (lens[i] == 1 && j == 0); j++) {
            unsigned sc = pair_score(pats[i], lens[i], j);
            if (sc <= minscore[i] + 1)
                cv[nc++] = (cand){pair_of(pats[i], lens[i], j), lens[i] == 1, sc, (uint32_t)i, j};
        }
    qsort(cv, nc, sizeof *cv, cmp_cand);
    /* Greedy cover: the pair that serves most literals still without one
     * (then the rarer pair). */
    bool too_many = false;
    for (;;) {
        size_t best = 0;
        unsigned best_cnt = 0, best_sc = ~0u;
        for (size_t r = 0; r < nc;) {
            size_t e = r;
            unsigned cnt = 0, sc = cv[r].score;
            uint32_t last = UINT32_MAX;
            for (; e < nc && cv[e].pair == cv[r].pair && cv[e].single == cv[r].single; e++)
                if (anchor_of[cv[e].pat] < 0 && cv[e].pat != last) {
                    cnt++;
                    last = cv[e].pat;
                }
            if (cnt > best_cnt || (cnt && cnt == best_cnt && sc < best_sc)) {
                best = r;
                best_cnt = cnt;
                best_sc = sc;
            }
            r = e;
        }
        if (!best_cnt)
            break;
        if (nchosen == ANCHOR_MAX) {
            too_many = true; /* an automaton does better */
            break;
        }
        for (size_t e = best; e < nc && cv[e].pair == cv[best].pair && cv[e].single == cv[best].single;
             e++)
            if (anchor_of[cv[e].pat] < 0) {
                anchor_of[cv[e].pat] = (int)nchosen;
                off_of[cv[e].pat] = cv[e].off;
            }
        chosen_single[nchosen] = cv[best].single;
        chosen[nchosen++] = cv[best].pair;
    }
    sg_free(cv);
    if (too_many)
        return NULL;
    sg_anchor *a = sg_calloc(1, sizeof *a);
    if (!a) {
        *oom = true;
        return NULL;
    }
    a->pats = sg_calloc(n, sizeof *a->pats);
    a->pool = sg_malloc(total);
    if (!a->pats || !a->pool) {
        sg_anchor_free(a);
        *oom = true;
        return NULL;
    }
    a->k = nchosen;
    size_t np = 0, pos = 0;
    for (unsigned c = 0; c < nchosen; c++) {
        a->a[c] = (uint8_t)(chosen[c] >> 8);
        a->b[c] = (uint8_t)chosen[c];
        a->single[c] = chosen_single[c];
        a->any_single |= a->single[c];
        a->first[c] = (uint32_t)np;
        for (size_t i = 0; i < n; i++) {
            if (anchor_of[i] != (int)c)
                continue;
            memcpy(a->pool + pos, pats[i], lens[i]);
            a->pats[np++] = (apat){ids[i], lens[i], off_of[i], a->pool + pos};
            pos += lens[i];
        }
    }
    a->first[nchosen] = (uint32_t)np;
    a->npats = np;
    return a;
}

bool sg_anchor_usable(void)
{
#ifdef SG_ANCHOR_AVX2
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

/* Does folded byte c match text byte t? Patterns are folded, so only an
 * upper-case ASCII letter of the text needs folding. */
static inline bool byte_is(unsigned char t, unsigned char c)
{
    return sg_lower_table[t] == c;
}

/* Anchors occur at p[t] (and p[t + 1]): verify their literals there. */
static void verify(const sg_anchor *a, const unsigned char *p, size_t n, size_t t,
                   sg_aho_hit_fn hit, void *ctx)
{
    for (unsigned c = 0; c < a->k; c++) {
        if (!byte_is(p[t], a->a[c]) || (!a->single[c] && (t + 1 >= n || !byte_is(p[t + 1], a->b[c]))))
            continue;
        for (uint32_t i = a->first[c]; i < a->first[c + 1]; i++) {
            const apat *x = &a->pats[i];
            if (t < x->off || t - x->off + x->len > n)
                continue;
            const unsigned char *q = p + t - x->off;
            uint32_t j = 0;
            while (j < x->len && sg_lower_table[q[j]] == (unsigned char)x->s[j])
                j++;
            if (j == x->len)
                hit(ctx, x->id);
        }
    }
}

#ifdef SG_ANCHOR_AVX2
/* The scan, for K anchors (the anchors are padded to K with copies of the
 * first, so the compiler unrolls the comparisons and keeps the constants
 * in registers). 32 bytes of text at a time, with 0x20 set in every byte
 * (upper-case ASCII becomes lower case; a few other bytes merge, such as
 * '\\' and '|', which only makes candidates that verify() turns down),
 * are compared with each anchor's first byte at a position and its second
 * at the next. */
__attribute__((always_inline, target("avx2"))) static inline bool
scan_k(const sg_anchor *a, const unsigned char *p, size_t n, sg_aho_hit_fn hit, void *ctx,
       sg_anchor_doubt_fn doubt, void *dctx, const unsigned K, const bool singles)
{
    __m256i ca[ANCHOR_MAX], cb[ANCHOR_MAX];
    bool one[ANCHOR_MAX];
    for (unsigned c = 0; c < K; c++) {
        unsigned x = c < a->k ? c : 0;
        ca[c] = _mm256_set1_epi8((char)(a->a[x] | 0x20));
        cb[c] = _mm256_set1_epi8((char)(a->b[x] | 0x20));
        one[c] = a->single[x];
    }
    size_t i = 0;
    bool last = false; /* the block that ends the text has been done */
    while (!last && i < n) {
        size_t at = i, skip = 0;
        if (i + 33 > n) {
            if (n < 33)
                break;
            /* one more block ending at the text's end, overlapping the
             * last: positions before i are masked off */
            at = n - 33;
            skip = i - at;
            last = true;
        }
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + at));
        __m256i w = _mm256_loadu_si256((const __m256i *)(p + at + 1));
        const __m256i bit = _mm256_set1_epi8(0x20);
        __m256i vf = _mm256_or_si256(v, bit), wf = _mm256_or_si256(w, bit);
        __m256i m = _mm256_setzero_si256();
#pragma GCC unroll 8
        for (unsigned c = 0; c < K; c++) {
            __m256i x = _mm256_cmpeq_epi8(vf, ca[c]);
            m = _mm256_or_si256(m, singles && one[c] ? x
                                                     : _mm256_and_si256(x, _mm256_cmpeq_epi8(wf, cb[c])));
        }
        if (doubt) {
            __m256i esc = _mm256_and_si256(
                _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')),
                _mm256_or_si256(_mm256_cmpeq_epi8(w, _mm256_set1_epi8('u')),
                                _mm256_cmpeq_epi8(w, _mm256_set1_epi8('/'))));
            if ((_mm256_movemask_epi8(esc) | _mm256_movemask_epi8(v)) &&
                doubt(dctx, (const char *)p, at, at + 32, n))
                return false;
        }
        uint32_t bits = (uint32_t)_mm256_movemask_epi8(m);
        if (__builtin_expect(bits != 0, 0)) {
            bits = skip >= 32 ? 0 : bits >> skip << skip;
            while (bits) {
                verify(a, p, n, at + (size_t)__builtin_ctz(bits), hit, ctx);
                bits &= bits - 1;
            }
        }
        i = at + 32;
    }
    /* what the blocks did not reach: short texts, and the last byte (a
     * one-byte literal there) */
    if (doubt && i < n && doubt(dctx, (const char *)p, i, n, n))
        return false;
    for (; i < n; i++)
        verify(a, p, n, i, hit, ctx);
    return true;
}

__attribute__((target("avx2"))) static bool scan_avx2(const sg_anchor *a, const unsigned char *p,
                                                      size_t n, sg_aho_hit_fn hit, void *ctx,
                                                      sg_anchor_doubt_fn doubt, void *dctx)
{
    if (a->any_single)
        return scan_k(a, p, n, hit, ctx, doubt, dctx, ANCHOR_MAX, true);
    if (a->k <= 2)
        return scan_k(a, p, n, hit, ctx, doubt, dctx, 2, false);
    if (a->k <= 4)
        return scan_k(a, p, n, hit, ctx, doubt, dctx, 4, false);
    return scan_k(a, p, n, hit, ctx, doubt, dctx, ANCHOR_MAX, false);
}
#endif

void sg_anchor_scan(const sg_anchor *a, const char *s, size_t n, sg_aho_hit_fn hit, void *ctx)
{
#ifdef SG_ANCHOR_AVX2
    scan_avx2(a, (const unsigned char *)s, n, hit, ctx, NULL, NULL);
#else
    (void)a, (void)s, (void)n, (void)hit, (void)ctx;
#endif
}

bool sg_anchor_scan_json(const sg_anchor *a, const char *s, size_t n, sg_aho_hit_fn hit,
                         void *ctx, sg_anchor_doubt_fn doubt, void *dctx)
{
#ifdef SG_ANCHOR_AVX2
    return scan_avx2(a, (const unsigned char *)s, n, hit, ctx, doubt, dctx);
#else
    (void)a, (void)s, (void)n, (void)hit, (void)ctx, (void)doubt, (void)dctx;
    return false;
#endif
}
