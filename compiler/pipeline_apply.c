/* pipeline_apply.c - run the selected pipelines over one rule's IR.
 *
 * Items run in order (pipelines already sorted by priority). An item whose
 * rule conditions hold is "applied to the rule" (processing_item_applied);
 * rule-level transformations act on the rule, the others visit every
 * detection item and act where the detection-item and field-name
 * conditions hold. What each item did is recorded on the rule for
 * `--explain`. A failure (rule_failure…) marks the rule failed, reports
 * one error and stops the rule's pipelines. */
#include "pipeline_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- bookkeeping ------------------------------------------------------------------ */

static bool push_str(pl_ctx *c, const char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        const char **p = sg_arena_grow(c->a, (void *)*v, *n, nc, sizeof *p);
        if (!p)
            return c->oom = true, false;
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = s;
    return true;
}

static void push_track(pl_ctx *c, pl_track **v, size_t *n, size_t *cap, const void *key,
                       const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].key == key && (*v)[i].id == id)
            return;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        pl_track *p = sg_arena_grow(c->a, *v, *n, nc, sizeof *p);
        if (!p) {
            c->oom = true;
            return;
        }
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = (pl_track){key, id};
}

/* The tracks (which items changed which tests and `fields:` names) are
 * read only by detection-item and field-name processing_item_applied
 * conditions: without one in the pipelines, they are not kept. */
void pl_track_test(pl_ctx *c, const ir_test *t, const char *id)
{
    if (id && c->track)
        push_track(c, &c->tests, &c->ntests, &c->captests, t, id);
}

void pl_track_copy(pl_ctx *c, const ir_test *from, const ir_test *to)
{
    if (!c->track)
        return;
    size_t n = c->ntests;
    for (size_t i = 0; i < n; i++)
        if (c->tests[i].key == from)
            push_track(c, &c->tests, &c->ntests, &c->captests, to, c->tests[i].id);
}

void pl_track_tree(pl_ctx *c, const ir_node *n, const char *id)
{
    if (!n || !c->track)
        return;
    if (n->kind == IR_TEST)
        pl_track_test(c, n->test, id);
    for (size_t i = 0; i < n->nkids; i++)
        pl_track_tree(c, n->kids[i], id);
}

bool pl_test_tracked(const pl_ctx *c, const ir_test *t, const char *id)
{
    for (size_t i = 0; i < c->ntests; i++)
        if (c->tests[i].key == t && !strcmp(c->tests[i].id, id))
            return true;
    return false;
}

void pl_track_name(pl_ctx *c, const char *name, const char *id)
{
    if (!id || !name || !c->track)
        return;
    for (size_t i = 0; i < c->nnames; i++)
        if (!strcmp(c->names[i].key, name) && !strcmp(c->names[i].id, id))
            return;
    push_track(c, &c->names, &c->nnames, &c->capnames, name, id);
}

bool pl_name_tracked(const pl_ctx *c, const char *name, const char *id)
{
    for (size_t i = 0; name && i < c->nnames; i++)
        if (!strcmp(c->names[i].key, name) && !strcmp(c->names[i].id, id))
            return true;
    return false;
}

/* read only by strict_field_mapping_failure */
void pl_mapped_add(pl_ctx *c, const char *name)
{
    if (!name || !c->strict || pl_mapped_has(c, name))
        return;
    push_str(c, &c->mapped, &c->nmapped, &c->capmapped, name);
}

bool pl_mapped_has(const pl_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nmapped; i++)
        if (!strcmp(c->mapped[i], name))
            return true;
    return false;
}

#define MAX_NOTES 12

void pl_note_str(pl_ctx *c, const char *buf, bool keep)
{
    if (c->nwhat > MAX_NOTES)
        return;
    for (size_t i = 0; i < c->nwhat; i++)
        if (!strcmp(c->what[i], buf))
            return;
    const char *s = c->nwhat == MAX_NOTES ? "..." : keep ? buf : sg_arena_strdup(c->a, buf);
    if (!s) {
        c->oom = true;
        return;
    }
    push_str(c, &c->what, &c->nwhat, &c->capwhat, s);
}

void pl_note(pl_ctx *c, const char *fmt, ...)
{
    if (c->nwhat > MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    char buf[PL_NOTE_MAX];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pl_note_str(c, buf, false);
}

/* As note_mapping always wrote it: the list of new names cut at 399 bytes,
 * the whole note at PL_NOTE_MAX - 1. */
void pl_note_mapping(pl_ctx *c, const char *from, const char *const *to, size_t n)
{
    if (c->nwhat > MAX_NOTES)
        return;
    pl_nb b;
    pl_nb_init(&b);
    pl_nb_puts(&b, from ? from : "keywords");
    if (n == 0) {
        pl_nb_puts(&b, " dropped");
    } else {
        pl_nb_puts(&b, n == 1 ? " -> " : " -> [");
        size_t list = 0, cap = 399; /* bytes of the list written so far */
        for (size_t i = 0; i < n && list < cap; i++) {
            size_t before = b.len;
            if (i) {
                size_t k = cap - list < 2 ? cap - list : 2;
                pl_nb_put(&b, ", ", k);
            }
            size_t tl = strlen(to[i]), room = cap - list - (b.len - before);
            pl_nb_put(&b, to[i], tl < room ? tl : room);
            list += b.len - before;
            if (b.len == PL_NOTE_MAX - 1)
                break; /* the note is full: nothing more shows */
        }
        if (n > 1)
            pl_nb_puts(&b, "]");
    }
    pl_note_str(c, b.buf, false);
}

pl_md *pl_md_get(pl_ctx *c)
{
    if (!c->md && !(c->md = pl_md_create()))
        c->oom = true;
    return c->md;
}

const char *pl_concat(pl_ctx *c, const char *x, const char *y)
{
    size_t nx = strlen(x), ny = strlen(y);
    char *s = sg_arena_alloc(c->a, nx + ny + 1);
    if (!s) {
        c->oom = true;
        return NULL;
    }
    memcpy(s, x, nx);
    memcpy(s + nx, y, ny + 1);
    return s;
}

sg_pos pl_rule_pos(const pl_ctx *c)
{
    if (c->r->src)
        return c->r->src->pos;
    return (sg_pos){c->r->path, 0, 0};
}

void pl_fail(pl_ctx *c, sg_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    SG_ERR(c->d, PL_CHECK, pos, "%s (pipeline '%s', item %s)", buf, c->pl->name, c->it->label);
    pl_note(c, "failed: %s", buf);
    c->r->failed = true;
    c->stop = true;
    c->changed = true;
}

const sg_ynode *pl_var(const pl_ctx *c, const char *name)
{
    for (size_t i = c->npl; i-- > 0;) {
        const sg_ynode *v = sg_ynode_get(c->pls[i]->vars, name);
        if (v)
            return v;
    }
    return NULL;
}

/* ---- detection items ---------------------------------------------------------------- */

static bool same_field_tests(const ir_node *n)
{
    if (n->nkids < 2)
        return false;
    const char *f = NULL;
    for (size_t i = 0; i < n->nkids; i++) {
        const ir_node *k = n->kids[i];
        if (!k || k->kind != IR_TEST)
            return false;
        const char *kf = k->test->field;
        if (i == 0)
            f = kf;
        else if ((f == NULL) != (kf == NULL) || (f && strcmp(f, kf)))
            return false;
    }
    return true;
}

typedef void (*group_fn)(pl_ctx *c, const pl_group *g);

static void walk(pl_ctx *c, ir_node **slot, group_fn fn)
{
    ir_node *n = *slot;
    if (!n || c->stop || c->oom)
        return;
    switch (n->kind) {
    case IR_TEST: {
        pl_group g = {slot, NULL, n->test->field};
        fn(c, &g);
        return;
    }
    case IR_AND:
    case IR_OR:
        if (same_field_tests(n)) {
            pl_group g = {NULL, n, n->kids[0]->test->field};
            fn(c, &g);
            return;
        }
        for (size_t i = 0; i < n->nkids; i++)
            walk(c, &n->kids[i], fn);
        return;
    case IR_NOT:
        walk(c, &n->kids[0], fn);
        return;
    case IR_TRUE:
    case IR_FALSE:
        return;
    }
}

/* Remove dropped (NULL) nodes: an AND/OR loses the child, a NOT of
 * nothing is nothing, a single child replaces its parent. */
static void compact(ir_node **slot)
{
    ir_node *n = *slot;
    if (!n)
        return;
    if (n->kind == IR_AND || n->kind == IR_OR) {
        size_t m = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            compact(&n->kids[i]);
            if (n->kids[i])
                n->kids[m++] = n->kids[i];
        }
        n->nkids = m;
        if (m == 0)
            *slot = NULL;
        else if (m == 1)
            *slot = n->kids[0];
    } else if (n->kind == IR_NOT) {
        compact(&n->kids[0]);
        if (!n->kids[0])
            *slot = NULL;
    }
}

static const char *field_label(const char *f)
{
    return f ? f : "keywords";
}

static void detection_group(pl_ctx *c, const pl_group *g)
{
    const pl_item *it = c->it;
    if (!pl_match_group(c, it, g))
        return;
    size_t n = pl_group_n(g);
    switch (it->type) {
    case PX_DROP_DETECTION_ITEM: {
        for (size_t i = 0; i < n; i++)
            *pl_group_slot(g, i) = NULL;
        pl_nb b;
        pl_nb_init(&b);
        pl_nb_puts(&b, "dropped ");
        pl_nb_puts(&b, field_label(g->field));
        pl_note_str(c, b.buf, false);
        c->changed = true;
        return;
    }
    case PX_HASHES_FIELDS: {
        size_t kept = 0;
        sg_pos at = (*pl_group_slot(g, 0))->test->pos;
        for (size_t i = 0; i < n && !c->oom; i++) {
            ir_node **s = pl_group_slot(g, i);
            bool invalid;
            ir_node *rep = pl_hash_test(c, (*s)->test, &invalid);
            if (rep) {
                pl_track_copy(c, (*s)->test, rep->test);
                pl_track_test(c, rep->test, it->id);
                *s = rep;
                c->changed = true;
                kept++;
            } else if (invalid) {
                *s = NULL; /* a hash of an algorithm the data does not have */
                c->changed = true;
            } else {
                kept++;
            }
        }
        if (!kept && !c->oom) {
            sg_strbuf sb;
            sg_sb_init(&sb);
            for (size_t k = 0; k < it->nlist; k++)
                sg_sb_printf(&sb, "%s%s", k ? ", " : "", it->list[k]);
            pl_fail(c, at, "no valid hash algorithm in the %s values (use one of %s)",
                    field_label(g->field), sb.failed ? "?" : sg_sb_str(&sb));
            sg_sb_free(&sb);
        }
        return;
    }
    case PX_DETECTION_ITEM_FAILURE:
        pl_fail(c, (*pl_group_slot(g, 0))->test->pos, "field '%s': %s", field_label(g->field),
                it->str);
        return;
    default:
        for (size_t i = 0; i < n && !c->stop && !c->oom; i++) {
            ir_node **s = pl_group_slot(g, i);
            ir_test *old = (*s)->test;
            ir_node *rep = pl_value_test(c, old);
            if (!rep)
                continue;
            *s = rep;
            c->changed = true;
            if (rep->kind == IR_TEST)
                pl_track_copy(c, old, rep->test);
            for (size_t k = 0; k < rep->nkids; k++)
                if (rep->kids[k]->kind == IR_TEST)
                    pl_track_copy(c, old, rep->kids[k]->test);
            pl_track_tree(c, rep, it->id);
        }
        return;
    }
}

/* ---- rule-level transformations -------------------------------------------------------- */

static void add_condition(pl_ctx *c, const pl_item *it)
{
    ir_node *cond;
    if (it->templ) {
        size_t before = c->d->nerrors;
        cond = pl_build_conditions(c->a, it->cond_src, c->r, c->d);
        if (!cond && c->d->nerrors > before && !c->d->oom) {
            pl_fail(c, it->pos, "add_condition: the template gives an invalid condition");
            return;
        }
    } else {
        cond = ir_clone(c->a, it->cond);
    }
    if (cond && it->negated)
        cond = ir_not(c->a, cond, cond->pos);
    ir_node *kids[2] = {cond, c->r->expr};
    ir_node *e = cond ? ir_nary(c->a, IR_AND, kids, 2, c->r->expr->pos) : NULL;
    if (!e) {
        c->oom = true;
        return;
    }
    c->r->expr = e;
    if (it->note) { /* not a template: the same text every time */
        pl_note_str(c, it->note, true);
        return;
    }
    sg_strbuf sb;
    sg_sb_init(&sb);
    ir_dump(cond, &sb);
    if (sb.failed)
        c->oom = true;
    else
        pl_note(c, "added %s%s", sg_sb_str(&sb), sb.len > 400 ? "..." : "");
    sg_sb_free(&sb);
}

static void set_fields(pl_ctx *c, const char **v, size_t n)
{
    const char **nv = sg_arena_alloc(c->a, (n ? n : 1) * sizeof *nv);
    if (!nv) {
        c->oom = true;
        return;
    }
    memcpy(nv, v, n * sizeof *nv);
    c->r->fields = nv;
    c->r->nfields = n;
}

static void edit_fields(pl_ctx *c, const pl_item *it)
{
    ir_rule *r = c->r;
    if (it->type == PX_SET_FIELD) {
        set_fields(c, it->list, it->nlist);
        pl_note_str(c, it->note, true);
        return;
    }
    size_t cap = r->nfields + it->nlist;
    const char **v = sg_arena_alloc(c->a, (cap ? cap : 1) * sizeof *v);
    if (!v) {
        c->oom = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->nfields; i++) {
        bool drop = false;
        for (size_t k = 0; it->type == PX_REMOVE_FIELD && k < it->nlist; k++)
            if (!strcmp(r->fields[i], it->list[k])) {
                drop = true;
                pl_note(c, "fields - %s", it->list[k]);
            }
        if (!drop)
            v[n++] = r->fields[i];
    }
    for (size_t k = 0; it->type == PX_ADD_FIELD && k < it->nlist; k++) {
        v[n++] = it->list[k];
        pl_note(c, "fields + %s", it->list[k]);
    }
    r->fields = v;
    r->nfields = n;
}

/* Collect the unmapped fields; the error goes to the first one written in
 * the rule itself (a test added by a pipeline sits in the pipeline file). */
static void strict_mapping(pl_ctx *c, const ir_node *n, const char ***miss, size_t *nmiss,
                           size_t *cap, sg_pos *first, bool *in_rule)
{
    if (!n || c->oom)
        return;
    if (n->kind == IR_TEST) {
        const char *f = n->test->field;
        if (!f || pl_mapped_has(c, f))
            return;
        const char *file = n->test->pos.file;
        if (!*in_rule && file && c->r->path && !strcmp(file, c->r->path)) {
            *first = n->test->pos;
            *in_rule = true;
        }
        for (size_t i = 0; i < *nmiss; i++)
            if (!strcmp((*miss)[i], f))
                return;
        push_str(c, miss, nmiss, cap, f);
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        strict_mapping(c, n->kids[i], miss, nmiss, cap, first, in_rule);
}

static void strict_failure(pl_ctx *c)
{
    const char **miss = NULL;
    size_t n = 0, cap = 0;
    sg_pos first = pl_rule_pos(c);
    bool in_rule = false;
    strict_mapping(c, c->r->expr, &miss, &n, &cap, &first, &in_rule);
    if (c->oom)
        return;
    if (!n) {
        pl_note(c, "every field is mapped");
        return;
    }
    sg_strbuf sb;
    sg_sb_init(&sb);
    for (size_t i = 0; i < n && i < 20; i++)
        sg_sb_printf(&sb, "%s%s", i ? ", " : "", miss[i]);
    if (n > 20)
        sg_sb_puts(&sb, ", ...");
    if (sb.failed)
        c->oom = true;
    else
        pl_fail(c, first, "field%s not mapped by the pipelines: %s", n > 1 ? "s" : "",
                sg_sb_str(&sb));
    sg_sb_free(&sb);
}

static void apply_item(pl_ctx *c, const pl_item *it);

static void rule_level(pl_ctx *c, const pl_item *it)
{
    ir_rule *r = c->r;
    switch (it->type) {
    case PX_ADD_CONDITION:
        add_condition(c, it);
        break;
    case PX_CHANGE_LOGSOURCE:
        r->category = it->category;
        r->product = it->product;
        r->service = it->service;
        c->cur_ok = false;
        pl_note_str(c, it->note, true);
        break;
    case PX_ADD_FIELD:
    case PX_REMOVE_FIELD:
    case PX_SET_FIELD:
        edit_fields(c, it);
        break;
    case PX_SET_STATE:
        if (!ir_state_set(c->a, r, it->str, pl_value_text(it->val)))
            c->oom = true;
        c->cur_ok = false;
        pl_note_str(c, it->note, true);
        break;
    case PX_SET_CUSTOM_ATTRIBUTE:
        if (!ir_custom_set(c->a, r, it->str, pl_value_text(it->val)))
            c->oom = true;
        pl_note_str(c, it->note, true);
        break;
    case PX_RULE_FAILURE:
        pl_fail(c, pl_rule_pos(c), "%s", it->str);
        break;
    case PX_STRICT_FIELD_MAPPING_FAILURE:
        strict_failure(c);
        break;
    case PX_NEST: {
        const pl_item *outer = c->it;
        for (size_t i = 0; i < it->nkids && !c->stop && !c->oom; i++)
            if (pl_pre_pass(c, &it->kids[i]))
                apply_item(c, &it->kids[i]);
        c->it = outer;
        break;
    }
    default:
        break;
    }
}

static bool is_rule_level(pl_xtype t)
{
    switch (t) {
    case PX_ADD_CONDITION:
    case PX_CHANGE_LOGSOURCE:
    case PX_ADD_FIELD:
    case PX_REMOVE_FIELD:
    case PX_SET_FIELD:
    case PX_SET_STATE:
    case PX_SET_CUSTOM_ATTRIBUTE:
    case PX_RULE_FAILURE:
    case PX_STRICT_FIELD_MAPPING_FAILURE:
    case PX_NEST:
        return true;
    default:
        return false;
    }
}

static bool is_field_mapping(pl_xtype t)
{
    return t == PX_FIELD_NAME_MAPPING || t == PX_FIELD_NAME_PREFIX_MAPPING ||
           t == PX_FIELD_NAME_PREFIX || t == PX_FIELD_NAME_SUFFIX;
}

static void record(pl_ctx *c, const pl_item *it)
{
    if (c->nwhat <= 1) { /* the usual case: no joining */
        if (!ir_applied_add(c->a, c->r, c->pl->name, it->label,
                            c->nwhat ? c->what[0] : pl_xtype_name(it->type)))
            c->oom = true;
        return;
    }
    sg_strbuf sb;
    sg_sb_init(&sb);
    for (size_t i = 0; i < c->nwhat; i++) {
        if (i)
            sg_sb_puts(&sb, ", ");
        sg_sb_puts(&sb, c->what[i]);
    }
    if (sb.failed || !ir_applied_add(c->a, c->r, c->pl->name, it->label, sg_sb_str(&sb)))
        c->oom = true;
    sg_sb_free(&sb);
}

static void apply_item(pl_ctx *c, const pl_item *it)
{
    if (c->stop || c->oom)
        return;
    c->it = it;
    if (!pl_match_rule(c, it)) /* the caller checked pl_pre_pass */
        return;
    if (it->id && !push_str(c, &c->applied, &c->napplied, &c->capapplied, it->id))
        return;
    if (it->type == PX_NEST) {
        rule_level(c, it);
        return; /* the nested items record themselves */
    }
    c->nwhat = 0;
    c->changed = false;
    if (is_rule_level(it->type)) {
        rule_level(c, it);
        c->changed = true;
    } else {
        if (is_field_mapping(it->type))
            pl_field_list(c);
        walk(c, &c->r->expr, is_field_mapping(it->type) ? pl_field_group : detection_group);
        compact(&c->r->expr);
        if (!c->r->expr) {
            c->r->expr = ir_node_new(c->a, IR_TRUE, pl_rule_pos(c));
            if (!c->r->expr)
                c->oom = true;
            SG_WARN(c->d, PL_CHECK, pl_rule_pos(c),
                    "pipeline '%s' item %s dropped every detection item: the rule now matches "
                    "every event of its log source",
                    c->pl->name, it->label);
        }
    }
    if (c->changed && !c->oom)
        record(c, it);
}

bool sg_pipelines_apply(sg_arena *a, sg_pipeline *const *p, size_t n, ir_rule *r,
                        const char *backend, sg_diags *d)
{
    if (!r || !n)
        return true;
    pl_ctx c;
    memset(&c, 0, sizeof c);
    c.a = a;
    c.d = d;
    c.r = r;
    c.backend = backend;
    c.pls = p;
    c.npl = n;
    size_t slots = 0;
    for (size_t i = 0; i < n; i++) {
        c.track |= p[i]->tracks;
        c.strict |= p[i]->strict;
        if (3 + p[i]->nkeys > slots)
            slots = 3 + p[i]->nkeys;
    }
    if (!(c.cur = sg_arena_alloc(a, slots * sizeof *c.cur)))
        return false;
    for (size_t i = 0; i < n && !c.stop && !c.oom; i++) {
        c.pl = p[i];
        c.cur_ok = false; /* ids are the pipeline's own */
        /* the prefilter here, before the call: most items stop at it */
        for (size_t k = 0; k < p[i]->nitems && !c.stop && !c.oom; k++)
            if (pl_pre_pass(&c, &p[i]->items[k]))
                apply_item(&c, &p[i]->items[k]);
    }
    if (!c.oom) {
        pl_expr_fields(&c, r->expr);
        ir_node *s = ir_simplify(a, r->expr);
        if (s)
            r->expr = s;
        else
            c.oom = true;
    }
    pl_md_free(c.md);
    return !c.oom;
}
