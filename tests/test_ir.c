/* test_ir.c - rule tree -> IR: every modifier, escapes, conditions, errors. */
#include "encode.h"
#include "ir.h"
#include "strbuf.h"
#include "test_main.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>

/* Wrap a detection body (indented 4) into a rule. Line 5 is its first line. */
static char *wrap(const char *body, const char *cond)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "title: t\nlogsource:\n    product: windows\ndetection:\n%s    condition: %s\n", body,
             cond);
    return buf;
}

/* Build and dump; returns NULL (and leaves diags) on error. */
static char *build(const char *body, const char *cond, sg_diags *d, sg_arena *a)
{
    sg_rule **r;
    if (test_load(a, wrap(body, cond), d, &r) != 1)
        return NULL;
    ir_rule *ir = ir_build_rule(a, r[0], d);
    if (!ir)
        return NULL;
    sg_strbuf sb;
    sg_sb_init(&sb);
    ir_dump(ir->expr, &sb);
    char *s = sg_arena_strdup(a, sg_sb_str(&sb));
    sg_sb_free(&sb);
    return s;
}

static const struct {
    const char *body, *cond, *expect;
} ok_cases[] = {
    {"    sel:\n        Image|endswith: '\\cmd.exe'\n", "sel", "(endswith Image \"\\\\cmd.exe\")"},
    {"    sel:\n        Image: '*\\cmd.exe'\n", "sel", "(endswith Image \"\\\\cmd.exe\")"},
    {"    sel:\n        A: 'a*b'\n", "sel", "(eq A \"a<*>b\")"},
    {"    sel:\n        A: 'a?b\\*c\\\\'\n", "sel", "(eq A \"a<?>b*c\\\\\")"},
    {"    sel:\n        A: '*'\n", "sel", "(contains A \"\")"},
    {"    sel:\n        A|contains: 'x*'\n", "sel", "(contains A \"x\")"},
    {"    sel:\n        A|cased: X\n", "sel", "(eq_cs A \"X\")"},
    {"    sel:\n        EventID: 4688\n", "sel", "(num= EventID 4688)"},
    {"    sel:\n        EventID: '4688'\n", "sel", "(eq EventID \"4688\")"},
    {"    sel:\n        A: [1, 2]\n", "sel", "(or (num= A 1) (num= A 2))"},
    {"    sel:\n        A|contains|all: [x, y]\n", "sel", "(and (contains A \"x\") (contains A \"y\"))"},
    {"    sel:\n        A: null\n", "sel", "(null A)"},
    {"    sel:\n        A: ''\n", "sel", "(eq A \"\")"},
    {"    sel:\n        A|exists: false\n", "sel", "(exists A false)"},
    {"    sel:\n        A|neq: x\n", "sel", "(not (eq A \"x\"))"},
    {"    sel:\n        A|gte: 5\n", "sel", "(num>= A 5)"},
    {"    sel:\n        A|lt: 2.5\n", "sel", "(num< A 2.5)"},
    {"    sel:\n        A|hour|gt: 20\n", "sel", "(hour> A 20)"},
    {"    sel:\n        A|month: 3\n", "sel", "(month= A 3)"},
    {"    sel:\n        A|cidr: 10.1.2.3/8\n", "sel", "(cidr A 10.0.0.0/8)"},
    {"    sel:\n        A|cidr: 'fd00::1/8'\n", "sel", "(cidr A fd00::/8)"},
    {"    sel:\n        A|re|i|s: 'a.*b'\n", "sel", "(re/i/s A \"a.*b\")"},
    {"    sel:\n        A|fieldref: B\n", "sel", "(fieldref-eq A B)"},
    {"    sel:\n        A|fieldref|endswith: B\n", "sel", "(fieldref-endswith A B)"},
    {"    sel:\n        A|base64: 'abc'\n", "sel", "(eq A \"YWJj\")"},
    {"    sel:\n        A|base64offset|contains: 'http://'\n", "sel",
     "(or (contains A \"aHR0cDovL\") (contains A \"h0dHA6Ly\") (contains A \"odHRwOi8v\"))"},
    {"    sel:\n        A|utf16le|base64offset|contains: 'ab'\n", "sel",
     "(or (contains A \"YQBiA\") (contains A \"EAYg\") (contains A \"hAGIA\"))"},
    {"    sel:\n        A|wide: 'ab'\n", "sel", "(eq A \"a\\x00b\\x00\")"},
    {"    sel:\n        A|utf16be: 'ab'\n", "sel", "(eq A \"\\x00a\\x00b\")"},
    {"    sel:\n        A|utf16: 'a'\n", "sel", "(eq A \"\\xff\\xfea\\x00\")"},
    {"    sel:\n        A|contains|windash: ' -f'\n", "sel",
     "(or (contains A \" -f\") (contains A \" /f\") (contains A \" \\xe2\\x80\\x93f\") "
     "(contains A \" \\xe2\\x80\\x94f\") (contains A \" \\xe2\\x80\\x95f\"))"},
    {"    sel:\n        A|contains|windash: 'a-b'\n", "sel", "(contains A \"a-b\")"},
    {"    sel:\n        A|expand: '%Admins%'\n", "sel", "(eq A \"<%Admins%>\")"},
    {"    sel:\n        A: '%Admins%'\n", "sel", "(eq A \"%Admins%\")"},
    {"    keywords:\n        - foo\n        - 'b*r'\n", "keywords",
     "(or (contains * \"foo\") (contains * \"b<*>r\"))"},
    {"    keywords:\n        '|all':\n            - foo\n            - bar\n", "keywords",
     "(and (contains * \"foo\") (contains * \"bar\"))"},
    {"    sel:\n        - A: 1\n        - B: 2\n", "sel", "(or (num= A 1) (num= B 2))"},
    {"    sel_a:\n        A: 1\n    sel_b:\n        B: 2\n    f:\n        C: 3\n",
     "1 of sel_* and not f", "(and (or (num= A 1) (num= B 2)) (not (num= C 3)))"},
    {"    sel_a:\n        A: 1\n    _x:\n        B: 2\n", "all of them", "(num= A 1)"},
    {"    s1:\n        A: 1\n    s2:\n        B: 2\n", "s1 or s2 and not s1",
     "(or (num= A 1) (and (num= B 2) (not (num= A 1))))"},
    {"    sel:\n        A: true\n", "sel", "(eq A \"true\")"},
};

static void test_ok(void)
{
    for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
        sg_arena *a = sg_arena_create();
        sg_diags d;
        sg_diags_init(&d);
        char *got = build(ok_cases[i].body, ok_cases[i].cond, &d, a);
        if (!got || strcmp(got, ok_cases[i].expect) != 0) {
            fprintf(stderr, "\ncase %zu:\n  want %s\n  got  %s\n", i, ok_cases[i].expect,
                    got ? got : "(error)");
            test_dump_diags(&d);
            CU_FAIL("IR differs");
        } else {
            CU_PASS("ok");
        }
        sg_diags_free(&d);
        sg_arena_destroy(a);
    }
}

/* Errors: check name and line:col (the body starts on line 5). */
static const struct {
    const char *body, *cond, *check;
    unsigned line, col;
} err_cases[] = {
    {"    sel:\n        A|foo: x\n", "sel", "modifier", 6, 11},
    {"    sel:\n        A|re|contains: x\n", "sel", "modifier", 6, 14},
    {"    sel:\n        A|contains|startswith: x\n", "sel", "modifier", 6, 20},
    {"    sel:\n        A|i: x\n", "sel", "modifier", 6, 11},
    {"    sel:\n        A|gt: abc\n", "sel", "invalid-number", 6, 15},
    {"    sel:\n        A|exists: yes\n", "sel", "modifier", 6, 19},
    {"    sel:\n        A|cidr: 10.0.0.0/33\n", "sel", "invalid-cidr", 6, 17},
    {"    sel:\n        A|cidr: 300.0.0.1\n", "sel", "invalid-cidr", 6, 17},
    {"    sel:\n        A|re: 'a(b'\n", "sel", "invalid-regex", 6, 0},
    {"    sel:\n        A: [x, null]\n", "sel", "null-in-list", 6, 16},
    {"    sel:\n        A: 1\n", "sel or nope", "undefined-identifier", 7, 23},
    {"    sel:\n        A: 1\n", "1 of x*", "undefined-identifier", 7, 16},
    {"    sel:\n        A|base64: 'a*'\n", "sel", "modifier", 6, 19},
    {"    sel:\n        A|exists|neq: true\n", "sel", "modifier", 6, 11},
    {"    sel:\n        A|cased|re: x\n", "sel", "modifier", 6, 17},
};

static void test_errors(void)
{
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        sg_arena *a = sg_arena_create();
        sg_diags d;
        sg_diags_init(&d);
        char *got = build(err_cases[i].body, err_cases[i].cond, &d, a);
        int ok = !got && test_has_diag(&d, err_cases[i].check, err_cases[i].line, err_cases[i].col);
        if (!ok) {
            fprintf(stderr, "\nerror case %zu: want %s at %u:%u, got %s\n", i, err_cases[i].check,
                    err_cases[i].line, err_cases[i].col, got ? got : "(error)");
            test_dump_diags(&d);
        }
        CU_ASSERT_TRUE(ok);
        sg_diags_free(&d);
        sg_arena_destroy(a);
    }
}

static void test_windash_limit(void)
{
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    char body[512];
    snprintf(body, sizeof body, "    sel:\n        A|windash: ' -a -b -c -d -e -f -g'\n");
    CU_ASSERT_PTR_NULL(build(body, "sel", &d, a));
    CU_ASSERT_TRUE(test_has_diag(&d, "expansion-limit", 6, 0));
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

static void test_simplify(void)
{
    sg_arena *a = sg_arena_create();
    sg_pos p = {0};
    ir_node *t = ir_node_new(a, IR_TRUE, p), *f = ir_node_new(a, IR_FALSE, p);
    ir_node *x = ir_test_node(a, ir_test_new(a, IR_T_NULL, "x", p));
    ir_node *k1[] = {t, x};
    CU_ASSERT_PTR_EQUAL(ir_simplify(a, ir_nary(a, IR_AND, k1, 2, p)), x);
    ir_node *k2[] = {x, t};
    CU_ASSERT_EQUAL(ir_simplify(a, ir_nary(a, IR_OR, k2, 2, p))->kind, IR_TRUE);
    CU_ASSERT_EQUAL(ir_simplify(a, ir_not(a, f, p))->kind, IR_TRUE);
    CU_ASSERT_PTR_EQUAL(ir_simplify(a, ir_not(a, ir_not(a, x, p), p)), x);
    sg_arena_destroy(a);
}

void test_ir_register(void)
{
    CU_pSuite s = CU_add_suite("ir", NULL, NULL);
    CU_add_test(s, "modifiers and values", test_ok);
    CU_add_test(s, "errors at the modifier's column", test_errors);
    CU_add_test(s, "windash expansion limit", test_windash_limit);
    CU_add_test(s, "constant folding", test_simplify);
}
