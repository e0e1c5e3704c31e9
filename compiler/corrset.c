/* corrset.c - every correlation and filter, resolved against every rule.
 *
 * References are by id or by name (an id wins when a text is both), over
 * all loaded files. Checks that need the whole set live here: unknown
 * rules, reference cycles between correlations, aliases that miss a rule,
 * filters naming rules that are not loaded or of another log source. */
#include "correlation.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- a string -> document index map (open addressing, sized once) ---------- */

typedef struct slot {
    const char *key; /* NULL = empty */
    size_t ix;
} slot;

typedef struct index_map {
    slot *slots;
    size_t mask;
} index_map;

static bool map_init(index_map *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 2)
        cap *= 2;
    m->slots = sg_calloc(cap, sizeof *m->slots);
    m->mask = cap - 1;
    return m->slots != NULL;
}

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 32));
}

static slot *map_slot(const index_map *m, const char *key)
{
    size_t i = hash(key) & m->mask;
    while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
        i = (i + 1) & m->mask;
    return &m->slots[i];
}

/* First document wins: duplicates are reported by duplicate-id/-name. */
static void map_put(index_map *m, const char *key, size_t ix)
{
    if (!key || !key[0])
        return;
    slot *s = map_slot(m, key);
    if (!s->key)
        *s = (slot){key, ix};
}

static bool map_get(const index_map *m, const char *key, size_t *ix)
{
    const slot *s = map_slot(m, key);
    if (!s->key)
        return false;
    *ix = s->ix;
    return true;
}

/* ---- resolution ------------------------------------------------------------------ */

typedef struct rctx {
    sg_arena *a;
    sg_diags *d;
    sg_corrset *s;
    index_map ids, names;
    unsigned char *flags; /* per document: 1 referenced, 2 by a generate: true */
} rctx;

static sg_pos at(const sg_rule *doc, sg_pos p)
{
    if (p.line == 0)
        p = doc->pos;
    if (!p.file)
        p.file = doc->path;
    return p;
}

static bool lookup(const rctx *R, const char *text, size_t *ix)
{
    return map_get(&R->ids, text, ix) || map_get(&R->names, text, ix);
}

/* Resolve one reference of a correlation. */
static void resolve_ref(rctx *R, sg_correlation *c, sg_corr_ref *ref, const char *what)
{
    size_t ix;
    if (!lookup(R, ref->text, &ix)) {
        SG_ERR(R->d, "correlation", at(c->src, ref->pos),
               "%s'%s' is not the id or name of any loaded rule", what, ref->text);
        c->broken = true;
        return;
    }
    const sg_rule *t = R->s->rules[ix];
    if (t->kind == SG_DOC_FILTER) {
        SG_ERR(R->d, "correlation", at(c->src, ref->pos),
               "%s'%s' is a filter: a correlation names detection or correlation rules", what,
               ref->text);
        c->broken = true;
        return;
    }
    ref->rule = t;
    ref->corr = R->s->corr_of[ix];
    if (t->kind == SG_DOC_RULE)
        R->flags[ix] |= c->generate ? 3 : 1;
}

static bool same_rule(const sg_corr_ref *a, const sg_corr_ref *b)
{
    if (a->rule && b->rule)
        return a->rule == b->rule;
    return !strcmp(a->text, b->text);
}

static void resolve_correlation(rctx *R, sg_correlation *c)
{
    for (size_t i = 0; i < c->nrules; i++)
        resolve_ref(R, c, &c->rules[i], "");
    for (size_t k = 0; k < c->naliases; k++) {
        sg_corr_alias *al = &c->aliases[k];
        for (size_t j = 0; j < al->nitems; j++) {
            sg_corr_ref *ref = &al->items[j].rule;
            size_t ix;
            if (lookup(R, ref->text, &ix)) {
                ref->rule = R->s->rules[ix];
                ref->corr = R->s->corr_of[ix];
            }
            bool listed = false;
            for (size_t i = 0; i < c->nrules && !listed; i++)
                listed = same_rule(ref, &c->rules[i]);
            if (!listed) {
                SG_ERR(R->d, "correlation", at(c->src, ref->pos),
                       "alias '%s' gives a field for '%s', which is not in this correlation's "
                       "'rules'",
                       al->name, ref->text);
                c->broken = true;
            }
        }
    }
    /* An alias in group-by must say which field each rule's events use. */
    for (size_t g = 0; g < c->ngroup_by; g++) {
        const sg_corr_alias *al = c->group_by[g].alias;
        if (!al)
            continue;
        for (size_t i = 0; i < c->nrules; i++) {
            bool found = false;
            for (size_t j = 0; j < al->nitems && !found; j++)
                found = same_rule(&al->items[j].rule, &c->rules[i]);
            if (!found) {
                SG_ERR(R->d, "correlation", at(c->src, al->pos),
                       "alias '%s' has no field for rule '%s': a group-by alias must name the "
                       "field of every rule of the correlation",
                       al->name, c->rules[i].text);
                c->broken = true;
            }
        }
    }
}

/* ---- cycles ------------------------------------------------------------------------- */

/* Iterative depth-first search over correlation -> referenced correlation
 * edges (no recursion: chains in hostile input can be long). A back edge
 * closes a cycle; every correlation on it is broken. */
typedef struct frame {
    size_t corr; /* index into s->corrs */
    size_t next; /* next reference to follow */
} frame;

static bool find_cycles(rctx *R)
{
    sg_corrset *s = R->s;
    size_t n = s->ncorrs;
    if (n == 0)
        return true;
    unsigned char *color = sg_calloc(n, 1); /* 0 new, 1 on stack, 2 done */
    frame *stack = sg_calloc(n, sizeof *stack);
    size_t *pos_of = sg_calloc(n, sizeof *pos_of); /* stack depth of a correlation */
    if (!color || !stack || !pos_of) {
        sg_free(color);
        sg_free(stack);
        sg_free(pos_of);
        return false;
    }
    for (size_t root = 0; root < n; root++) {
        if (color[root])
            continue;
        size_t depth = 0;
        stack[depth++] = (frame){root, 0};
        color[root] = 1;
        pos_of[root] = 0;
        while (depth) {
            frame *f = &stack[depth - 1];
            sg_correlation *c = s->corrs[f->corr];
            if (f->next == c->nrules) {
                color[f->corr] = 2;
                depth--;
                continue;
            }
            const sg_corr_ref *ref = &c->rules[f->next++];
            if (!ref->corr)
                continue;
            size_t t = ref->corr->index;
            if (t >= n || s->corrs[t] != ref->corr || color[t] == 2)
                continue;
            if (color[t] == 1) {
                /* the cycle is stack[pos_of[t]] .. stack[depth-1] -> t */
                char path[512];
                size_t o = 0;
                path[0] = '\0';
                for (size_t k = pos_of[t]; k < depth; k++)
                    s->corrs[stack[k].corr]->broken = true;
                for (size_t k = pos_of[t]; k < depth && o < sizeof path - 64; k++) {
                    const sg_correlation *m = s->corrs[stack[k].corr];
                    const char *nm = m->src->name.s   ? m->src->name.s
                                     : m->src->id.s   ? m->src->id.s
                                     : m->src->title.s ? m->src->title.s
                                                      : "?";
                    int w = snprintf(path + o, sizeof path - o, "%s -> ", nm);
                    if (w > 0)
                        o += (size_t)w < sizeof path - o ? (size_t)w : sizeof path - o - 1;
                }
                if (o >= sizeof path - 64)
                    o += (size_t)snprintf(path + o, sizeof path - o, "... -> ");
                snprintf(path + o, sizeof path - o, "%s", ref->text);
                SG_ERR(R->d, "correlation", at(c->src, ref->pos),
                       "correlation rules reference each other in a cycle: %s", path);
                continue;
            }
            color[t] = 1;
            pos_of[t] = depth;
            stack[depth++] = (frame){t, 0};
        }
    }
    sg_free(color);
    sg_free(stack);
    sg_free(pos_of);
    return true;
}

/* ---- filters ----------------------------------------------------------------------------- */

static bool logsource_matches(const sg_logsource *f, const sg_logsource *r)
{
    return (!f->category.s || (r->category.s && !strcmp(f->category.s, r->category.s))) &&
           (!f->product.s || (r->product.s && !strcmp(f->product.s, r->product.s))) &&
           (!f->service.s || (r->service.s && !strcmp(f->service.s, r->service.s)));
}

static void show_logsource(char *out, size_t size, const sg_logsource *l)
{
    snprintf(out, size, "%s%s%s%s%s%s", l->category.s ? "category " : "",
             l->category.s ? l->category.s : "", l->product.s ? " product " : "",
             l->product.s ? l->product.s : "", l->service.s ? " service " : "",
             l->service.s ? l->service.s : "");
    if (out[0] == ' ')
        memmove(out, out + 1, strlen(out));
}

static void resolve_filter(rctx *R, sg_filter *f)
{
    for (size_t i = 0; i < f->nrules; i++) {
        sg_corr_ref *ref = &f->rules[i];
        size_t ix;
        if (!lookup(R, ref->text, &ix)) {
            SG_WARN(R->d, "filter-reference", at(f->src, ref->pos),
                    "'%s' is not the id or name of any loaded rule: the filter does not apply to "
                    "it",
                    ref->text);
            continue;
        }
        const sg_rule *t = R->s->rules[ix];
        if (t->kind != SG_DOC_RULE) {
            SG_ERR(R->d, "filter", at(f->src, ref->pos),
                   "'%s' is a %s: filters apply to detection rules only", ref->text,
                   t->kind == SG_DOC_CORRELATION ? "correlation rule" : "filter");
            f->broken = true;
            continue;
        }
        ref->rule = t;
        if (!logsource_matches(&f->src->logsource, &t->logsource)) {
            char fl[256], rl[256];
            show_logsource(fl, sizeof fl, &f->src->logsource);
            show_logsource(rl, sizeof rl, &t->logsource);
            SG_WARN(R->d, "filter-logsource", at(f->src, ref->pos),
                    "rule '%s' has logsource '%s', which the filter's logsource '%s' does not "
                    "cover: the filter does not apply to it",
                    ref->text, rl, fl);
        }
    }
}

/* ---- the set ------------------------------------------------------------------------------ */

sg_corrset *sg_correlations_resolve(sg_arena *a, sg_rule *const *rules, size_t n, sg_diags *d)
{
    sg_corrset *s = sg_arena_alloc(a, sizeof *s);
    if (!s)
        return NULL;
    s->rules = rules;
    s->nrules = n;
    size_t n1 = n ? n : 1;
    s->corr_of = sg_arena_alloc(a, n1 * sizeof *s->corr_of);
    s->filter_of = sg_arena_alloc(a, n1 * sizeof *s->filter_of);
    if (!s->corr_of || !s->filter_of)
        return NULL;
    size_t nc = 0, nf = 0;
    for (size_t i = 0; i < n; i++)
        if (rules[i] && !rules[i]->legacy)
            nc += rules[i]->kind == SG_DOC_CORRELATION, nf += rules[i]->kind == SG_DOC_FILTER;
    s->corrs = sg_arena_alloc(a, (nc ? nc : 1) * sizeof *s->corrs);
    s->filters = sg_arena_alloc(a, (nf ? nf : 1) * sizeof *s->filters);
    if (!s->corrs || !s->filters)
        return NULL;
    if (nc == 0 && nf == 0)
        return s; /* the common case: nothing to resolve */

    rctx R = {a, d, s, {0}, {0}, NULL};
    sg_corrset *ret = NULL;
    if (!map_init(&R.ids, n) || !map_init(&R.names, n) || !(R.flags = sg_calloc(n1, 1)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        const sg_rule *r = rules[i];
        if (!r || r->legacy)
            continue;
        map_put(&R.ids, r->id.s, i);
        map_put(&R.names, r->name.s, i);
        if (r->kind == SG_DOC_CORRELATION) {
            if (!(s->corr_of[i] = sg_correlation_build(a, r, d)))
                goto done;
            s->corr_of[i]->index = s->ncorrs;
            s->corrs[s->ncorrs++] = s->corr_of[i];
        } else if (r->kind == SG_DOC_FILTER) {
            if (!(s->filter_of[i] = sg_filter_build(a, r, d)))
                goto done;
            s->filters[s->nfilters++] = s->filter_of[i];
        }
    }
    for (size_t i = 0; i < s->ncorrs; i++)
        resolve_correlation(&R, s->corrs[i]);
    if (!find_cycles(&R))
        goto done;
    for (size_t i = 0; i < s->nfilters; i++)
        resolve_filter(&R, s->filters[i]);
    /* the rules correlations name, for sg_corrset_standalone */
    size_t nref = 0;
    for (size_t i = 0; i < n; i++)
        nref += R.flags[i] != 0;
    s->named = sg_arena_alloc(a, (nref ? nref : 1) * sizeof *s->named);
    s->named_flags = sg_arena_alloc(a, nref ? nref : 1);
    if (!s->named || !s->named_flags)
        goto done;
    for (size_t i = 0; i < n; i++)
        if (R.flags[i]) {
            s->named[s->nnamed] = rules[i];
            s->named_flags[s->nnamed++] = R.flags[i];
        }
    ret = s;
done:
    sg_free(R.ids.slots);
    sg_free(R.names.slots);
    sg_free(R.flags);
    return ret;
}

const sg_correlation *sg_corrset_correlation(const sg_corrset *s, const sg_rule *doc)
{
    if (!s || !doc || doc->kind != SG_DOC_CORRELATION)
        return NULL;
    for (size_t i = 0; i < s->ncorrs; i++)
        if (s->corrs[i]->src == doc)
            return s->corrs[i];
    return NULL;
}

const sg_filter *sg_corrset_filter(const sg_corrset *s, const sg_rule *doc)
{
    if (!s || !doc || doc->kind != SG_DOC_FILTER)
        return NULL;
    for (size_t i = 0; i < s->nfilters; i++)
        if (s->filters[i]->src == doc)
            return s->filters[i];
    return NULL;
}

bool sg_corrset_standalone(const sg_corrset *s, const sg_rule *r)
{
    if (!s || !r)
        return true;
    for (size_t i = 0; i < s->nnamed; i++)
        if (s->named[i] == r)
            return (s->named_flags[i] & 2) != 0;
    return true;
}
