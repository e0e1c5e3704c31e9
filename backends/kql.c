/* kql.c - target "kql": Microsoft Defender XDR, Sentinel, Azure Data Explorer.
 *
 * Output: `Table\n| where <expr>` (+ `| project` of the rule's fields).
 * The table and its schema come from pipeline state (set_state):
 *   query_table         the table to search (required)
 *   query_table_schema  "Col:type, Col:type, ..." (optional): when given,
 *                       every field must be a column of it, and values are
 *                       written for the column's type
 *   keyword_column      the column keywords (field-less values) search;
 *                       without it they search every column (`*`)
 * Every operator keeps Sigma's meaning: `=~`/`contains`/`startswith`/
 * `endswith` (or their case-sensitive forms under |cased), `in~` for value
 * lists, `matches regex` (RE2) for inner wildcards and |re. What KQL cannot
 * say is a per-rule error, never a looser query. */
#include "backend.h"
#include "kql_escape.h"
#include "kql_int.h"
#include "kql_re2.h"
#include "xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char TARGET[] = "kql";

typedef enum {
    KT_UNKNOWN, /* no schema: written as Sigma's value type suggests */
    KT_STRING,
    KT_DYNAMIC,
    KT_LONG, /* int, long */
    KT_REAL, /* real, double, decimal */
    KT_BOOL,
    KT_DATETIME,
    KT_OTHER, /* guid, timespan */
} ktype;

typedef struct kcol {
    const char *name;
    size_t len;
    ktype type;
} kcol;

typedef struct kql {
    const ir_rule *r;
    sg_arena *a;
    sg_strbuf *out;
    sg_diags *d;
    const char *table;
    const kcol *cols;
    size_t ncols;
    bool schema;
    const char *kwcol;
    sigma_status st; /* first failure; emission goes on only to find more */
    bool quiet;      /* probing (| project): failures are not errors */
} kql;

/* A field resolved against the schema. */
typedef struct kref {
    const char *field; /* the name after mapping */
    size_t baselen;    /* length of the column part (before a '.' path) */
    ktype coltype;     /* type of the column */
    ktype type;        /* type of the whole expression (dynamic for a path) */
    bool path;
} kref;

#define FAIL(k, pos, ...)                                                                \
    do {                                                                                 \
        if ((k)->st == SIGMA_OK && !(k)->quiet)                                          \
            (k)->st = sg_unsupported((k)->d, (k)->r, (pos), TARGET, __VA_ARGS__);       \
    } while (0)

/* ---- schema ------------------------------------------------------------------- */

static const struct {
    const char *name;
    ktype type;
} type_names[] = {
    {"string", KT_STRING},   {"dynamic", KT_DYNAMIC}, {"int", KT_LONG},
    {"long", KT_LONG},       {"real", KT_REAL},       {"double", KT_REAL},
    {"decimal", KT_REAL},    {"bool", KT_BOOL},       {"boolean", KT_BOOL},
    {"datetime", KT_DATETIME}, {"date", KT_DATETIME}, {"guid", KT_OTHER},
    {"timespan", KT_OTHER},  {"time", KT_OTHER},
};

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* Parse "(Col:type, ...)" (parentheses optional). False when malformed. */
static bool parse_schema(kql *k, const char *s)
{
    size_t cap = 8, n = 0;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    kcol *cols = sg_arena_alloc(k->a, cap * sizeof *cols);
    if (!cols) {
        k->st = SIGMA_ENOMEM;
        return true;
    }
    const char *p = skip_ws(s);
    bool paren = *p == '(';
    if (paren)
        p = skip_ws(p + 1);
    while (*p && *p != ')') {
        const char *name = p;
        while (is_name_char(*p))
            p++;
        size_t len = (size_t)(p - name);
        p = skip_ws(p);
        if (!len || *p != ':' || n == cap)
            return false;
        p = skip_ws(p + 1);
        const char *ty = p;
        while (is_name_char(*p))
            p++;
        size_t tlen = (size_t)(p - ty);
        bool known = false;
        for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
            if (type_names[i].name[0] == ty[0] && !strncmp(type_names[i].name, ty, tlen) &&
                type_names[i].name[tlen] == '\0') {
                cols[n++] = (kcol){name, len, type_names[i].type};
                known = true;
                break;
            }
        if (!known)
            return false;
        p = skip_ws(p);
        if (*p == ',')
            p = skip_ws(p + 1);
        else if (*p && *p != ')')
            return false;
    }
    if (paren != (*p == ')'))
        return false;
    if (*p == ')' && *skip_ws(p + 1))
        return false;
    k->cols = cols;
    k->ncols = n;
    k->schema = true;
    return true;
}

/* ---- schema cache (pipeline speed-up) -------------------------------------------
 * Every rule carries its own copy of one of a few query_table_schema texts
 * (kilobytes each); parsing it again for each rule was ~3-5% of a whole-
 * corpus compile. The run state keeps each distinct text parsed once. It is
 * only a cache: when it cannot grow, rules are parsed as before. */
typedef struct kschema {
    char *text; /* own copy; cols[].name point into it */
    size_t len;
    kcol *cols;
    size_t ncols;
} kschema;

typedef struct kql_run {
    kschema *v;
    size_t n, cap;
} kql_run;

static void *run_new(void)
{
    return sg_calloc(1, sizeof(kql_run));
}

static void run_free(void *p)
{
    kql_run *run = p;
    if (!run)
        return;
    for (size_t i = 0; i < run->n; i++) {
        sg_free(run->v[i].text);
        sg_free(run->v[i].cols);
    }
    sg_free(run->v);
    sg_free(run);
}

static void cache_schema(kql_run *run, const char *s, size_t len, const kql *k)
{
    if (run->n == run->cap) {
        size_t nc = run->cap ? 2 * run->cap : 8;
        kschema *v = nc <= 256 ? sg_realloc(run->v, nc * sizeof *v) : NULL;
        if (!v)
            return;
        run->v = v;
        run->cap = nc;
    }
    char *text = sg_malloc(len + 1);
    kcol *cols = sg_malloc((k->ncols ? k->ncols : 1) * sizeof *cols);
    if (!text || !cols) {
        sg_free(text);
        sg_free(cols);
        return;
    }
    memcpy(text, s, len + 1);
    for (size_t i = 0; i < k->ncols; i++)
        cols[i] = (kcol){text + (k->cols[i].name - s), k->cols[i].len, k->cols[i].type};
    run->v[run->n++] = (kschema){text, len, cols, k->ncols};
}

/* parse_schema through the run's cache (run may be NULL). */
static bool use_schema(kql *k, kql_run *run, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; run && i < run->n; i++)
        if (run->v[i].len == len && !memcmp(run->v[i].text, s, len)) {
            k->cols = run->v[i].cols;
            k->ncols = run->v[i].ncols;
            k->schema = true;
            return true;
        }
    if (!parse_schema(k, s))
        return false;
    if (run && k->schema)
        cache_schema(run, s, len, k);
    return true;
}

static const kcol *find_col(const kql *k, const char *name, size_t len)
{
    for (size_t i = 0; i < k->ncols; i++)
        if (k->cols[i].len == len && !memcmp(k->cols[i].name, name, len))
            return &k->cols[i];
    return NULL;
}

/* Resolve a field: a column, or column.path into a dynamic (or JSON
 * string) column. Reports and returns false when the table lacks it. */
static bool resolve(kql *k, const char *field, sg_pos pos, kref *f)
{
    size_t len = strlen(field);
    *f = (kref){field, len, KT_UNKNOWN, KT_UNKNOWN, false};
    const char *dot = strchr(field, '.');
    bool pathlike = dot && dot != field && dot[1] && !strstr(field, "..") &&
                    field[len - 1] != '.';
    if (!k->schema) {
        if (pathlike) {
            f->baselen = (size_t)(dot - field);
            f->path = true;
            f->type = KT_DYNAMIC;
        }
        return true;
    }
    const kcol *c = find_col(k, field, len);
    if (!c && pathlike) {
        c = find_col(k, field, (size_t)(dot - field));
        if (c && (c->type == KT_DYNAMIC || c->type == KT_STRING)) {
            f->baselen = (size_t)(dot - field);
            f->path = true;
        } else if (c) {
            FAIL(k, pos, "field '%s': column '%.*s' of %s is not dynamic, it has no properties",
                 field, (int)(dot - field), field, k->table);
            return false;
        }
    }
    if (!c) {
        FAIL(k, pos, "field '%s' is not a column of %s (no mapping for it in the pipeline)", field,
             k->table);
        return false;
    }
    f->coltype = c->type;
    f->type = f->path ? KT_DYNAMIC : c->type;
    return true;
}

/* Write a resolved field; as_string wraps non-string values in tostring(). */
static void put_ref(kql *k, const kref *f, bool as_string)
{
    sg_strbuf *o = k->out;
    bool wrap = as_string && f->type != KT_STRING && f->type != KT_UNKNOWN;
    if (wrap)
        sg_sb_puts(o, "tostring(");
    if (f->path && f->coltype == KT_STRING)
        sg_sb_puts(o, "parse_json(");
    if (!kql_ident(o, f->field, f->baselen))
        FAIL(k, ((sg_pos){0}), "field name '%s' is not valid UTF-8", f->field);
    if (f->path && f->coltype == KT_STRING)
        sg_sb_putc(o, ')');
    if (f->path) {
        const char *p = f->field + f->baselen;
        while (*p == '.') {
            const char *seg = ++p;
            while (*p && *p != '.')
                p++;
            size_t n = (size_t)(p - seg);
            if (kql_ident_is_bare(seg, n)) {
                sg_sb_putc(o, '.');
                sg_sb_put(o, seg, n);
            } else if (!kql_ident(o, seg, n)) {
                FAIL(k, ((sg_pos){0}), "field name '%s' is not valid UTF-8", f->field);
            }
        }
    }
    if (wrap)
        sg_sb_putc(o, ')');
}

/* ---- values ---------------------------------------------------------------------- */

static void put_str(kql *k, const char *s, size_t n, sg_pos pos)
{
    if (!kql_quote(k->out, s, n))
        FAIL(k, pos, "value is not valid UTF-8 text (KQL strings are Unicode): it cannot match");
}

/* All segments literal: their concatenation (arena) in *s. */
static bool segs_text(kql *k, const ir_test *t, const char **s, size_t *len)
{
    size_t total = 0;
    for (size_t i = 0; i < t->nsegs; i++) {
        if (t->segs[i].kind != IR_SEG_LIT)
            return false;
        total += t->segs[i].len;
    }
    if (t->nsegs == 1) {
        *s = t->segs[0].s;
        *len = t->segs[0].len;
        return true;
    }
    char *buf = sg_arena_alloc(k->a, total + 1);
    if (!buf) {
        k->st = SIGMA_ENOMEM;
        *s = "";
        *len = 0;
        return true;
    }
    size_t off = 0;
    for (size_t i = 0; i < t->nsegs; i++) {
        memcpy(buf + off, t->segs[i].s, t->segs[i].len);
        off += t->segs[i].len;
    }
    *s = buf;
    *len = total;
    return true;
}

/* A KQL number literal for the text, or NULL. */
static bool numeric_text(const char *s, size_t n, bool allow_frac)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    size_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (!digits || digits > 18)
        return false;
    if (i < n && s[i] == '.' && allow_frac) {
        i++;
        size_t frac = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, frac++;
        if (!frac)
            return false;
    }
    return i == n;
}

static void put_num(kql *k, const ir_num *num, sg_pos pos)
{
    const char *t = num->text;
    if (t && numeric_text(t, strlen(t), true))
        sg_sb_puts(k->out, t);
    else if (num->is_int)
        sg_sb_printf(k->out, "%" PRId64, num->i);
    else if (num->f == num->f && num->f - num->f == 0) /* finite */
        sg_sb_printf(k->out, "real(%.17g)", num->f);
    else
        FAIL(k, pos, "number '%s' has no KQL literal", t ? t : "?");
}

static const char *const num_ops[] = {"==", "<", "<=", ">", ">="};

/* " op " without printf: this runs for every test of every rule. */
static void put_op(sg_strbuf *o, const char *op)
{
    sg_sb_putc(o, ' ');
    sg_sb_puts(o, op);
    sg_sb_putc(o, ' ');
}

static bool is_numeric(ktype t)
{
    return t == KT_LONG || t == KT_REAL;
}

/* ---- tests ----------------------------------------------------------------------- */

static void emit_regex_value(kql *k, const ir_test *t, const char *flags, sg_pos pos)
{
    sg_strbuf re;
    sg_sb_init(&re);
    if (*flags)
        sg_sb_printf(&re, "(?%s)", flags);
    const char *why = kql_re2_translate(&re, t->re, t->re_len);
    if (why)
        FAIL(k, pos, "regular expression uses %s, which RE2 (KQL's matches regex) does not have",
             why);
    else if (re.failed)
        k->st = SIGMA_ENOMEM;
    else
        put_str(k, re.data, re.len, pos);
    sg_sb_free(&re);
}

/* Inner wildcards: an RE2 pattern anchored as the mode says. */
static void emit_wildcards(kql *k, const ir_test *t, const kref *f)
{
    sg_strbuf re;
    sg_sb_init(&re);
    sg_sb_puts(&re, t->cased ? "(?s)" : "(?is)");
    if (t->mode == IR_STR_EXACT || t->mode == IR_STR_STARTSWITH)
        sg_sb_putc(&re, '^');
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *s = &t->segs[i];
        if (s->kind == IR_SEG_LIT)
            kql_re_literal(&re, s->s, s->len);
        else
            sg_sb_puts(&re, s->kind == IR_SEG_STAR ? ".*" : ".");
    }
    if (t->mode == IR_STR_EXACT || t->mode == IR_STR_ENDSWITH)
        sg_sb_putc(&re, '$');
    if (re.failed) {
        k->st = SIGMA_ENOMEM;
    } else if (f) {
        put_ref(k, f, true);
        sg_sb_puts(k->out, " matches regex ");
        put_str(k, re.data, re.len, t->pos);
    }
    sg_sb_free(&re);
}

static const char *str_op(ir_str_mode m, bool cased)
{
    switch (m) {
    case IR_STR_EXACT: return cased ? "==" : "=~";
    case IR_STR_CONTAINS: return cased ? "contains_cs" : "contains";
    case IR_STR_STARTSWITH: return cased ? "startswith_cs" : "startswith";
    case IR_STR_ENDSWITH: return cased ? "endswith_cs" : "endswith";
    }
    return "=~";
}

static bool bool_text(const char *s, size_t n, bool *v)
{
    if (n == 4 && !strncasecmp(s, "true", 4))
        return *v = true, true;
    if (n == 5 && !strncasecmp(s, "false", 5))
        return *v = false, true;
    return false;
}

/* Keywords: the keyword column, or every column (`*`). */
static bool keyword_ref(kql *k, const ir_test *t, kref *f)
{
    if (k->kwcol)
        return resolve(k, k->kwcol, t->pos, f);
    bool plain = t->kind == IR_T_STR && t->mode == IR_STR_CONTAINS && t->nsegs > 0;
    for (size_t i = 0; plain && i < t->nsegs; i++)
        plain = t->segs[i].kind == IR_SEG_LIT;
    if (!plain) {
        FAIL(k, t->pos,
             "keyword with %s: without a message column (state keyword_column) only "
             "'anywhere in the event' substrings can be searched (where * contains)",
             t->kind == IR_T_STR ? "wildcards or anchoring" : "a regex or typed value");
        return false;
    }
    *f = (kref){NULL, 0, KT_STRING, KT_STRING, false};
    return true;
}

static void emit_str(kql *k, const ir_test *t, const kref *f)
{
    sg_strbuf *o = k->out;
    for (size_t i = 0; i < t->nsegs; i++)
        if (t->segs[i].kind == IR_SEG_PLACEHOLDER) {
            FAIL(k, t->pos, "placeholder %%%.*s%% was not replaced by any pipeline",
                 (int)t->segs[i].len, t->segs[i].s);
            return;
        }
    const char *s;
    size_t n;
    if (!segs_text(k, t, &s, &n)) {
        emit_wildcards(k, t, f);
        return;
    }
    if (t->mode == IR_STR_CONTAINS && n == 0) { /* `*`: any value */
        sg_sb_puts(o, "isnotempty(");
        put_ref(k, f, false);
        sg_sb_putc(o, ')');
        return;
    }
    bool bv;
    if (t->mode == IR_STR_EXACT && is_numeric(f->type) &&
        numeric_text(s, n, f->type == KT_REAL)) {
        put_ref(k, f, false);
        sg_sb_puts(o, " == ");
        sg_sb_put(o, s, n);
        return;
    }
    if (t->mode == IR_STR_EXACT && f->type == KT_BOOL && bool_text(s, n, &bv)) {
        put_ref(k, f, false);
        sg_sb_puts(o, bv ? " == true" : " == false");
        return;
    }
    put_ref(k, f, true);
    put_op(o, str_op(t->mode, t->cased));
    put_str(k, s, n, t->pos);
}

static void emit_num(kql *k, const ir_test *t, const kref *f)
{
    sg_strbuf *o = k->out;
    if (f->type == KT_STRING || f->type == KT_DYNAMIC) {
        if (t->op == IR_NUM_EQ) { /* 5 also matches "5": compare the text */
            put_ref(k, f, true);
            sg_sb_puts(o, " == ");
            put_str(k, t->num.text, strlen(t->num.text), t->pos);
            return;
        }
        sg_sb_puts(o, "toreal(");
        put_ref(k, f, false);
        sg_sb_putc(o, ')');
    } else if (f->type == KT_UNKNOWN || is_numeric(f->type)) {
        put_ref(k, f, false);
    } else {
        FAIL(k, t->pos, "field '%s' is a %s column, not a number", f->field,
             f->type == KT_BOOL ? "bool" : f->type == KT_DATETIME ? "datetime" : "non-numeric");
        return;
    }
    put_op(o, num_ops[t->op]);
    put_num(k, &t->num, t->pos);
}

static void emit_timepart(kql *k, const ir_test *t, const kref *f)
{
    const char *part;
    switch (t->part) {
    case SG_MOD_MINUTE: part = "minute"; break;
    case SG_MOD_HOUR: part = "hour"; break;
    case SG_MOD_DAY: part = "day"; break;
    case SG_MOD_WEEK: part = "week_of_year"; break;
    case SG_MOD_MONTH: part = "month"; break;
    case SG_MOD_YEAR: part = "year"; break;
    default:
        FAIL(k, t->pos, "unknown date part");
        return;
    }
    sg_sb_puts(k->out, "datetime_part(\"");
    sg_sb_puts(k->out, part);
    sg_sb_puts(k->out, "\", ");
    bool conv = f->type != KT_DATETIME;
    if (conv)
        sg_sb_puts(k->out, "todatetime(");
    put_ref(k, f, false);
    sg_sb_puts(k->out, conv ? "))" : ")");
    put_op(k->out, num_ops[t->op]);
    put_num(k, &t->num, t->pos);
}

static void emit_fieldref(kql *k, const ir_test *t, const kref *f)
{
    kref g;
    if (!resolve(k, t->ref, t->pos, &g))
        return;
    sg_strbuf *o = k->out;
    if (t->mode == IR_STR_EXACT && f->type == g.type && f->type != KT_STRING &&
        f->type != KT_DYNAMIC && f->type != KT_UNKNOWN) {
        put_ref(k, f, false); /* same non-string type: compare values */
        sg_sb_puts(o, " == ");
        put_ref(k, &g, false);
        return;
    }
    put_ref(k, f, true);
    put_op(o, str_op(t->mode, t->cased));
    put_ref(k, &g, true);
}

static void emit_test(kql *k, const ir_test *t)
{
    sg_strbuf *o = k->out;
    kref f;
    if (t->field ? !resolve(k, t->field, t->pos, &f) : !keyword_ref(k, t, &f))
        return;
    if (!f.field) { /* every column */
        const char *s;
        size_t n;
        segs_text(k, t, &s, &n);
        sg_sb_puts(o, t->cased ? "* contains_cs " : "* contains ");
        put_str(k, s, n, t->pos);
        return;
    }
    switch (t->kind) {
    case IR_T_STR:
        emit_str(k, t, &f);
        return;
    case IR_T_REGEX: {
        char flags[4];
        size_t nf = 0;
        if (t->re_flags & IR_RE_I)
            flags[nf++] = 'i';
        if (t->re_flags & IR_RE_M)
            flags[nf++] = 'm';
        if (t->re_flags & IR_RE_S)
            flags[nf++] = 's';
        flags[nf] = '\0';
        put_ref(k, &f, true);
        sg_sb_puts(o, " matches regex ");
        emit_regex_value(k, t, flags, t->pos);
        return;
    }
    case IR_T_CIDR:
        sg_sb_puts(o, t->family == 6 ? "ipv6_is_in_range(" : "ipv4_is_in_range(");
        put_ref(k, &f, true);
        sg_sb_puts(o, ", ");
        put_str(k, t->cidr_text, strlen(t->cidr_text), t->pos);
        sg_sb_putc(o, ')');
        return;
    case IR_T_NUM:
        emit_num(k, t, &f);
        return;
    case IR_T_NULL:
        /* KQL strings are never null: an absent string value is "". */
        sg_sb_puts(o, is_numeric(f.type) || f.type == KT_BOOL || f.type == KT_DATETIME ||
                              f.type == KT_OTHER
                          ? "isnull("
                          : "isempty(");
        put_ref(k, &f, false);
        sg_sb_putc(o, ')');
        return;
    case IR_T_EXISTS:
        sg_sb_puts(o, t->exists ? "isnotempty(" : "isempty(");
        put_ref(k, &f, false);
        sg_sb_putc(o, ')');
        return;
    case IR_T_FIELDREF:
        emit_fieldref(k, t, &f);
        return;
    case IR_T_TIMEPART:
        emit_timepart(k, t, &f);
        return;
    case IR_T_EXPR:
        sg_sb_putc(o, '(');
        sg_sb_puts(o, t->expr);
        sg_sb_putc(o, ')');
        return;
    }
}

/* ---- expressions ------------------------------------------------------------------ */

/* A test that can join an `in~ (...)` / `in (...)` list. */
static bool listable(const ir_node *n)
{
    if (n->kind != IR_TEST)
        return false;
    const ir_test *t = n->test;
    if (!t->field)
        return false;
    if (t->kind == IR_T_NUM)
        return t->op == IR_NUM_EQ;
    if (t->kind != IR_T_STR || t->mode != IR_STR_EXACT || t->nsegs == 0)
        return false;
    for (size_t i = 0; i < t->nsegs; i++)
        if (t->segs[i].kind != IR_SEG_LIT)
            return false;
    return true;
}

/* Members of one list: same field, same case rule, all strings or all numbers. */
static bool same_list(const ir_test *a, const ir_test *b)
{
    return !strcmp(a->field, b->field) && a->kind == b->kind &&
           (a->kind == IR_T_NUM || a->cased == b->cased);
}

static void emit_node(kql *k, const ir_node *n, bool in_and);

/* `f in~ (...)` for the kids from i that share kid i's list; marks them. */
static void emit_list(kql *k, const ir_node *or, size_t first, bool *done)
{
    const ir_test *t0 = or->kids[first]->test;
    kref f;
    if (!resolve(k, t0->field, t0->pos, &f))
        return;
    sg_strbuf *o = k->out;
    bool as_num = t0->kind == IR_T_NUM && (f.type == KT_UNKNOWN || is_numeric(f.type));
    bool as_str = !as_num && (f.type == KT_STRING || f.type == KT_DYNAMIC || f.type == KT_UNKNOWN);
    if (!as_num && !as_str) { /* typed column: one comparison each */
        sg_sb_putc(o, '(');
        for (size_t i = first, m = 0; i < or->nkids; i++)
            if (!done[i] && listable(or->kids[i]) && same_list(t0, or->kids[i]->test)) {
                sg_sb_puts(o, m++ ? " or " : "");
                emit_test(k, or->kids[i]->test);
                done[i] = true;
            }
        sg_sb_putc(o, ')');
        return;
    }
    put_ref(k, &f, as_str);
    sg_sb_puts(o, as_num || t0->cased ? " in (" : " in~ (");
    for (size_t i = first, m = 0; i < or->nkids; i++) {
        const ir_node *kid = or->kids[i];
        if (done[i] || !listable(kid) || !same_list(t0, kid->test))
            continue;
        done[i] = true;
        sg_sb_puts(o, m++ ? ", " : "");
        const ir_test *t = kid->test;
        if (as_num) {
            put_num(k, &t->num, t->pos);
        } else if (t->kind == IR_T_NUM) {
            put_str(k, t->num.text, strlen(t->num.text), t->pos);
        } else {
            const char *s;
            size_t len;
            segs_text(k, t, &s, &len);
            put_str(k, s, len, t->pos);
        }
    }
    sg_sb_putc(o, ')');
}

/* Long chains are written as nested groups of at most CHUNK terms: Kusto's
 * parser stops analyzing a left-deep `a or b or ...` of many hundreds. */
enum { CHUNK = 64 };

typedef struct unit {
    size_t kid;
    bool list; /* an `in~` list starting at kid */
} unit;

static void emit_unit(kql *k, const ir_node *n, const unit *u, bool *done, bool in_and)
{
    const ir_node *kid = n->kids[u->kid];
    /* `and` binds tighter than `or` anyway; the parentheses are for readers */
    bool paren = !u->list && n->kind == IR_OR && kid->kind == IR_AND;
    if (paren)
        sg_sb_putc(k->out, '(');
    if (u->list)
        emit_list(k, n, u->kid, done);
    else
        emit_node(k, kid, in_and);
    if (paren)
        sg_sb_putc(k->out, ')');
}

/* Units [lo, hi) joined by `op`; `wrap`: the result needs parentheses. */
static void emit_units(kql *k, const ir_node *n, const unit *u, size_t lo, size_t hi, bool *done,
                       bool wrap)
{
    bool is_and = n->kind == IR_AND;
    const char *op = is_and ? " and " : " or ";
    size_t cnt = hi - lo;
    if (cnt == 1) {
        emit_unit(k, n, &u[lo], done, wrap || is_and);
        return;
    }
    if (wrap)
        sg_sb_putc(k->out, '(');
    if (cnt <= CHUNK) {
        for (size_t i = lo; i < hi; i++) {
            if (i > lo)
                sg_sb_puts(k->out, op);
            emit_unit(k, n, &u[i], done, is_and);
        }
    } else {
        size_t step = (cnt + CHUNK - 1) / CHUNK;
        for (size_t i = lo; i < hi; i += step) {
            if (i > lo)
                sg_sb_puts(k->out, op);
            emit_units(k, n, u, i, i + step < hi ? i + step : hi, done, true);
        }
    }
    if (wrap)
        sg_sb_putc(k->out, ')');
}

/* AND / OR: an OR's equality tests on one field become one `in~` list. */
static void emit_nary(kql *k, const ir_node *n, bool in_and)
{
    bool *done = sg_arena_alloc(k->a, n->nkids * sizeof *done);
    unit *u = sg_arena_alloc(k->a, n->nkids * sizeof *u);
    bool *claimed = sg_arena_alloc(k->a, n->nkids * sizeof *claimed);
    if (!done || !u || !claimed) {
        k->st = SIGMA_ENOMEM;
        return;
    }
    size_t nu = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        if (claimed[i])
            continue;
        bool list = false;
        if (n->kind == IR_OR && listable(n->kids[i]))
            for (size_t j = i + 1; j < n->nkids; j++)
                if (!claimed[j] && listable(n->kids[j]) &&
                    same_list(n->kids[i]->test, n->kids[j]->test))
                    claimed[j] = list = true;
        u[nu++] = (unit){i, list};
    }
    /* An OR inside an AND needs parentheses (and binds tighter). */
    emit_units(k, n, u, 0, nu, done, n->kind == IR_OR && in_and && nu > 1);
}

static void emit_node(kql *k, const ir_node *n, bool in_and)
{
    if (k->st == SIGMA_ENOMEM)
        return;
    switch (n->kind) {
    case IR_TRUE:
        sg_sb_puts(k->out, "true");
        return;
    case IR_FALSE:
        sg_sb_puts(k->out, "false");
        return;
    case IR_TEST:
        emit_test(k, n->test);
        return;
    case IR_NOT:
        sg_sb_puts(k->out, "not(");
        emit_node(k, n->kids[0], false);
        sg_sb_putc(k->out, ')');
        return;
    case IR_AND:
    case IR_OR:
        emit_nary(k, n, in_and);
        return;
    }
}

/* ---- the rule ---------------------------------------------------------------------- */

/* `| project` of the rule's fields; a property inside a dynamic column is
 * projected under its path (`CommandLine = Event.CommandLine`). */
static void emit_project(kql *k)
{
    const ir_rule *r = k->r;
    size_t m = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        const char *name = r->fields[i];
        kref f;
        k->quiet = true;
        bool ok = resolve(k, name, (sg_pos){0}, &f);
        k->quiet = false;
        if (!ok) {
            sg_diag_add(k->d, SG_SEV_WARNING, "unsupported",
                        r->src ? r->src->fields.pos : (sg_pos){r->path, 0, 0},
                        "%s: fields: '%s' is not a column of %s: left out of | project", TARGET,
                        name, k->table);
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = !strcmp(r->fields[j], name);
        if (dup)
            continue;
        sg_sb_puts(k->out, m++ ? ", " : "\n| project ");
        if (f.path) {
            const char *rest = name + f.baselen + 1;
            kql_ident(k->out, rest, strlen(rest));
            sg_sb_puts(k->out, " = ");
            put_ref(k, &f, false);
        } else {
            kql_ident(k->out, name, strlen(name));
        }
    }
}

static sigma_status emit(const ir_rule *r, const sg_target_opts *o, sg_arena *a, sg_strbuf *out,
                         sg_diags *d)
{
    kql k = {.r = r, .a = a, .out = out, .d = d, .st = SIGMA_OK};
    sg_pos at = {0};
    if (r->src && r->src->logsource.present)
        at = r->src->logsource.pos; /* a missing table is the logsource's doing */
    k.table = ir_state_get(r, "query_table");
    if (!k.table || !*k.table)
        return sg_unsupported(d, r, at, TARGET,
                              "no table for logsource product=%s category=%s service=%s "
                              "(the pipelines set no query_table; use -p kql-defender-xdr, "
                              "kql-sentinel or kql-adx)",
                              r->product ? r->product : "-", r->category ? r->category : "-",
                              r->service ? r->service : "-");
    if (!kql_ident_is_bare(k.table, strlen(k.table)))
        return sg_unsupported(d, r, at, TARGET, "table name '%s' is not a KQL identifier",
                              k.table);
    const char *schema = ir_state_get(r, "query_table_schema");
    if (schema && !use_schema(&k, o->run, schema))
        return sg_unsupported(d, r, at, TARGET, "the pipeline's schema of %s is malformed: %s",
                              k.table, schema);
    if (k.st != SIGMA_OK)
        return k.st;
    k.kwcol = ir_state_get(r, "keyword_column");
    if (k.kwcol && !*k.kwcol)
        k.kwcol = NULL;

    size_t mark = out->len;
    sg_sb_puts(out, k.table);
    sg_sb_puts(out, "\n| where ");
    emit_node(&k, r->expr, false);
    if (k.st == SIGMA_OK)
        emit_project(&k);
    if (out->failed)
        k.st = SIGMA_ENOMEM;
    if (k.st != SIGMA_OK) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
    }
    return k.st;
}

/* ---- for kql_corr.c (kql_int.h) ------------------------------------------------------ */

static sigma_status setup_table(kql *k, const ir_rule *r)
{
    k->table = ir_state_get(r, "query_table");
    if (!k->table || !*k->table)
        k->table = "the table";
    const char *schema = ir_state_get(r, "query_table_schema");
    if (schema && !parse_schema(k, schema))
        return sg_unsupported(k->d, r, (sg_pos){0}, TARGET,
                              "the pipeline's schema of %s is malformed: %s", k->table, schema);
    return k->st;
}

sigma_status kql_field_expr(const ir_rule *r, const char *field, sg_pos pos, kql_cast cast,
                            sg_arena *a, sg_strbuf *out, sg_diags *d)
{
    kql k = {.r = r, .a = a, .out = out, .d = d, .st = SIGMA_OK};
    kref f;
    if (setup_table(&k, r) != SIGMA_OK || !resolve(&k, field, pos, &f))
        return k.st;
    bool keep = cast == KQL_AS_STRING ? f.type == KT_STRING : is_numeric(f.type);
    if (!keep)
        sg_sb_puts(out, cast == KQL_AS_STRING ? "tostring(" : "todouble(");
    put_ref(&k, &f, false);
    if (!keep)
        sg_sb_putc(out, ')');
    return out->failed ? SIGMA_ENOMEM : k.st;
}

int kql_table_has(const ir_rule *r, const char *name, sg_arena *a)
{
    sg_diags quiet;
    sg_diags_init(&quiet);
    kql k = {.r = r, .a = a, .d = &quiet, .st = SIGMA_OK};
    int has = setup_table(&k, r) != SIGMA_OK || !k.schema ? -1
              : find_col(&k, name, strlen(name))      ? 1
                                                       : 0;
    sg_diags_free(&quiet);
    return has;
}

static const char *const formats[] = {NULL};

const sg_backend sg_backend_kql = {
    .name = "kql",
    .description = "Kusto Query Language: Microsoft Sentinel, Defender XDR, Azure Data Explorer",
    .default_pipeline = "kql-adx", /* one generic table: a query for any rule */
    .comment = "//",
    .comment_end = NULL,
    .ext = "kql",
    .formats = formats,
    .emit_rule = emit,
    .emit_correlation = kql_emit_correlation, /* kql_corr.c */
    .run_new = run_new,   /* the schema cache */
    .run_free = run_free,
};
