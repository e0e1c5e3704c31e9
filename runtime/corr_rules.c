/* corr_rules.c - correlations into the ruleset, and captures (see
 * corr_rules.h). */
#include "corr_rules.h"
#include "corr_time.h"
#include "match.h"
#include "rs.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATCH "match"
#define DEFAULT_TS "@timestamp"
#define MISSING UINT32_MAX

/* ---- the builder ------------------------------------------------------------------ */

typedef struct b_feed {
    uint32_t corr, input; /* corr: index in b->corrs */
    size_t rule;
    const char **gfields, **vfields;
    uint32_t ng, nv;
} b_feed;

typedef struct b_link {
    const sg_correlation *child;
    uint32_t parent, input; /* parent: index in b->corrs */
    int32_t *map;
} b_link;

typedef struct b_corr {
    const sg_correlation *c;
    bool report;
    size_t order; /* position in the definitions */
} b_corr;

struct sg_corr_build {
    sg_arena *a;
    const sg_rule **srcs; /* [rule index] */
    size_t nsrcs, capsrcs;
    unsigned char *reported;
    const char **ts;
    size_t nts, capts;
    b_corr *corrs;
    size_t ncorrs, capcorrs;
    b_feed *feeds;
    size_t nfeeds, capfeeds;
    b_link *links;
    size_t nlinks, caplinks;
};

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = sg_realloc(*p, c * elem);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

sg_corr_build *sg_corr_build_new(void)
{
    sg_corr_build *b = sg_calloc(1, sizeof *b);
    if (b && !(b->a = sg_arena_create())) {
        sg_free(b);
        return NULL;
    }
    return b;
}

void sg_corr_build_free(sg_corr_build *b)
{
    if (!b)
        return;
    sg_free(b->srcs);
    sg_free(b->reported);
    sg_free(b->ts);
    sg_free(b->corrs);
    sg_free(b->feeds);
    sg_free(b->links);
    sg_arena_destroy(b->a);
    sg_free(b);
}

bool sg_corr_build_rule(sg_corr_build *b, const ir_rule *ir, size_t index)
{
    if (!grow((void **)&b->srcs, &b->capsrcs, index + 1, sizeof *b->srcs))
        return false;
    size_t cap = b->capsrcs;
    unsigned char *rep = sg_realloc(b->reported, cap);
    if (!rep)
        return false;
    b->reported = rep;
    while (b->nsrcs <= index) {
        b->srcs[b->nsrcs] = NULL;
        b->reported[b->nsrcs++] = 1;
    }
    b->srcs[index] = ir->src;
    const char *ts = ir_state_get(ir, "timestamp_field");
    if (!ts || !*ts)
        return true;
    for (size_t i = 0; i < b->nts; i++)
        if (!strcmp(b->ts[i], ts))
            return true;
    if (!grow((void **)&b->ts, &b->capts, b->nts + 1, sizeof *b->ts))
        return false;
    if (!(b->ts[b->nts] = sg_arena_strdup(b->a, ts)))
        return false;
    b->nts++;
    return true;
}

static bool rule_index(const sg_corr_build *b, const sg_rule *src, size_t *out)
{
    for (size_t i = 0; i < b->nsrcs; i++)
        if (b->srcs[i] == src) {
            *out = i;
            return true;
        }
    return false;
}

/* Why the matcher cannot run c (NULL: it can). */
static const char *unsupported_reason(const sg_correlation *c)
{
    if (c->type == SG_CORR_TEMPORAL_ORDERED) {
        bool all = !c->expr;
        for (size_t k = 0; all && k <= c->nrules; k++) {
            bool holds = true;
            for (size_t i = 0; i < c->ncmps && holds; i++) {
                double v = (double)k, w = c->cmps[i].num.f;
                switch (c->cmps[i].op) {
                case SG_CMP_GT: holds = v > w; break;
                case SG_CMP_GTE: holds = v >= w; break;
                case SG_CMP_LT: holds = v < w; break;
                case SG_CMP_LTE: holds = v <= w; break;
                case SG_CMP_EQ: holds = v == w; break;
                default: holds = v != w; break;
                }
            }
            all = holds == (k == c->nrules);
        }
        if (!all)
            return "a temporal_ordered correlation needs all its rules in order (leave out "
                   "'condition' or write 'gte: N' with N the number of rules); other counts of "
                   "ordered rules have no clear meaning";
    }
    if (sg_corr_type_has_field(c->type))
        for (size_t i = 0; i < c->nrules; i++)
            if (c->rules[i].corr)
                return "the alerts of a correlation it names carry no field values to aggregate";
    return NULL;
}

/* c and every correlation below it can run. */
static bool check_tree(const sg_correlation *c, const sg_correlation *top, sg_diags *d,
                       unsigned depth)
{
    if (depth > 64)
        return false;
    const char *why = unsupported_reason(c);
    if (why) {
        sg_pos p = c->type_pos.line ? c->type_pos : c->src->pos;
        if (c == top)
            sg_diag_add(d, SG_SEV_ERROR, "unsupported", p, "%s: %s", MATCH, why);
        else
            sg_diag_add(d, SG_SEV_ERROR, "unsupported", top->src->pos,
                        "%s: correlation '%s' it names cannot be matched: %s", MATCH,
                        c->src->title.s ? c->src->title.s : "?", why);
        return false;
    }
    for (size_t i = 0; i < c->nrules; i++)
        if (c->rules[i].corr && !check_tree(c->rules[i].corr, top, d, depth + 1))
            return false;
    return true;
}

static const char **copy_names(sg_arena *a, const char *const *v, size_t n)
{
    const char **r = sg_arena_alloc(a, (n ? n : 1) * sizeof *r);
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(r[i] = sg_arena_strdup(a, v[i] ? v[i] : "")))
            return NULL;
    return r;
}

sigma_status sg_corr_build_view(sg_corr_build *b, const sg_corrset *cs, const sg_corr_view *v,
                                bool standalone, sg_diags *d)
{
    const sg_correlation *c = v->corr;
    if (!check_tree(c, c, d, 0))
        return SIGMA_ENOTSUP;
    /* every base rule must be in the ruleset */
    size_t *idx = sg_calloc(v->ninputs ? v->ninputs : 1, sizeof *idx);
    if (!idx)
        return SIGMA_ENOMEM;
    sigma_status st = SIGMA_OK;
    for (size_t i = 0; i < v->ninputs && st == SIGMA_OK; i++) {
        const sg_corr_input *in = &v->inputs[i];
        if (in->sub)
            continue;
        if (!in->ir || !rule_index(b, in->ir->src, &idx[i])) {
            sg_diag_add(d, SG_SEV_ERROR, "unsupported", in->ref->pos,
                        "%s: rule '%s' could not be compiled for matching, so neither can this "
                        "correlation",
                        MATCH, in->ref->text);
            st = SIGMA_ENOTSUP;
        }
    }
    if (st != SIGMA_OK)
        goto done;
    st = SIGMA_ENOMEM;
    if (!grow((void **)&b->corrs, &b->capcorrs, b->ncorrs + 1, sizeof *b->corrs))
        goto done;
    uint32_t me = (uint32_t)b->ncorrs;
    b->corrs[b->ncorrs++] = (b_corr){c, standalone, 0};
    for (size_t i = 0; i < v->ninputs; i++) {
        const sg_corr_input *in = &v->inputs[i];
        if (in->sub) {
            /* parent group-by g <- the child's entry with that name */
            const sg_correlation *ch = in->ref->corr;
            if (!grow((void **)&b->links, &b->caplinks, b->nlinks + 1, sizeof *b->links))
                goto done;
            int32_t *map = sg_arena_alloc(b->a, (c->ngroup_by ? c->ngroup_by : 1) * sizeof *map);
            if (!map)
                goto done;
            for (size_t g = 0; g < c->ngroup_by; g++) {
                map[g] = -1;
                for (size_t k = 0; k < ch->ngroup_by; k++)
                    if (!strcmp(ch->group_by[k].name, in->group_fields[g]))
                        map[g] = (int32_t)k;
            }
            b->links[b->nlinks++] = (b_link){ch, me, (uint32_t)i, map};
            continue;
        }
        if (!grow((void **)&b->feeds, &b->capfeeds, b->nfeeds + 1, sizeof *b->feeds))
            goto done;
        b_feed *f = &b->feeds[b->nfeeds];
        f->corr = me;
        f->input = (uint32_t)i;
        f->rule = idx[i];
        f->ng = (uint32_t)c->ngroup_by;
        f->nv = (uint32_t)c->nfields;
        if (!(f->gfields = copy_names(b->a, in->group_fields, c->ngroup_by)) ||
            !(f->vfields = copy_names(b->a, in->value_fields, c->nfields)))
            goto done;
        b->nfeeds++;
        if (!sg_corrset_standalone(cs, in->ir->src))
            b->reported[idx[i]] = 0;
    }
    st = SIGMA_OK;
done:
    sg_free(idx);
    return st;
}

/* ---- finishing: definitions in dependency order --------------------------------------- */

static bool expr_post(sg_arena *a, const sg_corr_expr *x, sg_ce_expr *out, size_t *n, size_t cap,
                      unsigned depth)
{
    if (!x || depth > 200 || *n >= cap)
        return false;
    uint32_t l = 0, r = 0;
    switch (x->kind) {
    case SG_CX_RULE:
        out[*n] = (sg_ce_expr){CE_X_INPUT, (uint32_t)x->rule, 0};
        break;
    case SG_CX_NOT:
        if (!expr_post(a, x->a, out, n, cap, depth + 1))
            return false;
        out[*n] = (sg_ce_expr){CE_X_NOT, (uint32_t)(*n - 1), 0};
        break;
    default:
        if (!expr_post(a, x->a, out, n, cap, depth + 1))
            return false;
        l = (uint32_t)(*n - 1);
        if (!expr_post(a, x->b, out, n, cap, depth + 1))
            return false;
        r = (uint32_t)(*n - 1);
        out[*n] = (sg_ce_expr){x->kind == SG_CX_AND ? CE_X_AND : CE_X_OR, l, r};
        break;
    }
    (*n)++;
    return true;
}

static size_t expr_size(const sg_corr_expr *x, unsigned depth)
{
    if (!x || depth > 200)
        return 0;
    return 1 + expr_size(x->a, depth + 1) + expr_size(x->b, depth + 1);
}

static const char *adup(sg_arena *a, const char *s, bool *ok)
{
    if (!s)
        return NULL;
    const char *r = sg_arena_strdup(a, s);
    *ok &= r != NULL;
    return r;
}

static int find_corr(const sg_corr_build *b, const sg_correlation *c)
{
    for (size_t i = 0; i < b->ncorrs; i++)
        if (b->corrs[i].c == c)
            return (int)i;
    return -1;
}

bool sg_corr_build_finish(sg_corr_build *b, sigma_ruleset *rs, sg_corr_slot_fn slot, void *ctx)
{
    rs->corr = NULL;
    if (!b->ncorrs)
        return true;
    sg_arena *a = rs->arena;
    size_t n = b->ncorrs;
    /* drop parents whose child could not be built, until nothing changes */
    bool *dead = sg_calloc(n, sizeof *dead);
    size_t *depth = sg_calloc(n, sizeof *depth);
    bool ok = dead && depth;
    for (bool changed = ok; changed;) {
        changed = false;
        for (size_t k = 0; k < b->nlinks; k++) {
            int ch = find_corr(b, b->links[k].child);
            uint32_t p = b->links[k].parent;
            if (!dead[p] && (ch < 0 || dead[ch])) {
                dead[p] = true;
                changed = true;
            }
        }
    }
    /* depth = longest chain of children below: children first */
    for (size_t round = 0; ok && round <= n; round++)
        for (size_t k = 0; k < b->nlinks; k++) {
            int ch = find_corr(b, b->links[k].child);
            uint32_t p = b->links[k].parent;
            if (ch >= 0 && depth[p] < depth[ch] + 1)
                depth[p] = depth[ch] + 1;
        }
    sg_corr_rules *cr = ok ? sg_arena_alloc(a, sizeof *cr) : NULL;
    if (!cr)
        goto fail;
    memset(cr, 0, sizeof *cr);
    size_t nd = 0;
    for (size_t i = 0; i < n; i++)
        nd += !dead[i];
    cr->defs = sg_arena_alloc(a, (nd ? nd : 1) * sizeof *cr->defs);
    cr->info = sg_arena_alloc(a, (nd ? nd : 1) * sizeof *cr->info);
    cr->group_names = sg_arena_alloc(a, (nd ? nd : 1) * sizeof *cr->group_names);
    if (!cr->defs || !cr->info || !cr->group_names)
        goto fail;
    size_t maxd = 0;
    for (size_t i = 0; i < n; i++)
        if (depth[i] > maxd)
            maxd = depth[i];
    for (size_t dd = 0; dd <= maxd; dd++)
        for (size_t i = 0; i < n; i++)
            if (!dead[i] && depth[i] == dd)
                b->corrs[i].order = cr->ndefs++;
    for (size_t i = 0; i < n; i++) {
        if (dead[i])
            continue;
        const sg_correlation *c = b->corrs[i].c;
        size_t o = b->corrs[i].order;
        sg_ce_def *d = &cr->defs[o];
        memset(d, 0, sizeof *d);
        d->type = c->type;
        d->span = c->timespan * 1000000;
        d->ninputs = (uint32_t)c->nrules;
        d->ngroup = (uint32_t)c->ngroup_by;
        d->report = b->corrs[i].report;
        d->percentile = c->type == SG_CORR_VALUE_MEDIAN ? 50 : c->percentile;
        sg_ce_cmp *cm = sg_arena_alloc(a, (c->ncmps ? c->ncmps : 1) * sizeof *cm);
        if (!cm)
            goto fail;
        for (size_t k = 0; k < c->ncmps; k++)
            cm[k] = (sg_ce_cmp){c->cmps[k].op, c->cmps[k].num.f};
        d->cmps = cm;
        d->ncmps = c->ncmps;
        if (c->expr) {
            size_t cap = expr_size(c->expr, 0);
            sg_ce_expr *x = sg_arena_alloc(a, (cap ? cap : 1) * sizeof *x);
            size_t nx = 0;
            if (!x || !expr_post(a, c->expr, x, &nx, cap, 0))
                goto fail;
            d->expr = x;
            d->nexpr = nx;
        }
        /* links to the parents that name it */
        size_t nl = 0;
        for (size_t k = 0; k < b->nlinks; k++)
            nl += b->links[k].child == c && !dead[b->links[k].parent];
        sg_ce_link *ls = sg_arena_alloc(a, (nl ? nl : 1) * sizeof *ls);
        if (!ls)
            goto fail;
        d->nlinks = 0;
        for (size_t k = 0; k < b->nlinks; k++)
            if (b->links[k].child == c && !dead[b->links[k].parent])
                ls[d->nlinks++] = (sg_ce_link){(uint32_t)b->corrs[b->links[k].parent].order,
                                               b->links[k].input, b->links[k].map};
        d->links = ls;
        bool sok = true;
        sigma_rule_info *inf = &cr->info[o];
        inf->index = o;
        inf->id = adup(a, c->src->id.s, &sok);
        inf->title = adup(a, c->src->title.s, &sok);
        inf->level = adup(a, c->src->level.s, &sok);
        inf->path = adup(a, c->src->path, &sok);
        const char **gn = sg_arena_alloc(a, (c->ngroup_by ? c->ngroup_by : 1) * sizeof *gn);
        if (!sok || !gn)
            goto fail;
        for (size_t g = 0; g < c->ngroup_by; g++)
            if (!(gn[g] = sg_arena_strdup(a, c->group_by[g].name)))
                goto fail;
        cr->group_names[o] = gn;
    }
    /* the maps were allocated in the builder's arena: copy them over */
    for (size_t i = 0; i < cr->ndefs; i++)
        for (size_t k = 0; k < cr->defs[i].nlinks; k++) {
            sg_ce_link *l = (sg_ce_link *)&cr->defs[i].links[k];
            uint32_t ng = cr->defs[l->parent].ngroup;
            int32_t *m = sg_arena_alloc(a, (ng ? ng : 1) * sizeof *m);
            if (!m)
                goto fail;
            memcpy(m, l->map, ng * sizeof *m);
            l->map = m;
        }
    /* feeds, by rule */
    cr->nrules = rs->nrules;
    cr->feed_off = sg_arena_alloc(a, (rs->nrules + 1) * sizeof *cr->feed_off);
    cr->reported = sg_arena_alloc(a, rs->nrules ? rs->nrules : 1);
    size_t nf = 0;
    for (size_t k = 0; k < b->nfeeds; k++)
        nf += !dead[b->feeds[k].corr];
    cr->feeds = sg_arena_alloc(a, (nf ? nf : 1) * sizeof *cr->feeds);
    if (!cr->feed_off || !cr->reported || !cr->feeds)
        goto fail;
    size_t at = 0;
    for (size_t r = 0; r < rs->nrules; r++) {
        cr->feed_off[r] = (uint32_t)at;
        cr->reported[r] = r < b->nsrcs ? b->reported[r] : 1;
        for (size_t k = 0; k < b->nfeeds; k++) {
            const b_feed *f = &b->feeds[k];
            if (f->rule != r || dead[f->corr])
                continue;
            sg_corr_feed *o = &cr->feeds[at++];
            o->corr = (uint32_t)b->corrs[f->corr].order;
            o->input = f->input;
            o->nvalues = f->nv;
            uint32_t *gs = sg_arena_alloc(a, (f->ng ? f->ng : 1) * sizeof *gs);
            uint32_t *vs = sg_arena_alloc(a, (f->nv ? f->nv : 1) * sizeof *vs);
            if (!gs || !vs)
                goto fail;
            for (uint32_t g = 0; g < f->ng; g++)
                if ((gs[g] = slot(ctx, f->gfields[g])) == MISSING)
                    goto fail;
            for (uint32_t g = 0; g < f->nv; g++)
                if ((vs[g] = slot(ctx, f->vfields[g])) == MISSING)
                    goto fail;
            o->group_slots = gs;
            o->value_slots = vs;
        }
    }
    cr->feed_off[rs->nrules] = (uint32_t)at;
    /* timestamp fields */
    size_t nts = b->nts ? b->nts : 1;
    cr->ts_slots = sg_arena_alloc(a, nts * sizeof *cr->ts_slots);
    cr->ts_names = sg_arena_alloc(a, nts * sizeof *cr->ts_names);
    if (!cr->ts_slots || !cr->ts_names)
        goto fail;
    for (size_t i = 0; i < nts; i++) {
        const char *name = b->nts ? b->ts[i] : DEFAULT_TS;
        if (!(cr->ts_names[i] = sg_arena_strdup(a, name)) ||
            (cr->ts_slots[i] = slot(ctx, name)) == MISSING)
            goto fail;
    }
    cr->nts = nts;
    rs->corr = cr;
    sg_free(dead);
    sg_free(depth);
    return true;
fail:
    sg_free(dead);
    sg_free(depth);
    return false;
}

/* ---- captures ----------------------------------------------------------------------------- */

typedef struct wbuf {
    char *p;
    size_t cap, len;
} wbuf;

static void put(wbuf *w, const void *s, size_t n)
{
    if (w->len + n <= w->cap && n)
        memcpy(w->p + w->len, s, n);
    w->len += n;
}

static void put_u32(wbuf *w, uint32_t v)
{
    put(w, &v, sizeof v);
}

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* The text of a value for keys; false when it has none (null, object). */
static bool value_text(const sigma_value *v, const char **s, size_t *n)
{
    switch (v->type) {
    case SIGMA_V_STRING:
    case SIGMA_V_INT:
    case SIGMA_V_FLOAT:
    case SIGMA_V_BOOL:
        if (!v->str)
            return false;
        *s = v->str;
        *n = v->len;
        return true;
    default:
        return false;
    }
}

/* One value in key format, long ones as a prefix and a hash. */
static void put_value(wbuf *w, const char *s, size_t n)
{
    if (n <= SG_CORR_MAX_VALUE) {
        put_u32(w, (uint32_t)n);
        put(w, s, n);
        return;
    }
    char tail[24];
    int k = snprintf(tail, sizeof tail, "...#%016llx", (unsigned long long)fnv(s, n));
    size_t pre = SG_CORR_MAX_VALUE - (size_t)k;
    put_u32(w, (uint32_t)(pre + (size_t)k));
    put(w, s, pre);
    put(w, tail, (size_t)k);
}

static bool value_number(const sigma_value *v, double *out)
{
    if (v->type == SIGMA_V_INT) {
        *out = (double)v->i;
        return true;
    }
    if (v->type == SIGMA_V_FLOAT) {
        *out = v->f;
        return true;
    }
    if (v->type != SIGMA_V_STRING || !v->len || v->len >= 64)
        return false;
    char buf[64];
    memcpy(buf, v->str, v->len);
    buf[v->len] = '\0';
    char *end;
    *out = strtod(buf, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    return end != buf && *end == '\0';
}

bool sg_corr_event_time(sigma_matcher *m, const sg_corr_rules *cr, int64_t *us)
{
    for (size_t i = 0; cr && i < cr->nts; i++) {
        sigma_value v;
        if (sg_matcher_value(m, cr->ts_slots[i], &v) && sg_time_from_value(&v, us))
            return true;
    }
    return false;
}

size_t sg_corr_capture(sigma_matcher *m, const sg_corr_rules *cr, size_t rule, char *buf,
                       size_t cap)
{
    if (!cr || rule >= cr->nrules || cr->feed_off[rule] == cr->feed_off[rule + 1])
        return 0;
    wbuf w = {buf, cap, 0};
    int64_t t = 0;
    unsigned char has_t = sg_corr_event_time(m, cr, &t);
    put_u32(&w, (uint32_t)rule);
    put(&w, &has_t, 1);
    put(&w, &t, sizeof t);
    uint32_t nf = cr->feed_off[rule + 1] - cr->feed_off[rule];
    put_u32(&w, nf);
    for (uint32_t k = cr->feed_off[rule]; k < cr->feed_off[rule + 1]; k++) {
        const sg_corr_feed *f = &cr->feeds[k];
        const sg_ce_def *d = &cr->defs[f->corr];
        put_u32(&w, f->corr);
        put_u32(&w, f->input);
        /* the group key, or MISSING */
        size_t at = w.len;
        put_u32(&w, 0);
        bool missing = false;
        for (uint32_t g = 0; g < d->ngroup && !missing; g++) {
            sigma_value v;
            const char *s;
            size_t n;
            if (sg_matcher_value(m, f->group_slots[g], &v) && value_text(&v, &s, &n))
                put_value(&w, s, n);
            else
                missing = true;
        }
        uint32_t klen = missing ? MISSING : (uint32_t)(w.len - at - 4);
        if (missing)
            w.len = at + 4;
        if (at + 4 <= w.cap)
            memcpy(w.p + at, &klen, 4);
        /* the value: distinct-by bytes and/or a number */
        unsigned char flags = 0;
        size_t vat = w.len;
        put(&w, &flags, 1);
        put_u32(&w, 0);
        size_t vstart = w.len;
        double num = 0;
        if (f->nvalues && !missing) {
            bool all = true;
            for (uint32_t g = 0; g < f->nvalues && all; g++) {
                sigma_value v;
                const char *s;
                size_t n;
                if (sg_matcher_value(m, f->value_slots[g], &v) && value_text(&v, &s, &n)) {
                    put_value(&w, s, n);
                    if (g == 0 && value_number(&v, &num))
                        flags |= 2;
                } else {
                    all = false;
                }
            }
            if (all)
                flags |= 1;
            else
                w.len = vstart;
        }
        uint32_t vlen = (uint32_t)(w.len - vstart);
        if (vat + 5 <= w.cap) {
            w.p[vat] = (char)flags;
            memcpy(w.p + vat + 1, &vlen, 4);
        }
        put(&w, &num, sizeof num);
    }
    return w.len;
}

typedef struct rbuf {
    const char *p;
    size_t len, at;
    bool bad;
} rbuf;

static void get(rbuf *r, void *out, size_t n)
{
    if (r->bad || r->at + n > r->len) {
        r->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p + r->at, n);
    r->at += n;
}

static const char *take(rbuf *r, size_t n)
{
    if (r->bad || r->at + n > r->len) {
        r->bad = true;
        return NULL;
    }
    const char *s = r->p + r->at;
    r->at += n;
    return s;
}

bool sg_corr_decode(const char *cap, size_t len, sg_ce_hit *out, size_t max, sg_corr_decoded *d)
{
    rbuf r = {cap, len, 0, false};
    memset(d, 0, sizeof *d);
    unsigned char has_t;
    uint32_t nf;
    get(&r, &d->rule, 4);
    get(&r, &has_t, 1);
    get(&r, &d->time, 8);
    get(&r, &nf, 4);
    d->has_time = has_t != 0;
    for (uint32_t k = 0; k < nf && !r.bad; k++) {
        sg_ce_hit h;
        memset(&h, 0, sizeof h);
        uint32_t klen, vlen;
        unsigned char flags;
        get(&r, &h.corr, 4);
        get(&r, &h.input, 4);
        get(&r, &klen, 4);
        if (klen != MISSING) {
            h.key = take(&r, klen);
            h.keylen = klen;
        }
        get(&r, &flags, 1);
        get(&r, &vlen, 4);
        const char *v = take(&r, vlen);
        get(&r, &h.num, 8);
        if (r.bad)
            break;
        if (klen == MISSING) {
            d->nmissing++;
            continue;
        }
        if (flags & 1) {
            h.val = v;
            h.vallen = vlen;
        }
        h.has_num = (flags & 2) != 0;
        if (d->nhits < max)
            out[d->nhits] = h;
        d->nhits++;
    }
    return !r.bad;
}
