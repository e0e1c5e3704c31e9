/* test_c.c - the C backend's parts alone: string literals (every byte,
 * hostile values, read back the way a C compiler reads them), the fold
 * table (byte-identical to the runtime's folding on every code point and
 * on malformed UTF-8), which regexes the NFA compiler takes, and the
 * intern table the rules share data through. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "c_escape.h"
#include "c_fold.h"
#include "c_intern.h"
#include "c_regex.h"
#include "fold.h"
#include "ir.h"

#include <CUnit/Basic.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

/* ---- C string literals ------------------------------------------------------------------ */

/* Read a C string literal sequence ("..." "..." with whitespace between)
 * as a compiler would, for the escapes sg_c_quote writes. Returns the
 * bytes consumed, or 0 when it is not such a literal. */
static size_t unquote(const char *q, size_t n, sg_strbuf *out)
{
    size_t i = 0;
    int pieces = 0;
    for (;;) {
        while (i < n && (q[i] == ' ' || q[i] == '\n'))
            i++;
        if (i >= n || q[i] != '"')
            return pieces ? i : 0;
        pieces++;
        i++;
        while (i < n && q[i] != '"') {
            unsigned char c = (unsigned char)q[i];
            if (c < 0x20 || c >= 0x7f)
                return 0; /* only printable ASCII in the source */
            if (c == '?' && i + 1 < n && q[i + 1] == '?')
                return 0; /* a trigraph could start here */
            if (c != '\\') {
                sg_sb_putc(out, (char)c);
                i++;
                continue;
            }
            if (++i >= n)
                return 0;
            c = (unsigned char)q[i];
            if (c >= '0' && c <= '7') {
                if (i + 2 >= n)
                    return 0;
                int v = 0;
                for (int k = 0; k < 3; k++) {
                    if (q[i + k] < '0' || q[i + k] > '7')
                        return 0; /* always three digits: nothing can join */
                    v = v * 8 + (q[i + k] - '0');
                }
                sg_sb_putc(out, (char)v);
                i += 3;
            } else if (c == '"' || c == '\\' || c == '?') {
                sg_sb_putc(out, (char)c);
                i++;
            } else {
                return 0;
            }
        }
        if (i >= n)
            return 0;
        i++;
    }
}

static void roundtrip(const char *s, size_t n)
{
    sg_strbuf q, back;
    sg_sb_init(&q);
    sg_sb_init(&back);
    sg_c_quote(&q, s, n, 4);
    CU_ASSERT_FATAL(!q.failed);
    CU_ASSERT_EQUAL(unquote(q.data, q.len, &back), q.len);
    CU_ASSERT_EQUAL(back.len, n);
    CU_ASSERT(back.len == n && (n == 0 || memcmp(back.data, s, n) == 0));
    sg_sb_free(&q);
    sg_sb_free(&back);
}

static void test_quote_every_byte(void)
{
    char all[256];
    for (int i = 0; i < 256; i++) {
        char one = (char)i;
        roundtrip(&one, 1);
        all[i] = (char)i;
    }
    roundtrip(all, sizeof all);
    roundtrip("", 0);
}

static void test_quote_hostile(void)
{
    /* ?\? in this file: the test is compiled as C11, where ??= is a trigraph */
    static const char *const v[] = {"?\?=", "?\?/", "a?\?(b?\?)c", "\"", "\\", "\\\"", "*/",
                                    "/*", "\\0", "x\\", "?", "?\?", "?\?\?", "\"?\?\""};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        roundtrip(v[i], strlen(v[i]));
    roundtrip("a\0b\0", 4);
    roundtrip("\0" "1", 2); /* an octal escape followed by a digit */
    char big[5000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i % 7 == 0 ? '?' : i % 11 == 0 ? '\0' : 'a' + (char)(i % 26));
    roundtrip(big, sizeof big); /* split into pieces on several lines */
    sg_strbuf q;
    sg_sb_init(&q);
    sg_c_quote_opt(&q, NULL, 0);
    CU_ASSERT_STRING_EQUAL(q.data, "NULL");
    sg_sb_free(&q);
}

/* ---- folding ------------------------------------------------------------------------------ */

static void same_fold(const char *s, size_t n)
{
    char a[64], b[64];
    CU_ASSERT_FATAL(n <= sizeof a);
    size_t na = sg_cfold(s, n, a), nb = sg_fold(s, n, b);
    CU_ASSERT_EQUAL(na, nb);
    CU_ASSERT(na == nb && memcmp(a, b, na) == 0);
    CU_ASSERT(na <= n);
}

static size_t utf8(uint32_t c, char *o)
{
    if (c < 0x80)
        return o[0] = (char)c, 1;
    if (c < 0x800)
        return o[0] = (char)(0xc0 | (c >> 6)), o[1] = (char)(0x80 | (c & 0x3f)), 2;
    if (c < 0x10000)
        return o[0] = (char)(0xe0 | (c >> 12)), o[1] = (char)(0x80 | ((c >> 6) & 0x3f)),
               o[2] = (char)(0x80 | (c & 0x3f)), 3;
    o[0] = (char)(0xf0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

static void test_fold_every_code_point(void)
{
    char buf[16];
    for (uint32_t c = 0; c <= 0x10ffff; c++) {
        size_t n = utf8(c, buf);
        buf[n] = 'Q'; /* and what follows it */
        same_fold(buf, n + 1);
    }
}

static void test_fold_malformed(void)
{
    static const char *const v[] = {"\xc3", "\xc3\x41", "\xe2\x84", "\xe2\x84\x41", "\x80\x80",
                                    "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf8\x88",
                                    "\xff\xfe", "A\xc3\xc3\x80", "\xe2\x84\xaa\x80"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        same_fold(v[i], strlen(v[i]));
    unsigned seed = 12345;
    for (int k = 0; k < 100000; k++) { /* random bytes, biased to UTF-8 leads */
        char s[12];
        size_t n = 1 + (size_t)(k % 11);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) & 0xff;
            s[i] = (char)(r < 64 ? 0x80 | (r & 0x3f) : r < 128 ? 0xc0 | (r & 0x3f) : r);
        }
        same_fold(s, n);
    }
    CU_ASSERT_EQUAL(sg_cfold_cp(0x212a), 'k');
    CU_ASSERT_EQUAL(sg_cfold_cp(0x130), 0x130); /* dotted capital I stays */
}

/* ---- regexes -------------------------------------------------------------------------------- */

static sigma_status re(const char *p, unsigned flags, char *why)
{
    sg_arena *a = sg_arena_create();
    sg_strbuf out;
    sg_sb_init(&out);
    sigma_status st = sg_cre_emit(a, p, strlen(p), flags, "t", &out, why, 256);
    sg_sb_free(&out);
    sg_arena_destroy(a);
    return st;
}

/* Every pattern the C target takes must compile in PCRE2 (the library's
 * engine): it never accepts what the matcher would reject. */
static int pcre_ok(const char *p, unsigned flags)
{
    int err;
    PCRE2_SIZE off;
    uint32_t o = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | ((flags & IR_RE_I) ? PCRE2_CASELESS : 0);
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, o, &err, &off, NULL);
    pcre2_code_free(c);
    return c != NULL;
}

static void test_regex_supported(void)
{
    static const char *const ok[] = {
        "", "a", "^abc$", "a|b|", "(a|b)*c", "(?:x)+?", "a{0}", "a{3}", "a{2,}", "a{2,5}?",
        "[a-z]", "[^a-z0-9_]", "[]a]", "[^]a]", "[a-]", "[-a]", "[a-z-0]", "[\\w-]", "[%--]",
        "\\d\\D\\w\\W\\s\\S\\h\\H\\v\\V", "\\bx\\B", "\\Aa\\z", "a\\Z", "\\x41\\x{263a}\\0\\012",
        "\\t\\n\\r\\f\\e\\a", "\\.\\*\\(\\[\\{\\\\\\/\\\"\\'", "x{", "x{a}", "x}", "]", "(?i)k",
        "(?i:a)b", "(?i-s)a.", "(?)a", "(?<n>a)", "(?P<n>a)", "(?'n'a)", "(?#comment)a",
        "(?|a|b)", "\xc3\xa9+", "[\xc3\xa9-\xc3\xbf]", "[\\b]", "(?s).", "(?m)^$",
        "https?://(?:(?:25[0-5]|(?:2[0-4]|1\\d|[1-9])?\\d)(?:\\.|\\b)){4}",
        "[^\\\\]{1,256}$", "\\S+?\\w:\\S+?:"};
    char why[256];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        sigma_status st = re(ok[i], 0, why);
        if (st != SIGMA_OK)
            fprintf(stderr, "\nrefused '%s': %s\n", ok[i], why);
        CU_ASSERT_EQUAL(st, SIGMA_OK);
        CU_ASSERT(pcre_ok(ok[i], 0));
    }
    CU_ASSERT_EQUAL(re("abc", IR_RE_I | IR_RE_M | IR_RE_S, why), SIGMA_OK);
}

static void test_regex_refused(void)
{
    static const struct {
        const char *re;
        unsigned flags;
        const char *why;
    } no[] = {
        {"(?=a)", 0, "lookaround"}, {"(?!a)", 0, "lookaround"}, {"(?<=a)b", 0, "lookaround"},
        {"(?<!a)b", 0, "lookaround"}, {"(a)\\1", 0, "backreference"}, {"(?>a)", 0, "atomic"},
        {"a++", 0, "possessive"}, {"a**", 0, "after a quantifier"}, {"*a", 0, "nothing to repeat"},
        {"a{2}{3}", 0, "after a quantifier"}, {"^*", 0, "assertion"}, {"(?i)*", 0, "option"},
        {"\\p{L}", 0, "escape"}, {"\\Qa\\E", 0, "escape"}, {"\\K", 0, "escape"}, {"\\G", 0, "escape"},
        {"\\cA", 0, "escape"}, {"\\x", 0, "hexadecimal"}, {"\\x{d800}", 0, "Unicode"},
        {"[[:alpha:]]", 0, "POSIX"}, {"[\\d-z]", 0, "range"}, {"[z-a]", 0, "out of order"},
        {"a{,3}", 0, "versions"}, {"a{1, 3}", 0, "versions"}, {"a{3,2}", 0, "out of order"},
        {"a{70000}", 0, "above"}, {"(a", 0, "closing )"}, {"a)", 0, "unmatched"},
        {"[a", 0, "closing ]"}, {"a\\", 0, "backslash"}, {"(?x)a", 0, "option"},
        {"(*UTF)a", 0, "verb"}, {"\xff", 0, "UTF-8"}, {"\xc3\xa9", IR_RE_I, "non-ASCII"},
        {"[\xc3\xa9]", IR_RE_I, "non-ASCII"}, {"[^\\\\]{2000}", 0, "NFA states"},
    };
    char why[256];
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        why[0] = '\0';
        sigma_status st = re(no[i].re, no[i].flags, why);
        if (st != SIGMA_ENOTSUP || !strstr(why, no[i].why))
            fprintf(stderr, "\n'%s': status %d, '%s' (want '%s')\n", no[i].re, st, why, no[i].why);
        CU_ASSERT_EQUAL(st, SIGMA_ENOTSUP);
        CU_ASSERT_PTR_NOT_NULL(strstr(why, no[i].why));
    }
}

/* The literals a regex needs (the prefilter's atoms): the expected set,
 * and for each sample string PCRE2 matches, one of them is in it. */
static bool pcre_match(const char *p, unsigned flags, const char *subject)
{
    int err;
    PCRE2_SIZE off;
    uint32_t o = PCRE2_UTF | ((flags & IR_RE_I) ? PCRE2_CASELESS : 0);
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)p, PCRE2_ZERO_TERMINATED, o, &err, &off, NULL);
    pcre2_match_data *md = c ? pcre2_match_data_create_from_pattern(c, NULL) : NULL;
    int rc = md ? pcre2_match(c, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, NULL) : -1;
    pcre2_match_data_free(md);
    pcre2_code_free(c);
    return rc >= 0;
}

static bool has_folded(const char *subject, const char *lit, size_t n)
{
    for (size_t i = 0; subject[i]; i++) {
        size_t k = 0;
        while (k < n && subject[i + k] &&
               (subject[i + k] >= 'A' && subject[i + k] <= 'Z' ? subject[i + k] + 32
                                                                : subject[i + k]) == lit[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static void test_regex_literals(void)
{
    static const struct {
        const char *re;
        unsigned flags;
        const char *want; /* literals joined by '|'; "" none */
        const char *match[3];
    } t[] = {
        {"ipconfig\\s+/all", 0, "ipconfig", {"ipconfig  /all", "x ipconfig\t/all y"}},
        {"\\$PSHome\\[\\s*\\d{1,3}\\s*\\]", 0, "$pshome[", {"$PSHome[ 4 ]"}},
        {"(?i)abc|def", 0, "abc|def", {"xAbC", "DEF"}},
        {"abc", IR_RE_I, "abc", {"ABC"}},
        {"[aA][bB][cC]d", 0, "abcd", {"aBcd"}},
        {"[ab]cde", 0, "cde", {"acde", "bcde"}},
        {"x{3}yz", 0, "xxxyz", {"xxxyz"}},
        {"(abc)+", 0, "abc", {"abcabc"}},
        {"(abc)*defg", 0, "defg", {"defg", "abcdefg"}},
        {"foo.*bar", 0, "foo", {"foo bar"}},
        {"(?:ab|cd)efg", 0, "efg", {"abefg", "cdefg"}},
        {"(?:abc|def)g", 0, "abc|def", {"abcg", "defg"}},
        {"^a\\Bbc$", 0, "abc", {"abc"}}, /* zero width: a and bc adjoin */
        {"net\\s+(?:user|group)", 0, "user|group", {"net user"}}, /* longer, even two */
        {"(?:user|group)\\s+/add", 0, "/add", {"user /add"}},
        {"(?i)net\\s+(?:user|group)\\s", 0, "user|group", {"NET USER "}},
        {"a(bc)?d", 0, "a", {"ad", "abcd"}},
        {"abc|", 0, "", {"", "abc"}},
        {"^$", 0, "", {""}},
        {"[^x]+", 0, "", {"y"}},
        {"\\w+`(?:\\w+|-|.)`[\\w+|\\s]", 0, "`", {"IN`V`o"}},
        {"(?:ab){2}c", 0, "ababc", {"ababc"}},
        {"(?:ab){1,2}c", 0, "ab", {"abc", "ababc"}},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sg_arena *a = sg_arena_create();
        const char **lit;
        size_t *len, n;
        CU_ASSERT_EQUAL_FATAL(sg_cre_literals(a, t[i].re, strlen(t[i].re), t[i].flags, &lit, &len,
                                              &n),
                              SIGMA_OK);
        char got[256] = "";
        for (size_t k = 0; k < n; k++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%.*s", k ? "|" : "",
                     (int)len[k], lit[k]);
        if (strcmp(got, t[i].want))
            fprintf(stderr, "\n'%s': literals '%s', want '%s'\n", t[i].re, got, t[i].want);
        CU_ASSERT_STRING_EQUAL(got, t[i].want);
        for (size_t m = 0; m < 3 && t[i].match[m]; m++) {
            if (!pcre_match(t[i].re, t[i].flags, t[i].match[m]))
                fprintf(stderr, "\n'%s' does not match '%s'\n", t[i].re, t[i].match[m]);
            CU_ASSERT(pcre_match(t[i].re, t[i].flags, t[i].match[m]));
            bool some = n == 0;
            for (size_t k = 0; k < n; k++)
                some |= has_folded(t[i].match[m], lit[k], len[k]);
            CU_ASSERT(some);
        }
        sg_arena_destroy(a);
    }
}

/* ---- intern table ------------------------------------------------------------------------------ */

static void test_intern(void)
{
    sg_intern in = {0};
    bool fresh;
    char key[32];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(key, sizeof key, "k%d", i);
        CU_ASSERT_EQUAL(sg_intern_get(&in, key, (size_t)n, &fresh), (size_t)i);
        CU_ASSERT(fresh);
    }
    CU_ASSERT_EQUAL(sg_intern_get(&in, "k500", 4, &fresh), 500);
    CU_ASSERT(!fresh);
    CU_ASSERT_EQUAL(sg_intern_get(&in, "a\0b", 3, &fresh), 1000); /* NUL inside a key */
    CU_ASSERT_EQUAL(sg_intern_get(&in, "a\0c", 3, &fresh), 1001);
    sg_intern_truncate(&in, 600); /* a failed rule's keys are gone */
    CU_ASSERT_EQUAL(in.n, 600);
    CU_ASSERT_EQUAL(sg_intern_get(&in, "k700", 4, &fresh), 600);
    CU_ASSERT(fresh);
    CU_ASSERT_EQUAL(sg_intern_get(&in, "k599", 4, &fresh), 599);
    CU_ASSERT(!fresh);
    sg_intern_free(&in);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("c backend", NULL, NULL);
    if (!s || !CU_add_test(s, "quote every byte", test_quote_every_byte) ||
        !CU_add_test(s, "quote hostile values", test_quote_hostile) ||
        !CU_add_test(s, "fold every code point like the runtime", test_fold_every_code_point) ||
        !CU_add_test(s, "fold malformed UTF-8 like the runtime", test_fold_malformed) ||
        !CU_add_test(s, "regexes the NFA takes", test_regex_supported) ||
        !CU_add_test(s, "regexes it refuses", test_regex_refused) ||
        !CU_add_test(s, "literals a regex needs", test_regex_literals) ||
        !CU_add_test(s, "intern table", test_intern)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return failed || run == 0 ? 1 : 0;
}
