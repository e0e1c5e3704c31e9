/* pipeline_index.c - what a pipeline can work out once, at load time, so
 * that applying it to each of thousands of rules stays cheap:
 *
 *   - a hash of each field_name_mapping's `from` names (first one wins, as
 *     the linear scan it replaces);
 *   - a prefilter per item from its rule conditions on the log source and
 *     on state values (pl_pre in pipeline_int.h), so an item meant for
 *     another log source or table is skipped with a few integer compares;
 *   - the --explain note of rule-level items whose note never changes
 *     (set_state with a table schema is several kilobytes);
 *   - whether any condition reads the per-test tracks or the mapped names,
 *     so they are only kept when something reads them. */
#include "pipeline_int.h"

#include <stdint.h>
#include <string.h>

/* ---- string -> int ----------------------------------------------------------------- */

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

static pl_hslot *find_slot(pl_hslot *v, size_t cap, const char *key, size_t h)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!v[i].key || (v[i].hash == h && !strcmp(v[i].key, key)))
            return &v[i];
}

int pl_hmap_put(sg_arena *a, pl_hmap *m, const char *key, int val)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t nc = m->cap ? 2 * m->cap : 16;
        pl_hslot *nv = sg_arena_alloc(a, nc * sizeof *nv);
        if (!nv)
            return -2;
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].key)
                *find_slot(nv, nc, m->v[i].key, m->v[i].hash) = m->v[i];
        m->v = nv;
        m->cap = nc;
    }
    size_t h = hash_str(key);
    pl_hslot *s = find_slot(m->v, m->cap, key, h);
    if (!s->key) {
        *s = (pl_hslot){key, h, val};
        m->n++;
    }
    return s->val;
}

int pl_hmap_get(const pl_hmap *m, const char *key)
{
    if (!m->n)
        return -1;
    const pl_hslot *s = find_slot(m->v, m->cap, key, hash_str(key));
    return s->key ? s->val : -1;
}

/* ---- prefilters ---------------------------------------------------------------------- */

typedef struct ix {
    sg_arena *a;
    sg_pipeline *p;
    pl_hmap keyslots; /* state key -> index in p->keys */
    size_t capkeys;
    bool oom;
} ix;

static int intern(ix *x, const char *s)
{
    int id = pl_hmap_put(x->a, &x->p->strs, s, (int)x->p->strs.n);
    if (id < 0)
        x->oom = true;
    return id;
}

static unsigned key_slot(ix *x, const char *key)
{
    sg_pipeline *p = x->p;
    int k = pl_hmap_put(x->a, &x->keyslots, key, (int)p->nkeys);
    if (k < 0) {
        x->oom = true;
        return 0;
    }
    if ((size_t)k == p->nkeys) { /* a new key */
        if (p->nkeys == x->capkeys) {
            size_t nc = x->capkeys ? 2 * x->capkeys : 4;
            const char **nk = sg_arena_grow(x->a, (void *)p->keys, p->nkeys, nc, sizeof *nk);
            if (!nk) {
                x->oom = true;
                return 0;
            }
            p->keys = nk;
            x->capkeys = nc;
        }
        p->keys[p->nkeys++] = key;
    }
    return 3 + (unsigned)k;
}

/* The atoms a condition amounts to (at most 3), or -1 when it is not one
 * the prefilter can say (then it is left to pl_match_rule alone). */
static int cond_atoms(ix *x, const pl_cond *k, pl_atom out[3])
{
    if (k->type == PC_LOGSOURCE) {
        const char *ls[3] = {k->category, k->product, k->service};
        int n = 0;
        for (unsigned i = 0; i < 3; i++)
            if (ls[i])
                out[n++] = (pl_atom){i, intern(x, ls[i])};
        return n;
    }
    /* state_match: a string value compares as text; "backend" falls back
     * to the target name when the state lacks it */
    if (k->type == PC_STATE && k->op == PL_OP_EQ && k->value->type == SG_V_STRING &&
        strcmp(k->key, "backend") != 0) {
        unsigned slot = key_slot(x, k->key);
        out[0] = (pl_atom){slot, intern(x, k->value->str)};
        return 1;
    }
    return -1;
}

static bool same_atom(pl_atom a, pl_atom b)
{
    return a.slot == b.slot && a.id == b.id;
}

static bool alt_has(const pl_alt *alt, pl_atom a)
{
    for (size_t i = 0; i < alt->n; i++)
        if (same_atom(alt->v[i], a))
            return true;
    return false;
}

/* Turn the alternatives (or-ed, each and-ed) into the O(1) form where
 * they allow it: the atoms every alternative has are required, and when
 * what is left of each alternative is one atom, all on one slot, a bitset
 * of their ids. Otherwise the alternatives are kept as they are. */
static void compile_pre(ix *x, pl_alt *alts, size_t nalts, pl_pre *pre)
{
    if (nalts == 1) {
        pre->req = alts[0].v;
        pre->nreq = alts[0].n;
        return;
    }
    pl_atom *common = sg_arena_alloc(x->a, (alts[0].n ? alts[0].n : 1) * sizeof *common);
    pl_atom *rest = sg_arena_alloc(x->a, nalts * sizeof *rest);
    if (!common || !rest) {
        x->oom = true;
        return;
    }
    size_t nc = 0;
    for (size_t k = 0; k < alts[0].n; k++) {
        bool all = true;
        for (size_t i = 1; i < nalts && all; i++)
            all = alt_has(&alts[i], alts[0].v[k]);
        if (all && !alt_has(&(pl_alt){common, nc}, alts[0].v[k]))
            common[nc++] = alts[0].v[k];
    }
    bool one_slot = true, any_empty = false;
    int maxid = -1;
    for (size_t i = 0; i < nalts; i++) {
        size_t left = 0;
        for (size_t k = 0; k < alts[i].n; k++)
            if (!alt_has(&(pl_alt){common, nc}, alts[i].v[k])) {
                rest[i] = alts[i].v[k];
                left++;
            }
        if (left == 0)
            any_empty = true; /* this alternative is the common part alone */
        else if (left > 1 || rest[i].slot != rest[0].slot)
            one_slot = false;
        if (left == 1 && rest[i].id > maxid)
            maxid = rest[i].id;
    }
    if (any_empty) {
        pre->req = common;
        pre->nreq = nc;
        return;
    }
    if (!one_slot) {
        pre->alts = alts;
        pre->nalts = nalts;
        return;
    }
    size_t words = (size_t)maxid / 64 + 1;
    unsigned long long *set = sg_arena_alloc(x->a, words * sizeof *set);
    if (!set) {
        x->oom = true;
        return;
    }
    for (size_t i = 0; i < nalts; i++)
        set[rest[i].id / 64] |= 1ull << (rest[i].id % 64);
    pre->req = common;
    pre->nreq = nc;
    pre->set = set;
    pre->setbits = words * 64;
    pre->set_slot = rest[0].slot;
}

/* A necessary condition as alternatives; "nothing known" is one empty
 * alternative (always true), as is any condition that is not an atom. */
typedef struct nec {
    pl_alt *v;
    size_t n;
} nec;

#define MAX_ALTS 256

static bool nec_true(const nec *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (!a->v[i].n)
            return true;
    return false;
}

static nec nec_make(ix *x, size_t n)
{
    nec r = {sg_arena_alloc(x->a, (n ? n : 1) * sizeof *r.v), 0};
    if (!r.v)
        x->oom = true;
    return r;
}

static nec nec_any(ix *x)
{
    nec r = nec_make(x, 1);
    if (r.v)
        r.v[r.n++] = (pl_alt){NULL, 0};
    return r;
}

static nec nec_cond(ix *x, const pl_cond *k)
{
    pl_atom tmp[3];
    int m = cond_atoms(x, k, tmp);
    nec r = nec_any(x);
    if (m > 0 && r.v) {
        pl_atom *v = sg_arena_alloc(x->a, (size_t)m * sizeof *v);
        if (!v) {
            x->oom = true;
            return r;
        }
        memcpy(v, tmp, (size_t)m * sizeof *v);
        r.v[0] = (pl_alt){v, (size_t)m};
    }
    return r;
}

/* a and b: every pair of alternatives joined; when that would be too many,
 * a alone (still necessary). */
static nec nec_and(ix *x, nec a, nec b)
{
    if (nec_true(&a))
        return b;
    if (nec_true(&b) || a.n * b.n > MAX_ALTS)
        return a;
    nec r = nec_make(x, a.n * b.n);
    for (size_t i = 0; r.v && i < a.n; i++)
        for (size_t j = 0; j < b.n; j++) {
            size_t n = a.v[i].n + b.v[j].n;
            pl_atom *v = sg_arena_alloc(x->a, n * sizeof *v);
            if (!v) {
                x->oom = true;
                return a;
            }
            memcpy(v, a.v[i].v, a.v[i].n * sizeof *v);
            memcpy(v + a.v[i].n, b.v[j].v, b.v[j].n * sizeof *v);
            r.v[r.n++] = (pl_alt){v, n};
        }
    return r.v ? r : a;
}

/* a or b: the alternatives of both (true when either is). */
static nec nec_or(ix *x, nec a, nec b)
{
    if (nec_true(&a))
        return a;
    if (nec_true(&b))
        return b;
    if (a.n + b.n > MAX_ALTS)
        return nec_any(x);
    nec r = nec_make(x, a.n + b.n);
    if (!r.v)
        return nec_any(x);
    memcpy(r.v, a.v, a.n * sizeof *r.v);
    memcpy(r.v + a.n, b.v, b.n * sizeof *r.v);
    r.n = a.n + b.n;
    return r;
}

static nec nec_expr(ix *x, const pl_condset *s, const pl_expr *e)
{
    switch (e->kind) {
    case PE_ID:
        return nec_cond(x, &s->v[e->index]);
    case PE_AND:
        return nec_and(x, nec_expr(x, s, e->a), nec_expr(x, s, e->b));
    case PE_OR:
        return nec_or(x, nec_expr(x, s, e->a), nec_expr(x, s, e->b));
    case PE_NOT:
        break; /* nothing necessary follows from a negation */
    }
    return nec_any(x);
}

/* The prefilter of a rule condition set: what eval_set's and/or/expression
 * implies about the log source and state (negated sets: nothing). */
static void build_pre(ix *x, const pl_condset *s, pl_pre *pre)
{
    memset(pre, 0, sizeof *pre);
    if (!s->n || s->negate)
        return;
    nec r;
    if (s->expr) {
        r = nec_expr(x, s, s->expr);
    } else {
        r = nec_cond(x, &s->v[0]);
        for (size_t i = 1; i < s->n && !x->oom; i++)
            r = s->any ? nec_or(x, r, nec_cond(x, &s->v[i]))
                       : nec_and(x, r, nec_cond(x, &s->v[i]));
    }
    if (!x->oom && r.v && !nec_true(&r))
        compile_pre(x, r.v, r.n, pre);
}

/* ---- notes ----------------------------------------------------------------------------- */

const char *pl_value_text(const sg_value *v)
{
    if (v->type == SG_V_BOOL)
        return v->b ? "true" : "false";
    return v->str;
}

/* The note pipeline_apply.c would write for a rule-level item, when it
 * does not depend on the rule. */
static bool item_note(ix *x, pl_item *it)
{
    pl_nb b;
    pl_nb_init(&b);
    switch (it->type) {
    case PX_SET_STATE:
    case PX_SET_CUSTOM_ATTRIBUTE:
        pl_nb_puts(&b, it->type == PX_SET_STATE ? "state " : "custom attribute ");
        pl_nb_puts(&b, it->str);
        pl_nb_puts(&b, " = ");
        pl_nb_puts(&b, pl_value_text(it->val));
        break;
    case PX_CHANGE_LOGSOURCE:
        pl_nb_puts(&b, "logsource -> category=");
        pl_nb_puts(&b, it->category ? it->category : "-");
        pl_nb_puts(&b, " product=");
        pl_nb_puts(&b, it->product ? it->product : "-");
        pl_nb_puts(&b, " service=");
        pl_nb_puts(&b, it->service ? it->service : "-");
        break;
    case PX_SET_FIELD: {
        char num[32];
        size_t n = it->nlist, k = sizeof num;
        num[--k] = '\0';
        do
            num[--k] = (char)('0' + n % 10);
        while (n /= 10);
        pl_nb_puts(&b, "fields set (");
        pl_nb_puts(&b, num + k);
        pl_nb_puts(&b, ")");
        break;
    }
    case PX_ADD_CONDITION: {
        if (it->templ || !it->cond)
            return true; /* built from each rule */
        ir_node *cond = it->negated ? ir_not(x->a, it->cond, it->cond->pos) : it->cond;
        sg_strbuf sb;
        sg_sb_init(&sb);
        if (cond)
            ir_dump(cond, &sb);
        bool ok = cond && !sb.failed;
        if (ok) {
            pl_nb_puts(&b, "added ");
            pl_nb_puts(&b, sg_sb_str(&sb));
            if (sb.len > 400)
                pl_nb_puts(&b, "...");
        }
        sg_sb_free(&sb);
        if (!ok)
            return !(x->oom = true);
        break;
    }
    default:
        return true;
    }
    if (!(it->note = sg_arena_strndup(x->a, b.buf, b.len)))
        x->oom = true;
    return !x->oom;
}

/* ---- items ------------------------------------------------------------------------------- */

static bool reads_tracks(const pl_condset *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].type == PC_ITEM_APPLIED)
            return true;
    return false;
}

static void index_fields(ix *x, pl_condset *s)
{
    for (size_t i = 0; i < s->n && !x->oom; i++) {
        pl_cond *k = &s->v[i];
        if ((k->type == PC_INCLUDE_FIELDS || k->type == PC_EXCLUDE_FIELDS) && !k->fields_re)
            for (size_t j = 0; j < k->nfields; j++)
                if (pl_hmap_put(x->a, &k->fset, k->fields[j], 0) < 0)
                    x->oom = true;
    }
}

static void index_items(ix *x, pl_item *items, size_t n)
{
    for (size_t i = 0; i < n && !x->oom; i++) {
        pl_item *it = &items[i];
        it->null_from = -1;
        if (it->type == PX_FIELD_NAME_MAPPING)
            for (size_t k = 0; k < it->nmap && !x->oom; k++) {
                if (!it->map[k].from) {
                    if (it->null_from < 0)
                        it->null_from = (long)k;
                } else if (pl_hmap_put(x->a, &it->from, it->map[k].from, (int)k) < 0) {
                    x->oom = true;
                }
            }
        build_pre(x, &it->rule, &it->pre);
        index_fields(x, &it->field);
        item_note(x, it);
        x->p->tracks |= reads_tracks(&it->det) || reads_tracks(&it->field);
        x->p->strict |= it->type == PX_STRICT_FIELD_MAPPING_FAILURE;
        index_items(x, it->kids, it->nkids);
    }
}

bool pl_index(sg_arena *a, sg_pipeline *p)
{
    ix x = {a, p, {NULL, 0, 0}, 0, false};
    index_items(&x, p->items, p->nitems);
    return !x.oom;
}
