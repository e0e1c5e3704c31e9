/* aho.c - Aho-Corasick DFA with byte classes (see aho.h). */
#include "aho.h"
#include "fold.h"
#include "xalloc.h"

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
};

/* Only the first AHO_DEPTH bytes of a pattern go into the automaton: the
 * DFA stays small enough for the cache, and a longer pattern is verified
 * with a comparison when its prefix is seen (like YARA's atoms). */
#define AHO_DEPTH 6

struct sg_aho {
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
    return a ? (size_t)a->nstates * a->ncls * 4 + (size_t)a->nstates * 8 : 0;
}

size_t sg_aho_states(const sg_aho *a)
{
    return a ? a->nstates : 0;
}

sg_aho *sg_aho_build(sg_aho_builder *b)
{
    sg_aho *a = sg_calloc(1, sizeof *a);
    uint32_t *tr = NULL, *fail = NULL, *queue = NULL, *own_head = NULL, *own_next = NULL;
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
    uint32_t k = 0, pos = 0;
    for (uint32_t ns = 0; ns < nst; ns++) {
        uint32_t s = ns == 0 ? 0 : queue[ns - 1];
        a->out_off[ns] = k;
        for (uint32_t p = own_head[s]; p; p = own_next[p]) {
            const pat *x = &b->v[p - 1];
            a->out_ids[k] = x->id;
            a->out_len[k] = (uint32_t)x->len;
            a->out_pos[k] = pos;
            memcpy(a->pool + pos, x->s, x->len);
            pos += (uint32_t)x->len;
            k++;
        }
    }
    a->out_off[nst] = k;
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
    return a;
fail:
    sg_free(tr);
    sg_free(fail);
    sg_free(queue);
    sg_free(own_head);
    sg_free(own_next);
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

void sg_aho_scan(const sg_aho *a, const char *s, size_t n, sg_aho_hit_fn hit, void *ctx)
{
    const unsigned char *p = (const unsigned char *)s;
    const uint32_t *T = a->trans;
    const uint8_t *cls = a->cls;
    uint32_t st = 0;
    for (size_t i = 0; i < n; i++) {
        st = T[st + cls[p[i]]];
        if (st & OUT_FLAG) {
            st &= ~OUT_FLAG;
            report(a, st / a->ncls, p, i, n, hit, ctx);
        }
    }
}
