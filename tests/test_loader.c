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
    {"- just\n- a list\n", "schema", 1, 1}, /* a list starts at its first `-` */
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
    sg_load_limits lim = {.max_file_size = 1024u * 1024u};
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

/* ---- the event-stream tree: positions, text, limits ------------------------------ */

/* One fixture: the YAML loaded, its diagnostics, its rules. */
typedef struct loaded {
    sg_arena *a;
    sg_diags d;
    sg_rule **r;
    size_t n;
} loaded;

static void load(loaded *l, const char *yaml)
{
    l->a = sg_arena_create();
    sg_diags_init(&l->d);
    size_t cap = 0;
    l->r = NULL;
    l->n = 0;
    CU_ASSERT_TRUE(
        sg_load_buffer(l->a, "t.yml", yaml, strlen(yaml), NULL, &l->d, &l->r, &l->n, &cap));
}

static void unload(loaded *l)
{
    sg_diags_free(&l->d);
    sg_arena_destroy(l->a);
}

/* The value of custom attribute `key` of the first rule. */
static const sg_ynode *custom(const loaded *l, const char *key)
{
    if (!l->n)
        return NULL;
    for (size_t i = 0; i < l->r[0]->ncustom; i++)
        if (!strcmp(l->r[0]->custom[i].key.s, key))
            return l->r[0]->custom[i].value;
    return NULL;
}

#define AT(p, l, c)                                                                            \
    do {                                                                                       \
        CU_ASSERT_EQUAL((p).line, (l));                                                        \
        CU_ASSERT_EQUAL((p).col, (c));                                                         \
    } while (0)

/* Collections start at their own token: `[`, `{`, the first `-`, a block
 * map's first key; an empty value sits at its key. */
static void test_collection_positions(void)
{
    loaded l;
    load(&l, "title: t\n"
             "flow: [a, 'b']\n" /* 2 */
             "block:\n"
             "    - x\n" /* 4 */
             "    - y\n"
             "indentless:\n"
             "- z\n" /* 7 */
             "map:\n"
             "    \"q\": 1\n"     /* 9 */
             "fmap: {k: v}\n"     /* 10 */
             "empty: []\n"        /* 11 */
             "implicit: [k: v]\n" /* 12 */
             "nothing:\n"         /* 13 */
             "tagged: !!str\n");  /* 14 */
    CU_ASSERT_EQUAL(l.d.nerrors, 0);
    const sg_ynode *y = custom(&l, "flow");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    AT(y->pos, 2, 7);
    AT(y->kids[1]->pos, 2, 11); /* the quote */
    y = custom(&l, "block");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    AT(y->pos, 4, 5);
    AT(y->kids[0]->pos, 4, 7);
    y = custom(&l, "indentless");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    AT(y->pos, 7, 1);
    y = custom(&l, "map");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    AT(y->pos, 9, 5);
    AT(y->kids[0]->pos, 9, 5);
    y = custom(&l, "fmap");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    AT(y->pos, 10, 7);
    y = custom(&l, "empty");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    AT(y->pos, 11, 8);
    CU_ASSERT_EQUAL(y->n, 0);
    y = custom(&l, "implicit"); /* libfyaml marks this map at its `:`; its key is earlier */
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_EQUAL_FATAL(y->n, 1);
    AT(y->kids[0]->pos, 12, 12);
    y = custom(&l, "nothing");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_EQUAL(y->scalar.type, SG_V_NULL);
    AT(y->pos, 13, 1);
    y = custom(&l, "tagged");
    CU_ASSERT_PTR_NOT_NULL_FATAL(y);
    CU_ASSERT_EQUAL(y->scalar.type, SG_V_STRING);
    CU_ASSERT_EQUAL(y->scalar.len, 0);
    AT(y->pos, 14, 9);
    unload(&l);

    /* values of a field: the list at its `-`, `Field:` alone at the key */
    load(&l, "title: t\nlogsource: {product: x}\ndetection:\n  sel:\n    A:\n      - 1\n"
             "    B:\n  condition: sel\n");
    CU_ASSERT_EQUAL(l.d.nerrors, 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_EQUAL_FATAL(l.r[0]->nsearches, 1);
    const sg_map *m = &l.r[0]->searches[0].alts[0];
    CU_ASSERT_EQUAL_FATAL(m->n, 2);
    AT(m->pos, 5, 5);
    AT(m->items[0].values.pos, 6, 7);
    AT(m->items[0].values.v[0].pos, 6, 9);
    CU_ASSERT_EQUAL(m->items[1].values.v[0].type, SG_V_NULL);
    AT(m->items[1].values.v[0].pos, 7, 5);
    unload(&l);

    /* `condition:` with nothing: at the key, not at no position */
    load(&l, "title: t\nlogsource: {product: x}\ndetection:\n  sel: {a: 1}\n  condition:\n");
    CU_ASSERT_TRUE(test_has_diag(&l.d, "condition-syntax", 5, 3));
    unload(&l);

    /* an empty document sits at its `---` */
    load(&l, "title: t\n---\n");
    CU_ASSERT_TRUE(test_has_diag(&l.d, "schema", 2, 1));
    unload(&l);
}

/* A condition in a block scalar starts on the line after `|`, at the
 * block's indentation; in quotes, one column after the quote. */
static void test_condition_positions(void)
{
    static const struct {
        const char *cond; /* the text after "  condition: " on line 5 */
        unsigned line, col;
    } cases[] = {
        {"sel )\n", 5, 18},
        {"'sel )'\n", 5, 19},
        {"\"sel )\"\n", 5, 19},
        {"|\n    sel )\n", 6, 9},
        {"|-\n      sel )\n", 6, 11},
        {">\n    sel\n    )\n", 6, 9}, /* folded: the line break became a space */
        {"|\n\n    sel )\n", 7, 9},     /* a leading empty line is kept */
        {"|2\n     sel )\n", 6, 10},    /* explicit indentation: one space is text */
        {"|  # why\n    sel )\n", 6, 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char y[256];
        snprintf(y, sizeof y,
                 "title: t\nlogsource: {product: x}\ndetection:\n  sel: {a: 1}\n"
                 "  condition: %s",
                 cases[i].cond);
        loaded l;
        load(&l, y);
        int ok = test_has_diag(&l.d, "condition-syntax", cases[i].line, cases[i].col);
        if (!ok) {
            fprintf(stderr, "\ncondition case %zu: want %u:%u, got:\n", i, cases[i].line,
                    cases[i].col);
            test_dump_diags(&l.d);
        }
        CU_ASSERT_TRUE(ok);
        unload(&l);
    }
}

/* Scalar text is taken from the input where YAML changes nothing and
 * unescaped here for single quotes (libfyaml 0.7.12 garbles 'a''''b'). */
static void test_scalar_text(void)
{
    static const struct {
        const char *yaml; /* the value of `k:` */
        const char *want;
        size_t len;
        sg_vtype type;
        bool quoted;
    } cases[] = {
        {"plain words   # c", "plain words", 11, SG_V_STRING, false},
        {"'it''s'", "it's", 4, SG_V_STRING, true},
        {"'a''''b'", "a''b", 4, SG_V_STRING, true},
        {"'( $x-Join'''')'", "( $x-Join'')", 12, SG_V_STRING, true},
        {"''''''", "''", 2, SG_V_STRING, true},
        {"'a\n  b  \n\n   c '", "a b\nc ", 6, SG_V_STRING, true},
        {"' lead\n  ''q'' '", " lead 'q' ", 10, SG_V_STRING, true},
        {"'crlf\r\n  x'", "crlf x", 6, SG_V_STRING, true},
        {"\"tab\\there\"", "tab\there", 8, SG_V_STRING, true},
        {"\"nul\\0in\"", "nul\0in", 6, SG_V_STRING, true},
        {"\"no escapes\"", "no escapes", 10, SG_V_STRING, true},
        {"plain\n  on two", "plain on two", 12, SG_V_STRING, false},
        {"|\n  lit\n  eral\n", "lit\neral\n", 9, SG_V_STRING, false},
        {">-\n  fol\n  ded\n", "fol ded", 7, SG_V_STRING, false},
        {"!!str 12", "12", 2, SG_V_STRING, false},
        {"'12'", "12", 2, SG_V_STRING, true},
        {"12", "12", 2, SG_V_INT, false},
        {"-0x1F", "-0x1F", 5, SG_V_INT, false},
        {"1.5e3", "1.5e3", 5, SG_V_FLOAT, false},
        {"True", "True", 4, SG_V_BOOL, false},
        {"~", "~", 1, SG_V_NULL, false},
        {"caf\xc3\xa9", "caf\xc3\xa9", 5, SG_V_STRING, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char y[256];
        snprintf(y, sizeof y, "\xef\xbb\xbftitle: t\nk: %s\n", cases[i].yaml); /* a BOM too */
        loaded l;
        load(&l, y);
        const sg_ynode *v = custom(&l, "k");
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        CU_ASSERT_EQUAL_FATAL(v->type, SG_Y_SCALAR);
        bool ok = v->scalar.len == cases[i].len &&
                  !memcmp(v->scalar.str, cases[i].want, cases[i].len) &&
                  v->scalar.type == cases[i].type && v->scalar.quoted == cases[i].quoted;
        if (!ok)
            fprintf(stderr, "\nscalar case %zu: got [%.*s] type %d quoted %d\n", i,
                    (int)v->scalar.len, v->scalar.str, (int)v->scalar.type, v->scalar.quoted);
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_EQUAL(v->scalar.str[v->scalar.len], '\0');
        /* a block scalar starts where its text does */
        CU_ASSERT_EQUAL(v->pos.line, strchr("|>", cases[i].yaml[0]) ? 3u : 2u);
        CU_ASSERT_STRING_EQUAL(l.r[0]->title.s, "t");
        unload(&l);
    }
}

/* Every alias is one error at its `*`, wherever it is; anchors are fine. */
static void test_aliases(void)
{
    loaded l;
    load(&l, "title: t\na: &x [1]\nb: {c: [*x, 2]}\nd: &y v\n");
    CU_ASSERT_EQUAL(l.d.nerrors, 1);
    CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 3, 9));
    unload(&l);

    load(&l, "title: t\nlogsource: {product: x}\ndetection:\n  sel: {a: &v 1, b: *v}\n"
             "  condition: sel\n");
    CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 4, 21));
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_TRUE(l.r[0]->broken);
    unload(&l);
}

/* 64 levels counting the document: 62 lists under the root map pass, the
 * 63rd is refused at its `[` and the document is not returned. */
static void test_depth_limit(void)
{
    for (size_t depth = 62; depth <= 63; depth++) {
        char y[256] = "title: ";
        size_t k = 7;
        for (size_t i = 0; i < depth; i++)
            y[k++] = '[';
        for (size_t i = 0; i < depth; i++)
            y[k++] = ']';
        y[k++] = '\n';
        y[k] = 0;
        loaded l;
        load(&l, y);
        if (depth == 62) {
            CU_ASSERT_FALSE(test_has_diag(&l.d, "yaml", 1, 0));
            CU_ASSERT_EQUAL(l.n, 1);
        } else {
            CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 1, 7 + depth));
            CU_ASSERT_EQUAL(l.n, 0);
        }
        unload(&l);
    }
}

/* Duplicates in small and large maps, nested; the later top-level copy is
 * not read over the first. */
static void test_duplicate_keys(void)
{
    loaded l;
    load(&l, "title: a\nx: {p: 1, q: 2, p: 3}\ntitle: b\n");
    CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 2, 17));
    CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 3, 1));
    CU_ASSERT_EQUAL(l.d.nerrors, 2);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.r[0]->title.s, "a");
    CU_ASSERT_TRUE(l.r[0]->broken);
    unload(&l);

    char y[1024] = "title: t\nbig:\n";
    for (int i = 0; i < 40; i++)
        snprintf(y + strlen(y), sizeof y - strlen(y), "  k%d: %d\n", i % 30, i);
    load(&l, y);
    CU_ASSERT_EQUAL(l.d.nerrors, 10);
    CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 33, 3)); /* k0 again */
    unload(&l);
}

/* A YAML error in the second document: the first is kept but broken, the
 * second is not returned. */
static void test_error_in_later_document(void)
{
    loaded l;
    load(&l, "title: a\n---\ntitle: [b\n");
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_TRUE(l.r[0]->broken);
    CU_ASSERT_TRUE(test_has_diag(&l.d, "yaml", 4, 0));
    unload(&l);
}

/* One loader over many files gives what a fresh one gives each file, after
 * errors, cut-short parses and limits too. */
static void test_loader_reuse(void)
{
    char deep[200] = "title: ";
    for (int i = 0; i < 70; i++)
        strcat(deep, "[");
    for (int i = 0; i < 70; i++)
        strcat(deep, "]");
    const char *files[] = {
        "title: a\n",
        "title: [b\n",
        "title: c\n---\ntitle: d\n",
        deep,
        "title: e\n---\ntitle: f\n---\ntitle: g\n", /* over the 2-document limit */
        "a: &x 1\nb: *x\n",
        "%unknown directive\n", /* collected by libfyaml without a stream error */
        "title: [h\n",
        "title: h\n",
    };
    sg_load_limits lim = {.max_documents = 2};
    sg_loader *ld = sg_loader_create();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ld);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
            size_t len = strlen(files[i]);
            sg_arena *a1 = sg_arena_create(), *a2 = sg_arena_create();
            sg_diags d1, d2;
            sg_diags_init(&d1);
            sg_diags_init(&d2);
            sg_rule **r1 = NULL, **r2 = NULL;
            size_t n1 = 0, c1 = 0, n2 = 0, c2 = 0;
            CU_ASSERT_TRUE(
                sg_loader_load(ld, a1, "t.yml", files[i], len, &lim, &d1, &r1, &n1, &c1));
            CU_ASSERT_TRUE(sg_load_buffer(a2, "t.yml", files[i], len, &lim, &d2, &r2, &n2, &c2));
            CU_ASSERT_EQUAL(n1, n2);
            CU_ASSERT_EQUAL(d1.n, d2.n);
            for (size_t k = 0; k < d1.n && k < d2.n; k++) {
                CU_ASSERT_EQUAL(d1.items[k].line, d2.items[k].line);
                CU_ASSERT_EQUAL(d1.items[k].col, d2.items[k].col);
                CU_ASSERT_STRING_EQUAL(d1.items[k].message, d2.items[k].message);
            }
            for (size_t k = 0; k < n1 && k < n2; k++) {
                CU_ASSERT_EQUAL(r1[k]->broken, r2[k]->broken);
                if (r1[k]->title.s && r2[k]->title.s)
                    CU_ASSERT_STRING_EQUAL(r1[k]->title.s, r2[k]->title.s);
            }
            sg_diags_free(&d1);
            sg_diags_free(&d2);
            sg_arena_destroy(a1);
            sg_arena_destroy(a2);
        }
    sg_loader_destroy(ld);
    sg_loader_destroy(NULL);
}

/* libfyaml 0.7.12 crashes when destroying a parser that reported a tab
 * before an indicator after `:` in an explicit key: refused before it. */
static void test_tab_in_explicit_key(void)
{
    static const struct {
        const char *yaml;
        unsigned line, col;
    } cases[] = {
        {"? W:\t?", 1, 5},
        {"a:\n  ? b:\t|\n", 2, 7},
        {"\xef\xbb\xbf- ? a: \t- ", 1, 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        loaded l;
        load(&l, cases[i].yaml);
        int ok = test_has_diag(&l.d, "yaml", cases[i].line, cases[i].col);
        if (!ok)
            test_dump_diags(&l.d);
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_EQUAL(l.n, 0);
        unload(&l);
    }
    /* a tab after `:` elsewhere is still libfyaml's to judge */
    loaded l;
    load(&l, "title: t\ndescription:\t|\n  text\n");
    CU_ASSERT_EQUAL(l.d.nerrors, 0);
    CU_ASSERT_EQUAL_FATAL(l.n, 1);
    CU_ASSERT_STRING_EQUAL(l.r[0]->description.s, "text\n");
    unload(&l);
}

void test_loader_register(void)
{
    CU_pSuite s = CU_add_suite("loader", NULL, NULL);
    CU_add_test(s, "rule shape, types and positions", test_rule_shape);
    CU_add_test(s, "bad inputs give positioned errors", test_bad_inputs);
    CU_add_test(s, "multi-document files", test_multi_document);
    CU_add_test(s, "file size limit", test_size_limit);
    CU_add_test(s, "10,000-deep nesting", test_deep_nesting);
    CU_add_test(s, "collection and empty-value positions", test_collection_positions);
    CU_add_test(s, "condition positions in every style", test_condition_positions);
    CU_add_test(s, "scalar text, styles and types", test_scalar_text);
    CU_add_test(s, "aliases refused where they are", test_aliases);
    CU_add_test(s, "nesting limit", test_depth_limit);
    CU_add_test(s, "duplicate keys", test_duplicate_keys);
    CU_add_test(s, "error in a later document", test_error_in_later_document);
    CU_add_test(s, "one loader for many files", test_loader_reuse);
    CU_add_test(s, "tab after an explicit key refused before libfyaml", test_tab_in_explicit_key);
}
