/* prefilter.c - dispatch fields, rule groups and atom automata (see rs.h).
 *
 * Everything here is a necessary condition: an event reaches a rule only if
 * the rule could match it, so the prefilter changes speed, never results. */
#define _GNU_SOURCE /* memmem */
#include "fold.h"
#include "rs.h"
#include "values.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATOM_MAX 32 /* a literal's atom is its most selective window of this size */

/* ---- dispatch keys ------------------------------------------------------------- */

size_t sg_dispatch_key(const sigma_value *v, char *buf, size_t cap)
{
    bool is_int = false;
    int64_t i = 0;
    double f = 0;
    switch (v->type) {
    case SIGMA_V_INT:
        is_int = true;
        i = v->i;
        break;
    case SIGMA_V_FLOAT:
        if (v->f == (double)(int64_t)v->f) {
            is_int = true;
            i = (int64_t)v->f;
        }
        break;
    case SIGMA_V_STRING:
        if (v->len && v->len < 40 && sg_parse_number(v->str, v->len, &is_int, &i, &f) && is_int)
            break;
        is_int = false;
        if (v->len + 1 > cap)
            return 0;
        buf[0] = '\x02';
        return 1 + sg_fold(v->str, v->len, buf + 1);
    default:
        return 0;
    }
    if (!is_int || cap < 22)
        return 0;
    /* "\x01" and the decimal digits (this runs per event: no snprintf) */
    char tmp[24];
    size_t n = 0;
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t k = 0;
    buf[k++] = '\x01';
    if (i < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    return k;
}

/* The key a test pins its field to, for an equality test; 0 otherwise. */
static size_t test_key(const rtest *t, char *buf, size_t cap)
{
    if (t->kind == RT_STR && t->mode == RM_EXACT) {
        sigma_value v = {SIGMA_V_STRING, t->lit, t->len, 0, 0};
        return sg_dispatch_key(&v, buf, cap);
    }
    if (t->kind == RT_NUM && t->op == RN_EQ && t->is_int) {
        sigma_value v = {SIGMA_V_INT, NULL, 0, t->i, (double)t->i};
        return sg_dispatch_key(&v, buf, cap);
    }
    return 0;
}

/* If node n pins one slot to a set of keys (an equality test, or an OR of
 * equality tests on one slot), return that slot; else SG_NO_SLOT. */
static uint32_t pinned_slot(const sigma_ruleset *rs, uint32_t n)
{
    const rnode *x = &rs->nodes[n];
    char buf[256];
    if (x->kind == RN_TEST) {
        const rtest *t = &rs->tests[x->a];
        return t->slot != rs->kw_slot && test_key(t, buf, sizeof buf) ? t->slot : SG_NO_SLOT;
    }
    if (x->kind != RN_OR || !x->n)
        return SG_NO_SLOT;
    uint32_t slot = SG_NO_SLOT;
    for (uint32_t k = 0; k < x->n; k++) {
        uint32_t s = pinned_slot(rs, rs->kids[x->a + k]);
        if (s == SG_NO_SLOT || (slot != SG_NO_SLOT && s != slot))
            return SG_NO_SLOT;
        slot = s;
    }
    return slot;
}

/* The top-level conjuncts of a rule. */
static const uint32_t *conjuncts(const sigma_ruleset *rs, const uint32_t *root, size_t *n)
{
    const rnode *x = &rs->nodes[*root];
    if (x->kind == RN_AND) {
        *n = x->n;
        return rs->kids + x->a;
    }
    *n = 1;
    return root;
}

/* The conjunct that pins `slot` in rule r, or UINT32_MAX. */
static uint32_t pin_of(const sigma_ruleset *rs, const rrule *r, uint32_t slot)
{
    size_t nc;
    const uint32_t *c = conjuncts(rs, &r->root, &nc);
    for (size_t i = 0; i < nc; i++)
        if (pinned_slot(rs, c[i]) == slot)
            return c[i];
    return UINT32_MAX;
}

/* Value indices of the keys node n accepts (its equality tests). */
static bool collect_keys(sigma_ruleset *rs, unsigned k, uint32_t n, uint32_t **v, size_t *nv,
                         size_t *cap)
{
    const rnode *x = &rs->nodes[n];
    if (x->kind == RN_OR) {
        for (uint32_t i = 0; i < x->n; i++)
            if (!collect_keys(rs, k, rs->kids[x->a + i], v, nv, cap))
                return false;
        return true;
    }
    char buf[512];
    size_t len = test_key(&rs->tests[x->a], buf, sizeof buf);
    uint32_t idx = sg_strmap_get(&rs->disp_map[k], buf, len);
    if (idx == UINT32_MAX) {
        idx = (uint32_t)rs->disp_map[k].n + 1;
        if (!sg_strmap_put(rs->arena, &rs->disp_map[k], buf, len, idx))
            return false;
    }
    if (*nv == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        uint32_t *p = sg_realloc(*v, c * sizeof *p);
        if (!p)
            return false;
        *v = p;
        *cap = c;
    }
    (*v)[(*nv)++] = idx;
    return true;
}

/* Does node n (a pin: an equality test or an OR of them) hold exactly
 * when the event's one value of its field has one of the keys it was
 * dispatched on? True for integer equalities and case-insensitive string
 * equalities whose literal is not a number (a number in a string is
 * dispatched as the number, but "01" does not equal "1"). */
static bool pin_exact(const sigma_ruleset *rs, uint32_t n)
{
    const rnode *x = &rs->nodes[n];
    if (x->kind == RN_OR) {
        for (uint32_t k = 0; k < x->n; k++)
            if (!pin_exact(rs, rs->kids[x->a + k]))
                return false;
        return true;
    }
    const rtest *t = &rs->tests[x->a];
    if (t->kind == RT_NUM)
        return true; /* test_key() took only integer equalities */
    bool is_int;
    int64_t i;
    double f;
    return t->kind == RT_STR && !t->cased && !sg_parse_number(t->lit, t->len, &is_int, &i, &f);
}

static bool push_node(sigma_ruleset *rs, size_t *cap, rnode x, uint32_t *out)
{
    if (rs->nnodes == *cap || !*cap) {
        size_t c = rs->nnodes * 2 + 16;
        rnode *p = sg_realloc(rs->nodes, c * sizeof *p);
        if (!p)
            return false;
        rs->nodes = p;
        *cap = c;
    }
    rs->nodes[rs->nnodes] = x;
    *out = (uint32_t)rs->nnodes++;
    return true;
}

/* Each rule's fast_root[mask]: its top-level AND without the pins of the
 * dispatch fields in mask that pin_exact() allows to drop. An event with
 * one value in dispatch field k, named by some rule, reaches only rules
 * whose pin on k accepts that value, so those pins are true. */
static bool skip_pins(sigma_ruleset *rs)
{
    size_t cap = rs->nnodes; /* the array may be exactly full */
    size_t extra = 0;
    for (size_t r = 0; r < rs->nrules; r++)
        if (rs->nodes[rs->rules[r].root].kind == RN_AND)
            extra += 3 * (size_t)rs->nodes[rs->rules[r].root].n;
    uint32_t *kids = sg_realloc(rs->kids, (rs->nkids + extra + 1) * sizeof *kids);
    if (!kids)
        return false;
    rs->kids = kids;
    for (size_t r = 0; r < rs->nrules; r++) {
        rrule *R = &rs->rules[r];
        for (unsigned mask = 0; mask < 4; mask++)
            R->fast_root[mask] = R->root;
        const rnode root = rs->nodes[R->root];
        if (root.kind != RN_AND)
            continue;
        uint32_t pin[2] = {UINT32_MAX, UINT32_MAX};
        for (unsigned k = 0; k < rs->ndisp; k++) {
            pin[k] = pin_of(rs, R, rs->disp_slot[k]);
            if (pin[k] != UINT32_MAX && !pin_exact(rs, pin[k]))
                pin[k] = UINT32_MAX;
        }
        for (unsigned mask = 1; mask < 4; mask++) {
            uint32_t drop[2] = {mask & 1 ? pin[0] : UINT32_MAX, mask & 2 ? pin[1] : UINT32_MAX};
            if (drop[0] == UINT32_MAX && drop[1] == UINT32_MAX)
                continue;
            size_t nk = 0, first = rs->nkids;
            for (uint32_t i = 0; i < root.n; i++) {
                uint32_t c = rs->kids[root.a + i];
                if (c != drop[0] && c != drop[1])
                    rs->kids[rs->nkids + nk++] = c;
            }
            rnode x = {0};
            if (nk == 0) {
                x.kind = RN_TRUE;
            } else if (nk == 1) {
                R->fast_root[mask] = rs->kids[first];
                continue;
            } else {
                x.kind = RN_AND;
                x.a = (uint32_t)first;
                x.n = (uint32_t)nk;
                rs->nkids += nk;
            }
            if (!push_node(rs, &cap, x, &R->fast_root[mask]))
                return false;
        }
    }
    return true;
}

/* ---- atoms ------------------------------------------------------------------------ */

typedef struct atom {
    uint32_t slot;
    uint32_t len;
    const char *s; /* folded, ASCII */
    unsigned rarity;
    uint32_t group; /* which of the rule's needs it serves (rule_need) */
} atom;

typedef struct atomvec {
    atom *v;
    size_t n, cap;
} atomvec;

/* A node's need: `top` (no atom can be required) or atoms [start, start+n)
 * of the vector, one of which must occur. */
typedef struct need {
    bool top;
    size_t start, n;
    unsigned score;
} need;

static bool atom_push(atomvec *av, atom a)
{
    if (av->n == av->cap) {
        size_t c = av->cap ? av->cap * 2 : 64;
        atom *p = sg_realloc(av->v, c * sizeof *p);
        if (!p)
            return false;
        av->v = p;
        av->cap = c;
    }
    av->v[av->n++] = a;
    return true;
}

/* Longest literal run a regex needs at its top level; 0 when unsure. */
static size_t regex_literal(const char *re, size_t n, char *out, size_t cap)
{
    char run[ATOM_MAX];
    size_t rl = 0, best = 0;
    if (memmem(re, n, "(?x", 3) || memmem(re, n, "(?-", 3))
        return 0;
    for (size_t i = 0; i < n;) {
        char c = re[i];
        bool lit = false;
        char ch = 0;
        size_t adv = 1;
        if (c == '\\') {
            if (i + 1 >= n)
                return 0;
            char e = re[i + 1];
            adv = 2;
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
                if (e == 'Q' || e == 'E' || e == 'x' || e == 'p' || e == 'P' || e == 'c' ||
                    e == 'o' || e == 'N' || e == 'k' || e == 'g')
                    return 0; /* forms this scanner does not follow */
                lit = false;
            } else {
                lit = true;
                ch = e;
            }
        } else if (c == '|') {
            return 0;
        } else if (c == '[') {
            size_t j = i + 1;
            if (j < n && re[j] == '^')
                j++;
            if (j < n && re[j] == ']')
                j++;
            while (j < n && re[j] != ']')
                j += re[j] == '\\' ? 2 : 1;
            if (j >= n)
                return 0;
            adv = j + 1 - i;
        } else if (c == '(') {
            int depth = 0;
            size_t j = i;
            for (; j < n; j++) {
                if (re[j] == '\\') {
                    j++;
                    continue;
                }
                if (re[j] == '[') {
                    j++;
                    if (j < n && re[j] == '^')
                        j++;
                    if (j < n && re[j] == ']')
                        j++;
                    while (j < n && re[j] != ']')
                        j += re[j] == '\\' ? 2 : 1;
                    continue;
                }
                if (re[j] == '(')
                    depth++;
                else if (re[j] == ')' && --depth == 0)
                    break;
            }
            if (j >= n)
                return 0;
            adv = j + 1 - i;
        } else if (strchr(".^$)", c)) {
            lit = false;
        } else if (c == '*' || c == '?' || c == '{') {
            /* the previous atom was optional: drop it from the run */
            if (rl)
                rl--;
            if (rl > best) {
                best = rl;
                memcpy(out, run, rl);
            }
            rl = 0;
            if (c == '{') {
                const char *close = memchr(re + i, '}', n - i);
                if (!close)
                    return 0;
                adv = (size_t)(close - (re + i)) + 1;
            }
            i += adv;
            if (i < n && (re[i] == '?' || re[i] == '+'))
                i++;
            continue;
        } else if (c == '+') {
            if (rl > best) {
                best = rl;
                memcpy(out, run, rl);
            }
            rl = 0;
            i++;
            if (i < n && (re[i] == '?' || re[i] == '+'))
                i++;
            continue;
        } else {
            lit = true;
            ch = c;
        }
        if (lit) {
            /* A quantifier may follow: keep the char; '*' '?' '{' drop it. */
            if (rl == ATOM_MAX) {
                if (rl > best) {
                    best = rl;
                    memcpy(out, run, rl);
                }
                memmove(run, run + 1, rl - 1);
                rl--;
            }
            run[rl++] = ch;
        } else {
            if (rl > best) {
                best = rl;
                memcpy(out, run, rl);
            }
            rl = 0;
        }
        i += adv;
    }
    if (rl > best) {
        best = rl;
        memcpy(out, run, rl);
    }
    (void)cap;
    return best;
}

/* Fragments that occur in most Windows events: an atom made of them hits
 * everything, so windows that avoid them are preferred (folded text). */
static const char *const common[] = {
    "c:\\", "\\windows\\", "\\system32\\", "\\syswow64\\", "\\program files",
    " (x86)\\", "\\users\\", "\\appdata\\", "\\local\\", "\\roaming\\",
    "\\microsoft\\", "\\temp\\", ".exe", ".dll", "http://", "https://", "\\software\\",
    "hklm\\", "hkcu\\", "hku\\", "\\currentversion\\", "\\control\\",
    "\\services\\", "\\currentcontrolset\\", "\\\\", "  ", " -", " /", "\\windows",
    "system32", "program files", "microsoft",
    /* in most events' user, process and service fields */
    "authori", "svchost", "explorer", "conhost", "sha256=", "sha1=", "md5=", "imphash=",
};

/* cov[i] = 1 when byte i of s is inside a common fragment. */
static void cover(const char *s, size_t n, unsigned char *cov)
{
    memset(cov, 0, n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
            const char *c = common[k];
            if (s[i] != c[0])
                continue;
            size_t l = strlen(c);
            if (i + l <= n && memcmp(s + i, c, l) == 0)
                memset(cov + i, 1, l);
        }
}

static unsigned atom_score(const atom *a)
{
    return a->rarity > 8 ? 8 : a->rarity;
}

/* The best window of a folded literal: no control characters, at most
 * ATOM_MAX bytes. The automaton looks for a window's first SG_AHO_DEPTH
 * bytes and verifies the rest, so those bytes are chosen as rare as
 * possible first (every occurrence of them costs a verification: "c:\\win"
 * would be seen in most events), then the whole window, the later one on
 * ties (suffixes of paths are more specific than their prefixes). The
 * automaton folds ASCII itself, so ASCII values are scanned as they are;
 * other values are folded first, so non-ASCII atoms are sound too. */
static bool best_window(const char *s, size_t n, size_t *off, size_t *len, unsigned *score)
{
    unsigned char covbuf[256];
    unsigned char *cov = n <= sizeof covbuf ? covbuf : sg_malloc(n);
    if (!cov)
        return false;
    cover(s, n, cov);
    bool found = false;
    unsigned best = 0;
    *score = 0;
    for (size_t a = 0; a < n;) {
        while (a < n && (unsigned char)s[a] < 0x20)
            a++;
        size_t b = a;
        while (b < n && (unsigned char)s[b] >= 0x20)
            b++;
        for (size_t i = a; i < b; i++) {
            size_t w = b - i < ATOM_MAX ? b - i : ATOM_MAX;
            if (b - a >= SG_AHO_DEPTH && w < SG_AHO_DEPTH)
                break; /* the automaton's key is a full prefix when it can be */
            unsigned head = 0, all = 0;
            for (size_t k = 0; k < w; k++) {
                all += !cov[i + k];
                if (k < SG_AHO_DEPTH)
                    head += !cov[i + k];
            }
            unsigned key = head * (ATOM_MAX + 1) + all;
            if (!found || key >= best) {
                found = true;
                best = key;
                *score = all;
                *off = i;
                *len = w;
            }
        }
        a = b;
    }
    if (cov != covbuf)
        sg_free(cov);
    return found;
}

/* The atom of one test, if it has one. */
static bool test_atom(sigma_ruleset *rs, const rtest *t, atom *out, bool *has)
{
    *has = false;
    for (unsigned k = 0; k < rs->ndisp; k++)
        if (t->slot == rs->disp_slot[k])
            return true; /* dispatch already checked it */
    const char *s = NULL;
    size_t n = 0;
    char rbuf[ATOM_MAX];
    bool cased = t->cased;
    if (t->kind == RT_STR) {
        s = t->lit;
        n = t->len;
    } else if (t->kind == RT_GLOB) {
        for (uint32_t i = 0; i < t->nsegs; i++)
            if (t->segs[i].kind == RS_LIT && t->segs[i].len > n) {
                s = t->segs[i].s;
                n = t->segs[i].len;
            }
    } else if (t->kind == RT_REGEX) {
        n = regex_literal(t->lit, t->len, rbuf, sizeof rbuf);
        s = rbuf;
        cased = true; /* raw regex text: fold it */
    }
    if (!n || !s)
        return true;
    if (cased) {
        char *f = sg_arena_alloc(rs->arena, n + 1);
        if (!f)
            return false;
        n = sg_fold(s, n, f);
        s = f;
    }
    size_t off, len;
    unsigned score;
    if (!best_window(s, n, &off, &len, &score))
        return true; /* only control characters: no atom */
    *out = (atom){t->slot, (uint32_t)len, s + off, score, 0};
    *has = true;
    return true;
}

static bool node_need(sigma_ruleset *rs, uint32_t n, atomvec *av, need *out, unsigned depth)
{
    const rnode *x = &rs->nodes[n];
    *out = (need){true, av->n, 0, 0};
    if (depth > 200)
        return true;
    switch (x->kind) {
    case RN_TEST: {
        atom a;
        bool has;
        if (!test_atom(rs, &rs->tests[x->a], &a, &has))
            return false;
        if (has) {
            if (!atom_push(av, a))
                return false;
            *out = (need){false, av->n - 1, 1, atom_score(&a)};
        }
        return true;
    }
    case RN_FALSE: /* never matches: needs nothing we could see */
        *out = (need){false, av->n, 0, 9};
        return true;
    case RN_OR: {
        size_t start = av->n;
        unsigned score = 9;
        for (uint32_t k = 0; k < x->n; k++) {
            need c;
            if (!node_need(rs, rs->kids[x->a + k], av, &c, depth + 1))
                return false;
            if (c.top) {
                av->n = start;
                return true;
            }
            /* children append in order, so their atoms are contiguous */
            if (c.score < score)
                score = c.score;
        }
        *out = (need){false, start, av->n - start, score};
        return true;
    }
    case RN_AND: {
        size_t start = av->n;
        need best = {true, start, 0, 0};
        for (uint32_t k = 0; k < x->n; k++) {
            size_t before = av->n;
            need c;
            if (!node_need(rs, rs->kids[x->a + k], av, &c, depth + 1))
                return false;
            bool better = !c.top && (best.top || c.score > best.score ||
                                     (c.score == best.score && c.n < best.n));
            if (better) {
                /* keep only this child's atoms, moved to `start` */
                memmove(av->v + start, av->v + c.start, c.n * sizeof *av->v);
                av->n = start + c.n;
                best = (need){false, start, c.n, c.score};
            } else {
                av->n = before;
            }
        }
        *out = best;
        return true;
    }
    default: /* NOT, TRUE: nothing is required */
        return true;
    }
}

/* A rule's needs: `top` (evaluated on every event of its groups), or
 * ngroups sets of atoms (atom.group), each of which must have one atom
 * occurring: the needs of up to SG_NEEDS_MAX conjuncts of a rule that is
 * an AND, so a rule with two rare conditions is not evaluated for an event
 * that has only one of them. */
typedef struct rule_need {
    bool top;
    atom *atoms;
    size_t n;
    unsigned ngroups;
} rule_need;

/* A conjunct's need is worth a group of its own only when its atoms are
 * this rare (see atom_score); the first group is always kept. */
#define EXTRA_NEED_SCORE 8

/* The needs of rule R (see rule_need): the best conjunct's, and those of
 * up to SG_NEEDS_MAX - 1 more conjuncts whose atoms are rare enough. The
 * atoms are copied into the arena a. */
static bool rule_needs(sigma_ruleset *rs, const rrule *R, atomvec *av, sg_arena *a,
                       rule_need *out)
{
    typedef struct cand {
        size_t start, n;
        unsigned score;
    } cand;
    cand c[SG_NEEDS_MAX];
    unsigned nc = 0;
    av->n = 0;
    const rnode root = rs->nodes[R->root];
    if (root.kind != RN_AND) {
        need nd;
        if (!node_need(rs, R->root, av, &nd, 0))
            return false;
        out->top = nd.top;
        if (!nd.top)
            c[nc++] = (cand){nd.start, nd.n, nd.score};
    } else {
        out->top = true;
        for (uint32_t k = 0; k < root.n; k++) {
            size_t before = av->n;
            need nd;
            if (!node_need(rs, rs->kids[root.a + k], av, &nd, 1))
                return false;
            if (nd.top) {
                av->n = before;
                continue;
            }
            out->top = false;
            /* keep the best SG_NEEDS_MAX (higher score, then fewer atoms) */
            cand x = {nd.start, nd.n, nd.score};
            unsigned at = nc;
            while (at > 0 && (c[at - 1].score < x.score ||
                              (c[at - 1].score == x.score && c[at - 1].n > x.n)))
                at--;
            if (at >= SG_NEEDS_MAX)
                continue; /* its atoms stay unused in av */
            if (nc == SG_NEEDS_MAX)
                nc--;
            memmove(c + at + 1, c + at, (nc - at) * sizeof *c);
            c[at] = x;
            nc++;
        }
    }
    out->n = 0;
    out->ngroups = 0;
    if (out->top)
        return true;
    size_t total = 0;
    for (unsigned i = 0; i < nc; i++)
        total += c[i].n;
    out->atoms = sg_arena_alloc(a, (total ? total : 1) * sizeof(atom));
    if (!out->atoms)
        return false;
    for (unsigned i = 0; i < nc; i++) {
        if (i > 0 && c[i].score < EXTRA_NEED_SCORE)
            break;
        for (size_t j = 0; j < c[i].n; j++) {
            atom x = av->v[c[i].start + j];
            x.group = i;
            out->atoms[out->n++] = x;
        }
        out->ngroups++;
    }
    return true;
}

/* ---- string sets ------------------------------------------------------------------------ */

/* Fewer literals than this are compared one by one: a test costs about as
 * much as a few bytes of automaton scan. */
#define SET_MIN 4

/* A kid a string set can decide: a case-insensitive literal test. */
static bool set_member(const sigma_ruleset *rs, uint32_t kid, uint32_t *slot)
{
    const rnode *x = &rs->nodes[kid];
    if (x->kind != RN_TEST)
        return false;
    const rtest *t = &rs->tests[x->a];
    if (t->kind != RT_STR || t->cased || !t->len || t->len > UINT32_MAX / 2)
        return false;
    *slot = t->slot;
    return true;
}

static bool set_add(sigma_ruleset *rs, size_t *cap, const uint32_t *kids, size_t n, uint32_t slot)
{
    if (rs->nsets == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        rset *p = sg_realloc(rs->sets, c * sizeof *p);
        if (!p)
            return false;
        rs->sets = p;
        *cap = c;
    }
    rset *S = &rs->sets[rs->nsets];
    memset(S, 0, sizeof *S);
    S->slot = slot;
    S->mode = sg_arena_alloc(rs->arena, n);
    S->len = sg_arena_alloc(rs->arena, n * sizeof *S->len);
    sg_aho_builder *b = sg_aho_builder_new();
    bool ok = S->mode && S->len && b;
    for (size_t i = 0; ok && i < n; i++) {
        const rtest *t = &rs->tests[rs->nodes[kids[i]].a];
        S->mode[i] = t->mode;
        S->len[i] = (uint32_t)t->len;
        S->modes |= (uint8_t)(1u << t->mode);
        if (t->len > S->maxlen)
            S->maxlen = (uint32_t)t->len;
        ok = sg_aho_add(b, t->lit, t->len, (uint32_t)i);
    }
    if (ok)
        ok = (S->ac = sg_aho_build(b)) != NULL;
    sg_aho_builder_free(b);
    if (!ok)
        return false;
    rs->ac_memory += sg_aho_memory(S->ac);
    rs->nsets++;
    return true;
}

/* Give every OR with SET_MIN or more literal tests on one field a string
 * set for them, moving those kids to the front (an OR's kids can be
 * evaluated in any order). */
static bool build_sets(sigma_ruleset *rs)
{
    size_t cap = 0;
    for (size_t n = 0; n < rs->nnodes; n++) {
        rnode *x = &rs->nodes[n];
        if (x->kind != RN_OR || x->n < SET_MIN || x->n > UINT16_MAX)
            continue;
        uint32_t *k = rs->kids + x->a;
        x->set = (uint32_t)rs->nsets;
        size_t done = 0;
        for (size_t i = 0; i < x->n; i++) {
            uint32_t slot, s2;
            if (i < done || !set_member(rs, k[i], &slot) || x->nsets == UINT8_MAX)
                continue;
            size_t cnt = 0;
            for (size_t j = i; j < x->n; j++)
                cnt += set_member(rs, k[j], &s2) && s2 == slot;
            if (cnt < SET_MIN)
                continue;
            /* stable partition of k[done..n): this slot's members first */
            uint32_t tmp[64];
            size_t rest = x->n - done;
            uint32_t *t = rest <= 64 ? tmp : sg_malloc(rest * sizeof *t);
            if (!t)
                return false;
            size_t a = 0, b = cnt;
            for (size_t j = done; j < x->n; j++) {
                bool mem = set_member(rs, k[j], &s2) && s2 == slot;
                t[mem ? a++ : b++] = k[j];
            }
            memcpy(k + done, t, rest * sizeof *t);
            if (t != tmp)
                sg_free(t);
            if (!set_add(rs, &cap, k + done, cnt, slot))
                return false;
            x->nsets++;
            done += cnt;
            i = done - 1;
        }
        x->nset = (uint16_t)done;
    }
    return true;
}

/* ---- building ----------------------------------------------------------------------- */

/* How a canonical JSON writer spells the atom (no control characters)
 * inside a string: only '"' and '\\' are escaped. */
static size_t json_escape(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            out[k++] = '\\';
        out[k++] = s[i];
    }
    return k;
}

typedef struct pair {
    uint32_t pat, rule; /* rule << 2 | group (rs->pat_rules) */
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->pat != y->pat)
        return x->pat < y->pat ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Also after a build that failed half-way: ngroups counts the groups
 * before the array that holds them is allocated. */
void sg_prefilter_free(sigma_ruleset *rs)
{
    for (size_t i = 0; rs->sets && i < rs->nsets; i++)
        sg_aho_free(rs->sets[i].ac);
    sg_free(rs->sets);
    for (size_t g = 0; rs->groups && g < rs->ngroups; g++) {
        for (size_t f = 0; f < rs->groups[g].nfields; f++)
            sg_aho_free(rs->groups[g].fields[f].ac);
        sg_aho_free(rs->groups[g].kw_json);
        sg_free(rs->groups[g].fields);
        sg_free(rs->groups[g].always);
    }
    sg_free(rs->groups);
    sg_free(rs->combo);
    sg_free(rs->pat_off);
    sg_free(rs->pat_rules);
    sg_free(rs->rule_needs);
    rs->sets = NULL;
    rs->groups = NULL;
    rs->combo = NULL;
    rs->pat_off = rs->pat_rules = NULL;
    rs->rule_needs = NULL;
    rs->nsets = rs->ngroups = 0;
}

/* Pick the dispatch fields: the slots most rules pin with equalities. */
static void choose_dispatch(sigma_ruleset *rs)
{
    size_t *count = sg_calloc(rs->nslots ? rs->nslots : 1, sizeof *count);
    if (!count)
        return;
    for (size_t r = 0; r < rs->nrules; r++) {
        size_t nc;
        const uint32_t *c = conjuncts(rs, &rs->rules[r].root, &nc);
        for (size_t i = 0; i < nc; i++) {
            uint32_t s = pinned_slot(rs, c[i]);
            if (s != SG_NO_SLOT && pin_of(rs, &rs->rules[r], s) == c[i])
                count[s]++;
        }
    }
    rs->ndisp = 0;
    for (unsigned k = 0; k < 2; k++) {
        size_t best = 0;
        uint32_t bs = SG_NO_SLOT;
        for (size_t s = 0; s < rs->nslots; s++)
            if (count[s] > best && (k == 0 || s != rs->disp_slot[0])) {
                best = count[s];
                bs = (uint32_t)s;
            }
        /* A field few rules pin is not worth a lookup per event. */
        if (bs == SG_NO_SLOT || best * 20 < rs->nrules || best < 2)
            break;
        rs->disp_slot[rs->ndisp++] = bs;
    }
    sg_free(count);
}

bool sg_prefilter_build(sigma_ruleset *rs)
{
    bool ok = false;
    size_t nr = rs->nrules, nw = (nr + 63) / 64 ? (nr + 63) / 64 : 1;
    uint64_t *accept[2] = {NULL, NULL};
    uint64_t *sets = NULL;
    rule_need *needs = NULL;
    atomvec av = {0};
    pair *pairs = NULL;
    size_t npairs = 0, cappairs = 0;
    uint32_t *keys = NULL;
    size_t nkeys = 0, capkeys = 0;
    size_t ncombo = 1;
    sg_strmap patmap = {0};
    sg_arena *tmp = sg_arena_create();
    if (!tmp)
        return false;

    if (!build_sets(rs))
        goto out;
    choose_dispatch(rs);
    if (!skip_pins(rs))
        goto out;

    /* Value tables and, per value, the rules that accept it (index 0 =
     * any value no rule names, or absent: only rules that do not pin the
     * field accept it). */
    size_t nv[2] = {0, 0};
    for (unsigned k = 0; k < rs->ndisp; k++) {
        for (size_t r = 0; r < nr; r++) {
            uint32_t pin = pin_of(rs, &rs->rules[r], rs->disp_slot[k]);
            nkeys = 0;
            if (pin != UINT32_MAX && !collect_keys(rs, k, pin, &keys, &nkeys, &capkeys))
                goto out;
        }
        nv[k] = rs->disp_map[k].n + 1;
        accept[k] = sg_calloc(nv[k] * nw, sizeof(uint64_t));
        if (!accept[k])
            goto out;
        for (size_t r = 0; r < nr; r++) {
            uint32_t pin = pin_of(rs, &rs->rules[r], rs->disp_slot[k]);
            if (pin == UINT32_MAX) {
                for (size_t v = 0; v < nv[k]; v++)
                    accept[k][v * nw + r / 64] |= 1ull << (r % 64);
                continue;
            }
            nkeys = 0;
            if (!collect_keys(rs, k, pin, &keys, &nkeys, &capkeys))
                goto out;
            for (size_t i = 0; i < nkeys; i++)
                accept[k][keys[i] * nw + r / 64] |= 1ull << (r % 64);
        }
        ncombo *= nv[k];
    }
    /* Combos -> groups (identical rule sets share a group). */
    rs->combo = sg_calloc(ncombo, sizeof *rs->combo);
    sets = sg_calloc(ncombo * nw, sizeof *sets);
    if (!rs->combo || !sets)
        goto out;
    sg_strmap setmap = {0};
    for (size_t c = 0; c < ncombo; c++) {
        uint64_t *w = sets + c * nw;
        size_t v0 = rs->ndisp > 0 ? c / (rs->ndisp > 1 ? nv[1] : 1) : 0;
        size_t v1 = rs->ndisp > 1 ? c % nv[1] : 0;
        for (size_t i = 0; i < nw; i++) {
            uint64_t x = i == nw - 1 && nr % 64 ? (1ull << (nr % 64)) - 1 : ~0ull;
            if (!nr)
                x = 0;
            if (rs->ndisp > 0)
                x &= accept[0][v0 * nw + i];
            if (rs->ndisp > 1)
                x &= accept[1][v1 * nw + i];
            w[i] = x;
        }
        uint32_t g = sg_strmap_get(&setmap, (const char *)w, nw * 8);
        if (g == UINT32_MAX) {
            g = (uint32_t)rs->ngroups++;
            if (!sg_strmap_put(tmp, &setmap, (const char *)w, nw * 8, g))
                goto out;
        }
        rs->combo[c] = g;
    }
    /* Each rule's atoms. */
    needs = sg_calloc(nr ? nr : 1, sizeof *needs);
    rs->rule_needs = sg_calloc(nr ? nr : 1, sizeof *rs->rule_needs);
    if (!needs || !rs->rule_needs)
        goto out;
    for (size_t r = 0; r < nr; r++)
        if (!rule_needs(rs, &rs->rules[r], &av, tmp, &needs[r]))
            goto out;
        else
            rs->rule_needs[r] = (uint8_t)(needs[r].ngroups ? needs[r].ngroups : 1);
    /* Groups: always-rules, and per slot an automaton of the atoms. */
    rs->groups = sg_calloc(rs->ngroups ? rs->ngroups : 1, sizeof *rs->groups);
    uint32_t *first_combo = sg_arena_alloc(tmp, (rs->ngroups + 1) * sizeof *first_combo);
    if (!rs->groups || !first_combo)
        goto out;
    for (size_t c = ncombo; c-- > 0;)
        first_combo[rs->combo[c]] = (uint32_t)c;
    uint32_t npat = 0;
    for (size_t g = 0; g < rs->ngroups; g++) {
        rgroup *G = &rs->groups[g];
        const uint64_t *w = sets + (size_t)first_combo[g] * nw;
        /* slot -> automaton builder for this group */
        sg_aho_builder **ab = sg_calloc(rs->nslots ? rs->nslots : 1, sizeof *ab);
        if (!ab)
            goto out;
        memset(&patmap, 0, sizeof patmap);
        bool fail = false;
        sg_aho_builder *ab_kw = NULL;
        G->kw_ascii = true;
        for (size_t r = 0; r < nr && !fail; r++) {
            if (!(w[r / 64] >> (r % 64) & 1))
                continue;
            G->nrules++;
            if (needs[r].top) {
                uint32_t *p = sg_realloc(G->always, (G->nalways + 1) * sizeof *p);
                if (!p) {
                    fail = true;
                    break;
                }
                G->always = p;
                G->always[G->nalways++] = (uint32_t)r;
                continue;
            }
            for (size_t i = 0; i < needs[r].n && !fail; i++) {
                const atom *a = &needs[r].atoms[i];
                /* key: slot + bytes, so equal atoms of one slot share an id */
                char kb[ATOM_MAX + 8];
                memcpy(kb, &a->slot, 4);
                memcpy(kb + 4, a->s, a->len);
                uint32_t pid = sg_strmap_get(&patmap, kb, 4 + a->len);
                if (pid == UINT32_MAX) {
                    pid = npat++;
                    if (!ab[a->slot] && !(ab[a->slot] = sg_aho_builder_new()))
                        fail = true;
                    else if (!sg_strmap_put(tmp, &patmap, kb, 4 + a->len, pid) ||
                             !sg_aho_add(ab[a->slot], a->s, a->len, pid))
                        fail = true;
                    else if (a->slot == rs->kw_slot) {
                        char esc[2 * ATOM_MAX];
                        size_t el = json_escape(a->s, a->len, esc);
                        G->kw_ascii &= sg_is_ascii(a->s, a->len);
                        if (!ab_kw && (ab_kw = sg_aho_builder_new()) != NULL)
                            sg_aho_builder_want_anchor(ab_kw);
                        if (!ab_kw || !sg_aho_add(ab_kw, esc, el, pid))
                            fail = true;
                    }
                }
                if (npairs == cappairs) {
                    size_t cp = cappairs ? cappairs * 2 : 1024;
                    pair *p = sg_realloc(pairs, cp * sizeof *p);
                    if (!p) {
                        fail = true;
                        break;
                    }
                    pairs = p;
                    cappairs = cp;
                }
                pairs[npairs++] = (pair){pid, (uint32_t)r << 2 | a->group};
            }
        }
        /* Keywords in JSON events: the same atoms JSON-escaped, scanned over
         * the event's text (see rgroup.kw_json). */
        if (ab_kw && !fail) {
            G->kw_json = sg_aho_build(ab_kw);
            if (!G->kw_json)
                fail = true;
            else
                rs->ac_memory += sg_aho_memory(G->kw_json);
        }
        sg_aho_builder_free(ab_kw);
        for (size_t s = 0; s < rs->nslots; s++) {
            if (!ab[s])
                continue;
            if (!fail) {
                gfield *f = sg_realloc(G->fields, (G->nfields + 1) * sizeof *f);
                sg_aho *ac = f ? sg_aho_build(ab[s]) : NULL;
                if (f)
                    G->fields = f;
                if (!ac) {
                    fail = true;
                } else {
                    G->fields[G->nfields++] = (gfield){(uint32_t)s, ac};
                    rs->ac_memory += sg_aho_memory(ac);
                    rs->ac_states += sg_aho_states(ac);
                }
            }
            sg_aho_builder_free(ab[s]);
        }
        sg_free(ab);
        rs->nalways_total += G->nalways;
        if (fail)
            goto out;
    }
    /* pattern -> rules, compressed rows */
    if (npairs)
        qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    rs->npatterns = npat;
    rs->pat_off = sg_calloc((size_t)npat + 1, sizeof *rs->pat_off);
    rs->pat_rules = sg_malloc((npairs ? npairs : 1) * sizeof *rs->pat_rules);
    if (!rs->pat_off || !rs->pat_rules)
        goto out;
    size_t k = 0, i = 0;
    for (uint32_t p = 0; p < npat; p++) {
        rs->pat_off[p] = (uint32_t)k;
        uint32_t last = UINT32_MAX;
        for (; i < npairs && pairs[i].pat == p; i++)
            if (pairs[i].rule != last)
                rs->pat_rules[k++] = last = pairs[i].rule;
    }
    rs->pat_off[npat] = (uint32_t)k;
    ok = true;
out:
    sg_free(accept[0]);
    sg_free(accept[1]);
    sg_free(sets);
    sg_free(needs);
    sg_free(av.v);
    sg_free(pairs);
    sg_free(keys);
    sg_arena_destroy(tmp);
    return ok;
}
