/* test_spl.c - the SPL backend's escaping, alone and through the backend,
 * with hostile values: every byte 0x01-0xFF, quotes, trailing backslashes.
 * Each value must come back unchanged through SPL's own string unquoting,
 * and every regex we write must match exactly its literal (checked with
 * PCRE2, the engine family Splunk uses). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "backend.h"
#include "spl_escape.h"

#include <CUnit/Basic.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------- */

/* Quote then unquote: the value must come back, and the quoted form must
 * end exactly at its closing quote. */
static void roundtrip(const char *s, size_t n)
{
    sg_strbuf q, back;
    sg_sb_init(&q);
    sg_sb_init(&back);
    spl_quote(&q, s, n);
    CU_ASSERT_FATAL(!q.failed);
    size_t used = spl_unquote(q.data, q.len, &back);
    CU_ASSERT_EQUAL(used, q.len);
    CU_ASSERT_EQUAL(back.len, n);
    CU_ASSERT(back.len == n && (n == 0 || memcmp(back.data, s, n) == 0));
    sg_sb_free(&q);
    sg_sb_free(&back);
}

/* Does PCRE2 pattern (len plen) match subject s[0..n)? -1: no compile. */
static int re_match(const char *pat, size_t plen, const char *s, size_t n)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, plen, 0, &err, &off, NULL);
    if (!re)
        return -1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0;
}

/* "^" + literal + "\z", quoted for SPL, unquoted as Splunk would, then
 * compiled: matches the literal and nothing longer. */
static void regex_exact(const char *s, size_t n)
{
    sg_strbuf re, q, back;
    sg_sb_init(&re);
    sg_sb_init(&q);
    sg_sb_init(&back);
    sg_sb_putc(&re, '^');
    spl_regex_literal(&re, s, n);
    sg_sb_puts(&re, "\\z");
    spl_quote(&q, re.data, re.len);
    spl_unquote(q.data, q.len, &back);
    CU_ASSERT(back.len == re.len && !memcmp(back.data, re.data, re.len));
    /* control bytes are written as escapes: no raw ones in the query */
    for (size_t i = 0; i < q.len; i++)
        CU_ASSERT(!((unsigned char)q.data[i] < 0x20 || q.data[i] == 0x7f));
    char longer[64];
    CU_ASSERT_FATAL(n + 1 < sizeof longer);
    memcpy(longer, s, n);
    longer[n] = 'x';
    CU_ASSERT_EQUAL(re_match(back.data, back.len, s, n), 1);
    CU_ASSERT_EQUAL(re_match(back.data, back.len, longer, n + 1), 0);
    if (n) /* one byte fewer must not match either */
        CU_ASSERT_EQUAL(re_match(back.data, back.len, s, n - 1), 0);
    sg_sb_free(&re);
    sg_sb_free(&q);
    sg_sb_free(&back);
}

static const char *const hostile[] = {
    "",          "\\",         "\\\\",     "\"",          "\\\"",       "abc\\",
    "abc\\\\",   "\"\\\"\\",   "a\"b",     "say \"hi\" | more", "C:\\Windows\\", "*",
    "\\*",       "a*b?c",      "%x%",      "(?i)",        "\\E\\Q",     "end\\\"",
    "\xc3\x9c",  "\xe2\x80\x94", "\xff\xfe", "'single'",  "[a]{1}$^.+|", "\n\t\r",
};

/* ---- escaping alone ------------------------------------------------------------------- */

static void test_quote_every_byte(void)
{
    for (int b = 1; b < 256; b++) {
        char s[8] = {'a', (char)b, 'z'};
        roundtrip(s, 3);
        roundtrip(s + 1, 1);
        char t[3] = {(char)b, '\\', '\0'}; /* the byte, then a trailing backslash */
        roundtrip(t, 2);
        char u[4] = {(char)b, (char)b, (char)b};
        roundtrip(u, 3);
    }
}

static void test_quote_hostile(void)
{
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
        roundtrip(hostile[i], strlen(hostile[i]));
    /* the quoted form of a quote and a backslash */
    sg_strbuf q;
    sg_sb_init(&q);
    spl_quote(&q, "a\"b\\", 4);
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&q), "\"a\\\"b\\\\\"");
    sg_sb_free(&q);
}

static void test_unquote_rules(void)
{
    sg_strbuf out;
    sg_sb_init(&out);
    /* SPL keeps a backslash before anything but \ and " */
    CU_ASSERT_EQUAL(spl_unquote("\"a\\d\"", 5, &out), 5);
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&out), "a\\d");
    sg_sb_reset(&out);
    CU_ASSERT_EQUAL(spl_unquote("\"abc", 4, &out), 0);     /* unterminated */
    sg_sb_reset(&out);
    CU_ASSERT_EQUAL(spl_unquote("\"ab\\\"", 5, &out), 0); /* the quote is escaped */
    sg_sb_reset(&out);
    CU_ASSERT_EQUAL(spl_unquote("x", 1, &out), 0);
    sg_sb_free(&out);
}

static void test_regex_literal_every_byte(void)
{
    for (int b = 1; b < 256; b++) {
        char s[4] = {'a', (char)b, 'z'};
        regex_exact(s, 3);
        regex_exact(s + 1, 1);
    }
    char nul[3] = {'a', '\0', 'b'};
    regex_exact(nul, 3);
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
        regex_exact(hostile[i], strlen(hostile[i]));
}

static void test_search_literal_ok(void)
{
    CU_ASSERT(spl_search_literal_ok("C:\\x \"y\" | z", 12));
    CU_ASSERT(!spl_search_literal_ok("a*b", 3));
    CU_ASSERT(!spl_search_literal_ok("a\nb", 3));
    CU_ASSERT(!spl_search_literal_ok("a\tb", 3));
    CU_ASSERT(!spl_search_literal_ok("a\x7f", 2));
    CU_ASSERT(spl_search_literal_ok("\xc3\x9c?", 3)); /* ? is not special in search */
}

static void test_field_names(void)
{
    sg_strbuf o;
    sg_sb_init(&o);
    spl_search_field(&o, "auditType.category");
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "auditType.category");
    sg_sb_reset(&o);
    spl_search_field(&o, "Event Data");
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "\"Event Data\"");
    sg_sb_reset(&o);
    spl_search_field(&o, "OR");
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "\"OR\"");
    sg_sb_reset(&o);
    spl_eval_field(&o, "auditType.category"); /* . is concatenation in eval */
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "'auditType.category'");
    sg_sb_reset(&o);
    spl_eval_field(&o, "Image");
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "Image");
    sg_sb_reset(&o);
    spl_eval_field(&o, "OR");
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "'OR'");
    sg_sb_reset(&o);
    spl_eval_field(&o, "1st");
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), "'1st'");
    sg_sb_free(&o);
    CU_ASSERT(!spl_search_field_ok("a*"));
    CU_ASSERT(!spl_search_field_ok("a\"b"));
    CU_ASSERT(spl_search_field_ok("a b"));
    CU_ASSERT(!spl_eval_field_ok("it's"));
    CU_ASSERT(!spl_eval_field_ok("a\\b"));
    CU_ASSERT(!spl_eval_field_ok(""));
    CU_ASSERT(spl_eval_field_ok("a*"));
}

/* ---- through the backend ---------------------------------------------------------------- */

/* Emit one EXACT (or keyword CONTAINS) test of value s[0..n) and check the
 * query means exactly it: a search value that unquotes to s, or a where
 * regex that matches s and not s+"x". */
static void through_backend(const char *field, const char *s, size_t n)
{
    const sg_backend *b = sg_backend_find("spl");
    CU_ASSERT_FATAL(b != NULL);
    sg_arena *a = sg_arena_create();
    CU_ASSERT_FATAL(a != NULL);
    ir_test *t = ir_test_new(a, IR_T_STR, field, (sg_pos){0});
    ir_seg *seg = sg_arena_alloc(a, sizeof *seg);
    CU_ASSERT_FATAL(t && seg);
    *seg = (ir_seg){IR_SEG_LIT, s, n};
    t->segs = seg;
    t->nsegs = 1;
    t->mode = field ? IR_STR_EXACT : IR_STR_CONTAINS;
    ir_rule r = {0};
    r.expr = ir_test_node(a, t);
    sg_strbuf out;
    sg_sb_init(&out);
    sg_diags d;
    sg_diags_init(&d);
    sg_target_opts o = {"default", false, 0};
    CU_ASSERT_EQUAL_FATAL(b->emit_rule(&r, &o, a, &out, &d), SIGMA_OK);
    const char *q = sg_sb_str(&out);
    const char *w = strstr(q, "\n| where ");
    sg_strbuf v;
    sg_sb_init(&v);
    if (!w) {
        const char *quote = strchr(q, '"');
        CU_ASSERT_FATAL(quote != NULL);
        CU_ASSERT(spl_unquote(quote, strlen(quote), &v) == strlen(quote));
        CU_ASSERT(v.len == n && !memcmp(v.data, s, n));
    } else {
        const char *m = strstr(w, "match(");
        CU_ASSERT_FATAL(m != NULL);
        const char *quote = strchr(m, '"');
        CU_ASSERT_FATAL(quote != NULL);
        CU_ASSERT(spl_unquote(quote, strlen(quote), &v) > 0);
        char longer[64];
        memcpy(longer, s, n);
        longer[n] = 'x';
        CU_ASSERT_EQUAL(re_match(v.data, v.len, s, n), 1);
        if (field) /* exact: anchored both ends */
            CU_ASSERT_EQUAL(re_match(v.data, v.len, longer, n + 1), 0);
        /* case-insensitive like search, when the byte has a case */
        char up[64];
        for (size_t i = 0; i < n; i++)
            up[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
        CU_ASSERT_EQUAL(re_match(v.data, v.len, up, n), 1);
        /* no raw control bytes in the query */
        for (const char *p = q; *p; p++)
            CU_ASSERT(!((unsigned char)*p < 0x20 && *p != '\n'));
    }
    sg_sb_free(&v);
    sg_sb_free(&out);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

static void test_backend_every_byte(void)
{
    for (int b = 1; b < 256; b++) {
        char s[8] = {'a', (char)b, 'z', '\\'};
        through_backend("F", s, 3);
        through_backend("F", s, 4);     /* trailing backslash */
        through_backend("F", s + 1, 1); /* the byte alone */
        through_backend(NULL, s, 3);    /* keyword against _raw */
    }
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
        if (hostile[i][0]) {
            through_backend("Some.Field", hostile[i], strlen(hostile[i]));
            through_backend(NULL, hostile[i], strlen(hostile[i]));
        }
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("spl", NULL, NULL);
    if (!s || !CU_add_test(s, "quote every byte", test_quote_every_byte) ||
        !CU_add_test(s, "quote hostile values", test_quote_hostile) ||
        !CU_add_test(s, "unquote like Splunk", test_unquote_rules) ||
        !CU_add_test(s, "regex literal every byte", test_regex_literal_every_byte) ||
        !CU_add_test(s, "search literal", test_search_literal_ok) ||
        !CU_add_test(s, "field names", test_field_names) ||
        !CU_add_test(s, "backend every byte", test_backend_every_byte)) {
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}
