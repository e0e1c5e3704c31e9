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
#define ESC_BIT 0x40u
#define HIGH_BIT 0x80u
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
    uint8_t singles; /* bucket bits of the one-byte literals */
    /* With at most ANCHOR_MAX - 2 anchors, two more buckets find what a
     * JSON scan has to doubt (see anchor.h) in the same lookups: ESC_BIT a
     * backslash before 'u' or '/' (or before '%' or 0x7f, which share
     * their nibbles), HIGH_BIT a byte >= 0x80. */
    bool inband;
    /* Anchor c is bucket bit 1 << c. A text byte t can be the first byte
     * of anchor c when bit c is set in both lo[0][t & 15] and hi[0][t >>
     * 4]; the second byte likewise with [1] (all bits for a one-byte
     * literal). Each bucket holds one byte and its other case, which
     * differ only in the high nibble, so the test is exact. */
    uint8_t lo[2][16], hi[2][16];
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
        uint8_t bit = (uint8_t)(1u << c);
        if (a->single[c])
            a->singles |= bit;
        for (unsigned t = 0; t < 256; t++) {
            if (sg_lower_table[t] == a->a[c]) {
                a->lo[0][t & 15] |= bit;
                a->hi[0][t >> 4] |= bit;
            }
            if (a->single[c] || sg_lower_table[t] == a->b[c]) {
                a->lo[1][t & 15] |= bit;
                a->hi[1][t >> 4] |= bit;
            }
        }
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
    a->inband = nchosen <= ANCHOR_MAX - 2;
    if (a->inband) {
        a->lo[0]['\\' & 15] |= ESC_BIT;
        a->hi[0]['\\' >> 4] |= ESC_BIT;
        a->lo[1]['u' & 15] |= ESC_BIT;
        a->hi[1]['u' >> 4] |= ESC_BIT;
        a->lo[1]['/' & 15] |= ESC_BIT;
        a->hi[1]['/' >> 4] |= ESC_BIT;
        for (unsigned x = 0; x < 16; x++) {
            a->lo[0][x] |= HIGH_BIT;
            a->lo[1][x] |= HIGH_BIT;
            a->hi[1][x] |= HIGH_BIT;
            if (x >= 8)
                a->hi[0][x] |= HIGH_BIT;
        }
    }
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

/* The anchors that occur at p[t] (and p[t + 1]), as bucket bits. */
static inline unsigned buckets_at(const sg_anchor *a, const unsigned char *p, size_t n, size_t t)
{
    unsigned m = a->lo[0][p[t] & 15] & a->hi[0][p[t] >> 4] & ((1u << a->k) - 1);
    if (t + 1 < n)
        return m & a->lo[1][p[t + 1] & 15] & a->hi[1][p[t + 1] >> 4];
    return m & a->singles;
}

/* Anchors `m` occur at p[t] (and p[t + 1]): verify their literals there. */
static void verify(const sg_anchor *a, const unsigned char *p, size_t n, size_t t, unsigned m,
                   sg_aho_hit_fn hit, void *ctx)
{
    while (m) {
        unsigned c = (unsigned)__builtin_ctz(m);
        m &= m - 1;
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

/* Is there a byte >= 0x80, or a backslash before 'u' or '/', in
 * p[from..to) (of p[0..n))? What a JSON scan hands to doubt(). */
static bool suspicious(const unsigned char *p, size_t from, size_t to, size_t n)
{
    for (size_t i = from; i < to; i++)
        if (p[i] >= 0x80 || (p[i] == '\\' && i + 1 < n && (p[i + 1] == 'u' || p[i + 1] == '/')))
            return true;
    return false;
}

/* The positions in [from, to) where an anchor may start, by scalar code
 * (texts too short for a SIMD block, and their ends). false when doubt()
 * said the text cannot be scanned. */
static bool scan_scalar(const sg_anchor *a, const unsigned char *p, size_t n, size_t from,
                        size_t to, sg_aho_hit_fn hit, void *ctx, sg_anchor_doubt_fn doubt,
                        void *dctx)
{
    if (doubt && suspicious(p, from, to, n) && doubt(dctx, (const char *)p, from, to, n))
        return false;
    for (size_t t = from; t < to; t++) {
        unsigned m = buckets_at(a, p, n, t);
        if (m)
            verify(a, p, n, t, m, hit, ctx);
    }
    return true;
}

#ifdef SG_ANCHOR_AVX2
/* The buckets each of the 32 positions of v may be in (w: the same text
 * one byte on): a byte's low and high nibbles look up the buckets it may
 * be the first byte of (pshufb on 16-entry tables, as in Hyperscan's
 * Teddy), the next byte's those it may be the second byte of. */
__attribute__((always_inline, target("avx2"))) static inline __m256i
lookup(__m256i v, __m256i w, __m256i lo0, __m256i hi0, __m256i lo1, __m256i hi1)
{
    const __m256i nib = _mm256_set1_epi8(0x0f);
    __m256i x = _mm256_and_si256(
        _mm256_shuffle_epi8(lo0, _mm256_and_si256(v, nib)),
        _mm256_shuffle_epi8(hi0, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
    __m256i y = _mm256_and_si256(
        _mm256_shuffle_epi8(lo1, _mm256_and_si256(w, nib)),
        _mm256_shuffle_epi8(hi1, _mm256_and_si256(_mm256_srli_epi16(w, 4), nib)));
    return _mm256_and_si256(x, y);
}

/* Positions of v that a JSON scan must doubt (suspicious() in SIMD). */
__attribute__((always_inline, target("avx2"))) static inline uint32_t doubtful(__m256i v,
                                                                                 __m256i w)
{
    __m256i esc = _mm256_and_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\')),
                                   _mm256_or_si256(_mm256_cmpeq_epi8(w, _mm256_set1_epi8('u')),
                                                   _mm256_cmpeq_epi8(w, _mm256_set1_epi8('/'))));
    return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(esc, v));
}

typedef struct tables {
    __m256i lo0, hi0, lo1, hi1;
} tables;

/* The 32-byte block p[at..at + 32) (p[at + 32] is read too), positions
 * below `skip` done before, looked at exactly: doubtful bytes first, then
 * the anchors' literals. false when doubt() stopped the scan. Out of
 * line: the scan loop stays small. */
__attribute__((noinline, target("avx2"))) static bool
block(const sg_anchor *a, const tables *T, const unsigned char *p, size_t n, size_t at,
      unsigned skip, sg_aho_hit_fn hit, void *ctx, sg_anchor_doubt_fn doubt, void *dctx)
{
    __m256i v = _mm256_loadu_si256((const __m256i *)(p + at));
    __m256i w = _mm256_loadu_si256((const __m256i *)(p + at + 1));
    if (doubt && doubtful(v, w) && doubt(dctx, (const char *)p, at, at + 32, n))
        return false;
    __m256i m = _mm256_and_si256(lookup(v, w, T->lo0, T->hi0, T->lo1, T->hi1),
                                 _mm256_set1_epi8((char)((1u << a->k) - 1)));
    uint32_t cbits = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(m, _mm256_setzero_si256()));
    cbits = skip >= 32 ? 0 : cbits >> skip << skip;
    while (cbits) {
        size_t t = at + (size_t)__builtin_ctz(cbits);
        cbits &= cbits - 1;
        verify(a, p, n, t, buckets_at(a, p, n, t), hit, ctx);
    }
    return true;
}

/* The scan: 64 bytes of text per step, whose candidates (and, for a JSON
 * scan, doubtful bytes) are looked for together, as they are rare in
 * event text; a step with any is looked at exactly by block(). Then one
 * block ending at the text's end (overlapping the last step; positions
 * already done are masked off). `inband`: the doubtful bytes have buckets
 * of their own (sg_anchor.inband). */
__attribute__((always_inline, target("avx2"))) static inline bool
scan_loop(const sg_anchor *a, const unsigned char *p, size_t n, sg_aho_hit_fn hit, void *ctx,
          sg_anchor_doubt_fn doubt, void *dctx, const bool inband)
{
    tables T;
    T.lo0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a->lo[0]));
    T.hi0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a->hi[0]));
    T.lo1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a->lo[1]));
    T.hi1 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)a->hi[1]));
    if (!doubt) {
        /* only the anchors' buckets */
        const __m256i keep = _mm256_set1_epi8((char)((1u << a->k) - 1));
        T.lo0 = _mm256_and_si256(T.lo0, keep);
    }
    size_t i = 0;
    for (; i + 65 <= n; i += 64) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(p + i + 1));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(p + i + 32));
        __m256i w1 = _mm256_loadu_si256((const __m256i *)(p + i + 33));
        __m256i m = _mm256_or_si256(lookup(v0, w0, T.lo0, T.hi0, T.lo1, T.hi1),
                                    lookup(v1, w1, T.lo0, T.hi0, T.lo1, T.hi1));
        bool any = !_mm256_testz_si256(m, m);
        if (!inband && doubt)
            any |= (doubtful(v0, w0) | doubtful(v1, w1)) != 0;
        if (__builtin_expect(any, 0) &&
            (!block(a, &T, p, n, i, 0, hit, ctx, doubt, dctx) ||
             !block(a, &T, p, n, i + 32, 0, hit, ctx, doubt, dctx)))
            return false;
    }
    /* then 32 bytes, and a block ending at the end */
    for (bool last = false; !last && i + 1 < n;) {
        size_t at = i;
        if (i + 33 > n) {
            at = n - 33;
            last = true;
        }
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + at));
        __m256i w = _mm256_loadu_si256((const __m256i *)(p + at + 1));
        __m256i m = lookup(v, w, T.lo0, T.hi0, T.lo1, T.hi1);
        bool any = !_mm256_testz_si256(m, m);
        if (!inband && doubt)
            any |= doubtful(v, w) != 0;
        if (any && !block(a, &T, p, n, at, (unsigned)(i - at), hit, ctx, doubt, dctx))
            return false;
        i = at + 32;
    }
    /* the last byte: only a one-byte literal starts there; a doubtful
     * byte there is looked at too */
    if (doubt && p[n - 1] >= 0x80 && doubt(dctx, (const char *)p, n - 1, n, n))
        return false;
    if (a->any_single) {
        unsigned m = buckets_at(a, p, n, n - 1);
        if (m)
            verify(a, p, n, n - 1, m, hit, ctx);
    }
    return true;
}

__attribute__((target("avx2"))) static bool scan_avx2(const sg_anchor *a, const unsigned char *p,
                                                      size_t n, sg_aho_hit_fn hit, void *ctx,
                                                      sg_anchor_doubt_fn doubt, void *dctx)
{
    if (n < 33)
        return scan_scalar(a, p, n, 0, n, hit, ctx, doubt, dctx);
    if (a->inband || !doubt)
        return scan_loop(a, p, n, hit, ctx, doubt, dctx, true);
    return scan_loop(a, p, n, hit, ctx, doubt, dctx, false);
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
