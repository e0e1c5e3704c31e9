/* pipeline_field.c - field-name transformations: field_name_mapping,
 * field_name_prefix_mapping, field_name_prefix, field_name_suffix.
 *
 * They rename the field of every test of a matching detection item, the
 * field a `fieldref` value points at, and the names of the rule's
 * `fields:` list. A mapping to several names turns the test into an OR of
 * the same test on each name; a mapping to none drops it. Mapping the
 * `null` key moves keywords onto a field (still matched anywhere in it). */
#include "pipeline_int.h"

#include <string.h>

/* The new names of `field` under the current item, or false when the item
 * leaves it alone. */
static bool map_name(pl_ctx *c, const char *field, const char ***to, size_t *n)
{
    const pl_item *it = c->it;
    switch (it->type) {
    case PX_FIELD_NAME_MAPPING: {
        /* the first `from` equal to field (pl_index) */
        long i = field ? pl_hmap_get(&it->from, field) : it->null_from;
        if (i < 0)
            return false;
        *to = it->map[i].to;
        *n = it->map[i].nto;
        return true;
    }
    case PX_FIELD_NAME_PREFIX_MAPPING:
        if (!field)
            return false;
        for (size_t i = 0; i < it->nmap; i++) {
            size_t pl = strlen(it->map[i].from);
            if (strncmp(field, it->map[i].from, pl))
                continue;
            const char **v = sg_arena_alloc(c->a, (it->map[i].nto ? it->map[i].nto : 1) * sizeof *v);
            if (!v)
                return c->oom = true, false;
            for (size_t k = 0; k < it->map[i].nto; k++)
                if (!(v[k] = pl_concat(c, it->map[i].to[k], field + pl)))
                    return false;
            *to = v;
            *n = it->map[i].nto;
            return true;
        }
        return false;
    case PX_FIELD_NAME_PREFIX:
    case PX_FIELD_NAME_SUFFIX: {
        if (!field)
            return false;
        const char **v = sg_arena_alloc(c->a, sizeof *v);
        if (!v)
            return c->oom = true, false;
        v[0] = it->type == PX_FIELD_NAME_PREFIX ? pl_concat(c, it->str, field)
                                                : pl_concat(c, field, it->str);
        if (!v[0])
            return false;
        *to = v;
        *n = 1;
        return true;
    }
    default:
        return false;
    }
}

/* Rename one test; returns false when the item left it alone. */
static bool map_test(pl_ctx *c, ir_node **slot)
{
    ir_test *t = (*slot)->test;
    const char *const *fto = &t->field, *const *rto = &t->ref;
    size_t nf = 1, nr = 1;
    const char **v;
    size_t n;
    bool fmap = false, rmap = false;
    if (pl_match_field_name(c, c->it, t->field, t) && map_name(c, t->field, &v, &n)) {
        fmap = true;
        fto = v;
        nf = n;
        pl_mapped_add(c, t->field);
        for (size_t i = 0; i < n; i++)
            pl_mapped_add(c, v[i]);
        pl_note_mapping(c, t->field, v, n);
    }
    if (t->kind == IR_T_FIELDREF && t->ref && pl_match_field_name(c, c->it, t->ref, t) &&
        map_name(c, t->ref, &v, &n)) {
        rmap = true;
        rto = v;
        nr = n;
        pl_note_mapping(c, t->ref, v, n);
    }
    if (c->oom || (!fmap && !rmap))
        return false;
    if (nf * nr == 0) {
        *slot = NULL; /* compacted by the driver */
        return true;
    }
    if (fmap && !t->field && t->kind == IR_T_STR)
        t->mode = IR_STR_CONTAINS; /* a keyword matches anywhere in the field */
    if (nf * nr == 1) {
        t->field = fto[0];
        t->ref = rto[0];
        pl_track_test(c, t, c->it->id);
        return true;
    }
    ir_node **kids = sg_arena_alloc(c->a, nf * nr * sizeof *kids);
    if (!kids)
        return c->oom = true, false;
    size_t k = 0;
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < nr; j++) {
            ir_test *x = ir_test_clone(c->a, t);
            if (!x || !(kids[k] = ir_test_node(c->a, x)))
                return c->oom = true, false;
            x->field = fto[i];
            x->ref = rto[j];
            pl_track_copy(c, t, x);
            pl_track_test(c, x, c->it->id);
            k++;
        }
    ir_node *or = ir_nary(c->a, IR_OR, kids, k, t->pos);
    if (!or)
        return c->oom = true, false;
    *slot = or;
    return true;
}

void pl_field_group(pl_ctx *c, const pl_group *g)
{
    if (!pl_match_group(c, c->it, g))
        return;
    for (size_t i = 0; i < pl_group_n(g) && !c->oom; i++)
        if (map_test(c, pl_group_slot(g, i)))
            c->changed = true;
}

void pl_field_list(pl_ctx *c)
{
    ir_rule *r = c->r;
    if (!r->nfields)
        return;
    const char **out = NULL;
    size_t n = 0, cap = 0;
    bool changed = false;
    for (size_t i = 0; i < r->nfields && !c->oom; i++) {
        const char *f = r->fields[i];
        const char **to = &r->fields[i];
        size_t nto = 1;
        const char **v;
        size_t nv;
        if (pl_match_field_name(c, c->it, f, NULL) && map_name(c, f, &v, &nv)) {
            to = v;
            nto = nv;
            changed = true;
            pl_note_mapping(c, f, v, nv);
            size_t known = c->nnames; /* ids the old name had carry over */
            for (size_t k = 0; k < known; k++)
                if (!strcmp(c->names[k].key, f))
                    for (size_t j = 0; j < nv; j++)
                        pl_track_name(c, v[j], c->names[k].id);
            for (size_t j = 0; j < nv; j++)
                pl_track_name(c, v[j], c->it->id);
        }
        if (n + nto > cap) {
            size_t nc = (cap ? cap * 2 : 8) + nto;
            const char **p = sg_arena_grow(c->a, out, n, nc, sizeof *p);
            if (!p) {
                c->oom = true;
                return;
            }
            out = p;
            cap = nc;
        }
        for (size_t j = 0; j < nto; j++)
            out[n++] = to[j];
    }
    if (changed && !c->oom) {
        r->fields = out;
        r->nfields = n;
        c->changed = true;
    }
}
