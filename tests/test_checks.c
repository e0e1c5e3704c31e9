/* test_checks.c - the check catalogue, the rule checks (checks.c) and the
 * diagnostic printers (diag_print.c).
 *
 * Rule checks are table-driven: a YAML rule, the check under test, and
 * where it must be reported (or that it must not be). Trees are built by
 * the real loader, so positions are the ones users see. */
#include "checks.h"
#include "diag_print.h"
#include "loader.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void test_checks_register(void);

/* ---- helpers ------------------------------------------------------------------ */

typedef struct loaded {
    sg_arena *a;
    sg_rule **rules;
    size_t n, cap;
    sg_diags d; /* loader diagnostics */
} loaded;

static bool load(loaded *l, const char *path, const char *yaml)
{
    if (!l->a) {
        l->a = sg_arena_create();
        sg_diags_init(&l->d);
    }
    if (!l->a)
        return false;
    return sg_load_buffer(l->a, path, yaml, strlen(yaml), NULL, &l->d, &l->rules, &l->n,
                          &l->cap);
}

static void unload(loaded *l)
{
    sg_diags_free(&l->d);
    sg_arena_destroy(l->a);
    memset(l, 0, sizeof *l);
}

static size_t count_check(const sg_diags *d, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].check && !strcmp(d->items[i].check, check))
            n++;
    return n;
}

static const sg_diag *first_of(const sg_diags *d, const char *check)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].check && !strcmp(d->items[i].check, check))
            return &d->items[i];
    return NULL;
}

static void dump(const char *what, const sg_diags *d)
{
    fprintf(stderr, "\n--- %s:\n", what);
    sg_diag_print(d, SG_FMT_TEXT, false, stderr);
}

/* ---- rule checks, table-driven ------------------------------------------------ */

/* Q(col): the column of a quoted scalar's opening quote. Whether a quoted
 * value's position is its quote or its first character is the loader's
 * choice (libfyaml marks the first character); quote_shift() measures it
 * so these cases stay exact either way. */
#define QUOTED 0x100000u
#define Q(col) ((col) | QUOTED)

static unsigned quote_shift(void)
{
    loaded l = {0};
    unsigned shift = 0;
    if (load(&l, "q.yml", "title: 'x'\n") && l.n == 1 && l.rules[0]->title.s)
        shift = l.rules[0]->title.pos.col - 8; /* the quote is column 8 */
    unload(&l);
    return shift;
}

#define ID "id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
/* lines 1-6; a detection written after it starts on line 7 */
#define HEAD                                                                         \
    "title: Test rule\n" ID "status: test\ndate: 2024-01-31\nlogsource:\n"            \
    "    product: windows\n"
/* lines 7-8, the first item of `sel` is on line 9 (column 9) */
#define DET "detection:\n    sel:\n"
#define COND "    condition: sel\n"
#define LEVEL "level: high\n"
/* a detection for metadata tests, at the end of the file */
#define TAIL "logsource:\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n" COND

typedef struct check_case {
    const char *name;
    const char *yaml;
    const char *check;  /* the check under test */
    size_t count;       /* how many of it; 0 = must not be reported */
    sg_severity sev;    /* of the first */
    unsigned line, col; /* of the first */
    const char *text;   /* a part of the first message, or NULL */
    bool strict;
} check_case;

#define E SG_SEV_ERROR
#define W SG_SEV_WARNING

static const check_case cases[] = {
    /* missing-key */
    {"missing title", ID TAIL, "missing-key", 1, E, 1, 1, "'title'", false},
    {"missing logsource", "title: t\n" ID "detection:\n    sel:\n        a: 1\n" COND,
     "missing-key", 1, E, 1, 1, "'logsource'", false},
    {"missing detection", "title: t\nlogsource:\n    product: windows\n", "missing-key", 1, E, 1,
     1, "'detection'", false},
    {"all keys present", "title: t\n" TAIL, "missing-key", 0, E, 0, 0, NULL, false},
    /* status-value / level-value */
    {"bad status", "title: t\nstatus: testing\n" TAIL, "status-value", 1, E, 2, 9, "'testing'",
     false},
    {"status case", "title: t\nstatus: Stable\n" TAIL, "status-value", 1, E, 2, 9,
     "(use 'stable')", false},
    {"good status", "title: t\nstatus: experimental\n" TAIL, "status-value", 0, E, 0, 0, NULL,
     false},
    {"bad level", "title: t\nlevel: severe\n" TAIL, "level-value", 1, E, 2, 8, "'severe'", false},
    {"level case", "title: t\nlevel: HIGH\n" TAIL, "level-value", 1, E, 2, 8, "(use 'high')",
     false},
    {"good level", "title: t\nlevel: informational\n" TAIL, "level-value", 0, E, 0, 0, NULL,
     false},
    /* date-format */
    {"date slashes", "title: t\ndate: 2026/04/20\n" TAIL, "date-format", 1, E, 2, 7,
     "date '2026/04/20' is not in the YYYY-MM-DD format (use '2026-04-20')", false},
    {"date unpadded", "title: t\ndate: 2024-1-5\n" TAIL, "date-format", 1, E, 2, 7,
     "(use '2024-01-05')", false},
    {"date garbage", "title: t\ndate: yesterday\n" TAIL, "date-format", 1, E, 2, 7,
     "'yesterday' is not in the YYYY-MM-DD format", false},
    {"date month 13", "title: t\ndate: 2024-13-01\n" TAIL, "date-format", 1, E, 2, 7,
     "month 13", false},
    {"date Feb 30", "title: t\ndate: '2023-02-29'\n" TAIL, "date-format", 1, E, 2, Q(7),
     "has 28 days", false},
    {"modified bad", "title: t\nmodified: 20240101\n" TAIL, "date-format", 1, E, 2, 11,
     "modified '20240101'", false},
    {"leap day ok", "title: t\ndate: 2024-02-29\nmodified: 2024-03-01\n" TAIL, "date-format", 0,
     E, 0, 0, NULL, false},
    /* date-order */
    {"modified before date", "title: t\ndate: 2024-05-01\nmodified: 2024-04-30\n" TAIL,
     "date-order", 1, W, 3, 11, "earlier", false},
    {"modified same day", "title: t\ndate: 2024-05-01\nmodified: 2024-05-01\n" TAIL,
     "date-order", 0, W, 0, 0, NULL, false},
    /* id-uuid */
    {"id not uuid", "title: t\nid: df00tech-t1542-004\n" TAIL, "id-uuid", 1, W, 2, 5,
     "id 'df00tech-t1542-004' is not a UUID", false},
    {"id uuid short group", "title: t\nid: 929a690e-bef0-4204-a928-ef5e620d6fc\n" TAIL,
     "id-uuid", 1, W, 2, 5, NULL, false},
    {"id uuid upper", "title: t\nid: 929A690E-BEF0-4204-A928-EF5E620D6FCC\n" TAIL, "id-uuid", 0,
     W, 0, 0, NULL, false},
    /* tag-format */
    {"tag upper", "title: t\ntags:\n    - attack.T1059\n" TAIL, "tag-format", 1, E, 3, 7,
     "(use 'attack.t1059')", false},
    {"tag no namespace", "title: t\ntags:\n    - attack.t1059\n    - t1059\n" TAIL,
     "tag-format", 1, E, 4, 7, "'t1059'", false},
    {"tag good", "title: t\ntags:\n    - attack.t1059.001\n    - cve.2021-44228\n    - "
                 "detection.emerging-threats\n" TAIL,
     "tag-format", 0, E, 0, 0, NULL, false},
    /* related-type / related-id */
    {"related bad type",
     "title: t\nrelated:\n    - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n      type: copied\n" TAIL,
     "related-type", 1, E, 4, 13, "'copied'", false},
    {"related good type",
     "title: t\nrelated:\n    - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n      type: obsolete\n" TAIL,
     "related-type", 0, E, 0, 0, NULL, false},
    {"related id", "title: t\nrelated:\n    - id: rule-42\n      type: derived\n" TAIL,
     "related-id", 1, W, 3, 11, "'rule-42'", false},
    {"related id uuid",
     "title: t\nrelated:\n    - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n      type: derived\n" TAIL,
     "related-id", 0, W, 0, 0, NULL, false},
    /* title-length / description-length: see test_lengths */
    /* falsepositive-length */
    {"falsepositive short", "title: t\nfalsepositives:\n    - Unknown\n    - x\n" TAIL,
     "falsepositive-length", 1, W, 4, 7, "'x'", false},
    {"falsepositive ok", "title: t\nfalsepositives:\n    - Unknown\n" TAIL,
     "falsepositive-length", 0, W, 0, 0, NULL, false},
    /* control-characters */
    {"control in title", "title: \"bad\\x1btitle\"\n" TAIL, "control-characters", 1, W, 1, Q(8),
     "0x1B", false},
    {"control in value", HEAD DET "        CommandLine: \"a\\rb\"\n" COND, "control-characters", 1,
     W, 9, Q(22), "0x0D", false},
    {"DEL in value", HEAD DET "        CommandLine: \"a\\x7fb\"\n" COND, "control-characters", 1,
     W, 9, Q(22), "0x7F", false},
    {"tab and newline ok", "title: \"a\\tb\"\ndescription: \"line\\nline\"\n" TAIL,
     "control-characters", 0, W, 0, 0, NULL, false},
    /* logsource-empty */
    {"logsource empty",
     "title: t\nlogsource:\n    definition: nothing\ndetection:\n    sel:\n        a: 1\n" COND,
     "logsource-empty", 1, E, 2, 1, NULL, false},
    {"logsource service only",
     "title: t\nlogsource:\n    service: sshd\ndetection:\n    sel:\n        a: 1\n" COND,
     "logsource-empty", 0, E, 0, 0, NULL, false},
    /* custom-attribute */
    {"custom strict", "title: t\nsimulation: yes\n" TAIL, "custom-attribute", 1, W, 2, 1,
     "'simulation'", true},
    {"custom not strict", "title: t\nsimulation: yes\n" TAIL, "custom-attribute", 0, W, 0, 0,
     NULL, false},
    /* match-everything */
    {"star alone", HEAD DET "        EventID: '*'\n" COND, "match-everything", 1, W, 9, 9,
     "'EventID: *' matches every event: the selection does not restrict anything", false},
    {"star in list", HEAD DET "        Image:\n            - '*'\n            - 'x'\n" COND,
     "match-everything", 1, W, 9, 9, NULL, false},
    {"star with other item", HEAD DET "        EventID: 1\n        Image: '*'\n" COND,
     "match-everything", 1, W, 10, 9, "Image|exists", false},
    {"star cased", HEAD DET "        Image|cased: '*'\n" COND, "match-everything", 1, W, 9, 9,
     NULL, false},
    {"star keyword", HEAD "detection:\n    keywords:\n        - '*'\n    condition: keywords\n",
     "match-everything", 1, W, 9, Q(11), "keyword", false},
    {"star with contains", HEAD DET "        Image|contains: '*'\n" COND, "match-everything", 0,
     W, 0, 0, NULL, false},
    {"star inside value", HEAD DET "        Image: '*\\cmd.exe'\n" COND, "match-everything", 0,
     W, 0, 0, NULL, false},
    {"star all with other", HEAD DET "        Image|all:\n            - '*'\n            - 'x*'\n" COND,
     "match-everything", 0, W, 0, 0, NULL, false},
    /* all-without-contains */
    {"all exact", HEAD DET "        CommandLine|all:\n            - 'a'\n            - 'b'\n" COND,
     "all-without-contains", 1, W, 9, 21, "'CommandLine|all'", false},
    {"all with contains",
     HEAD DET "        CommandLine|contains|all:\n            - 'a'\n            - 'b'\n" COND,
     "all-without-contains", 0, W, 0, 0, NULL, false},
    {"all with wildcards",
     HEAD DET "        CommandLine|all:\n            - '*a*'\n            - '*b*'\n" COND,
     "all-without-contains", 0, W, 0, 0, NULL, false},
    {"all with re", HEAD DET "        CommandLine|re|all:\n            - 'a'\n            - 'b'\n" COND,
     "all-without-contains", 0, W, 0, 0, NULL, false},
    {"all same value", HEAD DET "        CommandLine|all:\n            - 'a'\n            - 'A'\n" COND,
     "all-without-contains", 0, W, 0, 0, NULL, false},
    /* wildcard-modifier */
    {"wildcards both ends", HEAD DET "        CommandLine: '*whoami*'\n" COND, "wildcard-modifier",
     1, W, 9, Q(22), "use 'CommandLine|contains' with 'whoami'", false},
    {"wildcard start", HEAD DET "        Image: '*\\cmd.exe'\n" COND, "wildcard-modifier", 1, W, 9,
     Q(16), "'Image|endswith' with '\\cmd.exe'", false},
    {"wildcard end", HEAD DET "        Image: '/tmp/evil*'\n" COND, "wildcard-modifier", 1, W, 9,
     Q(16), "'Image|startswith'", false},
    {"wildcard inner", HEAD DET "        Image: '*\\Temp*.exe'\n" COND, "wildcard-modifier", 0,
     W, 0, 0, NULL, false},
    {"wildcard escaped", HEAD DET "        Image: 'a\\*'\n" COND, "wildcard-modifier", 0, W, 0, 0,
     NULL, false},
    {"wildcard question", HEAD DET "        Image: '*a?b*'\n" COND, "wildcard-modifier", 0, W, 0,
     0, NULL, false},
    {"wildcard with modifier", HEAD DET "        Image|contains: '*a*'\n" COND,
     "wildcard-modifier", 0, W, 0, 0, NULL, false},
    {"wildcard keyword", HEAD "detection:\n    keywords:\n        - '*evil*'\n    condition: keywords\n",
     "wildcard-modifier", 0, W, 0, 0, NULL, false},
    /* number-as-string */
    {"quoted EventID", HEAD DET "        EventID: '4688'\n" COND, "number-as-string", 1, W, 9, Q(18),
     "'4688'", false},
    {"quoted port in list",
     HEAD DET "        DestinationPort:\n            - 445\n            - '139'\n" COND,
     "number-as-string", 1, W, 11, Q(15), "'139'", false},
    {"plain EventID", HEAD DET "        EventID: 4688\n" COND, "number-as-string", 0, W, 0, 0,
     NULL, false},
    {"quoted other field", HEAD DET "        ProcessId: '4688'\n" COND, "number-as-string", 0, W,
     0, 0, NULL, false},
    {"quoted non-number", HEAD DET "        EventID: '46x'\n" COND, "number-as-string", 0, W, 0,
     0, NULL, false},
    /* empty-value */
    {"empty contains", HEAD DET "        CommandLine|contains: ''\n" COND, "empty-value", 1, W, 9,
     Q(31), "matches every value", false},
    {"empty equals", HEAD DET "        CommandLine: ''\n" COND, "empty-value", 0, W, 0, 0, NULL,
     false},
    /* unused-identifier */
    {"unused", HEAD DET "        a: 1\n    other:\n        b: 2\n" COND, "unused-identifier", 1,
     W, 10, 5, "'other'", false},
    {"used by pattern", HEAD "detection:\n    sel_a:\n        a: 1\n    sel_b:\n        b: 2\n"
                        "    condition: 1 of sel_*\n",
     "unused-identifier", 0, W, 0, 0, NULL, false},
    {"used by them", HEAD "detection:\n    a:\n        a: 1\n    b:\n        b: 2\n"
                     "    condition: all of them\n",
     "unused-identifier", 0, W, 0, 0, NULL, false},
    {"them skips underscore",
     HEAD "detection:\n    a:\n        a: 1\n    _b:\n        b: 2\n    condition: 1 of them\n",
     "unused-identifier", 1, W, 10, 5, "'_b'", false},
    {"used under not",
     HEAD "detection:\n    a:\n        a: 1\n    f:\n        b: 2\n    condition: a and not f\n",
     "unused-identifier", 0, W, 0, 0, NULL, false},
    {"used in second condition",
     HEAD "detection:\n    a:\n        a: 1\n    f:\n        b: 2\n    condition:\n"
          "        - a\n        - f\n",
     "unused-identifier", 0, W, 0, 0, NULL, false},
};

#undef E
#undef W

static void run_case(const check_case *c, unsigned shift)
{
    unsigned col = c->col & QUOTED ? (c->col & ~QUOTED) + shift : c->col;
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "case.yml", c->yaml));
    sg_diags d;
    sg_diags_init(&d);
    sg_check_opts o = {c->strict};
    for (size_t i = 0; i < l.n; i++)
        sg_check_rule(l.rules[i], &o, &d);
    size_t n = count_check(&d, c->check);
    const sg_diag *g = first_of(&d, c->check);
    bool ok = n == c->count;
    if (ok && c->count) {
        ok = g->sev == c->sev && g->line == c->line && g->col == col &&
             g->file && !strcmp(g->file, "case.yml") &&
             (!c->text || strstr(g->message, c->text));
    }
    /* every diagnostic names a catalogued check and has a position */
    for (size_t i = 0; i < d.n; i++) {
        const sg_diag *x = &d.items[i];
        if (!sg_check_find(x->check) || x->line == 0 || x->col == 0)
            ok = false;
    }
    if (!ok) {
        fprintf(stderr, "\ncase '%s': expected %zu x %s at %u:%u", c->name, c->count, c->check,
                c->line, col);
        dump("loader", &l.d);
        dump("checks", &d);
    }
    CU_ASSERT(ok);
    sg_diags_free(&d);
    unload(&l);
}

static void test_table(void)
{
    unsigned shift = quote_shift();
    CU_ASSERT(shift <= 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i], shift);
}

/* Every rule check has a positive and a negative case in the table. */
static void test_table_covers_checks(void)
{
    static const char *const mine[] = {
        "missing-key", "status-value", "level-value", "date-format", "date-order", "id-uuid",
        "tag-format", "related-type", "related-id", "unused-identifier", "match-everything",
        "all-without-contains", "wildcard-modifier", "control-characters", "number-as-string",
        "logsource-empty", "custom-attribute", "empty-value", "falsepositive-length", NULL};
    for (size_t k = 0; mine[k]; k++) {
        bool pos = false, neg = false;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
            if (!strcmp(cases[i].check, mine[k])) {
                if (cases[i].count)
                    pos = true;
                else
                    neg = true;
            }
        if (!pos || !neg)
            fprintf(stderr, "\nno %s case for %s\n", pos ? "negative" : "positive", mine[k]);
        CU_ASSERT(pos && neg);
        CU_ASSERT(sg_check_find(mine[k]) != NULL);
    }
}

/* A rule that follows every convention gets no diagnostic at all. */
static void test_clean_rule(void)
{
    static const char yaml[] =
        "title: Whoami Execution\n" ID "status: test\n"
        "description: Detects whoami.\n"
        "references:\n    - https://example.org/whoami\n"
        "author: Someone\ndate: 2024-01-31\nmodified: 2024-02-01\n"
        "tags:\n    - attack.discovery\n    - attack.t1033\n"
        "related:\n    - id: 0ac5cf5c-0e61-4d39-a8f7-2d1e4b8f1a3e\n      type: similar\n"
        "logsource:\n    category: process_creation\n    product: windows\n"
        "detection:\n    selection_img:\n        - Image|endswith: '\\whoami.exe'\n"
        "        - OriginalFileName: 'whoami.exe'\n"
        "    selection_cli:\n        CommandLine|contains|all:\n            - '/all'\n"
        "            - '/fo'\n"
        "    filter_main:\n        ParentImage: 'C:\\Windows\\explorer.exe'\n"
        "    condition: all of selection_* and not 1 of filter_*\n"
        "falsepositives:\n    - Admin activity\nlevel: low\n";
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "clean.yml", yaml));
    sg_diags d;
    sg_diags_init(&d);
    sg_check_opts o = {true};
    for (size_t i = 0; i < l.n; i++)
        sg_check_rule(l.rules[i], &o, &d);
    sg_check_set(l.rules, l.n, &o, &d);
    if (d.n || l.d.n) {
        dump("loader", &l.d);
        dump("checks", &d);
    }
    CU_ASSERT_EQUAL(l.d.n, 0);
    CU_ASSERT_EQUAL(d.n, 0);
    sg_diags_free(&d);
    unload(&l);
}

/* The seed rule: exactly a date-format error, an id-uuid warning and a
 * match-everything warning, each at its exact position. */
static void test_seed(void)
{
    static const char seed[] =
        "title: ROMMONkit (T1542.004)\n"
        "id: df00tech-t1542-004\n"
        "status: experimental\n"
        "description: \"Adversaries may abuse the ROM Monitor (ROMMON) by loading unauthorized "
        "firmware with adversary code.\"\n"
        "references:\n"
        "  - https://attack.mitre.org/techniques/T1542/004/\n"
        "  - https://df00tech.com/detections/T1542.004\n"
        "author: df00tech\n"
        "date: 2026/04/20\n"
        "tags:\n"
        "  - attack.t1542.004\n"
        "# NOTE: logsource is auto-derived and may need adjustment for your environment\n"
        "logsource:\n"
        "  category: network_connection\n"
        "  product: windows\n"
        "detection:\n"
        "  # This detection logic could not be auto-translated; see the KQL/SPL query on "
        "df00tech.\n"
        "  selection:\n"
        "    EventID: '*'\n"
        "  condition: selection\n"
        "falsepositives:\n"
        "  - Legitimate ROMMON upgrades performed by network engineering teams during planned "
        "maintenance windows \xE2\x80\x94 correlate against change management tickets\n"
        "  - \"Automated configuration management platforms (Cisco DNA Center, RANCID, Oxidized)\"\n"
        "level: critical\n";
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "seed.yml", seed));
    CU_ASSERT_EQUAL(l.d.n, 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    sg_diags d;
    sg_diags_init(&d);
    sg_check_rule(l.rules[0], &(sg_check_opts){false}, &d);
    sg_check_set(l.rules, l.n, &(sg_check_opts){false}, &d);
    sg_diags_sort(&d);
    CU_ASSERT_EQUAL_FATAL(d.n, 3);
    CU_ASSERT_EQUAL(d.nerrors, 1);
    CU_ASSERT_EQUAL(d.nwarnings, 2);
    static const struct {
        const char *check;
        sg_severity sev;
        unsigned line, col;
    } want[] = {
        {"id-uuid", SG_SEV_WARNING, 2, 5},
        {"date-format", SG_SEV_ERROR, 9, 7},
        {"match-everything", SG_SEV_WARNING, 19, 5},
    };
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_STRING_EQUAL(d.items[i].check, want[i].check);
        CU_ASSERT_EQUAL(d.items[i].sev, want[i].sev);
        CU_ASSERT_EQUAL(d.items[i].line, want[i].line);
        CU_ASSERT_EQUAL(d.items[i].col, want[i].col);
    }
    CU_ASSERT_STRING_EQUAL(d.items[1].message,
                           "date '2026/04/20' is not in the YYYY-MM-DD format (use '2026-04-20')");
    CU_ASSERT_STRING_EQUAL(d.items[0].message, "id 'df00tech-t1542-004' is not a UUID");
    sg_diags_free(&d);
    unload(&l);
}

/* Lengths are counted in characters, as the schema's maxLength. */
static void test_lengths(void)
{
    /* 256 x "é" (512 bytes) is fine, 257 characters is not */
    size_t size = 4 * 70000;
    char *yaml = malloc(size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
    for (int title_len = 256; title_len <= 257; title_len++) {
        size_t o = (size_t)snprintf(yaml, size, "title: ");
        for (int i = 0; i < title_len; i++)
            o += (size_t)snprintf(yaml + o, size - o, "\xC3\xA9");
        o += (size_t)snprintf(yaml + o, size - o, "\ndescription: ");
        size_t dlen = title_len == 256 ? 65535 : 65536;
        memset(yaml + o, 'd', dlen);
        o += dlen;
        snprintf(yaml + o, size - o, "\n" TAIL);
        loaded l = {0};
        CU_ASSERT_FATAL(load(&l, "len.yml", yaml));
        sg_diags d;
        sg_diags_init(&d);
        sg_check_rule(l.rules[0], NULL, &d);
        size_t want = title_len == 256 ? 0 : 1;
        CU_ASSERT_EQUAL(count_check(&d, "title-length"), want);
        CU_ASSERT_EQUAL(count_check(&d, "description-length"), want);
        if (want) {
            const sg_diag *t = first_of(&d, "title-length");
            const sg_diag *s = first_of(&d, "description-length");
            CU_ASSERT(t && t->line == 1 && t->col == 8 && strstr(t->message, "257"));
            CU_ASSERT(s && s->line == 2 && s->col == 14 && strstr(s->message, "65536"));
        }
        sg_diags_free(&d);
        unload(&l);
    }
    free(yaml);
}

/* Legacy collections are reported by the loader only; broken rules still
 * get metadata checks but no detection lint. */
static void test_legacy_and_broken(void)
{
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "legacy.yml",
                         "action: global\ntitle: t\ndate: 2024/01/01\n---\nlogsource:\n"
                         "    product: windows\ndetection:\n    sel:\n        a: '*'\n"
                         "    condition: sel\n"));
    sg_diags d;
    sg_diags_init(&d);
    for (size_t i = 0; i < l.n; i++) {
        CU_ASSERT(l.rules[i]->legacy);
        sg_check_rule(l.rules[i], NULL, &d);
    }
    CU_ASSERT_EQUAL(d.n, 0);
    sg_diags_free(&d);
    unload(&l);

    /* an invalid search (empty list) makes the rule broken */
    CU_ASSERT_FATAL(load(&l, "broken.yml",
                         "title: t\ndate: 2024/01/01\n" "logsource:\n    product: windows\n"
                         "detection:\n    sel:\n        a: '*'\n    empty: []\n"
                         "    condition: sel\n"));
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT(l.rules[0]->broken);
    sg_diags_init(&d);
    sg_check_rule(l.rules[0], NULL, &d);
    CU_ASSERT_EQUAL(count_check(&d, "date-format"), 1);
    CU_ASSERT_EQUAL(count_check(&d, "match-everything"), 0);
    CU_ASSERT_EQUAL(count_check(&d, "unused-identifier"), 0);
    sg_diags_free(&d);
    unload(&l);

    /* a document that is not a map: the loader said it all */
    CU_ASSERT_FATAL(load(&l, "list.yml", "- a\n- b\n"));
    sg_diags_init(&d);
    for (size_t i = 0; i < l.n; i++)
        sg_check_rule(l.rules[i], NULL, &d);
    CU_ASSERT_EQUAL(d.n, 0);
    sg_diags_free(&d);
    unload(&l);
}

/* Correlation and filter documents get the metadata checks only. */
static void test_other_kinds(void)
{
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "corr.yml",
                         "title: c\nid: not-a-uuid\nstatus: wrong\ndate: 2024/01/01\n"
                         "generate: true\n"
                         "correlation:\n    type: event_count\n    rules: [a]\n"
                         "    timespan: 1h\n    condition:\n        gte: 10\n"));
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_EQUAL(l.rules[0]->kind, SG_DOC_CORRELATION);
    sg_diags d;
    sg_diags_init(&d);
    sg_check_rule(l.rules[0], &(sg_check_opts){true}, &d);
    CU_ASSERT_EQUAL(count_check(&d, "id-uuid"), 1);
    CU_ASSERT_EQUAL(count_check(&d, "status-value"), 1);
    CU_ASSERT_EQUAL(count_check(&d, "date-format"), 1);
    CU_ASSERT_EQUAL(count_check(&d, "missing-key"), 0);      /* no logsource/detection needed */
    CU_ASSERT_EQUAL(count_check(&d, "custom-attribute"), 0); /* generate is a correlation key */
    sg_diags_free(&d);
    unload(&l);
}

/* Many identifiers: one pattern covers all but one. */
static void test_unused_many(void)
{
    size_t size = 64 * 2100, o = 0;
    char *yaml = malloc(size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
    o += (size_t)snprintf(yaml + o, size - o, "title: t\nlogsource:\n  product: x\ndetection:\n");
    for (int i = 0; i < 2000; i++)
        o += (size_t)snprintf(yaml + o, size - o, "  sel%d:\n    F%d: %d\n", i, i, i);
    snprintf(yaml + o, size - o, "  other:\n    G: 1\n  condition: 1 of sel*\n");
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "many.yml", yaml));
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    sg_diags d;
    sg_diags_init(&d);
    sg_check_rule(l.rules[0], NULL, &d);
    CU_ASSERT_EQUAL(count_check(&d, "unused-identifier"), 1);
    const sg_diag *g = first_of(&d, "unused-identifier");
    CU_ASSERT(g && g->line == 4 + 2 * 2000 + 1 && g->col == 3 && strstr(g->message, "'other'"));
    sg_diags_free(&d);
    unload(&l);
    free(yaml);
}

/* ---- checks across files ---------------------------------------------------------- */

static void test_duplicates(void)
{
    loaded l = {0};
    CU_ASSERT_FATAL(load(&l, "a.yml", "title: Same\n" ID "name: n1\n" TAIL));
    CU_ASSERT_FATAL(load(&l, "b.yml", "title: Other\nid: 1b4c1d4e-0b5f-4f7e-9d2a-6b0c8e1f2a3b\n"
                                      "name: n2\n" TAIL));
    CU_ASSERT_FATAL(load(&l, "c.yml", "title: Same\n" ID "name: n1\n" TAIL));
    CU_ASSERT_EQUAL_FATAL(l.n, 3);
    sg_diags d;
    sg_diags_init(&d);
    sg_check_set(l.rules, l.n, NULL, &d);
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-id"), 2); /* error + note */
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-name"), 2);
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-title"), 2);
    CU_ASSERT_EQUAL(d.nerrors, 2);
    CU_ASSERT_EQUAL(d.nwarnings, 1);
    const sg_diag *e = first_of(&d, "duplicate-id");
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT_EQUAL(e->sev, SG_SEV_ERROR);
    CU_ASSERT_STRING_EQUAL(e->file, "c.yml");
    CU_ASSERT_EQUAL(e->line, 2);
    CU_ASSERT_EQUAL(e->col, 5);
    CU_ASSERT_EQUAL(e[1].sev, SG_SEV_NOTE);
    CU_ASSERT_STRING_EQUAL(e[1].check, "duplicate-id");
    CU_ASSERT_STRING_EQUAL(e[1].file, "a.yml");
    CU_ASSERT_EQUAL(e[1].line, 2);
    CU_ASSERT_EQUAL(e[1].col, 5);
    CU_ASSERT_STRING_EQUAL(e[1].message, "first defined here");
    const sg_diag *t = first_of(&d, "duplicate-title");
    CU_ASSERT(t && t->sev == SG_SEV_WARNING && t->line == 1 && t->col == 8);
    sg_diags_free(&d);

    /* -W no-duplicate-title drops the warning and its note */
    const char *off[] = {"duplicate-title"};
    sg_diags_init(&d);
    d.disabled = off;
    d.ndisabled = 1;
    sg_check_set(l.rules, l.n, NULL, &d);
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-title"), 0);
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-id"), 2);
    sg_diags_free(&d);
    unload(&l);
}

/* Many rules: every one a duplicate of the one before it in pairs. */
static void test_duplicates_many(void)
{
    loaded l = {0};
    l.a = sg_arena_create();
    sg_diags_init(&l.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l.a);
    char yaml[512], path[32];
    for (int i = 0; i < 4000; i++) {
        snprintf(path, sizeof path, "r%d.yml", i);
        snprintf(yaml, sizeof yaml,
                 "title: T%d\nid: 00000000-0000-4000-8000-%012d\n" TAIL, i / 2, i / 2);
        CU_ASSERT_FATAL(load(&l, sg_arena_strdup(l.a, path), yaml));
    }
    sg_diags d;
    sg_diags_init(&d);
    sg_check_set(l.rules, l.n, NULL, &d);
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-id"), 4000);
    CU_ASSERT_EQUAL(count_check(&d, "duplicate-title"), 4000);
    CU_ASSERT_EQUAL(d.nerrors, 2000);
    sg_diags_free(&d);
    unload(&l);
}

/* ---- the catalogue ---------------------------------------------------------------- */

static void test_catalogue(void)
{
    size_t n = sg_check_count();
    CU_ASSERT(n >= 44);
    CU_ASSERT_PTR_NULL(sg_check_at(n));
    CU_ASSERT_PTR_NULL(sg_check_find("no-such-check"));
    CU_ASSERT_PTR_NULL(sg_check_find(NULL));
    for (size_t i = 0; i < n; i++) {
        const sg_check_info *c = sg_check_at(i);
        CU_ASSERT_FATAL(c != NULL);
        CU_ASSERT(sg_check_find(c->name) == c); /* names are unique */
        CU_ASSERT(c->description && c->description[0]);
        CU_ASSERT(c->sev == SG_SEV_ERROR || c->sev == SG_SEV_WARNING);
        for (const char *p = c->name; *p; p++)
            CU_ASSERT((*p >= 'a' && *p <= 'z') || *p == '-');
    }
    static const char *const others[] = {
        "yaml", "encoding", "schema", "legacy-collection", "limit", "condition-syntax",
        "deprecated-aggregation", "undefined-identifier", "modifier", "io", "invalid-regex",
        "invalid-cidr", "invalid-number", "null-in-list", "all-single-value", "placeholder",
        "expansion-limit", "unsupported", "pipeline", "correlation", "filter", "title-length",
        "description-length", "duplicate-id", "duplicate-name", "duplicate-title", NULL};
    for (size_t i = 0; others[i]; i++)
        CU_ASSERT(sg_check_find(others[i]) != NULL);
    CU_ASSERT_EQUAL(sg_check_find("all-single-value")->sev, SG_SEV_WARNING);
    CU_ASSERT_EQUAL(sg_check_find("duplicate-title")->sev, SG_SEV_WARNING);
    CU_ASSERT_EQUAL(sg_check_find("date-format")->sev, SG_SEV_ERROR);
}

/* ---- printers ----------------------------------------------------------------------- */

/* Print into a string (caller frees). */
static char *print_to_string(const sg_diags *d, sg_diag_fmt fmt, bool source)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    bool ok = sg_diag_print(d, fmt, source, f);
    fclose(f);
    CU_ASSERT(ok);
    return buf;
}

/* A temporary file holding text; returns its path in `path`. */
static bool temp_file(char path[64], const char *text, size_t len)
{
    snprintf(path, 64, "/tmp/sigmacc-test-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return false;
    bool ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    return ok;
}

static void test_text_plain(void)
{
    sg_diags d;
    sg_diags_init(&d);
    SG_ERR(&d, "date-format", ((sg_pos){"r.yml", 9, 7}), "bad date");
    SG_WARN(&d, "id-uuid", ((sg_pos){"r.yml", 2, 0}), "no column");
    sg_diag_add(&d, SG_SEV_NOTE, "duplicate-id", (sg_pos){"r.yml", 0, 0}, "no line");
    SG_ERR(&d, "yaml", ((sg_pos){NULL, 0, 0}), "no file");
    SG_ERR(&d, "yaml", ((sg_pos){"e.yml", 1, 1}), "esc\x1b[31m red\nnext");
    char *s = print_to_string(&d, SG_FMT_TEXT, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s, "r.yml:9:7: error: bad date [date-format]\n"
                              "r.yml:2: warning: no column [id-uuid]\n"
                              "r.yml: note: no line [duplicate-id]\n"
                              "sigmacc: error: no file [yaml]\n"
                              "e.yml:1:1: error: esc\\x1B[31m red\\nnext [yaml]\n");
    free(s);
    sg_diags_free(&d);
}

static void test_text_source(void)
{
    char path[64];
    const char text[] = "title: t\n\tkey: 2026/04/20\r\nlast: \xC3\xA9t\xC3\xA9 x";
    CU_ASSERT_FATAL(temp_file(path, text, sizeof text - 1));
    sg_diags d;
    sg_diags_init(&d);
    SG_ERR(&d, "date-format", ((sg_pos){path, 2, 7}), "m1");
    SG_WARN(&d, "x", ((sg_pos){path, 3, 11}), "m2");      /* after two 2-byte chars */
    SG_WARN(&d, "x", ((sg_pos){path, 99, 1}), "m3");      /* no such line */
    SG_WARN(&d, "x", ((sg_pos){path, 1, 0}), "m4");       /* no column: line only */
    SG_WARN(&d, "x", ((sg_pos){"/nonexistent/x.yml", 1, 1}), "m5");
    char *s = print_to_string(&d, SG_FMT_TEXT, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    char want[1024];
    snprintf(want, sizeof want,
             "%s:2:7: error: m1 [date-format]\n"
             "    2 | \tkey: 2026/04/20\n"
             "      | \t     ^\n"
             "%s:3:11: warning: m2 [x]\n"
             "    3 | last: \xC3\xA9t\xC3\xA9 x\n"
             "      |           ^\n"
             "%s:99:1: warning: m3 [x]\n"
             "%s:1: warning: m4 [x]\n"
             "    1 | title: t\n"
             "/nonexistent/x.yml:1:1: warning: m5 [x]\n",
             path, path, path, path);
    CU_ASSERT_STRING_EQUAL(s, want);
    if (strcmp(s, want))
        fprintf(stderr, "\ngot:\n%s\nwant:\n%s\n", s, want);
    free(s);
    sg_diags_free(&d);
    unlink(path);
}

static void test_text_long_line(void)
{
    /* 2000 'a's, a 'B' at column 1500, control bytes early on */
    static char text[2100];
    memset(text, 'a', 2000);
    text[3] = '\x1b';
    text[1499] = 'B';
    text[2000] = '\n';
    char path[64];
    CU_ASSERT_FATAL(temp_file(path, text, 2001));
    sg_diags d;
    sg_diags_init(&d);
    SG_ERR(&d, "x", ((sg_pos){path, 1, 1500}), "far");
    SG_ERR(&d, "x", ((sg_pos){path, 1, 4}), "near");
    char *s = print_to_string(&d, SG_FMT_TEXT, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* every output line is bounded; the caret sits under the 'B' */
    char *line = s;
    int lines = 0;
    const char *src = NULL, *caret = NULL;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        CU_ASSERT(len < 600);
        if (lines == 1)
            src = line;
        if (lines == 2)
            caret = line;
        if (lines == 4) /* the near one's source line: ESC shown as '?' */
            CU_ASSERT(strncmp(line, "    1 | aaa?aa", 14) == 0);
        lines++;
        line = nl ? nl + 1 : NULL;
    }
    CU_ASSERT_EQUAL(lines, 6);
    CU_ASSERT_FATAL(src && caret);
    const char *c = strchr(caret, '^');
    CU_ASSERT_FATAL(c != NULL);
    CU_ASSERT_EQUAL(src[c - caret], 'B');
    CU_ASSERT(strstr(src, "...") != NULL);
    free(s);
    sg_diags_free(&d);
    unlink(path);
}

static void test_json(void)
{
    sg_diags d;
    sg_diags_init(&d);
    SG_ERR(&d, "date-format", ((sg_pos){"dir/r.yml", 9, 7}), "say \"hi\" \\ \x01\t\x7f");
    SG_WARN(&d, "id-uuid", ((sg_pos){NULL, 0, 0}), "bad \xff\xfe utf8 \xC3\xA9 \xE2\x82");
    char *s = print_to_string(&d, SG_FMT_JSON, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(
        s,
        "{\"file\":\"dir/r.yml\",\"line\":9,\"column\":7,\"severity\":\"error\","
        "\"check\":\"date-format\",\"message\":\"say \\\"hi\\\" \\\\ \\u0001\\u0009\\u007f\"}\n"
        "{\"file\":null,\"line\":0,\"column\":0,\"severity\":\"warning\",\"check\":\"id-uuid\","
        "\"message\":\"bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xC3\xA9 \xEF\xBF\xBD\xEF\xBF\xBD\"}\n");
    free(s);
    sg_diags_free(&d);
}

/* Run python3 (when present) to parse a file as JSON and check a SARIF
 * structure; returns -1 when python3 is not available. */
static int python_check(const char *path, const char *script)
{
    if (system("command -v python3 >/dev/null 2>&1") != 0)
        return -1;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "python3 -c '%s' '%s'", script, path);
    return system(cmd) == 0 ? 0 : 1;
}

static void test_sarif(void)
{
    sg_diags d;
    sg_diags_init(&d);
    SG_ERR(&d, "date-format", ((sg_pos){"rules/my rule.yml", 9, 7}), "bad \"date\"\n");
    SG_WARN(&d, "id-uuid", ((sg_pos){"r.yml", 2, 0}), "w");
    sg_diag_add(&d, SG_SEV_NOTE, "duplicate-id", (sg_pos){"r.yml", 0, 0}, "n");
    SG_ERR(&d, NULL, ((sg_pos){NULL, 0, 0}), "no check, no file \xff");
    char *s = print_to_string(&d, SG_FMT_SARIF, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT(strstr(s, "\"version\": \"2.1.0\"") != NULL);
    CU_ASSERT(strstr(s, "\"name\": \"sigmacc\"") != NULL);
    CU_ASSERT(strstr(s, "\"uri\": \"rules/my%20rule.yml\"") != NULL);
    char path[64];
    CU_ASSERT_FATAL(temp_file(path, s, strlen(s)));
    static const char script[] =
        "import json,sys\n"
        "doc=json.load(open(sys.argv[1],encoding=\"utf-8\"))\n"
        "assert doc[\"version\"]==\"2.1.0\" and doc[\"$schema\"].startswith(\"https://\")\n"
        "assert len(doc[\"runs\"])==1\n"
        "run=doc[\"runs\"][0]; drv=run[\"tool\"][\"driver\"]\n"
        "assert drv[\"name\"]==\"sigmacc\" and drv[\"informationUri\"].startswith(\"https://\")\n"
        "ids=[r[\"id\"] for r in drv[\"rules\"]]\n"
        "assert len(ids)==len(set(ids)) and \"date-format\" in ids and \"yaml\" in ids\n"
        "for r in drv[\"rules\"]:\n"
        "    assert r[\"shortDescription\"][\"text\"]\n"
        "    assert r[\"defaultConfiguration\"][\"level\"] in (\"error\",\"warning\")\n"
        "res=run[\"results\"]; assert len(res)==4\n"
        "assert [r[\"level\"] for r in res]==[\"error\",\"warning\",\"note\",\"error\"]\n"
        "r0=res[0]; assert r0[\"ruleId\"]==\"date-format\" and ids[r0[\"ruleIndex\"]]==\"date-format\"\n"
        "assert r0[\"message\"][\"text\"]==\"bad \\\"date\\\"\\n\"\n"
        "loc=r0[\"locations\"][0][\"physicalLocation\"]\n"
        "assert loc[\"artifactLocation\"][\"uri\"]==\"rules/my%20rule.yml\"\n"
        "assert loc[\"region\"]==dict(startLine=9,startColumn=7)\n"
        "assert res[1][\"locations\"][0][\"physicalLocation\"][\"region\"]==dict(startLine=2)\n"
        "assert \"region\" not in res[2][\"locations\"][0][\"physicalLocation\"]\n"
        "assert \"ruleId\" not in res[3] and \"locations\" not in res[3]\n"
        "assert res[3][\"message\"][\"text\"].endswith(\"\\ufffd\")\n";
    int rc = python_check(path, script);
    if (rc < 0)
        fprintf(stderr, "\n(python3 not found: SARIF structure not validated)\n");
    else
        CU_ASSERT_EQUAL(rc, 0);
    unlink(path);
    free(s);
    sg_diags_free(&d);

    /* no diagnostics: still a valid document with the rule list */
    sg_diags_init(&d);
    s = print_to_string(&d, SG_FMT_SARIF, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_FATAL(temp_file(path, s, strlen(s)));
    rc = python_check(path, "import json,sys\n"
                            "d=json.load(open(sys.argv[1]))\n"
                            "assert d[\"runs\"][0][\"results\"]==[]\n"
                            "assert len(d[\"runs\"][0][\"tool\"][\"driver\"][\"rules\"])>40\n");
    if (rc >= 0)
        CU_ASSERT_EQUAL(rc, 0);
    unlink(path);
    free(s);
}

static void test_print_write_error(void)
{
    sg_diags d;
    sg_diags_init(&d);
    SG_ERR(&d, "yaml", ((sg_pos){"r.yml", 1, 1}), "m");
    FILE *f = fopen("/dev/full", "w");
    if (f) {
        CU_ASSERT_FALSE(sg_diag_print(&d, SG_FMT_TEXT, false, f));
        fclose(f);
    }
    sg_diags_free(&d);
}

/* ---- registration ----------------------------------------------------------------- */

void test_checks_register(void)
{
    CU_pSuite s = CU_add_suite("checks", NULL, NULL);
    if (s) {
        CU_add_test(s, "catalogue", test_catalogue);
        CU_add_test(s, "rule checks (table)", test_table);
        CU_add_test(s, "table covers every check", test_table_covers_checks);
        CU_add_test(s, "clean rule", test_clean_rule);
        CU_add_test(s, "seed rule", test_seed);
        CU_add_test(s, "title and description lengths", test_lengths);
        CU_add_test(s, "legacy and broken rules", test_legacy_and_broken);
        CU_add_test(s, "correlation documents", test_other_kinds);
        CU_add_test(s, "unused identifiers over 2000 searches", test_unused_many);
        CU_add_test(s, "duplicates", test_duplicates);
        CU_add_test(s, "duplicates over 4000 rules", test_duplicates_many);
    }
    CU_pSuite p = CU_add_suite("diag_print", NULL, NULL);
    if (p) {
        CU_add_test(p, "text", test_text_plain);
        CU_add_test(p, "text with source", test_text_source);
        CU_add_test(p, "text long line", test_text_long_line);
        CU_add_test(p, "json lines", test_json);
        CU_add_test(p, "sarif", test_sarif);
        CU_add_test(p, "write error", test_print_write_error);
    }
}
