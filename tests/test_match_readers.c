/* test_match_readers.c - the JSON and line readers under malformed input:
 * truncated values, 100k-deep nesting, huge strings, invalid UTF-8, NUL
 * bytes, random garbage. Nothing may crash (the suite runs under ASan and
 * valgrind in CI), every bad event is reported, and the events after a bad
 * one are still matched. */
#include "test_match.h"

#include "aho.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *rule_a =
    "title: a\nid: 00000000-0000-4000-8000-00000000000a\nlogsource: {product: t}\n"
    "detection:\n    sel:\n        A|contains: 'needle'\n    condition: sel\nlevel: low\n---\n"
    "title: kw\nid: 00000000-0000-4000-8000-00000000000b\nlogsource: {product: t}\n"
    "detection:\n    kw:\n        - 'keyword'\n    condition: kw\nlevel: low\n";

typedef struct bad {
    const char *name;
    const char *text;
    size_t len; /* 0 = strlen */
    size_t matches, errors;
} bad;

static void test_malformed(void)
{
    static const bad cases[] = {
        {"truncated then good", "{\"A\": \"need\n{\"A\":\"needle\"}\n", 0, 1, 1},
        {"unclosed object", "{\"A\":\"needle\"\n", 0, 0, 1},
        {"trailing garbage", "{\"A\":\"needle\"} xx\n{\"A\":\"needle\"}\n", 0, 1, 1},
        {"not an object", "42\n\"needle\"\n{\"A\":\"needle\"}\n", 0, 1, 2},
        {"array of events", "[{\"A\":\"needle\"}, 5, {\"A\":\"no\"}, {\"A\":\"needle\"}]", 0, 2, 1},
        {"pretty printed", "{\n  \"A\": \"needle\"\n}\n{\n  \"A\": \"x\"\n}\n", 0, 1, 0},
        {"invalid utf8", "{\"A\":\"needle\xff\"}\n{\"A\":\"needle\"}\n", 0, 1, 1},
        {"nul in string", "{\"A\":\"nee\0dle\"}\n{\"A\":\"needle\"}\n", 31, 1, 1},
        {"nul between", "{\"A\":\"needle\"}\n\0\n{\"A\":\"needle\"}\n", 32, 2, 1},
        {"bad escape", "{\"A\":\"\\q needle\"}\n", 0, 0, 1},
        {"keyword value", "{\"B\":[\"KEYWORD\"]}\n", 0, 1, 0},
        {"empty", "", 0, 0, 0},
        {"blank lines", "\n\n  \n", 0, 0, 0},
        {"crlf", "{\"A\":\"needle\"}\r\n{\"A\":\"needle\"}\r\n", 0, 2, 0},
    };
    sigma_ruleset *rs = tm_ruleset(rule_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad *b = &cases[i];
        size_t len = b->len ? b->len : strlen(b->text);
        counts c = tm_scan(rs, SIGMA_INPUT_JSON, b->text, len);
        if (c.matches != b->matches || c.errors != b->errors)
            fprintf(stderr, "\n  case '%s': %zu matches %zu errors, want %zu %zu\n", b->name,
                    c.matches, c.errors, b->matches, b->errors);
        CU_ASSERT_EQUAL(c.matches, b->matches);
        CU_ASSERT_EQUAL(c.errors, b->errors);
    }
    sigma_ruleset_destroy(rs);
}

static void test_deep(void)
{
    sigma_ruleset *rs = tm_ruleset(rule_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    size_t depth = 100000;
    char *buf = malloc(2 * depth + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    /* arrays */
    memset(buf, '[', depth);
    memset(buf + depth, ']', depth);
    strcpy(buf + 2 * depth, "\n{\"A\":\"needle\"}\n");
    counts c = tm_scan(rs, SIGMA_INPUT_JSON, buf, strlen(buf));
    CU_ASSERT_EQUAL(c.errors, 1);
    CU_ASSERT_EQUAL(c.matches, 1);
    /* objects: {"A":{"A":...}} */
    size_t n = 0;
    for (size_t i = 0; i < depth / 6; i++)
        n += (size_t)sprintf(buf + n, "{\"A\":");
    n += (size_t)sprintf(buf + n, "1");
    for (size_t i = 0; i < depth / 6; i++)
        buf[n++] = '}';
    buf[n] = '\0';
    /* The reader only descends along the rules' field paths (and simdjson
     * stops at depth 1024 when it does), so a deep value it does not need
     * is skipped, not an error: what matters is that nothing overflows. */
    c = tm_scan(rs, SIGMA_INPUT_JSON, buf, n);
    CU_ASSERT(c.errors <= 1);
    CU_ASSERT_EQUAL(c.matches, 0);
    free(buf);
    sigma_ruleset_destroy(rs);
}

static void test_huge(void)
{
    sigma_ruleset *rs = tm_ruleset(rule_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    size_t big = 8u << 20;
    char *buf = malloc(big + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    strcpy(buf, "{\"A\":\"");
    memset(buf + 6, 'x', big);
    strcpy(buf + 6 + big - 6, "needle\"}");
    counts c = tm_scan(rs, SIGMA_INPUT_JSON, buf, strlen(buf));
    CU_ASSERT_EQUAL(c.matches, 1);
    CU_ASSERT_EQUAL(c.errors, 0);
    /* the same as one text line */
    c = tm_scan(rs, SIGMA_INPUT_LINES, buf, strlen(buf));
    CU_ASSERT_EQUAL(c.matches, 0); /* no keyword */
    memcpy(buf + 100, "keyword", 7);
    c = tm_scan(rs, SIGMA_INPUT_LINES, buf, strlen(buf));
    CU_ASSERT_EQUAL(c.matches, 1);
    free(buf);
    sigma_ruleset_destroy(rs);
}

static void test_lines_bytes(void)
{
    sigma_ruleset *rs = tm_ruleset(rule_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    const char text[] = "a\0keyword\n\xff\xfe keyword \xc3\n\n\nno\nKEYWORD";
    counts c = tm_scan(rs, SIGMA_INPUT_LINES, text, sizeof text - 1);
    CU_ASSERT_EQUAL(c.matches, 3);
    CU_ASSERT_EQUAL(c.errors, 0);
    sigma_ruleset_destroy(rs);
}

/* xorshift: deterministic garbage */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_random(void)
{
    static const char *tokens[] = {"{", "}", "[", "]", ",", ":", "\"A\"", "\"needle\"", "\"#text\"",
                                   "1", "-2.5e3", "true", "null", "\n", " ", "\"\\u12\"", "\\",
                                   "\"keyword\"", "\xff", "\"\\ud800\"", "{\"A\":", "\0"};
    sigma_ruleset *rs = tm_ruleset(rule_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    char buf[4096];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = 0, want = rnd(&seed) % 300;
        while (n < want) {
            const char *t = tokens[rnd(&seed) % (sizeof tokens / sizeof tokens[0])];
            size_t l = *t ? strlen(t) : 1;
            memcpy(buf + n, t, l);
            n += l;
        }
        counts c = tm_scan(rs, iter % 5 ? SIGMA_INPUT_JSON : SIGMA_INPUT_LINES, buf, n);
        (void)c;
    }
    sigma_ruleset_destroy(rs);
    CU_PASS("no crash on random input");
}

/* Cutting a stream at sigma_input_split boundaries gives the same results
 * as scanning it whole. */
static void test_split(void)
{
    const char *stream = "{\"A\":\"needle\"}\n{\n  \"A\": [\n    \"needle\"\n  ]\n}\n"
                         "[{\"A\":\"needle\"},\n{\"A\":\"x\"}]\n{\"B\":\"keyword\"}\n{\"A\":\"nee\n"
                         "{\"A\":\"needle\"}\n";
    sigma_ruleset *rs = tm_ruleset(rule_a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    size_t len = strlen(stream);
    counts whole = tm_scan(rs, SIGMA_INPUT_JSON, stream, len);
    CU_ASSERT_EQUAL(whole.matches, 5);
    CU_ASSERT_EQUAL(whole.errors, 1);
    for (size_t cut = 1; cut < len; cut++) {
        /* take the longest whole-event prefix of the first `cut` bytes */
        size_t a = sigma_input_split(SIGMA_INPUT_JSON, stream, cut);
        counts c1 = tm_scan(rs, SIGMA_INPUT_JSON, stream, a);
        counts c2 = tm_scan(rs, SIGMA_INPUT_JSON, stream + a, len - a);
        if (c1.matches + c2.matches != whole.matches || c1.errors + c2.errors != whole.errors)
            fprintf(stderr, "\n  cut %zu (split %zu): %zu+%zu matches\n", cut, a, c1.matches,
                    c2.matches);
        CU_ASSERT_EQUAL(c1.matches + c2.matches, whole.matches);
        CU_ASSERT_EQUAL(c1.errors + c2.errors, whole.errors);
    }
    CU_ASSERT_EQUAL(sigma_input_split(SIGMA_INPUT_LINES, "ab\ncd", 5), 3);
    CU_ASSERT_EQUAL(sigma_input_split(SIGMA_INPUT_LINES, "abcd", 4), 0);
    sigma_ruleset_destroy(rs);
}

/* The prefilter automaton: patterns longer than its depth are verified,
 * ASCII input is folded by the byte classes, overlaps are all reported. */
static void on_aho_hit(void *ctx, uint32_t id)
{
    ((unsigned *)ctx)[id]++;
}

static void test_aho(void)
{
    static const char *pats[] = {"abcdefghij", "cdef", "xyz", "defghijk", "a", "\\windows\\x"};
    sg_aho_builder *b = sg_aho_builder_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    for (uint32_t i = 0; i < 6; i++)
        CU_ASSERT(sg_aho_add(b, pats[i], strlen(pats[i]), i));
    sg_aho *a = sg_aho_build(b);
    sg_aho_builder_free(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    unsigned hits[6] = {0};
    const char *text = "zzABCDEFGHIJzz C:\\WINDOWS\\X abcdefgh";
    sg_aho_scan(a, text, strlen(text), on_aho_hit, hits);
    CU_ASSERT_EQUAL(hits[0], 1); /* long, verified, folded */
    CU_ASSERT_EQUAL(hits[1], 2);
    CU_ASSERT_EQUAL(hits[2], 0);
    CU_ASSERT_EQUAL(hits[3], 0); /* "defghij" then 'z': verification fails */
    CU_ASSERT_EQUAL(hits[4], 2);
    CU_ASSERT_EQUAL(hits[5], 1);
    /* a long pattern cut off by the end of the text */
    memset(hits, 0, sizeof hits);
    sg_aho_scan(a, "abcdefghi", 9, on_aho_hit, hits);
    CU_ASSERT_EQUAL(hits[0], 0);
    CU_ASSERT_EQUAL(hits[1], 1);
    sg_aho_free(a);
}

void test_match_readers_register(void)
{
    CU_pSuite s = CU_add_suite("match-readers", NULL, NULL);
    CU_add_test(s, "malformed JSON", test_malformed);
    CU_add_test(s, "deep nesting", test_deep);
    CU_add_test(s, "huge values", test_huge);
    CU_add_test(s, "lines with odd bytes", test_lines_bytes);
    CU_add_test(s, "random input", test_random);
    CU_add_test(s, "chunk splitting", test_split);
    CU_add_test(s, "prefilter automaton", test_aho);
}
