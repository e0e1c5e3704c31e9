/* test_suricata.c - the Suricata backend's escaping, alone, with every byte.
 *
 * The decoders here are written from Suricata's documented syntax, not from
 * the encoder: a content string is plain bytes and |hex| groups; a pcre
 * string is read by PCRE (checked with PCRE2 itself); msg/metadata/url must
 * never contain a byte that ends or splits a Suricata option. */
#include "suricata_content.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <CUnit/Basic.h>
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

/* ---- a content:"…" decoder ----------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode; -1 when the string is not one Suricata accepts the way we emit
 * it (a `"`, `;` or `\` outside hex, unbalanced bars, odd hex). */
static int content_decode(const char *s, size_t n, unsigned char *out, size_t *len)
{
    bool hex = false;
    int hi = -1;
    *len = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '|') {
            if (hex && hi >= 0)
                return -1;
            hex = !hex;
        } else if (hex) {
            if (c == ' ')
                continue;
            int v = hexval(c);
            if (v < 0)
                return -1;
            if (hi < 0) {
                hi = v;
            } else {
                out[(*len)++] = (unsigned char)(hi * 16 + v);
                hi = -1;
            }
        } else {
            if (c == '"' || c == ';' || c == '\\' || c < 0x20 || c > 0x7e)
                return -1;
            out[(*len)++] = (unsigned char)c;
        }
    }
    return hex ? -1 : 0;
}

static void test_content_every_byte(void)
{
    /* each byte alone, and all 256 in one string */
    unsigned char all[256], dec[512];
    size_t len;
    for (int b = 0; b < 256; b++) {
        char in[3] = {'a', (char)b, 'z'};
        sg_strbuf sb;
        sg_sb_init(&sb);
        sg_sc_content(&sb, in, 3, false);
        CU_ASSERT_FALSE(sb.failed);
        int rc = content_decode(sb.data, sb.len, dec, &len);
        CU_ASSERT_EQUAL(rc, 0);
        CU_ASSERT_EQUAL(len, 3);
        CU_ASSERT(len == 3 && memcmp(dec, in, 3) == 0);
        /* outside [A-Za-z0-9 ._/-] it is hex */
        bool plain = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                     b == ' ' || b == '.' || b == '_' || b == '/' || b == '-';
        CU_ASSERT_EQUAL(sb.len == 3, plain);
        sg_sb_free(&sb);
        all[b] = (unsigned char)b;
    }
    sg_strbuf sb;
    sg_sb_init(&sb);
    sg_sc_content(&sb, (const char *)all, 256, false);
    CU_ASSERT_EQUAL(content_decode(sb.data, sb.len, dec, &len), 0);
    CU_ASSERT(len == 256 && memcmp(dec, all, 256) == 0);
    sg_sb_free(&sb);
}

static void test_content_lower_and_runs(void)
{
    sg_strbuf sb;
    sg_sb_init(&sb);
    sg_sc_content(&sb, "WWW.Ex;\"|\\ample.COM", 19, true);
    CU_ASSERT_STRING_EQUAL(sb.data, "www.ex|3B 22 7C 5C|ample.com");
    sg_sb_reset(&sb);
    sg_sc_content(&sb, "", 0, false);
    CU_ASSERT_STRING_EQUAL(sg_sb_str(&sb), "");
    sg_sb_reset(&sb);
    sg_sc_content(&sb, "\0\0", 2, false);
    CU_ASSERT_STRING_EQUAL(sb.data, "|00 00|");
    sg_sb_free(&sb);
}

/* ---- pcre -------------------------------------------------------------------------------- */

/* What Suricata hands PCRE for pcre:"/X/": X itself (it does not unescape
 * backslashes); check X has no bare `"`, `;` or `/`, then compile it and
 * match it against `subject` as PCRE would. Returns 1 match, 0 no match,
 * -1 bad pattern. */
static int pcre_run(const char *x, size_t n, const unsigned char *subject, size_t slen,
                    uint32_t opts)
{
    for (size_t i = 0; i < n; i++) {
        if (x[i] == '\\') {
            i++;
            continue;
        }
        if (x[i] == '"' || x[i] == ';' || x[i] == '/' || (unsigned char)x[i] < 0x20 ||
            (unsigned char)x[i] > 0x7e)
            return -1;
    }
    int err;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)x, n, opts, &err, &off, NULL);
    if (!re)
        return -1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, subject, slen, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return rc >= 0 ? 1 : 0;
}

static void test_pcre_literal_every_byte(void)
{
    for (int b = 0; b < 256; b++) {
        unsigned char in[3] = {'a', (unsigned char)b, 'z'};
        sg_strbuf sb;
        sg_sb_init(&sb);
        sg_sb_putc(&sb, '^');
        sg_sc_pcre_literal(&sb, (const char *)in, 3, false);
        sg_sb_puts(&sb, "\\z");
        CU_ASSERT_EQUAL(pcre_run(sb.data, sb.len, in, 3, 0), 1);
        /* a literal: the byte does not act as a metacharacter */
        unsigned char other[3] = {'a', (unsigned char)(b ^ 1), 'z'};
        CU_ASSERT_EQUAL(pcre_run(sb.data, sb.len, other, 3, 0), 0);
        sg_sb_free(&sb);
    }
}

static void test_pcre_regex_escaping(void)
{
    static const struct {
        const char *re, *subject;
        int match;
    } cases[] = {
        {"a/b", "xa/b", 1},
        {"a;b\"c", "a;b\"c", 1},
        {"a\\/b", "a/b", 1},        /* already escaped: stays one slash */
        {"a\\;b", "a;b", 1},
        {"\\\\;", "\\;", 1},        /* a backslash, then a semicolon */
        {"[/;\"]x", "\"x", 1},      /* inside a class */
        {"\\Qa/b;c\\E+", "a/b;cc", 1},
        {"\\Q/\\", "/\\", 1},        /* \Q to the end */
        {"\\c;", "\x7b", 1},         /* \c; is 0x7B */
        {"\\d{2}\\.\\w+", "12.ab", 1},
        {"^abc$", "abcd", 0},
        {"a\nb", "a\nb", 1},        /* a raw newline becomes \x0A */
        {"\xc3\xa9", "\xc3\xa9", 1}, /* UTF-8 bytes as \xHH */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sg_strbuf sb;
        sg_sb_init(&sb);
        CU_ASSERT_TRUE(sg_sc_pcre_regex(&sb, cases[i].re, strlen(cases[i].re)));
        int rc = pcre_run(sb.data, sb.len, (const unsigned char *)cases[i].subject,
                          strlen(cases[i].subject), 0);
        if (rc != cases[i].match)
            fprintf(stderr, "\n  regex %zu: %s -> %s: %d\n", i, cases[i].re, sb.data, rc);
        CU_ASSERT_EQUAL(rc, cases[i].match);
        sg_sb_free(&sb);
    }
    sg_strbuf sb;
    sg_sb_init(&sb);
    CU_ASSERT_FALSE(sg_sc_pcre_regex(&sb, "ab\\", 3)); /* a lone trailing backslash */
    sg_sb_free(&sb);
}

/* Every single byte as a one-character regex, and after a backslash. */
static void test_pcre_regex_every_byte(void)
{
    for (int b = 0; b < 256; b++) {
        char re[2] = {'\\', (char)b};
        sg_strbuf sb;
        sg_sb_init(&sb);
        /* a lone backslash is not a regex; anything else is accepted */
        CU_ASSERT_EQUAL(sg_sc_pcre_regex(&sb, re + 1, 1), b != '\\');
        /* no bare terminator survives, whatever PCRE thinks of the byte */
        for (size_t i = 0; i < sb.len; i++) {
            if (sb.data[i] == '\\') {
                i++;
                continue;
            }
            CU_ASSERT(sb.data[i] != '"' && sb.data[i] != ';' && sb.data[i] != '/');
        }
        sg_sb_reset(&sb);
        CU_ASSERT_TRUE(sg_sc_pcre_regex(&sb, re, 2));
        bool alnum = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9');
        if (!alnum) { /* an escaped non-alphanumeric is that byte, literally */
            unsigned char s = (unsigned char)b;
            CU_ASSERT_EQUAL(pcre_run(sb.data, sb.len, &s, 1, 0), 1);
        }
        sg_sb_free(&sb);
    }
}

/* ---- msg, metadata, url --------------------------------------------------------------------- */

static void test_msg_token_url(void)
{
    char all[256];
    for (int b = 1; b < 256; b++)
        all[b - 1] = (char)b;
    all[255] = 0;
    sg_strbuf sb;
    sg_sb_init(&sb);
    sg_sc_msg(&sb, all);
    /* every `"`, `;`, `\` escaped; no control byte left */
    for (size_t i = 0; i < sb.len; i++) {
        unsigned char c = (unsigned char)sb.data[i];
        CU_ASSERT(c >= 0x20 && c != 0x7f);
        if (c == '\\') {
            CU_ASSERT(i + 1 < sb.len && strchr("\";\\", sb.data[i + 1]));
            i++;
        } else {
            CU_ASSERT(c != '"' && c != ';');
        }
    }
    sg_sb_reset(&sb);
    sg_sc_token(&sb, all);
    for (size_t i = 0; i < sb.len; i++)
        CU_ASSERT(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/-",
                         sb.data[i]) != NULL);
    CU_ASSERT_EQUAL(sb.len, 255);
    sg_sb_reset(&sb);
    sg_sc_url(&sb, all, 255);
    for (size_t i = 0; i < sb.len; i++) {
        unsigned char c = (unsigned char)sb.data[i];
        CU_ASSERT(c > 0x20 && c < 0x7f && !strchr(";\"\\,", c));
    }
    sg_sb_reset(&sb);
    const char *url = "a.b/c?d=1;e=\"f\" g,h%20";
    sg_sc_url(&sb, url, strlen(url));
    CU_ASSERT_STRING_EQUAL(sb.data, "a.b/c?d=1%3Be=%22f%22%20g%2Ch%20");
    sg_sb_free(&sb);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("suricata escaping", NULL, NULL);
    CU_add_test(s, "content: every byte decodes back", test_content_every_byte);
    CU_add_test(s, "content: lower-case, hex runs", test_content_lower_and_runs);
    CU_add_test(s, "pcre literal: every byte, literally", test_pcre_literal_every_byte);
    CU_add_test(s, "pcre regex: terminators escaped, meaning kept", test_pcre_regex_escaping);
    CU_add_test(s, "pcre regex: every byte", test_pcre_regex_every_byte);
    CU_add_test(s, "msg, metadata and url text", test_msg_token_url);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}
