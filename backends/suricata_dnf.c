/* suricata_dnf.c - a rule's condition as Suricata can take it.
 *
 * A Suricata rule is a conjunction: its options are ANDed. So the condition
 * is put in negation normal form (NOT only on tests), every maximal subtree
 * that tests one buffer or one header side becomes an atom (one buffer can
 * say OR and NOT inside a pcre; one address side inside `[a,!b]`), and the
 * rest is multiplied out into a disjunction of conjunctions, one Suricata
 * rule each. */
#include "suricata.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void *sc_fail(sc_ctx *cx, sg_pos pos, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cx->st == SIGMA_OK)
        cx->st = sg_unsupported(cx->d, cx->r, pos, SC_TARGET, "%s", msg);
    return NULL;
}

/* 'cs-host' (http.host): the name the rule wrote, found in the pipeline's
 * record of its mappings ("cs-host -> http.host, …"), then ours. */
const char *sc_name(sc_ctx *cx, const char *field)
{
    if (!field)
        return "a keyword";
    size_t fl = strlen(field);
    for (size_t i = 0; i < cx->r->napplied; i++) {
        const char *w = cx->r->applied[i].what;
        for (const char *p = w ? strstr(w, " -> ") : NULL; p; p = strstr(p + 4, " -> ")) {
            const char *to = p + 4;
            if (strncmp(to, field, fl) || (to[fl] && to[fl] != ','))
                continue;
            const char *from = p;
            while (from > w && !(from[-1] == ' ' && from - 1 > w && from[-2] == ','))
                from--;
            const char *s = sg_arena_printf(cx->a, "'%.*s' (%s)", (int)(p - from), from, field);
            return s ? s : field;
        }
    }
    const char *s = sg_arena_printf(cx->a, "'%s'", field);
    return s ? s : field;
}

void *sc_oom(sc_ctx *cx)
{
    cx->st = SIGMA_ENOMEM;
    return NULL;
}

sc_node *sc_node_new(sc_ctx *cx, sc_nkind kind)
{
    sc_node *n = sg_arena_alloc(cx->a, sizeof *n);
    if (!n)
        return sc_oom(cx);
    n->kind = kind;
    return n;
}

bool sc_node_add(sc_ctx *cx, sc_node *p, sc_node *k)
{
    sc_node **v = sg_arena_grow(cx->a, p->kids, p->nkids, p->nkids + 1, sizeof *v);
    if (!v) {
        sc_oom(cx);
        return false;
    }
    v[p->nkids++] = k;
    p->kids = v;
    return true;
}

/* ---- negation normal form ------------------------------------------------------- */

static sc_node *leaf(sc_ctx *cx, const ir_node *n, bool neg)
{
    const ir_test *t = n->test;
    const sc_field *f;
    if (!t->field) {
        f = sc_field_payload();
    } else if (!(f = sc_field_find(t->field))) {
        return sc_fail(cx, t->pos, "field '%s' cannot be matched on the network: %s", t->field,
                       sc_field_unknown_reason(t->field));
    }
    switch (t->kind) {
    case IR_T_FIELDREF:
        return sc_fail(cx, t->pos, "%s: Suricata cannot compare two fields", sc_name(cx, t->field));
    case IR_T_TIMEPART:
        return sc_fail(cx, t->pos, "%s: Suricata has no date parts", sc_name(cx, t->field));
    case IR_T_EXPR:
        return sc_fail(cx, t->pos, "%s: a pipeline expression is not Suricata text",
                       sc_name(cx, t->field));
    default:
        break;
    }
    sc_node *l = sc_node_new(cx, SC_N_LEAF);
    if (!l)
        return NULL;
    l->test = t;
    l->field = f;
    l->neg = neg;
    return l;
}

static sc_node *nnf(sc_ctx *cx, const ir_node *n, bool neg, unsigned depth)
{
    if (depth > 1000)
        return sc_fail(cx, n->pos, "condition nested too deeply");
    switch (n->kind) {
    case IR_TRUE:
    case IR_FALSE:
        return sc_node_new(cx, (n->kind == IR_TRUE) != neg ? SC_N_TRUE : SC_N_FALSE);
    case IR_NOT:
        return nnf(cx, n->kids[0], !neg, depth + 1);
    case IR_TEST:
        return leaf(cx, n, neg);
    case IR_AND:
    case IR_OR: {
        bool is_and = (n->kind == IR_AND) != neg;
        sc_node *p = sc_node_new(cx, is_and ? SC_N_AND : SC_N_OR);
        if (!p)
            return NULL;
        for (size_t i = 0; i < n->nkids; i++) {
            sc_node *k = nnf(cx, n->kids[i], neg, depth + 1);
            if (!k)
                return NULL;
            /* fold constants and flatten as we go */
            if (k->kind == (is_and ? SC_N_TRUE : SC_N_FALSE))
                continue;
            if (k->kind == (is_and ? SC_N_FALSE : SC_N_TRUE))
                return k;
            if (k->kind == p->kind) {
                for (size_t j = 0; j < k->nkids; j++)
                    if (!sc_node_add(cx, p, k->kids[j]))
                        return NULL;
            } else if (!sc_node_add(cx, p, k)) {
                return NULL;
            }
        }
        if (p->nkids == 0)
            return sc_node_new(cx, is_and ? SC_N_TRUE : SC_N_FALSE);
        return p->nkids == 1 ? p->kids[0] : p;
    }
    }
    return sc_fail(cx, n->pos, "unknown condition node");
}

sc_node *sc_nnf(sc_ctx *cx, const ir_node *n)
{
    if (!n)
        return sc_fail(cx, (sg_pos){0}, "rule has no condition");
    return nnf(cx, n, false, 0);
}

/* ---- atoms ------------------------------------------------------------------------ */

/* A leaf that only says "present" / "absent" (null, exists, `*`). */
static bool presence_leaf(const sc_node *n, bool *present)
{
    const ir_test *t = n->test;
    bool p;
    if (t->kind == IR_T_NULL)
        p = false;
    else if (t->kind == IR_T_EXISTS)
        p = t->exists;
    else if (t->kind == IR_T_STR && t->mode == IR_STR_CONTAINS && t->nsegs == 0)
        p = true;
    else
        return false;
    *present = p != n->neg;
    return true;
}

/* Leaves that can share an atom with other leaves of the same field. */
static bool groupable(const sc_node *n)
{
    bool p;
    switch (n->field->kind) {
    case SC_F_ADDR:
    case SC_F_PORT:
        return true;
    case SC_F_BUF:
    case SC_F_PAYLOAD:
    case SC_F_TFTP_NAME:
        return !presence_leaf(n, &p);
    default:
        return false;
    }
}

/* The one field every leaf below tests, or NULL. */
static const sc_field *slot(const sc_node *n)
{
    if (n->kind == SC_N_LEAF)
        return groupable(n) ? n->field : NULL;
    if (n->kind != SC_N_AND && n->kind != SC_N_OR)
        return NULL;
    const sc_field *f = NULL;
    for (size_t i = 0; i < n->nkids; i++) {
        const sc_field *g = slot(n->kids[i]);
        if (!g || (f && f != g))
            return NULL;
        f = g;
    }
    return f;
}

bool sc_true_when_absent(const sc_node *n)
{
    switch (n->kind) {
    case SC_N_LEAF:
        return n->neg;
    case SC_N_TRUE:
        return true;
    case SC_N_FALSE:
        return false;
    case SC_N_AND:
        for (size_t i = 0; i < n->nkids; i++)
            if (!sc_true_when_absent(n->kids[i]))
                return false;
        return true;
    case SC_N_OR:
        for (size_t i = 0; i < n->nkids; i++)
            if (sc_true_when_absent(n->kids[i]))
                return true;
        return false;
    default:
        return false;
    }
}

/* A user regex that numbers or names its groups cannot be pasted next to
 * another one in a single pcre. */
static bool regex_has_refs(const ir_test *t)
{
    const char *s = t->re;
    for (size_t i = 0; i + 1 < t->re_len; i++) {
        if (s[i] == '\\') {
            char c = s[i + 1];
            if ((c >= '1' && c <= '9') || c == 'g' || c == 'k')
                return true;
            i++;
        } else if (s[i] == '(' && s[i + 1] == '?' && i + 2 < t->re_len) {
            char c = s[i + 2];
            if (c == 'P' || c == '\'' ||
                (c == '<' && i + 3 < t->re_len && s[i + 3] != '=' && s[i + 3] != '!'))
                return true;
        }
    }
    return false;
}

static size_t count_regex(const sc_node *n, bool *refs)
{
    if (n->kind == SC_N_LEAF) {
        if (n->test->kind != IR_T_REGEX)
            return 0;
        *refs |= regex_has_refs(n->test);
        return 1;
    }
    size_t c = 0;
    for (size_t i = 0; i < n->nkids; i++)
        c += count_regex(n->kids[i], refs);
    return c;
}

static sc_node *atom_node(sc_ctx *cx, sc_akind kind, const sc_field *f, sc_node *tree, bool neg)
{
    sc_atom *at = sg_arena_alloc(cx->a, sizeof *at);
    sc_node *n = sc_node_new(cx, SC_N_ATOM);
    if (!at || !n)
        return sc_oom(cx);
    at->kind = kind;
    at->field = f;
    at->tree = tree;
    at->neg = neg;
    n->atom = at;
    return n;
}

static sg_pos node_pos(const sc_node *n)
{
    while (n->kind != SC_N_LEAF && n->nkids)
        n = n->kids[0];
    return n->kind == SC_N_LEAF ? n->test->pos : (sg_pos){0};
}

/* A subtree over one buffer. Sigma's `not` is true on a missing field,
 * Suricata's negated content is not: where the subtree is true on absence,
 * it becomes (absent OR subtree), when absence can be tested. */
static sc_node *buffer_atom(sc_ctx *cx, sc_node *n, const sc_field *f)
{
    sc_node *g = atom_node(cx, SC_A_GROUP, f, n, false);
    if (!g || (f->flags & SC_ALWAYS) || !sc_true_when_absent(n))
        return g;
    if (!f->header)
        return sc_fail(cx, node_pos(n),
                       "%s under 'not' is also true when an event has no %s, and Suricata "
                       "cannot test that %s is absent",
                       sc_name(cx, n->kind == SC_N_LEAF ? n->test->field : f->name), f->name,
                       f->keyword);
    sc_node *absent = atom_node(cx, SC_A_PRESENT, f, NULL, true);
    sc_node *or = sc_node_new(cx, SC_N_OR);
    if (!absent || !or || !sc_node_add(cx, or, absent) || !sc_node_add(cx, or, g))
        return NULL;
    return or;
}

static sc_node *leaf_atom(sc_ctx *cx, sc_node *n)
{
    bool present;
    if (n->field->kind == SC_F_PROTO)
        return atom_node(cx, SC_A_PROTO, n->field, n, false);
    if (n->field->kind == SC_F_TFTP_WRITE || n->field->kind == SC_F_INITIATED)
        return atom_node(cx, SC_A_FLAG, n->field, n, false);
    if (presence_leaf(n, &present)) {
        if (n->field->kind == SC_F_ADDR || n->field->kind == SC_F_PORT)
            return sc_fail(cx, n->test->pos,
                           "%s: every packet has addresses and ports; a null/exists test "
                           "on them means nothing to Suricata", sc_name(cx, n->test->field));
        if (n->field->kind == SC_F_PAYLOAD)
            return sc_fail(cx, n->test->pos, "a keyword that matches anything");
        return atom_node(cx, SC_A_PRESENT, n->field, NULL, !present);
    }
    return NULL; /* groupable: not reached */
}

static sc_node *atomise(sc_ctx *cx, sc_node *n, bool whole);

/* AND/OR: kids on the same field are gathered first (the operators are
 * associative and commutative), so `not a and not b` on one buffer is one
 * atom however the condition spelled it. */
static sc_node *atomise_kids(sc_ctx *cx, sc_node *n, bool whole)
{
    sc_node *p = sc_node_new(cx, n->kind);
    bool *used = sg_arena_alloc(cx->a, n->nkids * sizeof *used);
    if (!p || !used)
        return sc_oom(cx);
    for (size_t i = 0; i < n->nkids; i++) {
        if (used[i])
            continue;
        const sc_field *f = slot(n->kids[i]);
        sc_node *k = n->kids[i];
        if (f) {
            sc_node *bucket = sc_node_new(cx, n->kind);
            if (!bucket)
                return NULL;
            for (size_t j = i; j < n->nkids; j++)
                if (!used[j] && slot(n->kids[j]) == f) {
                    used[j] = true;
                    if (!sc_node_add(cx, bucket, n->kids[j]))
                        return NULL;
                }
            /* all kids in one bucket is n itself, already tried whole */
            if (bucket->nkids > 1 && (bucket->nkids < n->nkids || whole))
                k = bucket;
            else if (bucket->nkids > 1) {
                for (size_t j = 0; j < bucket->nkids; j++) {
                    sc_node *a = atomise(cx, bucket->kids[j], true);
                    if (!a || !sc_node_add(cx, p, a))
                        return NULL;
                }
                continue;
            }
        }
        sc_node *a = atomise(cx, k, true);
        if (!a || !sc_node_add(cx, p, a))
            return NULL;
    }
    return p->nkids == 1 ? p->kids[0] : p;
}

/* `whole`: n may become one atom itself. */
static sc_node *atomise(sc_ctx *cx, sc_node *n, bool whole)
{
    if (n->kind == SC_N_TRUE || n->kind == SC_N_FALSE)
        return n;
    const sc_field *f = whole ? slot(n) : NULL;
    if (f) {
        bool ok = true, refs = false;
        if (f->kind == SC_F_ADDR) {
            sc_addrset s;
            if (!sc_addr_eval(cx, n, &s, &ok) && cx->st != SIGMA_OK)
                return NULL;
        } else if (f->kind != SC_F_PORT) {
            ok = count_regex(n, &refs) <= 1 || !refs;
        }
        if (ok || n->kind == SC_N_LEAF)
            return f->kind == SC_F_ADDR || f->kind == SC_F_PORT
                       ? atom_node(cx, SC_A_GROUP, f, n, false)
                       : buffer_atom(cx, n, f);
        return atomise_kids(cx, n, false);
    }
    if (n->kind == SC_N_LEAF)
        return leaf_atom(cx, n);
    return atomise_kids(cx, n, true);
}

sc_node *sc_atomise(sc_ctx *cx, sc_node *n)
{
    return atomise(cx, n, true);
}

/* ---- disjunctive normal form --------------------------------------------------------- */

/* Number of terms, saturating at `cap`. */
static uint64_t count_terms(const sc_node *n, uint64_t cap)
{
    uint64_t c;
    switch (n->kind) {
    case SC_N_FALSE:
        return 0;
    case SC_N_AND:
        c = 1;
        for (size_t i = 0; i < n->nkids; i++) {
            uint64_t k = count_terms(n->kids[i], cap);
            c = k && c > cap / k ? cap : c * k;
        }
        return c > cap ? cap : c;
    case SC_N_OR:
        c = 0;
        for (size_t i = 0; i < n->nkids; i++)
            c += count_terms(n->kids[i], cap);
        return c > cap ? cap : c;
    default:
        return 1;
    }
}

typedef struct termlist {
    sc_term *v;
    size_t n;
} termlist;

static bool term_concat(sc_ctx *cx, const sc_term *x, const sc_term *y, sc_term *out)
{
    out->n = x->n + y->n;
    out->atoms = sg_arena_alloc(cx->a, (out->n ? out->n : 1) * sizeof *out->atoms);
    if (!out->atoms) {
        sc_oom(cx);
        return false;
    }
    if (x->n)
        memcpy(out->atoms, x->atoms, x->n * sizeof *out->atoms);
    if (y->n)
        memcpy(out->atoms + x->n, y->atoms, y->n * sizeof *out->atoms);
    return true;
}

static bool expand(sc_ctx *cx, const sc_node *n, termlist *out)
{
    out->v = NULL;
    out->n = 0;
    switch (n->kind) {
    case SC_N_FALSE:
        return true;
    case SC_N_TRUE:
        out->v = sg_arena_alloc(cx->a, sizeof *out->v);
        out->n = 1;
        return out->v || sc_oom(cx);
    case SC_N_ATOM:
        out->v = sg_arena_alloc(cx->a, sizeof *out->v);
        if (!out->v)
            return sc_oom(cx);
        out->v->atoms = sg_arena_alloc(cx->a, sizeof *out->v->atoms);
        if (!out->v->atoms)
            return sc_oom(cx);
        out->v->atoms[0] = n->atom;
        out->v->n = 1;
        out->n = 1;
        return true;
    case SC_N_OR: {
        termlist parts[1];
        for (size_t i = 0; i < n->nkids; i++) {
            if (!expand(cx, n->kids[i], parts))
                return false;
            sc_term *v = sg_arena_grow(cx->a, out->v, out->n, out->n + parts->n + 1, sizeof *v);
            if (!v)
                return sc_oom(cx);
            if (parts->n)
                memcpy(v + out->n, parts->v, parts->n * sizeof *v);
            out->v = v;
            out->n += parts->n;
        }
        return true;
    }
    case SC_N_AND: {
        termlist acc;
        acc.v = sg_arena_alloc(cx->a, sizeof *acc.v);
        if (!acc.v)
            return sc_oom(cx);
        acc.n = 1; /* the empty conjunction */
        for (size_t i = 0; i < n->nkids && acc.n; i++) {
            termlist k;
            if (!expand(cx, n->kids[i], &k))
                return false;
            termlist next;
            next.n = 0;
            next.v = sg_arena_alloc(cx->a, (acc.n * k.n + 1) * sizeof *next.v);
            if (!next.v)
                return sc_oom(cx);
            for (size_t a = 0; a < acc.n; a++)
                for (size_t b = 0; b < k.n; b++)
                    if (!term_concat(cx, &acc.v[a], &k.v[b], &next.v[next.n++]))
                        return false;
            acc = next;
        }
        *out = acc;
        return true;
    }
    default:
        return sc_fail(cx, (sg_pos){0}, "internal: leaf outside an atom");
    }
}

bool sc_dnf(sc_ctx *cx, sc_node *n, sc_term **terms, size_t *nterms)
{
    const uint64_t cap = 1000000000ull;
    uint64_t c = count_terms(n, cap);
    if (c > SC_MAX_RULES) {
        sc_fail(cx, (sg_pos){0},
                "the condition would need %s%llu Suricata rules (one per alternative across "
                "different buffers or headers; the limit is %d)",
                c >= cap ? "more than " : "", (unsigned long long)c, SC_MAX_RULES);
        return false;
    }
    termlist out;
    if (!expand(cx, n, &out))
        return false;
    *terms = out.v;
    *nterms = out.n;
    return true;
}
