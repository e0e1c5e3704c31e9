/* aho.c - Aho-Corasick DFA with byte classes (see aho.h). */
#include "aho.h"
#include "anchor.h"
#include "fold.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

#define OUT_FLAG 0x80000000u

typedef struct pat {
    char *s;
    size_t len;
    uint32_t id;
} pat;

struct sg_aho_builder {
    pat *v;
    size_t n, cap;
    size_t total;
    bool want_anchor;
};

#define AHO_DEPTH SG_AHO_DEPTH

/* Few patterns, all long: a Wu-Manber skip scan beats the DFA (which
 * reads every byte). A window of `m` bytes (the shortest pattern) slides
 * along the text; the 2-byte block at its end says how far it can jump
 * without skipping over the end of any pattern's first m bytes. Blocks
 * are hashed into SKIP_BITS; a collision only makes a jump shorter. */
#define SKIP_MIN 5      /* shortest pattern worth skipping for */
#define SKIP_MAX_PATS 64 /* beyond this most blocks would end a prefix */
#define SKIP_BITS 13

typedef struct skip_pat {
    uint16_t block; /* folded bytes m-2, m-1 (the window's end) */
    uint32_t len, id;
    const char *s; /* folded; in the pool */
} skip_pat;

/* A window end whose block says "stop" is verified only when its last 4
 * bytes are also the end of some pattern's prefix (a Bloom filter over
 * every case variant of them): common blocks such as "ma" or "ge" end
 * prefixes of "dpapi::masterkey" or "privilege::debug" but stop the scan
 * in most JSON text. */
#define SKIP_BLOOM_BITS 15

typedef struct skip {
    uint32_t m;
    uint64_t bloom[(1u << SKIP_BLOOM_BITS) / 64];
    uint8_t shift[1u << SKIP_BITS];
    skip_pat *pats; /* sorted by block */
    uint32_t npats;
} skip;

static inline uint32_t skip_hash(unsigned char a, unsigned char b)
{
    return ((uint32_t)a << 5 ^ b) & ((1u << SKIP_BITS) - 1);
}

/* The 4 bytes ending at p (raw, as the text has them). */
static inline uint32_t bloom_hash(const unsigned char *p)
{
    uint32_t w;
    memcpy(&w, p - 3, 4);
    return (w * 0x9e3779b1u) >> (32 - SKIP_BLOOM_BITS);
}

static inline bool bloom_has(const uint64_t *bloom, const unsigned char *p)
{
    uint32_t h = bloom_hash(p);
    return bloom[h / 64] >> (h % 64) & 1;
}

/* Every case variant of the 4 folded bytes ending at p. */
static void bloom_add(uint64_t *bloom, const unsigned char *p)
{
    for (unsigned v = 0; v < 16; v++) {
        unsigned char b[4];
        bool ok = true;
        for (int k = 0; k < 4; k++) {
            b[k] = p[k - 3];
            if (v >> k & 1) {
                if (b[k] < 'a' || b[k] > 'z')
                    ok = false; /* no upper-case form: same as v without bit k */
                b[k] = (unsigned char)(b[k] - 32);
            }
        }
        if (ok) {
            uint32_t h = bloom_hash(b + 3);
            bloom[h / 64] |= 1ull << (h % 64);
        }
    }
}

/* Texts at least this long are scanned with the anchor prefilter when the
 * automaton has one (shorter ones do not fill its SIMD blocks). */
#define ANCHOR_MIN_TEXT 64

struct sg_aho {
    sg_anchor *anchor;      /* NULL: no anchor prefilter (see anchor.h) */
    skip *skip;             /* NULL: scan with the DFA */
    uint32_t *trans;        /* [state * ncls + class]: next * ncls, | OUT_FLAG */
    uint32_t ncls, nstates;
    uint8_t cls[256];
    uint32_t *out_off;      /* [state], [state + 1]: own outputs */
    uint32_t *out_ids;      /* caller's id of each output */
    uint32_t *out_len;      /* pattern length (verify beyond AHO_DEPTH) */
    uint32_t *out_pos;      /* pattern bytes in pool */
    char *pool;
    uint32_t *out_link;     /* nearest proper suffix state with outputs (0 = none) */
};

sg_aho_builder *sg_aho_builder_new(void)
{
    return sg_calloc(1, sizeof(sg_aho_builder));
}

void sg_aho_builder_want_anchor(sg_aho_builder *b)
{
    b->want_anchor = true;
}

void sg_aho_builder_free(sg_aho_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        sg_free(b->v[i].s);
    sg_free(b->v);
    sg_free(b);
}

bool sg_aho_add(sg_aho_builder *b, const char *s, size_t len, uint32_t id)
{
    if (!len)
        return true;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        pat *v = sg_realloc(b->v, cap * sizeof *v);
        if (!v)
            return false;
        b->v = v;
        b->cap = cap;
    }
    char *c = sg_malloc(len);
    if (!c)
        return false;
    memcpy(c, s, len);
    b->v[b->n++] = (pat){c, len, id};
    b->total += len;
    return true;
}

void sg_aho_free(sg_aho *a)
{
    if (!a)
        return;
    if (a->skip)
        sg_free(a->skip->pats);
    sg_free(a->skip);
    sg_anchor_free(a->anchor);
    sg_free(a->trans);
    sg_free(a->out_off);
    sg_free(a->out_ids);
    sg_free(a->out_len);
    sg_free(a->out_pos);
    sg_free(a->pool);
    sg_free(a->out_link);
    sg_free(a);
}

size_t sg_aho_memory(const sg_aho *a)
{
    return a ? (size_t)a->nstates * a->ncls * 4 + (size_t)a->nstates * 8 +
                   (a->skip ? sizeof(skip) + a->skip->npats * sizeof(skip_pat) : 0) +
                   sg_anchor_memory(a->anchor)
             : 0;
}

static int cmp_skip_pat(const void *x, const void *y)
{
    const skip_pat *a = x, *b = y;
    return a->block != b->block ? (a->block < b->block ? -1 : 1) : (a->id > b->id) - (a->id < b->id);
}

static void skip_set(skip *k, unsigned char a, unsigned char b, uint32_t sh)
{
    /* every case variant of the block, so the scan reads raw bytes */
    unsigned char av[2] = {a, a}, bv[2] = {b, b};
    if (a >= 'a' && a <= 'z')
        av[1] = (unsigned char)(a - 32);
    if (b >= 'a' && b <= 'z')
        bv[1] = (unsigned char)(b - 32);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            uint8_t *e = &k->shift[skip_hash(av[i], bv[j])];
            if (sh < *e)
                *e = (uint8_t)sh;
        }
}

/* The skip table, when the patterns suit it (see SKIP_MIN); patterns are
 * folded, their bytes are in a->pool at out_pos (same order as b->v). */
static bool skip_build(sg_aho *a, const sg_aho_builder *b, const uint32_t *pool_pos)
{
    if (!b->n || b->n > SKIP_MAX_PATS)
        return true;
    size_t m = SIZE_MAX;
    for (size_t i = 0; i < b->n; i++)
        if (b->v[i].len < m)
            m = b->v[i].len;
    if (m < SKIP_MIN)
        return true;
    if (m > 255)
        m = 255; /* shifts are bytes */
    skip *k = sg_calloc(1, sizeof *k);
    if (!k)
        return false;
    k->pats = sg_calloc(b->n, sizeof *k->pats);
    if (!k->pats) {
        sg_free(k);
        return false;
    }
    k->m = (uint32_t)m;
    memset(k->shift, (int)(m - 1), sizeof k->shift);
    for (size_t i = 0; i < b->n; i++) {
        const unsigned char *p = (const unsigned char *)a->pool + pool_pos[i];
        for (size_t j = 0; j + 1 < m; j++)
            skip_set(k, p[j], p[j + 1], (uint32_t)(m - 2 - j));
        bloom_add(k->bloom, p + m - 1);
        k->pats[i] = (skip_pat){(uint16_t)(p[m - 2] << 8 | p[m - 1]), (uint32_t)b->v[i].len,
                                b->v[i].id, a->pool + pool_pos[i]};
    }
    k->npats = (uint32_t)b->n;
    qsort(k->pats, k->npats, sizeof *k->pats, cmp_skip_pat);
    a->skip = k;
    return true;
}

size_t sg_aho_states(const sg_aho *a)
{
    return a ? a->nstates : 0;
}

const sg_anchor *sg_aho_anchor(const sg_aho *a)
{
    return a->anchor;
}

/* The anchor prefilter, when the patterns suit it (see anchor.h). */
static bool anchor_build(sg_aho *a, const sg_aho_builder *b, const uint32_t *pool_pos)
{
    enum { MAXP = 64 };
    if (!b->want_anchor || !b->n || b->n > MAXP)
        return true;
    const char *pats[MAXP];
    uint32_t lens[MAXP], ids[MAXP];
    for (size_t i = 0; i < b->n; i++) {
        pats[i] = a->pool + pool_pos[i];
        lens[i] = (uint32_t)b->v[i].len;
        ids[i] = b->v[i].id;
    }
    bool oom;
    a->anchor = sg_anchor_build(pats, lens, ids, b->n, &oom);
    return !oom;
}

sg_aho *sg_aho_build(sg_aho_builder *b)
{
    sg_aho *a = sg_calloc(1, sizeof *a);
    uint32_t *tr = NULL, *fail = NULL, *queue = NULL, *own_head = NULL, *own_next = NULL;
    uint32_t *ppos = NULL;
    if (!a)
        return NULL;
    /* Byte classes: every byte some pattern uses gets its own class;
     * the rest share class 0 (they always lead back to the root). */
    uint32_t ncls = 1;
    for (size_t i = 0; i < b->n; i++)
        for (size_t k = 0; k < b->v[i].len; k++) {
            unsigned char c = (unsigned char)b->v[i].s[k];
            if (!a->cls[c])
                a->cls[c] = (uint8_t)ncls++;
        }
    a->ncls = ncls;
    /* Patterns are case-folded: upper-case ASCII input takes the class of
     * its lower-case letter, so ASCII values need no folding pass. */
    for (int c = 'A'; c <= 'Z'; c++)
        a->cls[c] = a->cls[c + 32];
    size_t maxst = 1;
    for (size_t i = 0; i < b->n; i++)
        maxst += b->v[i].len < AHO_DEPTH ? b->v[i].len : AHO_DEPTH;
    tr = sg_calloc(maxst * ncls, sizeof *tr);
    own_head = sg_calloc(maxst, sizeof *own_head); /* pattern index + 1 */
    own_next = sg_calloc(b->n + 1, sizeof *own_next);
    if (!tr || !own_head || !own_next)
        goto fail;
    if (maxst * ncls >= OUT_FLAG)
        goto fail; /* targets must fit below the flag bit */
    uint32_t nst = 1;
    for (size_t i = 0; i < b->n; i++) {
        uint32_t s = 0;
        size_t depth = b->v[i].len < AHO_DEPTH ? b->v[i].len : AHO_DEPTH;
        for (size_t k = 0; k < depth; k++) {
            uint32_t c = a->cls[(unsigned char)b->v[i].s[k]];
            if (!tr[(size_t)s * ncls + c])
                tr[(size_t)s * ncls + c] = nst++;
            s = tr[(size_t)s * ncls + c];
        }
        own_next[i + 1] = own_head[s];
        own_head[s] = (uint32_t)i + 1;
    }
    fail = sg_calloc(nst, sizeof *fail);
    queue = sg_calloc(nst, sizeof *queue);
    a->out_link = sg_calloc(nst, sizeof *a->out_link);
    a->out_off = sg_calloc((size_t)nst + 1, sizeof *a->out_off);
    a->out_ids = sg_calloc(b->n + 1, sizeof *a->out_ids);
    a->out_len = sg_calloc(b->n + 1, sizeof *a->out_len);
    a->out_pos = sg_calloc(b->n + 1, sizeof *a->out_pos);
    a->pool = sg_malloc(b->total + 1);
    if (!fail || !queue || !a->out_link || !a->out_off || !a->out_ids || !a->out_len ||
        !a->out_pos || !a->pool)
        goto fail;
    size_t qh = 0, qt = 0;
    for (uint32_t c = 0; c < ncls; c++)
        if (tr[c])
            queue[qt++] = tr[c]; /* depth 1: fail to the root */
    while (qh < qt) {
        uint32_t s = queue[qh++];
        uint32_t f = fail[s];
        a->out_link[s] = own_head[f] ? f : a->out_link[f];
        for (uint32_t c = 0; c < ncls; c++) {
            uint32_t *t = &tr[(size_t)s * ncls + c];
            if (*t) {
                fail[*t] = tr[(size_t)f * ncls + c];
                queue[qt++] = *t;
            } else {
                *t = tr[(size_t)f * ncls + c];
            }
        }
    }
    /* Renumber states in BFS order (the queue's order): the shallow
     * states every scan visits share cache lines. */
    uint32_t *newid = fail; /* fail links are no longer needed */
    newid[0] = 0;
    for (size_t k = 0; k < qt; k++)
        newid[queue[k]] = (uint32_t)k + 1;

    /* Own ids, flattened per (new) state. */
    ppos = sg_calloc(b->n + 1, sizeof *ppos);
    if (!ppos)
        goto fail;
    uint32_t k = 0, pos = 0;
    for (uint32_t ns = 0; ns < nst; ns++) {
        uint32_t s = ns == 0 ? 0 : queue[ns - 1];
        a->out_off[ns] = k;
        for (uint32_t p = own_head[s]; p; p = own_next[p]) {
            const pat *x = &b->v[p - 1];
            a->out_ids[k] = x->id;
            a->out_len[k] = (uint32_t)x->len;
            a->out_pos[k] = pos;
            ppos[p - 1] = pos;
            memcpy(a->pool + pos, x->s, x->len);
            pos += (uint32_t)x->len;
            k++;
        }
    }
    a->out_off[nst] = k;
    if (!skip_build(a, b, ppos) || !anchor_build(a, b, ppos))
        goto fail;
    uint32_t *link = sg_malloc((size_t)nst * sizeof *link);
    a->trans = sg_malloc((size_t)nst * ncls * sizeof *a->trans);
    if (!link || !a->trans) {
        sg_free(link);
        goto fail;
    }
    for (uint32_t ns = 0; ns < nst; ns++) {
        uint32_t s = ns == 0 ? 0 : queue[ns - 1];
        link[ns] = a->out_link[s] ? newid[a->out_link[s]] : 0;
        for (uint32_t c = 0; c < ncls; c++) {
            uint32_t t = tr[(size_t)s * ncls + c];
            bool out = own_head[t] || a->out_link[t];
            a->trans[(size_t)ns * ncls + c] = newid[t] * ncls | (out ? OUT_FLAG : 0);
        }
    }
    sg_free(a->out_link);
    a->out_link = link;
    a->nstates = nst;
    sg_free(tr);
    sg_free(fail);
    sg_free(queue);
    sg_free(own_head);
    sg_free(own_next);
    sg_free(ppos);
    return a;
fail:
    sg_free(tr);
    sg_free(fail);
    sg_free(queue);
    sg_free(own_head);
    sg_free(own_next);
    sg_free(ppos);
    sg_aho_free(a);
    return NULL;
}

/* A prefix ended at s[i]: report its patterns whose rest follows. */
/* Out of line: the scan loop stays small. */
__attribute__((noinline)) static void report(const sg_aho *a, uint32_t st,
                                             const unsigned char *s, size_t i, size_t n,
                                             sg_aho_hit_fn hit, void *ctx)
{
    for (; st; st = a->out_link[st])
        for (uint32_t k = a->out_off[st]; k < a->out_off[st + 1]; k++) {
            uint32_t len = a->out_len[k];
            if (len > AHO_DEPTH) {
                size_t start = i + 1 - AHO_DEPTH;
                if (start + len > n)
                    continue;
                const unsigned char *pb = (const unsigned char *)a->pool + a->out_pos[k];
                size_t j = AHO_DEPTH;
                while (j < len && sg_lower_table[s[start + j]] == pb[j])
                    j++;
                if (j < len)
                    continue;
            }
            hit(ctx, a->out_ids[k]);
        }
}

/* The window ending at p[i] ends with a block some pattern's prefix ends
 * with: verify those patterns there. Out of line, like report(). */
__attribute__((noinline)) static void skip_verify(const skip *k, const unsigned char *p,
                                                  size_t i, size_t n, sg_aho_hit_fn hit,
                                                  void *ctx)
{
    uint16_t blk = (uint16_t)(sg_lower_table[p[i - 1]] << 8 | sg_lower_table[p[i]]);
    uint32_t lo = 0, hi = k->npats;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (k->pats[mid].block < blk)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t start = i + 1 - k->m;
    for (; lo < k->npats && k->pats[lo].block == blk; lo++) {
        const skip_pat *x = &k->pats[lo];
        if (start + x->len > n)
            continue;
        const unsigned char *q = (const unsigned char *)x->s;
        size_t j = 0;
        while (j < x->len && sg_lower_table[p[start + j]] == q[j])
            j++;
        if (j == x->len)
            hit(ctx, x->id);
    }
}

static void skip_scan(const skip *k, const unsigned char *p, size_t n, sg_aho_hit_fn hit,
                      void *ctx)
{
    const uint8_t *sh = k->shift;
    for (size_t i = k->m - 1; i < n;) {
        uint32_t d = sh[skip_hash(p[i - 1], p[i])];
        if (d) {
            i += d;
            continue;
        }
        if (bloom_has(k->bloom, p + i))
            skip_verify(k, p, i, n, hit, ctx);
        i++;
    }
}

/* One occurrence step of the DFA scan below: report the outputs of
 * state st (flagged) ending at p[i]. Returns true when `found` stopped. */
static inline bool step_out(const sg_aho *a, uint32_t st, const unsigned char *p, size_t i,
                            size_t n, sg_aho_hit_fn hit, sg_aho_found_fn found, void *ctx);

/* The DFA is a chain of dependent loads (each state comes from the last),
 * so one pass runs at the load latency, not at the core's width. A long
 * text is cut into CHAINS segments scanned in lockstep, each from the
 * root: segment k covers the occurrences that start in it, so it runs on
 * AHO_DEPTH - 1 bytes into the next one (the automaton sees prefixes of at
 * most AHO_DEPTH bytes). An occurrence in an overlap may be reported
 * twice, which sg_aho_scan allows. */
#define CHAINS 4
#define CHAIN4_MIN 48 /* shorter texts: two chains */
#define CHAIN2_MIN 16 /* shorter texts: one chain */

static bool dfa_run(const sg_aho *a, const unsigned char *p, size_t n, sg_aho_hit_fn hit,
                    sg_aho_found_fn found, void *ctx)
{
    const uint32_t *T = a->trans;
    const uint8_t *cls = a->cls;
    size_t from[CHAINS], end[CHAINS], nch = n >= CHAIN4_MIN ? CHAINS : n >= CHAIN2_MIN ? 2 : 1;
    size_t q = n / nch;
    for (size_t k = 0; k < nch; k++) {
        from[k] = k * q;
        end[k] = k + 1 == nch ? n : (k + 1) * q + AHO_DEPTH - 1;
    }
    uint32_t st[CHAINS] = {0};
    size_t i = 0;
    if (nch == CHAINS) {
        /* all chains have at least end[0] - from[0] bytes (the last has
         * q + n % CHAINS, maybe fewer than the overlap adds) */
        size_t steps = end[0] - from[0];
        if (end[CHAINS - 1] - from[CHAINS - 1] < steps)
            steps = end[CHAINS - 1] - from[CHAINS - 1];
        const unsigned char *p0 = p + from[0], *p1 = p + from[1], *p2 = p + from[2],
                            *p3 = p + from[3];
        uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (; i < steps; i++) {
            s0 = T[s0 + cls[p0[i]]];
            s1 = T[s1 + cls[p1[i]]];
            s2 = T[s2 + cls[p2[i]]];
            s3 = T[s3 + cls[p3[i]]];
            if (__builtin_expect(((s0 | s1 | s2 | s3) & OUT_FLAG) != 0, 0)) {
                if ((s0 & OUT_FLAG) && step_out(a, s0 &= ~OUT_FLAG, p, from[0] + i, n, hit, found, ctx))
                    return true;
                if ((s1 & OUT_FLAG) && step_out(a, s1 &= ~OUT_FLAG, p, from[1] + i, n, hit, found, ctx))
                    return true;
                if ((s2 & OUT_FLAG) && step_out(a, s2 &= ~OUT_FLAG, p, from[2] + i, n, hit, found, ctx))
                    return true;
                if ((s3 & OUT_FLAG) && step_out(a, s3 &= ~OUT_FLAG, p, from[3] + i, n, hit, found, ctx))
                    return true;
            }
        }
        st[0] = s0, st[1] = s1, st[2] = s2, st[3] = s3;
    } else if (nch == 2) {
        size_t steps = end[1] - from[1] < end[0] - from[0] ? end[1] - from[1] : end[0] - from[0];
        const unsigned char *p0 = p + from[0], *p1 = p + from[1];
        uint32_t s0 = 0, s1 = 0;
        for (; i < steps; i++) {
            s0 = T[s0 + cls[p0[i]]];
            s1 = T[s1 + cls[p1[i]]];
            if (__builtin_expect(((s0 | s1) & OUT_FLAG) != 0, 0)) {
                if ((s0 & OUT_FLAG) && step_out(a, s0 &= ~OUT_FLAG, p, from[0] + i, n, hit, found, ctx))
                    return true;
                if ((s1 & OUT_FLAG) && step_out(a, s1 &= ~OUT_FLAG, p, from[1] + i, n, hit, found, ctx))
                    return true;
            }
        }
        st[0] = s0, st[1] = s1;
    }
    /* the rest of each chain alone */
    for (size_t k = 0; k < nch; k++) {
        uint32_t x = st[k];
        for (size_t j = from[k] + i; j < end[k]; j++) {
            x = T[x + cls[p[j]]];
            if (x & OUT_FLAG) {
                x &= ~OUT_FLAG;
                if (step_out(a, x, p, j, n, hit, found, ctx))
                    return true;
            }
        }
    }
    return false;
}

void sg_aho_scan(const sg_aho *a, const char *s, size_t n, sg_aho_hit_fn hit, void *ctx)
{
    const unsigned char *p = (const unsigned char *)s;
    if (a->anchor && n >= ANCHOR_MIN_TEXT && sg_anchor_usable()) {
        sg_anchor_scan(a->anchor, s, n, hit, ctx);
        return;
    }
    if (a->skip) {
        skip_scan(a->skip, p, n, hit, ctx);
        return;
    }
    dfa_run(a, p, n, hit, NULL, ctx);
}

/* ---- finding with positions (string sets) ------------------------------------- */

__attribute__((noinline)) static bool report_find(const sg_aho *a, uint32_t st,
                                                  const unsigned char *s, size_t i, size_t n,
                                                  sg_aho_found_fn found, void *ctx)
{
    for (; st; st = a->out_link[st])
        for (uint32_t k = a->out_off[st]; k < a->out_off[st + 1]; k++) {
            uint32_t len = a->out_len[k];
            size_t start = i + 1 - (len < AHO_DEPTH ? len : AHO_DEPTH);
            if (len > AHO_DEPTH) {
                if (start + len > n)
                    continue;
                const unsigned char *pb = (const unsigned char *)a->pool + a->out_pos[k];
                size_t j = AHO_DEPTH;
                while (j < len && sg_lower_table[s[start + j]] == pb[j])
                    j++;
                if (j < len)
                    continue;
            }
            if (found(ctx, a->out_ids[k], start))
                return true;
        }
    return false;
}

static bool skip_find(const skip *k, const unsigned char *p, size_t n, sg_aho_found_fn found,
                      void *ctx)
{
    const uint8_t *sh = k->shift;
    for (size_t i = k->m - 1; i < n;) {
        uint32_t d = sh[skip_hash(p[i - 1], p[i])];
        if (d) {
            i += d;
            continue;
        }
        if (!bloom_has(k->bloom, p + i)) {
            i++;
            continue;
        }
        uint16_t blk = (uint16_t)(sg_lower_table[p[i - 1]] << 8 | sg_lower_table[p[i]]);
        size_t start = i + 1 - k->m;
        for (uint32_t x = 0; x < k->npats; x++) {
            const skip_pat *q = &k->pats[x];
            if (q->block != blk || start + q->len > n)
                continue;
            size_t j = 0;
            while (j < q->len && sg_lower_table[p[start + j]] == (unsigned char)q->s[j])
                j++;
            if (j == q->len && found(ctx, q->id, start))
                return true;
        }
        i++;
    }
    return false;
}

bool sg_aho_find(const sg_aho *a, const char *s, size_t n, sg_aho_found_fn found, void *ctx)
{
    const unsigned char *p = (const unsigned char *)s;
    if (a->skip)
        return skip_find(a->skip, p, n, found, ctx);
    return dfa_run(a, p, n, NULL, found, ctx);
}

static inline bool step_out(const sg_aho *a, uint32_t st, const unsigned char *p, size_t i,
                            size_t n, sg_aho_hit_fn hit, sg_aho_found_fn found, void *ctx)
{
    if (hit) {
        report(a, st / a->ncls, p, i, n, hit, ctx);
        return false;
    }
    return report_find(a, st / a->ncls, p, i, n, found, ctx);
}
