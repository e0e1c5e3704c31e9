/* test_pipeline.c - processing pipelines (pySigma YAML) over the IR: every
 * transformation and condition type, combinators, priority ordering,
 * --explain records, errors with their exact line:col, the built-in
 * pipelines and a pySigma-style pipeline file used unchanged. */
#include "ir.h"
#include "loader.h"
#include "pipeline.h"
#include "strbuf.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixture -------------------------------------------------------------------- */

typedef struct fx {
    sg_arena *a;
    sg_diags d;
    ir_rule *r;
    sg_pipeline *p[4];
    size_t np;
} fx;

static void fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    f->a = sg_arena_create();
    sg_diags_init(&f->d);
}

static void fx_free(fx *f)
{
    sg_diags_free(&f->d);
    sg_arena_destroy(f->a);
}

static void dump_diags(const sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %s:%u:%u: [%s] %s\n", d->items[i].file ? d->items[i].file : "-",
                d->items[i].line, d->items[i].col, d->items[i].check, d->items[i].message);
}

/* True when d holds a diagnostic of `check` at line:col whose message
 * contains `text` (NULL: any). */
static bool has_diag(const sg_diags *d, const char *check, unsigned line, unsigned col,
                     const char *text)
{
    for (size_t i = 0; i < d->n; i++) {
        const sg_diag *x = &d->items[i];
        if (!strcmp(x->check, check) && x->line == line && x->col == col &&
            (!text || strstr(x->message, text)))
            return true;
    }
    dump_diags(d);
    return false;
}

static sg_pipeline *add_pipeline(fx *f, const char *yaml)
{
    sg_pipeline *p = sg_pipeline_load(f->a, "p.yml", yaml, strlen(yaml), &f->d);
    if (!p)
        dump_diags(&f->d);
    else if (f->np < 4)
        f->p[f->np++] = p;
    return p;
}

/* A rule with the given logsource lines and detection body (indented 4). */
static ir_rule *load_rule(fx *f, const char *logsource, const char *body, const char *cond)
{
    char buf[8192];
    snprintf(buf, sizeof buf,
             "title: t\nid: 5d6a0c4e-0b4c-4b55-9f8e-0d2c6f0e7a11\nlevel: high\n"
             "tags:\n    - attack.execution\nfields:\n    - Image\n    - CommandLine\n"
             "logsource:\n%sdetection:\n%s    condition: %s\n",
             logsource, body, cond);
    char *copy = sg_arena_strdup(f->a, buf);
    sg_rule **rules = NULL;
    size_t n = 0, cap = 0;
    sg_load_buffer(f->a, "rule.yml", copy, strlen(copy), NULL, &f->d, &rules, &n, &cap);
    if (n != 1)
        return NULL;
    f->r = ir_build_rule(f->a, rules[0], &f->d);
    if (!f->r)
        dump_diags(&f->d);
    return f->r;
}

static const char *dump(fx *f)
{
    sg_strbuf sb;
    sg_sb_init(&sb);
    ir_dump(f->r->expr, &sb);
    char *s = sg_arena_strdup(f->a, sg_sb_str(&sb));
    sg_sb_free(&sb);
    return s;
}

static bool apply(fx *f, const char *backend)
{
    sg_pipelines_sort(f->p, f->np);
    return sg_pipelines_apply(f->a, f->p, f->np, f->r, backend, &f->d);
}

#define WIN "    product: windows\n    category: process_creation\n"

/* Load, apply one pipeline, compare the dump. */
static void check(const char *logsource, const char *body, const char *cond, const char *pipe,
                  const char *expect)
{
    fx f;
    fx_init(&f);
    CU_ASSERT_FATAL(add_pipeline(&f, pipe) != NULL);
    CU_ASSERT_FATAL(load_rule(&f, logsource, body, cond) != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    const char *got = dump(&f);
    if (strcmp(got, expect)) {
        fprintf(stderr, "\n  expected: %s\n  got:      %s\n", expect, got);
        dump_diags(&f.d);
    }
    CU_ASSERT_STRING_EQUAL(got, expect);
    CU_ASSERT_FALSE(f.r->failed);
    fx_free(&f);
}

/* Load, apply, expect the rule to fail with an error at line:col. */
static void check_fail(const char *logsource, const char *body, const char *cond,
                       const char *pipe, unsigned line, unsigned col, const char *text)
{
    fx f;
    fx_init(&f);
    CU_ASSERT_FATAL(add_pipeline(&f, pipe) != NULL);
    CU_ASSERT_FATAL(load_rule(&f, logsource, body, cond) != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_TRUE(f.r->failed);
    CU_ASSERT_TRUE(has_diag(&f.d, "pipeline", line, col, text));
    fx_free(&f);
}

/* Parse a pipeline that must fail with an error at line:col. */
static void check_load_error(const char *pipe, unsigned line, unsigned col, const char *text)
{
    fx f;
    fx_init(&f);
    CU_ASSERT(sg_pipeline_load(f.a, "p.yml", pipe, strlen(pipe), &f.d) == NULL);
    CU_ASSERT_TRUE(has_diag(&f.d, "pipeline", line, col, text));
    fx_free(&f);
}

/* ---- field names ------------------------------------------------------------------ */

static void test_field_name_mapping(void)
{
    const char *p = "transformations:\n"
                    "  - type: field_name_mapping\n"
                    "    mapping:\n"
                    "      Image: process_path\n"
                    "      CommandLine: [process, cmd]\n";
    check(WIN, "    sel:\n        Image|endswith: '\\x.exe'\n        CommandLine|contains: '-enc'\n",
          "sel", p,
          "(and (endswith process_path \"\\\\x.exe\") "
          "(or (contains process \"-enc\") (contains cmd \"-enc\")))");
    /* a list of values: each value is cloned for each field */
    check(WIN, "    sel:\n        CommandLine: [a, b]\n", "sel", p,
          "(or (eq process \"a\") (eq cmd \"a\") (eq process \"b\") (eq cmd \"b\"))");
    /* the field a fieldref points at is mapped too */
    check(WIN, "    sel:\n        ParentImage|fieldref: Image\n", "sel", p,
          "(fieldref-eq ParentImage process_path)");
    /* keywords onto a field (the `null` key), still matched anywhere in it */
    check(WIN, "    kw:\n        - evil\n", "kw",
          "transformations:\n  - type: field_name_mapping\n    mapping:\n      null: message\n",
          "(contains message \"evil\")");
}

static void test_field_name_mapping_fields_list(void)
{
    fx f;
    fx_init(&f);
    add_pipeline(&f, "transformations:\n  - type: field_name_mapping\n    mapping:\n"
                     "      Image: process_path\n      CommandLine: [process, cmd]\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_EQUAL_FATAL(f.r->nfields, 3);
    CU_ASSERT_STRING_EQUAL(f.r->fields[0], "process_path");
    CU_ASSERT_STRING_EQUAL(f.r->fields[1], "process");
    CU_ASSERT_STRING_EQUAL(f.r->fields[2], "cmd");
    fx_free(&f);
}

static void test_field_name_prefix_mapping(void)
{
    check("    category: network_connection\n",
          "    sel:\n        DestinationIp: 1.2.3.4\n        SourcePort: 53\n        Image: x\n", "sel",
          "transformations:\n  - type: field_name_prefix_mapping\n    mapping:\n"
          "      Destination: dst.\n      Source: [src., source.]\n",
          "(and (eq dst.Ip \"1.2.3.4\") (or (num= src.Port 53) (num= source.Port 53)) (eq Image \"x\"))");
}

static void test_field_name_prefix_suffix(void)
{
    check(WIN, "    sel:\n        Image: x\n    kw:\n        - k\n", "sel and kw",
          "transformations:\n  - type: field_name_prefix\n    prefix: 'winlog.'\n",
          "(and (eq winlog.Image \"x\") (contains * \"k\"))");
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: .keyword\n",
          "(eq Image.keyword \"x\")");
}

/* ---- conditions and logsources ------------------------------------------------------ */

static void test_add_condition(void)
{
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n  - type: add_condition\n    conditions:\n"
          "      EventID: [1, 4688]\n      Channel|contains: Sysmon\n",
          "(and (or (num= EventID 1) (num= EventID 4688)) (contains Channel \"Sysmon\") "
          "(eq Image \"x\"))");
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n  - type: add_condition\n    negated: true\n    conditions:\n"
          "      User: SYSTEM\n",
          "(and (not (eq User \"SYSTEM\")) (eq Image \"x\"))");
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n  - type: add_condition\n    template: true\n    conditions:\n"
          "      source: 'WinEventLog:$product/${category}'\n",
          "(and (eq source \"WinEventLog:windows/process_creation\") (eq Image \"x\"))");
}

static void test_change_logsource(void)
{
    fx f;
    fx_init(&f);
    add_pipeline(&f, "transformations:\n"
                     "  - type: change_logsource\n    service: sysmon\n    product: windows\n"
                     "    rule_conditions:\n      - type: logsource\n        category: process_creation\n"
                     "  - type: add_condition\n    conditions: {EventID: 1}\n"
                     "    rule_conditions:\n      - type: logsource\n        service: sysmon\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_PTR_NULL(f.r->category);
    CU_ASSERT_STRING_EQUAL(f.r->service, "sysmon");
    CU_ASSERT_STRING_EQUAL(dump(&f), "(and (num= EventID 1) (eq Image \"x\"))");
    fx_free(&f);
}

static void test_drop_detection_item(void)
{
    const char *p = "transformations:\n  - type: drop_detection_item\n"
                    "    field_name_conditions:\n      - type: include_fields\n"
                    "        fields: [OriginalFileName]\n";
    check(WIN, "    sel:\n        Image|endswith: x.exe\n        OriginalFileName: x.exe\n", "sel",
          p, "(endswith Image \"x.exe\")");
    /* a dropped selection disappears from an OR, as in pySigma */
    check(WIN, "    a:\n        OriginalFileName: [x, y]\n    b:\n        Image: z\n", "a or b", p,
          "(eq Image \"z\")");
}

/* ---- values ------------------------------------------------------------------------ */

static void test_replace_string(void)
{
    /* the wildcard of `startswith` survives a rewrite of the literal text */
    check(WIN, "    sel:\n        Image|startswith: 'C:\\Windows\\'\n", "sel",
          "transformations:\n  - type: replace_string\n    regex: '^C:\\\\(.*)'\n"
          "    replacement: '%SystemDrive%\\\\\\1'\n",
          "(startswith Image \"%SystemDrive%\\\\Windows\\\\\")");
    /* a literal * stays literal, a * in the replacement is a wildcard */
    check(WIN, "    sel:\n        A: 'a\\*b'\n", "sel",
          "transformations:\n  - type: replace_string\n    regex: b\n    replacement: '*c'\n",
          "(eq A \"a*<*>c\")");
    /* skip_special: wildcards are never rewritten */
    check(WIN, "    sel:\n        A: 'x*y'\n", "sel",
          "transformations:\n  - type: replace_string\n    regex: '[*xy]'\n    replacement: Z\n"
          "    skip_special: true\n",
          "(eq A \"Z<*>Z\")");
    /* Python's re.sub: empty matches, named groups, \0 is a NUL byte */
    check(WIN, "    sel:\n        A: abxd\n", "sel",
          "transformations:\n  - type: replace_string\n    regex: 'x*'\n    replacement: '-'\n",
          "(eq A \"-a-b--d-\")");
    check(WIN, "    sel:\n        A: 'user@corp'\n", "sel",
          "transformations:\n  - type: replace_string\n    regex: '(?P<u>\\w+)@(?P<d>\\w+)'\n"
          "    replacement: '\\g<d>\\\\\\g<u>\\0'\n",
          "(eq A \"corp\\\\user\\x00\")");
    /* numbers are rewritten in their text and become strings */
    check(WIN, "    sel:\n        EventID: 4688\n", "sel",
          "transformations:\n  - type: replace_string\n    regex: '^4'\n    replacement: '5'\n",
          "(eq EventID \"5688\")");
}

static void test_map_string(void)
{
    check(WIN, "    sel:\n        IntegrityLevel: [High, Low, Medium]\n", "sel",
          "transformations:\n  - type: map_string\n    mapping:\n"
          "      High: S-1-16-12288\n      Low: [S-1-16-4096, 'low*']\n",
          "(or (eq IntegrityLevel \"S-1-16-12288\") (eq IntegrityLevel \"S-1-16-4096\") "
          "(startswith IntegrityLevel \"low\") (eq IntegrityLevel \"Medium\"))");
}

static void test_set_value_convert_type(void)
{
    check(WIN, "    sel:\n        A|contains: x\n        B: 5\n", "sel",
          "transformations:\n  - type: set_value\n    value: 'y*'\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [A]\n"
          "  - type: set_value\n    value: 7\n    force_type: str\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [B]\n",
          "(and (startswith A \"y\") (eq B \"7\"))");
    check(WIN, "    sel:\n        A: '42'\n        B: 4688\n", "sel",
          "transformations:\n  - type: convert_type\n    target_type: num\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [A]\n"
          "  - type: convert_type\n    target_type: str\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [B]\n",
          "(and (num= A 42) (eq B \"4688\"))");
    /* a value that is no number cannot become one: the rule fails at it */
    check_fail(WIN, "    sel:\n        A: 'x*'\n", "sel",
               "transformations:\n  - type: convert_type\n    target_type: num\n", 14, 12,
               "cannot be converted to a number");
}

static void test_case(void)
{
    check(WIN, "    sel:\n        A: 'CamelCase*Value'\n        B: MiXeD\n", "sel",
          "transformations:\n  - type: case\n    method: snake_case\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [A]\n"
          "  - type: case\n    method: upper\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [B]\n",
          "(and (eq A \"camel_case<*>value\") (eq B \"MIXED\"))");
    check(WIN, "    sel:\n        A: MiXeD\n", "sel", "transformations:\n  - type: case\n",
          "(eq A \"mixed\")");
}

static void test_regex(void)
{
    check(WIN, "    sel:\n        A|endswith: 'a.b'\n        B: 'x*'\n", "sel",
          "transformations:\n  - type: regex\n    method: ignore_case_flag\n",
          "(and (re/i A \"a\\\\.b$\") (re/i B \"^x\"))");
}

static void test_placeholders(void)
{
    const char *rule = "    sel:\n        Computer|expand: '%hosts%'\n"
                       "        User|expand: '%domain%\\\\%user%'\n";
    check(WIN, rule, "sel",
          "vars:\n  hosts: [a, 'b*']\n  domain: CORP\n  user: [x, y]\n"
          "transformations:\n  - type: value_placeholders\n",
          "(and (or (eq Computer \"a\") (startswith Computer \"b\")) "
          "(or (eq User \"CORP\\\\x\") (eq User \"CORP\\\\y\")))");
    /* include: only the listed placeholders; the rest go to the next item */
    check(WIN, rule, "sel",
          "vars:\n  hosts: h\n"
          "transformations:\n  - type: value_placeholders\n    include: [hosts]\n"
          "  - type: wildcard_placeholders\n",
          "(and (eq Computer \"h\") (contains User \"\\\\\"))");
    check_fail(WIN, rule, "sel", "transformations:\n  - type: value_placeholders\n", 14, 26,
               "placeholder '%hosts%' has no value");
}

static void test_query_expression_placeholders(void)
{
    /* {field} is filled in after every pipeline, so later mappings count */
    fx f;
    fx_init(&f);
    add_pipeline(&f, "priority: 1\ntransformations:\n"
                     "  - type: query_expression_placeholders\n"
                     "    expression: '{field} IN (inputlookup {id})'\n"
                     "    mapping:\n      admins: admin_accounts\n");
    add_pipeline(&f, "priority: 2\ntransformations:\n"
                     "  - type: field_name_mapping\n    mapping: {User: user}\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        User|expand: '%admins%'\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_STRING_EQUAL(dump(&f), "(expr user \"user IN (inputlookup admin_accounts)\")");
    fx_free(&f);
    check_fail(WIN, "    sel:\n        User|expand: 'x%admins%'\n", "sel",
               "transformations:\n  - type: query_expression_placeholders\n"
               "    expression: '{field}'\n",
               14, 22, "only a placeholder");
}

/* ---- rule-level transformations ------------------------------------------------------ */

static void test_fields_edits(void)
{
    fx f;
    fx_init(&f);
    add_pipeline(&f, "transformations:\n"
                     "  - type: add_field\n    field: [Hashes, User]\n"
                     "  - type: remove_field\n    field: CommandLine\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_EQUAL_FATAL(f.r->nfields, 3);
    CU_ASSERT_STRING_EQUAL(f.r->fields[0], "Image");
    CU_ASSERT_STRING_EQUAL(f.r->fields[1], "Hashes");
    CU_ASSERT_STRING_EQUAL(f.r->fields[2], "User");
    fx_free(&f);

    fx_init(&f);
    add_pipeline(&f, "transformations:\n  - type: set_field\n    fields: [a, b]\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_EQUAL_FATAL(f.r->nfields, 2);
    CU_ASSERT_STRING_EQUAL(f.r->fields[1], "b");
    fx_free(&f);
}

static void test_state_and_custom(void)
{
    fx f;
    fx_init(&f);
    add_pipeline(&f, "transformations:\n"
                     "  - type: set_state\n    key: query_table\n    val: DeviceProcessEvents\n"
                     "  - type: set_custom_attribute\n    attribute: splunk_index\n    value: win\n"
                     "  - type: add_condition\n    conditions: {marker: yes}\n"
                     "    rule_conditions:\n      - type: processing_state\n"
                     "        key: query_table\n        val: DeviceProcessEvents\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_STRING_EQUAL(ir_state_get(f.r, "query_table"), "DeviceProcessEvents");
    bool found = false;
    for (size_t i = 0; i < f.r->ncustom; i++)
        found |= !strcmp(f.r->custom[i].key, "splunk_index") &&
                 !strcmp(f.r->custom[i].value, "win");
    CU_ASSERT_TRUE(found);
    CU_ASSERT_STRING_EQUAL(dump(&f), "(and (eq marker \"yes\") (eq Image \"x\"))");
    fx_free(&f);
}

static void test_failures(void)
{
    /* rule_failure: at the rule; nothing after it runs */
    fx f;
    fx_init(&f);
    add_pipeline(&f, "transformations:\n  - type: rule_failure\n    message: no such log here\n"
                     "  - type: add_condition\n    conditions: {a: b}\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_TRUE(f.r->failed);
    CU_ASSERT_TRUE(has_diag(&f.d, "pipeline", 1, 1, "no such log here"));
    CU_ASSERT_STRING_EQUAL(dump(&f), "(eq Image \"x\")");
    fx_free(&f);
    /* detection_item_failure: at the value, naming the field */
    check_fail(WIN, "    sel:\n        Image: x\n        Hashes|contains: 'MD5='\n", "sel",
               "transformations:\n  - type: detection_item_failure\n    message: no hashes\n"
               "    field_name_conditions:\n      - type: include_fields\n        fields: [Hashes]\n",
               15, 26, "field 'Hashes': no hashes");
    /* strict_field_mapping_failure: fields no mapping of the pipelines touched */
    check_fail(WIN, "    sel:\n        Image: x\n        Foo: y\n        Bar: z\n", "sel",
               "transformations:\n  - type: field_name_mapping\n    mapping: {Image: path}\n"
               "  - type: strict_field_mapping_failure\n",
               15, 14, "fields not mapped by the pipelines: Foo, Bar");
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n  - type: field_name_mapping\n    mapping: {Image: path}\n"
          "  - type: strict_field_mapping_failure\n",
          "(eq path \"x\")");
}

static void test_hashes_fields(void)
{
    const char *p = "transformations:\n  - type: hashes_fields\n"
                    "    valid_hash_algos: [MD5, SHA1, IMPHASH]\n    field_prefix: File\n"
                    "    field_name_conditions:\n      - {type: include_fields, fields: [Hashes]}\n";
    check(WIN,
          "    sel:\n        Hashes|contains:\n            - 'SHA1=5F1CBC3D99558307BC1250D084FA968521482025'\n"
          "            - 'IMPHASH=ABC'\n            - 'SHA256=DEF'\n"
          "            - 987b65cd9b9f4e9a1afd8f8b48cf64a7\n",
          "sel", p,
          "(or (eq FileSHA1 \"5F1CBC3D99558307BC1250D084FA968521482025\") (eq FileIMPHASH \"ABC\") "
          "(eq FileMD5 \"987b65cd9b9f4e9a1afd8f8b48cf64a7\"))");
    check_fail(WIN, "    sel:\n        Hashes|contains: 'SHA512=x'\n", "sel", p, 14, 26,
               "no valid hash algorithm in the Hashes values (use one of MD5, SHA1, IMPHASH)");
}

static void test_nest(void)
{
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n  - type: nest\n    rule_conditions:\n"
          "      - type: logsource\n        product: windows\n    items:\n"
          "      - type: field_name_mapping\n        mapping: {Image: path}\n"
          "      - type: add_condition\n        conditions: {EventID: 1}\n"
          "        rule_conditions:\n          - type: logsource\n            product: linux\n",
          "(eq path \"x\")");
}

/* ---- rule conditions --------------------------------------------------------------- */

/* One add_condition guarded by `conds`: returns whether it applied. */
static bool rule_cond_applies(const char *logsource, const char *body, const char *conds)
{
    char buf[4096];
    snprintf(buf, sizeof buf,
             "transformations:\n  - id: x\n    type: add_condition\n    conditions: {hit: 1}\n%s",
             conds);
    fx f;
    fx_init(&f);
    bool hit = false;
    if (add_pipeline(&f, buf) && load_rule(&f, logsource, body, "sel") && apply(&f, "spl"))
        hit = strstr(dump(&f), "hit") != NULL;
    fx_free(&f);
    return hit;
}

static void test_rule_conditions(void)
{
    const char *b = "    sel:\n        Image: x\n        EventID: 4688\n";
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n      - type: logsource\n"
                                             "        category: process_creation\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n      - type: logsource\n"
                                              "        product: windows\n        service: sysmon\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                             "      - type: contains_detection_item\n"
                                             "        field: EventID\n        value: 4688\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                              "      - type: contains_detection_item\n"
                                              "        field: Image\n        value: y\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                             "      - type: contains_field\n        field: Image\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                              "      - type: contains_field\n        field: User\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n      - type: tag\n"
                                             "        tag: attack.execution\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n      - type: tag\n"
                                              "        tag: attack.t1059\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n      - type: is_sigma_rule\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                              "      - type: is_sigma_correlation_rule\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                             "      - type: rule_attribute\n        attribute: level\n"
                                             "        value: medium\n        op: gte\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                              "      - type: rule_attribute\n        attribute: level\n"
                                              "        value: critical\n        op: gte\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                             "      - type: rule_attribute\n        attribute: tags\n"
                                             "        value: attack.execution\n        op: in\n"));
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                             "      - type: rule_attribute\n        attribute: title\n"
                                             "        value: t\n"));
    /* the target's name, as a processing state (sigmacc extension) */
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                             "      - type: processing_state\n        key: backend\n"
                                             "        val: spl\n"));
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, "    rule_conditions:\n"
                                              "      - type: processing_state\n        key: backend\n"
                                              "        val: kql\n"));
}

static void test_rule_condition_combinators(void)
{
    const char *b = "    sel:\n        Image: x\n";
    const char *two = "    rule_conditions:\n"
                      "      - type: logsource\n        product: windows\n"
                      "      - type: logsource\n        product: linux\n";
    char buf[1024];
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, two)); /* and by default */
    snprintf(buf, sizeof buf, "    rule_cond_op: or\n%s", two);
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, buf));
    snprintf(buf, sizeof buf, "    rule_cond_not: true\n%s", two);
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, buf));
    const char *named = "    rule_conditions:\n"
                        "      win: {type: logsource, product: windows}\n"
                        "      lin: {type: logsource, product: linux}\n"
                        "      proc: {type: logsource, category: process_creation}\n";
    snprintf(buf, sizeof buf, "    rule_cond_expr: win and not lin and proc\n%s", named);
    CU_ASSERT_TRUE(rule_cond_applies(WIN, b, buf));
    snprintf(buf, sizeof buf, "    rule_cond_expr: (lin or not win) or not proc\n%s", named);
    CU_ASSERT_FALSE(rule_cond_applies(WIN, b, buf));
}

/* The prefilter (pipeline_index.c) must agree with the conditions it
 * stands in front of: state and log source as earlier items left them,
 * values that compare as numbers or booleans, alternatives, expressions,
 * nests, and each pipeline's own string numbering. `items` run before the
 * guarded add_condition; `second`, when given, is a later pipeline holding
 * the guarded item instead. */
static bool guarded_applies(const char *logsource, const char *items, const char *conds,
                            bool second)
{
    char a[4096], b[4096];
    const char *guarded = "  - id: x\n    type: add_condition\n    conditions: {hit: 1}\n";
    /* never applies, but makes the prefilter read the rule first */
    const char *probe = "  - type: add_condition\n    conditions: {probe: 1}\n"
                        "    rule_conditions:\n"
                        "      - {type: processing_state, key: t, val: never}\n"
                        "      - {type: logsource, category: never}\n";
    snprintf(a, sizeof a, "priority: 1\ntransformations:\n%s%s%s%s", probe, items,
             second ? "" : guarded, second ? "" : conds);
    snprintf(b, sizeof b, "priority: 2\ntransformations:\n%s%s%s", probe, guarded, conds);
    fx f;
    fx_init(&f);
    bool hit = false;
    if (add_pipeline(&f, a) && (!second || add_pipeline(&f, b)) &&
        load_rule(&f, logsource, "    sel:\n        Image: x\n", "sel") && apply(&f, "spl"))
        hit = strstr(dump(&f), "hit") != NULL;
    fx_free(&f);
    return hit;
}

static void test_prefilter(void)
{
    const char *st = "    rule_conditions:\n      - type: processing_state\n        key: t\n";
    const char *set_a = "  - type: set_state\n    key: t\n    val: A\n";
    char c[1024];
    static const struct {
        const char *val; /* condition value */
        const char *set; /* set_state value */
        bool hit;
    } states[] = {
        {"A", "A", true},        {"B", "A", false},        {"'5'", "5", true},
        {"5.0", "5", true},      {"'5.0'", "5", false},    {"true", "true", true},
        {"'true'", "true", true}, {"'True'", "true", false},
    };
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        char items[256];
        snprintf(items, sizeof items, "  - type: set_state\n    key: t\n    val: %s\n",
                 states[i].set);
        snprintf(c, sizeof c, "%s        val: %s\n", st, states[i].val);
        CU_ASSERT_EQUAL(guarded_applies(WIN, items, c, false), states[i].hit);
        CU_ASSERT_EQUAL(guarded_applies(WIN, items, c, true), states[i].hit);
    }
    /* a state set twice: the condition sees the last value */
    snprintf(c, sizeof c, "%s        val: B\n", st);
    CU_ASSERT_TRUE(guarded_applies(WIN, "  - type: set_state\n    key: t\n    val: A\n"
                                        "  - type: set_state\n    key: t\n    val: B\n",
                                   c, false));
    /* no state at all; ne on a string */
    CU_ASSERT_FALSE(guarded_applies(WIN, "", c, false));
    snprintf(c, sizeof c, "%s        val: B\n        op: ne\n", st);
    CU_ASSERT_TRUE(guarded_applies(WIN, set_a, c, false));
    /* the log source after change_logsource, in this pipeline and the next */
    const char *to_dns = "  - type: change_logsource\n    category: dns\n    product: zeek\n";
    const char *dns = "    rule_conditions:\n      - type: logsource\n        category: dns\n"
                      "        product: zeek\n";
    CU_ASSERT_TRUE(guarded_applies(WIN, to_dns, dns, false));
    CU_ASSERT_TRUE(guarded_applies(WIN, to_dns, dns, true));
    CU_ASSERT_FALSE(guarded_applies(WIN, "", dns, false));
    /* a product the rule does not have */
    CU_ASSERT_FALSE(guarded_applies("    category: process_creation\n", "",
                                    "    rule_conditions:\n      - type: logsource\n"
                                    "        category: process_creation\n        product: windows\n",
                                    false));
    /* alternatives: one matching, one always true, none matching */
    const char *alts = "    rule_cond_op: or\n    rule_conditions:\n"
                       "      - {type: logsource, product: linux, category: a}\n"
                       "      - {type: logsource, product: windows, category: b}\n"
                       "      - {type: logsource, product: windows, category: process_creation}\n";
    CU_ASSERT_TRUE(guarded_applies(WIN, "", alts, false));
    CU_ASSERT_FALSE(guarded_applies("    product: windows\n    category: c\n", "", alts, false));
    CU_ASSERT_TRUE(guarded_applies("    product: macos\n", "",
                                   "    rule_cond_op: or\n    rule_conditions:\n"
                                   "      - {type: logsource, product: linux}\n"
                                   "      - {type: logsource}\n",
                                   false));
    /* a state alternative with a log source one */
    snprintf(c, sizeof c,
             "    rule_cond_op: or\n    rule_conditions:\n"
             "      - {type: logsource, product: linux}\n"
             "      - {type: processing_state, key: t, val: A}\n");
    CU_ASSERT_TRUE(guarded_applies(WIN, set_a, c, false));
    CU_ASSERT_FALSE(guarded_applies(WIN, "", c, false));
    /* and: a log source with a condition the prefilter cannot say */
    const char *mixed = "    rule_conditions:\n      - {type: logsource, product: windows}\n"
                        "      - {type: contains_field, field: Image}\n";
    CU_ASSERT_TRUE(guarded_applies(WIN, "", mixed, false));
    CU_ASSERT_FALSE(guarded_applies("    product: linux\n", "", mixed, false));
    /* expressions, negations */
    const char *named = "    rule_conditions:\n"
                        "      win: {type: logsource, product: windows}\n"
                        "      svc: {type: logsource, service: sysmon}\n"
                        "      st: {type: processing_state, key: t, val: A}\n";
    snprintf(c, sizeof c, "    rule_cond_expr: win and not svc and not (st and svc)\n%s", named);
    CU_ASSERT_TRUE(guarded_applies(WIN, "", c, false));
    CU_ASSERT_FALSE(guarded_applies(WIN "    service: sysmon\n", "", c, false));
    snprintf(c, sizeof c, "    rule_cond_expr: not win or (svc and st)\n%s", named);
    CU_ASSERT_FALSE(guarded_applies(WIN, set_a, c, false));
    CU_ASSERT_TRUE(guarded_applies(WIN "    service: sysmon\n", set_a, c, false));
    CU_ASSERT_TRUE(guarded_applies("    product: linux\n", "", c, false));
    snprintf(c, sizeof c, "    rule_cond_not: true\n%s", mixed);
    CU_ASSERT_FALSE(guarded_applies(WIN, "", c, false));
    CU_ASSERT_TRUE(guarded_applies("    product: linux\n", "", c, false));
    /* nested items keep their own prefilters */
    CU_ASSERT_TRUE(guarded_applies(WIN,
                                   "  - type: nest\n    items:\n"
                                   "      - {type: set_state, key: t, val: A}\n"
                                   "      - type: add_condition\n        conditions: {hit: 2}\n"
                                   "        rule_conditions:\n"
                                   "          - {type: processing_state, key: t, val: B}\n",
                                   "    rule_conditions:\n"
                                   "      - {type: processing_state, key: t, val: A}\n",
                                   false));
}

/* Notes longer than the buffers they were printed into are cut where they
 * always were: a mapping's list of names at 399 bytes, a note at 511. */
static void test_explain_long(void)
{
    fx f;
    fx_init(&f);
    sg_strbuf pipe, list, want;
    sg_sb_init(&pipe);
    sg_sb_init(&list);
    sg_sb_init(&want);
    sg_sb_puts(&pipe, "transformations:\n  - id: map\n    type: field_name_mapping\n"
                      "    mapping:\n      Image: [");
    for (int i = 0; i < 30; i++) {
        sg_sb_printf(&pipe, "%sname_%02d_abcdefghijkl", i ? ", " : "", i);
        sg_sb_printf(&list, "%sname_%02d_abcdefghijkl", i ? ", " : "", i);
    }
    sg_sb_puts(&pipe, "]\n      CommandLine: cmd\n  - id: st\n    type: set_state\n"
                      "    key: k\n    val: '");
    for (int i = 0; i < 60; i++)
        sg_sb_puts(&pipe, "0123456789");
    sg_sb_puts(&pipe, "'\n");
    CU_ASSERT_FATAL(add_pipeline(&f, sg_sb_str(&pipe)) != NULL);
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n        CommandLine: y\n",
                              "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_EQUAL_FATAL(f.r->napplied, 2);
    sg_sb_printf(&want, "Image -> [%.399s], CommandLine -> cmd", sg_sb_str(&list));
    CU_ASSERT_STRING_EQUAL(f.r->applied[0].what, sg_sb_str(&want));
    const char *w = f.r->applied[1].what;
    CU_ASSERT_EQUAL(strlen(w), 511);
    CU_ASSERT_EQUAL(strncmp(w, "state k = 0123456789", 20), 0);
    sg_sb_free(&pipe);
    sg_sb_free(&list);
    sg_sb_free(&want);
    fx_free(&f);
}

static void test_processing_item_applied(void)
{
    /* rule level: an item that applied to the rule */
    check(WIN, "    sel:\n        Image: x\n", "sel",
          "transformations:\n"
          "  - id: map\n    type: field_name_mapping\n    mapping: {Image: path}\n"
          "  - type: add_condition\n    conditions: {after: map}\n"
          "    rule_conditions:\n      - type: processing_item_applied\n"
          "        processing_item_id: map\n"
          "  - type: add_condition\n    conditions: {never: 1}\n"
          "    rule_conditions:\n      - type: processing_item_applied\n"
          "        processing_item_id: other\n",
          "(and (eq after \"map\") (eq path \"x\"))");
    /* detection item / field name level: only what that item changed */
    check(WIN, "    sel:\n        Image: x\n        User: y\n", "sel",
          "transformations:\n"
          "  - id: map\n    type: field_name_mapping\n    mapping: {Image: path}\n"
          "  - type: field_name_suffix\n    suffix: _m\n"
          "    detection_item_conditions:\n      - type: processing_item_applied\n"
          "        processing_item_id: map\n"
          "  - type: field_name_prefix\n    prefix: f_\n"
          "    field_name_conditions:\n      - type: processing_item_applied\n"
          "        processing_item_id: map\n",
          "(and (eq f_path_m \"x\") (eq User \"y\"))");
}

/* ---- detection item and field name conditions ----------------------------------------- */

static void test_detection_item_conditions(void)
{
    const char *body = "    sel:\n        A: 'abc'\n        B|contains: 'abc'\n        C: null\n"
                       "        D: [abd, xyz]\n";
    /* match_string: regex anchored at the start, like Python's re.match */
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _s\n"
          "    detection_item_conditions:\n      - type: match_string\n        pattern: 'ab'\n"
          "        cond: any\n",
          "(and (eq A_s \"abc\") (contains B \"abc\") (null C) (or (eq D_s \"abd\") (eq D_s \"xyz\")))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _s\n"
          "    detection_item_conditions:\n      - type: match_string\n        pattern: 'ab'\n"
          "        cond: all\n",
          "(and (eq A_s \"abc\") (contains B \"abc\") (null C) (or (eq D \"abd\") (eq D \"xyz\")))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _s\n"
          "    detection_item_conditions:\n      - type: match_string\n        pattern: 'ab'\n"
          "        cond: any\n        negate: true\n",
          "(and (eq A \"abc\") (contains B_s \"abc\") (null C_s) (or (eq D_s \"abd\") (eq D_s \"xyz\")))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _w\n"
          "    detection_item_conditions:\n      - type: contains_wildcard\n        cond: any\n",
          "(and (eq A \"abc\") (contains B_w \"abc\") (null C) (or (eq D \"abd\") (eq D \"xyz\")))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _n\n"
          "    detection_item_conditions:\n      - type: is_null\n        cond: any\n",
          "(and (eq A \"abc\") (contains B \"abc\") (null C_n) (or (eq D \"abd\") (eq D \"xyz\")))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _v\n"
          "    detection_item_conditions:\n      - type: match_value\n        value: xyz\n"
          "        cond: any\n",
          "(and (eq A \"abc\") (contains B \"abc\") (null C) (or (eq D_v \"abd\") (eq D_v \"xyz\")))");
    /* a processing state seen from a detection item */
    check(WIN, "    sel:\n        A: x\n", "sel",
          "transformations:\n  - type: set_state\n    key: k\n    val: 1\n"
          "  - type: field_name_suffix\n    suffix: _st\n"
          "    detection_item_conditions:\n      - type: processing_state\n        key: k\n"
          "        val: 1\n",
          "(eq A_st \"x\")");
    /* combinators */
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _e\n"
          "    detection_item_cond_expr: wild or (nul and not abc)\n"
          "    detection_item_conditions:\n"
          "      wild: {type: contains_wildcard, cond: any}\n"
          "      nul: {type: is_null, cond: any}\n"
          "      abc: {type: match_string, pattern: abc, cond: any}\n",
          "(and (eq A \"abc\") (contains B_e \"abc\") (null C_e) (or (eq D \"abd\") (eq D \"xyz\")))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_suffix\n    suffix: _o\n"
          "    detection_item_cond_op: or\n    detection_item_cond_not: true\n"
          "    detection_item_conditions:\n"
          "      - {type: contains_wildcard, cond: any}\n"
          "      - {type: is_null, cond: any}\n",
          "(and (eq A_o \"abc\") (contains B \"abc\") (null C) (or (eq D_o \"abd\") (eq D_o \"xyz\")))");
}

static void test_field_name_conditions(void)
{
    const char *body = "    sel:\n        Image: x\n        ParentImage: y\n        User: z\n";
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_prefix\n    prefix: p.\n"
          "    field_name_conditions:\n      - type: include_fields\n        fields: [Image, User]\n",
          "(and (eq p.Image \"x\") (eq ParentImage \"y\") (eq p.User \"z\"))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_prefix\n    prefix: p.\n"
          "    field_name_conditions:\n      - type: include_fields\n"
          "        fields: ['.*Image']\n        mode: re\n",
          "(and (eq p.Image \"x\") (eq p.ParentImage \"y\") (eq User \"z\"))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_prefix\n    prefix: p.\n"
          "    field_name_conditions:\n      - type: exclude_fields\n        fields: [Image]\n",
          "(and (eq Image \"x\") (eq p.ParentImage \"y\") (eq p.User \"z\"))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_prefix\n    prefix: p.\n"
          "    field_name_cond_expr: img and not parent\n    field_name_conditions:\n"
          "      img: {type: include_fields, fields: ['.*Image$'], mode: re}\n"
          "      parent: {type: include_fields, fields: [ParentImage]}\n",
          "(and (eq p.Image \"x\") (eq ParentImage \"y\") (eq User \"z\"))");
    check(WIN, body, "sel",
          "transformations:\n  - type: field_name_prefix\n    prefix: p.\n"
          "    field_name_cond_op: or\n    field_name_conditions:\n"
          "      - {type: include_fields, fields: [User]}\n"
          "      - {type: include_fields, fields: [Image]}\n",
          "(and (eq p.Image \"x\") (eq ParentImage \"y\") (eq p.User \"z\"))");
    check(WIN, body, "sel",
          "transformations:\n  - type: set_state\n    key: mode\n    val: on\n"
          "  - type: field_name_prefix\n    prefix: s.\n    field_name_conditions:\n"
          "      - {type: processing_state, key: mode, val: 'on'}\n"
          "  - type: field_name_prefix\n    prefix: never.\n    field_name_conditions:\n"
          "      - {type: processing_state, key: mode, val: 'off'}\n",
          "(and (eq s.Image \"x\") (eq s.ParentImage \"y\") (eq s.User \"z\"))");
}

/* ---- ordering, explain, backends ----------------------------------------------------- */

static void test_priority_order(void)
{
    /* given 20 then 10: the priority-10 mapping must run first */
    fx f;
    fx_init(&f);
    add_pipeline(&f, "name: late\npriority: 20\ntransformations:\n"
                     "  - type: field_name_mapping\n    mapping: {B: C}\n");
    add_pipeline(&f, "name: early\npriority: 10\ntransformations:\n"
                     "  - type: field_name_mapping\n    mapping: {A: B}\n");
    add_pipeline(&f, "name: tie\npriority: 20\ntransformations:\n"
                     "  - type: field_name_suffix\n    suffix: _t\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        A: x\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_STRING_EQUAL(sg_pipeline_name(f.p[0]), "early");
    CU_ASSERT_STRING_EQUAL(sg_pipeline_name(f.p[1]), "late"); /* ties keep their order */
    CU_ASSERT_STRING_EQUAL(sg_pipeline_name(f.p[2]), "tie");
    CU_ASSERT_STRING_EQUAL(dump(&f), "(eq C_t \"x\")");
    fx_free(&f);
}

static void test_explain(void)
{
    fx f;
    fx_init(&f);
    add_pipeline(&f, "name: demo\ntransformations:\n"
                     "  - id: map\n    type: field_name_mapping\n"
                     "    mapping: {Image: process_path, CommandLine: [process, cmd]}\n"
                     "  - type: set_state\n    key: query_table\n    val: T\n"
                     "  - type: field_name_suffix\n    suffix: _x\n"
                     "    field_name_conditions:\n      - {type: include_fields, fields: [Nope]}\n");
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        Image: x\n        CommandLine: y\n",
                              "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "ir"));
    CU_ASSERT_EQUAL_FATAL(f.r->napplied, 2); /* the suffix changed nothing */
    CU_ASSERT_STRING_EQUAL(f.r->applied[0].pipeline, "demo");
    CU_ASSERT_STRING_EQUAL(f.r->applied[0].item, "map");
    CU_ASSERT_STRING_EQUAL(f.r->applied[0].what,
                           "Image -> process_path, CommandLine -> [process, cmd]");
    CU_ASSERT_STRING_EQUAL(f.r->applied[1].item, "#2");
    CU_ASSERT_STRING_EQUAL(f.r->applied[1].what, "state query_table = T");
    fx_free(&f);
}

static void test_allowed_backends(void)
{
    fx f;
    fx_init(&f);
    sg_pipeline *p = add_pipeline(&f, "allowed_backends: [splunk]\ntransformations: []\n");
    sg_pipeline *q = add_pipeline(&f, "transformations: []\n");
    CU_ASSERT_FATAL(p && q);
    CU_ASSERT_TRUE(sg_pipeline_allows(p, "spl"));
    CU_ASSERT_FALSE(sg_pipeline_allows(p, "kql"));
    CU_ASSERT_TRUE(sg_pipeline_allows(p, "ir"));
    CU_ASSERT_TRUE(sg_pipeline_allows(q, "kql"));
    CU_ASSERT_STRING_EQUAL(sg_pipeline_name(q), "p"); /* from the file name */
    fx_free(&f);
}

/* ---- errors ------------------------------------------------------------------------------ */

static void test_load_errors(void)
{
    check_load_error("name: x\ntransformations:\n  - type: field_name_maping\n    mapping: {}\n",
                     3, 11, "unknown transformation type 'field_name_maping'");
    check_load_error("transformations:\n  - type: field_name_mapping\n    mapping: [a, b]\n", 3, 15,
                     "'mapping' must be a map");
    check_load_error("transformations:\n  - type: field_name_prefix\n    prefx: x\n", 3, 5,
                     "unknown key 'prefx'");
    check_load_error("transformations:\n  - type: field_name_prefix\n", 2, 5, "needs 'prefix'");
    check_load_error("name: x\ntransformation: []\n", 2, 1, "unknown key 'transformation'");
    check_load_error("transformations:\n  - type: replace_string\n    regex: 'a(b'\n"
                     "    replacement: x\n",
                     3, 16, "invalid regular expression");
    check_load_error("transformations:\n  - type: replace_string\n    regex: 'a(b)'\n"
                     "    replacement: '\\2'\n",
                     4, 18, "invalid group reference");
    check_load_error("transformations:\n  - type: add_condition\n    conditions: {x: 1}\n"
                     "    rule_conditions:\n      - type: logsorce\n",
                     5, 15, "unknown rule condition type 'logsorce'");
    check_load_error("transformations:\n  - type: add_condition\n    conditions: {x: 1}\n"
                     "    detection_item_conditions:\n      - type: include_fields\n        fields: [a]\n",
                     5, 15, "unknown detection item condition type");
    check_load_error("transformations:\n  - type: add_condition\n    conditions: {x: 1}\n"
                     "    rule_cond_expr: a and nope\n"
                     "    rule_conditions:\n      a: {type: is_sigma_rule}\n",
                     4, 27, "unknown condition name 'nope'");
    check_load_error("transformations:\n  - type: add_condition\n    conditions: {x: 1}\n"
                     "    rule_cond_expr: a and (b\n"
                     "    rule_conditions:\n      a: {type: is_sigma_rule}\n      b: {type: tag, tag: x}\n",
                     4, 27, "unbalanced parenthesis");
    check_load_error("transformations:\n  - type: add_condition\n    conditions: {x: 1}\n"
                     "    rule_cond_expr: a\n"
                     "    rule_conditions:\n      a: {type: is_sigma_rule}\n      b: {type: tag, tag: x}\n",
                     7, 11, "condition 'b' is not used");
    check_load_error("transformations:\n  - type: case\n    method: title\n", 3, 13,
                     "'method' must be one of lower, upper, snake_case");
    check_load_error("transformations:\n  - type: field_name_transform\n", 2, 11,
                     "calls a Python function");
    check_load_error("priority: high\n", 1, 11, "'priority' must be an integer");
    check_load_error("transformations:\n  - type: set_state\n    key: k\n", 2, 5, "needs 'val'");
    /* add_condition's modifiers are checked like a rule's, in the pipeline file */
    fx f;
    fx_init(&f);
    const char *mod = "transformations:\n  - type: add_condition\n    conditions: {x|contans: 1}\n";
    CU_ASSERT(sg_pipeline_load(f.a, "p.yml", mod, strlen(mod), &f.d) == NULL);
    CU_ASSERT_TRUE(has_diag(&f.d, "modifier", 3, 20, "unknown modifier 'contans'"));
    fx_free(&f);
    /* YAML errors are reported with their position too */
    fx_init(&f);
    const char *bad = "transformations:\n  - type: [\n";
    CU_ASSERT(sg_pipeline_load(f.a, "p.yml", bad, strlen(bad), &f.d) == NULL);
    CU_ASSERT(f.d.nerrors > 0 && f.d.items[0].line > 0);
    fx_free(&f);
}

static void test_finalizers_ignored(void)
{
    fx f;
    fx_init(&f);
    CU_ASSERT_PTR_NOT_NULL(add_pipeline(&f, "transformations: []\nfinalizers:\n"
                                            "  - type: concat\n"));
    CU_ASSERT_EQUAL(f.d.nwarnings, 1);
    CU_ASSERT_TRUE(has_diag(&f.d, "pipeline", 3, 5, "backend-specific"));
    fx_free(&f);
}

/* ---- files: pySigma-style and built-in ---------------------------------------------- */

static char *slurp(sg_arena *a, const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char buf[65536];
    *len = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    return sg_arena_strndup(a, buf, *len);
}

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s && *s ? s : ".";
}

static void test_pysigma_file(void)
{
    fx f;
    fx_init(&f);
    char *path = sg_arena_printf(f.a, "%s/tests/data/pipelines/acme-edr.yml", srcdir());
    size_t len = 0;
    char *text = slurp(f.a, path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    sg_pipeline *p = sg_pipeline_load(f.a, path, text, len, &f.d);
    if (!p)
        dump_diags(&f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(f.d.nerrors, 0);
    CU_ASSERT_EQUAL(f.d.nwarnings, 1); /* the finalizer */
    CU_ASSERT_EQUAL(sg_pipeline_priority(p), 30);
    CU_ASSERT_TRUE(sg_pipeline_allows(p, "spl"));
    CU_ASSERT_FALSE(sg_pipeline_allows(p, "kql"));
    f.p[f.np++] = p;
    CU_ASSERT_FATAL(load_rule(&f, WIN,
                              "    sel:\n        Image|startswith: 'C:\\Windows\\Temp\\'\n"
                              "        CommandLine|contains: ' -nop '\n"
                              "        Computer|expand: '%admin_hosts%'\n"
                              "    filter:\n        User|expand: '%domain%\\svc*'\n",
                              "sel and not filter") != NULL);
    CU_ASSERT_FATAL(apply(&f, "spl"));
    CU_ASSERT_FALSE(f.r->failed);
    CU_ASSERT_STRING_EQUAL(
        dump(&f),
        "(and (eq index \"edr\") (or (eq sourcetype \"acme:edr:process\") "
        "(eq sourcetype \"acme:edr:network\")) "
        "(startswith proc.path \"%SystemRoot%\\\\Temp\\\\\") "
        "(or (contains proc.cmdline \" -nop \") (contains proc.cmdline_raw \" -nop \")) "
        "(or (eq host.name \"JUMP01\") (eq host.name \"JUMP02\")) "
        "(not (contains user.name \"\\\\svc\")))");
    CU_ASSERT_STRING_EQUAL(ir_state_get(f.r, "index_hint"), "edr");
    CU_ASSERT_STRING_EQUAL(f.r->custom[f.r->ncustom - 1].value, "page");
    fx_free(&f);

    /* the same file fails a rule that tests hashes, at the value */
    fx_init(&f);
    path = sg_arena_printf(f.a, "%s/tests/data/pipelines/acme-edr.yml", srcdir());
    text = slurp(f.a, path, &len);
    p = sg_pipeline_load(f.a, path, text, len, &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    f.p[f.np++] = p;
    CU_ASSERT_FATAL(load_rule(&f, WIN, "    sel:\n        sha256: abc\n", "sel") != NULL);
    CU_ASSERT_FATAL(apply(&f, "spl"));
    CU_ASSERT_TRUE(f.r->failed);
    CU_ASSERT_TRUE(has_diag(&f.d, "pipeline", 14, 17, "does not record file hashes"));
    fx_free(&f);
}

static void test_builtins(void)
{
    static const char *const names[] = {"sysmon", "windows-audit", "splunk-windows",
                                        "splunk-cim", "cisco-ios"};
    fx f;
    fx_init(&f);
    const char **list;
    size_t n = sg_pipeline_builtin_list(f.a, &list);
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        bool listed = false;
        for (size_t k = 0; k < n; k++)
            listed |= !strcmp(list[k], names[i]);
        CU_ASSERT_TRUE(listed);
        const char *path = sg_pipeline_builtin_path(f.a, names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(path);
        size_t len = 0;
        char *text = slurp(f.a, path, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        sg_pipeline *p = sg_pipeline_load(f.a, path, text, len, &f.d);
        if (!p)
            dump_diags(&f.d);
        CU_ASSERT_PTR_NOT_NULL(p);
        if (p)
            CU_ASSERT_STRING_EQUAL(sg_pipeline_name(p), names[i]);
    }
    CU_ASSERT_EQUAL(f.d.n, 0);
    CU_ASSERT_PTR_NULL(sg_pipeline_builtin_path(f.a, "../etc/passwd"));
    CU_ASSERT_PTR_NULL(sg_pipeline_builtin_path(f.a, "no-such-pipeline"));
    fx_free(&f);
}

static ir_rule *builtin_run(fx *f, const char *const *names, size_t n, const char *logsource,
                            const char *body, const char *backend)
{
    for (size_t i = 0; i < n; i++) {
        const char *path = sg_pipeline_builtin_path(f->a, names[i]);
        size_t len = 0;
        char *text = path ? slurp(f->a, path, &len) : NULL;
        sg_pipeline *p = text ? sg_pipeline_load(f->a, path, text, len, &f->d) : NULL;
        if (!p)
            return NULL;
        f->p[f->np++] = p;
    }
    if (!load_rule(f, logsource, body, "sel") || !apply(f, backend))
        return NULL;
    return f->r;
}

static void test_builtin_behaviour(void)
{
    const char *body = "    sel:\n        Image|endswith: '\\cmd.exe'\n";
    /* sysmon then splunk-windows: one event ID, the Sysmon source */
    fx f;
    fx_init(&f);
    const char *sw[] = {"splunk-windows", "sysmon"};
    CU_ASSERT_FATAL(builtin_run(&f, sw, 2, WIN, body, "spl") != NULL);
    CU_ASSERT_STRING_EQUAL(dump(&f),
                           "(and (eq source \"WinEventLog:Microsoft-Windows-Sysmon/Operational\") "
                           "(num= EventID 1) (endswith Image \"\\\\cmd.exe\"))");
    fx_free(&f);
    /* sysmon alone, for another target: the channel too */
    fx_init(&f);
    CU_ASSERT_FATAL(builtin_run(&f, sw + 1, 1, WIN, body, "kql") != NULL);
    CU_ASSERT_STRING_EQUAL(dump(&f),
                           "(and (eq Channel \"Microsoft-Windows-Sysmon/Operational\") "
                           "(num= EventID 1) (endswith Image \"\\\\cmd.exe\"))");
    CU_ASSERT_STRING_EQUAL(f.r->service, "sysmon");
    fx_free(&f);
    /* windows-audit: 4688 with its own field names, on the Security channel */
    fx_init(&f);
    const char *wa[] = {"windows-audit", "splunk-windows"};
    CU_ASSERT_FATAL(builtin_run(&f, wa, 2, WIN,
                                "    sel:\n        Image|endswith: '\\cmd.exe'\n"
                                "        IntegrityLevel: System\n",
                                "spl") != NULL);
    CU_ASSERT_STRING_EQUAL(dump(&f), "(and (eq source \"WinEventLog:Security\") (num= EventID 4688) "
                                     "(endswith NewProcessName \"\\\\cmd.exe\") "
                                     "(eq MandatoryLabel \"S-1-16-16384\"))");
    fx_free(&f);
    fx_init(&f);
    CU_ASSERT_FATAL(builtin_run(&f, wa, 1, WIN, "    sel:\n        ParentCommandLine: x\n", "spl") != NULL);
    CU_ASSERT_TRUE(f.r->failed);
    fx_free(&f);
    /* splunk-cim: data model fields and the data model in the state */
    fx_init(&f);
    const char *cim[] = {"splunk-cim"};
    CU_ASSERT_FATAL(builtin_run(&f, cim, 1, WIN, body, "spl") != NULL);
    CU_ASSERT_STRING_EQUAL(dump(&f), "(endswith process_path \"\\\\cmd.exe\")");
    CU_ASSERT_STRING_EQUAL(ir_state_get(f.r, "data_model_set"), "Endpoint.Processes");
    CU_ASSERT_FALSE(f.r->failed);
    fx_free(&f);
    fx_init(&f);
    CU_ASSERT_FATAL(builtin_run(&f, cim, 1, WIN, "    sel:\n        Description: x\n", "spl") != NULL);
    CU_ASSERT_TRUE(f.r->failed);
    CU_ASSERT_TRUE(has_diag(&f.d, "pipeline", 14, 22, "Description"));
    fx_free(&f);
    /* cisco-ios: sourcetype for SPL, AAA commands in `command` */
    fx_init(&f);
    const char *cisco[] = {"cisco-ios"};
    CU_ASSERT_FATAL(builtin_run(&f, cisco, 1, "    product: cisco\n    service: aaa\n",
                                "    sel:\n        - 'show running-config'\n", "spl") != NULL);
    CU_ASSERT_STRING_EQUAL(dump(&f), "(and (eq sourcetype \"cisco:ios\") "
                                     "(contains command \"show running-config\"))");
    fx_free(&f);
    fx_init(&f);
    CU_ASSERT_FATAL(builtin_run(&f, cisco, 1, "    product: cisco\n    service: bgp\n",
                                "    sel:\n        - 'BADAUTH'\n", "kql") != NULL);
    CU_ASSERT_STRING_EQUAL(dump(&f), "(contains SyslogMessage \"BADAUTH\")");
    CU_ASSERT_STRING_EQUAL(ir_state_get(f.r, "query_table"), "Syslog");
    fx_free(&f);
}

/* ---- runner ------------------------------------------------------------------------------ */

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("pipeline", NULL, NULL);
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        {"field_name_mapping", test_field_name_mapping},
        {"field_name_mapping on fields:", test_field_name_mapping_fields_list},
        {"field_name_prefix_mapping", test_field_name_prefix_mapping},
        {"field_name_prefix / suffix", test_field_name_prefix_suffix},
        {"add_condition", test_add_condition},
        {"change_logsource", test_change_logsource},
        {"drop_detection_item", test_drop_detection_item},
        {"replace_string", test_replace_string},
        {"map_string", test_map_string},
        {"set_value / convert_type", test_set_value_convert_type},
        {"case", test_case},
        {"regex", test_regex},
        {"value / wildcard placeholders", test_placeholders},
        {"query_expression_placeholders", test_query_expression_placeholders},
        {"add_field / remove_field / set_field", test_fields_edits},
        {"set_state / set_custom_attribute", test_state_and_custom},
        {"rule / detection item / strict failures", test_failures},
        {"hashes_fields", test_hashes_fields},
        {"nest", test_nest},
        {"rule conditions", test_rule_conditions},
        {"rule condition combinators", test_rule_condition_combinators},
        {"prefilter agrees with the conditions", test_prefilter},
        {"processing_item_applied", test_processing_item_applied},
        {"detection item conditions", test_detection_item_conditions},
        {"field name conditions", test_field_name_conditions},
        {"priority order", test_priority_order},
        {"--explain records", test_explain},
        {"--explain: long notes cut as before", test_explain_long},
        {"allowed_backends", test_allowed_backends},
        {"load errors with line:col", test_load_errors},
        {"finalizers ignored", test_finalizers_ignored},
        {"pySigma-style file", test_pysigma_file},
        {"built-ins load", test_builtins},
        {"built-ins behave", test_builtin_behaviour},
    };
    for (size_t i = 0; s && i < sizeof tests / sizeof *tests; i++)
        CU_add_test(s, tests[i].name, tests[i].fn);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}
