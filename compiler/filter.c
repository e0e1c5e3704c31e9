/* filter.c - Sigma filter documents: typed, turned into IR, merged into rules.
 *
 * A filter's `filter:` section is a detection section plus `rules:`. It is
 * rebuilt here as a rule tree (searches + condition, with the positions the
 * loader recorded) so the one IR builder gives it the same meaning, the same
 * modifiers and the same errors as a rule's detection. The filter's
 * condition selects the events to suppress: every rule it applies to gets
 * `and not (condition)`. */
#include "correlation.h"
#include "loader.h" /* the limits */

#include <string.h>
#include <strings.h>

#define CHECK "filter"
#define MAX_RULES 10000 /* keeps the duplicate check and matching bounded */

typedef struct fctx {
    sg_arena *a;
    sg_diags *d;
    const sg_rule *doc;
    sg_filter *f;
    bool oom;
} fctx;

static sg_pos at(const fctx *F, sg_pos p)
{
    if (p.line == 0)
        p = F->doc->pos;
    if (!p.file)
        p.file = F->doc->path;
    return p;
}

#define FERR(F, pos, ...)                                  \
    do {                                                   \
        SG_ERR((F)->d, CHECK, at((F), (pos)), __VA_ARGS__); \
        (F)->f->broken = true;                             \
    } while (0)

static const char *scalar_text(const sg_ynode *y)
{
    if (!y || y->type != SG_Y_SCALAR || y->scalar.type == SG_V_NULL)
        return NULL;
    return y->scalar.str;
}

/* ---- generic tree -> search identifiers (the loader's rules, on sg_ynode) ---- */

/* `Field|mod1|mod2`: field and modifiers, each modifier at its own column. */
static bool split_key(fctx *F, const char *key, sg_pos kp, sg_item *it)
{
    it->key = key;
    it->pos = kp;
    const char *bar = strchr(key, '|');
    size_t flen = bar ? (size_t)(bar - key) : strlen(key);
    it->field = flen ? sg_arena_strndup(F->a, key, flen) : NULL;
    if (flen && !it->field)
        return F->oom = true, false;
    size_t nm = 0;
    for (const char *p = bar; p; p = strchr(p + 1, '|'))
        nm++;
    if (!nm)
        return true;
    it->mods = sg_arena_alloc(F->a, nm * sizeof *it->mods);
    if (!it->mods)
        return F->oom = true, false;
    for (const char *p = bar; p;) {
        const char *start = p + 1;
        const char *next = strchr(start, '|');
        size_t ml = next ? (size_t)(next - start) : strlen(start);
        sg_mod_ref *m = &it->mods[it->nmods++];
        if (!(m->name = sg_arena_strndup(F->a, start, ml)))
            return F->oom = true, false;
        m->id = -1;
        m->pos = kp;
        m->pos.col = kp.col + (unsigned)(start - key);
        p = next;
    }
    return true;
}

static bool read_values(fctx *F, const sg_ynode *v, sg_item *it)
{
    it->values.pos = v->pos;
    if (v->type == SG_Y_SCALAR) {
        it->values.v = (sg_value *)&v->scalar;
        it->values.n = 1;
        return true;
    }
    if (v->type == SG_Y_MAP) {
        FERR(F, it->pos, "the value of '%s' is a map: a field takes a value or a list of values",
             it->key);
        return false;
    }
    it->is_list = true;
    if (v->n == 0) {
        FERR(F, it->pos, "'%s' has an empty list of values", it->key);
        return false;
    }
    it->values.v = sg_arena_alloc(F->a, v->n * sizeof *it->values.v);
    if (!it->values.v)
        return F->oom = true, false;
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        if (v->kids[i]->type != SG_Y_SCALAR) {
            FERR(F, v->kids[i]->pos, "the values of '%s' must be scalars", it->key);
            ok = false;
            continue;
        }
        it->values.v[it->values.n++] = v->kids[i]->scalar;
    }
    return ok;
}

static bool read_map(fctx *F, const sg_ynode *m, sg_map *out)
{
    out->pos = m->pos;
    if (m->n == 0) {
        FERR(F, m->pos, "empty map in a search identifier");
        return false;
    }
    out->items = sg_arena_alloc(F->a, m->n * sizeof *out->items);
    if (!out->items)
        return F->oom = true, false;
    bool ok = true;
    for (size_t i = 0; i < m->n; i++) {
        const sg_ynode *k = m->kids[2 * i];
        const char *ks = k->type == SG_Y_SCALAR ? k->scalar.str : NULL;
        if (!ks) {
            FERR(F, k->pos, "field names must be strings");
            ok = false;
            continue;
        }
        sg_item *it = &out->items[out->n++];
        if (!split_key(F, ks, k->pos, it))
            return false;
        ok &= read_values(F, m->kids[2 * i + 1], it);
    }
    return ok;
}

static bool read_search(fctx *F, sg_search *s, const sg_ynode *v)
{
    if (v->type == SG_Y_MAP) {
        s->kind = SG_SEARCH_MAP;
        if (!(s->alts = sg_arena_alloc(F->a, sizeof *s->alts)))
            return F->oom = true, false;
        s->nalts = 1;
        return read_map(F, v, &s->alts[0]);
    }
    s->kind = SG_SEARCH_LIST;
    if (v->type == SG_Y_SCALAR) {
        if (v->scalar.type == SG_V_NULL) {
            FERR(F, s->pos, "search identifier '%s' is empty", s->name);
            return false;
        }
        s->alts = sg_arena_alloc(F->a, sizeof *s->alts);
        sg_item *it = sg_arena_alloc(F->a, sizeof *it);
        if (!s->alts || !it)
            return F->oom = true, false;
        it->key = "";
        it->pos = v->pos;
        s->alts[0] = (sg_map){it, 1, it->pos};
        s->nalts = 1;
        return read_values(F, v, it);
    }
    if (v->n == 0) {
        FERR(F, s->pos, "search identifier '%s' is an empty list", s->name);
        return false;
    }
    if (!(s->alts = sg_arena_alloc(F->a, (v->n + 1) * sizeof *s->alts)))
        return F->oom = true, false;
    sg_item *kw = NULL;
    bool ok = true;
    for (size_t i = 0; i < v->n; i++) {
        const sg_ynode *c = v->kids[i];
        if (c->type == SG_Y_MAP) {
            ok &= read_map(F, c, &s->alts[s->nalts++]);
        } else if (c->type == SG_Y_SCALAR) {
            if (!kw) {
                kw = sg_arena_alloc(F->a, sizeof *kw);
                if (!kw || !(kw->values.v = sg_arena_alloc(F->a, v->n * sizeof(sg_value))))
                    return F->oom = true, false;
                kw->key = "";
                kw->pos = kw->values.pos = c->pos;
                kw->is_list = true;
                s->alts[s->nalts++] = (sg_map){kw, 1, kw->pos};
            }
            kw->values.v[kw->values.n++] = c->scalar;
        } else {
            FERR(F, c->pos, "a search identifier list holds values or maps, not nested lists");
            ok = false;
        }
    }
    return ok;
}

static sg_cond *read_condition(fctx *F, const sg_ynode *k, const sg_ynode *v)
{
    const char *s = scalar_text(v);
    if (!s || v->scalar.type == SG_V_BOOL || !s[0]) {
        FERR(F, v->scalar.type == SG_V_NULL ? k->pos : v->pos,
             "the filter's 'condition' must be a string such as 'selection'");
        return NULL;
    }
    sg_pos p = v->scalar.pos;
    if (v->scalar.quoted)
        p.col++; /* the text starts after the quote */
    else if (memchr(s, '\n', v->scalar.len))
        p.line++, p.col = 1; /* block scalar */
    sg_cond_limits cl = {(unsigned)SG_LIMIT(F->doc->limits, max_condition_depth,
                                            SG_DEFAULT_MAX_CONDITION_DEPTH)};
    sg_cond *c = sg_cond_parse(F->a, s, v->scalar.len, p, &cl, F->d);
    if (!c && F->d->oom)
        F->oom = true; /* not a finding: the build fails, never a dropped filter */
    else if (!c)
        F->f->broken = true;
    return c;
}

/* `rules:` — names/ids, or `any`/`all` for every rule of the logsource. */
static void read_rules(fctx *F, const sg_ynode *v, const sg_ynode *key)
{
    sg_filter *f = F->f;
    const char *s = scalar_text(v);
    if (s && v->scalar.type == SG_V_STRING &&
        (!strcasecmp(s, "any") || !strcasecmp(s, "all"))) {
        f->any = true;
        return;
    }
    size_t cnt = v->type == SG_Y_SEQ ? v->n : 1;
    if (cnt > MAX_RULES) {
        SG_ERR(F->d, "limit", at(F, v->pos), "'rules' lists %zu rules, over the limit of %d", cnt,
               MAX_RULES);
        f->broken = true;
        return;
    }
    if (v->type == SG_Y_MAP || (v->type == SG_Y_SCALAR && !s)) {
        FERR(F, v->pos, "'rules' must list rule ids or names (or be 'any')");
        return;
    }
    if (v->type == SG_Y_SEQ && v->n == 0) {
        FERR(F, v->pos.line ? v->pos : key->pos,
             "'rules' is empty: list rule ids or names, or write 'rules: any'");
        return;
    }
    if (!(f->rules = sg_arena_alloc(F->a, cnt * sizeof *f->rules))) {
        F->oom = true;
        return;
    }
    for (size_t i = 0; i < cnt; i++) {
        const sg_ynode *it = v->type == SG_Y_SEQ ? v->kids[i] : v;
        const char *t = scalar_text(it);
        if (!t || it->type != SG_Y_SCALAR || it->scalar.type == SG_V_BOOL || !t[0]) {
            FERR(F, it->pos, "'rules' items must be rule ids or names");
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < f->nrules; j++)
            dup |= !strcmp(f->rules[j].text, t);
        if (dup) {
            FERR(F, it->pos, "rule '%s' is listed twice in 'rules'", t);
            continue;
        }
        f->rules[f->nrules++] = (sg_corr_ref){t, it->pos, NULL, NULL};
    }
}

sg_filter *sg_filter_build(sg_arena *a, const sg_rule *doc, sg_diags *d)
{
    sg_filter *f = sg_arena_alloc(a, sizeof *f);
    sg_rule *det = sg_arena_alloc(a, sizeof *det);
    if (!f || !det)
        return NULL;
    fctx F = {a, d, doc, f, false};
    f->src = doc;
    f->det = det;
    *det = *doc;
    det->kind = SG_DOC_RULE;
    det->searches = NULL;
    det->nsearches = 0;
    det->conditions = NULL;
    det->nconditions = 0;
    det->has_detection = false;
    det->broken = false;

    if (!doc->logsource.present)
        FERR(&F, doc->pos, "a filter needs a 'logsource': it applies to the named rules of "
                           "that log source");
    else if (!doc->logsource.category.s && !doc->logsource.product.s &&
             !doc->logsource.service.s)
        FERR(&F, doc->logsource.pos,
             "the filter's logsource has none of 'category', 'product' or 'service'");
    if (doc->has_detection)
        FERR(&F, doc->detection_pos,
             "a filter has no 'detection': its searches and condition go under 'filter'");

    const sg_ynode *sec = doc->filter;
    if (!sec || sec->type != SG_Y_MAP) {
        FERR(&F, sec ? sec->pos : doc->pos,
             "'filter' must be a map with rules, search identifiers and a condition");
        return f;
    }
    det->has_detection = true;
    det->detection_pos = sec->pos;
    det->searches = sg_arena_alloc(a, (sec->n ? sec->n : 1) * sizeof *det->searches);
    if (!det->searches)
        return NULL;
    bool have_rules = false, have_cond = false;
    for (size_t i = 0; i < sec->n && !F.oom; i++) {
        const sg_ynode *k = sec->kids[2 * i], *v = sec->kids[2 * i + 1];
        const char *ks = k->type == SG_Y_SCALAR ? k->scalar.str : NULL;
        if (!ks || !ks[0]) {
            FERR(&F, k->pos, "keys of 'filter' must be names");
            continue;
        }
        if (!strcmp(ks, "rules")) {
            have_rules = true;
            read_rules(&F, v, k);
        } else if (!strcmp(ks, "condition")) {
            have_cond = true;
            det->condition_pos = k->pos;
            if (v->type == SG_Y_SEQ) {
                FERR(&F, k->pos, "a filter has one 'condition' string, not a list");
                continue;
            }
            sg_cond *c = read_condition(&F, k, v);
            if (c) {
                if (!(det->conditions = sg_arena_alloc(a, sizeof *det->conditions)))
                    return NULL;
                det->conditions[0] = c;
                det->nconditions = 1;
            }
        } else {
            sg_search *s = &det->searches[det->nsearches++];
            memset(s, 0, sizeof *s);
            s->name = ks;
            s->pos = k->pos;
            if (!read_search(&F, s, v))
                f->broken = true;
        }
    }
    if (F.oom)
        return NULL;
    if (!have_rules)
        FERR(&F, sec->pos, "the filter has no 'rules': list the rule ids or names it applies "
                           "to, or write 'rules: any'");
    if (!have_cond)
        FERR(&F, sec->pos, "the filter has no 'condition'");
    if (det->nsearches == 0)
        FERR(&F, sec->pos, "the filter has no search identifier (such as 'selection')");
    f->rules_pos = sec->pos;
    if (f->broken || doc->broken || !det->nconditions) {
        f->broken = true;
        return f;
    }
    size_t before = d->nerrors;
    ir_rule *ir = ir_build_rule(a, det, d);
    if (!ir || !ir->expr) {
        if (d->nerrors == before || d->oom)
            return NULL; /* out of memory (ir_build_rule sets d->oom) */
        f->broken = true;
        return f;
    }
    f->expr = ir->expr;
    return f;
}

/* ---- applying ---------------------------------------------------------------------- */

static bool same(const char *want, const char *have)
{
    return !want || (have && !strcmp(want, have));
}

bool sg_filter_applies(const sg_filter *f, const sg_rule *r)
{
    if (!f || !r || f->broken || !f->expr || r->kind != SG_DOC_RULE)
        return false;
    const sg_logsource *fl = &f->src->logsource, *rl = &r->logsource;
    if (!same(fl->category.s, rl->category.s) || !same(fl->product.s, rl->product.s) ||
        !same(fl->service.s, rl->service.s))
        return false;
    if (f->any)
        return true;
    for (size_t i = 0; i < f->nrules; i++)
        if (f->rules[i].rule == r)
            return true;
    return false;
}

static const char *label(const sg_rule *doc)
{
    return doc->id.s ? doc->id.s : doc->name.s ? doc->name.s : doc->title.s ? doc->title.s
                                                                            : doc->path;
}

bool sg_filter_apply(sg_arena *a, const sg_corrset *s, ir_rule *ir, sg_diags *d)
{
    (void)d;
    if (!s || !ir || !ir->expr)
        return true;
    for (size_t i = 0; i < s->nfilters; i++) {
        const sg_filter *f = s->filters[i];
        if (!sg_filter_applies(f, ir->src))
            continue;
        ir_node *copy = ir_clone(a, f->expr);
        ir_node *neg = copy ? ir_not(a, copy, f->expr->pos) : NULL;
        ir_node *kids[2] = {ir->expr, neg};
        ir_node *both = neg ? ir_nary(a, IR_AND, kids, 2, ir->expr->pos) : NULL;
        if (!both)
            return false;
        ir->expr = both;
        const char *what = sg_arena_printf(a, "and not (filter '%s')",
                                           f->src->title.s ? f->src->title.s : label(f->src));
        if (!what || !ir_applied_add(a, ir, "filter", label(f->src), what))
            return false;
    }
    return true;
}
