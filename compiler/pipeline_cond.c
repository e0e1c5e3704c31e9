/* pipeline_cond.c - when does a pipeline item apply?
 *
 * Three kinds of conditions, as in pySigma: on the rule, on a detection
 * item (one field with its values), on a field name. Each item holds a set
 * of each kind, joined by `*_cond_op` (and/or, default and), `*_cond_not`,
 * or a boolean expression over named conditions (`*_cond_expr`), parsed
 * here by a small recursive-descent parser. An empty set always matches. */
#include "pipeline_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- condition expressions ------------------------------------------------------- */

typedef struct ep {
    sg_arena *a;
    const char *s;
    size_t i;
    const pl_condset *set;
    sg_pos pos;
    sg_diags *d;
    bool err, *oom;
    bool *used;
} ep;

static void ep_skip(ep *P)
{
    while (P->s[P->i] == ' ' || P->s[P->i] == '\t' || P->s[P->i] == '\n' || P->s[P->i] == '\r')
        P->i++;
}

static bool idchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static void ep_error(ep *P, size_t at, const char *msg, const char *arg)
{
    if (P->err)
        return;
    sg_pos p = P->pos;
    p.col += (unsigned)at;
    SG_ERR(P->d, PL_CHECK, p, "condition expression: %s%s%s%s", msg, arg ? " '" : "",
           arg ? arg : "", arg ? "'" : "");
    P->err = true;
}

/* The word at the cursor (without consuming it); 0 when none. */
static size_t ep_word(ep *P)
{
    size_t n = 0;
    while (idchar(P->s[P->i + n]))
        n++;
    return n;
}

static bool ep_keyword(ep *P, const char *kw)
{
    ep_skip(P);
    size_t n = ep_word(P);
    if (n == strlen(kw) && !strncmp(P->s + P->i, kw, n)) {
        P->i += n;
        return true;
    }
    return false;
}

static pl_expr *ep_node(ep *P, pl_expr_kind k, pl_expr *a, pl_expr *b)
{
    pl_expr *e = sg_arena_alloc(P->a, sizeof *e);
    if (!e) {
        *P->oom = true;
        P->err = true;
        return NULL;
    }
    e->kind = k;
    e->a = a;
    e->b = b;
    return e;
}

static pl_expr *ep_or(ep *P, unsigned depth);

static pl_expr *ep_primary(ep *P, unsigned depth)
{
    if (depth > 200) {
        ep_error(P, P->i, "nested too deeply", NULL);
        return NULL;
    }
    ep_skip(P);
    if (P->s[P->i] == '(') {
        size_t open = P->i++;
        pl_expr *e = ep_or(P, depth + 1);
        if (!e)
            return NULL;
        ep_skip(P);
        if (P->s[P->i] != ')') {
            ep_error(P, open, "unbalanced parenthesis", NULL);
            return NULL;
        }
        P->i++;
        return e;
    }
    if (ep_keyword(P, "not")) {
        pl_expr *e = ep_primary(P, depth + 1);
        return e ? ep_node(P, PE_NOT, e, NULL) : NULL;
    }
    size_t n = ep_word(P);
    if (!n) {
        if (P->s[P->i])
            ep_error(P, P->i, "unexpected character", (char[]){P->s[P->i], 0});
        else
            ep_error(P, P->i, "unexpected end of expression", NULL);
        return NULL;
    }
    char name[128];
    size_t at = P->i;
    if (n >= sizeof name)
        n = sizeof name - 1;
    memcpy(name, P->s + P->i, n);
    name[n] = '\0';
    P->i += ep_word(P);
    if (!strcmp(name, "and") || !strcmp(name, "or")) {
        ep_error(P, at, "expected a condition name, found", name);
        return NULL;
    }
    for (size_t k = 0; k < P->set->n; k++)
        if (P->set->v[k].name && !strcmp(P->set->v[k].name, name)) {
            pl_expr *e = ep_node(P, PE_ID, NULL, NULL);
            if (e)
                e->index = k;
            P->used[k] = true;
            return e;
        }
    ep_error(P, at, "unknown condition name", name);
    return NULL;
}

static pl_expr *ep_and(ep *P, unsigned depth)
{
    pl_expr *e = ep_primary(P, depth);
    while (e && ep_keyword(P, "and")) {
        pl_expr *r = ep_primary(P, depth);
        e = r ? ep_node(P, PE_AND, e, r) : NULL;
    }
    return e;
}

static pl_expr *ep_or(ep *P, unsigned depth)
{
    pl_expr *e = ep_and(P, depth);
    while (e && ep_keyword(P, "or")) {
        pl_expr *r = ep_and(P, depth);
        e = r ? ep_node(P, PE_OR, e, r) : NULL;
    }
    return e;
}

bool pl_expr_parse(sg_arena *a, const char *s, const pl_condset *set, sg_pos pos, sg_diags *d,
                   pl_expr **out, bool *oom)
{
    ep P = {a, s, 0, set, pos, d, false, oom, NULL};
    P.used = sg_arena_alloc(a, (set->n ? set->n : 1) * sizeof *P.used);
    if (!P.used) {
        *oom = true;
        return false;
    }
    pl_expr *e = ep_or(&P, 0);
    ep_skip(&P);
    if (e && s[P.i])
        ep_error(&P, P.i, "unexpected text", s + P.i);
    if (P.err)
        return false;
    for (size_t k = 0; k < set->n; k++)
        if (!P.used[k]) {
            SG_ERR(d, PL_CHECK, set->v[k].pos, "condition '%s' is not used in the expression",
                   set->v[k].name ? set->v[k].name : "?");
            return false;
        }
    *out = e;
    return true;
}

/* ---- evaluation framework ------------------------------------------------------------ */

typedef bool (*cond_fn)(pl_ctx *c, const pl_cond *k, const void *arg);

static bool eval_expr(pl_ctx *c, const pl_condset *s, const pl_expr *e, cond_fn f,
                      const void *arg)
{
    switch (e->kind) {
    case PE_ID:
        return f(c, &s->v[e->index], arg);
    case PE_NOT:
        return !eval_expr(c, s, e->a, f, arg);
    case PE_AND:
        return eval_expr(c, s, e->a, f, arg) && eval_expr(c, s, e->b, f, arg);
    case PE_OR:
        return eval_expr(c, s, e->a, f, arg) || eval_expr(c, s, e->b, f, arg);
    }
    return false;
}

static bool eval_set(pl_ctx *c, const pl_condset *s, cond_fn f, const void *arg)
{
    if (s->n == 0)
        return true;
    bool r;
    if (s->expr) {
        r = eval_expr(c, s, s->expr, f, arg);
    } else {
        r = !s->any;
        for (size_t i = 0; i < s->n; i++) {
            bool x = f(c, &s->v[i], arg);
            if (s->any && x) {
                r = true;
                break;
            }
            if (!s->any && !x) {
                r = false;
                break;
            }
        }
    }
    return s->negate ? !r : r;
}

/* ---- comparisons ------------------------------------------------------------------ */

static bool parse_num(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    *out = strtod(s, &end);
    return *end == '\0';
}

static bool cmp_result(int cmp, pl_op op)
{
    switch (op) {
    case PL_OP_EQ: return cmp == 0;
    case PL_OP_NE: return cmp != 0;
    case PL_OP_GTE: return cmp >= 0;
    case PL_OP_GT: return cmp > 0;
    case PL_OP_LTE: return cmp <= 0;
    case PL_OP_LT: return cmp < 0;
    default: return false;
    }
}

/* Compare a stored text with a condition value: numbers as numbers,
 * booleans by their meaning, everything else as text. */
static bool cmp_text(const char *have, const sg_value *want, pl_op op)
{
    double a, b;
    if ((want->type == SG_V_INT || want->type == SG_V_FLOAT) && parse_num(have, &a)) {
        b = want->f;
        return cmp_result(a < b ? -1 : a > b ? 1 : 0, op);
    }
    if (want->type == SG_V_BOOL) {
        bool hb = !strcmp(have, "true") || !strcmp(have, "True");
        bool known = hb || !strcmp(have, "false") || !strcmp(have, "False");
        if (op == PL_OP_EQ)
            return known && hb == want->b;
        if (op == PL_OP_NE)
            return !known || hb != want->b;
        return false;
    }
    int c = strcmp(have, want->str);
    return cmp_result(c < 0 ? -1 : c > 0 ? 1 : 0, op);
}

static bool state_match(pl_ctx *c, const pl_cond *k)
{
    const char *v = ir_state_get(c->r, k->key);
    /* sigmacc extension: the target being compiled for, so one pipeline
     * file can serve several backends */
    if (!v && !strcmp(k->key, "backend"))
        v = c->backend;
    return v && cmp_text(v, k->value, k->op);
}

static int rank(const char *const *names, const char *s)
{
    for (int i = 0; s && names[i]; i++)
        if (!strcmp(names[i], s))
            return i;
    return -1;
}

static bool in_list(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && !strcmp(v[i], s))
            return true;
    return false;
}

static bool list_attr(const pl_cond *k, const char *const *v, size_t n)
{
    switch (k->op) {
    case PL_OP_IN: return in_list(v, n, k->value->str);
    case PL_OP_NOT_IN: return !in_list(v, n, k->value->str);
    case PL_OP_NE: return true; /* a list never equals one value */
    default: return false;
    }
}

static bool rule_attribute(pl_ctx *c, const pl_cond *k)
{
    const ir_rule *r = c->r;
    const sg_rule *src = r->src;
    const char *a = k->key;
    if (!strcmp(a, "tags"))
        return list_attr(k, r->tags, r->ntags);
    if (!strcmp(a, "references"))
        return list_attr(k, r->references, r->nreferences);
    if (!strcmp(a, "fields"))
        return list_attr(k, r->fields, r->nfields);
    if (!strcmp(a, "falsepositives")) {
        const char *fp[64];
        size_t n = 0;
        for (size_t i = 0; src && i < src->falsepositives.n && n < 64; i++)
            fp[n++] = src->falsepositives.v[i].s;
        return list_attr(k, fp, n);
    }
    if (!strcmp(a, "level") || !strcmp(a, "status")) {
        static const char *const levels[] = {"informational", "low", "medium", "high",
                                             "critical", NULL};
        static const char *const statuses[] = {"unsupported", "deprecated", "experimental",
                                               "test", "stable", NULL};
        const char *const *names = a[0] == 'l' ? levels : statuses;
        int have = rank(names, a[0] == 'l' ? r->level : r->status);
        int want = rank(names, k->value->str);
        if (have < 0 || want < 0 || k->op == PL_OP_IN || k->op == PL_OP_NOT_IN)
            return false;
        return cmp_result(have - want, k->op);
    }
    const char *v = NULL;
    bool ordered = false;
    if (!strcmp(a, "title")) v = r->title;
    else if (!strcmp(a, "id")) v = r->id;
    else if (!strcmp(a, "name")) v = r->name;
    else if (!strcmp(a, "description")) v = r->description;
    else if (!strcmp(a, "author")) v = r->author;
    else if (src && !strcmp(a, "license")) v = src->license.s;
    else if (src && !strcmp(a, "taxonomy")) v = src->taxonomy.s;
    else if (src && (!strcmp(a, "date") || !strcmp(a, "modified"))) {
        v = a[0] == 'd' ? src->date.s : src->modified.s;
        ordered = true; /* ISO dates order as text */
    } else {
        for (size_t i = 0; i < r->ncustom; i++)
            if (!strcmp(r->custom[i].key, a))
                v = r->custom[i].value;
        double x;
        ordered = v && parse_num(v, &x) &&
                  (k->value->type == SG_V_INT || k->value->type == SG_V_FLOAT);
    }
    if (!v)
        return false;
    if (!ordered && k->op != PL_OP_EQ && k->op != PL_OP_NE)
        return false;
    if (k->op == PL_OP_IN || k->op == PL_OP_NOT_IN)
        return false;
    return cmp_text(v, k->value, k->op);
}

/* ---- values -------------------------------------------------------------------------- */

static bool value_equals(sg_arena *a, const ir_test *t, const sg_value *v)
{
    switch (t->kind) {
    case IR_T_STR:
        if (v->type == SG_V_NULL)
            return false;
        return !strcmp(pl_test_plain(a, t), v->str);
    case IR_T_NUM:
        return t->op == IR_NUM_EQ && (v->type == SG_V_INT || v->type == SG_V_FLOAT) &&
               t->num.f == v->f;
    case IR_T_NULL:
        return v->type == SG_V_NULL;
    default:
        return false;
    }
}

static bool has_wildcard(const ir_test *t)
{
    return t->kind == IR_T_STR &&
           (t->mode != IR_STR_EXACT || ir_segs_has(t->segs, t->nsegs, IR_SEG_STAR) ||
            ir_segs_has(t->segs, t->nsegs, IR_SEG_QMARK));
}

static bool value_cond(pl_ctx *c, const pl_cond *k, const ir_test *t)
{
    switch (k->type) {
    case PC_MATCH_STRING: {
        bool r = false;
        if (t->kind == IR_T_STR) {
            const char *s = pl_test_plain(c->a, t);
            pl_md *md = pl_md_get(c);
            int m = s && md ? pl_re_match(md, k->re, s, strlen(s)) : -1;
            if (m < 0)
                c->oom = true;
            r = m > 0;
        }
        return k->negate ? !r : r;
    }
    case PC_MATCH_VALUE:
        return value_equals(c->a, t, k->value);
    case PC_CONTAINS_WILDCARD:
        return has_wildcard(t);
    case PC_IS_NULL:
        return t->kind == IR_T_NULL;
    default:
        return false;
    }
}

/* ---- rule conditions ----------------------------------------------------------------- */

static bool any_test(pl_ctx *c, const ir_node *n, const pl_cond *k)
{
    if (!n)
        return false;
    if (n->kind == IR_TEST) {
        const ir_test *t = n->test;
        if (!t->field || strcmp(t->field, k->field))
            return false;
        return k->type == PC_CONTAINS_FIELD || value_equals(c->a, t, k->value);
    }
    for (size_t i = 0; i < n->nkids; i++)
        if (any_test(c, n->kids[i], k))
            return true;
    return false;
}

static bool str_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static bool rule_cond(pl_ctx *c, const pl_cond *k, const void *arg)
{
    (void)arg;
    const ir_rule *r = c->r;
    switch (k->type) {
    case PC_LOGSOURCE:
        return (!k->category || str_eq(k->category, r->category)) &&
               (!k->product || str_eq(k->product, r->product)) &&
               (!k->service || str_eq(k->service, r->service));
    case PC_CONTAINS_DETECTION_ITEM:
    case PC_CONTAINS_FIELD:
        return any_test(c, r->expr, k);
    case PC_ITEM_APPLIED:
        for (size_t i = 0; i < c->napplied; i++)
            if (!strcmp(c->applied[i], k->item_id))
                return true;
        return false;
    case PC_STATE:
        return state_match(c, k);
    case PC_RULE_ATTRIBUTE:
        return rule_attribute(c, k);
    case PC_TAG:
        for (size_t i = 0; i < r->ntags; i++)
            if (str_eq(r->tags[i], k->tag))
                return true;
        return false;
    case PC_IS_SIGMA_RULE:
        return true; /* correlation rules do not reach pipelines yet */
    case PC_IS_CORRELATION_RULE:
        return false;
    default:
        return false;
    }
}

/* The rule's values of the prefilter slots, as ids of the current
 * pipeline's strings (-1: absent, or a string no condition names). */
static void pre_refresh(pl_ctx *c)
{
    const sg_pipeline *p = c->pl;
    const ir_rule *r = c->r;
    const char *ls[3] = {r->category, r->product, r->service};
    for (size_t i = 0; i < 3; i++)
        c->cur[i] = ls[i] ? pl_hmap_get(&p->strs, ls[i]) : -1;
    for (size_t k = 0; k < p->nkeys; k++) {
        const char *v = ir_state_get(r, p->keys[k]);
        c->cur[3 + k] = v ? pl_hmap_get(&p->strs, v) : -1;
    }
    c->cur_ok = true;
}

bool pl_pre_check(pl_ctx *c, const pl_pre *pre)
{
    if (!pre->nreq && !pre->set && !pre->nalts)
        return true;
    if (!c->cur_ok)
        pre_refresh(c);
    const int *cur = c->cur;
    for (size_t k = 0; k < pre->nreq; k++)
        if (cur[pre->req[k].slot] != pre->req[k].id)
            return false;
    if (pre->set) {
        int v = cur[pre->set_slot];
        return v >= 0 && (size_t)v < pre->setbits && (pre->set[v / 64] >> (v % 64) & 1);
    }
    if (!pre->nalts)
        return true;
    for (size_t i = 0; i < pre->nalts; i++) {
        const pl_alt *alt = &pre->alts[i];
        size_t k = 0;
        while (k < alt->n && cur[alt->v[k].slot] == alt->v[k].id)
            k++;
        if (k == alt->n)
            return true;
    }
    return false;
}

bool pl_match_rule(pl_ctx *c, const pl_item *it)
{
    return eval_set(c, &it->rule, rule_cond, NULL);
}

/* ---- detection items and field names ------------------------------------------------ */

static bool det_cond(pl_ctx *c, const pl_cond *k, const void *arg)
{
    const pl_group *g = arg;
    size_t n = pl_group_n(g);
    switch (k->type) {
    case PC_ITEM_APPLIED:
        for (size_t i = 0; i < n; i++)
            if (pl_test_tracked(c, (*pl_group_slot(g, i))->test, k->item_id))
                return true;
        return false;
    case PC_STATE:
        return state_match(c, k);
    default:
        for (size_t i = 0; i < n; i++) {
            bool x = value_cond(c, k, (*pl_group_slot(g, i))->test);
            if (k->all && !x)
                return false;
            if (!k->all && x)
                return true;
        }
        return k->all;
    }
}

static bool name_included(pl_ctx *c, const pl_cond *k, const char *field)
{
    if (!field)
        return false;
    if (!k->fields_re)
        return pl_hmap_get(&k->fset, field) >= 0; /* the names, hashed by pl_index */
    for (size_t i = 0; i < k->nfields; i++) {
        pl_md *md = pl_md_get(c);
        int m = md ? pl_re_match(md, k->fields_re[i], field, strlen(field)) : -1;
        if (m < 0)
            c->oom = true;
        if (m > 0)
            return true;
    }
    return false;
}

typedef struct name_arg {
    const char *field;
    const ir_test *t;
} name_arg;

static bool name_cond(pl_ctx *c, const pl_cond *k, const void *arg)
{
    const name_arg *na = arg;
    switch (k->type) {
    case PC_INCLUDE_FIELDS:
        return name_included(c, k, na->field);
    case PC_EXCLUDE_FIELDS:
        return !name_included(c, k, na->field);
    case PC_ITEM_APPLIED:
        return na->t ? pl_test_tracked(c, na->t, k->item_id)
                     : pl_name_tracked(c, na->field, k->item_id);
    case PC_STATE:
        return state_match(c, k);
    default:
        return false;
    }
}

/* A detection item matches a field-name condition through its field or
 * through the field a `fieldref` value names. */
static bool group_name_cond(pl_ctx *c, const pl_cond *k, const void *arg)
{
    const pl_group *g = arg;
    size_t n = pl_group_n(g);
    if (k->type == PC_ITEM_APPLIED || k->type == PC_STATE)
        return det_cond(c, k, g);
    name_arg na = {g->field, NULL};
    if (name_cond(c, k, &na))
        return true;
    for (size_t i = 0; i < n; i++) {
        const ir_test *t = (*pl_group_slot(g, i))->test;
        name_arg ra = {t->ref, NULL};
        if (t->kind == IR_T_FIELDREF && name_cond(c, k, &ra))
            return true;
    }
    return false;
}

bool pl_match_group(pl_ctx *c, const pl_item *it, const pl_group *g)
{
    return eval_set(c, &it->det, det_cond, g) && eval_set(c, &it->field, group_name_cond, g);
}

bool pl_match_field_name(pl_ctx *c, const pl_item *it, const char *field, const ir_test *t)
{
    name_arg na = {field, t};
    return eval_set(c, &it->field, name_cond, &na);
}

bool pl_has_field_conds(const pl_item *it)
{
    return it->field.n != 0;
}
