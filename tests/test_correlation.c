/* test_correlation.c - correlation and filter documents (correlation.h).
 *
 * Documents are loaded by the real loader from several "files", so
 * references cross files and positions are the ones users see. Validation
 * cases are table-driven: a document, the check, how many findings, and the
 * line:col and message of the first. */
#include "correlation.h"
#include "loader.h"
#include "pipeline.h"
#include "sigmacc.h"
#include "strbuf.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ------------------------------------------------------------------ */

typedef struct fx {
    sg_arena *a;
    sg_rule **rules;
    size_t n, cap;
    sg_diags d;
    sg_corrset *set;
} fx;

static void fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    f->a = sg_arena_create();
    sg_diags_init(&f->d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->a);
}

static void fx_load(fx *f, const char *path, const char *yaml)
{
    size_t before = f->d.nerrors;
    CU_ASSERT_FATAL(sg_load_buffer(f->a, path, yaml, strlen(yaml), NULL, &f->d, &f->rules, &f->n,
                                   &f->cap));
    CU_ASSERT_EQUAL(f->d.nerrors, before); /* fixtures are valid YAML/Sigma shapes */
}

static sg_corrset *fx_resolve(fx *f)
{
    f->set = sg_correlations_resolve(f->a, f->rules, f->n, &f->d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->set);
    return f->set;
}

static void fx_free(fx *f)
{
    sg_diags_free(&f->d);
    sg_arena_destroy(f->a);
}

static void dump_diags(const sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "    %s:%u:%u: [%s] %s\n", d->items[i].file ? d->items[i].file : "-",
                d->items[i].line, d->items[i].col, d->items[i].check, d->items[i].message);
}

static size_t count_check(const sg_diags *d, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += !strcmp(d->items[i].check, check);
    return n;
}

static const sg_diag *first_of(const sg_diags *d, const char *check)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->items[i].check, check))
            return &d->items[i];
    return NULL;
}

static const sg_rule *doc_named(const fx *f, const char *path, unsigned index)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->rules[i]->path, path) && f->rules[i]->doc_index == index)
            return f->rules[i];
    return NULL;
}

/* Detection rules the cases refer to, in base.yml (one per document). */
static const char base_yml[] =
    "title: Failed login\n"
    "id: 53ba33fd-3a50-4468-a5ef-c583635cfa92\n"
    "name: failed_login\n"
    "logsource:\n    product: windows\n    service: security\n"
    "detection:\n    sel:\n        EventID: 4625\n    condition: sel\n"
    "---\n"
    "title: Successful login\n"
    "id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n"
    "name: successful_login\n"
    "logsource:\n    product: windows\n    service: security\n"
    "detection:\n    sel:\n        EventID: 4624\n    condition: sel\n"
    "---\n"
    "title: Outbound transfer\n"
    "id: 0c5d3e84-6b87-4c53-9b8e-2f7bd0e4a1c1\n"
    "name: outbound\n"
    "logsource:\n    category: proxy\n"
    "detection:\n    sel:\n        cs-method: POST\n    condition: sel\n";

/* ---- timespan ---------------------------------------------------------------------- */

static void test_timespan(void)
{
    static const struct {
        const char *s;
        int64_t secs; /* -1: invalid */
        const char *why;
    } cases[] = {
        {"30s", 30, NULL},        {"5m", 300, NULL},
        {"1h", 3600, NULL},       {"2d", 172800, NULL},
        {"1w", 604800, NULL},     {"90m", 5400, NULL},
        {"0m", -1, "greater than zero"},
        {"5", -1, "unit is missing"},
        {"m", -1, "start with a number"},
        {"1H", -1, "lower case"},
        {"1y", -1, "not fixed durations"},
        {"1M", -1, "not fixed durations"},
        {"5 m", -1, "one number and one unit"},
        {"1h30m", -1, "one number and one unit"},
        {"1x", -1, "not one of"},
        {"", -1, "empty"},
        {"99999999999999999999s", -1, "too large"},
        {"9999999999999999w", -1, "too large"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t secs = -7;
        const char *why = NULL;
        bool ok = sg_timespan_parse(cases[i].s, &secs, &why);
        if (cases[i].secs >= 0) {
            CU_ASSERT_TRUE(ok);
            CU_ASSERT_EQUAL(secs, cases[i].secs);
        } else {
            CU_ASSERT_FALSE(ok);
            CU_ASSERT_PTR_NOT_NULL_FATAL(why);
            if (!strstr(why, cases[i].why))
                fprintf(stderr, "\n  timespan '%s': '%s'\n", cases[i].s, why);
            CU_ASSERT_PTR_NOT_NULL(strstr(why, cases[i].why));
        }
    }
}

/* ---- every type, typed and resolved ----------------------------------------------------- */

typedef struct type_case {
    const char *yaml; /* the correlation section, after "correlation:\n" */
    const char *dump;
} type_case;

static const type_case type_cases[] = {
    {"    type: event_count\n    rules:\n        - failed_login\n    group-by:\n        - User\n"
     "    timespan: 10m\n    condition:\n        gte: 10\n",
     "(event_count rules=[failed_login->base.yml:1] group-by=[User] timespan=600 "
     "condition=(gte 10))"},
    {"    type: value_count\n    rules: [failed_login]\n    group-by: [IpAddress]\n"
     "    timespan: 1h\n    condition:\n        field: [User, Domain]\n        gt: 5\n"
     "        lte: 100\n",
     "(value_count rules=[failed_login->base.yml:1] group-by=[IpAddress] timespan=3600 "
     "condition=(gt 5 and lte 100) field=[User Domain])"},
    {"    type: temporal\n    rules:\n        - failed_login\n        - successful_login\n"
     "    group-by: [User]\n    timespan: 5m\n",
     "(temporal rules=[failed_login->base.yml:1 successful_login->base.yml:12] "
     "group-by=[User] timespan=300 condition=default(gte 2))"},
    {"    type: temporal_ordered\n    rules:\n        - failed_login\n"
     "        - 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n    group-by: [User]\n"
     "    timespan: 1h\n",
     "(temporal_ordered rules=[failed_login->base.yml:1 "
     "4d0a2c83-c62c-4ed4-b475-c7e23a9269b8->base.yml:12] group-by=[User] timespan=3600 "
     "condition=default(gte 2))"},
    {"    type: temporal\n    rules: [failed_login, successful_login]\n    group-by: [User]\n"
     "    timespan: 5m\n    condition:\n        gte: 1\n",
     "(temporal rules=[failed_login->base.yml:1 successful_login->base.yml:12] "
     "group-by=[User] timespan=300 condition=(gte 1))"},
    {"    type: value_sum\n    rules: [outbound]\n    group-by: [src_ip, user]\n"
     "    timespan: 1h\n    condition:\n        field: bytes_out\n        gt: 1000000\n",
     "(value_sum rules=[outbound->base.yml:23] group-by=[src_ip user] timespan=3600 "
     "condition=(gt 1000000) field=[bytes_out])"},
    {"    type: value_avg\n    rules: [outbound]\n    group-by: [src_ip]\n    timespan: 1d\n"
     "    condition:\n        field: bytes_out\n        gte: 512.5\n",
     "(value_avg rules=[outbound->base.yml:23] group-by=[src_ip] timespan=86400 "
     "condition=(gte 512.5) field=[bytes_out])"},
    {"    type: value_percentile\n    rules: [outbound]\n    group-by: [src_ip]\n"
     "    timespan: 1d\n    condition:\n        field: bytes_out\n        percentile: 95\n"
     "        gt: 4096\n",
     "(value_percentile rules=[outbound->base.yml:23] group-by=[src_ip] timespan=86400 "
     "condition=(gt 4096) field=[bytes_out] percentile=95)"},
    {"    type: value_median\n    rules: [outbound]\n    group-by: [src_ip]\n"
     "    timespan: 1w\n    condition:\n        field: bytes_out\n        lt: 10\n",
     "(value_median rules=[outbound->base.yml:23] group-by=[src_ip] timespan=604800 "
     "condition=(lt 10) field=[bytes_out] percentile=50)"},
    /* extended temporal condition; rules derived from it */
    {"    type: temporal\n    group-by: [User]\n    timespan: 5m\n"
     "    condition: failed_login and not successful_login\n",
     "(temporal rules=[failed_login->base.yml:1 successful_login->base.yml:12] "
     "group-by=[User] timespan=300 condition=(and failed_login (not successful_login)))"},
    {"    type: temporal_ordered\n    rules: [failed_login, successful_login, outbound]\n"
     "    group-by: [User]\n    timespan: 5m\n"
     "    condition: (failed_login or outbound) and successful_login\n",
     "(temporal_ordered rules=[failed_login->base.yml:1 successful_login->base.yml:12 "
     "outbound->base.yml:23] group-by=[User] timespan=300 "
     "condition=(and (or failed_login outbound) successful_login))"},
    /* aliases, and `generate` at the top level (spec) */
    {"    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [who]\n"
     "    timespan: 5m\n    aliases:\n        who:\n            failed_login: TargetUserName\n"
     "            outbound: c-username\n",
     "(temporal rules=[failed_login->base.yml:1 outbound->base.yml:23] "
     "group-by=[who{failed_login:TargetUserName outbound:c-username}] timespan=300 "
     "condition=default(gte 2))"},
};

static void test_types(void)
{
    for (size_t i = 0; i < sizeof type_cases / sizeof type_cases[0]; i++) {
        fx f;
        fx_init(&f);
        fx_load(&f, "base.yml", base_yml);
        char yaml[2048];
        snprintf(yaml, sizeof yaml, "title: C\ncorrelation:\n%s", type_cases[i].yaml);
        fx_load(&f, "c.yml", yaml);
        sg_corrset *s = fx_resolve(&f);
        CU_ASSERT_EQUAL_FATAL(s->ncorrs, 1);
        sg_strbuf sb;
        sg_sb_init(&sb);
        sg_corr_dump(s->corrs[0], &sb);
        if (strcmp(sg_sb_str(&sb), type_cases[i].dump) || f.d.n) {
            fprintf(stderr, "\n  case %zu:\n    got  %s\n    want %s\n", i, sg_sb_str(&sb),
                    type_cases[i].dump);
            dump_diags(&f.d);
        }
        CU_ASSERT_STRING_EQUAL(sg_sb_str(&sb), type_cases[i].dump);
        CU_ASSERT_EQUAL(f.d.n, 0);
        CU_ASSERT_FALSE(s->corrs[0]->broken);
        sg_sb_free(&sb);
        fx_free(&f);
    }
}

static void test_typed_fields(void)
{
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    fx_load(&f, "c.yml",
            "title: C\ngenerate: true\ncorrelation:\n    type: value_sum\n    rules: [outbound]\n"
            "    group-by: [src_ip]\n    timespan: 90m\n    condition:\n        field: bytes\n"
            "        gt: 10.5\n        lte: 20\n");
    sg_corrset *s = fx_resolve(&f);
    const sg_correlation *c = s->corrs[0];
    CU_ASSERT_EQUAL(f.d.n, 0);
    CU_ASSERT_TRUE(c->generate);
    CU_ASSERT_EQUAL(c->generate_pos.line, 2);
    CU_ASSERT_EQUAL(c->timespan, 5400);
    CU_ASSERT_STRING_EQUAL(c->timespan_text, "90m");
    CU_ASSERT_EQUAL(c->timespan_pos.line, 7);
    CU_ASSERT_EQUAL(c->timespan_pos.col, 15);
    CU_ASSERT_EQUAL_FATAL(c->ncmps, 2);
    CU_ASSERT_EQUAL(c->cmps[0].op, SG_CMP_GT);
    CU_ASSERT_FALSE(c->cmps[0].num.is_int);
    CU_ASSERT_DOUBLE_EQUAL(c->cmps[0].num.f, 10.5, 1e-9);
    CU_ASSERT_EQUAL(c->cmps[0].pos.line, 10);
    CU_ASSERT_EQUAL(c->cmps[0].pos.col, 9);
    CU_ASSERT_EQUAL(c->cmps[1].op, SG_CMP_LTE);
    CU_ASSERT_TRUE(c->cmps[1].num.is_int);
    CU_ASSERT_EQUAL(c->cmps[1].num.i, 20);
    CU_ASSERT_EQUAL_FATAL(c->nfields, 1);
    CU_ASSERT_EQUAL(c->field_pos[0].line, 9);
    CU_ASSERT_EQUAL(c->field_pos[0].col, 16);
    CU_ASSERT_EQUAL(c->percentile, -1);
    CU_ASSERT_PTR_EQUAL(c->rules[0].rule, doc_named(&f, "base.yml", 2));
    CU_ASSERT_PTR_NULL(c->rules[0].corr);
    CU_ASSERT_PTR_EQUAL(sg_corrset_correlation(s, doc_named(&f, "c.yml", 0)), c);
    CU_ASSERT_PTR_NULL(sg_corrset_correlation(s, doc_named(&f, "base.yml", 0)));
    /* generate: true keeps the referenced rule as a rule of its own */
    CU_ASSERT_TRUE(sg_corrset_standalone(s, doc_named(&f, "base.yml", 2)));
    CU_ASSERT_TRUE(sg_corrset_standalone(s, doc_named(&f, "base.yml", 0)));
    CU_ASSERT_STRING_EQUAL(sg_corr_type_name(SG_CORR_TEMPORAL_ORDERED), "temporal_ordered");
    CU_ASSERT_PTR_NULL(sg_corr_type_name((sg_corr_type)99));
    CU_ASSERT_STRING_EQUAL(sg_cmp_op_name(SG_CMP_NEQ), "neq");
    CU_ASSERT_TRUE(sg_corr_type_has_field(SG_CORR_VALUE_MEDIAN));
    CU_ASSERT_FALSE(sg_corr_type_has_field(SG_CORR_TEMPORAL));
    fx_free(&f);
}

/* ---- references across files, by name and by id ------------------------------------------ */

static void test_cross_file(void)
{
    fx f;
    fx_init(&f);
    /* the correlation comes first: resolution must not depend on order */
    fx_load(&f, "rules/corr.yml",
            "title: Brute force then success\nid: b180ead8-d58f-40b2-ae54-c8940995b9b6\n"
            "correlation:\n    type: temporal_ordered\n    rules:\n"
            "        - many_failed\n"                               /* name, other doc */
            "        - 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8\n"      /* id, other file */
            "    group-by: [User]\n    timespan: 10m\n"
            "---\n"
            "title: Many failed logins\nid: a8418a5a-5fc4-46b5-b23b-6c73beb19d41\n"
            "name: many_failed\n"
            "correlation:\n    type: event_count\n    rules: [53ba33fd-3a50-4468-a5ef-c583635cfa92]\n"
            "    group-by: [User]\n    timespan: 10m\n    condition:\n        gte: 10\n");
    fx_load(&f, "rules/base.yml", base_yml);
    sg_corrset *s = fx_resolve(&f);
    if (f.d.n)
        dump_diags(&f.d);
    CU_ASSERT_EQUAL(f.d.n, 0);
    CU_ASSERT_EQUAL_FATAL(s->ncorrs, 2);
    const sg_correlation *outer = s->corrs[0], *inner = s->corrs[1];
    CU_ASSERT_PTR_EQUAL(outer->rules[0].rule, inner->src);
    CU_ASSERT_PTR_EQUAL(outer->rules[0].corr, inner);
    CU_ASSERT_PTR_EQUAL(outer->rules[1].rule, doc_named(&f, "rules/base.yml", 1));
    CU_ASSERT_PTR_NULL(outer->rules[1].corr);
    CU_ASSERT_PTR_EQUAL(inner->rules[0].rule, doc_named(&f, "rules/base.yml", 0));
    /* rules only a correlation names are not emitted on their own */
    CU_ASSERT_FALSE(sg_corrset_standalone(s, doc_named(&f, "rules/base.yml", 0)));
    CU_ASSERT_FALSE(sg_corrset_standalone(s, doc_named(&f, "rules/base.yml", 1)));
    CU_ASSERT_TRUE(sg_corrset_standalone(s, doc_named(&f, "rules/base.yml", 2)));
    fx_free(&f);
}

/* ---- validation, table-driven --------------------------------------------------------------- */

typedef struct vcase {
    const char *name;
    const char *yaml; /* c.yml; base.yml is loaded too */
    const char *check;
    size_t count; /* 0: must not be reported */
    sg_severity sev;
    unsigned line, col;
    const char *text;
} vcase;

#define E SG_SEV_ERROR
#define W SG_SEV_WARNING
/* lines 1-2 */
#define CH "title: C\ncorrelation:\n"
/* a valid correlation section: lines 3-10 */
#define EC(type, cond)                                                                    \
    CH "    type: " type "\n    rules:\n        - failed_login\n    group-by:\n"          \
       "        - User\n    timespan: 10m\n    condition:\n" cond
#define FH "title: F\nlogsource:\n    product: windows\nfilter:\n"

static const vcase vcases[] = {
    /* type */
    {"unknown type", EC("event_cnt", "        gte: 1\n"), "correlation", 1, E, 3, 11,
     "unknown correlation type 'event_cnt'"},
    {"missing type",
     CH "    rules: [failed_login]\n    group-by: [User]\n    timespan: 1h\n", "correlation", 1,
     E, 3, 5, "has no 'type'"},
    {"unknown key",
     CH "    type: event_count\n    rules: [failed_login]\n    groupby: [User]\n"
        "    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 1, E, 5, 5, "unknown key 'groupby'"},
    /* rules */
    {"missing rules", CH "    type: event_count\n    group-by: [User]\n    timespan: 1h\n"
                         "    condition: {gte: 1}\n",
     "correlation", 1, E, 3, 5, "has no 'rules'"},
    {"valid event_count", EC("event_count", "        gte: 1\n"), "correlation", 0, E, 0, 0, NULL},
    {"unknown rule reference",
     CH "    type: event_count\n    rules:\n        - failed_logon\n    group-by: [User]\n"
        "    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 1, E, 5, 11, "'failed_logon' is not the id or name of any loaded rule"},
    {"rule listed twice",
     CH "    type: temporal\n    rules:\n        - failed_login\n        - failed_login\n"
        "    group-by: [User]\n    timespan: 1h\n",
     "correlation", 1, E, 6, 11, "listed twice"},
    {"rules empty", CH "    type: event_count\n    rules: []\n    group-by: [User]\n"
                       "    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 1, E, 4, 12, "'rules' is empty"}, /* at the `[]` */
    {"rules not strings", CH "    type: event_count\n    rules:\n        - {a: 1}\n"
                             "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 1, E, 5, 11, "must be non-empty strings"}, /* at the map's `{` */
    /* timespan */
    {"timespan missing", CH "    type: event_count\n    rules: [failed_login]\n"
                            "    group-by: [User]\n    condition: {gte: 1}\n",
     "correlation", 1, E, 3, 5, "has no 'timespan'"},
    {"timespan upper case", CH "    type: event_count\n    rules: [failed_login]\n"
                               "    group-by: [User]\n    timespan: 1H\n    condition: {gte: 1}\n",
     "correlation", 1, E, 6, 15, "invalid timespan '1H': the unit is written in lower case"},
    {"timespan number", CH "    type: event_count\n    rules: [failed_login]\n"
                           "    group-by: [User]\n    timespan: 60\n    condition: {gte: 1}\n",
     "correlation", 1, E, 6, 15, "must be a number and a unit"},
    {"timespan zero", CH "    type: event_count\n    rules: [failed_login]\n"
                         "    group-by: [User]\n    timespan: 0s\n    condition: {gte: 1}\n",
     "correlation", 1, E, 6, 15, "greater than zero"},
    /* condition */
    {"condition missing", CH "    type: event_count\n    rules: [failed_login]\n"
                             "    group-by: [User]\n    timespan: 1h\n",
     "correlation", 1, E, 3, 5, "needs a 'condition'"},
    {"unknown operator", EC("event_count", "        ge: 10\n"), "correlation", 1, E, 10, 9,
     "unknown condition key 'ge'"},
    {"not a number", EC("event_count", "        gte: many\n"), "correlation", 1, E, 10, 14,
     "'gte' needs a number, not 'many'"},
    {"fraction count", EC("event_count", "        gte: 1.5\n"), "correlation", 1, E, 10, 14,
     "whole number"},
    {"negative count", EC("value_count", "        field: User\n        gt: -1\n"),
     "correlation", 1, E, 11, 13, "never negative"},
    {"empty range", EC("event_count", "        gt: 10\n        lt: 5\n"), "correlation", 1, E, 9,
     5, "can never be true"},
    {"empty integer range", EC("event_count", "        gt: 2\n        lt: 3\n"), "correlation",
     1, E, 9, 5, "can never be true"},
    {"eq outside range", EC("event_count", "        gt: 2\n        eq: 2\n"), "correlation", 1,
     E, 9, 5, "can never be true"},
    {"range ok", EC("event_count", "        gt: 100\n        lte: 200\n"), "correlation", 0, E,
     0, 0, NULL},
    {"temporal more rules than listed",
     CH "    type: temporal\n    rules: [failed_login, successful_login]\n"
        "    group-by: [User]\n    timespan: 1h\n    condition:\n        gte: 3\n",
     "correlation", 1, E, 7, 5, "from 0 to 2 here"},
    {"no comparison", EC("value_sum", "        field: bytes\n"), "correlation", 1, E, 9, 5,
     "needs a comparison"},
    {"condition a list", CH "    type: event_count\n    rules: [failed_login]\n"
                            "    group-by: [User]\n    timespan: 1h\n    condition: [1]\n",
     "correlation", 1, E, 7, 16, "must be a map such as 'gte: 10', not a list"},
    /* field and percentile */
    {"value_count without field", EC("value_count", "        gte: 10\n"), "correlation", 1, E,
     9, 5, "value_count correlation needs 'field'"},
    {"value_avg without field", EC("value_avg", "        gte: 10\n"), "correlation", 1, E, 9,
     5, "value_avg correlation needs 'field'"},
    {"value_sum field list", EC("value_sum", "        field: [a, b]\n        gt: 1\n"),
     "correlation", 1, E, 10, 16, "aggregates one field"},
    {"value_percentile without percentile",
     EC("value_percentile", "        field: bytes\n        gt: 1\n"), "correlation", 1, E, 9, 5,
     "needs 'percentile'"},
    {"percentile out of range",
     EC("value_percentile", "        field: bytes\n        percentile: 101\n        gt: 1\n"),
     "correlation", 1, E, 11, 21, "from 0 to 100"},
    {"percentile on value_avg",
     EC("value_avg", "        field: bytes\n        percentile: 90\n        gt: 1\n"),
     "correlation", 1, E, 11, 9, "value_percentile correlations only"},
    {"field on event_count", EC("event_count", "        field: bytes\n        gt: 1\n"),
     "correlation-lint", 1, W, 10, 9, "'field' is ignored"},
    /* extended temporal conditions */
    {"empty condition", EC("event_count", ""), "correlation", 1, E, 9, 5,
     "must be a map such as 'gte: 10', not null"},
    {"expression for event_count",
     CH "    type: event_count\n    rules: [failed_login]\n    group-by: [User]\n"
        "    timespan: 1h\n    condition: failed_login\n",
     "correlation", 1, E, 7, 16, "for temporal and temporal_ordered"},
    {"expression syntax",
     CH "    type: temporal\n    rules: [failed_login, successful_login]\n"
        "    group-by: [User]\n    timespan: 1h\n"
        "    condition: failed_login and and successful_login\n",
     "correlation", 1, E, 7, 33, "a rule name, 'not' or '(' was expected"},
    {"expression trailing",
     CH "    type: temporal\n    rules: [failed_login, successful_login]\n"
        "    group-by: [User]\n    timespan: 1h\n"
        "    condition: failed_login successful_login\n",
     "correlation", 1, E, 7, 29, "'and', 'or' or the end"},
    {"expression unclosed",
     CH "    type: temporal\n    rules: [failed_login, successful_login]\n"
        "    group-by: [User]\n    timespan: 1h\n"
        "    condition: (failed_login or successful_login\n",
     "correlation", 1, E, 7, 49, "')' expected"},
    {"expression quoted",
     CH "    type: temporal\n    rules: [failed_login, successful_login]\n"
        "    group-by: [User]\n    timespan: 1h\n"
        "    condition: 'failed_login or'\n",
     "correlation", 1, E, 0, 0, "missing at the end"},
    {"expression names a rule not listed",
     CH "    type: temporal\n    rules: [failed_login, successful_login]\n"
        "    group-by: [User]\n    timespan: 1h\n"
        "    condition: failed_login and outbound and successful_login\n",
     "correlation", 1, E, 7, 33, "'outbound' is used in the condition but not listed"},
    {"listed rule not in expression",
     CH "    type: temporal\n    rules:\n        - failed_login\n        - successful_login\n"
        "    group-by: [User]\n    timespan: 1h\n    condition: not failed_login\n",
     "correlation", 1, E, 6, 11, "'successful_login' is listed in 'rules' but not used"},
    {"expression unknown rule",
     CH "    type: temporal\n    group-by: [User]\n    timespan: 1h\n"
        "    condition: failed_login or nosuchrule\n",
     "correlation", 1, E, 6, 32, "'nosuchrule' is not the id or name of any loaded rule"},
    /* group-by and aliases */
    {"no group-by", CH "    type: event_count\n    rules: [failed_login]\n    timespan: 1h\n"
                       "    condition: {gte: 1}\n",
     "correlation-lint", 1, W, 3, 5, "no 'group-by'"},
    {"group-by twice", CH "    type: event_count\n    rules: [failed_login]\n"
                          "    group-by:\n        - User\n        - User\n    timespan: 1h\n"
                          "    condition: {gte: 1}\n",
     "correlation", 1, E, 7, 11, "listed twice in 'group-by'"},
    {"alias misses a rule",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [who]\n"
        "    timespan: 5m\n    aliases:\n        who:\n            failed_login: TargetUserName\n",
     "correlation", 1, E, 8, 9, "alias 'who' has no field for rule 'outbound'"},
    {"alias by id covers a rule named by name",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [who]\n"
        "    timespan: 5m\n    aliases:\n        who:\n"
        "            53ba33fd-3a50-4468-a5ef-c583635cfa92: TargetUserName\n"
        "            outbound: c-username\n",
     "correlation", 0, E, 0, 0, NULL},
    {"alias names a rule not in rules",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [who]\n"
        "    timespan: 5m\n    aliases:\n        who:\n            failed_login: TargetUserName\n"
        "            outbound: c-username\n            successful_login: TargetUserName\n",
     "correlation", 1, E, 11, 13, "'successful_login', which is not in this correlation's"},
    {"alias not a map",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [who]\n"
        "    timespan: 5m\n    aliases:\n        who: TargetUserName\n",
     "correlation", 1, E, 8, 14, "alias 'who' must map rule names to field names"},
    {"alias field not a string",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [who]\n"
        "    timespan: 5m\n    aliases:\n        who:\n            failed_login: [a, b]\n"
        "            outbound: c-username\n",
     "correlation", 2, E, 9, 27, "must be a field name, not a list"},
    {"alias unused",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [User]\n"
        "    timespan: 5m\n    aliases:\n        who:\n            failed_login: TargetUserName\n"
        "            outbound: c-username\n",
     "correlation-lint", 1, W, 8, 9, "alias 'who' is not used in 'group-by'"},
    /* other */
    {"temporal over one rule", CH "    type: temporal\n    rules: [failed_login]\n"
                                  "    group-by: [User]\n    timespan: 1h\n",
     "correlation-lint", 1, W, 4, 5, "over one rule"},
    {"generate not a boolean", CH "    type: temporal\n    rules: [failed_login, outbound]\n"
                                  "    group-by: [User]\n    timespan: 1h\n    generate: yes please\n",
     "correlation", 1, E, 7, 15, "'generate' must be true or false"},
    {"detection in a correlation",
     CH "    type: temporal\n    rules: [failed_login, outbound]\n    group-by: [User]\n"
        "    timespan: 1h\ndetection:\n    sel:\n        a: 1\n    condition: sel\n",
     "correlation", 1, E, 7, 1, "a correlation rule has no 'detection'"},
    {"correlation not a map", "title: C\ncorrelation: event_count\n", "correlation", 1, E, 2, 14,
     "must be a map"},
    {"reference to a filter",
     CH "    type: event_count\n    rules: [admin_filter]\n    group-by: [User]\n"
        "    timespan: 1h\n    condition: {gte: 1}\n---\n" FH
        "    rules: [failed_login]\n    sel:\n        User: adm\n    condition: sel\nname: admin_filter\n",
     "correlation", 1, E, 4, 13, "'admin_filter' is a filter"},
    {"cycle",
     "title: A\nname: corr_a\ncorrelation:\n    type: event_count\n    rules: [corr_b]\n"
     "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n---\n"
     "title: B\nname: corr_b\ncorrelation:\n    type: event_count\n    rules:\n"
     "        - failed_login\n        - corr_a\n"
     "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 1, E, 16, 11, "cycle: corr_a -> corr_b -> corr_a"},
    {"self reference",
     "title: A\nname: corr_a\ncorrelation:\n    type: event_count\n    rules: [corr_a]\n"
     "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 1, E, 5, 13, "cycle: corr_a -> corr_a"},
    {"chain without cycle",
     "title: A\nname: corr_a\ncorrelation:\n    type: event_count\n    rules: [corr_b]\n"
     "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n---\n"
     "title: B\nname: corr_b\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n"
     "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n",
     "correlation", 0, E, 0, 0, NULL},

    /* filters: lines 1-4 are FH */
    {"filter ok", FH "    rules:\n        - failed_login\n    sel:\n        User|startswith: adm_\n"
                     "    condition: sel\n",
     "filter", 0, E, 0, 0, NULL},
    {"filter without logsource",
     "title: F\nfilter:\n    rules: [failed_login]\n    sel:\n        User: a\n    condition: sel\n",
     "filter", 1, E, 1, 1, "needs a 'logsource'"},
    {"filter without rules", FH "    sel:\n        User: a\n    condition: sel\n", "filter", 1, E,
     5, 5, "has no 'rules'"},
    {"filter with empty rules", FH "    rules: []\n    sel:\n        User: a\n    condition: sel\n",
     "filter", 1, E, 5, 12, "'rules' is empty"},
    {"filter rules any", FH "    rules: any\n    sel:\n        User: a\n    condition: sel\n",
     "filter", 0, E, 0, 0, NULL},
    {"filter without condition", FH "    rules: [failed_login]\n    sel:\n        User: a\n",
     "filter", 1, E, 5, 5, "has no 'condition'"},
    {"filter without search", FH "    rules: [failed_login]\n    condition: sel\n", "filter", 1,
     E, 5, 5, "no search identifier"},
    {"filter undefined identifier",
     FH "    rules: [failed_login]\n    sel:\n        User: a\n    condition: not sal\n",
     "undefined-identifier", 1, E, 8, 20, "'sal' is not a search identifier"},
    {"filter condition syntax",
     FH "    rules: [failed_login]\n    sel:\n        User: a\n    condition: sel and\n",
     "condition-syntax", 1, E, 0, 0, NULL},
    {"filter bad modifier",
     FH "    rules: [failed_login]\n    sel:\n        User|startwith: a\n    condition: sel\n",
     "modifier", 1, E, 7, 14, "unknown modifier 'startwith'"},
    {"filter detection key", FH "    rules: [failed_login]\n    sel:\n        User: a\n"
                                "    condition: sel\ndetection:\n    x:\n        a: 1\n"
                                "    condition: x\n",
     "filter", 1, E, 9, 1, "a filter has no 'detection'"},
    {"filter unknown rule",
     FH "    rules:\n        - failed_login\n        - no_such_rule\n    sel:\n        User: a\n"
        "    condition: sel\n",
     "filter-reference", 1, W, 7, 11, "'no_such_rule' is not the id or name"},
    {"filter logsource mismatch",
     FH "    rules:\n        - failed_login\n        - outbound\n    sel:\n        User: a\n"
        "    condition: sel\n",
     "filter-logsource", 1, W, 7, 11,
     "rule 'outbound' has logsource 'category proxy', which the filter's logsource 'product "
     "windows' does not cover"},
    {"filter names a correlation",
     FH "    rules: [corr_x]\n    sel:\n        User: a\n    condition: sel\n---\n"
        "title: X\nname: corr_x\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n"
        "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 1}\n",
     "filter", 1, E, 5, 13, "'corr_x' is a correlation rule"},
};

static void run_vcase(const vcase *v)
{
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    /* loader errors are part of some cases (none here), so no assertion */
    sg_load_buffer(f.a, "c.yml", v->yaml, strlen(v->yaml), NULL, &f.d, &f.rules, &f.n, &f.cap);
    /* the IR builder reports filter-detection errors; the checks run too */
    fx_resolve(&f);
    size_t n = count_check(&f.d, v->check);
    const sg_diag *x = first_of(&f.d, v->check);
    bool ok = n == v->count;
    if (ok && v->count) {
        ok = x->sev == v->sev && (v->line == 0 || (x->line == v->line && x->col == v->col)) &&
             (!v->text || strstr(x->message, v->text));
        ok = ok && !strcmp(x->file, "c.yml");
    }
    /* nothing else may be an error unless the case is about an error */
    if (ok && v->count == 0)
        ok = f.d.nerrors == 0;
    if (!ok) {
        fprintf(stderr, "\n  case '%s': want %zu x %s at %u:%u '%s'; got:\n", v->name, v->count,
                v->check, v->line, v->col, v->text ? v->text : "");
        dump_diags(&f.d);
    }
    CU_ASSERT_TRUE(ok);
    fx_free(&f);
}

static void test_validation(void)
{
    for (size_t i = 0; i < sizeof vcases / sizeof vcases[0]; i++)
        run_vcase(&vcases[i]);
}

/* Every check this stage owns has a positive and a negative case. */
static void test_validation_covers(void)
{
    static const char *const mine[] = {"correlation", "correlation-lint", "filter",
                                       "filter-reference", "filter-logsource", NULL};
    for (size_t k = 0; mine[k]; k++) {
        bool pos = false;
        for (size_t i = 0; i < sizeof vcases / sizeof vcases[0]; i++)
            pos |= !strcmp(vcases[i].check, mine[k]) && vcases[i].count;
        CU_ASSERT_TRUE(pos);
    }
}

/* ---- filters merged into rules --------------------------------------------------------------- */

static char *ir_text(const ir_node *n)
{
    sg_strbuf sb;
    sg_sb_init(&sb);
    ir_dump(n, &sb);
    return sg_sb_take(&sb);
}

/* Build rule `doc` of the fixture, apply the filters, return its IR dump. */
static char *filtered(fx *f, const sg_rule *doc, size_t *napplied)
{
    ir_rule *ir = ir_build_rule(f->a, doc, &f->d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ir);
    CU_ASSERT_TRUE_FATAL(sg_filter_apply(f->a, f->set, ir, &f->d));
    if (napplied)
        *napplied = ir->napplied;
    return ir_text(ir->expr);
}

static void expect_ir(fx *f, const sg_rule *doc, const char *want)
{
    char *got = filtered(f, doc, NULL);
    if (strcmp(got, want))
        fprintf(stderr, "\n  got  %s\n  want %s\n", got, want);
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void test_filter_merge(void)
{
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    fx_load(&f, "rule2.yml",
            "title: Logon types\nid: 7f2b1c9e-0d3a-4c55-9e61-3a8b5d2f7c10\n"
            "logsource:\n    product: windows\n    service: security\n"
            "detection:\n    a:\n        EventID: 4624\n    b:\n        LogonType: [3, 10]\n"
            "    condition: a and b\n");
    fx_load(&f, "filters.yml",
            "title: Admin accounts\nid: 9a7e3d5c-1b2f-4e60-8c4d-2f1a0b9e8d77\n"
            "logsource:\n    product: windows\n"
            "filter:\n    rules:\n        - failed_login\n"
            "        - 7f2b1c9e-0d3a-4c55-9e61-3a8b5d2f7c10\n"
            "    adm:\n        User|startswith: adm_\n    svc:\n        User: svc_backup\n"
            "    condition: adm or svc\n"
            "---\n"
            "title: Jump host\nlogsource:\n    product: windows\n    service: security\n"
            "filter:\n    rules: any\n    jump:\n        WorkstationName: JUMP01\n"
            "    condition: jump\n"
            "---\n"
            "title: Proxy noise\nlogsource:\n    category: proxy\n"
            "filter:\n    rules: [outbound]\n    sel:\n        c-uri|contains: /health\n"
            "    condition: not sel\n");
    sg_corrset *s = fx_resolve(&f);
    if (f.d.n)
        dump_diags(&f.d);
    CU_ASSERT_EQUAL(f.d.n, 0);
    CU_ASSERT_EQUAL(s->nfilters, 3);

    /* named by name: both filters (the second by `rules: any`) */
    expect_ir(&f, doc_named(&f, "base.yml", 0),
              "(and (num= EventID 4625) (not (or (startswith User \"adm_\") "
              "(eq User \"svc_backup\"))) (not (eq WorkstationName \"JUMP01\")))");
    /* named by id; the rule's own AND stays one level */
    expect_ir(&f, doc_named(&f, "rule2.yml", 0),
              "(and (num= EventID 4624) (or (num= LogonType 3) (num= LogonType 10)) "
              "(not (or (startswith User \"adm_\") (eq User \"svc_backup\"))) "
              "(not (eq WorkstationName \"JUMP01\")))");
    /* not named by the first: only the `any` filter of its logsource */
    expect_ir(&f, doc_named(&f, "base.yml", 1),
              "(and (num= EventID 4624) (not (eq WorkstationName \"JUMP01\")))");
    /* another logsource: the proxy filter only, its `not` kept as written */
    size_t napplied = 0;
    char *got = filtered(&f, doc_named(&f, "base.yml", 2), &napplied);
    CU_ASSERT_STRING_EQUAL(got, "(and (eq cs-method \"POST\") (not (not (contains c-uri "
                                "\"/health\"))))");
    CU_ASSERT_EQUAL(napplied, 1);
    free(got);

    /* recorded for --explain */
    ir_rule *ir = ir_build_rule(f.a, doc_named(&f, "base.yml", 0), &f.d);
    CU_ASSERT_TRUE(sg_filter_apply(f.a, s, ir, &f.d));
    CU_ASSERT_EQUAL_FATAL(ir->napplied, 2);
    CU_ASSERT_STRING_EQUAL(ir->applied[0].pipeline, "filter");
    CU_ASSERT_STRING_EQUAL(ir->applied[0].item, "9a7e3d5c-1b2f-4e60-8c4d-2f1a0b9e8d77");
    CU_ASSERT_STRING_EQUAL(ir->applied[0].what, "and not (filter 'Admin accounts')");
    CU_ASSERT_STRING_EQUAL(ir->applied[1].item, "Jump host");
    /* the filter's own IR is not shared with the rule (pipelines rewrite it) */
    CU_ASSERT_PTR_NOT_EQUAL(ir->expr->kids[1]->kids[0], s->filters[0]->expr);
    CU_ASSERT_PTR_NOT_NULL(sg_corrset_filter(s, doc_named(&f, "filters.yml", 0)));
    CU_ASSERT_PTR_NULL(sg_corrset_filter(s, doc_named(&f, "base.yml", 0)));
    /* no set, no filters */
    CU_ASSERT_TRUE(sg_filter_apply(f.a, NULL, ir, &f.d));
    fx_free(&f);
}

/* A broken filter is never applied (its errors are reported instead). */
static void test_filter_broken(void)
{
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    static const char yaml[] = FH "    rules: [failed_login]\n    sel:\n"
                                  "        User|nosuchmod: a\n    condition: sel\n";
    sg_load_buffer(f.a, "f.yml", yaml, strlen(yaml), NULL, &f.d, &f.rules, &f.n, &f.cap);
    sg_corrset *s = fx_resolve(&f);
    CU_ASSERT_EQUAL_FATAL(s->nfilters, 1);
    CU_ASSERT_TRUE(s->filters[0]->broken);
    CU_ASSERT_FALSE(sg_filter_applies(s->filters[0], doc_named(&f, "base.yml", 0)));
    expect_ir(&f, doc_named(&f, "base.yml", 0), "(num= EventID 4625)");
    fx_free(&f);
}

/* ---- the view for backends and the matcher ------------------------------------------------------ */

/* A stand-in for pipelines: User -> user.name for windows rules, Computer
 * -> two fields, and a failure for a field called "unmapped". */
static void rename_fields(sg_arena *a, ir_node *n, ir_rule *r, sg_diags *d)
{
    if (n->kind != IR_TEST) {
        for (size_t i = 0; i < n->nkids; i++) {
            ir_node *k = n->kids[i];
            if (k->kind == IR_TEST && k->test->field && !strcmp(k->test->field, "Computer")) {
                ir_node *pair[2] = {k, ir_test_node(a, ir_test_clone(a, k->test))};
                k->test->field = "host.name";
                pair[1]->test->field = "host.hostname";
                n->kids[i] = ir_nary(a, IR_OR, pair, 2, k->pos);
                continue;
            }
            rename_fields(a, k, r, d);
        }
        return;
    }
    ir_test *t = n->test;
    if (!t->field)
        return;
    if (!strcmp(t->field, "User") && r->product && !strcmp(r->product, "windows"))
        t->field = "user.name";
    else if (!strcmp(t->field, "unmapped")) {
        SG_ERR(d, "pipeline", t->pos, "field 'unmapped' has no mapping");
        r->failed = true;
    }
}

static int apply_calls;

static bool fake_pipelines(void *user, sg_arena *a, ir_rule *r, sg_diags *d)
{
    (void)user;
    apply_calls++;
    if (r->expr->kind == IR_TEST) { /* wrap so the renamer sees a parent */
        ir_node *one[1] = {r->expr};
        ir_node *w = ir_node_new(a, IR_AND, r->expr->pos);
        w->kids = sg_arena_alloc(a, sizeof *w->kids);
        w->kids[0] = one[0];
        w->nkids = 1;
        rename_fields(a, w, r, d);
        r->expr = w->kids[0];
    } else {
        rename_fields(a, r->expr, r, d);
    }
    return ir_state_set(a, r, "mapped", "yes");
}

static void test_view(void)
{
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    fx_load(&f, "c.yml",
            "title: Outer\ncorrelation:\n    type: temporal_ordered\n"
            "    rules: [inner, outbound]\n    group-by: [who, Computer]\n    timespan: 1h\n"
            "    aliases:\n        who:\n            inner: User\n            outbound: c-username\n"
            "---\n"
            "title: Inner\nname: inner\ncorrelation:\n    type: value_count\n"
            "    rules: [failed_login, successful_login]\n    group-by: [User, Computer]\n"
            "    timespan: 10m\n    condition:\n        field: User\n        gte: 3\n"
            "---\n"
            "title: Jump host\nlogsource:\n    product: windows\n"
            "filter:\n    rules: any\n    jump:\n        Workstation: JUMP01\n"
            "    condition: jump\n");
    sg_corrset *s = fx_resolve(&f);
    if (f.d.n)
        dump_diags(&f.d);
    CU_ASSERT_EQUAL_FATAL(f.d.n, 0);
    sg_corr_env env = {s, fake_pipelines, NULL};
    apply_calls = 0;
    sg_corr_view *v = sg_corr_view_build(f.a, s->corrs[0], &env, &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_FALSE(v->failed);
    CU_ASSERT_EQUAL_FATAL(v->ninputs, 2);
    CU_ASSERT_EQUAL(f.d.nerrors, 0); /* Computer maps to two fields: warnings only */

    /* input 0: the inner correlation; its rows carry its group-by names */
    const sg_corr_input *in0 = &v->inputs[0];
    CU_ASSERT_PTR_NULL(in0->ir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(in0->sub);
    CU_ASSERT_STRING_EQUAL(in0->group_fields[0], "User");     /* alias who -> User */
    CU_ASSERT_STRING_EQUAL(in0->group_fields[1], "Computer"); /* output column, unmapped */
    const sg_corr_view *inner = in0->sub;
    CU_ASSERT_EQUAL_FATAL(inner->ninputs, 2);
    for (size_t i = 0; i < 2; i++) {
        const sg_corr_input *b = &inner->inputs[i];
        CU_ASSERT_PTR_NOT_NULL_FATAL(b->ir);
        CU_ASSERT_STRING_EQUAL(b->group_fields[0], "user.name");
        CU_ASSERT_STRING_EQUAL(b->group_fields[1], "host.name"); /* first of two */
        CU_ASSERT_STRING_EQUAL(b->value_fields[0], "user.name");
        CU_ASSERT_STRING_EQUAL(ir_state_get(b->ir, "mapped"), "yes");
    }
    char *t = ir_text(inner->inputs[0].ir->expr);
    CU_ASSERT_STRING_EQUAL(t, "(and (num= EventID 4625) (not (eq Workstation \"JUMP01\")))");
    free(t);
    CU_ASSERT_EQUAL(inner->nleaves, 2);

    /* input 1: a proxy rule: the alias gives c-username; no windows mapping */
    const sg_corr_input *in1 = &v->inputs[1];
    CU_ASSERT_PTR_NOT_NULL_FATAL(in1->ir);
    CU_ASSERT_STRING_EQUAL(in1->group_fields[0], "c-username");
    CU_ASSERT_STRING_EQUAL(in1->group_fields[1], "host.name");
    t = ir_text(in1->ir->expr); /* the probe's tests never reach the real rule */
    CU_ASSERT_STRING_EQUAL(t, "(eq cs-method \"POST\")");
    free(t);
    CU_ASSERT_EQUAL(v->nleaves, 3);
    CU_ASSERT_PTR_EQUAL(v->leaves[2], in1->ir);
    /* each base rule ran the pipelines twice: the rule and its probe */
    CU_ASSERT_EQUAL(apply_calls, 6);
    fx_free(&f);
}

static void test_view_warnings_and_failures(void)
{
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    fx_load(&f, "c.yml",
            "title: Ambiguous\ncorrelation:\n    type: event_count\n    rules: [failed_login]\n"
            "    group-by:\n        - Computer\n        - unmapped\n    timespan: 1h\n"
            "    condition: {gte: 3}\n"
            "---\n"
            "title: Broken\ncorrelation:\n    type: event_count\n    rules: [nope]\n"
            "    group-by: [User]\n    timespan: 1h\n    condition: {gte: 3}\n");
    sg_corrset *s = fx_resolve(&f);
    CU_ASSERT_EQUAL(f.d.nerrors, 1); /* 'nope' */
    size_t before = f.d.n;
    sg_corr_env env = {s, fake_pipelines, NULL};
    sg_corr_view *v = sg_corr_view_build(f.a, s->corrs[0], &env, &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    /* the pipeline's error about a group-by field lands on that field */
    CU_ASSERT_TRUE(v->failed);
    bool warned = false, failed_at_field = false;
    for (size_t i = before; i < f.d.n; i++) {
        const sg_diag *x = &f.d.items[i];
        if (!strcmp(x->check, "correlation") && x->sev == SG_SEV_WARNING && x->line == 6 &&
            x->col == 11 && strstr(x->message, "maps to several fields"))
            warned = true;
        if (!strcmp(x->check, "pipeline") && x->line == 7 && x->col == 11 &&
            !strcmp(x->file, "c.yml"))
            failed_at_field = true;
    }
    if (!warned || !failed_at_field)
        dump_diags(&f.d);
    CU_ASSERT_TRUE(warned);
    CU_ASSERT_TRUE(failed_at_field);
    /* a broken correlation gives a failed, empty view */
    sg_corr_view *b = sg_corr_view_build(f.a, s->corrs[1], &env, &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_TRUE(b->failed);
    CU_ASSERT_EQUAL(b->ninputs, 0);
    CU_ASSERT_PTR_NULL(sg_corr_view_build(f.a, NULL, &env, &f.d));
    /* a base rule with errors: one error at the reference, not the rule's own */
    fx_load(&f, "bad.yml",
            "title: Bad\nname: bad_rule\nlogsource:\n    product: windows\ndetection:\n"
            "    sel:\n        Image|endswith|startswith: x\n    condition: sel\n---\n"
            "title: Uses bad\ncorrelation:\n    type: event_count\n    rules:\n"
            "        - bad_rule\n    group-by: [User]\n    timespan: 1h\n"
            "    condition: {gte: 3}\n");
    sg_corrset *s2 = sg_correlations_resolve(f.a, f.rules, f.n, &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
    const sg_correlation *ub = sg_corrset_correlation(s2, doc_named(&f, "bad.yml", 1));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ub);
    size_t mods = count_check(&f.d, "modifier"), errs = f.d.nerrors;
    sg_corr_view *bv = sg_corr_view_build(f.a, ub, &env, &f.d);
    CU_ASSERT_TRUE(bv->failed);
    CU_ASSERT_EQUAL(count_check(&f.d, "modifier"), mods);
    CU_ASSERT_EQUAL(f.d.nerrors, errs + 1);
    const sg_diag *last = &f.d.items[f.d.n - 1];
    CU_ASSERT_STRING_EQUAL(last->file, "bad.yml");
    CU_ASSERT_EQUAL(last->line, 14);
    CU_ASSERT_EQUAL(last->col, 11);
    CU_ASSERT_PTR_NOT_NULL(strstr(last->message, "rule 'bad_rule' has errors"));
    /* without pipelines the names are the ones the correlation wrote */
    sg_corr_env plain = {s, NULL, NULL};
    sg_corr_view *p = sg_corr_view_build(f.a, s->corrs[0], &plain, &f.d);
    CU_ASSERT_FALSE(p->failed);
    CU_ASSERT_STRING_EQUAL(p->inputs[0].group_fields[1], "unmapped");
    fx_free(&f);
}

/* The real pipeline engine: a mapping conditioned on the logsource applies
 * to the group-by field of the windows rule only; one field mapped to two
 * gives the first and a warning. */
static void test_view_real_pipeline(void)
{
    static const char pipe[] =
        "name: test\npriority: 10\ntransformations:\n"
        "  - id: win_fields\n    type: field_name_mapping\n    mapping:\n"
        "      User: user.name\n      Computer: [host.name, host.hostname]\n"
        "    rule_conditions:\n      - type: logsource\n        product: windows\n";
    fx f;
    fx_init(&f);
    fx_load(&f, "base.yml", base_yml);
    fx_load(&f, "c.yml",
            "title: C\ncorrelation:\n    type: temporal\n    rules: [failed_login, outbound]\n"
            "    group-by:\n        - User\n        - Computer\n    timespan: 1h\n");
    sg_corrset *s = fx_resolve(&f);
    CU_ASSERT_EQUAL(f.d.n, 0);
    sg_pipeline *p = sg_pipeline_load(f.a, "test-pipe.yml", pipe, strlen(pipe), &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    sg_corr_pipelines pl = {&p, 1, "ir"};
    sg_corr_env env = {s, sg_corr_apply_pipelines, &pl};
    sg_corr_view *v = sg_corr_view_build(f.a, s->corrs[0], &env, &f.d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_FALSE(v->failed);
    CU_ASSERT_EQUAL_FATAL(v->ninputs, 2);
    CU_ASSERT_STRING_EQUAL(v->inputs[0].group_fields[0], "user.name");
    CU_ASSERT_STRING_EQUAL(v->inputs[0].group_fields[1], "host.name");
    CU_ASSERT_STRING_EQUAL(v->inputs[1].group_fields[0], "User"); /* proxy: no mapping */
    CU_ASSERT_STRING_EQUAL(v->inputs[1].group_fields[1], "Computer");
    CU_ASSERT_EQUAL(f.d.nerrors, 0);
    CU_ASSERT_EQUAL(f.d.nwarnings, 1); /* Computer -> two fields, windows rule */
    const sg_diag *w = first_of(&f.d, "correlation");
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(w->line, 7);
    CU_ASSERT_EQUAL(w->col, 11);
    /* the rule itself went through the pipeline once: its item is recorded */
    CU_ASSERT_EQUAL(v->inputs[0].ir->napplied, 0); /* EventID is not mapped */
    char *t = ir_text(v->inputs[0].ir->expr);
    CU_ASSERT_STRING_EQUAL(t, "(num= EventID 4625)");
    free(t);
    fx_free(&f);
}

/* ---- through the public API: check and compile ---------------------------------------------- */

typedef struct collect {
    char text[4096];
    size_t n;
} collect;

static int on_result(void *user, const sigma_result *r)
{
    collect *c = user;
    const char *t = sigma_result_text(r);
    if (sigma_result_kind_of(r) == SIGMA_RESULT_RULE && t)
        c->n += (size_t)snprintf(c->text + c->n, sizeof c->text - c->n, "%s\n", t);
    return 0;
}

static void test_public_api(void)
{
    sigma_compiler *c = NULL;
    CU_ASSERT_EQUAL_FATAL(sigma_compiler_create(&c), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_compiler_add_string(c, "base.yml", base_yml, strlen(base_yml)),
                    SIGMA_OK);
    static const char flt[] = FH "    rules: [failed_login]\n    sel:\n        User: adm\n"
                                 "    condition: sel\n";
    CU_ASSERT_EQUAL(sigma_compiler_add_string(c, "f.yml", flt, strlen(flt)), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_compiler_check(c), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_diag_errors(c), 0);
    collect out = {{0}, 0};
    CU_ASSERT_EQUAL(sigma_compiler_compile(c, "ir", on_result, &out), SIGMA_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.text, "(and (num= EventID 4625) (not (eq User \"adm\")))"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out.text, "(num= EventID 4624)\n"));
    sigma_compiler_destroy(c);

    /* a cycle fails check with a positioned error */
    CU_ASSERT_EQUAL_FATAL(sigma_compiler_create(&c), SIGMA_OK);
    static const char cyc[] = "title: A\nname: a\ncorrelation:\n    type: event_count\n"
                              "    rules: [a]\n    group-by: [x]\n    timespan: 1h\n"
                              "    condition: {gte: 1}\n";
    CU_ASSERT_EQUAL(sigma_compiler_add_string(c, "cyc.yml", cyc, strlen(cyc)), SIGMA_OK);
    CU_ASSERT_EQUAL(sigma_compiler_check(c), SIGMA_ERULE);
    CU_ASSERT_EQUAL(sigma_diag_errors(c), 1);
    CU_ASSERT_STRING_EQUAL(sigma_diag_check(c, 0), "correlation");
    CU_ASSERT_EQUAL(sigma_diag_line(c, 0), 5);
    CU_ASSERT_EQUAL(sigma_diag_column(c, 0), 13);
    sigma_compiler_destroy(c);
}

/* Long chains and many correlations stay fast and never recurse deeply. */
static void test_long_chain(void)
{
    enum { N = 3000 };
    sg_strbuf sb;
    sg_sb_init(&sb);
    sg_sb_puts(&sb, base_yml);
    for (int i = 0; i < N; i++)
        sg_sb_printf(&sb,
                     "---\ntitle: C%d\nname: c%d\ncorrelation:\n    type: event_count\n"
                     "    rules: [%s%d]\n    group-by: [User]\n    timespan: 1h\n"
                     "    condition: {gte: 1}\n",
                     i, i, i + 1 < N ? "c" : "c", i + 1 < N ? i + 1 : 0);
    fx f;
    fx_init(&f);
    sg_load_buffer(f.a, "chain.yml", sg_sb_str(&sb), sb.len, NULL, &f.d, &f.rules, &f.n, &f.cap);
    sg_corrset *s = fx_resolve(&f);
    CU_ASSERT_EQUAL(s->ncorrs, N);
    CU_ASSERT_EQUAL(count_check(&f.d, "correlation"), 1); /* one cycle through all */
    size_t broken = 0;
    for (size_t i = 0; i < s->ncorrs; i++)
        broken += s->corrs[i]->broken;
    CU_ASSERT_EQUAL(broken, N);
    fx_free(&f);
    sg_sb_free(&sb);
}

/* Hostile sizes end in a "limit" error, quickly and without deep recursion. */
static void test_hostile(void)
{
    sg_strbuf sb;
    sg_sb_init(&sb);
    /* 200,000 operands: stopped at 256 (the walks over the tree recurse) */
    sg_sb_puts(&sb, "title: C\ncorrelation:\n    type: temporal\n    group-by: [u]\n"
                    "    timespan: 1h\n    condition: r0");
    for (int i = 1; i < 200000; i++)
        sg_sb_printf(&sb, " and r%d", i);
    sg_sb_puts(&sb, "\n---\ntitle: D\ncorrelation:\n    type: event_count\n    rules:\n");
    for (int i = 0; i < 20000; i++)
        sg_sb_printf(&sb, "        - r%d\n", i);
    sg_sb_puts(&sb, "    group-by: [u]\n    timespan: 1h\n    condition: {gte: 1}\n"
                    "---\ntitle: E\ncorrelation:\n    type: temporal\n    rules: [a, b]\n"
                    "    group-by: [u]\n    timespan: 1h\n    condition: ");
    for (int i = 0; i < 5000; i++)
        sg_sb_puts(&sb, "(not ");
    sg_sb_puts(&sb, "a\n");
    CU_ASSERT_FALSE_FATAL(sb.failed);
    fx f;
    fx_init(&f);
    sg_load_buffer(f.a, "big.yml", sg_sb_str(&sb), sb.len, NULL, &f.d, &f.rules, &f.n, &f.cap);
    sg_corrset *s = fx_resolve(&f);
    CU_ASSERT_EQUAL(s->ncorrs, 3);
    const sg_diag *x = first_of(&f.d, "correlation");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL(strstr(x->message, "more than 256 rule names"));
    CU_ASSERT_EQUAL(x->line, 6);
    x = first_of(&f.d, "limit");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL(strstr(x->message, "20000 rules, over the limit of 1000"));
    bool deep = false;
    for (size_t i = 0; i < f.d.n; i++)
        deep |= strstr(f.d.items[i].message, "nested too deeply") != NULL;
    CU_ASSERT_TRUE(deep);
    for (size_t i = 0; i < s->ncorrs; i++)
        CU_ASSERT_TRUE(s->corrs[i]->broken);
    fx_free(&f);
    sg_sb_free(&sb);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("correlation", NULL, NULL);
    CU_add_test(s, "timespan", test_timespan);
    CU_add_test(s, "every type", test_types);
    CU_add_test(s, "typed fields and positions", test_typed_fields);
    CU_add_test(s, "references across files", test_cross_file);
    CU_add_test(s, "validation (table)", test_validation);
    CU_add_test(s, "table covers every check", test_validation_covers);
    CU_add_test(s, "long chain", test_long_chain);
    CU_add_test(s, "hostile sizes", test_hostile);
    CU_pSuite fl = CU_add_suite("filter", NULL, NULL);
    CU_add_test(fl, "merged as and not", test_filter_merge);
    CU_add_test(fl, "broken filter", test_filter_broken);
    CU_pSuite v = CU_add_suite("view", NULL, NULL);
    CU_add_test(v, "base rules, aliases, mapped fields", test_view);
    CU_add_test(v, "warnings and failures", test_view_warnings_and_failures);
    CU_add_test(v, "real pipeline", test_view_real_pipeline);
    CU_pSuite api = CU_add_suite("public api", NULL, NULL);
    CU_add_test(api, "check and compile", test_public_api);
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return (failed || run == 0) ? 1 : 0;
}
