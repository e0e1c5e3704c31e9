/* test_loader.c - YAML -> rule tree: shapes, types, positions, hostile input. */
#include "loader.h"
#include "test_main.h"

#include <CUnit/CUnit.h>
#include <stdlib.h>
#include <string.h>

static const char *RULE =
    "title: T\n"                       /* 1 */
    "id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n"
    "status: test\n"
    "logsource:\n"
    "    category: process_creation\n" /* 5 */
    "    product: windows\n"
    "detection:\n"
    "    sel:\n"
    "        EventID: 4688\n"
    "        Image|endswith|cased: '\\cmd.exe'\n" /* 10 */
    "        Flag: true\n"
    "        Empty: ''\n"
    "        Nul: null\n"
    "    sel2:\n"
    "        - A: 1\n" /* 15 */
    "        - B: [x, 'y']\n"
    "    keywords:\n"
    "        - foo\n"
    "        - 'bar'\n"
    "    condition: sel and 1 of sel2 or keywords\n" /* 20 */
    "custom_thing: 42\n"
    "level: high\n";

static void test_rule_shape(void)
{
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    sg_rule **r;
    CU_ASSERT_EQUAL_FATAL(test_load(a, RULE, &d, &r), 1);
    if (d.nerrors)
        test_dump_diags(&d);
    CU_ASSERT_EQUAL(d.nerrors, 0);
    CU_ASSERT_STRING_EQUAL(r[0]->title.s, "T");
    CU_ASSERT_EQUAL(r[0]->title.pos.line, 1);
    CU_ASSERT_EQUAL(r[0]->title.pos.col, 8);
    CU_ASSERT_STRING_EQUAL(r[0]->logsource.category.s, "process_creation");
    CU_ASSERT_EQUAL_FATAL(r[0]->nsearches, 3);
    const sg_search *sel = &r[0]->searches[0];
    CU_ASSERT_EQUAL(sel->kind, SG_SEARCH_MAP);
    CU_ASSERT_EQUAL_FATAL(sel->alts[0].n, 5);
    const sg_item *ev = &sel->alts[0].items[0];
    CU_ASSERT_STRING_EQUAL(ev->field, "EventID");
    CU_ASSERT_EQUAL(ev->values.v[0].type, SG_V_INT);
    CU_ASSERT_EQUAL(ev->values.v[0].i, 4688);
    const sg_item *img = &sel->alts[0].items[1];
    CU_ASSERT_STRING_EQUAL(img->field, "Image");
    CU_ASSERT_EQUAL_FATAL(img->nmods, 2);
    CU_ASSERT_STRING_EQUAL(img->mods[0].name, "endswith");
    CU_ASSERT_EQUAL(img->mods[0].pos.line, 10);
    CU_ASSERT_EQUAL(img->mods[0].pos.col, 15);
    CU_ASSERT_EQUAL(img->mods[1].pos.col, 24);
    CU_ASSERT_EQUAL(img->values.v[0].type, SG_V_STRING);
    CU_ASSERT_TRUE(img->values.v[0].quoted);
    CU_ASSERT_STRING_EQUAL(img->values.v[0].str, "\\cmd.exe");
    CU_ASSERT_EQUAL(sel->alts[0].items[2].values.v[0].type, SG_V_BOOL);
    CU_ASSERT_EQUAL(sel->alts[0].items[3].values.v[0].len, 0);
    CU_ASSERT_EQUAL(sel->alts[0].items[3].values.v[0].type, SG_V_STRING);
    CU_ASSERT_EQUAL(sel->alts[0].items[4].values.v[0].type, SG_V_NULL);
    const sg_search *sel2 = &r[0]->searches[1];
    CU_ASSERT_EQUAL(sel2->kind, SG_SEARCH_LIST);
    CU_ASSERT_EQUAL(sel2->nalts, 2);
    CU_ASSERT_TRUE(sel2->alts[1].items[0].is_list);
    CU_ASSERT_EQUAL(sel2->alts[1].items[0].values.n, 2);
    const sg_search *kw = &r[0]->searches[2];
    CU_ASSERT_EQUAL_FATAL(kw->nalts, 1);
    CU_ASSERT_PTR_NULL(kw->alts[0].items[0].field);
    CU_ASSERT_EQUAL(kw->alts[0].items[0].values.n, 2);
    CU_ASSERT_EQUAL(r[0]->nconditions, 1);
    CU_ASSERT_EQUAL(r[0]->ncustom, 1);
    CU_ASSERT_STRING_EQUAL(r[0]->custom[0].key.s, "custom_thing");
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

/* {input, check expected (NULL = none), line, col} */
static const struct {
    const char *yaml;
    const char *check;
    unsigned line, col;
} bad[] = {
    {"title: [x\n", "yaml", 2, 1},
    {"", "schema", 1, 1},
    {"   \n\n", "schema", 1, 1},
    {"title: a\x00 b\n", "encoding", 1, 9},
    {"title: caf\xe9\n", "encoding", 1, 11},
    {"a: &x [1]\nb: *x\n", "yaml", 2, 4},
    {"- just\n- a list\n", "schema", 1, 3},
    {"action: global\ntitle: x\n---\nlogsource: {}\n", "legacy-collection", 1, 1},
    {"title: t\nlogsource: {product: x}\ndetection:\n  sel:\n    a: {b: c}\n  condition: sel\n",
     "schema", 5, 5},
    {"title: t\nlogsource: {product: x}\ndetection:\n  sel: {a: b}\n", "schema", 3, 1},
    {"title: t\ntags: x\n", "schema", 2, 1},
    {"title: t\nlogsource: {product: x}\ndetection:\n  sel: {a: b}\n  timeframe: 5m\n  condition: sel\n",
     "deprecated-aggregation", 5, 3},
    {"title: t\nlogsource: {product: x}\ndetection:\n  sel: []\n  condition: sel\n", "schema", 4, 3},
};

static void test_bad_inputs(void)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sg_arena *a = sg_arena_create();
        sg_diags d;
        sg_diags_init(&d);
        size_t n = 0, cap = 0;
        sg_rule **r = NULL;
        size_t len = strlen(bad[i].yaml);
        if (i == 3)
            len = 12; /* the NUL case */
        CU_ASSERT_TRUE(sg_load_buffer(a, "t.yml", bad[i].yaml, len, NULL, &d, &r, &n, &cap));
        int ok = test_has_diag(&d, bad[i].check, bad[i].line, bad[i].col);
        if (!ok) {
            fprintf(stderr, "\ncase %zu: expected %s at %u:%u, got:\n", i, bad[i].check,
                    bad[i].line, bad[i].col);
            test_dump_diags(&d);
        }
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_TRUE(d.nerrors > 0);
        sg_diags_free(&d);
        sg_arena_destroy(a);
    }
}

static void test_multi_document(void)
{
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    sg_rule **r;
    size_t n = test_load(a,
                         "title: a\nlogsource: {product: x}\ndetection: {s: {f: 1}, condition: s}\n"
                         "---\n"
                         "title: b\ncorrelation: {type: event_count}\n",
                         &d, &r);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(r[0]->kind, SG_DOC_RULE);
    CU_ASSERT_EQUAL(r[1]->kind, SG_DOC_CORRELATION);
    CU_ASSERT_EQUAL(r[1]->doc_index, 1);
    CU_ASSERT_PTR_NOT_NULL(sg_ynode_get(r[1]->correlation, "type"));
    CU_ASSERT_EQUAL(d.nerrors, 0);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

static void test_size_limit(void)
{
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    size_t len = 2u * 1024u * 1024u;
    char *big = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    memcpy(big, "title: ", 7);
    memset(big + 7, 'x', len - 7);
    big[len] = 0;
    sg_load_limits lim = {1024u * 1024u, 0};
    size_t n = 0, cap = 0;
    sg_rule **r = NULL;
    CU_ASSERT_TRUE(sg_load_buffer(a, "big.yml", big, len, &lim, &d, &r, &n, &cap));
    CU_ASSERT_TRUE(test_has_diag(&d, "limit", 1, 1));
    CU_ASSERT_EQUAL(n, 0);
    free(big);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

static void test_deep_nesting(void)
{
    sg_arena *a = sg_arena_create();
    sg_diags d;
    sg_diags_init(&d);
    size_t depth = 10000;
    char *y = malloc(depth * 2 + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    strcpy(y, "title: ");
    size_t k = 7;
    for (size_t i = 0; i < depth; i++)
        y[k++] = '[';
    for (size_t i = 0; i < depth; i++)
        y[k++] = ']';
    y[k++] = '\n';
    y[k] = 0;
    size_t n = 0, cap = 0;
    sg_rule **r = NULL;
    CU_ASSERT_TRUE(sg_load_buffer(a, "deep.yml", y, k, NULL, &d, &r, &n, &cap));
    CU_ASSERT_TRUE(d.nerrors > 0);
    free(y);
    sg_diags_free(&d);
    sg_arena_destroy(a);
}

void test_loader_register(void)
{
    CU_pSuite s = CU_add_suite("loader", NULL, NULL);
    CU_add_test(s, "rule shape, types and positions", test_rule_shape);
    CU_add_test(s, "bad inputs give positioned errors", test_bad_inputs);
    CU_add_test(s, "multi-document files", test_multi_document);
    CU_add_test(s, "file size limit", test_size_limit);
    CU_add_test(s, "10,000-deep nesting", test_deep_nesting);
}
