/* pipeline_addcond.c - the IR of add_condition's `conditions:` map.
 *
 * The map is a Sigma selection (`field|modifiers: value or list`), so it
 * is handed to the rule IR builder as a one-selection rule: modifiers mean
 * exactly what they mean in rules, and their errors point into the
 * pipeline file. With `template: true`, $category, $product and $service
 * (or ${…}) in string values are replaced from the rule's log source. */
#include "pipeline_int.h"

#include <ctype.h>
#include <string.h>

static bool split_key(sg_arena *a, const char *key, sg_pos kp, sg_item *it)
{
    it->key = key;
    it->pos = kp;
    const char *bar = strchr(key, '|');
    size_t flen = bar ? (size_t)(bar - key) : strlen(key);
    it->field = sg_arena_strndup(a, key, flen);
    if (!it->field)
        return false;
    size_t nm = 0;
    for (const char *p = bar; p; p = strchr(p + 1, '|'))
        nm++;
    if (!nm)
        return true;
    it->mods = sg_arena_alloc(a, nm * sizeof *it->mods);
    if (!it->mods)
        return false;
    for (const char *p = bar; p;) {
        const char *start = p + 1, *next = strchr(start, '|');
        sg_mod_ref *m = &it->mods[it->nmods++];
        m->name = sg_arena_strndup(a, start, next ? (size_t)(next - start) : strlen(start));
        if (!m->name)
            return false;
        m->id = -1;
        m->pos = kp;
        m->pos.col = kp.col + (unsigned)(start - key);
        p = next;
    }
    return true;
}

/* Python's string.Template.safe_substitute for the three log source names. */
static bool substitute(sg_arena *a, sg_value *v, const ir_rule *r)
{
    if (v->type != SG_V_STRING || !memchr(v->str, '$', v->len))
        return true;
    static const char *const names[] = {"category", "product", "service"};
    const char *vals[] = {r->category, r->product, r->service};
    sg_strbuf sb;
    sg_sb_init(&sb);
    for (size_t i = 0; i < v->len;) {
        if (v->str[i] != '$') {
            sg_sb_putc(&sb, v->str[i++]);
            continue;
        }
        if (i + 1 < v->len && v->str[i + 1] == '$') {
            sg_sb_putc(&sb, '$');
            i += 2;
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < 3 && !done; k++) {
            size_t nl = strlen(names[k]);
            bool braced = i + 1 < v->len && v->str[i + 1] == '{';
            size_t at = i + 1 + braced;
            if (at + nl > v->len || memcmp(v->str + at, names[k], nl))
                continue;
            size_t end = at + nl;
            if (braced) {
                if (end >= v->len || v->str[end] != '}')
                    continue;
                end++;
            } else if (end < v->len && (isalnum((unsigned char)v->str[end]) || v->str[end] == '_')) {
                continue; /* a longer identifier: not ours */
            }
            sg_sb_puts(&sb, vals[k] ? vals[k] : "");
            i = end;
            done = true;
        }
        if (!done)
            sg_sb_putc(&sb, v->str[i++]);
    }
    char *s = sb.failed ? NULL : sg_arena_strndup(a, sg_sb_str(&sb), sb.len);
    size_t len = sb.len;
    sg_sb_free(&sb);
    if (!s)
        return false;
    v->str = s;
    v->len = len;
    return true;
}

ir_node *pl_build_conditions(sg_arena *a, const sg_ynode *conds, const ir_rule *r, sg_diags *d)
{
    sg_rule *rule = sg_arena_alloc(a, sizeof *rule);
    sg_search *s = sg_arena_alloc(a, sizeof *s);
    sg_map *m = sg_arena_alloc(a, sizeof *m);
    sg_item *items = sg_arena_alloc(a, conds->n * sizeof *items);
    sg_cond *cond = sg_arena_alloc(a, sizeof *cond);
    sg_cond **cv = sg_arena_alloc(a, sizeof *cv);
    if (!rule || !s || !m || !items || !cond || !cv)
        return NULL;
    bool ok = true;
    for (size_t i = 0; i < conds->n; i++) {
        const sg_ynode *k = conds->kids[2 * i], *v = conds->kids[2 * i + 1];
        sg_item *it = &items[i];
        if (k->type != SG_Y_SCALAR || !k->scalar.len || k->scalar.str[0] == '|') {
            SG_ERR(d, PL_CHECK, k->pos, "add_condition: each key must be a field name");
            ok = false;
            continue;
        }
        if (!split_key(a, k->scalar.str, k->pos, it))
            return NULL;
        size_t nv = v->type == SG_Y_SEQ ? v->n : 1;
        it->is_list = v->type == SG_Y_SEQ;
        it->values.pos = v->pos;
        it->values.v = sg_arena_alloc(a, (nv ? nv : 1) * sizeof *it->values.v);
        if (!it->values.v)
            return NULL;
        if (v->type == SG_Y_MAP || nv == 0) {
            SG_ERR(d, PL_CHECK, v->pos, "add_condition: '%s' needs a value or a list of values",
                   k->scalar.str);
            ok = false;
            continue;
        }
        for (size_t j = 0; j < nv; j++) {
            const sg_ynode *x = v->type == SG_Y_SEQ ? v->kids[j] : v;
            if (x->type != SG_Y_SCALAR) {
                SG_ERR(d, PL_CHECK, x->pos, "add_condition: values must be scalars");
                ok = false;
                break;
            }
            it->values.v[it->values.n] = x->scalar;
            if (r && !substitute(a, &it->values.v[it->values.n], r))
                return NULL;
            it->values.n++;
        }
    }
    if (!ok)
        return NULL;
    *m = (sg_map){items, conds->n, conds->pos};
    s->name = "_pipeline_condition";
    s->pos = conds->pos;
    s->kind = SG_SEARCH_MAP;
    s->alts = m;
    s->nalts = 1;
    cond->kind = SG_C_ID;
    cond->name = s->name;
    cond->pos = conds->pos;
    cv[0] = cond;
    rule->kind = SG_DOC_RULE;
    rule->path = conds->pos.file;
    rule->pos = conds->pos;
    rule->has_detection = true;
    rule->searches = s;
    rule->nsearches = 1;
    rule->conditions = cv;
    rule->nconditions = 1;
    rule->condition_pos = conds->pos;
    ir_rule *ir = ir_build_rule(a, rule, d);
    return ir ? ir->expr : NULL;
}
