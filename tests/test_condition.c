/* test_condition.c - the condition grammar (grammar/condition.y, .l).
 *
 * Table-driven: each case is a condition string and either the expected
 * tree, printed as an S-expression, or the expected diagnostic (check,
 * line:col, message). Every case is parsed as if the string started at
 * line 12, column 16 of "rule.yml", so the columns below prove the offset is
 * applied: a string offset k is file column 16 + k. */
#include "test_main.h"

#include "arena.h"
#include "diag.h"
#include "rule.h"
#include "xalloc.h"

#include <CUnit/CUnit.h>

#include <stdio.h>
#include <string.h>

#define FILE_NAME "rule.yml"
#define LINE0 12u
#define COL0 16u

/* ---- helpers -------------------------------------------------------------- */

typedef struct sbuf {
    char s[8192];
    size_t n;
    bool overflow;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k >= sizeof b->s) {
        b->overflow = true;
        return;
    }
    memcpy(b->s + b->n, s, k + 1);
    b->n += k;
}

/* (and (id sel) (not (one_of filter*))) */
static void sexp(sbuf *b, const sg_cond *c)
{
    if (!c) {
        sb_put(b, "NULL");
        return;
    }
    switch (c->kind) {
    case SG_C_AND:
    case SG_C_OR:
        sb_put(b, c->kind == SG_C_AND ? "(and " : "(or ");
        sexp(b, c->a);
        sb_put(b, " ");
        sexp(b, c->b);
        sb_put(b, ")");
        return;
    case SG_C_NOT:
        sb_put(b, "(not ");
        sexp(b, c->a);
        sb_put(b, ")");
        return;
    case SG_C_ID:
        sb_put(b, "(id ");
        sb_put(b, c->name ? c->name : "NULL");
        sb_put(b, ")");
        return;
    case SG_C_ONE_OF:
    case SG_C_ALL_OF:
        sb_put(b, c->kind == SG_C_ONE_OF ? "(one_of " : "(all_of ");
        sb_put(b, c->name ? c->name : "them");
        sb_put(b, ")");
        return;
    }
    sb_put(b, "(?)");
}

static sg_pos pos0(void)
{
    return (sg_pos){FILE_NAME, LINE0, COL0};
}

typedef struct parsed {
    sg_arena *arena;
    sg_diags diags;
    sg_cond *cond;
} parsed;

static void parse_n(parsed *p, const char *text, size_t len,
                    const sg_cond_limits *lim)
{
    p->arena = sg_arena_create();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p->arena);
    sg_diags_init(&p->diags);
    p->cond = sg_cond_parse(p->arena, text, len, pos0(), lim, &p->diags);
}

static void parse(parsed *p, const char *text, const sg_cond_limits *lim)
{
    parse_n(p, text, strlen(text), lim);
}

static void done(parsed *p)
{
    sg_diags_free(&p->diags);
    sg_arena_destroy(p->arena);
}

/* One error with this check, position and (when given) message prefix. */
static void expect_error(const parsed *p, const char *what, const char *check,
                         unsigned line, unsigned col, const char *msg)
{
    CU_ASSERT_PTR_NULL(p->cond);
    CU_ASSERT_EQUAL(p->diags.n, 1);
    CU_ASSERT_EQUAL(p->diags.nerrors, 1);
    if (p->diags.n != 1) {
        fprintf(stderr, "\n  [%s] expected 1 diagnostic, got %zu\n", what,
                p->diags.n);
        return;
    }
    const sg_diag *g = &p->diags.items[0];
    bool ok = g->sev == SG_SEV_ERROR && strcmp(g->check, check) == 0 &&
              g->line == line && g->col == col && g->file &&
              strcmp(g->file, FILE_NAME) == 0 &&
              (!msg || strncmp(g->message, msg, strlen(msg)) == 0);
    if (!ok)
        fprintf(stderr,
                "\n  [%s]\n    want %s %u:%u %s\n    got  %s %u:%u %s\n", what,
                check, line, col, msg ? msg : "", g->check, g->line, g->col,
                g->message);
    CU_ASSERT(ok);
}

/* ---- valid conditions ------------------------------------------------------ */

static const struct {
    const char *in;
    const char *want;
} good[] = {
    {"sel", "(id sel)"},
    {"a or b and not c", "(or (id a) (and (id b) (not (id c))))"},
    {"a and b or c", "(or (and (id a) (id b)) (id c))"},
    {"a and b and c", "(and (and (id a) (id b)) (id c))"},
    {"a or b or c", "(or (or (id a) (id b)) (id c))"},
    {"(a or b) and c", "(and (or (id a) (id b)) (id c))"},
    {"a and (b or c)", "(and (id a) (or (id b) (id c)))"},
    {"not a and b", "(and (not (id a)) (id b))"},
    {"not a or b", "(or (not (id a)) (id b))"},
    {"not (a and b)", "(not (and (id a) (id b)))"},
    {"not not a", "(not (not (id a)))"},
    {"((a))", "(id a)"},
    {"1 of them", "(one_of them)"},
    {"all of them", "(all_of them)"},
    {"all of sel*", "(all_of sel*)"},
    {"1 of *", "(one_of *)"},
    {"1 of sel_*_x", "(one_of sel_*_x)"},
    {"not 1 of filter*", "(not (one_of filter*))"},
    {"sel and not 1 of filter*", "(and (id sel) (not (one_of filter*)))"},
    {"1 of selection* and not 1 of filter*",
     "(and (one_of selection*) (not (one_of filter*)))"},
    {"1 of sel* or all of x*", "(or (one_of sel*) (all_of x*))"},
    {"(1 of a*) and b", "(and (one_of a*) (id b))"},
    {"NOT a AnD b Or c", "(or (and (not (id a)) (id b)) (id c))"},
    {"ALL OF Them", "(all_of them)"},
    {"1 OF THEM", "(one_of them)"},
    {"Sel_Upper", "(id Sel_Upper)"},
    {"sel-1.x and _filter", "(and (id sel-1.x) (id _filter))"},
    {"1abc or 2 or 10", "(or (or (id 1abc) (id 2)) (id 10))"},
    {"andx or ornot or nota", "(or (or (id andx) (id ornot)) (id nota))"},
    {"all* or them* or of1", "(or (or (id all*) (id them*)) (id of1))"},
    {"a.b-c_d*", "(id a.b-c_d*)"},
    {"  sel  ", "(id sel)"},
    {"\tsel\r\n", "(id sel)"},
    {"a and\nb", "(and (id a) (id b))"},
    {"(a)and(b)", "(and (id a) (id b))"},
    {"near", "(id near)"},
    {"near or x", "(or (id near) (id x))"},
    {"sel and not near", "(and (id sel) (not (id near)))"},
    {"(near)", "(id near)"},
};

static void test_valid(void)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        parsed p;
        parse(&p, good[i].in, NULL);
        sbuf b = {.n = 0};
        sexp(&b, p.cond);
        bool ok = p.cond && p.diags.n == 0 && strcmp(b.s, good[i].want) == 0;
        if (!ok)
            fprintf(stderr, "\n  [%s]\n    want %s\n    got  %s (%zu diags%s%s)\n",
                    good[i].in, good[i].want, b.s, p.diags.n,
                    p.diags.n ? ": " : "",
                    p.diags.n ? p.diags.items[0].message : "");
        CU_ASSERT(ok);
        done(&p);
    }
}

/* ---- errors ------------------------------------------------------------------ */

#define START "expected identifier, 'not', '(', '1 of' or 'all of'"
#define AFTER "expected 'and', 'or' or end of condition"
#define SYN "condition-syntax"
#define AGG "deprecated-aggregation"
#define AGG_MSG "deprecated aggregation expression: use a correlation rule (Sigma 2.x)"

static const struct {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *check;
    unsigned off;    /* string offset of the error: column COL0 + off */
    const char *msg; /* expected message prefix */
} bad[] = {
    /* unexpected tokens */
    {")", 0, SYN, 0, "unexpected ')' in condition, " START},
    {"a )", 0, SYN, 2, "unexpected ')' in condition, " AFTER},
    {"(a))", 0, SYN, 3, "unexpected ')' in condition, " AFTER},
    {"()", 0, SYN, 1, "unexpected ')' in condition, " START},
    {"a b", 0, SYN, 2, "unexpected identifier 'b' in condition, " AFTER},
    {"a OR OR b", 0, SYN, 5, "unexpected 'OR' in condition, " START},
    {"and a", 0, SYN, 0, "unexpected 'and' in condition, " START},
    {"of", 0, SYN, 0, "unexpected 'of' in condition"},
    {"them", 0, SYN, 0, "unexpected 'them' in condition"},
    {"a not b", 0, SYN, 2, "unexpected 'not' in condition, " AFTER},
    {"1 sel", 0, SYN, 2, "unexpected identifier 'sel' in condition, expected 'of'"},
    {"all them", 0, SYN, 4, "unexpected 'them' in condition, expected 'of'"},
    {"1 of (a)", 0, SYN, 5,
     "unexpected '(' in condition, expected identifier or 'them'"},
    {"1 of not", 0, SYN, 5, "unexpected 'not' in condition"},
    {"(a b)", 0, SYN, 3,
     "unexpected identifier 'b' in condition, expected 'and', 'or' or ')'"},
    /* unexpected end: one column past the last non-blank character */
    {"a and", 0, SYN, 5, "unexpected end of condition, " START},
    {"a and   ", 0, SYN, 5, "unexpected end of condition, " START},
    {"(a", 0, SYN, 2, "unexpected end of condition, expected 'and', 'or' or ')'"},
    {"((a)", 0, SYN, 4, "unexpected end of condition"},
    {"(", 0, SYN, 1, "unexpected end of condition, " START},
    {"not", 0, SYN, 3, "unexpected end of condition, " START},
    {"1 of", 0, SYN, 4,
     "unexpected end of condition, expected identifier or 'them'"},
    {"1", 0, SYN, 1, "unexpected end of condition, expected 'of'"},
    {"all", 0, SYN, 3, "unexpected end of condition, expected 'of'"},
    /* quantifiers Sigma does not have */
    {"any of sel*", 0, SYN, 0, "'any of' is not a Sigma quantifier"},
    {"a and 2 of x", 0, SYN, 6, "'2 of' is not a Sigma quantifier"},
    {"none of x*", 0, SYN, 0, "'none of' is not a Sigma quantifier: use 'not 1 of'"},
    /* characters that are not condition syntax */
    {"a & b", 0, SYN, 2, "unexpected character '&' in condition (use 'and')"},
    {"a && b", 0, SYN, 2, "unexpected character '&'"},
    {"!a", 0, SYN, 0, "unexpected character '!' in condition (use 'not')"},
    {"a = b", 0, SYN, 2, "unexpected character '='"},
    {"\"a\"", 0, SYN, 0, "unexpected character '\"'"},
    {"a, b", 0, SYN, 1, "unexpected character ','"},
    {"a | b", 0, SYN, 2, "unexpected character '|' in condition (use 'or')"},
    {"s\xc3\xa9l", 0, SYN, 1, "unexpected byte 0xC3 in condition"},
    {"\xff", 0, SYN, 0, "unexpected byte 0xFF"},
    {"a\0b", 3, SYN, 1, "unexpected byte 0x00 in condition"},
    {"a and\0", 6, SYN, 5, "unexpected byte 0x00"},
    {"a\x01", 0, SYN, 1, "unexpected byte 0x01"},
    {"a\fb", 0, SYN, 1, "unexpected byte 0x0C"},
    /* legacy aggregations: at the '|' or at 'near' */
    {"sel | count() by x > 5", 0, AGG, 4, AGG_MSG},
    {"sel | count(x) > 5", 0, AGG, 4, AGG_MSG},
    {"sel|max(x)>5", 0, AGG, 3, AGG_MSG},
    {"sel |  MIN(a) by b < 3", 0, AGG, 4, AGG_MSG},
    {"1 of sel* | avg(x) by y > 2", 0, AGG, 10, AGG_MSG},
    {"sel | sum(bytes) > 100", 0, AGG, 4, AGG_MSG},
    {"sel | near b", 0, AGG, 4, AGG_MSG},
    {"a near b", 0, AGG, 2, AGG_MSG},
    {"NEAR dll and dll2", 0, AGG, 0, AGG_MSG},
    {"sel and near (a or b)", 0, AGG, 8, AGG_MSG},
    /* empty */
    {"", 0, SYN, 0, "empty condition"},
    {"   \t\r\n ", 0, SYN, 0, "empty condition"},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parsed p;
        size_t len = bad[i].len ? bad[i].len : strlen(bad[i].in);
        parse_n(&p, bad[i].in, len, NULL);
        expect_error(&p, bad[i].in, bad[i].check, LINE0, COL0 + bad[i].off,
                     bad[i].msg);
        done(&p);
    }
}

static void test_null_text(void)
{
    parsed p;
    parse_n(&p, NULL, 0, NULL);
    expect_error(&p, "NULL", SYN, LINE0, COL0, "empty condition");
    done(&p);
}

/* ---- positions ---------------------------------------------------------------- */

static void test_node_positions(void)
{
    parsed p;
    /*          0123456789012345678 */
    parse(&p, "sel and not filter", NULL);
    const sg_cond *c = p.cond;
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->kind, SG_C_AND);
    CU_ASSERT_EQUAL(c->pos.line, LINE0);
    CU_ASSERT_EQUAL(c->pos.col, COL0 + 4); /* the operator */
    CU_ASSERT_STRING_EQUAL(c->pos.file, FILE_NAME);
    CU_ASSERT_EQUAL(c->a->pos.col, COL0);
    CU_ASSERT_EQUAL_FATAL(c->b->kind, SG_C_NOT);
    CU_ASSERT_EQUAL(c->b->pos.col, COL0 + 8);
    CU_ASSERT_EQUAL(c->b->a->pos.col, COL0 + 12);
    CU_ASSERT_EQUAL(c->b->a->pos.line, LINE0);
    done(&p);

    /* `1 of` / `all of` nodes sit at the quantifier */
    parse(&p, "a or  all of x*", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.cond);
    CU_ASSERT_EQUAL(p.cond->pos.col, COL0 + 2);
    CU_ASSERT_EQUAL_FATAL(p.cond->kind, SG_C_OR);
    CU_ASSERT_EQUAL_FATAL(p.cond->b->kind, SG_C_ALL_OF);
    CU_ASSERT_EQUAL(p.cond->b->pos.col, COL0 + 6);
    CU_ASSERT_STRING_EQUAL(p.cond->b->name, "x*");
    done(&p);

    /* the file pointer is the caller's, borrowed */
    const char *fname = "other.yml";
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    sg_cond *c2 = sg_cond_parse(a, "x", 1, (sg_pos){fname, 3, 9}, NULL, &d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
    CU_ASSERT_PTR_EQUAL(c2->pos.file, fname);
    CU_ASSERT_EQUAL(c2->pos.line, 3);
    CU_ASSERT_EQUAL(c2->pos.col, 9);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

/* A literal block scalar keeps newlines: the next line starts at the same
 * file column as the first, because YAML strips the indentation. */
static void test_multiline_positions(void)
{
    parsed p;
    parse(&p, "a and\n  b )", NULL);
    expect_error(&p, "newline", SYN, LINE0 + 1, COL0 + 4, "unexpected ')'");
    done(&p);

    parse(&p, "a and\nb\r\nor c", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.cond);
    CU_ASSERT_EQUAL_FATAL(p.cond->kind, SG_C_OR);
    CU_ASSERT_EQUAL(p.cond->pos.line, LINE0 + 2);
    CU_ASSERT_EQUAL(p.cond->pos.col, COL0);
    CU_ASSERT_EQUAL(p.cond->b->pos.line, LINE0 + 2);
    CU_ASSERT_EQUAL(p.cond->b->pos.col, COL0 + 3);
    CU_ASSERT_EQUAL_FATAL(p.cond->a->kind, SG_C_AND);
    CU_ASSERT_EQUAL(p.cond->a->b->pos.line, LINE0 + 1);
    CU_ASSERT_EQUAL(p.cond->a->b->pos.col, COL0);
    done(&p);

    /* unexpected end after a trailing newline: right after the last token */
    parse(&p, "a and\n", NULL);
    expect_error(&p, "eof+newline", SYN, LINE0, COL0 + 5, "unexpected end");
    done(&p);

    /* unknown position (0:0) counts from 1:1 */
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    CU_ASSERT_PTR_NULL(sg_cond_parse(a, "a )", 3, (sg_pos){NULL, 0, 0}, NULL, &d));
    CU_ASSERT_EQUAL_FATAL(d.n, 1);
    CU_ASSERT_EQUAL(d.items[0].line, 1);
    CU_ASSERT_EQUAL(d.items[0].col, 3);
    CU_ASSERT_PTR_NULL(d.items[0].file);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

/* ---- limits --------------------------------------------------------------------- */

/* n copies of `open`, then `mid`, then n copies of `close` (heap string). */
static char *nest(const char *open, size_t n, const char *mid, const char *close,
                  size_t nclose)
{
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    char *s = sg_malloc(lo * n + lm + lc * nclose + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char *p = s;
    for (size_t i = 0; i < n; i++, p += lo)
        memcpy(p, open, lo);
    memcpy(p, mid, lm);
    p += lm;
    for (size_t i = 0; i < nclose; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void test_depth_default(void)
{
    parsed p;
    char *s = nest("(", 256, "a", ")", 256);
    parse(&p, s, NULL);
    CU_ASSERT_PTR_NOT_NULL(p.cond);
    CU_ASSERT_EQUAL(p.diags.n, 0);
    if (p.cond)
        CU_ASSERT_EQUAL(p.cond->kind, SG_C_ID);
    done(&p);
    sg_free(s);

    s = nest("(", 257, "a", ")", 257);
    parse(&p, s, NULL);
    expect_error(&p, "257 parens", SYN, LINE0, COL0 + 256,
                 "condition nested too deeply: more than 256 levels (limit.condition-depth)");
    done(&p);
    sg_free(s);

    /* 100,000 unclosed '(' : a clean error, no stack overflow */
    s = nest("(", 100000, "", "", 0);
    parse(&p, s, NULL);
    expect_error(&p, "100k (", SYN, LINE0, COL0 + 256,
                 "condition nested too deeply: more than 256 levels (limit.condition-depth)");
    done(&p);
    sg_free(s);

    s = nest("(", 100000, "a", ")", 100000);
    parse(&p, s, NULL);
    expect_error(&p, "100k (a)", SYN, LINE0, COL0 + 256,
                 "condition nested too deeply");
    done(&p);
    sg_free(s);

    /* `not` chains count too */
    s = nest("not ", 100000, "a", "", 0);
    parse(&p, s, NULL);
    expect_error(&p, "100k not", SYN, LINE0, COL0 + 256 * 4,
                 "condition nested too deeply: more than 256 levels (limit.condition-depth)");
    done(&p);
    sg_free(s);

    s = nest("not (", 128, "a", ")", 128);
    parse(&p, s, NULL);
    CU_ASSERT_PTR_NOT_NULL(p.cond);
    done(&p);
    sg_free(s);

    s = nest("not (", 129, "a", ")", 129);
    parse(&p, s, NULL);
    expect_error(&p, "129 not (", SYN, LINE0, COL0 + 128 * 5,
                 "condition nested too deeply");
    done(&p);
    sg_free(s);

    /* 100,000 stray ')' stop at the first */
    s = nest("", 0, "a", ")", 100000);
    parse(&p, s, NULL);
    expect_error(&p, "100k )", SYN, LINE0, COL0 + 1, "unexpected ')'");
    done(&p);
    sg_free(s);
}

static void test_depth_limits(void)
{
    sg_cond_limits lim = {.max_depth = 3};
    parsed p;
    parse(&p, "(((a)))", &lim);
    CU_ASSERT_PTR_NOT_NULL(p.cond);
    done(&p);
    parse(&p, "not (not a)", &lim); /* not, (, not */
    CU_ASSERT_PTR_NOT_NULL(p.cond);
    done(&p);
    parse(&p, "(a) and (b) and ((c))", &lim); /* depth is nesting, not count */
    CU_ASSERT_PTR_NOT_NULL(p.cond);
    done(&p);
    parse(&p, "((((a))))", &lim);
    expect_error(&p, "limit 3", SYN, LINE0, COL0 + 3,
                 "condition nested too deeply: more than 3 levels (limit.condition-depth)");
    done(&p);
    parse(&p, "not not not not a", &lim);
    expect_error(&p, "limit 3 not", SYN, LINE0, COL0 + 12,
                 "condition nested too deeply: more than 3 levels (limit.condition-depth)");
    done(&p);

    /* 0 means the default */
    lim.max_depth = 0;
    char *s = nest("(", 257, "a", ")", 257);
    parse(&p, s, &lim);
    expect_error(&p, "limit 0", SYN, LINE0, COL0 + 256, "condition nested too deeply: more than 256 levels (limit.condition-depth)");
    done(&p);
    sg_free(s);

    /* a huge limit is capped below the parser's own stack limit */
    lim.max_depth = 1000000;
    s = nest("(", 100000, "a", ")", 100000);
    parse(&p, s, &lim);
    expect_error(&p, "capped", SYN, LINE0, COL0 + 4096,
                 "condition nested too deeply: more than 4096 levels (limit.condition-depth)");
    done(&p);
    sg_free(s);

    s = nest("(", 4096, "a", ")", 4096);
    parse(&p, s, &lim);
    CU_ASSERT_PTR_NOT_NULL(p.cond);
    CU_ASSERT_EQUAL(p.diags.n, 0);
    done(&p);
    sg_free(s);
}

static void test_long_inputs(void)
{
    /* a flat chain is left-associative: no nesting, no depth error */
    parsed p;
    char *s = nest("a or ", 100000, "a", "", 0);
    parse(&p, s, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.cond);
    size_t n = 0, ids = 0;
    const sg_cond *c = p.cond;
    while (c->kind == SG_C_OR) {
        ids += c->b->kind == SG_C_ID;
        c = c->a;
        n++;
    }
    CU_ASSERT_EQUAL(n, 100000);
    CU_ASSERT_EQUAL(ids, 100000);
    CU_ASSERT_EQUAL(c->kind, SG_C_ID);
    CU_ASSERT_EQUAL(c->pos.col, COL0);
    done(&p);
    sg_free(s);

    /* one 100,000-byte identifier */
    s = nest("x", 100000, "", "", 0);
    parse(&p, s, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.cond);
    CU_ASSERT_EQUAL(p.cond->kind, SG_C_ID);
    CU_ASSERT_EQUAL(strlen(p.cond->name), 100000);
    done(&p);

    /* ... and an error right after it, with a shortened echo */
    s[99999] = ')';
    parse(&p, s, NULL);
    expect_error(&p, "long ident )", SYN, LINE0, COL0 + 99999, "unexpected ')'");
    done(&p);
    s[0] = '(';
    s[99999] = 'x';
    parse(&p, s, NULL);
    expect_error(&p, "( long ident", SYN, LINE0, COL0 + 100000,
                 "unexpected end of condition");
    done(&p);
    s[99999] = ' ';
    s[99998] = '&';
    parse(&p, s, NULL);
    expect_error(&p, "long ident &", SYN, LINE0, COL0 + 99998,
                 "unexpected character '&'");
    done(&p);
    sg_free(s);

    s = nest("x", 100, " y", "", 0);
    parse(&p, s, NULL);
    expect_error(&p, "long echo", SYN, LINE0, COL0 + 101,
                 "unexpected identifier 'y' in condition");
    done(&p);
    sg_free(s);
    s = nest("y", 1, " ", "x", 100);
    parse(&p, s, NULL);
    expect_error(&p, "long echo truncated", SYN, LINE0, COL0 + 2,
                 "unexpected identifier 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
    done(&p);
    sg_free(s);
}

/* Diagnostics are appended to the caller's list; parses are independent. */
static void test_diags_accumulate(void)
{
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    CU_ASSERT_PTR_NULL(sg_cond_parse(a, "a )", 3, pos0(), NULL, &d));
    CU_ASSERT_PTR_NOT_NULL(sg_cond_parse(a, "a or b", 6, pos0(), NULL, &d));
    CU_ASSERT_PTR_NULL(sg_cond_parse(a, "(", 1, pos0(), NULL, &d));
    CU_ASSERT_EQUAL(d.n, 2);
    CU_ASSERT_EQUAL(d.nerrors, 2);
    /* the input need not be NUL-terminated: only len bytes are read */
    const char text[] = {'a', ' ', 'o', 'r', ' ', 'b', ')'};
    sg_cond *c = sg_cond_parse(a, text, 6, pos0(), NULL, &d);
    CU_ASSERT_PTR_NOT_NULL(c);
    CU_ASSERT_EQUAL(d.n, 2);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

void test_condition_register(void)
{
    CU_pSuite s = CU_add_suite("condition", NULL, NULL);
    if (!s)
        return;
    CU_add_test(s, "valid conditions", test_valid);
    CU_add_test(s, "syntax errors", test_errors);
    CU_add_test(s, "NULL text", test_null_text);
    CU_add_test(s, "node positions", test_node_positions);
    CU_add_test(s, "multi-line positions", test_multiline_positions);
    CU_add_test(s, "nesting: default limit", test_depth_default);
    CU_add_test(s, "nesting: configured limits", test_depth_limits);
    CU_add_test(s, "long inputs", test_long_inputs);
    CU_add_test(s, "diagnostics accumulate", test_diags_accumulate);
}
