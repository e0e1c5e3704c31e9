/* c_atoms.c - necessary literals of a rule (see c_atoms.h).
 *
 * atoms(TEST on a string)  = {its longest literal}  (contains, starts,
 *                            ends and equality all need it as a substring)
 * atoms(TEST with a regex)  = the literals one of which it needs
 *                            (sg_cre_literals)
 * atoms(OR)                = the union of the children's (none if one has none)
 * atoms(AND)               = the best child's (any child's is necessary)
 * atoms(NOT, other tests)  = none */
#include "c_atoms.h"
#include "c_fold.h"
#include "c_regex.h"

#include <string.h>

typedef struct aset {
    sg_catom *v;
    size_t n;
    bool ok;
} aset;

static bool ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* The longest literal piece of a string test, folded; NULL when none is
 * long enough or ASCII, or (*oom set) out of memory. */
static const char *test_lit(sg_arena *a, const ir_test *t, size_t *len, bool *oom)
{
    const ir_seg *best = NULL;
    if (t->kind != IR_T_STR || !t->field)
        return NULL;
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *s = &t->segs[i];
        if (s->kind == IR_SEG_PLACEHOLDER)
            return NULL;
        if (s->kind == IR_SEG_LIT && (!best || s->len > best->len))
            best = s;
    }
    if (!best || best->len == 0)
        return NULL;
    char *p = sg_arena_alloc(a, best->len + 1);
    if (!p) {
        *oom = true;
        return NULL;
    }
    /* cased or not, the value's lower-cased 3-byte sequences must include
     * the literal's; a non-ASCII literal needs a non-ASCII value */
    if (t->cased) { /* its bytes as they are, ASCII lower-cased like the value's */
        for (size_t i = 0; i < best->len; i++)
            p[i] = best->s[i] >= 'A' && best->s[i] <= 'Z' ? (char)(best->s[i] + 32) : best->s[i];
        *len = best->len;
    } else {
        *len = sg_cfold(best->s, best->len, p);
    }
    return *len >= SG_CATOM_MIN || !ascii(p, *len) ? p : NULL;
}

static aset regex_atoms(sg_arena *a, const ir_test *t, bool *oom)
{
    aset none = {NULL, 0, false};
    const char **lit;
    size_t *len, n;
    if (!t->field)
        return none;
    if (sg_cre_literals(a, t->re, t->re_len, t->re_flags, &lit, &len, &n) != SIGMA_OK) {
        *oom = true;
        return none;
    }
    for (size_t i = 0; i < n; i++)
        if (len[i] < SG_CATOM_MIN)
            return none; /* too short to look up */
    sg_catom *v = n ? sg_arena_alloc(a, n * sizeof *v) : NULL;
    if (n && !v)
        *oom = true;
    if (!v)
        return none;
    for (size_t i = 0; i < n; i++)
        v[i] = (sg_catom){t->field, lit[i], len[i]};
    return (aset){v, n, true};
}

/* Out of memory sets *oom: never a smaller set taken for the whole. */
static aset atoms(sg_arena *a, const ir_node *n, const ir_node *const *skip, size_t nskip,
                  bool *oom)
{
    aset none = {NULL, 0, false};
    switch (n->kind) {
    case IR_TEST: {
        if (n->test->kind == IR_T_REGEX)
            return regex_atoms(a, n->test, oom);
        size_t len;
        const char *lit = test_lit(a, n->test, &len, oom);
        if (!lit)
            return none;
        sg_catom *v = sg_arena_alloc(a, sizeof *v);
        if (!v) {
            *oom = true;
            return none;
        }
        *v = (sg_catom){n->test->field, lit, len};
        return (aset){v, 1, true};
    }
    case IR_OR: {
        aset all = {NULL, 0, true};
        size_t cap = 0; /* doubled: an OR of thousands of values stays linear */
        for (size_t i = 0; i < n->nkids; i++) {
            aset k = atoms(a, n->kids[i], NULL, 0, oom);
            if (!k.ok || all.n + k.n > SG_CATOM_MAX)
                return none;
            if (all.n + k.n > cap) {
                size_t nc = cap ? cap * 2 : 16;
                while (nc < all.n + k.n)
                    nc *= 2;
                sg_catom *v = sg_arena_grow(a, all.v, all.n, nc, sizeof *v);
                if (!v) {
                    *oom = true;
                    return none;
                }
                all.v = v;
                cap = nc;
            }
            memcpy(all.v + all.n, k.v, k.n * sizeof *all.v);
            all.n += k.n;
        }
        return all.n ? all : none;
    }
    case IR_AND: {
        aset best = none;
        size_t best_min = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            bool skipped = false;
            for (size_t j = 0; j < nskip; j++)
                skipped |= skip[j] == n->kids[i];
            if (skipped)
                continue;
            aset k = atoms(a, n->kids[i], NULL, 0, oom);
            if (*oom)
                return none;
            if (!k.ok)
                continue;
            size_t min = SIZE_MAX; /* fewer atoms, then longer ones, filter better */
            for (size_t j = 0; j < k.n; j++)
                min = k.v[j].len < min ? k.v[j].len : min;
            if (!best.ok || min > best_min || (min == best_min && k.n < best.n)) {
                best = k;
                best_min = min;
            }
        }
        return best;
    }
    default:
        return none;
    }
}

bool sg_catoms(sg_arena *a, const ir_node *n, const ir_node *const *skip, size_t nskip,
               sg_catom **out, size_t *nout, bool *oom)
{
    aset s = atoms(a, n, skip, nskip, oom);
    *out = s.v;
    *nout = s.n;
    return s.ok && s.n > 0;
}
