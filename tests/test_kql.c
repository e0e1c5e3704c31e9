/* test_kql.c - the KQL escaping functions alone, with every byte and hostile
 * values, checked by unquoting; the RE2 check; and the backend's queries for
 * typed schemas (what golden files without pipeline state cannot reach).
 *
 * `test_kql --literals` prints JSON lines {"literal": KQL, "hex": expected
 * UTF-8 bytes} for tests/kql_check.js, so Microsoft's own decoder checks
 * the same literals. */
#include "backend.h"
#include "ir.h"
#include "kql_escape.h"
#include "kql_re2.h"
#include "loader.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a strict KQL string-literal reader -------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void put_utf8(sg_strbuf *o, unsigned cp)
{
    if (cp < 0x80) {
        sg_sb_putc(o, (char)cp);
    } else if (cp < 0x800) {
        sg_sb_putc(o, (char)(0xC0 | cp >> 6));
        sg_sb_putc(o, (char)(0x80 | (cp & 0x3F)));
    } else {
        sg_sb_putc(o, (char)(0xE0 | cp >> 12));
        sg_sb_putc(o, (char)(0x80 | (cp >> 6 & 0x3F)));
        sg_sb_putc(o, (char)(0x80 | (cp & 0x3F)));
    }
}

static bool line_break_at(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '\r' || c == '\n')
        return true;
    return c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
           ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9);
}

/* Decode the one literal that must fill s[0..n) exactly; false when it is
 * malformed, ends early (a value breaking out) or holds a raw control byte. */
static bool unquote(const char *s, size_t n, sg_strbuf *o)
{
    if (n >= 3 && s[0] == '@' && s[1] == '"' && s[n - 1] == '"') {
        for (size_t i = 2; i < n - 1; i++) {
            if (line_break_at(s, i, n) || (unsigned char)s[i] < 0x20)
                return false;
            if (s[i] == '"') {
                if (i + 1 >= n - 1 || s[i + 1] != '"')
                    return false; /* a lone quote ends the literal early */
                i++;
            }
            sg_sb_putc(o, s[i]);
        }
        return true;
    }
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return false;
    for (size_t i = 1; i < n - 1; i++) {
        unsigned char c = (unsigned char)s[i];
        if (line_break_at(s, i, n) || c < 0x20 || c == 0x7F)
            return false;
        if (c == '"')
            return false;
        if (c != '\\') {
            sg_sb_putc(o, (char)c);
            continue;
        }
        if (++i >= n - 1)
            return false;
        switch (s[i]) {
        case '\\': sg_sb_putc(o, '\\'); break;
        case '"': sg_sb_putc(o, '"'); break;
        case 't': sg_sb_putc(o, '\t'); break;
        case 'n': sg_sb_putc(o, '\n'); break;
        case 'r': sg_sb_putc(o, '\r'); break;
        case 'u': {
            if (i + 4 >= n - 1)
                return false;
            unsigned cp = 0;
            for (int k = 1; k <= 4; k++) {
                int h = hexval(s[i + k]);
                if (h < 0)
                    return false;
                cp = cp * 16 + (unsigned)h;
            }
            put_utf8(o, cp);
            i += 4;
            break;
        }
        default:
            return false;
        }
    }
    return true;
}

static void check_roundtrip(const char *v, size_t n)
{
    sg_strbuf q, back;
    sg_sb_init(&q);
    sg_sb_init(&back);
    CU_ASSERT_FATAL(kql_quote(&q, v, n));
    bool ok = unquote(q.data, q.len, &back);
    CU_ASSERT(ok);
    CU_ASSERT(ok && back.len == n && (n == 0 || memcmp(back.data, v, n) == 0));
    if (!ok || back.len != n || (n && memcmp(back.data, v, n)))
        fprintf(stderr, "\n  round trip failed for literal %s\n", q.data);
    CU_ASSERT(memchr(q.data, '\0', q.len) == NULL);
    sg_sb_free(&q);
    sg_sb_free(&back);
}

/* ---- escaping ------------------------------------------------------------------- */

static void test_every_ascii_byte(void)
{
    for (unsigned c = 0; c < 0x80; c++) {
        char v[8] = {'a', (char)c, 'b'};
        check_roundtrip(v, 3);
        check_roundtrip(v + 1, 1);
        char w[2] = {(char)c, '\\'}; /* backslash at the end */
        check_roundtrip(w, 2);
    }
}

static void test_every_high_byte(void)
{
    for (unsigned c = 0x80; c < 0x100; c++) {
        /* a lone byte >= 0x80 is not UTF-8: refused, nothing appended */
        char v[3] = {'a', (char)c, 'b'};
        sg_strbuf q;
        sg_sb_init(&q);
        CU_ASSERT(!kql_quote(&q, v, 3));
        CU_ASSERT(q.len == 0);
        sg_sb_free(&q);
        /* the same code point, encoded, goes through */
        char u[4] = {(char)(0xC0 | c >> 6), (char)(0x80 | (c & 0x3F)), '"'};
        check_roundtrip(u, 3);
    }
}

static void test_hostile_values(void)
{
    static const char *const cases[] = {
        "",
        "\\",
        "\"",
        "\"\"",
        "\\\"",
        "a\\",
        "\\\\cmd.exe",
        "@\"",
        "\" or 1==1 //",
        "\"\n| take 1 //",
        "x\r\ny",
        "line\xe2\x80\xa8sep\xe2\x80\xa9para",
        "nel\xc2\x85",
        "tab\there",
        "\x7f del",
        "emoji \xf0\x9f\x98\x80 and \xc3\xa9",
        "'it''s'",
        "]['x'",
        "\\u0041 is not an escape in a value",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_roundtrip(cases[i], strlen(cases[i]));
    check_roundtrip("nul\0inside", 10);
    check_roundtrip("\0", 1);
}

static void test_verbatim_preferred(void)
{
    sg_strbuf q;
    sg_sb_init(&q);
    kql_quote(&q, "C:\\Windows\\\"x\"", 14);
    CU_ASSERT_STRING_EQUAL(q.data, "@\"C:\\Windows\\\"\"x\"\"\"");
    sg_sb_reset(&q);
    kql_quote(&q, "a\nb\\", 4);
    CU_ASSERT_STRING_EQUAL(q.data, "\"a\\nb\\\\\"");
    sg_sb_reset(&q);
    kql_quote(&q, "\x01", 1);
    CU_ASSERT_STRING_EQUAL(q.data, "\"\\u0001\"");
    sg_sb_free(&q);
}

static void test_invalid_utf8(void)
{
    static const char *const bad[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
                                      "\xf0\x9f\x98", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sg_strbuf q;
        sg_sb_init(&q);
        CU_ASSERT(!kql_quote(&q, bad[i], strlen(bad[i])));
        CU_ASSERT(q.len == 0);
        sg_sb_free(&q);
    }
}

/* RE2 literal: strip the escapes again and get the input back; no
 * metacharacter is left bare. */
static void test_re_literal(void)
{
    for (unsigned c = 0; c < 0x100; c++) {
        char v[3] = {'x', (char)c, '\\'};
        sg_strbuf re, back;
        sg_sb_init(&re);
        sg_sb_init(&back);
        kql_re_literal(&re, v, 3);
        bool ok = true;
        for (size_t i = 0; i < re.len; i++) {
            char ch = re.data[i];
            if (ch == '\\') {
                if (i + 1 < re.len && re.data[i + 1] == 'x') {
                    ok &= i + 5 < re.len && re.data[i + 2] == '{' && re.data[i + 5] == '}';
                    if (!ok)
                        break;
                    sg_sb_putc(&back, (char)(hexval(re.data[i + 3]) * 16 + hexval(re.data[i + 4])));
                    i += 5;
                } else {
                    ok &= i + 1 < re.len && strchr("\\.+*?()|[]{}^$", re.data[i + 1]) != NULL;
                    if (!ok)
                        break;
                    sg_sb_putc(&back, re.data[++i]);
                }
            } else {
                ok &= !strchr(".+*?()|[]{}^$", ch) && (unsigned char)ch >= 0x20 && ch != 0x7F;
                sg_sb_putc(&back, ch);
            }
        }
        CU_ASSERT(ok);
        CU_ASSERT(back.len == 3 && memcmp(back.data, v, 3) == 0);
        sg_sb_free(&re);
        sg_sb_free(&back);
    }
}

static void test_ident(void)
{
    static const char *const bare[] = {"Image", "CommandLine", "_x1", "EventID", "Type"};
    static const char *const bracketed[] = {"and", "where", "matches", "materialize", "in",
                                            "contains_cs", "string", "true", "a b", "c-uri",
                                            "1abc", "x.y", ""};
    for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++)
        CU_ASSERT(kql_ident_is_bare(bare[i], strlen(bare[i])));
    for (size_t i = 0; i < sizeof bracketed / sizeof bracketed[0]; i++)
        CU_ASSERT(!kql_ident_is_bare(bracketed[i], strlen(bracketed[i])));
    sg_strbuf o;
    sg_sb_init(&o);
    kql_ident(&o, "c-uri", 5);
    CU_ASSERT_STRING_EQUAL(o.data, "[@\"c-uri\"]");
    sg_sb_free(&o);
}

/* ---- RE2 ---------------------------------------------------------------------------- */

static void test_re2(void)
{
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } cases[] = {
        {"^a.*b$", "^a.*b$"},
        {"(?<name>x+)", "(?P<name>x+)"},
        {"(?i)abc", "(?i)abc"},
        {"[(?=]", "[(?=]"},
        {"\\(?=", "\\(?="},
        {"[\\]a]+", "[\\]a]+"},
        {"[]a]", "[]a]"},
        {"[[:alpha:]]+", "[[:alpha:]]+"},
        {"\\Q(?=\\E", "\\Q(?=\\E"},
        {"a+?", "a+?"},
        {"(?=x)", NULL},
        {"(?!x)", NULL},
        {"(?<=x)", NULL},
        {"(?<!x)", NULL},
        {"(?>x)", NULL},
        {"(a)\\1", NULL},
        {"a++", NULL},
        {"a*+", NULL},
        {"\\Gx", NULL},
        {"x\\Z", NULL},
        {"\\h", NULL},
        {"(?#c)", NULL},
        {"(?(1)a|b)", NULL},
        {"(?R)", NULL},
        {"[abc", NULL},
        {"abc\\", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sg_strbuf o;
        sg_sb_init(&o);
        const char *why = kql_re2_translate(&o, cases[i].in, strlen(cases[i].in));
        if (cases[i].out) {
            CU_ASSERT_PTR_NULL(why);
            CU_ASSERT_STRING_EQUAL(sg_sb_str(&o), cases[i].out);
        } else {
            CU_ASSERT_PTR_NOT_NULL(why);
        }
        sg_sb_free(&o);
    }
}

/* ---- the backend with pipeline state --------------------------------------------------- */

extern const sg_backend sg_backend_kql;

static const char SCHEMA[] = "(Image:string, CommandLine:string, Port:long, Ratio:real, "
                             "Flag:bool, Time:datetime, Extra:dynamic, Json:string, Msg:string)";

/* Compile one detection body with table T, the schema above and (optionally)
 * a keyword column; returns the query or "ERR: message". */
static char *compile(sg_arena *a, const char *detection, const char *kw)
{
    char yaml[4096];
    snprintf(yaml, sizeof yaml,
             "title: t\nid: 5d4f0a6e-7b3c-4c55-9f0e-0a1b2c3d4e5f\nlogsource:\n"
             "    product: windows\ndetection:\n%s",
             detection);
    sg_diags d;
    sg_diags_init(&d);
    sg_rule **rules = NULL;
    size_t n = 0, cap = 0;
    sg_load_buffer(a, "t.yml", yaml, strlen(yaml), NULL, &d, &rules, &n, &cap);
    char *res = NULL;
    ir_rule *ir = n == 1 ? ir_build_rule(a, rules[0], &d) : NULL;
    if (ir) {
        ir_state_set(a, ir, "query_table", "T");
        ir_state_set(a, ir, "query_table_schema", SCHEMA);
        if (kw)
            ir_state_set(a, ir, "keyword_column", kw);
        sg_strbuf out;
        sg_sb_init(&out);
        sg_target_opts o = {"default", false, 0};
        sigma_status st = sg_backend_kql.emit_rule(ir, &o, a, &out, &d);
        if (st == SIGMA_OK)
            res = sg_arena_strdup(a, out.data);
        sg_sb_free(&out);
    }
    if (!res)
        res = sg_arena_printf(a, "ERR: %s", d.n ? d.items[d.n - 1].message : "?");
    sg_diags_free(&d);
    return res;
}

static void test_backend(void)
{
    static const struct {
        const char *det, *kw, *expect;
    } cases[] = {
        {"    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel\n", NULL,
         "T\n| where Image endswith @\"\\cmd.exe\""},
        {"    sel:\n        Port: 445\n    condition: sel\n", NULL, "T\n| where Port == 445"},
        {"    sel:\n        Port: '445'\n    condition: sel\n", NULL, "T\n| where Port == 445"},
        {"    sel:\n        Port: [80, 443]\n    condition: sel\n", NULL,
         "T\n| where Port in (80, 443)"},
        {"    sel:\n        Image: 445\n    condition: sel\n", NULL,
         "T\n| where Image == @\"445\""},
        {"    sel:\n        Port|gte: 1024\n    condition: sel\n", NULL, "T\n| where Port >= 1024"},
        {"    sel:\n        Image|gt: 3\n    condition: sel\n", NULL,
         "T\n| where toreal(Image) > 3"},
        {"    sel:\n        Port|startswith: '44'\n    condition: sel\n", NULL,
         "T\n| where tostring(Port) startswith @\"44\""},
        {"    sel:\n        Flag: 'true'\n    condition: sel\n", NULL, "T\n| where Flag == true"},
        {"    sel:\n        Flag: null\n    s2:\n        Msg: null\n    condition: sel or s2\n", NULL,
         "T\n| where isnull(Flag) or isempty(Msg)"},
        {"    sel:\n        Extra.Foo: x\n    condition: sel\n", NULL,
         "T\n| where tostring(Extra.Foo) =~ @\"x\""},
        {"    sel:\n        Json.a b: x\n    condition: sel\n", NULL,
         "T\n| where tostring(parse_json(Json)[@\"a b\"]) =~ @\"x\""},
        {"    sel:\n        Time|hour: 3\n    condition: sel\n", NULL,
         "T\n| where datetime_part(\"hour\", Time) == 3"},
        {"    sel:\n        Image|hour: 3\n    condition: sel\n", NULL,
         "T\n| where datetime_part(\"hour\", todatetime(Image)) == 3"},
        {"    sel:\n        Image|fieldref: CommandLine\n    condition: sel\n", NULL,
         "T\n| where Image =~ CommandLine"},
        {"    sel:\n        Nope: x\n    condition: sel\n", NULL,
         "ERR: kql: field 'Nope' is not a column of T (no mapping for it in the pipeline)"},
        {"    sel:\n        Port.x: 1\n    condition: sel\n", NULL,
         "ERR: kql: field 'Port.x': column 'Port' of T is not dynamic, it has no properties"},
        {"    kw:\n        - 'a*b'\n    condition: kw\n", NULL,
         "ERR: kql: keyword with wildcards or anchoring: without a message column (state "
         "keyword_column) only 'anywhere in the event' substrings can be searched (where * "
         "contains)"},
        {"    kw:\n        - 'a*b'\n    condition: kw\n", "Msg",
         "T\n| where Msg matches regex @\"(?is)a.*b\""},
        {"    kw:\n        - 'evil'\n    condition: kw\n", NULL,
         "T\n| where * contains @\"evil\""},
        {"    sel:\n        Image|re: '(?<=a)b'\n    condition: sel\n", NULL,
         "ERR: kql: regular expression uses lookbehind assertions, which RE2 (KQL's matches "
         "regex) does not have"},
        {"    sel:\n        Image|expand: '%x%'\n    condition: sel\n", NULL,
         "ERR: kql: placeholder %x% was not replaced by any pipeline"},
        {"    sel:\n        Image|wide: 'a'\n    condition: sel\n", NULL,
         "T\n| where Image =~ \"a\\u0000\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sg_arena *a = sg_arena_create();
        CU_ASSERT_FATAL(a != NULL);
        char *got = compile(a, cases[i].det, cases[i].kw);
        if (strcmp(got, cases[i].expect))
            fprintf(stderr, "\n  case %zu:\n    got:    %s\n    expect: %s\n", i, got,
                    cases[i].expect);
        CU_ASSERT_STRING_EQUAL(got, cases[i].expect);
        sg_arena_destroy(a);
    }
}

/* ---- literals for Microsoft's decoder ------------------------------------------------- */

static void json_str(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c == 0x7F)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_literal(const char *v, size_t n)
{
    sg_strbuf q;
    sg_sb_init(&q);
    if (kql_quote(&q, v, n)) {
        fputs("{\"literal\":", stdout);
        json_str(q.data, q.len);
        fputs(",\"hex\":\"", stdout);
        for (size_t i = 0; i < n; i++)
            printf("%02x", (unsigned char)v[i]);
        fputs("\"}\n", stdout);
    }
    sg_sb_free(&q);
}

static int print_literals(void)
{
    for (unsigned c = 0; c < 0x100; c++) {
        char v[4] = {'a', (char)c, '\\'};
        print_literal(v, 3);
        char u[3] = {(char)(0xC0 | c >> 6), (char)(0x80 | (c & 0x3F)), '"'};
        if (c >= 0x80)
            print_literal(u, 3);
    }
    static const char *const more[] = {"\"\"", "\\\\cmd.exe", "@\"", "\" or 1==1 //",
                                       "\"\n| take 1 //", "x\r\ny", "a\xe2\x80\xa8z",
                                       "\xf0\x9f\x98\x80", "'it''s'"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        print_literal(more[i], strlen(more[i]));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--literals"))
        return print_literals();
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("kql", NULL, NULL);
    CU_add_test(s, "every ASCII byte round-trips", test_every_ascii_byte);
    CU_add_test(s, "bytes 0x80-0xFF: refused alone, round-trip as UTF-8", test_every_high_byte);
    CU_add_test(s, "hostile values", test_hostile_values);
    CU_add_test(s, "verbatim literal when possible", test_verbatim_preferred);
    CU_add_test(s, "invalid UTF-8 refused", test_invalid_utf8);
    CU_add_test(s, "RE2 literal escaping", test_re_literal);
    CU_add_test(s, "column names", test_ident);
    CU_add_test(s, "PCRE to RE2", test_re2);
    CU_add_test(s, "queries against a typed schema", test_backend);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}
