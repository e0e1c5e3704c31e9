/* correlation.c - one correlation document: generic tree -> sg_correlation.
 *
 * Everything that can be checked inside one document is checked here, at
 * the exact key or value: type, timespan syntax, condition operators and
 * values, `field` and `percentile` per type, the extended temporal
 * condition, the shape of aliases. What needs the other documents (which
 * rule a name means, cycles, whether an alias covers every rule) is in
 * corrset.c. */
#include "correlation.h"
#include "strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHECK "correlation"
#define LINT "correlation-lint"

/* Bounds that keep hostile documents linear (and the expression's
 * recursive walks shallow); real correlations are far below them. */
#define MAX_RULES 1000
#define MAX_GROUPS 64
#define MAX_ALIASES 64
#define MAX_OPERANDS 256

/* ---- names ------------------------------------------------------------------- */

static const char *const type_names[] = {
    "event_count", "value_count", "temporal", "temporal_ordered",
    "value_sum",   "value_avg",   "value_percentile", "value_median",
};
#define NTYPES (sizeof type_names / sizeof type_names[0])

static const char *const op_names[] = {"gt", "gte", "lt", "lte", "eq", "neq"};
#define NOPS (sizeof op_names / sizeof op_names[0])

const char *sg_corr_type_name(sg_corr_type t)
{
    return (size_t)t < NTYPES ? type_names[t] : NULL;
}

bool sg_corr_type_has_field(sg_corr_type t)
{
    return t == SG_CORR_VALUE_COUNT || t == SG_CORR_VALUE_SUM || t == SG_CORR_VALUE_AVG ||
           t == SG_CORR_VALUE_PERCENTILE || t == SG_CORR_VALUE_MEDIAN;
}

bool sg_corr_type_is_temporal(sg_corr_type t)
{
    return t == SG_CORR_TEMPORAL || t == SG_CORR_TEMPORAL_ORDERED;
}

/* A double that holds a whole number (no libm needed). */
static bool whole(double f)
{
    return f > -9e18 && f < 9e18 && (double)(int64_t)f == f;
}

/* Counts (of events, values, rules) are whole numbers >= 0. */
static bool type_counts(sg_corr_type t)
{
    return t == SG_CORR_EVENT_COUNT || t == SG_CORR_VALUE_COUNT || sg_corr_type_is_temporal(t);
}

const char *sg_cmp_op_name(sg_cmp_op op)
{
    return (size_t)op < NOPS ? op_names[op] : NULL;
}

/* ---- timespan ------------------------------------------------------------------ */

bool sg_timespan_parse(const char *s, int64_t *seconds, const char **err)
{
    static const struct {
        char unit;
        int64_t secs;
    } units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    const char *why = NULL;
    int64_t n = 0;
    const char *p = s;
    if (!s || !*s) {
        why = "it is empty";
        goto fail;
    }
    while (*p >= '0' && *p <= '9') {
        if (n > (INT64_MAX - 9) / 10) {
            why = "the number is too large";
            goto fail;
        }
        n = n * 10 + (*p++ - '0');
    }
    if (p == s) {
        why = "it must start with a number";
        goto fail;
    }
    if (!*p) {
        why = "the unit is missing (s, m, h, d or w)";
        goto fail;
    }
    if (p[1]) {
        why = "it must be one number and one unit letter";
        goto fail;
    }
    if (*p == 'M' || *p == 'y' || *p == 'Y') {
        why = "months and years are not fixed durations: use days (d)";
        goto fail;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (*p == units[i].unit) {
            if (n == 0) {
                why = "it must be greater than zero";
                goto fail;
            }
            if (n > INT64_MAX / units[i].secs) {
                why = "the number is too large";
                goto fail;
            }
            *seconds = n * units[i].secs;
            return true;
        }
    }
    why = (*p >= 'A' && *p <= 'Z') ? "the unit is written in lower case (s, m, h, d or w)"
                                   : "the unit is not one of s, m, h, d or w";
fail:
    if (err)
        *err = why;
    return false;
}

/* ---- helpers over the generic tree ------------------------------------------------ */

typedef struct bctx {
    sg_arena *a;
    sg_diags *d;
    const sg_rule *doc;
    sg_correlation *c;
    sg_pos sec; /* the correlation section, for "missing key" errors */
    bool oom;
} bctx;

static sg_pos at(const bctx *B, sg_pos p)
{
    if (p.line == 0)
        p = B->doc->pos;
    if (!p.file)
        p.file = B->doc->path;
    return p;
}

#define CERR(B, pos, ...)                                 \
    do {                                                  \
        SG_ERR((B)->d, CHECK, at((B), (pos)), __VA_ARGS__); \
        (B)->c->broken = true;                            \
    } while (0)

/* Where to report a value: empty collections and empty values have no
 * position of their own, so their key's is used. */
static sg_pos vpos(const sg_ynode *v, const sg_ynode *k)
{
    return v && v->pos.line ? v->pos : k ? k->pos : (sg_pos){NULL, 0, 0};
}

static const char *ynode_kind(const sg_ynode *y)
{
    if (!y)
        return "nothing";
    if (y->type == SG_Y_MAP)
        return "a map";
    if (y->type == SG_Y_SEQ)
        return "a list";
    switch (y->scalar.type) {
    case SG_V_NULL:
        return "null";
    case SG_V_BOOL:
        return "a boolean";
    case SG_V_INT:
    case SG_V_FLOAT:
        return "a number";
    default:
        return "a string";
    }
}

/* Text of a non-null scalar, else NULL. */
static const char *scalar_text(const sg_ynode *y)
{
    if (!y || y->type != SG_Y_SCALAR || y->scalar.type == SG_V_NULL)
        return NULL;
    return y->scalar.str;
}

/* A YAML scalar is a number, or a quoted/plain string holding one. */
static bool scalar_number(const sg_ynode *y, ir_num *out)
{
    if (!y || y->type != SG_Y_SCALAR)
        return false;
    const sg_value *v = &y->scalar;
    memset(out, 0, sizeof *out);
    out->text = v->str;
    if (v->type == SG_V_INT) {
        out->is_int = true;
        out->i = v->i;
        out->f = (double)v->i;
        return true;
    }
    if (v->type == SG_V_FLOAT) {
        out->f = v->f;
        return isfinite(v->f);
    }
    if (v->type != SG_V_STRING || !v->str[0])
        return false;
    char *end;
    errno = 0;
    long long ll = strtoll(v->str, &end, 10);
    if (!*end && !errno) {
        out->is_int = true;
        out->i = ll;
        out->f = (double)ll;
        return true;
    }
    errno = 0;
    double f = strtod(v->str, &end);
    if (*end || errno || !isfinite(f))
        return false;
    out->f = f;
    return true;
}

/* A list of non-empty strings, or one string. Returns the count; items
 * that are not strings are reported with `what`. */
static size_t string_list(bctx *B, const sg_ynode *y, const char *what, const char ***out,
                          sg_pos **pos)
{
    *out = NULL;
    if (pos)
        *pos = NULL;
    size_t cnt = y->type == SG_Y_SEQ ? y->n : 1;
    const char **v = sg_arena_alloc(B->a, (cnt ? cnt : 1) * sizeof *v);
    sg_pos *p = sg_arena_alloc(B->a, (cnt ? cnt : 1) * sizeof *p);
    if (!v || !p) {
        B->oom = true;
        return 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const sg_ynode *it = y->type == SG_Y_SEQ ? y->kids[i] : y;
        const char *s = scalar_text(it);
        if (!s || it->scalar.type == SG_V_BOOL || !s[0]) {
            CERR(B, it->pos, "%s must be %s, not %s", what,
                 y->type == SG_Y_SEQ ? "non-empty strings" : "a non-empty string or a list of them",
                 s && !s[0] ? "an empty string" : ynode_kind(it));
            continue;
        }
        v[n] = s;
        p[n++] = it->pos;
    }
    *out = v;
    if (pos)
        *pos = p;
    return n;
}

/* ---- the extended temporal condition ---------------------------------------------------- */

/* expr := and ('or' and)*; and := unary ('and' unary)*;
 * unary := 'not' unary | '(' expr ')' | NAME. Columns are exact for
 * single-line conditions. */
typedef struct xparse {
    bctx *B;
    const char *s;
    size_t i, len;
    sg_pos base; /* of the first character */
    unsigned depth;
    unsigned operands;
    bool failed;
} xparse;

static sg_pos xpos(const xparse *X, size_t i)
{
    sg_pos p = X->base;
    p.col += (unsigned)i;
    return p;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
}

static void xskip(xparse *X)
{
    while (X->i < X->len && (X->s[X->i] == ' ' || X->s[X->i] == '\t' || X->s[X->i] == '\n' ||
                             X->s[X->i] == '\r'))
        X->i++;
}

/* The word at the cursor (length 0 when none). */
static size_t xword(xparse *X)
{
    size_t j = X->i;
    while (j < X->len && name_char(X->s[j]))
        j++;
    return j - X->i;
}

static bool xkeyword(xparse *X, const char *kw)
{
    size_t n = xword(X);
    return n == strlen(kw) && memcmp(X->s + X->i, kw, n) == 0;
}

static void xerr(xparse *X, size_t i, const char *msg)
{
    if (!X->failed)
        CERR(X->B, xpos(X, i), "extended condition: %s", msg);
    X->failed = true;
}

static sg_corr_expr *xnode(xparse *X, sg_cx_kind k, size_t i)
{
    sg_corr_expr *e = sg_arena_alloc(X->B->a, sizeof *e);
    if (!e) {
        X->B->oom = true;
        X->failed = true;
        return NULL;
    }
    e->kind = k;
    e->pos = xpos(X, i);
    return e;
}

static sg_corr_expr *xexpr(xparse *X);

static sg_corr_expr *xunary(xparse *X)
{
    xskip(X);
    if (X->i >= X->len) {
        xerr(X, X->i, "a rule name, 'not' or '(' is missing at the end");
        return NULL;
    }
    size_t start = X->i;
    if (X->s[X->i] == '(') {
        if (++X->depth > 100) {
            xerr(X, start, "nested too deeply");
            return NULL;
        }
        X->i++;
        sg_corr_expr *e = xexpr(X);
        if (!e)
            return NULL;
        xskip(X);
        if (X->i >= X->len || X->s[X->i] != ')') {
            xerr(X, X->i, "')' expected");
            return NULL;
        }
        X->i++;
        X->depth--;
        return e;
    }
    if (xkeyword(X, "not")) {
        if (++X->depth > 100) {
            xerr(X, start, "nested too deeply");
            return NULL;
        }
        X->i += 3;
        sg_corr_expr *k = xunary(X);
        X->depth--;
        if (!k)
            return NULL;
        sg_corr_expr *e = xnode(X, SG_CX_NOT, start);
        if (e)
            e->a = k;
        return e;
    }
    size_t n = xword(X);
    if (n == 0 || xkeyword(X, "and") || xkeyword(X, "or")) {
        xerr(X, start, "a rule name, 'not' or '(' was expected here");
        return NULL;
    }
    if (++X->operands > MAX_OPERANDS) {
        xerr(X, start, "more than 256 rule names");
        return NULL;
    }
    sg_corr_expr *e = xnode(X, SG_CX_RULE, start);
    if (!e)
        return NULL;
    e->name = sg_arena_strndup(X->B->a, X->s + start, n);
    if (!e->name) {
        X->B->oom = X->failed = true;
        return NULL;
    }
    X->i += n;
    return e;
}

static sg_corr_expr *xbinary(xparse *X, bool is_or)
{
    sg_corr_expr *l = is_or ? xbinary(X, false) : xunary(X);
    for (;;) {
        if (!l)
            return NULL;
        xskip(X);
        size_t at_i = X->i;
        if (!xkeyword(X, is_or ? "or" : "and"))
            return l;
        X->i += is_or ? 2 : 3;
        sg_corr_expr *r = is_or ? xbinary(X, false) : xunary(X);
        if (!r)
            return NULL;
        sg_corr_expr *e = xnode(X, is_or ? SG_CX_OR : SG_CX_AND, at_i);
        if (!e)
            return NULL;
        e->a = l;
        e->b = r;
        l = e;
    }
}

static sg_corr_expr *xexpr(xparse *X)
{
    return xbinary(X, true);
}

/* Rule operands in order of first appearance (for `rules:`-less temporal). */
static void xcollect(const sg_corr_expr *e, const sg_corr_expr **out, size_t *n, size_t max)
{
    if (!e)
        return;
    if (e->kind == SG_CX_RULE) {
        for (size_t i = 0; i < *n; i++)
            if (!strcmp(out[i]->name, e->name))
                return;
        if (*n < max)
            out[(*n)++] = e;
        return;
    }
    xcollect(e->a, out, n, max);
    xcollect(e->b, out, n, max);
}

static size_t xcount(const sg_corr_expr *e)
{
    return !e ? 0 : e->kind == SG_CX_RULE ? 1 : xcount(e->a) + xcount(e->b);
}

static bool xuses(const sg_corr_expr *e, const char *name)
{
    if (!e)
        return false;
    if (e->kind == SG_CX_RULE)
        return !strcmp(e->name, name);
    return xuses(e->a, name) || xuses(e->b, name);
}

/* Link operands to rules[]; report names the list lacks and rules the
 * expression never uses (both make the intent unclear). */
static void xlink(bctx *B, sg_corr_expr *e)
{
    if (!e)
        return;
    if (e->kind != SG_CX_RULE) {
        xlink(B, e->a);
        xlink(B, e->b);
        return;
    }
    for (size_t i = 0; i < B->c->nrules; i++)
        if (!strcmp(B->c->rules[i].text, e->name)) {
            e->rule = i;
            return;
        }
    CERR(B, e->pos, "'%s' is used in the condition but not listed in 'rules'", e->name);
}

static void parse_extended(bctx *B, const sg_ynode *y, bool rules_given)
{
    sg_correlation *c = B->c;
    const sg_value *v = &y->scalar;
    xparse X = {B, v->str, 0, v->len, v->pos, 0, 0, false};
    if (v->quoted)
        X.base.col++; /* the text starts after the quote */
    else if (memchr(v->str, '\n', v->len))
        X.base.line++, X.base.col = 1; /* a block scalar starts on the next line */
    sg_corr_expr *e = xexpr(&X);
    if (e && !X.failed) {
        xskip(&X);
        if (X.i < X.len)
            xerr(&X, X.i, "'and', 'or' or the end was expected here");
    }
    if (!e || X.failed) {
        c->broken = true;
        return;
    }
    c->expr = e;
    if (!rules_given) {
        size_t max = xcount(e);
        const sg_corr_expr **ops = sg_arena_alloc(B->a, (max ? max : 1) * sizeof *ops);
        c->rules = sg_arena_alloc(B->a, (max ? max : 1) * sizeof *c->rules);
        if (!ops || !c->rules) {
            B->oom = true;
            return;
        }
        size_t n = 0;
        xcollect(e, ops, &n, max);
        for (size_t i = 0; i < n; i++)
            c->rules[i] = (sg_corr_ref){ops[i]->name, ops[i]->pos, NULL, NULL};
        c->nrules = n;
        c->rules_pos = X.base;
    } else {
        for (size_t i = 0; i < c->nrules; i++)
            if (!xuses(e, c->rules[i].text))
                CERR(B, c->rules[i].pos, "rule '%s' is listed in 'rules' but not used in the condition",
                     c->rules[i].text);
    }
    xlink(B, e);
}

/* ---- condition ------------------------------------------------------------------------ */

static int op_lookup(const char *k)
{
    for (size_t i = 0; i < NOPS; i++)
        if (!strcmp(k, op_names[i]))
            return (int)i;
    return -1;
}

/* Is the set of aggregate values satisfying every comparison empty?
 * Counts are whole numbers in [0, max] (max < 0: unbounded). */
static bool cmps_unsatisfiable(const sg_corr_cmp *v, size_t n, bool counts, double max)
{
    double lo = counts ? 0 : -INFINITY, hi = max >= 0 ? max : INFINITY;
    bool lo_open = false, hi_open = false;
    for (size_t i = 0; i < n; i++) {
        double x = v[i].num.f;
        switch (v[i].op) {
        case SG_CMP_GT:
            if (x > lo || (x == lo && !lo_open))
                lo = x, lo_open = true;
            break;
        case SG_CMP_GTE:
            if (x > lo)
                lo = x, lo_open = false;
            break;
        case SG_CMP_LT:
            if (x < hi || (x == hi && !hi_open))
                hi = x, hi_open = true;
            break;
        case SG_CMP_LTE:
            if (x < hi)
                hi = x, hi_open = false;
            break;
        case SG_CMP_EQ:
            if (x < lo || x > hi || (x == lo && lo_open) || (x == hi && hi_open))
                return true;
            lo = hi = x;
            lo_open = hi_open = false;
            break;
        case SG_CMP_NEQ:
            break;
        }
    }
    if (counts) { /* bounds are whole numbers here: (2, 3) is empty */
        lo = lo_open ? lo + 1 : lo;
        hi = hi_open ? hi - 1 : hi;
        lo_open = hi_open = false;
    }
    if (lo > hi || (lo == hi && (lo_open || hi_open)))
        return true;
    for (size_t i = 0; i < n; i++) /* a single remaining value excluded by neq */
        if (v[i].op == SG_CMP_NEQ && lo == hi && v[i].num.f == lo)
            return true;
    return false;
}

static void parse_condition_map(bctx *B, const sg_ynode *y)
{
    sg_correlation *c = B->c;
    c->cmps = sg_arena_alloc(B->a, (y->n ? y->n : 1) * sizeof *c->cmps);
    if (!c->cmps) {
        B->oom = true;
        return;
    }
    const sg_ynode *field = NULL, *pct = NULL, *field_key = NULL, *pct_key = NULL;
    for (size_t i = 0; i < y->n; i++) {
        const sg_ynode *k = y->kids[2 * i], *v = y->kids[2 * i + 1];
        const char *ks = scalar_text(k);
        if (!ks) {
            CERR(B, k->pos, "condition keys must be strings");
            continue;
        }
        if (!strcmp(ks, "field")) {
            field = v, field_key = k;
            continue;
        }
        if (!strcmp(ks, "percentile")) {
            pct = v, pct_key = k;
            continue;
        }
        int op = op_lookup(ks);
        if (op < 0) {
            CERR(B, k->pos,
                 "unknown condition key '%s' (expected gt, gte, lt, lte, eq, neq, field or "
                 "percentile)",
                 ks);
            continue;
        }
        sg_corr_cmp *cmp = &c->cmps[c->ncmps];
        cmp->op = (sg_cmp_op)op;
        cmp->pos = k->pos;
        if (!scalar_number(v, &cmp->num)) {
            const char *t = scalar_text(v);
            if (t && v->scalar.type == SG_V_STRING)
                CERR(B, v->pos, "'%s' needs a number, not '%s'", ks, t);
            else
                CERR(B, v->pos, "'%s' needs a number, not %s", ks, ynode_kind(v));
            continue;
        }
        if (type_counts(c->type)) {
            if (!cmp->num.is_int && !whole(cmp->num.f)) {
                CERR(B, v->pos, "'%s: %s': a %s condition compares a count, a whole number", ks,
                     cmp->num.text, sg_corr_type_name(c->type));
                continue;
            }
            if (cmp->num.f < 0) {
                CERR(B, v->pos, "'%s: %s': a count is never negative", ks, cmp->num.text);
                continue;
            }
            if (!cmp->num.is_int) { /* 10.0 */
                cmp->num.is_int = true;
                cmp->num.i = (int64_t)cmp->num.f;
            }
        }
        c->ncmps++;
    }
    if (c->ncmps == 0 && !c->broken)
        CERR(B, c->condition_pos, "the condition needs a comparison: gt, gte, lt, lte, eq or neq");

    /* field */
    if (field) {
        if (!sg_corr_type_has_field(c->type)) {
            SG_WARN(B->d, LINT, at(B, field_key->pos), "'field' is ignored by a %s correlation",
                    sg_corr_type_name(c->type));
        } else {
            c->nfields = string_list(B, field, "'field'", &c->fields, &c->field_pos);
            if (c->nfields > 1 && c->type != SG_CORR_VALUE_COUNT)
                CERR(B, field->pos, "a %s correlation aggregates one field, not a list",
                     sg_corr_type_name(c->type));
        }
    } else if (sg_corr_type_has_field(c->type)) {
        CERR(B, c->condition_pos, "a %s correlation needs 'field' in its condition",
             sg_corr_type_name(c->type));
    }

    /* percentile */
    if (pct) {
        ir_num n;
        if (c->type != SG_CORR_VALUE_PERCENTILE)
            CERR(B, pct_key->pos, "'percentile' belongs to value_percentile correlations only");
        else if (!scalar_number(pct, &n) || !n.is_int || n.i < 0 || n.i > 100)
            CERR(B, pct->pos, "'percentile' must be a whole number from 0 to 100");
        else
            c->percentile = (int)n.i, c->percentile_pos = pct->pos;
    } else if (c->type == SG_CORR_VALUE_PERCENTILE) {
        CERR(B, c->condition_pos,
             "a value_percentile correlation needs 'percentile' (0-100) in its condition");
    }

    bool counts = type_counts(c->type);
    double max = sg_corr_type_is_temporal(c->type) ? (double)c->nrules : -1;
    if (c->ncmps && !c->broken && cmps_unsatisfiable(c->cmps, c->ncmps, counts, max)) {
        if (sg_corr_type_is_temporal(c->type))
            CERR(B, c->condition_pos,
                 "the condition can never be true: it counts the rules that matched, from 0 to "
                 "%zu here",
                 c->nrules);
        else
            CERR(B, c->condition_pos, "the condition can never be true");
    }
}

static void parse_condition(bctx *B, const sg_ynode *y, const sg_ynode *key, bool rules_given)
{
    sg_correlation *c = B->c;
    if (!y) {
        if (sg_corr_type_is_temporal(c->type)) {
            /* default: every rule matched */
            c->cmps = sg_arena_alloc(B->a, sizeof *c->cmps);
            if (!c->cmps) {
                B->oom = true;
                return;
            }
            c->cmps[0].op = SG_CMP_GTE;
            c->cmps[0].num = (ir_num){true, (int64_t)c->nrules, (double)c->nrules,
                                      sg_arena_printf(B->a, "%zu", c->nrules)};
            c->cmps[0].pos = c->rules_pos;
            c->ncmps = 1;
            c->condition_default = true;
        } else {
            CERR(B, B->sec, "a %s correlation needs a 'condition'%s",
                 sg_corr_type_name(c->type),
                 sg_corr_type_has_field(c->type) ? " with 'field' and a comparison such as 'gt'"
                                                  : " such as 'gte: 10'");
        }
        return;
    }
    if (y->type == SG_Y_MAP) {
        parse_condition_map(B, y);
        return;
    }
    if (y->type == SG_Y_SCALAR && y->scalar.type == SG_V_STRING) {
        if (!sg_corr_type_is_temporal(c->type)) {
            CERR(B, y->pos,
                 "a condition written as an expression is for temporal and temporal_ordered "
                 "correlations; %s needs a map such as 'gte: 10'",
                 sg_corr_type_name(c->type));
            return;
        }
        parse_extended(B, y, rules_given);
        return;
    }
    CERR(B, vpos(y, key), "'condition' must be a map such as 'gte: 10'%s, not %s",
         sg_corr_type_is_temporal(c->type) ? " or an expression over the rules" : "",
         ynode_kind(y));
}

/* ---- the other keys ---------------------------------------------------------------------- */

static void parse_rules(bctx *B, const sg_ynode *y, const sg_ynode *key)
{
    sg_correlation *c = B->c;
    const char **names;
    sg_pos *pos;
    if (y->type == SG_Y_SEQ && y->n > MAX_RULES) {
        SG_ERR(B->d, "limit", at(B, y->pos), "'rules' lists %zu rules, over the limit of %d",
               y->n, MAX_RULES);
        B->c->broken = true;
        return;
    }
    size_t n = string_list(B, y, "'rules'", &names, &pos);
    c->rules = sg_arena_alloc(B->a, (n ? n : 1) * sizeof *c->rules);
    if (!c->rules) {
        B->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < c->nrules; j++)
            dup |= !strcmp(c->rules[j].text, names[i]);
        if (dup) {
            CERR(B, pos[i], "rule '%s' is listed twice in 'rules'", names[i]);
            continue;
        }
        c->rules[c->nrules++] = (sg_corr_ref){names[i], pos[i], NULL, NULL};
    }
    if (y->type == SG_Y_SEQ && y->n == 0)
        CERR(B, vpos(y, key), "'rules' is empty: a correlation needs at least one rule");
}

static void parse_group_by(bctx *B, const sg_ynode *y)
{
    sg_correlation *c = B->c;
    const char **names;
    sg_pos *pos;
    if (y->type == SG_Y_SEQ && y->n > MAX_GROUPS) {
        SG_ERR(B->d, "limit", at(B, y->pos), "'group-by' lists %zu fields, over the limit of %d",
               y->n, MAX_GROUPS);
        B->c->broken = true;
        return;
    }
    size_t n = string_list(B, y, "'group-by'", &names, &pos);
    c->group_by = sg_arena_alloc(B->a, (n ? n : 1) * sizeof *c->group_by);
    if (!c->group_by) {
        B->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < c->ngroup_by; j++)
            dup |= !strcmp(c->group_by[j].name, names[i]);
        if (dup) {
            CERR(B, pos[i], "'%s' is listed twice in 'group-by'", names[i]);
            continue;
        }
        c->group_by[c->ngroup_by++] = (sg_corr_group){names[i], pos[i], NULL};
    }
}

static void parse_aliases(bctx *B, const sg_ynode *y)
{
    sg_correlation *c = B->c;
    if (y->type != SG_Y_MAP) {
        CERR(B, y->pos, "'aliases' must be a map of alias names to {rule: field} maps, not %s",
             ynode_kind(y));
        return;
    }
    if (y->n > MAX_ALIASES) {
        SG_ERR(B->d, "limit", at(B, y->pos), "%zu aliases, over the limit of %d", y->n,
               MAX_ALIASES);
        c->broken = true;
        return;
    }
    c->aliases = sg_arena_alloc(B->a, (y->n ? y->n : 1) * sizeof *c->aliases);
    if (!c->aliases) {
        B->oom = true;
        return;
    }
    for (size_t i = 0; i < y->n; i++) {
        const sg_ynode *k = y->kids[2 * i], *v = y->kids[2 * i + 1];
        const char *name = scalar_text(k);
        if (!name || !name[0]) {
            CERR(B, k->pos, "alias names must be non-empty strings");
            continue;
        }
        if (v->type != SG_Y_MAP || v->n == 0) {
            CERR(B, v->type == SG_Y_MAP ? k->pos : v->pos,
                 "alias '%s' must map rule names to field names (rule: field), not %s", name,
                 v->type == SG_Y_MAP ? "an empty map" : ynode_kind(v));
            continue;
        }
        if (v->n > MAX_RULES) {
            SG_ERR(B->d, "limit", at(B, k->pos), "alias '%s' maps %zu rules, over the limit of %d",
                   name, v->n, MAX_RULES);
            c->broken = true;
            continue;
        }
        sg_corr_alias *al = &c->aliases[c->naliases++];
        al->name = name;
        al->pos = k->pos;
        al->items = sg_arena_alloc(B->a, v->n * sizeof *al->items);
        if (!al->items) {
            B->oom = true;
            return;
        }
        for (size_t j = 0; j < v->n; j++) {
            const sg_ynode *rk = v->kids[2 * j], *fv = v->kids[2 * j + 1];
            const char *rn = scalar_text(rk), *fn = scalar_text(fv);
            if (!rn || !rn[0]) {
                CERR(B, rk->pos, "alias '%s': rule names must be non-empty strings", name);
                continue;
            }
            if (!fn || fv->type != SG_Y_SCALAR || fv->scalar.type == SG_V_BOOL || !fn[0]) {
                CERR(B, fv->pos, "alias '%s': the field for rule '%s' must be a field name, not %s",
                     name, rn, fn && !fn[0] ? "an empty string" : ynode_kind(fv));
                continue;
            }
            al->items[al->nitems++] = (sg_corr_alias_item){{rn, rk->pos, NULL, NULL}, fn, fv->pos};
        }
    }
}

static bool parse_bool(bctx *B, const sg_ynode *y, const char *what, bool *out)
{
    if (y->type != SG_Y_SCALAR || y->scalar.type != SG_V_BOOL) {
        CERR(B, y->pos, "'%s' must be true or false, not %s", what, ynode_kind(y));
        return false;
    }
    *out = y->scalar.b;
    return true;
}

/* Group-by names that are aliases get their alias; aliases nobody uses are
 * probably a typo in group-by. */
static void link_aliases(bctx *B)
{
    sg_correlation *c = B->c;
    for (size_t g = 0; g < c->ngroup_by; g++)
        for (size_t k = 0; k < c->naliases; k++)
            if (!strcmp(c->group_by[g].name, c->aliases[k].name)) {
                c->group_by[g].alias = &c->aliases[k];
                c->aliases[k].used = true;
            }
    for (size_t k = 0; k < c->naliases; k++)
        if (!c->aliases[k].used)
            SG_WARN(B->d, LINT, at(B, c->aliases[k].pos),
                    "alias '%s' is not used in 'group-by'", c->aliases[k].name);
}

/* ---- the document ---------------------------------------------------------------------- */

static const char *const section_keys[] = {"type",    "rules",   "group-by", "timespan",
                                           "condition", "aliases", "generate", NULL};

sg_correlation *sg_correlation_build(sg_arena *a, const sg_rule *doc, sg_diags *d)
{
    sg_correlation *c = sg_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    bctx B = {a, d, doc, c, doc->pos, false};
    c->src = doc;
    c->percentile = -1;
    c->timespan = 0;
    const sg_ynode *sec = doc->correlation;
    if (!sec || sec->type != SG_Y_MAP) {
        CERR(&B, sec ? sec->pos : doc->pos, "'correlation' must be a map with type, rules, "
                                            "group-by, timespan and condition, not %s",
             ynode_kind(sec));
        return c;
    }
    const sg_ynode *val[8] = {0}, *key[8] = {0};
    for (size_t i = 0; i < sec->n; i++) {
        const sg_ynode *k = sec->kids[2 * i];
        const char *ks = scalar_text(k);
        size_t j = 0;
        while (ks && section_keys[j] && strcmp(section_keys[j], ks))
            j++;
        if (!ks || !section_keys[j]) {
            CERR(&B, k->pos,
                 "unknown key '%s' in 'correlation' (expected type, rules, group-by, timespan, "
                 "condition, aliases or generate)",
                 ks ? ks : "?");
            continue;
        }
        key[j] = k;
        val[j] = sec->kids[2 * i + 1];
    }
    enum { K_TYPE, K_RULES, K_GROUP, K_SPAN, K_COND, K_ALIAS, K_GEN };
    B.sec = sec->pos;
    c->type_pos = key[K_TYPE] ? key[K_TYPE]->pos : sec->pos;
    c->condition_pos = key[K_COND] ? key[K_COND]->pos : doc->pos;
    c->group_by_pos = key[K_GROUP] ? key[K_GROUP]->pos : doc->pos;
    c->rules_pos = key[K_RULES] ? key[K_RULES]->pos : doc->pos;

    /* type */
    bool typed = false;
    const char *ts = val[K_TYPE] ? scalar_text(val[K_TYPE]) : NULL;
    if (!key[K_TYPE]) {
        CERR(&B, sec->pos, "the correlation has no 'type'");
    } else if (!ts) {
        CERR(&B, vpos(val[K_TYPE], key[K_TYPE]), "'type' must be a correlation type, not %s",
             ynode_kind(val[K_TYPE]));
    } else {
        for (size_t i = 0; i < NTYPES && !typed; i++)
            if (!strcmp(ts, type_names[i])) {
                c->type = (sg_corr_type)i;
                typed = true;
            }
        if (!typed)
            CERR(&B, vpos(val[K_TYPE], key[K_TYPE]),
                 "unknown correlation type '%s' (expected event_count, value_count, temporal, "
                 "temporal_ordered, value_sum, value_avg, value_percentile or value_median)",
                 ts);
    }

    /* rules: may be left out only when a temporal condition names them */
    bool cond_is_expr = val[K_COND] && val[K_COND]->type == SG_Y_SCALAR &&
                        val[K_COND]->scalar.type == SG_V_STRING;
    if (val[K_RULES])
        parse_rules(&B, val[K_RULES], key[K_RULES]);
    else if (!(typed && sg_corr_type_is_temporal(c->type) && cond_is_expr))
        CERR(&B, sec->pos, "the correlation has no 'rules'");

    if (val[K_GROUP])
        parse_group_by(&B, val[K_GROUP]);
    if (!c->ngroup_by && !c->broken)
        SG_WARN(d, LINT, at(&B, key[K_GROUP] ? key[K_GROUP]->pos : sec->pos),
                "the correlation has no 'group-by': it aggregates over all events, and the "
                "specification requires one");

    if (val[K_SPAN]) {
        const char *why = NULL;
        const char *s = scalar_text(val[K_SPAN]);
        c->timespan_pos = vpos(val[K_SPAN], key[K_SPAN]);
        c->timespan_text = s;
        if (!s || val[K_SPAN]->scalar.type != SG_V_STRING)
            CERR(&B, vpos(val[K_SPAN], key[K_SPAN]),
                 "'timespan' must be a number and a unit such as 5m or 1h, not %s%s%s",
                 s ? "'" : ynode_kind(val[K_SPAN]), s ? s : "", s ? "'" : "");
        else if (!sg_timespan_parse(s, &c->timespan, &why))
            CERR(&B, vpos(val[K_SPAN], key[K_SPAN]), "invalid timespan '%s': %s", s, why);
    } else {
        CERR(&B, sec->pos, "the correlation has no 'timespan'");
    }

    if (val[K_ALIAS])
        parse_aliases(&B, val[K_ALIAS]);
    link_aliases(&B);

    if (typed)
        parse_condition(&B, val[K_COND], key[K_COND], val[K_RULES] != NULL);
    if (c->type == SG_CORR_VALUE_MEDIAN)
        c->percentile = 50;

    if (typed && sg_corr_type_is_temporal(c->type) && c->nrules == 1 && !c->broken)
        SG_WARN(d, LINT, at(&B, c->rules_pos),
                "a %s correlation over one rule is an event_count with 'gte: 1'",
                sg_corr_type_name(c->type));

    /* generate: top level (the specification) or in the section (pySigma) */
    if (val[K_GEN] && parse_bool(&B, val[K_GEN], "generate", &c->generate))
        c->generate_pos = val[K_GEN]->pos;
    for (size_t i = 0; i < doc->ncustom; i++)
        if (doc->custom[i].key.s && !strcmp(doc->custom[i].key.s, "generate") &&
            doc->custom[i].value && parse_bool(&B, doc->custom[i].value, "generate", &c->generate))
            c->generate_pos = doc->custom[i].key.pos;

    if (doc->has_detection)
        CERR(&B, doc->detection_pos,
             "a correlation rule has no 'detection': put the detection in a rule of its own and "
             "name it in 'rules'");
    if (doc->logsource.present)
        SG_WARN(d, LINT, at(&B, doc->logsource.pos),
                "'logsource' is ignored in a correlation rule: its rules have their own");
    return B.oom ? NULL : c;
}

/* ---- dump ----------------------------------------------------------------------------------- */

static void dump_list(sg_strbuf *o, const char *name, const char *const *v, size_t n)
{
    sg_sb_printf(o, " %s=[", name);
    for (size_t i = 0; i < n; i++)
        sg_sb_printf(o, "%s%s", i ? " " : "", v[i]);
    sg_sb_putc(o, ']');
}

static void dump_expr(const sg_corr_expr *e, sg_strbuf *o)
{
    switch (e->kind) {
    case SG_CX_RULE:
        sg_sb_puts(o, e->name);
        return;
    case SG_CX_NOT:
        sg_sb_puts(o, "(not ");
        dump_expr(e->a, o);
        sg_sb_putc(o, ')');
        return;
    case SG_CX_AND:
    case SG_CX_OR:
        sg_sb_printf(o, "(%s ", e->kind == SG_CX_AND ? "and" : "or");
        dump_expr(e->a, o);
        sg_sb_putc(o, ' ');
        dump_expr(e->b, o);
        sg_sb_putc(o, ')');
        return;
    }
}

void sg_corr_dump(const sg_correlation *c, sg_strbuf *o)
{
    sg_sb_printf(o, "(%s", sg_corr_type_name(c->type) ? sg_corr_type_name(c->type) : "?");
    sg_sb_puts(o, " rules=[");
    for (size_t i = 0; i < c->nrules; i++) {
        const sg_corr_ref *r = &c->rules[i];
        sg_sb_printf(o, "%s%s", i ? " " : "", r->text);
        if (r->rule)
            sg_sb_printf(o, "->%s:%u", r->rule->path ? r->rule->path : "-", r->rule->pos.line);
    }
    sg_sb_putc(o, ']');
    sg_sb_puts(o, " group-by=[");
    for (size_t g = 0; g < c->ngroup_by; g++) {
        const sg_corr_group *gr = &c->group_by[g];
        sg_sb_printf(o, "%s%s", g ? " " : "", gr->name);
        if (gr->alias) {
            sg_sb_putc(o, '{');
            for (size_t k = 0; k < gr->alias->nitems; k++)
                sg_sb_printf(o, "%s%s:%s", k ? " " : "", gr->alias->items[k].rule.text,
                             gr->alias->items[k].field);
            sg_sb_putc(o, '}');
        }
    }
    sg_sb_putc(o, ']');
    sg_sb_printf(o, " timespan=%lld", (long long)c->timespan);
    if (c->expr) {
        sg_sb_puts(o, " condition=");
        dump_expr(c->expr, o);
    } else {
        sg_sb_printf(o, " condition=%s(", c->condition_default ? "default" : "");
        for (size_t i = 0; i < c->ncmps; i++)
            sg_sb_printf(o, "%s%s %s", i ? " and " : "", sg_cmp_op_name(c->cmps[i].op),
                         c->cmps[i].num.text ? c->cmps[i].num.text : "?");
        sg_sb_putc(o, ')');
    }
    if (c->nfields)
        dump_list(o, "field", c->fields, c->nfields);
    if (c->percentile >= 0)
        sg_sb_printf(o, " percentile=%d", c->percentile);
    if (c->generate)
        sg_sb_puts(o, " generate");
    if (c->broken)
        sg_sb_puts(o, " broken");
    sg_sb_putc(o, ')');
}
