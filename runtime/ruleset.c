/* ruleset.c - IR rules (after pipelines) -> the flat, immutable ruleset.
 *
 * Literals are folded here once, regexes compiled and JIT-compiled here
 * once; the matcher only reads. */
#include "compile_ir.h"
#include "corr_rules.h"
#include "driver.h"
#include "fold.h"
#include "re_jitsafe.h"
#include "rs.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

#define MATCH_TARGET "match"

typedef struct builder {
    sigma_ruleset *rs;
    size_t caprules, capnodes, capkids, captests, capslots;
    sg_diags *d; /* the current rule's */
    const ir_rule *ir;
    bool unsupported;
    sg_corr_build *cb; /* correlations (corr_rules.c) */
} builder;

/* ---- string maps (open addressing, arena-owned) --------------------------------- */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

uint32_t sg_strmap_get(const sg_strmap *m, const char *k, size_t len)
{
    if (!m->cap)
        return UINT32_MAX;
    size_t mask = m->cap - 1;
    for (size_t i = hash_bytes(k, len) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return UINT32_MAX;
        if (m->lens[i] == len && memcmp(m->keys[i], k, len) == 0)
            return m->vals[i];
    }
}

bool sg_strmap_put(sg_arena *a, sg_strmap *m, const char *k, size_t len, uint32_t v)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        const char **keys = sg_arena_alloc(a, cap * sizeof *keys);
        size_t *lens = sg_arena_alloc(a, cap * sizeof *lens);
        uint32_t *vals = sg_arena_alloc(a, cap * sizeof *vals);
        if (!keys || !lens || !vals)
            return false;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = hash_bytes(m->keys[i], m->lens[i]) & (cap - 1);
            while (keys[j])
                j = (j + 1) & (cap - 1);
            keys[j] = m->keys[i];
            lens[j] = m->lens[i];
            vals[j] = m->vals[i];
        }
        m->keys = keys;
        m->lens = lens;
        m->vals = vals;
        m->cap = cap;
    }
    size_t mask = m->cap - 1;
    size_t i = hash_bytes(k, len) & mask;
    while (m->keys[i]) {
        if (m->lens[i] == len && memcmp(m->keys[i], k, len) == 0) {
            m->vals[i] = v;
            return true;
        }
        i = (i + 1) & mask;
    }
    char *copy = sg_arena_strndup(a, k, len);
    if (!copy)
        return false;
    m->keys[i] = copy;
    m->lens[i] = len;
    m->vals[i] = v;
    m->n++;
    return true;
}

/* ---- growing arrays ------------------------------------------------------------- */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *q = sg_realloc(*p, c * elem);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* Slot of a field name; NULL = the keyword slot. SG_NO_SLOT on OOM. */
static uint32_t slot_of(builder *B, const char *name)
{
    sigma_ruleset *rs = B->rs;
    if (!name && rs->kw_slot != SG_NO_SLOT)
        return rs->kw_slot;
    if (name) {
        uint32_t s = sg_strmap_get(&rs->slot_map, name, strlen(name));
        if (s != UINT32_MAX)
            return s;
    }
    if (!grow((void **)&rs->slot_names, &B->capslots, rs->nslots + 1, sizeof *rs->slot_names))
        return SG_NO_SLOT;
    size_t cap = B->capslots;
    size_t *lens = sg_realloc(rs->slot_lens, cap * sizeof *lens);
    if (!lens)
        return SG_NO_SLOT;
    rs->slot_lens = lens;
    uint32_t s = (uint32_t)rs->nslots;
    if (name) {
        const char *copy = sg_arena_strdup(rs->arena, name);
        if (!copy || !sg_strmap_put(rs->arena, &rs->slot_map, name, strlen(name), s))
            return SG_NO_SLOT;
        rs->slot_names[s] = copy;
        rs->slot_lens[s] = strlen(name);
        if (!strcmp(name, "_raw"))
            rs->raw_slot = s;
    } else {
        rs->slot_names[s] = NULL;
        rs->slot_lens[s] = 0;
        rs->kw_slot = s;
    }
    rs->nslots++;
    return s;
}

/* ---- tests ---------------------------------------------------------------------- */

static const char *fold_copy(builder *B, const char *s, size_t n, bool cased, size_t *out_len)
{
    char *p = sg_arena_alloc(B->rs->arena, n + 1);
    if (!p)
        return NULL;
    if (cased) {
        memcpy(p, s, n);
        *out_len = n;
    } else {
        *out_len = sg_fold(s, n, p);
    }
    return p;
}

static void unsupported(builder *B, sg_pos pos, const char *what)
{
    if (!pos.file)
        pos.file = B->ir->path;
    sg_diag_add(B->d, SG_SEV_ERROR, "unsupported", pos, "%s: %s", MATCH_TARGET, what);
    B->unsupported = true;
}

static bool compile_regex(builder *B, const ir_test *t, rtest *r)
{
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (t->re_flags & IR_RE_I)
        opts |= PCRE2_CASELESS;
    if (t->re_flags & IR_RE_M)
        opts |= PCRE2_MULTILINE;
    if (t->re_flags & IR_RE_S)
        opts |= PCRE2_DOTALL;
    int err = 0;
    PCRE2_SIZE off = 0;
    char *safe;
    size_t safe_len;
    if (!sg_re_jitsafe(t->re, t->re_len, &safe, &safe_len))
        return false;
    r->re = pcre2_compile((PCRE2_SPTR)(safe ? safe : t->re), safe ? safe_len : t->re_len, opts,
                          &err, &off, NULL);
    sg_free(safe);
    if (!r->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        char buf[400];
        snprintf(buf, sizeof buf, "regular expression does not compile: %s", (char *)msg);
        unsupported(B, t->pos, buf);
        return true;
    }
    /* JIT is an optimisation: without it (unsupported CPU) matching still
     * works through the interpreter. */
    (void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
    r->lit = sg_arena_strndup(B->rs->arena, t->re, t->re_len); /* for atom extraction */
    r->len = t->re_len > UINT32_MAX ? 0 : (uint32_t)t->re_len; /* 0: no atom */
    r->cased = !(t->re_flags & IR_RE_I);
    return r->lit != NULL;
}

static bool compile_str(builder *B, const ir_test *t, rtest *r)
{
    r->mode = t->mode == IR_STR_EXACT      ? RM_EXACT
              : t->mode == IR_STR_CONTAINS ? RM_CONTAINS
              : t->mode == IR_STR_STARTSWITH ? RM_STARTS
                                             : RM_ENDS;
    r->cased = t->cased;
    const char *s;
    size_t n;
    if (ir_segs_literal(t->segs, t->nsegs, &s, &n)) {
        r->kind = RT_STR;
        if (n > UINT32_MAX) {
            unsupported(B, t->pos, "value longer than 4 GiB");
            return true;
        }
        size_t len = 0;
        r->lit = fold_copy(B, n ? s : "", n, t->cased, &len);
        r->len = (uint32_t)len;
        return r->lit != NULL;
    }
    if (ir_segs_has(t->segs, t->nsegs, IR_SEG_PLACEHOLDER)) {
        unsupported(B, t->pos, "unresolved %placeholder% (add a pipeline that defines it)");
        return true;
    }
    /* Globs keep the mode as explicit stars, so the matcher has one
     * algorithm: segs = [STAR] body [STAR]. */
    r->kind = RT_GLOB;
    bool lead = r->mode == RM_CONTAINS || r->mode == RM_ENDS;
    bool trail = r->mode == RM_CONTAINS || r->mode == RM_STARTS;
    size_t ns = t->nsegs + lead + trail;
    r->segs = sg_arena_alloc(B->rs->arena, ns * sizeof *r->segs);
    if (!r->segs)
        return false;
    r->nsegs = (uint32_t)ns;
    rt_seg *g = r->segs;
    if (lead)
        (g++)->kind = RS_STAR;
    for (size_t i = 0; i < t->nsegs; i++, g++) {
        g->kind = t->segs[i].kind == IR_SEG_STAR    ? RS_STAR
                  : t->segs[i].kind == IR_SEG_QMARK ? RS_QMARK
                                                    : RS_LIT;
        if (g->kind == RS_LIT) {
            size_t fl;
            g->s = fold_copy(B, t->segs[i].s, t->segs[i].len, t->cased, &fl);
            if (!g->s)
                return false;
            g->len = (uint32_t)fl;
        }
    }
    if (trail)
        g->kind = RS_STAR;
    r->mode = RM_EXACT;
    return true;
}

static const uint8_t num_ops[] = {[IR_NUM_EQ] = RN_EQ, [IR_NUM_LT] = RN_LT, [IR_NUM_LTE] = RN_LTE,
                                  [IR_NUM_GT] = RN_GT, [IR_NUM_GTE] = RN_GTE};

/* Returns the test index, or UINT32_MAX on OOM. */
static uint32_t compile_test(builder *B, const ir_test *t)
{
    sigma_ruleset *rs = B->rs;
    if (!grow((void **)&rs->tests, &B->captests, rs->ntests + 1, sizeof *rs->tests))
        return UINT32_MAX;
    uint32_t idx = (uint32_t)rs->ntests++;
    rtest *r = &rs->tests[idx];
    memset(r, 0, sizeof *r);
    r->ref = SG_NO_SLOT;
    r->slot = slot_of(B, t->field);
    if (r->slot == SG_NO_SLOT)
        return UINT32_MAX;
    bool ok = true;
    switch (t->kind) {
    case IR_T_STR:
        ok = compile_str(B, t, r);
        break;
    case IR_T_REGEX:
        r->kind = RT_REGEX;
        ok = compile_regex(B, t, r);
        break;
    case IR_T_CIDR:
        r->kind = RT_CIDR;
        r->family = (uint8_t)t->family;
        r->prefix = (uint8_t)t->prefix;
        memcpy(r->addr, t->addr, 16);
        break;
    case IR_T_NUM:
    case IR_T_TIMEPART:
        r->kind = t->kind == IR_T_NUM ? RT_NUM : RT_TIME;
        r->op = num_ops[t->op];
        r->is_int = t->num.is_int;
        r->i = t->num.i;
        r->f = t->num.f;
        if (t->kind == IR_T_TIMEPART)
            r->part = t->part == SG_MOD_MINUTE ? RP_MINUTE : t->part == SG_MOD_HOUR ? RP_HOUR
                      : t->part == SG_MOD_DAY  ? RP_DAY    : t->part == SG_MOD_WEEK ? RP_WEEK
                      : t->part == SG_MOD_MONTH ? RP_MONTH : RP_YEAR;
        break;
    case IR_T_NULL:
        r->kind = RT_NULL;
        break;
    case IR_T_EXISTS:
        r->kind = RT_EXISTS;
        r->exists = t->exists;
        break;
    case IR_T_FIELDREF:
        r->kind = RT_FIELDREF;
        r->cased = t->cased;
        r->mode = t->mode == IR_STR_EXACT      ? RM_EXACT
                  : t->mode == IR_STR_CONTAINS ? RM_CONTAINS
                  : t->mode == IR_STR_STARTSWITH ? RM_STARTS
                                                 : RM_ENDS;
        r->ref = slot_of(B, t->ref);
        if (r->ref == SG_NO_SLOT)
            return UINT32_MAX;
        break;
    case IR_T_EXPR:
        unsupported(B, t->pos, "a pipeline expression (query_expression_placeholders) has no "
                               "meaning for the matcher");
        break;
    }
    return ok ? idx : UINT32_MAX;
}

/* ---- expressions ---------------------------------------------------------------- */

static uint32_t compile_node(builder *B, const ir_node *n, unsigned depth)
{
    sigma_ruleset *rs = B->rs;
    if (depth > 10000) {
        unsupported(B, n->pos, "expression nested too deeply");
        return UINT32_MAX - 1;
    }
    rnode node = {0};
    switch (n->kind) {
    case IR_TRUE:
        node.kind = RN_TRUE;
        break;
    case IR_FALSE:
        node.kind = RN_FALSE;
        break;
    case IR_TEST:
        node.kind = RN_TEST;
        node.a = compile_test(B, n->test);
        if (node.a == UINT32_MAX)
            return UINT32_MAX;
        break;
    case IR_NOT:
        node.kind = RN_NOT;
        node.a = compile_node(B, n->kids[0], depth + 1);
        if (node.a >= UINT32_MAX - 1)
            return node.a;
        break;
    case IR_AND:
    case IR_OR: {
        node.kind = n->kind == IR_AND ? RN_AND : RN_OR;
        uint32_t tmp[64];
        uint32_t *k = n->nkids <= 64 ? tmp : sg_malloc(n->nkids * sizeof *k);
        if (!k)
            return UINT32_MAX;
        for (size_t i = 0; i < n->nkids; i++) {
            k[i] = compile_node(B, n->kids[i], depth + 1);
            if (k[i] >= UINT32_MAX - 1) {
                uint32_t e = k[i];
                if (k != tmp)
                    sg_free(k);
                return e;
            }
        }
        bool ok = grow((void **)&rs->kids, &B->capkids, rs->nkids + n->nkids, sizeof *rs->kids);
        if (ok) {
            memcpy(rs->kids + rs->nkids, k, n->nkids * sizeof *k);
            node.a = (uint32_t)rs->nkids;
            node.n = (uint32_t)n->nkids;
            rs->nkids += n->nkids;
        }
        if (k != tmp)
            sg_free(k);
        if (!ok)
            return UINT32_MAX;
        break;
    }
    }
    if (!grow((void **)&rs->nodes, &B->capnodes, rs->nnodes + 1, sizeof *rs->nodes))
        return UINT32_MAX;
    rs->nodes[rs->nnodes] = node;
    return (uint32_t)rs->nnodes++;
}

/* ---- the public API ------------------------------------------------------------- */

static sigma_status on_rule(void *user, const ir_rule *ir, sg_arena *a, sg_diags *d)
{
    (void)a;
    builder *B = user;
    sigma_ruleset *rs = B->rs;
    B->d = d;
    B->ir = ir;
    B->unsupported = false;
    uint32_t root = compile_node(B, ir->expr, 0);
    if (root == UINT32_MAX)
        return SIGMA_ENOMEM;
    if (B->unsupported || root == UINT32_MAX - 1)
        return SIGMA_ENOTSUP;
    if (!grow((void **)&rs->rules, &B->caprules, rs->nrules + 1, sizeof *rs->rules))
        return SIGMA_ENOMEM;
    rrule *r = &rs->rules[rs->nrules];
    memset(r, 0, sizeof *r);
    r->root = root;
    r->info.index = rs->nrules;
    sg_arena *ra = rs->arena;
    if ((ir->id && !(r->info.id = sg_arena_strdup(ra, ir->id))) ||
        (ir->title && !(r->info.title = sg_arena_strdup(ra, ir->title))) ||
        (ir->level && !(r->info.level = sg_arena_strdup(ra, ir->level))) ||
        (ir->path && !(r->info.path = sg_arena_strdup(ra, ir->path))))
        return SIGMA_ENOMEM;
    rs->nrules++;
    return sg_corr_build_rule(B->cb, ir, r->info.index) ? SIGMA_OK : SIGMA_ENOMEM;
}

static sigma_status on_corr(void *user, const sg_corrset *cs, const sg_corr_view *v,
                            bool standalone, sg_arena *a, sg_diags *d)
{
    (void)a;
    return sg_corr_build_view(((builder *)user)->cb, cs, v, standalone, d);
}

static uint32_t corr_slot(void *ctx, const char *name)
{
    return slot_of(ctx, name);
}

void sigma_ruleset_destroy(sigma_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->ntests; i++)
        if (rs->tests[i].kind == RT_REGEX)
            pcre2_code_free(rs->tests[i].re);
    sg_prefilter_free(rs);
    sg_free(rs->rules);
    sg_free(rs->nodes);
    sg_free(rs->kids);
    sg_free(rs->tests);
    sg_free(rs->slot_names);
    sg_free(rs->slot_lens);
    sg_arena_destroy(rs->arena);
    sg_free(rs);
}

sigma_status sigma_ruleset_build(sigma_compiler *c, sigma_ruleset **out)
{
    if (!c || !out)
        return SIGMA_EINVAL;
    *out = NULL;
    sigma_ruleset *rs = sg_calloc(1, sizeof *rs);
    if (!rs)
        return SIGMA_ENOMEM;
    rs->arena = sg_arena_create();
    rs->kw_slot = rs->raw_slot = SG_NO_SLOT;
    if (!rs->arena) {
        sg_free(rs);
        return SIGMA_ENOMEM;
    }
    builder B = {0};
    B.rs = rs;
    size_t nfailed = 0;
    sigma_status st = (B.cb = sg_corr_build_new()) ? SIGMA_OK : SIGMA_ENOMEM;
    if (st == SIGMA_OK)
        st = sg_compile_ir(c, MATCH_TARGET, on_rule, on_corr, &B, &nfailed);
    /* correlation fields become slots before the prefilter is built */
    if (st == SIGMA_OK && !sg_corr_build_finish(B.cb, rs, corr_slot, &B))
        st = SIGMA_ENOMEM;
    sg_corr_build_free(B.cb);
    if (st == SIGMA_OK && !sg_prefilter_build(rs))
        st = SIGMA_ENOMEM;
    if (st != SIGMA_OK) {
        sigma_ruleset_destroy(rs);
        return st;
    }
    rs->nfailed = nfailed;
    *out = rs;
    return nfailed && !c->skip_unsupported ? SIGMA_ENOTSUP : SIGMA_OK;
}

size_t sigma_ruleset_failed_count(const sigma_ruleset *rs)
{
    return rs ? rs->nfailed : 0;
}

size_t sigma_ruleset_rule_count(const sigma_ruleset *rs)
{
    return rs ? rs->nrules : 0;
}

const sigma_rule_info *sigma_ruleset_rule(const sigma_ruleset *rs, size_t i)
{
    return rs && i < rs->nrules ? &rs->rules[i].info : NULL;
}

size_t sigma_ruleset_field_count(const sigma_ruleset *rs)
{
    return rs ? rs->nslots : 0;
}

const char *sigma_ruleset_field(const sigma_ruleset *rs, size_t i)
{
    return rs && i < rs->nslots ? rs->slot_names[i] : NULL;
}

void sigma_ruleset_describe(const sigma_ruleset *rs, FILE *f)
{
    if (!rs || !f)
        return;
    fprintf(f, "%zu rules, %zu fields, %zu tests, %u dispatch field(s):", rs->nrules, rs->nslots,
            rs->ntests, rs->ndisp);
    for (unsigned k = 0; k < rs->ndisp; k++)
        fprintf(f, " %s (%zu values)", rs->slot_names[rs->disp_slot[k]], rs->disp_map[k].n);
    fprintf(f, "\n%zu groups, %zu atoms, %zu automaton states (%.1f MiB), %zu always-evaluated "
               "rule entries\n",
            rs->ngroups, rs->npatterns, rs->ac_states, rs->ac_memory / 1048576.0,
            rs->nalways_total);
}
