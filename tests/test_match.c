/* test_match.c - the matcher's Sigma semantics, table-driven: one rule
 * detection, one event, the expected outcome. Each case runs through the
 * JSON reader (sigma_matcher_scan) and, for flat events, through a plain
 * accessor (sigma_matcher_match), and both must agree. */
#include "test_match.h"

#include "sigmacc.h"

#include <CUnit/Basic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------------------- */

sigma_ruleset *tm_ruleset(const char *yaml)
{
    sigma_compiler *c;
    if (sigma_compiler_create(&c) != SIGMA_OK)
        return NULL;
    sigma_ruleset *rs = NULL;
    if (sigma_compiler_add_string(c, "test.yml", yaml, strlen(yaml)) == SIGMA_OK)
        (void)sigma_ruleset_build(c, &rs);
    if (!rs || sigma_ruleset_rule_count(rs) == 0)
        sigma_diag_write(c, SIGMA_FMT_TEXT, 0, stderr);
    sigma_compiler_destroy(c);
    return rs;
}

static int count_match(void *user, size_t event, size_t line, const char *raw, size_t len,
                       const sigma_rule_info *rule)
{
    (void)event, (void)line, (void)raw, (void)len;
    counts *c = user;
    c->matches++;
    size_t n = strlen(c->rules);
    if (n + 40 < sizeof c->rules && rule->id)
        snprintf(c->rules + n, sizeof c->rules - n, "%s;", rule->id);
    return 0;
}

static void count_error(void *user, size_t event, size_t line, const char *msg)
{
    (void)event, (void)line, (void)msg;
    ((counts *)user)->errors++;
}

counts tm_scan(sigma_ruleset *rs, sigma_input kind, const char *text, size_t len)
{
    counts c = {0, 0, ""};
    sigma_matcher *m;
    if (sigma_matcher_create(rs, &m) != SIGMA_OK)
        return c;
    size_t nev;
    sigma_status st = sigma_matcher_scan(m, kind, text, len, len, count_match, count_error, &c,
                                         &nev, NULL);
    CU_ASSERT_EQUAL(st, SIGMA_OK);
    sigma_matcher_destroy(m);
    return c;
}

/* A flat event for the accessor path: "k=v" pairs, v = JSON-ish scalar. */
typedef struct flat {
    const char *keys[8];
    sigma_value vals[8];
    size_t n;
} flat;

static int flat_get(void *event, const char *field, size_t len, sigma_value *out)
{
    flat *f = event;
    for (size_t i = 0; i < f->n; i++)
        if (strlen(f->keys[i]) == len && !memcmp(f->keys[i], field, len)) {
            *out = f->vals[i];
            return 1;
        }
    return 0;
}

static int flat_each(void *event, int (*fn)(void *, const sigma_value *), void *ctx)
{
    flat *f = event;
    for (size_t i = 0; i < f->n; i++)
        if (f->vals[i].type == SIGMA_V_STRING && fn(ctx, &f->vals[i]))
            return 1;
    return 0;
}

static int acc_match(void *user, const sigma_rule_info *rule)
{
    (void)rule;
    (*(size_t *)user)++;
    return 0;
}

/* ---- the table ---------------------------------------------------------------------------- */

typedef struct mcase {
    const char *name;
    const char *detection; /* YAML lines under `detection:` (4-space indent) */
    const char *event;     /* JSON */
    int expect;            /* 1 = the rule matches */
} mcase;

#define SEL "    sel:\n"
static const mcase cases[] = {
    /* case folding */
    {"fold ascii", SEL "        Image|endswith: '\\CMD.exe'\n", "{\"Image\":\"C:\\\\Windows\\\\cmd.EXE\"}", 1},
    {"fold exact", SEL "        Image: 'ABC'\n", "{\"Image\":\"abc\"}", 1},
    {"fold latin1", SEL "        User: 'ÄDMIN'\n", "{\"User\":\"ädmin\"}", 1},
    {"fold cyrillic", SEL "        User|contains: 'ПРИВЕТ'\n", "{\"User\":\"x привет y\"}", 1},
    {"fold greek", SEL "        User: 'ΣΟΦΙΑ'\n", "{\"User\":\"σοφια\"}", 1},
    {"fold kelvin", SEL "        User: 'k'\n", "{\"User\":\"\\u212a\"}", 1},
    {"fold not letters", SEL "        User: 'a-b'\n", "{\"User\":\"a_b\"}", 0},
    {"cased no", SEL "        Image|cased: 'CMD.exe'\n", "{\"Image\":\"cmd.exe\"}", 0},
    {"cased yes", SEL "        Image|cased: 'CMD.exe'\n", "{\"Image\":\"CMD.exe\"}", 1},
    {"cased contains", SEL "        Image|contains|cased: 'MD'\n", "{\"Image\":\"cmd\"}", 0},
    /* wildcards */
    {"qmark one", SEL "        A: 'a?c'\n", "{\"A\":\"abc\"}", 1},
    {"qmark none", SEL "        A: 'a?c'\n", "{\"A\":\"ac\"}", 0},
    {"qmark two", SEL "        A: 'a?c'\n", "{\"A\":\"abbc\"}", 0},
    {"qmark utf8", SEL "        A: 'a?c'\n", "{\"A\":\"aéc\"}", 1},
    {"star inner", SEL "        A: 'a*b*c'\n", "{\"A\":\"aXXbYYc\"}", 1},
    {"star order", SEL "        A: 'a*b*c'\n", "{\"A\":\"acb\"}", 0},
    {"star backtrack", SEL "        A: '*ab*abc'\n", "{\"A\":\"xabyababc\"}", 1},
    {"star contains", SEL "        A|contains: 'b*d'\n", "{\"A\":\"abcde\"}", 1},
    {"star endswith", SEL "        A|endswith: 'b?d'\n", "{\"A\":\"abcd\"}", 1},
    {"star endswith no", SEL "        A|endswith: 'b?d'\n", "{\"A\":\"abcdx\"}", 0},
    {"escaped star yes", SEL "        A: 'a\\*b'\n", "{\"A\":\"a*b\"}", 1},
    {"escaped star no", SEL "        A: 'a\\*b'\n", "{\"A\":\"axb\"}", 0},
    {"escaped qmark yes", SEL "        A: 'a\\?b'\n", "{\"A\":\"a?b\"}", 1},
    {"escaped qmark no", SEL "        A: 'a\\?b'\n", "{\"A\":\"axb\"}", 0},
    {"escaped backslash", SEL "        A: 'a\\\\*'\n", "{\"A\":\"a\\\\zzz\"}", 1},
    {"only star", SEL "        A: '*'\n", "{\"A\":\"\"}", 1},
    {"only star absent", SEL "        A: '*'\n", "{\"B\":\"x\"}", 0},
    /* numbers */
    {"num int", SEL "        EventID: 4688\n", "{\"EventID\":4688}", 1},
    {"num string", SEL "        EventID: 4688\n", "{\"EventID\":\"4688\"}", 1},
    {"num float", SEL "        EventID: 4688\n", "{\"EventID\":4688.0}", 1},
    {"num other", SEL "        EventID: 4688\n", "{\"EventID\":4689}", 0},
    {"num text", SEL "        EventID: 4688\n", "{\"EventID\":\"x4688\"}", 0},
    {"quoted num vs json num", SEL "        EventID: '4688'\n", "{\"EventID\":4688}", 1},
    {"num list", SEL "        EventID: [1, 2, 3]\n", "{\"EventID\":\"2\"}", 1},
    {"gt yes", SEL "        Count|gt: 5\n", "{\"Count\":6}", 1},
    {"gt equal", SEL "        Count|gt: 5\n", "{\"Count\":5}", 0},
    {"gte equal", SEL "        Count|gte: 5\n", "{\"Count\":5}", 1},
    {"lt string", SEL "        Count|lt: 5\n", "{\"Count\":\"4.5\"}", 1},
    {"lte float", SEL "        Count|lte: 1.5\n", "{\"Count\":1.5}", 1},
    {"gt not number", SEL "        Count|gt: 5\n", "{\"Count\":\"abc\"}", 0},
    {"bool text", SEL "        Flag: 'true'\n", "{\"Flag\":true}", 1},
    /* null, empty, exists */
    {"null is null", SEL "        F: null\n", "{\"F\":null}", 1},
    {"null absent", SEL "        F: null\n", "{\"G\":1}", 1},
    {"null empty", SEL "        F: null\n", "{\"F\":\"\"}", 0},
    {"empty is empty", SEL "        F: ''\n", "{\"F\":\"\"}", 1},
    {"empty absent", SEL "        F: ''\n", "{\"G\":1}", 0},
    {"empty null", SEL "        F: ''\n", "{\"F\":null}", 0},
    {"exists null", SEL "        F|exists: true\n", "{\"F\":null}", 1},
    {"exists absent", SEL "        F|exists: true\n", "{\"G\":1}", 0},
    {"not exists absent", SEL "        F|exists: false\n", "{\"G\":1}", 1},
    {"not exists object", SEL "        F|exists: false\n", "{\"F\":{\"x\":1}}", 0},
    /* cidr */
    {"cidr4 in", SEL "        Ip|cidr: '10.0.0.0/8'\n", "{\"Ip\":\"10.1.2.3\"}", 1},
    {"cidr4 out", SEL "        Ip|cidr: '10.0.0.0/8'\n", "{\"Ip\":\"11.0.0.1\"}", 0},
    {"cidr4 mapped", SEL "        Ip|cidr: '10.0.0.0/8'\n", "{\"Ip\":\"::ffff:10.1.2.3\"}", 1},
    {"cidr4 odd prefix", SEL "        Ip|cidr: '192.168.0.0/23'\n", "{\"Ip\":\"192.168.1.200\"}", 1},
    {"cidr4 odd prefix out", SEL "        Ip|cidr: '192.168.0.0/23'\n", "{\"Ip\":\"192.168.2.1\"}", 0},
    {"cidr4 garbage", SEL "        Ip|cidr: '10.0.0.0/8'\n", "{\"Ip\":\"10.x\"}", 0},
    {"cidr6 in", SEL "        Ip|cidr: 'fd00::/8'\n", "{\"Ip\":\"fd12::1\"}", 1},
    {"cidr6 out", SEL "        Ip|cidr: 'fd00::/8'\n", "{\"Ip\":\"fe80::1\"}", 0},
    {"cidr6 v4 value", SEL "        Ip|cidr: 'fd00::/8'\n", "{\"Ip\":\"10.0.0.1\"}", 0},
    {"cidr6 /33", SEL "        Ip|cidr: '2001:db8::/33'\n", "{\"Ip\":\"2001:db8:7fff::1\"}", 1},
    {"cidr6 /33 out", SEL "        Ip|cidr: '2001:db8::/33'\n", "{\"Ip\":\"2001:db8:8000::1\"}", 0},
    /* regex */
    {"re basic", SEL "        C|re: 'foo.*bar'\n", "{\"C\":\"xfooYbar\"}", 1},
    {"re cased", SEL "        C|re: 'FOO'\n", "{\"C\":\"foo\"}", 0},
    {"re i", SEL "        C|re|i: 'FOO'\n", "{\"C\":\"foo\"}", 1},
    {"re no m", SEL "        C|re: '^bar$'\n", "{\"C\":\"foo\\nbar\"}", 0},
    {"re m", SEL "        C|re|m: '^bar$'\n", "{\"C\":\"foo\\nbar\"}", 1},
    {"re no s", SEL "        C|re: 'foo.bar'\n", "{\"C\":\"foo\\nbar\"}", 0},
    {"re s", SEL "        C|re|s: 'foo.bar'\n", "{\"C\":\"foo\\nbar\"}", 1},
    {"re alternation", SEL "        C|re: 'abc|xyz'\n", "{\"C\":\"--xyz--\"}", 1},
    {"re optional literal", SEL "        C|re: 'ab?c'\n", "{\"C\":\"ac\"}", 1},
    {"re group optional", SEL "        C|re: 'x(abc)?y'\n", "{\"C\":\"xy\"}", 1},
    {"re class", SEL "        C|re: 'a[0-9]+z'\n", "{\"C\":\"a123z\"}", 1},
    {"re on number", SEL "        C|re: '^46'\n", "{\"C\":4688}", 1},
    /* fieldref */
    {"fieldref eq", SEL "        A|fieldref: B\n", "{\"A\":\"x\",\"B\":\"X\"}", 1},
    {"fieldref ne", SEL "        A|fieldref: B\n", "{\"A\":\"x\",\"B\":\"y\"}", 0},
    {"fieldref absent", SEL "        A|fieldref: B\n", "{\"A\":\"x\"}", 0},
    {"fieldref contains", SEL "        A|fieldref|contains: B\n", "{\"A\":\"xyz\",\"B\":\"Y\"}", 1},
    {"fieldref cased", SEL "        A|fieldref|cased: B\n", "{\"A\":\"x\",\"B\":\"X\"}", 0},
    /* neq, all, lists */
    {"neq other", SEL "        A|neq: 'x'\n", "{\"A\":\"y\"}", 1},
    {"neq same", SEL "        A|neq: 'x'\n", "{\"A\":\"X\"}", 0},
    {"all yes", SEL "        A|contains|all: [a, b]\n", "{\"A\":\"xbxa\"}", 1},
    {"all no", SEL "        A|contains|all: [a, b]\n", "{\"A\":\"xa\"}", 0},
    {"list any", SEL "        A: [x, y]\n", "{\"A\":\"Y\"}", 1},
    /* encodings (expanded in the IR) */
    {"windash slash", SEL "        C|windash|contains: ' -foo'\n", "{\"C\":\"x /foo\"}", 1},
    {"windash endash", SEL "        C|windash|contains: ' -foo'\n", "{\"C\":\"x \\u2013foo\"}", 1},
    {"base64offset", SEL "        C|base64offset|contains: 'http://'\n", "{\"C\":\"xxaHR0cDovLyyy\"}", 1},
    {"base64offset 1", SEL "        C|base64offset|contains: 'http://'\n", "{\"C\":\"Imh0dHA6Ly9\"}", 1},
    {"wide base64", SEL "        C|wide|base64offset|contains: 'ab'\n", "{\"C\":\"YQBiA\"}", 1},
    /* time parts */
    {"hour utc", SEL "        Ts|hour: 23\n", "{\"Ts\":\"2025-10-24T23:41:00Z\"}", 1},
    {"hour offset", SEL "        Ts|hour: 23\n", "{\"Ts\":\"2025-10-25T01:41:00+02:00\"}", 1},
    {"hour space", SEL "        Ts|hour: 23\n", "{\"Ts\":\"2025-10-24 23:41:00.589\"}", 1},
    {"year gte no", SEL "        Ts|year|gte: 2025\n", "{\"Ts\":\"2024-12-31T23:59:59Z\"}", 0},
    {"month", SEL "        Ts|month: 2\n", "{\"Ts\":\"2024-02-29\"}", 1},
    {"week", SEL "        Ts|week: 1\n", "{\"Ts\":\"2024-12-30T00:00:00Z\"}", 1},
    {"minute epoch", SEL "        Ts|minute: 1\n", "{\"Ts\":60}", 1},
    {"time garbage", SEL "        Ts|hour: 1\n", "{\"Ts\":\"yesterday\"}", 0},
    /* keywords: any string value */
    {"keyword", "    kw:\n        - 'evil'\n", "{\"A\":\"some EVIL thing\"}", 1},
    {"keyword none", "    kw:\n        - 'evil'\n", "{\"A\":\"good\",\"B\":7}", 0},
    {"keyword nested", "    kw:\n        - 'evil'\n", "{\"x\":{\"y\":[1,\"evil\"]}}", 1},
    {"keyword not key", "    kw:\n        - 'evil'\n", "{\"evil\":\"good\"}", 0},
    /* JSON shapes */
    {"nested path", SEL "        Event.EventData.X: 'v'\n", "{\"Event\":{\"EventData\":{\"X\":\"v\"}}}", 1},
    {"text attr", SEL "        Event.System.EventID: 7036\n",
     "{\"Event\":{\"System\":{\"EventID\":{\"#attributes\":{\"Q\":1},\"#text\":7036}}}}", 1},
    {"attributes", SEL "        P.#attributes.Name: 'x'\n", "{\"P\":{\"#attributes\":{\"Name\":\"X\"}}}", 1},
    {"array value", SEL "        A: 'b'\n", "{\"A\":[\"a\",\"b\"]}", 1},
    {"array objects", SEL "        A.B: 'b'\n", "{\"A\":[{\"B\":\"a\"},{\"B\":\"b\"}]}", 1},
    {"escaped value", SEL "        A: 'x\"y'\n", "{\"A\":\"x\\\"y\"}", 1},
    {"escaped key", SEL "        AB: 'v'\n", "{\"A\\u0042\":\"v\"}", 1},
    {"dotted key", SEL "        a.b: 'v'\n", "{\"a.b\":\"v\"}", 1},
    {"object not string", SEL "        A: 'x'\n", "{\"A\":{\"x\":1}}", 0},
    /* conditions */
    {"and not", "    sel:\n        A: 'x'\n    flt:\n        B: 'y'\n    condition: sel and not flt\n",
     "{\"A\":\"x\",\"B\":\"z\"}", 1},
    {"and not hit", "    sel:\n        A: 'x'\n    flt:\n        B: 'y'\n    condition: sel and not flt\n",
     "{\"A\":\"x\",\"B\":\"Y\"}", 0},
    {"1 of", "    s1:\n        A: 'x'\n    s2:\n        B: 'y'\n    condition: 1 of s*\n",
     "{\"B\":\"y\"}", 1},
    {"all of", "    s1:\n        A: 'x'\n    s2:\n        B: 'y'\n    condition: all of s*\n",
     "{\"B\":\"y\"}", 0},
};

static char *rule_yaml(const mcase *c)
{
    static const char *head = "title: t\nid: 11111111-1111-4111-8111-111111111111\nstatus: test\n"
                              "logsource:\n    product: test\ndetection:\n";
    const char *cond = strstr(c->detection, "condition:") ? "" : NULL;
    size_t n = strlen(head) + strlen(c->detection) + 64;
    char *y = malloc(n);
    if (!y)
        return NULL;
    const char *id = strncmp(c->detection, "    kw:", 7) == 0 ? "kw" : "sel";
    if (cond)
        snprintf(y, n, "%s%slevel: low\n", head, c->detection);
    else
        snprintf(y, n, "%s%s    condition: %s\nlevel: low\n", head, c->detection, id);
    return y;
}

/* A flat JSON object of string/number/null scalars, for the accessor. */
static bool parse_flat(const char *json, flat *f, char *store, size_t cap)
{
    f->n = 0;
    const char *p = json;
    size_t used = 0;
    if (*p++ != '{')
        return false;
    while (*p && *p != '}') {
        if (*p == ',')
            p++;
        if (*p != '"' || f->n == 8)
            return false;
        const char *k = ++p;
        while (*p && *p != '"' && *p != '\\')
            p++;
        if (*p != '"' || p[1] != ':')
            return false; /* escapes: JSON path only */
        size_t kl = (size_t)(p - k);
        memcpy(store + used, k, kl);
        store[used + kl] = '\0';
        f->keys[f->n] = store + used;
        used += kl + 1;
        p += 2;
        sigma_value *v = &f->vals[f->n];
        memset(v, 0, sizeof *v);
        if (*p == '"') {
            const char *s = ++p;
            while (*p && *p != '"' && *p != '\\')
                p++;
            if (*p != '"')
                return false; /* escapes: JSON path only */
            v->type = SIGMA_V_STRING;
            v->str = s;
            v->len = (size_t)(p - s);
            p++;
        } else if (!strncmp(p, "null", 4)) {
            v->type = SIGMA_V_NULL;
            p += 4;
        } else if ((*p >= '0' && *p <= '9') || *p == '-') {
            char *end;
            double d = strtod(p, &end);
            v->str = p;
            v->len = (size_t)(end - p);
            if (memchr(p, '.', v->len)) {
                v->type = SIGMA_V_FLOAT;
                v->f = d;
            } else {
                v->type = SIGMA_V_INT;
                v->i = (int64_t)d;
                v->f = d;
            }
            p = end;
        } else {
            return false;
        }
        f->n++;
        if (used >= cap)
            return false;
    }
    return true;
}

static void test_table(void)
{
    size_t failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const mcase *c = &cases[i];
        char *y = rule_yaml(c);
        sigma_ruleset *rs = y ? tm_ruleset(y) : NULL;
        free(y);
        if (!rs || sigma_ruleset_rule_count(rs) != 1) {
            fprintf(stderr, "\n  case '%s': the rule did not compile\n", c->name);
            failures++;
            sigma_ruleset_destroy(rs);
            continue;
        }
        counts got = tm_scan(rs, SIGMA_INPUT_JSON, c->event, strlen(c->event));
        if ((got.matches != 0) != (c->expect != 0) || got.errors) {
            fprintf(stderr, "\n  case '%s': json reader: %zu matches, %zu errors, want %d\n",
                    c->name, got.matches, got.errors, c->expect);
            failures++;
        }
        /* the accessor path must agree on flat events */
        flat f;
        char store[512];
        if (parse_flat(c->event, &f, store, sizeof store)) {
            sigma_matcher *m;
            size_t n = 0;
            sigma_accessor acc = {flat_get, NULL, flat_each};
            CU_ASSERT_EQUAL_FATAL(sigma_matcher_create(rs, &m), SIGMA_OK);
            CU_ASSERT_EQUAL(sigma_matcher_match(m, &acc, &f, acc_match, &n), SIGMA_OK);
            if ((n != 0) != (c->expect != 0)) {
                fprintf(stderr, "\n  case '%s': accessor: %zu matches, want %d\n", c->name, n,
                        c->expect);
                failures++;
            }
            sigma_matcher_destroy(m);
        }
        sigma_ruleset_destroy(rs);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* ---- rule sets: dispatch and prefilter must not change results ------------------------- */

static const char *multi_rules =
    "title: one\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
    "detection:\n    sel:\n        EventID: 1\n        Image|endswith: '\\x.exe'\n"
    "    condition: sel\nlevel: low\n---\n"
    "title: two\nid: 00000000-0000-4000-8000-000000000002\nlogsource: {product: t}\n"
    "detection:\n    sel:\n        EventID: 2\n        Image|endswith: '\\x.exe'\n"
    "    condition: sel\nlevel: low\n---\n"
    "title: any\nid: 00000000-0000-4000-8000-000000000003\nlogsource: {product: t}\n"
    "detection:\n    sel:\n        Image|contains: 'x.ex'\n    condition: sel\nlevel: low\n---\n"
    "title: neg\nid: 00000000-0000-4000-8000-000000000004\nlogsource: {product: t}\n"
    "detection:\n    sel:\n        EventID: 1\n    flt:\n        Image|endswith: '.exe'\n"
    "    condition: sel and not flt\nlevel: low\n---\n"
    "title: chan\nid: 00000000-0000-4000-8000-000000000005\nlogsource: {product: t}\n"
    "detection:\n    sel:\n        Channel: 'Security'\n        EventID: [1, 2]\n"
    "    condition: sel\nlevel: low\n";

static void test_dispatch(void)
{
    sigma_ruleset *rs = tm_ruleset(multi_rules);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL(sigma_ruleset_rule_count(rs), 5);
    struct {
        const char *ev, *want;
    } t[] = {
        {"{\"EventID\":1,\"Image\":\"C:\\\\x.exe\"}", "00000000-0000-4000-8000-000000000001;"
                                                    "00000000-0000-4000-8000-000000000003;"},
        {"{\"EventID\":\"2\",\"Image\":\"C:\\\\X.EXE\"}", "00000000-0000-4000-8000-000000000002;"
                                                        "00000000-0000-4000-8000-000000000003;"},
        {"{\"EventID\":3,\"Image\":\"C:\\\\x.exe\"}", "00000000-0000-4000-8000-000000000003;"},
        {"{\"EventID\":1,\"Image\":\"C:\\\\x.dll\"}", "00000000-0000-4000-8000-000000000004;"},
        {"{\"EventID\":1}", "00000000-0000-4000-8000-000000000004;"},
        {"{\"EventID\":[2,1],\"Image\":\"a\\\\x.exe\"}", "00000000-0000-4000-8000-000000000001;"
                                                        "00000000-0000-4000-8000-000000000002;"
                                                        "00000000-0000-4000-8000-000000000003;"},
        {"{\"EventID\":2,\"Channel\":\"SECURITY\"}", "00000000-0000-4000-8000-000000000005;"},
        {"{\"EventID\":3,\"Channel\":\"Security\"}", ""},
        {"{}", ""},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        counts c = tm_scan(rs, SIGMA_INPUT_JSON, t[i].ev, strlen(t[i].ev));
        if (strcmp(c.rules, t[i].want))
            fprintf(stderr, "\n  event %s: got %s want %s\n", t[i].ev, c.rules, t[i].want);
        CU_ASSERT_STRING_EQUAL(c.rules, t[i].want);
    }
    sigma_ruleset_destroy(rs);
}

/* Rules the matcher cannot run are reported and left out, not fatal. */
static void test_unsupported(void)
{
    const char *y = "title: ok\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
                    "detection:\n    sel:\n        A: x\n    condition: sel\nlevel: low\n---\n"
                    "title: ph\nid: 00000000-0000-4000-8000-000000000002\nlogsource: {product: t}\n"
                    "detection:\n    sel:\n        A|expand: '%unknown%'\n    condition: sel\n"
                    "level: low\n";
    sigma_compiler *c;
    CU_ASSERT_EQUAL_FATAL(sigma_compiler_create(&c), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_compiler_add_string(c, "t.yml", y, strlen(y)), SIGMA_OK);
    sigma_ruleset *rs = NULL;
    CU_ASSERT_EQUAL(sigma_ruleset_build(c, &rs), SIGMA_ENOTSUP);
    CU_ASSERT_PTR_NOT_NULL(rs);
    CU_ASSERT_EQUAL(sigma_ruleset_rule_count(rs), 1);
    CU_ASSERT(sigma_diag_errors(c) >= 1);
    sigma_compiler_destroy(c);
    counts k = tm_scan(rs, SIGMA_INPUT_JSON, "{\"A\":\"x\"}", 9);
    CU_ASSERT_EQUAL(k.matches, 1);
    sigma_ruleset_destroy(rs);
}

/* Paths with alternatives and `*` (what the evtx-json pipeline maps to):
 * a pipeline file renames the rule's field. */
static void test_path_alternatives(void)
{
    char path[] = "/tmp/sigmacc-test-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    const char *pl = "name: t\npriority: 10\ntransformations:\n"
                     "  - type: field_name_mapping\n    mapping:\n      X: 'E.{D|U.*}.X'\n";
    CU_ASSERT_EQUAL(write(fd, pl, strlen(pl)), (ssize_t)strlen(pl));
    close(fd);
    const char *y = "title: t\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
                    "detection:\n    sel:\n        X: 'v'\n    condition: sel\nlevel: low\n";
    sigma_compiler *c;
    CU_ASSERT_EQUAL_FATAL(sigma_compiler_create(&c), SIGMA_OK);
    sigma_ruleset *rs = NULL;
    CU_ASSERT_EQUAL(sigma_compiler_add_pipeline(c, path), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_compiler_add_string(c, "t.yml", y, strlen(y)), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_ruleset_build(c, &rs), SIGMA_OK);
    sigma_compiler_destroy(c);
    unlink(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_STRING_EQUAL(sigma_ruleset_field(rs, 0), "E.{D|U.*}.X");
    struct {
        const char *ev;
        size_t want;
    } t[] = {
        {"{\"E\":{\"D\":{\"X\":\"v\"}}}", 1},
        {"{\"E\":{\"U\":{\"Any\":{\"X\":\"V\"}}}}", 1},
        {"{\"E\":{\"W\":{\"X\":\"v\"}}}", 0},
        {"{\"E\":{\"U\":{\"X\":\"v\"}}}", 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        counts k = tm_scan(rs, SIGMA_INPUT_JSON, t[i].ev, strlen(t[i].ev));
        CU_ASSERT_EQUAL(k.matches, t[i].want);
    }
    sigma_ruleset_destroy(rs);
}

/* Keywords on text lines, and `_raw`. */
static void test_lines(void)
{
    const char *y = "title: k\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
                    "detection:\n    kw:\n        - 'port-control'\n    condition: kw\nlevel: low\n"
                    "---\ntitle: r\nid: 00000000-0000-4000-8000-000000000002\n"
                    "logsource: {product: t}\ndetection:\n    sel:\n        _raw|startswith: 'x'\n"
                    "    condition: sel\nlevel: low\n";
    sigma_ruleset *rs = tm_ruleset(y);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    const char *text = "a no PORT-CONTROL b\r\nxyz\n\nnothing\n";
    counts c = tm_scan(rs, SIGMA_INPUT_LINES, text, strlen(text));
    CU_ASSERT_STRING_EQUAL(c.rules, "00000000-0000-4000-8000-000000000001;"
                                    "00000000-0000-4000-8000-000000000002;");
    sigma_ruleset_destroy(rs);
}

/* Keywords over a JSON event see every string value, its own `_raw`
 * member among them, whether or not some rule names `_raw`. */
static void test_json_keywords(void)
{
    const char *kw = "title: k\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
                     "detection:\n    kw:\n        - 'evil'\n    condition: kw\nlevel: low\n";
    const char *raw = "---\ntitle: r\nid: 00000000-0000-4000-8000-000000000002\n"
                      "logsource: {product: t}\ndetection:\n    sel:\n        _raw|contains: 'calm'\n"
                      "    condition: sel\nlevel: low\n";
    const char *ev = "{\"_raw\":\"calm\",\"Other\":\"an evil value\"}\n"
                     "{\"_raw\":\"evil calm\"}\n";
    for (int with_raw = 0; with_raw < 2; with_raw++) {
        char y[1024];
        snprintf(y, sizeof y, "%s%s", kw, with_raw ? raw : "");
        sigma_ruleset *rs = tm_ruleset(y);
        CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
        counts c = tm_scan(rs, SIGMA_INPUT_JSON, ev, strlen(ev));
        CU_ASSERT_STRING_EQUAL(c.rules, with_raw ? "00000000-0000-4000-8000-000000000001;"
                                                   "00000000-0000-4000-8000-000000000002;"
                                                   "00000000-0000-4000-8000-000000000001;"
                                                   "00000000-0000-4000-8000-000000000002;"
                                                 : "00000000-0000-4000-8000-000000000001;"
                                                   "00000000-0000-4000-8000-000000000001;");
        sigma_ruleset_destroy(rs);
    }
}

/* A JSON event whose text is scanned for keywords: values with non-ASCII
 * letters, raw or \\u-escaped, are still folded for the other rules (the
 * scan tells the matcher when every string of the event is ASCII). */
static void test_json_keywords_non_ascii(void)
{
    const char *y = "title: k\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
                    "detection:\n    kw:\n        - 'evil'\n    condition: kw\nlevel: low\n"
                    "---\ntitle: f\nid: 00000000-0000-4000-8000-000000000002\n"
                    "logsource: {product: t}\ndetection:\n    sel:\n"
                    "        Image|contains: '\\\xd0\xb6\xd1\x83\xd0\xba'\n" /* backslash, Cyrillic zhuk */
                    "    condition: sel\nlevel: low\n";
    const char *ev =
        "{\"Image\":\"C:\\\\\xd0\x96\xd0\xa3\xd0\x9a.exe\",\"Pad\":\"long enough for the SIMD scan...\"}\n"
        "{\"Image\":\"C:\\\\\\u0416\\u0423\\u041a.exe\",\"Pad\":\"long enough for the SIMD scan...\"}\n"
        "{\"Image\":\"C:\\\\ZHUK.exe\",\"Pad\":\"long enough for the SIMD scan, and evil\"}\n";
    sigma_ruleset *rs = tm_ruleset(y);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    counts c = tm_scan(rs, SIGMA_INPUT_JSON, ev, strlen(ev));
    CU_ASSERT_STRING_EQUAL(c.rules, "00000000-0000-4000-8000-000000000002;"
                                    "00000000-0000-4000-8000-000000000002;"
                                    "00000000-0000-4000-8000-000000000001;");
    sigma_ruleset_destroy(rs);
}

/* --stats counters and parse-only. */
static void test_options(void)
{
    sigma_ruleset *rs = tm_ruleset(multi_rules);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    sigma_matcher *m;
    CU_ASSERT_EQUAL_FATAL(sigma_matcher_create(rs, &m), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_matcher_set_option(m, "stats", "1"), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_matcher_set_option(m, "nonsense", "1"), SIGMA_EINVAL);
    const char *ev = "{\"EventID\":3,\"Image\":\"C:\\\\x.exe\"}\n{\"EventID\":4}\n";
    size_t nev = 0, nm = 0;
    CU_ASSERT_EQUAL(sigma_matcher_scan(m, SIGMA_INPUT_JSON, ev, strlen(ev), strlen(ev), NULL, NULL,
                                       NULL, &nev, &nm),
                    SIGMA_OK);
    CU_ASSERT_EQUAL(nev, 2);
    CU_ASSERT_EQUAL(nm, 1);
    uint64_t h, e, ns;
    CU_ASSERT_EQUAL(sigma_matcher_rule_stats(m, 2, &h, &e, &ns), SIGMA_OK);
    CU_ASSERT_EQUAL(h, 1);
    CU_ASSERT_EQUAL(sigma_matcher_event_count(m), 2);
    CU_ASSERT_EQUAL(sigma_matcher_set_option(m, "parse-only", "1"), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_matcher_scan(m, SIGMA_INPUT_JSON, ev, strlen(ev), strlen(ev), NULL, NULL,
                                       NULL, &nev, &nm),
                    SIGMA_OK);
    CU_ASSERT_EQUAL(nm, 0);
    sigma_matcher_destroy(m);
    sigma_ruleset_destroy(rs);
}

/* An accessor that hands a NULL string with a non-zero length: the value
 * is the empty string (nothing is read through the NULL pointer). */
static int null_get(void *event, const char *field, size_t len, sigma_value *out)
{
    (void)event;
    if (len != 1 || field[0] != 'F')
        return 0;
    memset(out, 0, sizeof *out);
    out->type = SIGMA_V_STRING;
    out->str = NULL;
    out->len = 4096;
    return 1;
}

static int count_rule(void *user, const sigma_rule_info *rule)
{
    (void)rule;
    ++*(size_t *)user;
    return 0;
}

static void test_null_string(void)
{
    const char *y = "title: e\nid: 00000000-0000-4000-8000-000000000001\nlogsource: {product: t}\n"
                    "detection:\n    sel:\n        F: ''\n    condition: sel\nlevel: low\n"
                    "---\ntitle: c\nid: 00000000-0000-4000-8000-000000000002\n"
                    "logsource: {product: t}\ndetection:\n    sel:\n        F|contains: 'a'\n"
                    "    condition: sel\nlevel: low\n";
    sigma_ruleset *rs = tm_ruleset(y);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    sigma_matcher *m;
    CU_ASSERT_EQUAL_FATAL(sigma_matcher_create(rs, &m), SIGMA_OK);
    sigma_accessor acc = {null_get, NULL, NULL};
    size_t n = 0;
    CU_ASSERT_EQUAL(sigma_matcher_match(m, &acc, NULL, count_rule, &n), SIGMA_OK);
    CU_ASSERT_EQUAL(n, 1); /* F == '' only */
    sigma_matcher_destroy(m);
    sigma_ruleset_destroy(rs);
}

void test_match_semantics_register(void)
{
    CU_pSuite s = CU_add_suite("match-semantics", NULL, NULL);
    CU_add_test(s, "modifier table", test_table);
    CU_add_test(s, "dispatch and prefilter", test_dispatch);
    CU_add_test(s, "unsupported rules", test_unsupported);
    CU_add_test(s, "lines and keywords", test_lines);
    CU_add_test(s, "keywords over JSON events", test_json_keywords);
    CU_add_test(s, "keyword scan and non-ASCII values", test_json_keywords_non_ascii);
    CU_add_test(s, "path alternatives", test_path_alternatives);
    CU_add_test(s, "options and stats", test_options);
    CU_add_test(s, "NULL string from an accessor", test_null_string);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    test_match_semantics_register();
    test_match_readers_register();
    test_match_scan_register();
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}
