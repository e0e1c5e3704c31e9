/* spl.c - target "spl": Splunk SPL queries that select exactly the events
 * the rule selects.
 *
 * A query is `SEARCH [| regex F="…"]… [| where EVAL]`:
 * - the rule's top-level AND is split into conjuncts;
 * - a conjunct `search` can say exactly (case-insensitive values with `*`,
 *   IN lists, field=* / NOT field=*, CIDR, numbers) goes into SEARCH;
 * - a conjunct that is one Sigma regex goes into `| regex`;
 * - any other conjunct goes whole into one `| where` eval expression, where
 *   every test is exact (match() with an anchored, escaped regex; cidrmatch;
 *   isnull…), and a superset of it that `search` can say (its search parts,
 *   regex and case-sensitive tests loosened or dropped) goes into SEARCH
 *   as a prefilter: SEARCH ∧ EVAL = the conjunct, because prefilter ⊇ it.
 * So ORs mixing regexes and plain values are exact, and there is never a
 * `| search OR`.
 *
 * Eval has null logic: a test on a missing field is null, and NOT null is
 * null (dropped), while Sigma says NOT (test on a missing field) is true.
 * Under a NOT every eval test is therefore guarded by isnotnull(), which
 * makes it two-valued; outside a NOT null and false both drop the event,
 * so no guard is needed. `search`'s NOT field="x" also keeps events without
 * the field: both halves agree with the IR's NOT. */
#include "backend.h"
#include "spl_escape.h"
#include "spl_int.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define TARGET "spl"

/* test -> "search can say it exactly", computed once per test: the
 * classification is asked at every level and literals can be long. */
typedef struct memo {
    const ir_test *t;
    bool search;
} memo;

typedef struct spl {
    const ir_rule *r;
    sg_arena *a;
    sg_diags *d;
    sg_strbuf re; /* scratch: regex text before it is quoted */
    memo *memo;   /* open addressing, cap a power of two */
    size_t nmemo, capmemo;
    bool oom;
} spl;

static const char *const spl_formats[] = {"savedsearches", NULL};

/* ---- tree helpers ---------------------------------------------------------------------- */

static ir_node *konst(spl *S, bool v, sg_pos pos)
{
    ir_node *n = ir_node_new(S->a, v ? IR_TRUE : IR_FALSE, pos);
    if (!n)
        S->oom = true;
    return n;
}

/* A folded copy (TRUE/FALSE through AND/OR/NOT, double NOT); tests are
 * shared, never changed: backends only read the IR. */
static ir_node *fold(spl *S, ir_node *n)
{
    if (!n)
        return NULL;
    switch (n->kind) {
    case IR_TEST:
    case IR_TRUE:
    case IR_FALSE:
        return n;
    case IR_NOT: {
        ir_node *k = fold(S, n->kids[0]);
        if (!k)
            return NULL;
        if (k->kind == IR_TRUE || k->kind == IR_FALSE)
            return konst(S, k->kind == IR_FALSE, n->pos);
        if (k->kind == IR_NOT)
            return k->kids[0];
        ir_node *r = ir_not(S->a, k, n->pos);
        if (!r)
            S->oom = true;
        return r;
    }
    case IR_AND:
    case IR_OR: {
        ir_kind absorb = n->kind == IR_AND ? IR_FALSE : IR_TRUE;
        ir_kind neutral = n->kind == IR_AND ? IR_TRUE : IR_FALSE;
        ir_node **kids = sg_arena_alloc(S->a, (n->nkids ? n->nkids : 1) * sizeof *kids);
        if (!kids) {
            S->oom = true;
            return NULL;
        }
        size_t m = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            ir_node *k = fold(S, n->kids[i]);
            if (!k)
                return NULL;
            if (k->kind == absorb)
                return k;
            if (k->kind != neutral)
                kids[m++] = k;
        }
        if (m == 0)
            return konst(S, neutral == IR_TRUE, n->pos);
        ir_node *r = ir_nary(S->a, n->kind, kids, m, n->pos);
        if (!r)
            S->oom = true;
        return r;
    }
    }
    return n;
}

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* ---- what `search` can say exactly --------------------------------------------------------- */

static bool str_is_search(const ir_test *t)
{
    if (!t->field || t->cased || !spl_search_field_ok(t->field))
        return false;
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *s = &t->segs[i];
        if (s->kind == IR_SEG_QMARK || s->kind == IR_SEG_PLACEHOLDER)
            return false;
        if (s->kind == IR_SEG_LIT && !spl_search_literal_ok(s->s, s->len))
            return false;
    }
    return true;
}

static bool test_is_search_uncached(const ir_test *t)
{
    switch (t->kind) {
    case IR_T_STR:
        return str_is_search(t);
    case IR_T_NUM:
    case IR_T_CIDR:
    case IR_T_NULL:
    case IR_T_EXISTS:
        return t->field && spl_search_field_ok(t->field);
    case IR_T_EXPR:
        return true;
    case IR_T_REGEX:
    case IR_T_FIELDREF:
    case IR_T_TIMEPART:
        return false;
    }
    return false;
}

static size_t memo_slot(const memo *tab, size_t cap, const ir_test *t)
{
    size_t h = ((uintptr_t)t >> 4) * 0x9e3779b97f4a7c15u;
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!tab[i].t || tab[i].t == t)
            return i;
}

static bool test_is_search(spl *S, const ir_test *t)
{
    if (S->nmemo * 2 >= S->capmemo) { /* grow (the old table stays in the arena) */
        size_t cap = S->capmemo ? S->capmemo * 2 : 64;
        memo *tab = sg_arena_alloc(S->a, cap * sizeof *tab);
        if (!tab) {
            S->oom = true;
            return test_is_search_uncached(t);
        }
        for (size_t i = 0; i < S->capmemo; i++)
            if (S->memo[i].t)
                tab[memo_slot(tab, cap, S->memo[i].t)] = S->memo[i];
        S->memo = tab;
        S->capmemo = cap;
    }
    size_t i = memo_slot(S->memo, S->capmemo, t);
    if (!S->memo[i].t) {
        S->memo[i] = (memo){t, test_is_search_uncached(t)};
        S->nmemo++;
    }
    return S->memo[i].search;
}

static bool is_search(spl *S, const ir_node *n)
{
    switch (n->kind) {
    case IR_TEST:
        return test_is_search(S, n->test);
    case IR_TRUE:
    case IR_FALSE:
        return false;
    case IR_AND:
    case IR_OR:
    case IR_NOT:
        for (size_t i = 0; i < n->nkids; i++)
            if (!is_search(S, n->kids[i]))
                return false;
        return true;
    }
    return false;
}

/* ---- numbers ----------------------------------------------------------------------------------- */


static const char *const num_ops_search[] = {"=", "<", "<=", ">", ">="};
static const char *const num_ops_eval[] = {"==", "<", "<=", ">", ">="};

/* ---- search text ----------------------------------------------------------------------------- */

enum { P_TOP, P_AND, P_OR, P_NOT };

/* True when the value is "any value" (only wildcards, at least one). */
static bool str_any(const ir_test *t)
{
    bool star = t->mode != IR_STR_EXACT;
    for (size_t i = 0; i < t->nsegs; i++) {
        if (t->segs[i].kind == IR_SEG_LIT && t->segs[i].len)
            return false;
        star |= t->segs[i].kind == IR_SEG_STAR;
    }
    return star;
}

/* The quoted search value of an exact STR test, with `*` wildcards. */
static void s_str_value(sg_strbuf *o, const ir_test *t)
{
    bool star = false; /* last thing written was a wildcard */
    sg_sb_putc(o, '"');
    if (t->mode == IR_STR_CONTAINS || t->mode == IR_STR_ENDSWITH) {
        sg_sb_putc(o, '*');
        star = true;
    }
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *s = &t->segs[i];
        if (s->kind == IR_SEG_STAR) {
            if (!star)
                sg_sb_putc(o, '*');
            star = true;
        } else if (s->len) {
            spl_quote_body(o, s->s, s->len);
            star = false;
        }
    }
    if ((t->mode == IR_STR_CONTAINS || t->mode == IR_STR_STARTSWITH) && !star)
        sg_sb_putc(o, '*');
    sg_sb_putc(o, '"');
}

static bool in_groupable(spl *S, const ir_node *n)
{
    if (n->kind != IR_TEST || !test_is_search(S, n->test))
        return false;
    const ir_test *t = n->test;
    return t->kind == IR_T_STR || (t->kind == IR_T_NUM && t->op == IR_NUM_EQ);
}

static void in_value(sg_strbuf *o, const ir_test *t)
{
    if (t->kind == IR_T_NUM)
        sg_num_text(o, &t->num);
    else if (str_any(t))
        sg_sb_puts(o, "\"*\"");
    else
        s_str_value(o, t);
}

static void s_node(spl *S, sg_strbuf *o, const ir_node *n, int parent);

/* An OR that is one `field IN (…)` reads as one operand: no parentheses. */
static bool single_in(spl *S, const ir_node *n)
{
    if (n->kind != IR_OR || !in_groupable(S, n->kids[0]))
        return false;
    for (size_t i = 1; i < n->nkids; i++)
        if (!in_groupable(S, n->kids[i]) || strcmp(n->kids[i]->test->field, n->kids[0]->test->field))
            return false;
    return true;
}

static void s_test(sg_strbuf *o, const ir_test *t, bool negated)
{
    if (t->kind == IR_T_EXPR) { /* verbatim from a pipeline: keep it whole */
        sg_sb_printf(o, "%s(%s)", negated ? "NOT " : "", t->expr ? t->expr : "");
        return;
    }
    /* null and exists are field=* and NOT field=*: a NOT flips them. */
    if (t->kind == IR_T_NULL || t->kind == IR_T_EXISTS) {
        bool present = t->kind == IR_T_EXISTS && t->exists;
        if (negated)
            present = !present;
        if (!present)
            sg_sb_puts(o, "NOT ");
        spl_search_field(o, t->field);
        sg_sb_puts(o, "=*");
        return;
    }
    if (negated)
        sg_sb_puts(o, "NOT ");
    spl_search_field(o, t->field);
    switch (t->kind) {
    case IR_T_STR:
        if (str_any(t)) {
            sg_sb_puts(o, "=*");
        } else {
            sg_sb_putc(o, '=');
            s_str_value(o, t);
        }
        break;
    case IR_T_NUM:
        sg_sb_puts(o, num_ops_search[t->op]);
        sg_num_text(o, &t->num);
        break;
    case IR_T_CIDR:
        sg_sb_putc(o, '=');
        spl_quote(o, t->cidr_text, strlen(t->cidr_text));
        break;
    default:
        break; /* not search-expressible: never reached */
    }
}

/* OR: tests of one field become `field IN (…)` (order kept). */
static void s_or(spl *S, sg_strbuf *o, const ir_node *n)
{
    /* 0: not groupable, 1: groupable, 2: already written in an IN list */
    unsigned char *grp = sg_arena_alloc(S->a, n->nkids);
    if (!grp) {
        S->oom = true;
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        grp[i] = in_groupable(S, n->kids[i]);
    bool first = true;
    for (size_t i = 0; i < n->nkids; i++) {
        const ir_node *k = n->kids[i];
        if (grp[i] == 2)
            continue;
        bool g = grp[i] == 1;
        if (!first)
            sg_sb_puts(o, " OR ");
        first = false;
        size_t same = 0;
        const char *f = g ? k->test->field : NULL;
        for (size_t j = i + 1; g && j < n->nkids; j++)
            same += grp[j] == 1 && !strcmp(n->kids[j]->test->field, f);
        if (!same) {
            s_node(S, o, k, P_OR);
            continue;
        }
        spl_search_field(o, f);
        sg_sb_puts(o, " IN (");
        in_value(o, k->test);
        for (size_t j = i + 1; j < n->nkids; j++)
            if (grp[j] == 1 && !strcmp(n->kids[j]->test->field, f)) {
                sg_sb_puts(o, ", ");
                in_value(o, n->kids[j]->test);
                grp[j] = 2;
            }
        sg_sb_putc(o, ')');
    }
}

static void s_node(spl *S, sg_strbuf *o, const ir_node *n, int parent)
{
    switch (n->kind) {
    case IR_TEST:
        s_test(o, n->test, false);
        return;
    case IR_TRUE:
    case IR_FALSE: /* folded away before we get here */
        sg_sb_puts(o, n->kind == IR_TRUE ? "*" : "NOT *");
        return;
    case IR_NOT: {
        const ir_node *k = n->kids[0];
        if (k->kind == IR_TEST) {
            s_test(o, k->test, true);
            return;
        }
        sg_sb_puts(o, "NOT ");
        s_node(S, o, k, P_NOT);
        return;
    }
    case IR_AND:
    case IR_OR: {
        /* search binds OR tighter than AND: parenthesize every mix */
        bool par = parent != P_TOP && !single_in(S, n);
        if (par)
            sg_sb_putc(o, '(');
        if (n->kind == IR_OR) {
            s_or(S, o, n);
        } else {
            for (size_t i = 0; i < n->nkids; i++) {
                if (i)
                    sg_sb_putc(o, ' ');
                s_node(S, o, n->kids[i], P_AND);
            }
        }
        if (par)
            sg_sb_putc(o, ')');
        return;
    }
    }
}

/* ---- regex text ------------------------------------------------------------------------------- */

/* PCRE for a STR test: anchored, literals escaped, `*` -> `.*`, `?` -> `.`
 * ((?s) so both cross newlines), (?i) unless |cased. `\z`, not `$`: `$`
 * also matches before a final newline. */
static void str_regex(sg_strbuf *o, const ir_test *t)
{
    bool wild = ir_segs_has(t->segs, t->nsegs, IR_SEG_STAR) ||
                ir_segs_has(t->segs, t->nsegs, IR_SEG_QMARK);
    if (!t->cased || wild)
        sg_sb_printf(o, "(?%s%s)", t->cased ? "" : "i", wild ? "s" : "");
    if (t->mode == IR_STR_EXACT || t->mode == IR_STR_STARTSWITH)
        sg_sb_putc(o, '^');
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *s = &t->segs[i];
        if (s->kind == IR_SEG_LIT)
            spl_regex_literal(o, s->s, s->len);
        else
            sg_sb_puts(o, s->kind == IR_SEG_STAR ? ".*" : ".");
    }
    if (t->mode == IR_STR_EXACT || t->mode == IR_STR_ENDSWITH)
        sg_sb_puts(o, "\\z");
}

/* Does the pattern set the x (extended) flag anywhere? Then raw white
 * space is ignored and a \xHH for it would not be. */
static bool re_has_x_flag(const char *re, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (re[i] != '(' || re[i + 1] != '?')
            continue;
        for (size_t j = i + 2; j < n && re[j] != ')' && re[j] != ':'; j++) {
            if (re[j] == 'x')
                return true;
            if (!strchr("imnsxJU^-", re[j]))
                break;
        }
    }
    return false;
}

/* A `\Q` that starts a quote: after an odd run of backslashes (`\\Q` is a
 * backslash and a Q). */
static bool re_has_quote(const char *re, size_t n)
{
    size_t bs = 0;
    for (size_t i = 0; i < n; i++) {
        if (re[i] == 'Q' && bs % 2)
            return true;
        bs = re[i] == '\\' ? bs + 1 : 0;
    }
    return false;
}

static bool re_has_ctl(const char *re, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (is_ctl((unsigned char)re[i]))
            return true;
    return false;
}

/* A Sigma regex as PCRE text: flags as an inline prefix, control bytes as
 * \xHH so the query stays on its lines (an escaped control byte `\<TAB>`
 * means the byte too). The pre-pass rejected the cases this cannot do. */
static void rule_regex(sg_strbuf *o, const ir_test *t)
{
    if (t->re_flags)
        sg_sb_printf(o, "(?%s%s%s)", t->re_flags & IR_RE_I ? "i" : "",
                     t->re_flags & IR_RE_M ? "m" : "", t->re_flags & IR_RE_S ? "s" : "");
    size_t bs = 0; /* backslashes just before this byte */
    for (size_t i = 0; i < t->re_len; i++) {
        unsigned char c = (unsigned char)t->re[i];
        if (is_ctl(c)) {
            if (bs % 2 && o->len) /* drop the escaping backslash */
                o->data[--o->len] = '\0';
            sg_sb_printf(o, "\\x%02x", c);
            bs = 0;
            continue;
        }
        sg_sb_putc(o, (char)c);
        bs = c == '\\' ? bs + 1 : 0;
    }
}

/* ---- eval text ---------------------------------------------------------------------------------- */

static void e_field(sg_strbuf *o, const char *f)
{
    if (f)
        spl_eval_field(o, f);
    else
        sg_sb_puts(o, "_raw"); /* keywords: the whole event */
}

/* match(F, "re") with the regex in S->re */
static void e_match(spl *S, sg_strbuf *o, const char *field)
{
    sg_sb_puts(o, "match(");
    e_field(o, field);
    sg_sb_puts(o, ", ");
    spl_quote(o, S->re.data ? S->re.data : "", S->re.len);
    sg_sb_putc(o, ')');
    sg_sb_reset(&S->re);
}

static const char *time_format(sg_modifier part)
{
    switch (part) {
    case SG_MOD_MINUTE:
        return "%M";
    case SG_MOD_HOUR:
        return "%H";
    case SG_MOD_DAY:
        return "%d";
    case SG_MOD_WEEK:
        return "%V";
    case SG_MOD_MONTH:
        return "%m";
    case SG_MOD_YEAR:
        return "%Y";
    default:
        return NULL;
    }
}

/* `guard`: make the test two-valued (it sits under a NOT). `atom`: the
 * text must read as one operand (under NOT, or beside AND/OR). */
static void e_test(spl *S, sg_strbuf *o, const ir_test *t, bool guard, bool atom)
{
    /* A field test on a missing field is null in eval: guard it. */
    bool g = guard && t->field && t->kind != IR_T_NULL && t->kind != IR_T_EXISTS &&
             t->kind != IR_T_EXPR && t->kind != IR_T_TIMEPART;
    /* a comparison, not a function call: needs () to be one operand */
    bool cmp = t->kind == IR_T_NUM || t->kind == IR_T_TIMEPART ||
               (t->kind == IR_T_FIELDREF && t->mode == IR_STR_EXACT);
    bool wrap = !g && cmp && atom;
    if (wrap)
        sg_sb_putc(o, '(');
    if (g) {
        sg_sb_puts(o, "(isnotnull(");
        e_field(o, t->field);
        sg_sb_putc(o, ')');
        if (t->kind == IR_T_FIELDREF) {
            sg_sb_puts(o, " AND isnotnull(");
            e_field(o, t->ref);
            sg_sb_putc(o, ')');
        }
        sg_sb_puts(o, " AND ");
    }
    switch (t->kind) {
    case IR_T_STR:
        if (t->field && t->mode == IR_STR_CONTAINS && t->nsegs == 0) {
            sg_sb_puts(o, "isnotnull(");
            e_field(o, t->field);
            sg_sb_putc(o, ')');
            break;
        }
        str_regex(&S->re, t);
        e_match(S, o, t->field);
        break;
    case IR_T_REGEX:
        rule_regex(&S->re, t);
        e_match(S, o, t->field);
        break;
    case IR_T_CIDR:
        sg_sb_puts(o, "cidrmatch(");
        spl_quote(o, t->cidr_text, strlen(t->cidr_text));
        sg_sb_puts(o, ", ");
        e_field(o, t->field);
        sg_sb_putc(o, ')');
        break;
    case IR_T_NUM:
        e_field(o, t->field);
        sg_sb_puts(o, num_ops_eval[t->op]);
        sg_num_text(o, &t->num);
        break;
    case IR_T_NULL:
        sg_sb_puts(o, "isnull(");
        e_field(o, t->field);
        sg_sb_putc(o, ')');
        break;
    case IR_T_EXISTS:
        sg_sb_puts(o, t->exists ? "isnotnull(" : "isnull(");
        e_field(o, t->field);
        sg_sb_putc(o, ')');
        break;
    case IR_T_FIELDREF:
        if (t->mode == IR_STR_EXACT) {
            if (t->cased) {
                e_field(o, t->field);
                sg_sb_puts(o, "==");
                e_field(o, t->ref);
            } else {
                sg_sb_puts(o, "lower(");
                e_field(o, t->field);
                sg_sb_puts(o, ")==lower(");
                e_field(o, t->ref);
                sg_sb_putc(o, ')');
            }
            break;
        }
        /* The other field's value, quoted as a PCRE literal at run time:
         * \Q…\E, with each "\E" inside it written \E\\E\Q. */
        sg_sb_puts(o, "match(");
        e_field(o, t->field);
        sg_sb_puts(o, ", ");
        sg_sb_printf(&S->re, "%s%s\\Q", t->cased ? "" : "(?i)",
                     t->mode == IR_STR_STARTSWITH ? "^" : "");
        spl_quote(o, S->re.data, S->re.len);
        sg_sb_reset(&S->re);
        sg_sb_puts(o, " . replace(");
        e_field(o, t->ref);
        sg_sb_puts(o, ", \"\\\\\\\\E\", \"\\\\\\\\E\\\\\\\\\\\\\\\\E\\\\\\\\Q\") . ");
        spl_quote(o, t->mode == IR_STR_ENDSWITH ? "\\E\\z" : "\\E",
                  t->mode == IR_STR_ENDSWITH ? 4 : 2);
        sg_sb_putc(o, ')');
        break;
    case IR_T_TIMEPART:
        sg_sb_printf(o, "tonumber(strftime(_time, \"%s\"))%s", time_format(t->part),
                     num_ops_eval[t->op]);
        sg_num_text(o, &t->num);
        break;
    case IR_T_EXPR:
        sg_sb_puts(o, "searchmatch(");
        spl_quote(o, t->expr ? t->expr : "", t->expr ? strlen(t->expr) : 0);
        sg_sb_putc(o, ')');
        break;
    }
    if (g || wrap)
        sg_sb_putc(o, ')');
}

static void e_node(spl *S, sg_strbuf *o, const ir_node *n, bool guard, int parent)
{
    switch (n->kind) {
    case IR_TEST:
        e_test(S, o, n->test, guard, parent != P_TOP);
        return;
    case IR_TRUE:
    case IR_FALSE:
        sg_sb_puts(o, n->kind == IR_TRUE ? "true()" : "false()");
        return;
    case IR_NOT:
        sg_sb_puts(o, "NOT ");
        e_node(S, o, n->kids[0], true, P_NOT);
        return;
    case IR_AND:
    case IR_OR: {
        bool par = parent != P_TOP;
        if (par)
            sg_sb_putc(o, '(');
        for (size_t i = 0; i < n->nkids; i++) {
            if (i)
                sg_sb_puts(o, n->kind == IR_AND ? " AND " : " OR ");
            e_node(S, o, n->kids[i], guard, n->kind == IR_AND ? P_AND : P_OR);
        }
        if (par)
            sg_sb_putc(o, ')');
        return;
    }
    }
}

/* ---- the search prefilter ------------------------------------------------------------------- */

/* A STR test `search` can say once loosened: case-insensitive, `?`,
 * literal `*`, control bytes and bad UTF-8 as `*`. A superset of the test. */
static ir_node *loosen(spl *S, const ir_test *t)
{
    ir_test *c = ir_test_clone(S->a, t);
    size_t cap = 1;
    for (size_t i = 0; i < t->nsegs; i++)
        cap += t->segs[i].kind == IR_SEG_LIT ? 2 * t->segs[i].len + 1 : 1;
    ir_seg *segs = sg_arena_alloc(S->a, cap * sizeof *segs);
    if (!c || !segs) {
        S->oom = true;
        return NULL;
    }
    size_t n = 0;
#define STAR()                                                     \
    do {                                                           \
        if (!n || segs[n - 1].kind != IR_SEG_STAR)                 \
            segs[n++] = (ir_seg){IR_SEG_STAR, NULL, 0};            \
    } while (0)
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *s = &t->segs[i];
        if (s->kind != IR_SEG_LIT) {
            STAR();
            continue;
        }
        /* split at what search cannot hold: `*`, control bytes, bad UTF-8 */
        size_t start = 0;
        for (size_t j = 0; j <= s->len;) {
            size_t l = j < s->len ? spl_utf8_len(s->s + j, s->len - j) : 0;
            if (j < s->len && l && s->s[j] != '*' && !is_ctl((unsigned char)s->s[j])) {
                j += l;
                continue;
            }
            if (j > start)
                segs[n++] = (ir_seg){IR_SEG_LIT, s->s + start, j - start};
            if (j < s->len)
                STAR();
            start = ++j;
        }
    }
#undef STAR
    c->segs = segs;
    c->nsegs = n;
    c->cased = false;
    ir_str_normalise(c);
    ir_node *r = ir_test_node(S->a, c);
    if (!r)
        S->oom = true;
    return r;
}

/* A node `search` can say that holds for every event n holds for (pos) or
 * only for events n holds for (!pos, under a NOT). Folded by the caller. */
static ir_node *prefilter(spl *S, ir_node *n, bool pos)
{
    if (is_search(S, n))
        return n;
    switch (n->kind) {
    case IR_TEST: {
        const ir_test *t = n->test;
        if (pos && t->kind == IR_T_STR && t->field && spl_search_field_ok(t->field))
            return loosen(S, t);
        return konst(S, pos, n->pos);
    }
    case IR_TRUE:
    case IR_FALSE:
        return n;
    case IR_NOT: {
        ir_node *k = prefilter(S, n->kids[0], !pos);
        ir_node *r = k ? ir_not(S->a, k, n->pos) : NULL;
        if (!r)
            S->oom = true;
        return r;
    }
    case IR_AND:
    case IR_OR: {
        ir_node **kids = sg_arena_alloc(S->a, n->nkids * sizeof *kids);
        if (!kids) {
            S->oom = true;
            return NULL;
        }
        for (size_t i = 0; i < n->nkids; i++)
            if (!(kids[i] = prefilter(S, n->kids[i], pos)))
                return NULL;
        ir_node *r = ir_nary(S->a, n->kind, kids, n->nkids, n->pos);
        if (!r)
            S->oom = true;
        return r;
    }
    }
    return NULL;
}

/* ---- what SPL cannot say at all ------------------------------------------------------------- */

static sigma_status check_test(spl *S, const ir_test *t)
{
    const ir_rule *r = S->r;
    if (t->field && !spl_eval_field_ok(t->field))
        return sg_unsupported(S->d, r, t->pos, TARGET,
                              "field name '%s' has a quote, backslash or control character, "
                              "which SPL cannot quote in a field name",
                              t->field);
    if (t->kind == IR_T_FIELDREF && !spl_eval_field_ok(t->ref))
        return sg_unsupported(S->d, r, t->pos, TARGET,
                              "fieldref names '%s', which SPL cannot quote in a field name",
                              t->ref ? t->ref : "");
    for (size_t i = 0; t->kind == IR_T_STR && i < t->nsegs; i++)
        if (t->segs[i].kind == IR_SEG_PLACEHOLDER)
            return sg_unsupported(S->d, r, t->pos, TARGET,
                                  "unresolved placeholder %%%.*s%%: add a value_placeholders "
                                  "pipeline",
                                  (int)t->segs[i].len, t->segs[i].s);
    if ((t->kind == IR_T_NUM || t->kind == IR_T_TIMEPART) && !t->num.is_int &&
        !isfinite(t->num.f))
        return sg_unsupported(S->d, r, t->pos, TARGET, "the number '%s' is not finite",
                              t->num.text ? t->num.text : "");
    if (t->kind == IR_T_TIMEPART && (!t->field || strcmp(t->field, "_time") != 0))
        return sg_unsupported(S->d, r, t->pos, TARGET,
                              "the time modifier '%s' on field '%s': eval can only take "
                              "date parts of _time (SPL does not know the field's date "
                              "format); map the field to _time with a pipeline",
                              sg_modifier_info_of(t->part)->name, t->field ? t->field : "");
    if (t->kind == IR_T_TIMEPART && !time_format(t->part))
        return sg_unsupported(S->d, r, t->pos, TARGET, "unknown time modifier");
    if (t->kind == IR_T_REGEX && re_has_ctl(t->re, t->re_len) &&
        (re_has_quote(t->re, t->re_len) || re_has_x_flag(t->re, t->re_len)))
        return sg_unsupported(S->d, r, t->pos, TARGET,
                              "the regex holds a raw control character inside \\Q…\\E or "
                              "with the x flag; SPL needs it written as an escape (\\xHH)");
    if (t->kind == IR_T_EXPR && t->expr && memchr(t->expr, '\n', strlen(t->expr)))
        return sg_unsupported(S->d, r, t->pos, TARGET,
                              "the pipeline's query expression spans several lines");
    return SIGMA_OK;
}

static sigma_status check_node(spl *S, const ir_node *n)
{
    if (n->kind == IR_TEST)
        return check_test(S, n->test);
    for (size_t i = 0; i < n->nkids; i++) {
        sigma_status st = check_node(S, n->kids[i]);
        if (st != SIGMA_OK)
            return st;
    }
    return SIGMA_OK;
}

/* ---- one query ---------------------------------------------------------------------------------- */

/* A pipeline expression with a subsearch (`[…]`) found under n: Splunk
 * expands subsearches in the search text, not inside an eval string. */
static const ir_test *subsearch_expr(const ir_node *n)
{
    if (n->kind == IR_TEST)
        return n->test->kind == IR_T_EXPR && n->test->expr && strchr(n->test->expr, '[')
                   ? n->test
                   : NULL;
    for (size_t i = 0; i < n->nkids; i++) {
        const ir_test *t = subsearch_expr(n->kids[i]);
        if (t)
            return t;
    }
    return NULL;
}

static bool regex_command_ok(const ir_node *n)
{
    return n->kind == IR_TEST && n->test->kind == IR_T_REGEX &&
           (!n->test->field || spl_plain_field(n->test->field));
}

static sigma_status emit_query(spl *S, sg_strbuf *o)
{
    ir_node *e = fold(S, S->r->expr);
    if (!e)
        return SIGMA_ENOMEM;
    sigma_status st = check_node(S, e);
    if (st != SIGMA_OK)
        return st;
    if (e->kind == IR_FALSE)
        return sg_unsupported(S->d, S->r, e->pos, TARGET,
                              "the condition can never match (after pipelines)");
    if (e->kind == IR_TRUE) {
        sg_sb_putc(o, '*');
        return SIGMA_OK;
    }
    size_t n = e->kind == IR_AND ? e->nkids : 1;
    ir_node **conj = e->kind == IR_AND ? e->kids : &e;
    ir_node **srch = sg_arena_alloc(S->a, 2 * n * sizeof *srch);
    if (!srch)
        return SIGMA_ENOMEM;
    size_t ns = 0, nwhere = 0;
    bool *where = sg_arena_alloc(S->a, n * sizeof *where);
    if (!where)
        return SIGMA_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (is_search(S, conj[i])) {
            srch[ns++] = conj[i];
        } else if (!regex_command_ok(conj[i])) {
            const ir_test *x = subsearch_expr(conj[i]);
            if (x)
                return sg_unsupported(S->d, S->r, x->pos, TARGET,
                                      "the pipeline's query expression '%s' holds a subsearch, "
                                      "which cannot be checked inside where (it is ORed or "
                                      "negated with tests search cannot express)",
                                      x->expr);
            ir_node *p = fold(S, prefilter(S, conj[i], true));
            if (S->oom)
                return SIGMA_ENOMEM;
            if (p && p->kind != IR_TRUE)
                srch[ns++] = p;
            where[i] = true;
            nwhere++;
        }
    }
    /* SEARCH */
    if (!ns)
        sg_sb_putc(o, '*');
    for (size_t i = 0; i < ns; i++) {
        if (i)
            sg_sb_putc(o, ' ');
        s_node(S, o, srch[i], ns > 1 ? P_AND : P_TOP);
    }
    /* | regex F="…" for each top-level regex */
    for (size_t i = 0; i < n; i++) {
        if (where[i] || is_search(S, conj[i]))
            continue;
        const ir_test *t = conj[i]->test;
        sg_sb_puts(o, "\n| regex ");
        sg_sb_puts(o, t->field ? t->field : "_raw");
        sg_sb_putc(o, '=');
        rule_regex(&S->re, t);
        spl_quote(o, S->re.data ? S->re.data : "", S->re.len);
        sg_sb_reset(&S->re);
    }
    /* | where EVAL */
    if (nwhere) {
        sg_sb_puts(o, "\n| where ");
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            if (!where[i])
                continue;
            if (!first)
                sg_sb_puts(o, " AND ");
            first = false;
            e_node(S, o, conj[i], false, nwhere > 1 ? P_AND : P_TOP);
        }
    }
    return S->oom || S->re.failed ? SIGMA_ENOMEM : SIGMA_OK;
}

/* ---- savedsearches.conf ------------------------------------------------------------------------ */

/* One line of a .conf value: control bytes become spaces, and a trailing
 * backslash (a line continuation in .conf) is dropped. */
static void conf_line(sg_strbuf *o, const char *s, bool stanza)
{
    size_t start = o->len;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (is_ctl(*p))
            sg_sb_putc(o, ' ');
        else if (!(stanza && (*p == '[' || *p == ']')))
            sg_sb_putc(o, (char)*p);
    }
    while (o->len > start && !o->failed &&
           (o->data[o->len - 1] == '\\' || o->data[o->len - 1] == ' '))
        o->data[--o->len] = '\0';
}

static int severity(const char *level)
{
    static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
    for (int i = 0; level && i < 5; i++)
        if (!strcmp(level, names[i]))
            return i + 2; /* Splunk: 2 info, 3 warn, 4 error, 5 severe, 6 fatal */
    return 0;
}

static sigma_status emit_saved(spl *S, sg_strbuf *o)
{
    sg_strbuf q;
    sg_sb_init(&q);
    sigma_status st = emit_query(S, &q);
    if (st == SIGMA_OK)
        st = spl_saved_stanza(S->r, &q, NULL, o);
    sg_sb_free(&q);
    return st;
}

sigma_status spl_saved_stanza(const ir_rule *r, const sg_strbuf *q, const char *earliest,
                              sg_strbuf *o)
{
    sg_sb_puts(o, "# ");
    conf_line(o, r->id ? r->id : "(no id)", false);
    sg_sb_puts(o, " | ");
    conf_line(o, r->path ? r->path : "-", false);
    sg_sb_puts(o, "\n[");
    conf_line(o, r->title && *r->title ? r->title : r->id ? r->id : "sigma rule", true);
    sg_sb_puts(o, "]\n");
    if (r->description) {
        sg_sb_puts(o, "description = ");
        conf_line(o, r->description, false);
        sg_sb_putc(o, '\n');
    }
    sg_sb_puts(o, "search = ");
    /* a multi-line search continues with a backslash at each line end */
    for (size_t i = 0; i < q->len; i++) {
        if (q->data[i] == '\n')
            sg_sb_puts(o, " \\\n");
        else
            sg_sb_putc(o, q->data[i]);
    }
    sg_sb_putc(o, '\n');
    int sev = severity(r->level);
    if (sev)
        sg_sb_printf(o, "alert.severity = %d\n", sev);
    sg_sb_puts(o, "alert.track = 1\n"
                  "counttype = number of events\n"
                  "relation = greater than\n"
                  "quantity = 0\n"
                  "cron_schedule = */15 * * * *\n");
    sg_sb_printf(o, "dispatch.earliest_time = %s\n", earliest ? earliest : "-15m");
    sg_sb_puts(o, "dispatch.latest_time = now\n"
                  "enableSched = 0\n");
    return o->failed || q->failed ? SIGMA_ENOMEM : SIGMA_OK;
}

/* The query alone (correlations build on it: spl_corr.c). */
sigma_status spl_rule_query(const ir_rule *r, sg_arena *a, sg_strbuf *out, sg_diags *d)
{
    spl S = {r, a, d, {0}, NULL, 0, 0, false};
    sg_sb_init(&S.re);
    sigma_status st = emit_query(&S, out);
    if (S.oom || S.re.failed || out->failed)
        st = SIGMA_ENOMEM;
    sg_sb_free(&S.re);
    return st;
}

/* ---- the vtable ----------------------------------------------------------------------------------- */

static sigma_status spl_emit(const ir_rule *r, const sg_target_opts *o, sg_arena *a,
                             sg_strbuf *out, sg_diags *d)
{
    spl S = {r, a, d, {0}, NULL, 0, 0, false};
    sg_sb_init(&S.re);
    bool saved = o && o->format && !strcmp(o->format, "savedsearches");
    sigma_status st = saved ? emit_saved(&S, out) : emit_query(&S, out);
    if (S.oom || S.re.failed || out->failed)
        st = SIGMA_ENOMEM;
    sg_sb_free(&S.re);
    return st;
}

static sigma_status spl_prologue(const sg_target_opts *o, sg_strbuf *out)
{
    if (o && o->format && !strcmp(o->format, "savedsearches"))
        sg_sb_puts(out, "# savedsearches.conf written by sigmacc: one stanza per Sigma rule.\n"
                        "# Scheduling is off (enableSched = 0) until you review each search.");
    return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
}

const sg_backend sg_backend_spl = {
    .name = "spl",
    .description = "Splunk SPL (search, | regex, | where); --format savedsearches",
    .default_pipeline = NULL,
    .comment = "```",
    .comment_end = "```",
    .ext = "spl",
    .formats = spl_formats,
    .prologue = spl_prologue,
    .emit_rule = spl_emit,
    .emit_correlation = spl_emit_correlation, /* spl_corr.c */
};
