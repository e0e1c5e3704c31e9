/* matcher.c - per-thread matching state and rule evaluation (see rs.h).
 *
 * Per event: field values land in slots (from a reader, or lazily through
 * the caller's accessor), dispatch picks the groups, the group automata
 * mark rules whose atoms occur, and only marked rules are evaluated.
 * Generation counters make "clear all per-event state" O(1). */
#define _GNU_SOURCE /* memmem */
#include "anchor.h"
#include "fold.h"
#include "memo.h"
#include "match.h"
#include "rs.h"
#include "values.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SG_X86_AVX2 1
#endif

#define NO_VAL UINT32_MAX
#define SG_JIT_STACK_MAX (512u * 1024u)
#define MAX_VALUES_PER_SLOT 4096
#define SCRATCH_BLOCK (64u * 1024u)

typedef struct mval {
    sigma_value v;
    const char *text; /* what string tests see (NULL: not a scalar) */
    const char *fold; /* folded text, computed on first use */
    uint32_t tlen, flen;
    uint32_t next;
    uint8_t ascii; /* text is ASCII: 0 not known yet, 1 yes, 2 no */
} mval;

typedef struct block {
    struct block *next;
    size_t cap, used;
    char data[];
} block;

/* The last value of a dispatch field and its index: most events repeat
 * their neighbours' Channel and EventID. */
typedef struct disp_memo {
    bool ok;
    uint8_t type;
    int64_t i;
    size_t len;
    char text[64];
    uint32_t idx;
} disp_memo;

struct sigma_matcher {
    const sigma_ruleset *rs;
    uint32_t gen;
    uint32_t *slot_gen, *slot_first, *slot_last;
    mval *vals;
    size_t nvals, capvals;
    block *blocks; /* scratch for folded and formatted text */

    uint32_t *pat_gen;
    uint32_t *group_gen;
    uint32_t *need_gen; /* per rule: the event its need_met bits are for */
    uint8_t *need_met;
    uint64_t *mark;
    size_t nw, mark_lo, mark_hi;

    /* the event source */
    const sigma_accessor *acc;
    void *event;
    bool prefilled;
    sg_each_fn each;
    void *each_ctx;
    const char *raw_json; /* the event's JSON text, when the reader has it */
    size_t raw_len;

    disp_memo disp_cache[2];
    sg_memo *memo; /* prefilter hits of repeated values (memo.h) */

    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    /* Resource limits (options "limit.*"). A regex that hits a PCRE2 limit
     * counts as no match; re_hits counts them per rule (allocated on the
     * first hit), and the rules hit for the first time in this event are
     * noted for sg_matcher_limit_notice. */
    uint32_t re_match_limit, re_depth_limit;
    uint32_t re_opts; /* PCRE2_NO_JIT: the interpreter ("regex-jit" "0") */
    size_t event_size_limit, event_depth_limit;
    uint32_t cur_rule;
    uint64_t *re_hits;
    uint64_t re_hits_total;
    uint32_t ev_new[4]; /* rules first hit in this event */
    size_t nev_new;
    int ev_err;
    char notice[512];

    void *reader;
    void (*reader_free)(void *);

    bool stats, parse_only, oom;
    /* Every string of this event is ASCII: its JSON text is, and has no
     * \u escape (learnt by the keyword scan, kw_json_scan). */
    bool text_ascii;
    bool no_prefilter; /* evaluate every rule: the prefilter's reference */
    uint64_t *hits, *evals, *ns;
    uint64_t events, evaluated;
};

/* ---- scratch ---------------------------------------------------------------------- */

static char *scratch(sigma_matcher *m, size_t n)
{
    block *b = m->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > SCRATCH_BLOCK ? n : SCRATCH_BLOCK;
        block *nb = sg_malloc(sizeof *nb + cap);
        if (!nb) {
            m->oom = true;
            return NULL;
        }
        nb->cap = cap;
        nb->used = 0;
        nb->next = b;
        m->blocks = b = nb;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static void scratch_reset(sigma_matcher *m)
{
    /* keep the newest block, free the rest (a huge event should not pin
     * memory for the whole run) */
    block *b = m->blocks;
    if (!b)
        return;
    block *rest = b->next;
    b->next = NULL;
    b->used = 0;
    while (rest) {
        block *n = rest->next;
        sg_free(rest);
        rest = n;
    }
    if (b->cap > 16 * SCRATCH_BLOCK) {
        sg_free(b);
        m->blocks = NULL;
    }
}

/* ---- lifecycle ---------------------------------------------------------------------- */

void sigma_matcher_destroy(sigma_matcher *m)
{
    if (!m)
        return;
    if (m->reader_free)
        m->reader_free(m->reader);
    sg_free(m->slot_gen);
    sg_free(m->slot_first);
    sg_free(m->slot_last);
    sg_free(m->vals);
    while (m->blocks) {
        block *n = m->blocks->next;
        sg_free(m->blocks);
        m->blocks = n;
    }
    sg_memo_free(m->memo);
    sg_free(m->pat_gen);
    sg_free(m->group_gen);
    sg_free(m->need_gen);
    sg_free(m->need_met);
    sg_free(m->mark);
    sg_free(m->hits);
    sg_free(m->evals);
    sg_free(m->ns);
    sg_free(m->re_hits);
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    pcre2_jit_stack_free(m->jit);
    sg_free(m);
}

sigma_status sigma_matcher_create(const sigma_ruleset *rs, sigma_matcher **out)
{
    if (!rs || !out)
        return SIGMA_EINVAL;
    *out = NULL;
    sigma_matcher *m = sg_calloc(1, sizeof *m);
    if (!m)
        return SIGMA_ENOMEM;
    m->rs = rs;
    size_t ns = rs->nslots ? rs->nslots : 1;
    m->nw = (rs->nrules + 63) / 64 + 1;
    m->slot_gen = sg_calloc(ns, sizeof *m->slot_gen);
    m->slot_first = sg_calloc(ns, sizeof *m->slot_first);
    m->slot_last = sg_calloc(ns, sizeof *m->slot_last);
    m->pat_gen = sg_calloc(rs->npatterns + 1, sizeof *m->pat_gen);
    m->group_gen = sg_calloc(rs->ngroups + 1, sizeof *m->group_gen);
    m->need_gen = sg_calloc(rs->nrules + 1, sizeof *m->need_gen);
    m->need_met = sg_calloc(rs->nrules + 1, sizeof *m->need_met);
    m->memo = sg_memo_create(rs->nslots);
    m->mark = sg_calloc(m->nw, sizeof *m->mark);
    m->md = pcre2_match_data_create(1, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    m->jit = pcre2_jit_stack_create(32 * 1024, SG_JIT_STACK_MAX, NULL);
    if (!m->slot_gen || !m->slot_first || !m->slot_last || !m->pat_gen || !m->group_gen ||
        !m->need_gen || !m->need_met || !m->memo ||
        !m->mark || !m->md || !m->mctx || !m->jit) {
        sigma_matcher_destroy(m);
        return SIGMA_ENOMEM;
    }
    /* Bounded work per regex match: a hostile event cannot stall a thread. */
    m->re_match_limit = SG_DEFAULT_REGEX_MATCH_LIMIT;
    m->re_depth_limit = SG_DEFAULT_REGEX_DEPTH_LIMIT;
    m->event_size_limit = SG_DEFAULT_EVENT_SIZE_LIMIT;
    m->event_depth_limit = SG_DEFAULT_EVENT_DEPTH_LIMIT;
    pcre2_set_match_limit(m->mctx, m->re_match_limit);
    pcre2_set_depth_limit(m->mctx, m->re_depth_limit);
    pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
    m->mark_lo = m->nw;
    *out = m;
    return SIGMA_OK;
}

/* A positive decimal number (k/M suffixes), at most max. */
static bool parse_limit(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (*v < '0' || *v > '9')
        return false;
    unsigned long long n = strtoull(v, &end, 10);
    uint64_t mul = *end == 'k' || *end == 'K' ? 1024u : *end == 'M' ? 1024u * 1024u : 1u;
    end += mul != 1;
    if (errno || *end || n == 0 || n > max / mul)
        return false;
    *out = (uint64_t)n * mul;
    return true;
}

static sigma_status set_limit(sigma_matcher *m, const char *name, const char *value)
{
    uint64_t v;
    if (!strcmp(name, "regex-match") || !strcmp(name, "regex-depth")) {
        if (!parse_limit(value, UINT32_MAX, &v))
            return SIGMA_EINVAL;
        if (name[6] == 'm') {
            m->re_match_limit = (uint32_t)v;
            pcre2_set_match_limit(m->mctx, m->re_match_limit);
        } else {
            m->re_depth_limit = (uint32_t)v;
            pcre2_set_depth_limit(m->mctx, m->re_depth_limit);
        }
        return SIGMA_OK;
    }
    if (!strcmp(name, "event-size") || !strcmp(name, "event-depth")) {
        bool size = name[6] == 's';
        if (!parse_limit(value, size ? SIZE_MAX : SG_EVENT_DEPTH_CAP, &v))
            return SIGMA_EINVAL;
        if (size)
            m->event_size_limit = (size_t)v;
        else
            m->event_depth_limit = (size_t)v;
        /* the reader sizes itself from the limits: a new one on next use */
        sg_matcher_set_reader(m, NULL, NULL);
        return SIGMA_OK;
    }
    return SIGMA_EINVAL;
}

sigma_status sigma_matcher_set_option(sigma_matcher *m, const char *name, const char *value)
{
    if (!m || !name || !value)
        return SIGMA_EINVAL;
    bool on = strcmp(value, "0") != 0;
    if (!strcmp(name, "stats")) {
        if (on && !m->hits) {
            size_t n = m->rs->nrules ? m->rs->nrules : 1;
            m->hits = sg_calloc(n, sizeof *m->hits);
            m->evals = sg_calloc(n, sizeof *m->evals);
            m->ns = sg_calloc(n, sizeof *m->ns);
            if (!m->hits || !m->evals || !m->ns)
                return SIGMA_ENOMEM;
        }
        m->stats = on;
        return SIGMA_OK;
    }
    if (!strcmp(name, "prefilter")) {
        m->no_prefilter = !on;
        return SIGMA_OK;
    }
    if (!strcmp(name, "regex-jit")) { /* "0": the interpreter, where the depth limit applies */
        m->re_opts = on ? 0 : PCRE2_NO_JIT;
        return SIGMA_OK;
    }
    if (!strcmp(name, "parse-only")) {
        m->parse_only = on;
        return SIGMA_OK;
    }
    if (!strncmp(name, "limit.", 6))
        return set_limit(m, name + 6, value);
    return SIGMA_EINVAL;
}

uint64_t sigma_matcher_limit_hits(const sigma_matcher *m, size_t rule)
{
    if (!m)
        return 0;
    if (rule == SIZE_MAX)
        return m->re_hits_total;
    return m->re_hits && rule < m->rs->nrules ? m->re_hits[rule] : 0;
}

void sg_matcher_event_limits(const sigma_matcher *m, size_t *size, size_t *depth)
{
    *size = m->event_size_limit;
    *depth = m->event_depth_limit;
}

const char *sg_matcher_limit_notice(sigma_matcher *m)
{
    if (!m->nev_new)
        return NULL;
    size_t n = m->nev_new;
    m->nev_new = 0;
    const sigma_rule_info *ri = &m->rs->rules[m->ev_new[0]].info;
    char what[160];
    switch (m->ev_err) {
    case PCRE2_ERROR_MATCHLIMIT:
        snprintf(what, sizeof what, "the PCRE2 match limit (limit.regex-match=%lu)",
                 (unsigned long)m->re_match_limit);
        break;
    case PCRE2_ERROR_DEPTHLIMIT:
        snprintf(what, sizeof what, "the PCRE2 depth limit (limit.regex-depth=%lu)",
                 (unsigned long)m->re_depth_limit);
        break;
    case PCRE2_ERROR_JIT_STACKLIMIT:
        snprintf(what, sizeof what, "the PCRE2 JIT stack limit (%u KiB)", SG_JIT_STACK_MAX / 1024);
        break;
    default: {
        PCRE2_UCHAR msg[120];
        if (pcre2_get_error_message(m->ev_err, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "error %d", m->ev_err);
        snprintf(what, sizeof what, "a PCRE2 error (%s)", (const char *)msg);
    }
    }
    char more[64] = "";
    if (n > 1)
        snprintf(more, sizeof more, " (and %zu more rules: see --stats)", n - 1);
    snprintf(m->notice, sizeof m->notice,
             "warning: rule %s: a regular expression hit %s and counts as no match%s; "
             "reported once per rule, --stats counts every one",
             ri->id ? ri->id : ri->path ? ri->path : "?", what, more);
    return m->notice;
}

sigma_status sigma_matcher_rule_stats(const sigma_matcher *m, size_t rule, uint64_t *hits,
                                      uint64_t *evals, uint64_t *nanoseconds)
{
    if (!m || rule >= m->rs->nrules)
        return SIGMA_EINVAL;
    *hits = m->hits ? m->hits[rule] : 0;
    *evals = m->evals ? m->evals[rule] : 0;
    *nanoseconds = m->ns ? m->ns[rule] : 0;
    return SIGMA_OK;
}

uint64_t sigma_matcher_event_count(const sigma_matcher *m)
{
    return m ? m->events : 0;
}

uint64_t sigma_matcher_eval_count(const sigma_matcher *m)
{
    return m ? m->evaluated : 0;
}

void *sg_matcher_reader(sigma_matcher *m)
{
    return m->reader;
}

void sg_matcher_set_reader(sigma_matcher *m, void *reader, void (*free_fn)(void *))
{
    if (m->reader_free)
        m->reader_free(m->reader);
    m->reader = reader;
    m->reader_free = free_fn;
}

const sigma_ruleset *sg_matcher_ruleset(const sigma_matcher *m)
{
    return m->rs;
}

bool sg_matcher_parse_only(const sigma_matcher *m)
{
    return m->parse_only;
}

uint32_t sg_ruleset_raw_slot(const sigma_ruleset *rs)
{
    return rs->raw_slot;
}

bool sg_ruleset_has_keywords(const sigma_ruleset *rs)
{
    return rs->kw_slot != SG_NO_SLOT;
}

/* ---- slots ----------------------------------------------------------------------------- */

void sg_matcher_begin(sigma_matcher *m)
{
    if (++m->gen == 0) {
        /* wrapped after 2^32 events: forget every stamp */
        const sigma_ruleset *rs = m->rs;
        memset(m->slot_gen, 0, (rs->nslots ? rs->nslots : 1) * sizeof *m->slot_gen);
        memset(m->pat_gen, 0, (rs->npatterns + 1) * sizeof *m->pat_gen);
        memset(m->group_gen, 0, (rs->ngroups + 1) * sizeof *m->group_gen);
        memset(m->need_gen, 0, (rs->nrules + 1) * sizeof *m->need_gen);
        m->gen = 1;
    }
    m->nvals = 0;
    m->text_ascii = false;
    m->oom = false;
    m->nev_new = 0;
    m->ev_err = 0;
    scratch_reset(m);
}

static bool push_val(sigma_matcher *m, uint32_t slot, const sigma_value *v)
{
    if (m->slot_gen[slot] != m->gen) {
        m->slot_gen[slot] = m->gen;
        m->slot_first[slot] = m->slot_last[slot] = NO_VAL;
    }
    if (m->nvals == m->capvals) {
        size_t c = m->capvals ? m->capvals * 2 : 256;
        mval *p = sg_realloc(m->vals, c * sizeof *p);
        if (!p) {
            m->oom = true;
            return false;
        }
        m->vals = p;
        m->capvals = c;
    }
    uint32_t i = (uint32_t)m->nvals++;
    mval *x = &m->vals[i];
    x->v = *v;
    x->text = NULL;
    x->fold = NULL;
    x->tlen = x->flen = 0;
    x->next = NO_VAL;
    x->ascii = 0;
    switch (v->type) {
    case SIGMA_V_STRING:
        /* an accessor's NULL string is the empty string, whatever its len */
        x->text = v->str ? v->str : "";
        x->tlen = v->str ? (uint32_t)(v->len > UINT32_MAX ? UINT32_MAX : v->len) : 0;
        break;
    case SIGMA_V_INT:
    case SIGMA_V_FLOAT:
    case SIGMA_V_BOOL:
        if (v->str) {
            x->text = v->str;
            x->tlen = (uint32_t)(v->len > UINT32_MAX ? UINT32_MAX : v->len);
        } else {
            char buf[40];
            int n = v->type == SIGMA_V_INT ? snprintf(buf, sizeof buf, "%lld", (long long)v->i)
                    : v->type == SIGMA_V_FLOAT ? snprintf(buf, sizeof buf, "%.17g", v->f)
                                               : snprintf(buf, sizeof buf, "%s", v->i ? "true" : "false");
            char *p = scratch(m, (size_t)n);
            if (p) {
                memcpy(p, buf, (size_t)n);
                x->text = p;
                x->tlen = (uint32_t)n;
            }
        }
        break;
    default:
        break;
    }
    if (m->slot_last[slot] == NO_VAL)
        m->slot_first[slot] = i;
    else
        m->vals[m->slot_last[slot]].next = i;
    m->slot_last[slot] = i;
    return true;
}

bool sg_matcher_add(sigma_matcher *m, uint32_t slot, const sigma_value *v)
{
    return push_val(m, slot, v);
}

static int collect_kw(void *ctx, const sigma_value *v)
{
    sigma_matcher *m = ctx;
    if (v->type == SIGMA_V_STRING)
        push_val(m, m->rs->kw_slot, v);
    return m->oom;
}

static uint32_t slot_values_fetch(sigma_matcher *m, uint32_t slot);

/* Fetch a slot's values if this event has not yet; returns the first.
 * Inline for the usual case, values already there (or known absent). */
static inline uint32_t slot_values(sigma_matcher *m, uint32_t slot)
{
    if (m->slot_gen[slot] == m->gen)
        return m->slot_first[slot];
    return slot_values_fetch(m, slot);
}

__attribute__((noinline)) static uint32_t slot_values_fetch(sigma_matcher *m, uint32_t slot)
{
    m->slot_gen[slot] = m->gen;
    m->slot_first[slot] = m->slot_last[slot] = NO_VAL;
    const sigma_ruleset *rs = m->rs;
    if (slot == rs->kw_slot) {
        sigma_value v;
        if (m->prefilled) {
            /* the built-in readers: a line is its own _raw; a JSON event
             * gives every string value it holds (whether or not a rule
             * names _raw: the same answer for any ruleset) */
            if (m->each)
                m->each(m->each_ctx, collect_kw, m);
        } else if (rs->raw_slot != SG_NO_SLOT && slot_values(m, rs->raw_slot) != NO_VAL) {
            for (uint32_t i = m->slot_first[rs->raw_slot]; i != NO_VAL; i = m->vals[i].next) {
                sigma_value raw = m->vals[i].v;
                push_val(m, slot, &raw);
            }
        } else if (m->acc->get(m->event, "_raw", 4, &v)) {
            push_val(m, slot, &v);
        } else if (m->acc->each) {
            m->acc->each(m->event, collect_kw, m);
        }
        return m->slot_first[slot];
    }
    if (m->prefilled)
        return NO_VAL;
    sigma_value v;
    const char *name = rs->slot_names[slot];
    size_t len = rs->slot_lens[slot];
    if (m->acc->get(m->event, name, len, &v)) {
        push_val(m, slot, &v);
        if (m->acc->get_nth)
            for (size_t n = 1; n < MAX_VALUES_PER_SLOT && m->acc->get_nth(m->event, name, len, n, &v);
                 n++)
                push_val(m, slot, &v);
    }
    return m->slot_first[slot];
}

bool sg_matcher_value(sigma_matcher *m, uint32_t slot, sigma_value *out)
{
    if (slot >= m->rs->nslots)
        return false;
    uint32_t i = slot_values(m, slot);
    if (i == NO_VAL)
        return false;
    *out = m->vals[i].v;
    if (!out->str && m->vals[i].text) {
        out->str = m->vals[i].text;
        out->len = m->vals[i].tlen;
    }
    return true;
}

static const char *folded(sigma_matcher *m, mval *x, uint32_t *len)
{
    if (!x->fold && x->text) {
        char *p = scratch(m, x->tlen ? x->tlen : 1);
        if (!p)
            return NULL;
        x->flen = (uint32_t)sg_fold(x->text, x->tlen, p);
        x->fold = p;
    }
    *len = x->flen;
    return x->fold;
}

/* The text an ASCII-folding automaton scans: the value itself when it is
 * ASCII, else its folded form. NULL when there is none. */
static inline const char *scan_text(sigma_matcher *m, mval *x, uint32_t *len)
{
    if (!x->text)
        return NULL;
    if (!x->ascii)
        x->ascii = m->text_ascii || sg_is_ascii(x->text, x->tlen) ? 1 : 2;
    if (x->ascii == 1) {
        *len = x->tlen;
        return x->text;
    }
    return folded(m, x, len);
}

/* ---- value tests ------------------------------------------------------------------------- */

static bool str_cmp(int mode, const char *s, size_t n, const char *lit, size_t len)
{
    switch (mode) {
    case RM_EXACT:
        return n == len && memcmp(s, lit, len) == 0;
    case RM_STARTS:
        return n >= len && memcmp(s, lit, len) == 0;
    case RM_ENDS:
        return n >= len && memcmp(s + n - len, lit, len) == 0;
    default:
        return len == 0 || (n >= len && memmem(s, n, lit, len) != NULL);
    }
}

/* Wildcards with backtracking to the last star (linear for the usual
 * patterns, O(n*m) at worst). `?` is one UTF-8 character. */
static bool glob(const rt_seg *p, size_t np, const char *s, size_t n)
{
    size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
    while (pi < np || si < n) {
        if (pi < np) {
            const rt_seg *g = &p[pi];
            if (g->kind == RS_STAR) {
                star_p = pi++;
                star_s = si;
                continue;
            }
            if (g->kind == RS_QMARK && si < n) {
                si += sg_utf8_len(s + si, n - si);
                pi++;
                continue;
            }
            if (g->kind == RS_LIT && n - si >= g->len && memcmp(s + si, g->s, g->len) == 0) {
                si += g->len;
                pi++;
                continue;
            }
        }
        if (star_p != SIZE_MAX && star_s < n) {
            star_s += sg_utf8_len(s + star_s, n - star_s);
            si = star_s;
            pi = star_p + 1;
            continue;
        }
        return false;
    }
    return true;
}

static int cmp_num(int op, double a, double b)
{
    switch (op) {
    case RN_EQ:
        return a == b;
    case RN_LT:
        return a < b;
    case RN_LTE:
        return a <= b;
    case RN_GT:
        return a > b;
    default:
        return a >= b;
    }
}

static bool num_test(const rtest *t, const mval *x)
{
    bool is_int;
    int64_t i;
    double f;
    if (x->v.type == SIGMA_V_INT) {
        is_int = true;
        i = x->v.i;
        f = (double)i;
    } else if (x->v.type == SIGMA_V_FLOAT) {
        f = x->v.f;
        is_int = false;
        i = 0;
    } else if (x->v.type == SIGMA_V_STRING) {
        if (!sg_parse_number(x->text, x->tlen, &is_int, &i, &f))
            return false;
    } else {
        return false;
    }
    if (is_int && t->is_int) {
        int64_t a = i, b = t->i;
        switch (t->op) {
        case RN_EQ:
            return a == b;
        case RN_LT:
            return a < b;
        case RN_LTE:
            return a <= b;
        case RN_GT:
            return a > b;
        default:
            return a >= b;
        }
    }
    return cmp_num(t->op, f, t->f);
}

static bool time_test(const rtest *t, const mval *x)
{
    sg_time tm;
    if (x->v.type == SIGMA_V_INT || x->v.type == SIGMA_V_FLOAT)
        sg_time_from_epoch(x->v.type == SIGMA_V_INT ? x->v.i : (int64_t)x->v.f, &tm);
    else if (x->v.type != SIGMA_V_STRING || !sg_parse_time(x->text, x->tlen, &tm))
        return false;
    int v = t->part == RP_MINUTE ? tm.minute : t->part == RP_HOUR ? tm.hour
            : t->part == RP_DAY  ? tm.day    : t->part == RP_WEEK ? sg_iso_week(&tm)
            : t->part == RP_MONTH ? tm.month : tm.year;
    return cmp_num(t->op, (double)v, t->f);
}

static bool cidr_test(const rtest *t, const mval *x)
{
    int fam;
    uint8_t a[16];
    if (!x->text || !sg_parse_ip(x->text, x->tlen, &fam, a))
        return false;
    if (fam == 6 && t->family == 4) {
        /* ::ffff:a.b.c.d is an IPv4 address */
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a, mapped, 12) != 0)
            return false;
        memmove(a, a + 12, 4);
        fam = 4;
    }
    if ((fam == 4) != (t->family == 4))
        return false;
    unsigned full = t->prefix / 8, rest = t->prefix % 8;
    if (memcmp(a, t->addr, full) != 0)
        return false;
    if (rest) {
        uint8_t mask = (uint8_t)(0xff00u >> rest);
        return (a[full] & mask) == (t->addr[full] & mask);
    }
    return true;
}

/* A regex of rule m->cur_rule ended with an error (a PCRE2 limit): count
 * it, and note the rule when this matcher sees its first one. */
static void re_limit_hit(sigma_matcher *m, int rc)
{
    m->re_hits_total++;
    uint32_t r = m->cur_rule;
    if (!m->re_hits && r < m->rs->nrules)
        m->re_hits = sg_calloc(m->rs->nrules, sizeof *m->re_hits);
    if (!m->re_hits || r >= m->rs->nrules)
        return; /* still counted in the total; not worth failing the event */
    if (m->re_hits[r]++ == 0) {
        if (m->nev_new < sizeof m->ev_new / sizeof *m->ev_new)
            m->ev_new[m->nev_new] = r;
        m->nev_new++;
        if (!m->ev_err)
            m->ev_err = rc;
    }
}

static bool value_test(sigma_matcher *m, const rtest *t, mval *x)
{
    const char *s;
    uint32_t n;
    switch (t->kind) {
    case RT_STR:
    case RT_GLOB:
        if (!x->text)
            return false;
        if (t->cased) {
            s = x->text;
            n = x->tlen;
        } else if (!(s = folded(m, x, &n))) {
            return false;
        }
        return t->kind == RT_STR ? str_cmp(t->mode, s, n, t->lit, t->len)
                                 : glob(t->segs, t->nsegs, s, n);
    case RT_REGEX: {
        if (!x->text || !t->re)
            return false;
        /* remembered for repeated values (memo.h), but not by the
         * reference (--no-prefilter) */
        int known = m->no_prefilter ? -1 : sg_memo_test_get(m->memo, t, x->text, x->tlen);
        if (known >= 0)
            return known;
        int rc = pcre2_match(t->re, (PCRE2_SPTR)x->text, x->tlen, 0, m->re_opts, m->md, m->mctx);
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
            re_limit_hit(m, rc); /* no match, counted and reported; not remembered */
            return false;
        }
        bool r = rc >= 0;
        if (!m->no_prefilter)
            sg_memo_test_put(m->memo, t, x->text, x->tlen, r);
        return r;
    }
    case RT_CIDR:
        return cidr_test(t, x);
    case RT_NUM:
        return num_test(t, x);
    case RT_TIME:
        return time_test(t, x);
    default:
        return false;
    }
}

static bool fieldref_test(sigma_matcher *m, const rtest *t)
{
    for (uint32_t i = slot_values(m, t->slot); i != NO_VAL; i = m->vals[i].next)
        for (uint32_t j = slot_values(m, t->ref); j != NO_VAL; j = m->vals[j].next) {
            mval *a = &m->vals[i], *b = &m->vals[j];
            if (!a->text || !b->text)
                continue;
            const char *sa = a->text, *sb = b->text;
            uint32_t na = a->tlen, nb = b->tlen;
            if (!t->cased && (!(sa = folded(m, a, &na)) || !(sb = folded(m, b, &nb))))
                continue;
            if (str_cmp(t->mode, sa, na, sb, nb))
                return true;
        }
    return false;
}

static bool test_eval(sigma_matcher *m, const rtest *t)
{
    switch (t->kind) {
    case RT_EXISTS:
        return (slot_values(m, t->slot) != NO_VAL) == t->exists;
    case RT_NULL:
        for (uint32_t i = slot_values(m, t->slot); i != NO_VAL; i = m->vals[i].next)
            if (m->vals[i].v.type == SIGMA_V_NULL)
                return true;
        return slot_values(m, t->slot) == NO_VAL;
    case RT_FIELDREF:
        return fieldref_test(m, t);
    default:
        for (uint32_t i = slot_values(m, t->slot); i != NO_VAL; i = m->vals[i].next)
            if (value_test(m, t, &m->vals[i]))
                return true;
        return false;
    }
}

/* ---- string sets (rs.h) --------------------------------------------------------------------- */

typedef struct set_ctx {
    const rset *S;
    size_t n, off; /* the whole text's length; where the scanned part starts */
} set_ctx;

static bool set_found(void *ctx, uint32_t id, size_t start)
{
    const set_ctx *c = ctx;
    size_t at = start + c->off, len = c->S->len[id];
    switch (c->S->mode[id]) {
    case RM_CONTAINS:
        return true;
    case RM_STARTS:
        return at == 0;
    case RM_ENDS:
        return at + len == c->n;
    default:
        return at == 0 && len == c->n;
    }
}

/* Does some value of the set's field pass one of its tests? */
static bool set_eval(sigma_matcher *m, const rset *S)
{
    const unsigned ends = 1u << RM_ENDS, anywhere = 1u << RM_CONTAINS | ends;
    for (uint32_t i = slot_values(m, S->slot); i != NO_VAL; i = m->vals[i].next) {
        uint32_t n;
        const char *s = scan_text(m, &m->vals[i], &n);
        if (!s)
            continue;
        int known = sg_memo_test_get(m->memo, S, s, n);
        if (known >= 0) {
            if (known)
                return true;
            continue;
        }
        /* only the end of the text can hold an endswith literal, only its
         * start a startswith or exact one */
        size_t from = 0, to = n;
        if (S->modes == ends)
            from = n > S->maxlen ? n - S->maxlen : 0;
        else if (!(S->modes & anywhere) && n > S->maxlen)
            to = S->maxlen;
        set_ctx c = {S, n, from};
        bool found = sg_aho_find(S->ac, s + from, to - from, set_found, &c);
        sg_memo_test_put(m->memo, S, s, n, found);
        if (found)
            return true;
    }
    return false;
}

static bool eval(sigma_matcher *m, uint32_t n)
{
    const sigma_ruleset *rs = m->rs;
    for (;;) {
        const rnode *x = &rs->nodes[n];
        switch (x->kind) {
        case RN_TEST:
            return test_eval(m, &rs->tests[x->a]);
        case RN_NOT:
            return !eval(m, x->a);
        case RN_TRUE:
            return true;
        case RN_FALSE:
            return false;
        case RN_AND:
            for (uint32_t k = 0; k + 1 < x->n; k++)
                if (!eval(m, rs->kids[x->a + k]))
                    return false;
            n = rs->kids[x->a + x->n - 1]; /* last child: loop, not recurse */
            continue;
        default: { /* RN_OR */
            uint32_t k = 0;
            if (x->nsets && !m->no_prefilter) {
                /* --no-prefilter, the reference, compares test by test */
                for (uint32_t i = 0; i < x->nsets; i++)
                    if (set_eval(m, &rs->sets[x->set + i]))
                        return true;
                k = x->nset;
                if (k == x->n)
                    return false;
            }
            for (; k + 1 < x->n; k++)
                if (eval(m, rs->kids[x->a + k]))
                    return true;
            n = rs->kids[x->a + x->n - 1];
            continue;
        }
        }
    }
}

/* ---- prefilter and the event loop ------------------------------------------------------- */

static inline void mark(sigma_matcher *m, uint32_t r)
{
    size_t w = r >> 6;
    m->mark[w] |= 1ull << (r & 63);
    if (w < m->mark_lo)
        m->mark_lo = w;
    if (w + 1 > m->mark_hi)
        m->mark_hi = w + 1;
}

static void on_hit(void *ctx, uint32_t pid)
{
    sigma_matcher *m = ctx;
    if (m->pat_gen[pid] == m->gen)
        return;
    m->pat_gen[pid] = m->gen;
    const sigma_ruleset *rs = m->rs;
    for (uint32_t k = rs->pat_off[pid]; k < rs->pat_off[pid + 1]; k++) {
        uint32_t r = rs->pat_rules[k] >> 2, need = rs->pat_rules[k] & 3;
        unsigned all = rs->rule_needs[r];
        if (all == 1) {
            mark(m, r);
            continue;
        }
        /* every need of the rule has to be met in this event */
        if (m->need_gen[r] != m->gen) {
            m->need_gen[r] = m->gen;
            m->need_met[r] = 0;
        }
        m->need_met[r] |= (uint8_t)(1u << need);
        if (m->need_met[r] == (1u << all) - 1)
            mark(m, r);
    }
}

/* Is the backslash at p[i] an escape (an odd run of backslashes ends
 * there)? */
static bool escapes(const char *p, size_t i)
{
    size_t run = 1;
    while (i >= run && p[i - run] == '\\')
        run++;
    return run & 1;
}

/* The slow path of json_text_scannable for p[i..to) of p[0..n) (scalar). */
static bool scannable_from(const unsigned char *p, size_t i, size_t to, size_t n,
                           bool ascii_atoms)
{
    for (; i < to; i++) {
        unsigned char c = p[i];
        if (c == '\\') {
            if (i + 1 < n && (p[i + 1] == 'u' || p[i + 1] == '/') && escapes((const char *)p, i))
                return false;
        } else if (c >= 0x80) {
            /* only U+017F and U+212A fold to ASCII ('s', 'k') */
            if (!ascii_atoms || (c == 0xc5 && i + 1 < n && p[i + 1] == 0xbf) ||
                (c == 0xe2 && i + 2 < n && p[i + 1] == 0x84 && p[i + 2] == 0xaa))
                return false;
        }
    }
    return true;
}

/* Can keyword atoms be looked for in the event's JSON text itself? Yes
 * when every string in it is escaped canonically (no \\u, no \\/) and
 * folding the text would not change what an atom can match: the automaton
 * folds ASCII itself, so the text may hold other characters only when no
 * atom does and none of them folds to ASCII. SSE2 looks at 16 bytes at a
 * time for backslashes before 'u' or '/' and for non-ASCII bytes; a block
 * with either is looked at closely. */
#ifdef SG_X86_AVX2
/* The same with AVX2, 32 bytes at a time (only where the CPU has it). */
__attribute__((target("avx2"))) static bool scannable_avx2(const unsigned char *p, size_t n,
                                                           bool ascii_atoms, size_t *done)
{
    const __m256i bsl = _mm256_set1_epi8('\\'), u = _mm256_set1_epi8('u'),
                  sl = _mm256_set1_epi8('/');
    size_t i = 0;
    for (; i + 33 <= n; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
        __m256i w = _mm256_loadu_si256((const __m256i *)(p + i + 1));
        __m256i esc = _mm256_and_si256(_mm256_cmpeq_epi8(v, bsl),
                                       _mm256_or_si256(_mm256_cmpeq_epi8(w, u),
                                                       _mm256_cmpeq_epi8(w, sl)));
        if (!(_mm256_movemask_epi8(esc) | _mm256_movemask_epi8(v)))
            continue;
        if (!scannable_from(p, i, i + 32, n, ascii_atoms))
            return false;
    }
    *done = i;
    return true;
}
#endif

static bool json_text_scannable(const char *s, size_t n, bool ascii_atoms)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
#ifdef SG_X86_AVX2
    if (__builtin_cpu_supports("avx2")) {
        if (!scannable_avx2(p, n, ascii_atoms, &i))
            return false;
        return scannable_from(p, i, n, n, ascii_atoms);
    }
#endif
#ifdef __SSE2__
    const __m128i bsl = _mm_set1_epi8('\\'), u = _mm_set1_epi8('u'), sl = _mm_set1_epi8('/');
    for (; i + 17 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i w = _mm_loadu_si128((const __m128i *)(p + i + 1));
        int esc = _mm_movemask_epi8(_mm_and_si128(
            _mm_cmpeq_epi8(v, bsl), _mm_or_si128(_mm_cmpeq_epi8(w, u), _mm_cmpeq_epi8(w, sl))));
        if (!(esc | _mm_movemask_epi8(v)))
            continue;
        if (!scannable_from(p, i, i + 16, n, ascii_atoms))
            return false;
    }
#endif
    return scannable_from(p, i, n, n, ascii_atoms);
}

static void scan_values(sigma_matcher *m, const sg_aho *ac, uint32_t slot)
{
    for (uint32_t i = slot_values(m, slot); i != NO_VAL; i = m->vals[i].next) {
        /* the automaton folds ASCII itself; other text is folded first */
        uint32_t n;
        const char *s = scan_text(m, &m->vals[i], &n);
        if (s)
            sg_memo_scan(m->memo, slot, ac, s, n, on_hit, m);
    }
}

typedef struct kw_doubt {
    bool ascii_atoms;
    bool plain; /* no block had a byte >= 0x80 or a \u escape */
} kw_doubt;

static bool doubt_block(void *ctx, const char *s, size_t from, size_t to, size_t n)
{
    kw_doubt *d = ctx;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = from; i < to && d->plain; i++)
        d->plain = p[i] < 0x80 && !(p[i] == '\\' && i + 1 < n && p[i + 1] == 'u' && escapes(s, i));
    return !scannable_from(p, from, to, n, d->ascii_atoms);
}

/* Keyword atoms looked for in the JSON text with the anchor prefilter,
 * which checks that the text is scannable in the same pass. false when it
 * cannot (no anchors, no AVX2) or the text is not scannable. */
static bool kw_json_scan(sigma_matcher *m, const rgroup *G)
{
    const sg_anchor *an = sg_aho_anchor(G->kw_json);
    if (!an || m->raw_len < 64 || !sg_anchor_usable())
        return false;
    kw_doubt d = {G->kw_ascii, true};
    if (!sg_anchor_scan_json(an, m->raw_json, m->raw_len, on_hit, m, doubt_block, &d))
        return false;
    /* the event's strings come from this text (unescaped): ASCII too */
    m->text_ascii = d.plain;
    return true;
}

static void run_group(sigma_matcher *m, uint32_t g)
{
    if (m->group_gen[g] == m->gen)
        return;
    m->group_gen[g] = m->gen;
    const rgroup *G = &m->rs->groups[g];
    for (size_t i = 0; i < G->nalways; i++)
        mark(m, G->always[i]);
    for (size_t f = 0; f < G->nfields; f++) {
        uint32_t slot = G->fields[f].slot;
        if (slot == m->rs->kw_slot && G->kw_json && m->raw_json && m->slot_gen[slot] != m->gen &&
            kw_json_scan(m, G)) {
            continue;
        }
        if (slot == m->rs->kw_slot && G->kw_json && m->raw_json &&
            m->slot_gen[slot] != m->gen &&
            json_text_scannable(m->raw_json, m->raw_len, G->kw_ascii)) {
            /* keywords without collecting the event's strings */
            sg_aho_scan(G->kw_json, m->raw_json, m->raw_len, on_hit, m);
            continue;
        }
        scan_values(m, G->fields[f].ac, slot);
    }
}

/* Dispatch value indices of this event for field k (0 = no rule names it). */
static size_t disp_values(sigma_matcher *m, unsigned k, uint32_t *out, size_t cap)
{
    const sigma_ruleset *rs = m->rs;
    size_t n = 0;
    for (uint32_t i = slot_values(m, rs->disp_slot[k]); i != NO_VAL && n < cap;
         i = m->vals[i].next) {
        const sigma_value *v = &m->vals[i].v;
        disp_memo *c = &m->disp_cache[k];
        uint32_t idx;
        if (c->ok && c->type == v->type &&
            (v->type == SIGMA_V_INT ? c->i == v->i
                                    : v->type == SIGMA_V_STRING && c->len == v->len &&
                                          memcmp(c->text, v->str, v->len) == 0)) {
            idx = c->idx;
        } else {
            char buf[256];
            size_t len = sg_dispatch_key(v, buf, sizeof buf);
            idx = len ? sg_strmap_get(&rs->disp_map[k], buf, len) : UINT32_MAX;
            idx = idx == UINT32_MAX ? 0 : idx;
            c->ok = v->type == SIGMA_V_INT || (v->type == SIGMA_V_STRING && v->len <= sizeof c->text);
            if (c->ok) {
                c->type = (uint8_t)v->type;
                c->i = v->i;
                c->len = v->type == SIGMA_V_STRING ? v->len : 0;
                if (c->len)
                    memcpy(c->text, v->str, c->len);
                c->idx = idx;
            }
        }
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup |= out[j] == idx;
        if (!dup)
            out[n++] = idx;
    }
    if (!n)
        out[n++] = 0;
    return n;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static sigma_status run(sigma_matcher *m, sigma_match_fn fn, void *user)
{
    const sigma_ruleset *rs = m->rs;
    m->events++;
    if (m->parse_only)
        return SIGMA_OK;
    unsigned fast = 0; /* rrule.fast_root index */
    if (m->no_prefilter) {
        for (uint32_t r = 0; r < rs->nrules; r++)
            mark(m, r);
    } else if (rs->ndisp == 0) {
        if (rs->ngroups)
            run_group(m, 0);
    } else {
        uint32_t v0[16], v1[16] = {0};
        size_t n0 = disp_values(m, 0, v0, 16), n1 = 1;
        size_t nv1 = 1;
        if (rs->ndisp > 1) {
            n1 = disp_values(m, 1, v1, 16);
            nv1 = rs->disp_map[1].n + 1;
        }
        for (size_t a = 0; a < n0; a++)
            for (size_t b = 0; b < n1; b++)
                run_group(m, rs->combo[v0[a] * nv1 + v1[b]]);
        /* one known value: the rules reached have their pins on it true */
        fast = (n0 == 1 && v0[0]) | (rs->ndisp > 1 && n1 == 1 && v1[0]) << 1;
    }
    bool stop = false;
    for (size_t w = m->mark_lo; w < m->mark_hi; w++) {
        uint64_t bits = m->mark[w];
        m->mark[w] = 0;
        while (bits && !stop) {
            uint32_t r = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
            bits &= bits - 1;
            const rrule *rule = &rs->rules[r];
            m->evaluated++;
            m->cur_rule = r;
            bool hit;
            if (m->stats) {
                uint64_t t0 = now_ns();
                hit = eval(m, rule->fast_root[fast]);
                m->ns[r] += now_ns() - t0;
                m->evals[r]++;
                m->hits[r] += hit;
            } else {
                hit = eval(m, rule->fast_root[fast]);
            }
            if (hit && fn && fn(user, &rule->info))
                stop = true;
        }
    }
    m->mark_lo = m->nw;
    m->mark_hi = 0;
    return m->oom ? SIGMA_ENOMEM : SIGMA_OK;
}

sigma_status sg_matcher_finish(sigma_matcher *m, const char *raw_json, size_t raw_len,
                               sg_each_fn each, void *each_ctx, sigma_match_fn fn, void *user)
{
    m->prefilled = true;
    m->acc = NULL;
    m->each = each;
    m->each_ctx = each_ctx;
    m->raw_json = raw_json;
    m->raw_len = raw_len;
    return run(m, fn, user);
}

sigma_status sigma_matcher_match(sigma_matcher *m, const sigma_accessor *acc, void *event,
                                 sigma_match_fn fn, void *user)
{
    if (!m || !acc || !acc->get)
        return SIGMA_EINVAL;
    sg_matcher_begin(m);
    m->prefilled = false;
    m->raw_json = NULL;
    m->acc = acc;
    m->event = event;
    return run(m, fn, user);
}
