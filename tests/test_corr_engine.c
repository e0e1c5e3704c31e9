/* test_corr_engine.c - the streaming correlation engine (runtime/
 * corr_engine.h) on synthetic events: every correlation type, window edges
 * (an entry exactly `timespan` old is inside), order, group keys,
 * suppression, chains, memory bounds with their counters, and the reorder
 * window with late events. Times are in seconds here (S() makes them
 * microseconds). */
#include "corr_engine.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((int64_t)(x) * 1000000)
#define MAXA 64

typedef struct alert {
    uint32_t corr;
    int64_t t;
    double value;
    char key[64];
    size_t nevents;
    uint64_t ev[16]; /* event numbers of the contributing events */
} alert;

typedef struct sink {
    alert a[MAXA];
    size_t n;
} sink;

static void on_alert(void *user, const sg_ce_alert *x)
{
    sink *s = user;
    if (s->n == MAXA)
        return;
    alert *a = &s->a[s->n++];
    a->corr = x->corr;
    a->t = x->time;
    a->value = x->value;
    a->key[0] = '\0';
    const char *v;
    uint32_t len;
    for (size_t i = 0; sg_ce_key_get(x->key, x->keylen, i, &v, &len); i++) {
        size_t at = strlen(a->key);
        snprintf(a->key + at, sizeof a->key - at, "%s%.*s", i ? "|" : "", (int)len, v);
    }
    a->nevents = x->nevents;
    for (size_t i = 0; i < x->nevents && i < 16; i++)
        a->ev[i] = x->events[i].event;
}

/* A one-correlation engine. */
typedef struct fx {
    sg_ce_def def;
    sg_ce_cmp cmp[2];
    sg_ce_limits lim;
    sg_ce *e;
    sink s;
    uint64_t next_event;
} fx;

static void fx_init(fx *f, sg_corr_type type, uint32_t ninputs, int64_t span_s, sg_cmp_op op,
                    double v)
{
    memset(f, 0, sizeof *f);
    f->def.type = type;
    f->def.span = S(span_s);
    f->def.ninputs = ninputs;
    f->def.ngroup = 1;
    f->def.report = true;
    f->cmp[0] = (sg_ce_cmp){op, v};
    f->def.cmps = f->cmp;
    f->def.ncmps = 1;
    f->def.percentile = type == SG_CORR_VALUE_MEDIAN ? 50 : -1;
    sg_ce_limits_default(&f->lim);
    f->lim.suppress = false; /* see every firing unless a test says otherwise */
}

static void fx_start(fx *f)
{
    f->e = sg_ce_create(&f->def, 1, &f->lim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->e);
}

static void fx_done(fx *f)
{
    sg_ce_destroy(f->e);
    f->e = NULL;
}

/* One event with one hit: input, group key k, value text / number. */
static void hitv(fx *f, int64_t t_s, uint32_t input, const char *k, const char *val, double num,
                 bool has_num)
{
    char key[128];
    size_t kl = sg_ce_key_put(key, k, (uint32_t)strlen(k));
    char vb[128];
    size_t vl = val ? sg_ce_key_put(vb, val, (uint32_t)strlen(val)) : 0;
    sg_ce_hit h = {0, input, key, kl, val ? vb : NULL, vl, num, has_num};
    sg_ce_ref ref = {f->next_event + 1, ++f->next_event, 0};
    CU_ASSERT_EQUAL(sg_ce_event(f->e, S(t_s), &ref, &h, 1, on_alert, &f->s), SIGMA_OK);
}

static void hit(fx *f, int64_t t_s, uint32_t input, const char *k)
{
    hitv(f, t_s, input, k, NULL, 0, false);
}

static void finish(fx *f)
{
    CU_ASSERT_EQUAL(sg_ce_finish(f->e, on_alert, &f->s), SIGMA_OK);
}

/* ---- event_count ---------------------------------------------------------------------- */

static void test_event_count(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 10, 0, "A");
    CU_ASSERT_EQUAL(f.s.n, 0);
    hit(&f, 20, 0, "A");
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].t, S(20));
    CU_ASSERT_EQUAL(f.s.a[0].value, 3);
    CU_ASSERT_STRING_EQUAL(f.s.a[0].key, "A");
    CU_ASSERT_EQUAL(f.s.a[0].nevents, 3);
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 1);
    CU_ASSERT_EQUAL(f.s.a[0].ev[2], 3);
    hit(&f, 25, 0, "A"); /* 4 in the window: fires again (suppression off) */
    CU_ASSERT_EQUAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[1].value, 4);
    fx_done(&f);
}

/* An entry exactly `timespan` old is in the window; one microsecond more
 * and it is out. */
static void test_window_edges(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 30, 0, "A");
    hit(&f, 60, 0, "A");
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].value, 3);
    fx_done(&f);

    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 30, 0, "A");
    char key[16];
    size_t kl = sg_ce_key_put(key, "A", 1);
    sg_ce_hit h = {0, 0, key, kl, NULL, 0, 0, false};
    sg_ce_ref ref = {3, 3, 0};
    CU_ASSERT_EQUAL(sg_ce_event(f.e, S(60) + 1, &ref, &h, 1, on_alert, &f.s), SIGMA_OK);
    CU_ASSERT_EQUAL(f.s.n, 0); /* the first one is 60 s + 1 us old: out */
    fx_done(&f);
}

/* Groups are separate windows; hits without the same key never add up. */
static void test_group_keys(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    const char *keys[] = {"A", "B", "A", "B", "C", "A"};
    for (int i = 0; i < 6; i++)
        hit(&f, i, 0, keys[i]);
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_STRING_EQUAL(f.s.a[0].key, "A");
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 1);
    CU_ASSERT_EQUAL(f.s.a[0].ev[1], 3);
    CU_ASSERT_EQUAL(f.s.a[0].ev[2], 6);
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->groups_created, 3);
    fx_done(&f);

    /* two group-by fields: the key is both values */
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 2);
    f.def.ngroup = 2;
    fx_start(&f);
    char k1[32], k2[32];
    size_t n1 = sg_ce_key_put(k1, "u", 1);
    n1 += sg_ce_key_put(k1 + n1, "h1", 2);
    size_t n2 = sg_ce_key_put(k2, "u", 1);
    n2 += sg_ce_key_put(k2 + n2, "h2", 2);
    sg_ce_hit a = {0, 0, k1, n1, NULL, 0, 0, false}, b = {0, 0, k2, n2, NULL, 0, 0, false};
    sg_ce_ref r1 = {1, 1, 0}, r2 = {2, 2, 0}, r3 = {3, 3, 0};
    sg_ce_event(f.e, S(1), &r1, &a, 1, on_alert, &f.s);
    sg_ce_event(f.e, S(2), &r2, &b, 1, on_alert, &f.s);
    CU_ASSERT_EQUAL(f.s.n, 0);
    sg_ce_event(f.e, S(3), &r3, &a, 1, on_alert, &f.s);
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_STRING_EQUAL(f.s.a[0].key, "u|h1");
    fx_done(&f);
}

static void test_suppression(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 2);
    f.lim.suppress = true;
    fx_start(&f);
    for (int t = 0; t < 5; t++)
        hit(&f, t, 0, "A"); /* fires at 1, 2, 3, 4: reported once */
    CU_ASSERT_EQUAL(f.s.n, 1);
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->suppressed, 3);
    hit(&f, 61, 0, "A"); /* 60 s after the alert: still inside its timespan */
    CU_ASSERT_EQUAL(f.s.n, 1);
    hit(&f, 200, 0, "A");
    hit(&f, 201, 0, "A"); /* a new burst after the timespan */
    CU_ASSERT_EQUAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[1].t, S(201));
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->alerts, 2);
    fx_done(&f);
}

/* Upper bounds hold at the events where the count is low (the targets'
 * sliding-window meaning); a range too. */
static void test_conditions(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_LT, 2);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 1, 0, "A");
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].value, 1);
    fx_done(&f);

    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GT, 1);
    f.cmp[1] = (sg_ce_cmp){SG_CMP_LTE, 2};
    f.def.ncmps = 2;
    fx_start(&f);
    for (int t = 0; t < 4; t++)
        hit(&f, t, 0, "A");
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1); /* only the count 2 is in (1, 2] */
    CU_ASSERT_EQUAL(f.s.a[0].value, 2);
    fx_done(&f);

    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_NEQ, 1);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 1, 0, "A");
    CU_ASSERT_EQUAL(f.s.n, 1);
    fx_done(&f);
}

/* ---- value_count ------------------------------------------------------------------------ */

static void test_value_count(void)
{
    fx f;
    fx_init(&f, SG_CORR_VALUE_COUNT, 1, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    hitv(&f, 0, 0, "H", "alice", 0, false);
    hitv(&f, 1, 0, "H", "alice", 0, false);
    hitv(&f, 2, 0, "H", "bob", 0, false);
    hit(&f, 3, 0, "H"); /* no value: not counted */
    CU_ASSERT_EQUAL(f.s.n, 0);
    hitv(&f, 4, 0, "H", "carol", 0, false);
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].value, 3);
    CU_ASSERT_EQUAL(f.s.a[0].nevents, 4);
    /* alice's two entries leave the window: 2 distinct, then a new one */
    hitv(&f, 62, 0, "H", "bob", 0, false);
    CU_ASSERT_EQUAL(f.s.n, 1);
    hitv(&f, 63, 0, "H", "dave", 0, false);
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[1].value, 3); /* bob, carol, dave */
    fx_done(&f);
}

/* ---- temporal ------------------------------------------------------------------------------ */

static void test_temporal(void)
{
    fx f;
    fx_init(&f, SG_CORR_TEMPORAL, 3, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 5, 2, "A");
    hit(&f, 8, 0, "A");
    CU_ASSERT_EQUAL(f.s.n, 0);
    hit(&f, 10, 1, "A"); /* any order */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].value, 3);
    /* the newest event of each rule, in window order */
    CU_ASSERT_EQUAL_FATAL(f.s.a[0].nevents, 3);
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 2);
    CU_ASSERT_EQUAL(f.s.a[0].ev[1], 3);
    CU_ASSERT_EQUAL(f.s.a[0].ev[2], 4);
    /* too far apart */
    hit(&f, 100, 0, "B");
    hit(&f, 150, 1, "B");
    hit(&f, 161, 2, "B");
    CU_ASSERT_EQUAL(f.s.n, 1);
    fx_done(&f);

    /* an expression condition: a and not b */
    fx_init(&f, SG_CORR_TEMPORAL, 2, 60, SG_CMP_GTE, 0);
    sg_ce_expr x[] = {{CE_X_INPUT, 0, 0}, {CE_X_INPUT, 1, 0}, {CE_X_NOT, 1, 0}, {CE_X_AND, 0, 2}};
    f.def.expr = x;
    f.def.nexpr = 4;
    f.def.ncmps = 0;
    fx_start(&f);
    hit(&f, 0, 1, "A"); /* b alone */
    CU_ASSERT_EQUAL(f.s.n, 0);
    hit(&f, 1, 0, "A"); /* a, but b is in the window */
    CU_ASSERT_EQUAL(f.s.n, 0);
    hit(&f, 2, 0, "B"); /* another group: a without b */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_STRING_EQUAL(f.s.a[0].key, "B");
    fx_done(&f);
}

/* ---- temporal_ordered -------------------------------------------------------------------------- */

static void test_ordered(void)
{
    fx f;
    fx_init(&f, SG_CORR_TEMPORAL_ORDERED, 2, 60, SG_CMP_GTE, 2);
    fx_start(&f);
    hit(&f, 0, 1, "A"); /* b before a: no chain */
    hit(&f, 10, 0, "A");
    CU_ASSERT_EQUAL(f.s.n, 0);
    hit(&f, 70, 1, "A"); /* 60 s after a: exactly the timespan, in */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].value, 2);
    CU_ASSERT_EQUAL_FATAL(f.s.a[0].nevents, 2);
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 2);
    CU_ASSERT_EQUAL(f.s.a[0].ev[1], 3);
    hit(&f, 100, 0, "B");
    hit(&f, 161, 1, "B"); /* 61 s: out */
    CU_ASSERT_EQUAL(f.s.n, 1);
    /* b of another group does not continue A's chain */
    hit(&f, 200, 0, "C");
    hit(&f, 201, 1, "D");
    CU_ASSERT_EQUAL(f.s.n, 1);
    fx_done(&f);

    /* three steps: the latest start that reached a step is kept */
    fx_init(&f, SG_CORR_TEMPORAL_ORDERED, 3, 60, SG_CMP_GTE, 3);
    fx_start(&f);
    hit(&f, 0, 0, "A");  /* ev 1 */
    hit(&f, 10, 1, "A"); /* ev 2 */
    hit(&f, 20, 0, "A"); /* ev 3: a new start, no b after it yet */
    hit(&f, 30, 2, "A"); /* ev 4 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 1);
    CU_ASSERT_EQUAL(f.s.a[0].ev[1], 2);
    CU_ASSERT_EQUAL(f.s.a[0].ev[2], 4);
    hit(&f, 40, 1, "A"); /* ev 5: b after the start at 20 */
    hit(&f, 75, 2, "A"); /* ev 6: 75 - 20 = 55 <= 60 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[1].ev[0], 3);
    CU_ASSERT_EQUAL(f.s.a[1].ev[1], 5);
    fx_done(&f);
}

/* One event that matches both rules cannot be both steps; after an
 * earlier first step it completes the chain. */
static void test_ordered_same_event(void)
{
    fx f;
    fx_init(&f, SG_CORR_TEMPORAL_ORDERED, 2, 60, SG_CMP_GTE, 2);
    fx_start(&f);
    char key[16];
    size_t kl = sg_ce_key_put(key, "A", 1);
    sg_ce_hit both[2] = {{0, 0, key, kl, NULL, 0, 0, false}, {0, 1, key, kl, NULL, 0, 0, false}};
    sg_ce_ref r1 = {1, 1, 0}, r2 = {2, 2, 0};
    sg_ce_event(f.e, S(0), &r1, both, 2, on_alert, &f.s);
    CU_ASSERT_EQUAL(f.s.n, 0);
    sg_ce_event(f.e, S(5), &r2, both, 2, on_alert, &f.s);
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 1);
    CU_ASSERT_EQUAL(f.s.a[0].ev[1], 2);
    fx_done(&f);
}

/* ---- value_sum, value_avg, value_percentile, value_median --------------------------------------- */

static void numbers(fx *f)
{
    hitv(f, 0, 0, "A", NULL, 10, true);
    hit(f, 1, 0, "A"); /* not a number: ignored */
    hitv(f, 2, 0, "A", NULL, 40, true);
    hitv(f, 3, 0, "A", NULL, 20, true);
    hitv(f, 4, 0, "A", NULL, 30, true);
}

static void test_values(void)
{
    fx f;
    fx_init(&f, SG_CORR_VALUE_SUM, 1, 60, SG_CMP_GT, 65);
    fx_start(&f);
    numbers(&f);
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2); /* 70 at ev 4, 100 at ev 5 */
    CU_ASSERT_EQUAL(f.s.a[0].value, 70);
    CU_ASSERT_EQUAL(f.s.a[1].value, 100);
    CU_ASSERT_EQUAL(f.s.a[1].nevents, 4);
    hitv(&f, 61, 0, "A", NULL, 1, true); /* 10 left: 40 + 20 + 30 + 1 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 3);
    CU_ASSERT_EQUAL(f.s.a[2].value, 91);
    fx_done(&f);

    fx_init(&f, SG_CORR_VALUE_AVG, 1, 60, SG_CMP_EQ, 25);
    fx_start(&f);
    numbers(&f); /* 10, 25, 23.33, 25 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[0].value, 25);
    CU_ASSERT_EQUAL(f.s.a[1].value, 25);
    fx_done(&f);

    fx_init(&f, SG_CORR_VALUE_MEDIAN, 1, 60, SG_CMP_GTE, 25);
    fx_start(&f);
    numbers(&f); /* medians: 10, 25, 20, 25 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[0].value, 25);
    CU_ASSERT_EQUAL(f.s.a[0].t, S(2));
    fx_done(&f);

    fx_init(&f, SG_CORR_VALUE_PERCENTILE, 1, 60, SG_CMP_GTE, 37);
    f.def.percentile = 90;
    fx_start(&f);
    numbers(&f); /* p90 of 10,20,30,40: rank 2.7 -> 37 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(f.s.a[1].value, 37, 1e-9);
    fx_done(&f);

    /* equal numbers leave the window one by one */
    fx_init(&f, SG_CORR_VALUE_MEDIAN, 1, 60, SG_CMP_LTE, 3);
    fx_start(&f);
    hitv(&f, 0, 0, "A", NULL, 5, true);
    hitv(&f, 1, 0, "A", NULL, 5, true);
    hitv(&f, 2, 0, "A", NULL, 1, true); /* 1 5 5: 5 */
    hitv(&f, 61, 0, "A", NULL, 1, true); /* 5 1 1 (the first 5 left): 1 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].value, 1);
    hitv(&f, 62, 0, "A", NULL, 9, true); /* 1 1 9: 1 */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 2);
    CU_ASSERT_EQUAL(f.s.a[1].value, 1);
    hitv(&f, 122, 0, "A", NULL, 9, true); /* 9 9 (the 1 at 61 is 61 s old): 9 */
    CU_ASSERT_EQUAL(f.s.n, 2);
    fx_done(&f);

    fx_init(&f, SG_CORR_VALUE_PERCENTILE, 1, 60, SG_CMP_LTE, 10);
    f.def.percentile = 0; /* the minimum */
    fx_start(&f);
    numbers(&f);
    CU_ASSERT_EQUAL(f.s.n, 4);
    fx_done(&f);
}

/* ---- memory bounds ---------------------------------------------------------------------------------- */

static void test_eviction(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 600, SG_CMP_GTE, 2);
    f.lim.max_groups = 2;
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 1, 0, "B");
    hit(&f, 2, 0, "C"); /* A, the oldest, is evicted */
    const sg_ce_stats *st = sg_ce_get_stats(f.e);
    CU_ASSERT_EQUAL(st->groups_evicted, 1);
    CU_ASSERT_EQUAL(st->entries_evicted, 1);
    CU_ASSERT_EQUAL(st->live_groups, 2);
    CU_ASSERT_EQUAL(st->peak_groups, 2);
    hit(&f, 3, 0, "A"); /* A starts over (and evicts B) */
    CU_ASSERT_EQUAL(f.s.n, 0);
    hit(&f, 4, 0, "C"); /* C was kept */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_STRING_EQUAL(f.s.a[0].key, "C");
    CU_ASSERT_EQUAL(st->groups_evicted, 2);
    fx_done(&f);

    /* entries per group */
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 600, SG_CMP_GTE, 3);
    f.lim.max_window = 2;
    fx_start(&f);
    for (int t = 0; t < 5; t++)
        hit(&f, t, 0, "A");
    CU_ASSERT_EQUAL(f.s.n, 0); /* never 3 in a window of 2 */
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->entries_dropped, 3);
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->peak_entries, 2);
    fx_done(&f);

    /* entries over all groups: the oldest groups go */
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 600, SG_CMP_GTE, 5);
    f.lim.max_entries = 4;
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 1, 0, "A");
    hit(&f, 2, 0, "B");
    hit(&f, 3, 0, "B");
    hit(&f, 4, 0, "C");
    st = sg_ce_get_stats(f.e);
    CU_ASSERT_EQUAL(st->groups_evicted, 1);
    CU_ASSERT_EQUAL(st->entries_evicted, 2);
    CU_ASSERT_EQUAL(st->live_entries, 3);
    CU_ASSERT(st->peak_entries <= 4);
    fx_done(&f);
}

/* max_memory: the state's bytes are counted as groups grow, shrink and go
 * (back to 0 when every group expired), and beyond the cap the least
 * recently updated groups are evicted, never the one being updated. */
static void test_memory_cap(void)
{
    fx f;
    fx_init(&f, SG_CORR_VALUE_COUNT, 1, 60, SG_CMP_GTE, 1000);
    fx_start(&f);
    char k[16], v[16];
    for (int i = 0; i < 50; i++) {
        snprintf(k, sizeof k, "k%d", i % 5);
        snprintf(v, sizeof v, "v%d", i);
        hitv(&f, i, 0, k, v, 0, false);
    }
    const sg_ce_stats *st = sg_ce_get_stats(f.e);
    uint64_t five = st->live_bytes;
    CU_ASSERT(five > 5 * 50);
    CU_ASSERT_EQUAL(st->peak_bytes, five);
    hitv(&f, 1000, 0, "late", "x", 0, false); /* the five groups expire */
    CU_ASSERT_EQUAL(st->live_groups, 1);
    CU_ASSERT(st->live_bytes > 0 && st->live_bytes < five / 4);
    CU_ASSERT_EQUAL(st->groups_expired, 5);
    fx_done(&f);

    fx_init(&f, SG_CORR_VALUE_COUNT, 1, 60, SG_CMP_GTE, 1000);
    f.lim.max_memory = (size_t)five / 2; /* room for two or three of the five */
    fx_start(&f);
    for (int i = 0; i < 50; i++) {
        snprintf(k, sizeof k, "k%d", i % 5);
        snprintf(v, sizeof v, "v%d", i);
        hitv(&f, i, 0, k, v, 0, false);
    }
    st = sg_ce_get_stats(f.e);
    CU_ASSERT(st->memory_limit > 0);
    CU_ASSERT_EQUAL(st->groups_evicted, st->memory_limit);
    CU_ASSERT(st->live_bytes <= five / 2);
    CU_ASSERT(st->groups_created > 5); /* evicted groups start over */
    CU_ASSERT_EQUAL(st->groups_limit + st->entries_limit + st->window_limit, 0);
    fx_done(&f);

    /* one group over the cap alone is kept (max_window bounds it) */
    fx_init(&f, SG_CORR_VALUE_COUNT, 1, 60, SG_CMP_GTE, 3);
    f.lim.max_memory = 1;
    fx_start(&f);
    hitv(&f, 0, 0, "A", "a", 0, false);
    hitv(&f, 1, 0, "A", "b", 0, false);
    hitv(&f, 2, 0, "A", "c", 0, false);
    CU_ASSERT_EQUAL(f.s.n, 1);
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->live_groups, 1);
    fx_done(&f);
}

/* The oldest group over several correlations is evicted, also when some
 * correlation has no group at all. */
static void test_eviction_across(void)
{
    sg_ce_def d[2];
    memset(d, 0, sizeof d);
    sg_ce_cmp c = {SG_CMP_GTE, 2};
    for (int i = 0; i < 2; i++)
        d[i] = (sg_ce_def){SG_CORR_EVENT_COUNT, S(600), &c, 1, NULL, 0, -1, 1, 1, NULL, 0, true};
    sg_ce_limits lim;
    sg_ce_limits_default(&lim);
    lim.max_groups = 2;
    sg_ce *e = sg_ce_create(d, 2, &lim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    sink s = {0};
    const char *keys[] = {"A", "B", "C", "D"};
    for (int i = 0; i < 4; i++) {
        char key[16];
        size_t kl = sg_ce_key_put(key, keys[i], 1);
        sg_ce_hit h = {0, 0, key, kl, NULL, 0, 0, false}; /* correlation 1 stays empty */
        sg_ce_ref r = {(uint64_t)i + 1, (uint64_t)i + 1, 0};
        CU_ASSERT_EQUAL(sg_ce_event(e, S(i), &r, &h, 1, on_alert, &s), SIGMA_OK);
    }
    CU_ASSERT_EQUAL(sg_ce_get_stats(e)->groups_evicted, 2);
    CU_ASSERT_EQUAL(sg_ce_get_stats(e)->live_groups, 2);
    /* then correlation 1 gets a group: correlation 0's oldest goes */
    char key[16];
    size_t kl = sg_ce_key_put(key, "E", 1);
    sg_ce_hit h = {1, 0, key, kl, NULL, 0, 0, false};
    sg_ce_ref r = {5, 5, 0};
    sg_ce_event(e, S(4), &r, &h, 1, on_alert, &s);
    CU_ASSERT_EQUAL(sg_ce_get_stats(e)->groups_evicted, 3);
    sg_ce_destroy(e);
}

/* Groups that cannot contribute any more are freed, not counted as
 * evictions. */
static void test_expiry(void)
{
    fx f;
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 5);
    fx_start(&f);
    for (int i = 0; i < 100; i++) {
        char k[16];
        snprintf(k, sizeof k, "k%d", i);
        hit(&f, i * 10, 0, k);
    }
    const sg_ce_stats *st = sg_ce_get_stats(f.e);
    CU_ASSERT_EQUAL(st->groups_created, 100);
    CU_ASSERT(st->live_groups <= 7);
    CU_ASSERT_EQUAL(st->groups_evicted, 0);
    CU_ASSERT_EQUAL(st->groups_expired + st->live_groups, 100);
    fx_done(&f);

    fx_init(&f, SG_CORR_TEMPORAL_ORDERED, 2, 60, SG_CMP_GTE, 2);
    fx_start(&f);
    hit(&f, 0, 0, "A");
    hit(&f, 100, 0, "B");
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->groups_expired, 1);
    hit(&f, 101, 1, "A"); /* A's chain is gone */
    CU_ASSERT_EQUAL(f.s.n, 0);
    fx_done(&f);
}

/* ---- order ---------------------------------------------------------------------------------------------- */

static void test_late_without_window(void)
{
    fx f;
    fx_init(&f, SG_CORR_TEMPORAL_ORDERED, 2, 60, SG_CMP_GTE, 2);
    fx_start(&f);
    hit(&f, 10, 1, "A");
    hit(&f, 5, 0, "A"); /* older than what was processed: late, dropped */
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->late, 1);
    hit(&f, 10, 1, "A"); /* the same time as the last one is not late */
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->late, 1);
    finish(&f);
    CU_ASSERT_EQUAL(f.s.n, 0);
    fx_done(&f);
}

static void test_reorder_window(void)
{
    fx f;
    fx_init(&f, SG_CORR_TEMPORAL_ORDERED, 2, 60, SG_CMP_GTE, 2);
    f.lim.reorder = S(10);
    fx_start(&f);
    hit(&f, 10, 1, "A"); /* ev 1 */
    hit(&f, 5, 0, "A");  /* ev 2: 5 s older, inside the window */
    CU_ASSERT_EQUAL(f.s.n, 0); /* nothing released yet */
    hit(&f, 30, 0, "B"); /* releases 5 and 10 (<= 30 - 10) */
    CU_ASSERT_EQUAL_FATAL(f.s.n, 1);
    CU_ASSERT_EQUAL(f.s.a[0].t, S(10));
    CU_ASSERT_EQUAL(f.s.a[0].ev[0], 2);
    CU_ASSERT_EQUAL(f.s.a[0].ev[1], 1);
    hit(&f, 9, 0, "C"); /* older than the released 10: late */
    const sg_ce_stats *st = sg_ce_get_stats(f.e);
    CU_ASSERT_EQUAL(st->late, 1);
    CU_ASSERT_EQUAL(st->held, 1);
    CU_ASSERT_EQUAL(st->peak_held, 3); /* 10, 5 and 30 before the release */
    hit(&f, 35, 1, "B"); /* B: 30 then 35, released at the end */
    CU_ASSERT_EQUAL(f.s.n, 1);
    finish(&f);
    CU_ASSERT_EQUAL(f.s.n, 2);
    CU_ASSERT_EQUAL(st->held, 0);
    CU_ASSERT_EQUAL(st->processed, 4);
    fx_done(&f);

    /* a full buffer releases its oldest early, counted */
    fx_init(&f, SG_CORR_EVENT_COUNT, 1, 60, SG_CMP_GTE, 100);
    f.lim.reorder = S(1000);
    f.lim.max_reorder = 3;
    fx_start(&f);
    for (int t = 0; t < 10; t++)
        hit(&f, t, 0, "A");
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->reorder_forced, 7);
    CU_ASSERT(sg_ce_get_stats(f.e)->peak_held <= 4);
    finish(&f);
    CU_ASSERT_EQUAL(sg_ce_get_stats(f.e)->processed, 10);
    fx_done(&f);
}

/* ---- chains ---------------------------------------------------------------------------------------------- */

/* failed logins (event_count >= 2 per user) followed by a success
 * (temporal_ordered [failures, success] per user), as in the spec. */
static void test_chain(void)
{
    sg_ce_def d[2];
    memset(d, 0, sizeof d);
    sg_ce_cmp c0 = {SG_CMP_GTE, 2}, c1 = {SG_CMP_GTE, 2};
    int32_t map[1] = {0};
    sg_ce_link link = {1, 0, map};
    d[0] = (sg_ce_def){SG_CORR_EVENT_COUNT, S(60), &c0, 1, NULL, 0, -1, 1, 1, &link, 1, false};
    d[1] = (sg_ce_def){SG_CORR_TEMPORAL_ORDERED, S(600), &c1, 1, NULL, 0, -1, 2, 1, NULL, 0, true};
    sg_ce *e = sg_ce_create(d, 2, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    sink s = {0};
    char key[16];
    size_t kl = sg_ce_key_put(key, "bob", 3);
    sg_ce_hit fail = {0, 0, key, kl, NULL, 0, 0, false};
    sg_ce_hit ok = {1, 1, key, kl, NULL, 0, 0, false};
    sg_ce_ref r[4] = {{1, 1, 0}, {2, 2, 0}, {3, 3, 0}, {4, 4, 0}};
    sg_ce_event(e, S(0), &r[0], &ok, 1, on_alert, &s); /* success first: nothing */
    sg_ce_event(e, S(10), &r[1], &fail, 1, on_alert, &s);
    sg_ce_event(e, S(20), &r[2], &fail, 1, on_alert, &s); /* the child fires (not reported) */
    CU_ASSERT_EQUAL(s.n, 0);
    sg_ce_event(e, S(30), &r[3], &ok, 1, on_alert, &s);
    CU_ASSERT_EQUAL_FATAL(s.n, 1);
    CU_ASSERT_EQUAL(s.a[0].corr, 1);
    CU_ASSERT_STRING_EQUAL(s.a[0].key, "bob");
    CU_ASSERT_EQUAL(s.a[0].ev[0], 3); /* where the child fired */
    CU_ASSERT_EQUAL(s.a[0].ev[1], 4);
    sg_ce_destroy(e);

    /* a link to a lower index is refused */
    sg_ce_link back = {0, 0, map};
    d[1].links = &back;
    d[1].nlinks = 1;
    CU_ASSERT_PTR_NULL(sg_ce_create(d, 2, NULL));
}

/* Many groups and events through both kinds of state, then everything
 * freed (ASan and valgrind check the rest). */
static void test_churn(void)
{
    fx f;
    fx_init(&f, SG_CORR_VALUE_COUNT, 1, 30, SG_CMP_GTE, 4);
    f.lim.max_groups = 50;
    fx_start(&f);
    for (int i = 0; i < 5000; i++) {
        char k[16], v[16];
        snprintf(k, sizeof k, "g%d", (i * 7919) % 300);
        snprintf(v, sizeof v, "v%d", i % 11);
        hitv(&f, i / 10, 0, k, v, 0, false);
    }
    const sg_ce_stats *st = sg_ce_get_stats(f.e);
    CU_ASSERT(st->live_groups <= 50);
    CU_ASSERT(st->groups_evicted > 0);
    CU_ASSERT_EQUAL(st->groups_created, st->live_groups + st->groups_evicted + st->groups_expired);
    fx_done(&f);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("corr_engine", NULL, NULL);
    if (!s || !CU_add_test(s, "event_count", test_event_count) ||
        !CU_add_test(s, "window edges", test_window_edges) ||
        !CU_add_test(s, "group keys", test_group_keys) ||
        !CU_add_test(s, "suppression", test_suppression) ||
        !CU_add_test(s, "conditions", test_conditions) ||
        !CU_add_test(s, "value_count", test_value_count) ||
        !CU_add_test(s, "temporal", test_temporal) ||
        !CU_add_test(s, "temporal_ordered", test_ordered) ||
        !CU_add_test(s, "ordered, one event", test_ordered_same_event) ||
        !CU_add_test(s, "value aggregates", test_values) ||
        !CU_add_test(s, "eviction", test_eviction) ||
        !CU_add_test(s, "eviction across correlations", test_eviction_across) ||
        !CU_add_test(s, "memory cap", test_memory_cap) ||
        !CU_add_test(s, "expiry", test_expiry) ||
        !CU_add_test(s, "late events", test_late_without_window) ||
        !CU_add_test(s, "reorder window", test_reorder_window) ||
        !CU_add_test(s, "chains", test_chain) || !CU_add_test(s, "churn", test_churn)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
