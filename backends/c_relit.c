/* c_relit.c - the literals a regex needs (see c_regex.h): for the
 * generated prefilter (c_atoms.c), a set of ASCII literals, lower-cased,
 * one of which occurs in every string the pattern matches. */
#include "c_regex.h"
#include "c_regex_int.h"

#include <string.h>

typedef struct lctx {
    sg_arena *a;
    bool oom;
} lctx;

static void lit_oom(lctx *p)
{
    p->oom = true;
}

#define LIT_MAX 64  /* bytes kept of one literal */
#define LITS_MAX 64 /* literals in one set */

typedef struct lits {
    const char **s;
    size_t *len;
    size_t n; /* 0: no such set */
} lits;

typedef struct linfo {
    bool exact; /* the node matches exactly the string ex[0..exlen) */
    char *ex;
    size_t exlen;
    lits need;
} linfo;

static int lower_ascii(uint32_t c)
{
    return c >= 'A' && c <= 'Z' ? (int)(c + 32) : (int)c;
}

/* The node as one literal character, lower-cased: its ASCII members are
 * one character, or a letter in its two cases; -1 otherwise. Non-ASCII
 * members do not count (/s/i also takes U+017F): the prefilter looks up
 * literals only in ASCII values, where they cannot occur. */
static int lit_char(node *x)
{
    int c = -1;
    for (size_t i = 0; i < x->set.n; i++)
        for (uint32_t cp = x->set.r[2 * i]; cp <= x->set.r[2 * i + 1] && cp < 0x80; cp++) {
            if (c >= 0 && lower_ascii(cp) != c)
                return -1;
            c = lower_ascii(cp);
        }
    return c;
}

static size_t lits_min(const lits *l)
{
    size_t m = SIZE_MAX;
    for (size_t i = 0; i < l->n; i++)
        m = l->len[i] < m ? l->len[i] : m;
    return l->n ? m : 0;
}

/* Fewer, longer literals filter better. */
static bool lits_better(const lits *a, const lits *b)
{
    size_t ma = lits_min(a), mb = lits_min(b);
    return a->n && (!b->n || ma > mb || (ma == mb && a->n < b->n));
}

static bool lits_one(lctx *p, lits *l, const char *s, size_t n)
{
    l->s = sg_arena_alloc(p->a, sizeof *l->s);
    l->len = sg_arena_alloc(p->a, sizeof *l->len);
    char *c = sg_arena_strndup(p->a, s, n);
    if (!l->s || !l->len || !c)
        return lit_oom(p), false;
    l->s[0] = c;
    l->len[0] = n;
    l->n = 1;
    return true;
}

/* A run of exact pieces ends: keep it if it is the best so far. */
static bool lits_offer_run(lctx *p, lits *best, const char *run, size_t n)
{
    lits l = {NULL, NULL, 0};
    if (!n)
        return true;
    if (!lits_one(p, &l, run, n))
        return false;
    if (lits_better(&l, best))
        *best = l;
    return true;
}

static linfo analyze(lctx *p, node *x);

static linfo cat_info(lctx *p, node *x)
{
    linfo r = {true, NULL, 0, {NULL, NULL, 0}};
    char *run = sg_arena_alloc(p->a, LIT_MAX);
    size_t rn = 0;
    if (!run)
        return lit_oom(p), r;
    for (size_t i = 0; i < x->nkids && !p->oom; i++) {
        linfo k = analyze(p, x->kids[i]);
        if (k.exact && rn + k.exlen <= LIT_MAX) {
            if (k.exlen) /* zero width: k.ex is NULL */
                memcpy(run + rn, k.ex, k.exlen);
            rn += k.exlen;
            continue;
        }
        /* the run is a necessary literal, and so is what breaks it */
        r.exact = false;
        if (!lits_offer_run(p, &r.need, run, rn))
            return r;
        rn = 0;
        if (k.exact) { /* too long for one run: start again with it */
            size_t n = k.exlen < LIT_MAX ? k.exlen : LIT_MAX;
            memcpy(run, k.ex, n);
            rn = n;
        } else if (lits_better(&k.need, &r.need)) {
            r.need = k.need;
        }
    }
    if (r.exact) {
        r.ex = run;
        r.exlen = rn;
    }
    lits_offer_run(p, &r.need, run, rn);
    return r;
}

static linfo alt_info(lctx *p, node *x)
{
    linfo r = {x->nkids == 1, NULL, 0, {NULL, NULL, 0}};
    lits u = {NULL, NULL, 0};
    size_t cap = 0;
    for (size_t i = 0; i < x->nkids && !p->oom; i++) {
        linfo k = analyze(p, x->kids[i]);
        if (x->nkids == 1)
            return k;
        lits l = k.need;
        if (k.exact && !(k.exlen && lits_one(p, &l, k.ex, k.exlen)))
            return r; /* an empty alternative: no literal is needed */
        if (!l.n || u.n + l.n > LITS_MAX)
            return r;
        if (u.n + l.n > cap) {
            cap = LITS_MAX;
            const char **s = sg_arena_grow(p->a, u.s, u.n, cap, sizeof *s);
            size_t *len = sg_arena_grow(p->a, u.len, u.n, cap, sizeof *len);
            if (!s || !len)
                return lit_oom(p), r;
            u.s = s;
            u.len = len;
        }
        memcpy(u.s + u.n, l.s, l.n * sizeof *l.s);
        memcpy(u.len + u.n, l.len, l.n * sizeof *l.len);
        u.n += l.n;
    }
    r.need = u;
    return r;
}

static linfo rep_info(lctx *p, node *x)
{
    linfo r = {false, NULL, 0, {NULL, NULL, 0}};
    linfo k = analyze(p, x->kids[0]);
    if (k.exact && k.exlen == 0) /* (?:)*, \b+: still nothing */
        return k;
    if (x->min == 0 || p->oom)
        return r;
    r.need = k.need;
    if (k.exact && !lits_one(p, &r.need, k.ex, k.exlen))
        return r;
    if (k.exact && x->min == x->max && (uint64_t)k.exlen * x->min <= LIT_MAX) {
        r.exact = true;
        r.exlen = k.exlen * x->min;
        if (!(r.ex = sg_arena_alloc(p->a, r.exlen ? r.exlen : 1)))
            return lit_oom(p), r;
        for (uint32_t i = 0; i < x->min; i++)
            memcpy(r.ex + i * k.exlen, k.ex, k.exlen);
    }
    return r;
}

static linfo analyze(lctx *p, node *x)
{
    linfo r = {false, NULL, 0, {NULL, NULL, 0}};
    switch (x->kind) {
    case N_SET: {
        int c = lit_char(x);
        if (c >= 0 && (r.ex = sg_arena_alloc(p->a, 1)) != NULL) {
            r.ex[0] = (char)c;
            r.exact = true;
            r.exlen = 1;
        } else if (c >= 0) {
            lit_oom(p);
        }
        return r;
    }
    case N_ASSERT:
    case N_EMPTY:
        r.exact = true; /* zero width: the pieces around it are adjacent */
        return r;
    case N_CAT:
        return cat_info(p, x);
    case N_ALT:
        return alt_info(p, x);
    case N_REP:
        return rep_info(p, x);
    }
    return r;
}

sigma_status sg_cre_literals(sg_arena *a, const char *re, size_t n, unsigned flags,
                             const char ***lit, size_t **len, size_t *nlit)
{
    lctx p = {a, false};
    *nlit = 0;
    node *root = sg_cre_parse(a, re, n, flags, &p.oom);
    if (!root)
        return p.oom ? SIGMA_ENOMEM : SIGMA_OK; /* sg_cre_emit says why */
    linfo r = analyze(&p, root);
    if (p.oom)
        return SIGMA_ENOMEM;
    lits l = r.need;
    if (r.exact && r.exlen && !lits_one(&p, &l, r.ex, r.exlen))
        return SIGMA_ENOMEM;
    *lit = l.s;
    *len = l.len;
    *nlit = l.n;
    return SIGMA_OK;
}
