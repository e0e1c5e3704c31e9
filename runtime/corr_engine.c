/* corr_engine.c - sliding windows per group key (see corr_engine.h).
 *
 * Per correlation: a hash table of groups (open addressing, backward-shift
 * deletion) and a list of its groups by last update, oldest first. Events
 * come in time order, so that list is also the expiry order, and its heads
 * are the eviction candidates. A counting group keeps its window as a ring
 * of entries with running aggregates (count, per-input counts, distinct
 * values, sum); a temporal_ordered group keeps, per step, the latest start
 * of a chain that reached it. */
#include "corr_engine.h"
#include "xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_TIME INT64_MIN

/* ---- small helpers --------------------------------------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

size_t sg_ce_key_put(char *dst, const char *v, uint32_t len)
{
    dst[0] = (char)(len & 0xff);
    dst[1] = (char)((len >> 8) & 0xff);
    dst[2] = (char)((len >> 16) & 0xff);
    dst[3] = (char)((len >> 24) & 0xff);
    if (len)
        memcpy(dst + 4, v, len);
    return 4 + (size_t)len;
}

bool sg_ce_key_get(const char *key, size_t keylen, size_t i, const char **v, uint32_t *len)
{
    size_t off = 0;
    for (size_t k = 0;; k++) {
        if (off + 4 > keylen)
            return false;
        const unsigned char *p = (const unsigned char *)key + off;
        uint32_t n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                     (uint32_t)p[3] << 24;
        if (off + 4 + n > keylen)
            return false;
        if (k == i) {
            *v = key + off + 4;
            *len = n;
            return true;
        }
        off += 4 + n;
    }
}

void sg_ce_limits_default(sg_ce_limits *l)
{
    l->max_groups = 1000000;
    l->max_window = 100000;
    l->max_entries = 10000000;
    l->max_reorder = 1000000;
    l->max_memory = (size_t)1 << 30;
    l->reorder = 0;
    l->suppress = true;
}

/* ---- data ------------------------------------------------------------------------ */

/* A distinct value of a value_count window, shared by its entries. */
typedef struct ce_vnode {
    uint64_t hash;
    uint32_t count, len;
    char s[];
} ce_vnode;

typedef struct ce_vset {
    ce_vnode **slots;
    uint32_t cap, n;
    size_t bytes; /* of the nodes */
} ce_vset;

typedef struct ce_entry {
    int64_t t;
    sg_ce_ref ref;
    double num;
    ce_vnode *v;
    uint32_t input;
} ce_entry;

typedef struct ce_group {
    struct ce_group *prev, *next; /* by last update, in its correlation */
    uint64_t hash;
    int64_t last_t, last_alert;
    uint64_t fired_seq;
    uint32_t corr, keylen;
    /* counting types */
    ce_entry *ring;
    uint32_t head, size, cap;
    long double sum;
    uint32_t *cnt; /* temporal: entries per input */
    uint32_t ndistinct;
    ce_vset vs;
    double *sorted; /* percentiles: the window's numbers in order */
    uint32_t nsorted, capsorted;
    /* temporal_ordered: start[n], chain[n * n] (row p: the events of steps 0..p) */
    int64_t *start;
    sg_ce_ref *chain;
    char key[];
} ce_group;

/* A table slot keeps the hash, so a probe that misses does not touch the
 * group (a cache miss each). */
typedef struct gslot {
    uint64_t hash;
    ce_group *g; /* NULL: empty */
} gslot;

typedef struct ce_corr {
    const sg_ce_def *def;
    gslot *slots;
    size_t cap, n;
    ce_group *oldest, *newest;
} ce_corr;

typedef struct ce_held {
    int64_t t;
    uint64_t arrival;
    sg_ce_ref ref;
    size_t nhits;
    sg_ce_hit *hits;
} ce_held;

/* A hit produced by a firing, for a parent correlation, during this event;
 * its key lives in pkeys at koff (the buffer may move). */
typedef struct ce_pend {
    uint32_t corr, input;
    size_t koff, klen;
    int64_t t;
    sg_ce_ref ref;
} ce_pend;

struct sg_ce {
    const sg_ce_def *defs;
    size_t ndefs;
    ce_corr *corrs;
    sg_ce_limits lim;
    sg_ce_stats st;
    uint64_t seq;
    bool released_any;
    int64_t watermark, max_seen;
    /* reorder heap */
    ce_held **heap;
    size_t nheap, capheap;
    uint64_t arrival;
    /* scratch */
    sg_ce_ref *refs;
    size_t caprefs;
    sg_ce_hit *work;
    size_t capwork;
    ce_pend *pend;
    size_t npend, cappend;
    char *pkeys;
    size_t npkeys, cappkeys;
    bool oom;
};

static bool reserve(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = sg_realloc(*p, c * elem);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* ---- distinct values --------------------------------------------------------------- */

static ce_vnode *vset_add(ce_vset *s, const char *v, size_t len)
{
    if ((s->n + 1) * 2 > s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 8;
        ce_vnode **slots = sg_calloc(cap, sizeof *slots);
        if (!slots)
            return NULL;
        for (uint32_t i = 0; i < s->cap; i++) {
            ce_vnode *x = s->slots[i];
            if (!x)
                continue;
            uint32_t j = (uint32_t)x->hash & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = x;
        }
        sg_free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    uint64_t h = hash_bytes(v, len);
    uint32_t mask = s->cap - 1, i = (uint32_t)h & mask;
    for (; s->slots[i]; i = (i + 1) & mask) {
        ce_vnode *x = s->slots[i];
        if (x->hash == h && x->len == len && memcmp(x->s, v, len) == 0) {
            x->count++;
            return x;
        }
    }
    ce_vnode *x = sg_malloc(sizeof *x + (len ? len : 1));
    if (!x)
        return NULL;
    x->hash = h;
    x->count = 1;
    x->len = (uint32_t)len;
    if (len)
        memcpy(x->s, v, len);
    s->slots[i] = x;
    s->n++;
    s->bytes += sizeof *x + (len ? len : 1);
    return x;
}

/* Backward-shift deletion of slot i from a linear-probing table. */
#define SHIFT_DELETE(slots, mask, i, hashof)                                                   \
    do {                                                                                       \
        size_t i_ = (i), j_ = (i);                                                             \
        (slots)[i_] = NULL;                                                                    \
        for (;;) {                                                                             \
            j_ = (j_ + 1) & (mask);                                                            \
            if (!(slots)[j_])                                                                  \
                break;                                                                         \
            size_t k_ = (size_t)(hashof((slots)[j_])) & (mask);                                \
            bool stay_ = i_ <= j_ ? (i_ < k_ && k_ <= j_) : (i_ < k_ || k_ <= j_);             \
            if (!stay_) {                                                                      \
                (slots)[i_] = (slots)[j_];                                                     \
                (slots)[j_] = NULL;                                                            \
                i_ = j_;                                                                       \
            }                                                                                  \
        }                                                                                      \
    } while (0)

#define VHASH(x) ((x)->hash)

static void vset_release(ce_vset *s, ce_vnode *x)
{
    if (--x->count)
        return;
    uint32_t mask = s->cap - 1, i = (uint32_t)x->hash & mask;
    while (s->slots[i] != x)
        i = (i + 1) & mask;
    SHIFT_DELETE(s->slots, (size_t)mask, (size_t)i, VHASH);
    s->n--;
    s->bytes -= sizeof *x + (x->len ? x->len : 1);
    sg_free(x);
}

static void vset_free(ce_vset *s)
{
    for (uint32_t i = 0; i < s->cap; i++)
        sg_free(s->slots[i]);
    sg_free(s->slots);
    s->slots = NULL;
    s->cap = s->n = 0;
    s->bytes = 0;
}

/* ---- groups ------------------------------------------------------------------------- */

static bool is_ordered(const sg_ce_def *d)
{
    return d->type == SG_CORR_TEMPORAL_ORDERED;
}

static void lru_unlink(ce_corr *c, ce_group *g)
{
    if (g->prev)
        g->prev->next = g->next;
    else
        c->oldest = g->next;
    if (g->next)
        g->next->prev = g->prev;
    else
        c->newest = g->prev;
    g->prev = g->next = NULL;
}

static void lru_append(ce_corr *c, ce_group *g)
{
    g->prev = c->newest;
    g->next = NULL;
    if (c->newest)
        c->newest->next = g;
    else
        c->oldest = g;
    c->newest = g;
}

static void touch(ce_corr *c, ce_group *g, int64_t t)
{
    g->last_t = t;
    if (c->newest != g) {
        lru_unlink(c, g);
        lru_append(c, g);
    }
}

/* The heap bytes of group g (max_memory counts these). */
static size_t group_bytes(const sg_ce_def *d, const ce_group *g)
{
    size_t n = d->ninputs;
    size_t b = sizeof *g + (g->keylen ? g->keylen : 1) + (size_t)g->cap * sizeof *g->ring +
               (size_t)g->capsorted * sizeof *g->sorted + (size_t)g->vs.cap * sizeof *g->vs.slots +
               g->vs.bytes;
    if (g->start)
        b += n * sizeof *g->start + n * n * sizeof *g->chain;
    if (g->cnt)
        b += n * sizeof *g->cnt;
    return b;
}

/* Free group g of correlation c (counted by the caller as expired or
 * evicted). */
static void group_drop(sg_ce *e, ce_corr *c, ce_group *g, bool evicted)
{
    e->st.live_bytes -= group_bytes(c->def, g);
    size_t mask = c->cap - 1, i = g->hash & mask;
    while (c->slots[i].g != g)
        i = (i + 1) & mask;
    /* backward-shift deletion */
    c->slots[i].g = NULL;
    for (size_t j = i;;) {
        j = (j + 1) & mask;
        if (!c->slots[j].g)
            break;
        size_t k = c->slots[j].hash & mask;
        bool stay = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stay) {
            c->slots[i] = c->slots[j];
            c->slots[j].g = NULL;
            i = j;
        }
    }
    c->n--;
    lru_unlink(c, g);
    e->st.live_entries -= g->size;
    if (evicted) {
        e->st.groups_evicted++;
        e->st.entries_evicted += g->size;
    } else {
        e->st.groups_expired++;
    }
    e->st.live_groups--;
    vset_free(&g->vs);
    sg_free(g->sorted);
    sg_free(g->ring);
    sg_free(g->cnt);
    sg_free(g->start);
    sg_free(g->chain);
    sg_free(g);
}

/* Evict the least recently updated group of all correlations, except
 * `keep`. False when there is none. */
static bool evict_oldest(sg_ce *e, const ce_group *keep)
{
    ce_corr *best = NULL;
    ce_group *bg = NULL;
    for (size_t i = 0; i < e->ndefs; i++) {
        ce_group *g = e->corrs[i].oldest;
        if (g && g == keep)
            g = g->next;
        if (g && (!bg || g->last_t < bg->last_t)) {
            bg = g;
            best = &e->corrs[i];
        }
    }
    if (!bg)
        return false;
    group_drop(e, best, bg, true);
    return true;
}

static ce_group *group_find(ce_corr *c, const char *key, size_t len, uint64_t h)
{
    if (!c->cap)
        return NULL;
    size_t mask = c->cap - 1;
    for (size_t i = h & mask; c->slots[i].g; i = (i + 1) & mask) {
        if (c->slots[i].hash != h)
            continue;
        ce_group *g = c->slots[i].g;
        if (g->keylen == len && memcmp(g->key, key, len) == 0)
            return g;
    }
    return NULL;
}

static bool table_insert(ce_corr *c, ce_group *g)
{
    if ((c->n + 1) * 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        gslot *slots = sg_calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->slots[i].g)
                continue;
            size_t j = c->slots[i].hash & (cap - 1);
            while (slots[j].g)
                j = (j + 1) & (cap - 1);
            slots[j] = c->slots[i];
        }
        sg_free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    size_t mask = c->cap - 1, i = g->hash & mask;
    while (c->slots[i].g)
        i = (i + 1) & mask;
    c->slots[i] = (gslot){g->hash, g};
    c->n++;
    return true;
}

static ce_group *group_new(sg_ce *e, uint32_t ci, const char *key, size_t len, uint64_t h,
                           int64_t t)
{
    ce_corr *c = &e->corrs[ci];
    const sg_ce_def *d = c->def;
    while (e->st.live_groups >= e->lim.max_groups && evict_oldest(e, NULL))
        e->st.groups_limit++;
    ce_group *g = sg_calloc(1, sizeof *g + (len ? len : 1));
    if (!g)
        return NULL;
    g->hash = h;
    g->keylen = (uint32_t)len;
    g->corr = ci;
    g->last_t = t;
    g->last_alert = NO_TIME;
    if (len)
        memcpy(g->key, key, len);
    size_t n = d->ninputs;
    if (is_ordered(d)) {
        g->start = sg_malloc(n * sizeof *g->start);
        g->chain = sg_calloc(n * n, sizeof *g->chain);
        if (!g->start || !g->chain)
            goto oom;
        for (size_t i = 0; i < n; i++)
            g->start[i] = NO_TIME;
    } else if (d->type == SG_CORR_TEMPORAL) {
        if (!(g->cnt = sg_calloc(n, sizeof *g->cnt)))
            goto oom;
    }
    if (!table_insert(c, g))
        goto oom;
    lru_append(c, g);
    e->st.groups_created++;
    if (++e->st.live_groups > e->st.peak_groups)
        e->st.peak_groups = e->st.live_groups;
    return g;
oom:
    sg_free(g->start);
    sg_free(g->chain);
    sg_free(g->cnt);
    sg_free(g);
    return NULL;
}

/* ---- windows ------------------------------------------------------------------------ */

static ce_entry *ring_at(const ce_group *g, uint32_t k)
{
    return &g->ring[(g->head + k) & (g->cap - 1)];
}

/* Percentiles: the window's numbers kept sorted (binary search and a
 * move per entry), so each event reads its percentile directly instead of
 * sorting the window. */
static size_t lower_bound(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool sorted_insert(ce_group *g, double x)
{
    if (g->nsorted == g->capsorted) {
        uint32_t cap = g->capsorted ? g->capsorted * 2 : 8;
        double *p = sg_realloc(g->sorted, cap * sizeof *p);
        if (!p)
            return false;
        g->sorted = p;
        g->capsorted = cap;
    }
    size_t i = lower_bound(g->sorted, g->nsorted, x);
    memmove(g->sorted + i + 1, g->sorted + i, (g->nsorted - i) * sizeof *g->sorted);
    g->sorted[i] = x;
    g->nsorted++;
    return true;
}

static void sorted_remove(ce_group *g, double x)
{
    size_t i = lower_bound(g->sorted, g->nsorted, x);
    if (i < g->nsorted && g->sorted[i] == x) {
        memmove(g->sorted + i, g->sorted + i + 1, (g->nsorted - i - 1) * sizeof *g->sorted);
        g->nsorted--;
    }
}

static void entry_remove_front(sg_ce *e, ce_group *g)
{
    ce_entry *x = ring_at(g, 0);
    if (x->v)
        vset_release(&g->vs, x->v);
    if (g->cnt && --g->cnt[x->input] == 0)
        g->ndistinct--;
    g->sum -= x->num;
    if (g->sorted)
        sorted_remove(g, x->num);
    g->head = (g->head + 1) & (g->cap - 1);
    g->size--;
    e->st.live_entries--;
    if (!g->size)
        g->sum = 0; /* no drift across windows */
}

static bool ring_grow(ce_group *g)
{
    uint32_t cap = g->cap ? g->cap * 2 : 4;
    ce_entry *r = sg_malloc(cap * sizeof *r);
    if (!r)
        return false;
    for (uint32_t k = 0; k < g->size; k++)
        r[k] = *ring_at(g, k);
    sg_free(g->ring);
    g->ring = r;
    g->cap = cap;
    g->head = 0;
    return true;
}

static bool cond_holds(const sg_ce_def *d, double v)
{
    for (size_t i = 0; i < d->ncmps; i++) {
        double w = d->cmps[i].v;
        bool ok;
        switch (d->cmps[i].op) {
        case SG_CMP_GT: ok = v > w; break;
        case SG_CMP_GTE: ok = v >= w; break;
        case SG_CMP_LT: ok = v < w; break;
        case SG_CMP_LTE: ok = v <= w; break;
        case SG_CMP_EQ: ok = v == w; break;
        default: ok = v != w; break;
        }
        if (!ok)
            return false;
    }
    return true;
}

static bool expr_eval(const sg_ce_def *d, uint32_t n, const uint32_t *cnt, unsigned depth)
{
    const sg_ce_expr *x = &d->expr[n];
    if (depth > 256) /* the frontend bounds nesting far below this */
        return false;
    switch (x->kind) {
    case CE_X_INPUT:
        return x->a < d->ninputs && cnt[x->a] > 0;
    case CE_X_AND:
        return expr_eval(d, x->a, cnt, depth + 1) && expr_eval(d, x->b, cnt, depth + 1);
    case CE_X_OR:
        return expr_eval(d, x->a, cnt, depth + 1) || expr_eval(d, x->b, cnt, depth + 1);
    default:
        return !expr_eval(d, x->a, cnt, depth + 1);
    }
}

/* The aggregate of g's window. */
static bool aggregate(sg_ce *e, const sg_ce_def *d, const ce_group *g, double *out)
{
    (void)e;
    switch (d->type) {
    case SG_CORR_EVENT_COUNT:
        *out = g->size;
        return true;
    case SG_CORR_VALUE_COUNT:
        *out = g->vs.n;
        return true;
    case SG_CORR_TEMPORAL:
        *out = g->ndistinct;
        return true;
    case SG_CORR_VALUE_SUM:
        *out = (double)g->sum;
        return true;
    case SG_CORR_VALUE_AVG:
        *out = g->size ? (double)(g->sum / g->size) : 0;
        return true;
    default: { /* percentile, median: linear between the closest ranks */
        if (!g->nsorted) {
            *out = 0;
            return true;
        }
        double p = d->percentile < 0 ? 0 : d->percentile > 100 ? 100 : d->percentile;
        double rank = p / 100.0 * (g->nsorted - 1);
        size_t lo = (size_t)rank, hi = lo + ((double)lo < rank); /* rank >= 0 */
        *out = g->sorted[lo] + (g->sorted[hi] - g->sorted[lo]) * (rank - (double)lo);
        return true;
    }
    }
}

/* ---- firing ----------------------------------------------------------------------------- */

static bool push_pending(sg_ce *e, const sg_ce_link *l, const sg_ce_def *parent, const ce_group *g,
                         int64_t t, const sg_ce_ref *ref)
{
    /* the parent's key from our group-by values */
    size_t need = 0;
    for (uint32_t k = 0; k < parent->ngroup; k++) {
        const char *v;
        uint32_t n;
        if (l->map[k] < 0 || !sg_ce_key_get(g->key, g->keylen, (size_t)l->map[k], &v, &n))
            return true; /* not among our group-by: cannot feed this parent */
        need += 4 + n;
    }
    if (!reserve((void **)&e->pkeys, &e->cappkeys, e->npkeys + need + 1, 1) ||
        !reserve((void **)&e->pend, &e->cappend, e->npend + 1, sizeof *e->pend))
        return false;
    size_t off = e->npkeys;
    for (uint32_t k = 0; k < parent->ngroup; k++) {
        const char *v;
        uint32_t n;
        sg_ce_key_get(g->key, g->keylen, (size_t)l->map[k], &v, &n);
        e->npkeys += sg_ce_key_put(e->pkeys + e->npkeys, v, n);
    }
    e->pend[e->npend++] = (ce_pend){l->parent, l->input, off, need, t, *ref};
    return true;
}

static bool fire(sg_ce *e, ce_corr *c, ce_group *g, int64_t t, const sg_ce_ref *ref,
                 double value, const sg_ce_ref *events, size_t nevents, sg_ce_alert_fn fn,
                 void *user)
{
    const sg_ce_def *d = c->def;
    if (g->fired_seq == e->seq)
        return true; /* once per event and group */
    g->fired_seq = e->seq;
    if (d->report) {
        if (e->lim.suppress && g->last_alert != NO_TIME && t - g->last_alert <= d->span) {
            e->st.suppressed++;
        } else {
            g->last_alert = t;
            e->st.alerts++;
            if (fn) {
                sg_ce_alert a = {g->corr, t, *ref, value, g->key, g->keylen, events, nevents};
                fn(user, &a);
            }
        }
    }
    for (size_t i = 0; i < d->nlinks; i++)
        if (!push_pending(e, &d->links[i], &e->defs[d->links[i].parent], g, t, ref))
            return false;
    return true;
}

/* The window's events for an alert: all of them, or for temporal the
 * newest of each input (in window order). */
static bool window_refs(sg_ce *e, const sg_ce_def *d, const ce_group *g, size_t *n)
{
    if (!reserve((void **)&e->refs, &e->caprefs, g->size + 1, sizeof *e->refs))
        return false;
    *n = 0;
    if (d->type != SG_CORR_TEMPORAL) {
        for (uint32_t k = 0; k < g->size; k++)
            e->refs[(*n)++] = ring_at(g, k)->ref;
        return true;
    }
    for (uint32_t k = 0; k < g->size; k++) {
        const ce_entry *x = ring_at(g, k);
        bool newest = true;
        for (uint32_t j = k + 1; j < g->size && newest; j++)
            newest = ring_at(g, j)->input != x->input;
        if (newest)
            e->refs[(*n)++] = x->ref;
    }
    return true;
}

static bool window_hit(sg_ce *e, ce_corr *c, ce_group *g, const sg_ce_hit *h, int64_t t,
                       const sg_ce_ref *ref, sg_ce_alert_fn fn, void *user)
{
    const sg_ce_def *d = c->def;
    /* leave the window: entries more than span older than t */
    while (g->size && ring_at(g, 0)->t < t - d->span)
        entry_remove_front(e, g);
    if (g->size >= e->lim.max_window && g->size) {
        entry_remove_front(e, g);
        e->st.entries_dropped++;
        e->st.window_limit++;
    }
    while (e->st.live_entries >= e->lim.max_entries) {
        e->st.entries_limit++;
        if (!evict_oldest(e, g)) {
            if (!g->size)
                break;
            entry_remove_front(e, g);
            e->st.entries_dropped++;
        }
    }
    if (g->size == g->cap && !ring_grow(g))
        return false;
    ce_entry *x = &g->ring[(g->head + g->size) & (g->cap - 1)];
    memset(x, 0, sizeof *x);
    x->t = t;
    x->ref = *ref;
    x->input = h->input;
    if (d->type == SG_CORR_VALUE_COUNT) {
        if (!(x->v = vset_add(&g->vs, h->val, h->vallen)))
            return false;
    } else if (d->type != SG_CORR_EVENT_COUNT && d->type != SG_CORR_TEMPORAL) {
        x->num = h->num;
        g->sum += h->num;
        if ((d->type == SG_CORR_VALUE_PERCENTILE || d->type == SG_CORR_VALUE_MEDIAN) &&
            !sorted_insert(g, h->num))
            return false;
    }
    if (g->cnt && g->cnt[h->input]++ == 0)
        g->ndistinct++;
    g->size++;
    if (++e->st.live_entries > e->st.peak_entries)
        e->st.peak_entries = e->st.live_entries;

    bool holds;
    double value;
    if (!aggregate(e, d, g, &value))
        return false;
    if (d->type == SG_CORR_TEMPORAL && d->nexpr)
        holds = expr_eval(d, (uint32_t)(d->nexpr - 1), g->cnt, 0);
    else
        holds = cond_holds(d, value);
    if (!holds)
        return true;
    size_t n = 0;
    if (!window_refs(e, d, g, &n))
        return false;
    return fire(e, c, g, t, ref, value, e->refs, n, fn, user);
}

static bool ordered_hit(sg_ce *e, ce_corr *c, ce_group *g, const sg_ce_hit *h, int64_t t,
                        const sg_ce_ref *ref, sg_ce_alert_fn fn, void *user)
{
    const sg_ce_def *d = c->def;
    size_t n = d->ninputs, p = h->input;
    sg_ce_ref *row = g->chain + p * n;
    if (p == 0) {
        g->start[0] = t;
        row[0] = *ref;
        touch(c, g, t);
    } else {
        int64_t s = g->start[p - 1];
        if (s == NO_TIME || t - s > d->span)
            return true; /* nothing to continue */
        if (g->start[p] == NO_TIME || s >= g->start[p]) {
            g->start[p] = s;
            memcpy(row, g->chain + (p - 1) * n, p * sizeof *row);
            row[p] = *ref;
            touch(c, g, t);
        }
    }
    if (p + 1 < n)
        return true;
    return fire(e, c, g, t, ref, (double)n, row, n, fn, user);
}

/* ---- events ----------------------------------------------------------------------------- */

static void expire(sg_ce *e, int64_t now)
{
    for (size_t i = 0; i < e->ndefs; i++) {
        ce_corr *c = &e->corrs[i];
        while (c->oldest && c->oldest->last_t < now - c->def->span)
            group_drop(e, c, c->oldest, false);
    }
}

static bool process_hit(sg_ce *e, uint32_t ci, const sg_ce_hit *h, int64_t t,
                        const sg_ce_ref *ref, sg_ce_alert_fn fn, void *user)
{
    ce_corr *c = &e->corrs[ci];
    const sg_ce_def *d = c->def;
    if (h->input >= d->ninputs)
        return true;
    bool numeric = d->type == SG_CORR_VALUE_SUM || d->type == SG_CORR_VALUE_AVG ||
                   d->type == SG_CORR_VALUE_PERCENTILE || d->type == SG_CORR_VALUE_MEDIAN;
    if ((numeric && (!h->has_num || !isfinite(h->num))) ||
        (d->type == SG_CORR_VALUE_COUNT && !h->val))
        return true; /* no value: not part of the aggregate */
    uint64_t hash = hash_bytes(h->key, h->keylen);
    ce_group *g = group_find(c, h->key, h->keylen, hash);
    bool new_group = !g;
    if (!g) {
        if (is_ordered(d) && h->input != 0)
            return true; /* no chain to continue */
        if (!(g = group_new(e, ci, h->key, h->keylen, hash, t)))
            return false;
    }
    e->st.hits++;
    /* g's bytes before and after (a new group's all count), then other
     * groups are evicted, least recently updated first, while the state is
     * over max_memory */
    size_t before = new_group ? 0 : group_bytes(d, g);
    bool ok;
    if (is_ordered(d)) {
        ok = ordered_hit(e, c, g, h, t, ref, fn, user);
    } else {
        touch(c, g, t);
        ok = window_hit(e, c, g, h, t, ref, fn, user);
    }
    e->st.live_bytes = e->st.live_bytes + (uint64_t)group_bytes(d, g) - (uint64_t)before;
    while (e->st.live_bytes > e->lim.max_memory && evict_oldest(e, g))
        e->st.memory_limit++;
    if (e->st.live_bytes > e->st.peak_bytes)
        e->st.peak_bytes = e->st.live_bytes;
    return ok;
}

static sigma_status process(sg_ce *e, int64_t t, const sg_ce_ref *ref, const sg_ce_hit *hits,
                            size_t nhits, sg_ce_alert_fn fn, void *user)
{
    e->seq++;
    e->st.processed++;
    expire(e, t);
    e->npend = 0;
    e->npkeys = 0;
    for (uint32_t ci = 0; ci < e->ndefs; ci++) {
        /* this correlation's hits: the event's, then those its children's
         * firings produced during this event */
        size_t n = 0;
        for (size_t i = 0; i < nhits; i++)
            if (hits[i].corr == ci) {
                if (!reserve((void **)&e->work, &e->capwork, n + 1, sizeof *e->work))
                    return SIGMA_ENOMEM;
                e->work[n++] = hits[i];
            }
        size_t ndirect = n;
        for (size_t i = 0; i < e->npend; i++)
            if (e->pend[i].corr == ci) {
                if (!reserve((void **)&e->work, &e->capwork, n + 1, sizeof *e->work))
                    return SIGMA_ENOMEM;
                e->work[n++] = (sg_ce_hit){ci, e->pend[i].input, e->pkeys + e->pend[i].koff,
                                           e->pend[i].klen, NULL, 0, 0, false};
            }
        if (!n)
            continue;
        /* the pending keys may move while hits are processed (a firing adds
         * more for parents): copy this correlation's out first */
        char *kcopy = NULL;
        if (n > ndirect) {
            size_t kbytes = 0;
            for (size_t i = ndirect; i < n; i++)
                kbytes += e->work[i].keylen;
            if (!(kcopy = sg_malloc(kbytes ? kbytes : 1)))
                return SIGMA_ENOMEM;
            size_t off = 0;
            for (size_t i = ndirect; i < n; i++) {
                memcpy(kcopy + off, e->work[i].key, e->work[i].keylen);
                e->work[i].key = kcopy + off;
                off += e->work[i].keylen;
            }
        }
        if (is_ordered(&e->defs[ci])) {
            /* later steps first: one event never serves two steps */
            for (size_t i = 1; i < n; i++) {
                sg_ce_hit x = e->work[i];
                size_t j = i;
                for (; j > 0 && e->work[j - 1].input < x.input; j--)
                    e->work[j] = e->work[j - 1];
                e->work[j] = x;
            }
        }
        bool ok = true;
        for (size_t i = 0; i < n && ok; i++) {
            sg_ce_hit h = e->work[i];
            ok = process_hit(e, ci, &h, t, ref, fn, user);
        }
        sg_free(kcopy);
        if (!ok)
            return SIGMA_ENOMEM;
    }
    return SIGMA_OK;
}

/* ---- reorder buffer ------------------------------------------------------------------------- */

static bool held_before(const ce_held *a, const ce_held *b)
{
    return a->t < b->t || (a->t == b->t && a->arrival < b->arrival);
}

static bool heap_push(sg_ce *e, ce_held *h)
{
    if (!reserve((void **)&e->heap, &e->capheap, e->nheap + 1, sizeof *e->heap))
        return false;
    size_t i = e->nheap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!held_before(h, e->heap[p]))
            break;
        e->heap[i] = e->heap[p];
        i = p;
    }
    e->heap[i] = h;
    return true;
}

static ce_held *heap_pop(sg_ce *e)
{
    ce_held *top = e->heap[0], *last = e->heap[--e->nheap];
    size_t i = 0, n = e->nheap;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const ce_held *best = last;
        if (l < n && held_before(e->heap[l], best)) {
            m = l;
            best = e->heap[l];
        }
        if (r < n && held_before(e->heap[r], best))
            m = r;
        if (m == i)
            break;
        e->heap[i] = e->heap[m];
        i = m;
    }
    if (n)
        e->heap[i] = last;
    return top;
}

static ce_held *held_copy(sg_ce *e, int64_t t, const sg_ce_ref *ref, const sg_ce_hit *hits,
                          size_t n)
{
    size_t bytes = sizeof(ce_held) + n * sizeof(sg_ce_hit);
    for (size_t i = 0; i < n; i++)
        bytes += hits[i].keylen + hits[i].vallen;
    ce_held *h = sg_malloc(bytes);
    if (!h)
        return NULL;
    h->t = t;
    h->arrival = e->arrival++;
    h->ref = *ref;
    h->nhits = n;
    h->hits = (sg_ce_hit *)(h + 1);
    char *p = (char *)(h->hits + n);
    for (size_t i = 0; i < n; i++) {
        sg_ce_hit x = hits[i];
        memcpy(p, x.key, x.keylen);
        x.key = p;
        p += x.keylen;
        if (x.val) {
            memcpy(p, x.val, x.vallen);
            x.val = p;
            p += x.vallen;
        }
        h->hits[i] = x;
    }
    return h;
}

static sigma_status release(sg_ce *e, sg_ce_alert_fn fn, void *user, bool all)
{
    while (e->nheap) {
        bool forced = e->nheap > e->lim.max_reorder;
        if (!all && !forced && e->heap[0]->t > e->max_seen - e->lim.reorder)
            break;
        ce_held *h = heap_pop(e);
        e->st.held--;
        if (forced && !all)
            e->st.reorder_forced++;
        e->watermark = h->t;
        e->released_any = true;
        sigma_status st = process(e, h->t, &h->ref, h->hits, h->nhits, fn, user);
        sg_free(h);
        if (st != SIGMA_OK)
            return st;
    }
    return SIGMA_OK;
}

sigma_status sg_ce_event(sg_ce *e, int64_t t, const sg_ce_ref *ref, const sg_ce_hit *hits,
                         size_t nhits, sg_ce_alert_fn fn, void *user)
{
    if (!e || !ref || (nhits && !hits))
        return SIGMA_EINVAL;
    e->st.events++;
    if (e->released_any && t < e->watermark) {
        e->st.late++;
        return SIGMA_OK;
    }
    if (e->lim.reorder <= 0) {
        e->watermark = t;
        e->released_any = true;
        return process(e, t, ref, hits, nhits, fn, user);
    }
    ce_held *h = held_copy(e, t, ref, hits, nhits);
    if (!h || !heap_push(e, h)) {
        sg_free(h);
        return SIGMA_ENOMEM;
    }
    if (++e->st.held > e->st.peak_held)
        e->st.peak_held = e->st.held;
    if (t > e->max_seen)
        e->max_seen = t;
    return release(e, fn, user, false);
}

sigma_status sg_ce_finish(sg_ce *e, sg_ce_alert_fn fn, void *user)
{
    if (!e)
        return SIGMA_EINVAL;
    return release(e, fn, user, true);
}

const sg_ce_stats *sg_ce_get_stats(const sg_ce *e)
{
    return &e->st;
}

/* ---- lifecycle ------------------------------------------------------------------------------- */

sg_ce *sg_ce_create(const sg_ce_def *defs, size_t ndefs, const sg_ce_limits *lim)
{
    for (size_t i = 0; i < ndefs; i++) {
        const sg_ce_def *d = &defs[i];
        if (!d->ninputs || d->span < 0)
            return NULL;
        for (size_t k = 0; k < d->nlinks; k++)
            if (d->links[k].parent <= i || d->links[k].parent >= ndefs ||
                d->links[k].input >= defs[d->links[k].parent].ninputs)
                return NULL;
        for (size_t k = 0; k < d->nexpr; k++)
            if (d->expr[k].kind != CE_X_INPUT && (d->expr[k].a >= k ||
                                                  (d->expr[k].kind != CE_X_NOT && d->expr[k].b >= k)))
                return NULL; /* operands come before their operator */
    }
    sg_ce *e = sg_calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->defs = defs;
    e->ndefs = ndefs;
    if (lim)
        e->lim = *lim;
    else
        sg_ce_limits_default(&e->lim);
    if (!e->lim.max_groups)
        e->lim.max_groups = 1;
    if (!e->lim.max_window)
        e->lim.max_window = 1;
    if (!e->lim.max_entries)
        e->lim.max_entries = 1;
    if (!e->lim.max_memory)
        e->lim.max_memory = 1;
    e->max_seen = INT64_MIN;
    e->corrs = sg_calloc(ndefs ? ndefs : 1, sizeof *e->corrs);
    if (!e->corrs) {
        sg_free(e);
        return NULL;
    }
    for (size_t i = 0; i < ndefs; i++)
        e->corrs[i].def = &defs[i];
    return e;
}

void sg_ce_destroy(sg_ce *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->ndefs; i++) {
        ce_corr *c = &e->corrs[i];
        while (c->oldest)
            group_drop(e, c, c->oldest, false);
        sg_free(c->slots);
    }
    while (e->nheap)
        sg_free(heap_pop(e));
    sg_free(e->heap);
    sg_free(e->corrs);
    sg_free(e->refs);
    sg_free(e->work);
    sg_free(e->pend);
    sg_free(e->pkeys);
    sg_free(e);
}
