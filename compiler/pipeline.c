/* pipeline.c - pySigma processing-pipeline YAML -> items and conditions.
 *
 * Every key is checked: an unknown transformation or condition type, an
 * unknown or missing parameter, a value of the wrong shape or a bad regular
 * expression is an error ("pipeline") at the offending key or value, and
 * the whole file is reported in one pass. `finalizers` and `postprocessing`
 * act on a backend's output, not on rules: they are accepted and ignored
 * with a warning. */
#include "pipeline_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct pp {
    sg_arena *a;
    sg_diags *d;
    const char *path;
    bool bad, oom;
} pp;

/* A map whose keys are ticked off as they are read, so the leftovers can
 * be reported as unknown. */
typedef struct ymap {
    const sg_ynode *m;
    bool used[64];
} ymap;

#define PERR(P, pos, ...)                       \
    do {                                        \
        SG_ERR((P)->d, PL_CHECK, pos, __VA_ARGS__); \
        (P)->bad = true;                        \
    } while (0)

static const char *const xform_names[] = {
#define PL_NAME(e, s) s,
    PL_XFORMS(PL_NAME)
#undef PL_NAME
};

const char *pl_xtype_name(pl_xtype t)
{
    return t < PX__COUNT ? xform_names[t] : "?";
}

/* ---- shapes ------------------------------------------------------------------ */

static sg_pos ypos(const pp *P, const sg_ynode *y)
{
    return y ? y->pos : (sg_pos){P->path, 0, 0};
}

static const char *shape(const sg_ynode *y)
{
    return !y ? "nothing" : y->type == SG_Y_MAP ? "a map" : y->type == SG_Y_SEQ ? "a list"
                                                                                : "a scalar";
}

static bool ymap_init(pp *P, ymap *m, const sg_ynode *y, const char *what)
{
    memset(m, 0, sizeof *m);
    m->m = y;
    if (!y || y->type != SG_Y_MAP) {
        PERR(P, ypos(P, y), "%s must be a map, not %s", what, shape(y));
        return false;
    }
    return true;
}

static const sg_ynode *take(ymap *m, const char *key)
{
    for (size_t i = 0; i < m->m->n; i++) {
        const sg_ynode *k = m->m->kids[2 * i];
        if (k->type == SG_Y_SCALAR && strcmp(k->scalar.str, key) == 0) {
            if (i < sizeof m->used)
                m->used[i] = true;
            return m->m->kids[2 * i + 1];
        }
    }
    return NULL;
}

static void leftovers(pp *P, const ymap *m, const char *where)
{
    for (size_t i = 0; i < m->m->n; i++) {
        const sg_ynode *k = m->m->kids[2 * i];
        if (i >= sizeof m->used)
            PERR(P, k->pos, "too many keys in %s", where);
        else if (!m->used[i])
            PERR(P, k->pos, "unknown key '%s' in %s",
                 k->type == SG_Y_SCALAR ? k->scalar.str : "?", where);
    }
}

static const char *ystr(pp *P, const sg_ynode *y, const char *what)
{
    if (!y || y->type != SG_Y_SCALAR || y->scalar.type == SG_V_NULL) {
        PERR(P, ypos(P, y), "'%s' must be a string, not %s", what,
             y && y->type == SG_Y_SCALAR ? "null" : shape(y));
        return NULL;
    }
    return y->scalar.str;
}

static bool ybool(pp *P, const sg_ynode *y, const char *what, bool *out)
{
    if (!y)
        return true;
    if (y->type == SG_Y_SCALAR) {
        const sg_value *v = &y->scalar;
        if (v->type == SG_V_BOOL) {
            *out = v->b;
            return true;
        }
        /* PyYAML (YAML 1.1) also reads these as booleans */
        static const char *const yes[] = {"yes", "Yes", "YES", "on", "On", "ON"};
        static const char *const no[] = {"no", "No", "NO", "off", "Off", "OFF"};
        for (size_t i = 0; i < 6; i++) {
            if (!strcmp(v->str, yes[i]))
                return *out = true, true;
            if (!strcmp(v->str, no[i]))
                return *out = false, true;
        }
    }
    PERR(P, y->pos, "'%s' must be true or false", what);
    return false;
}

/* A scalar or a list of scalars, as strings. */
static bool ystrlist(pp *P, const sg_ynode *y, const char *what, const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!y)
        return true;
    size_t cnt = y->type == SG_Y_SEQ ? y->n : 1;
    const char **v = sg_arena_alloc(P->a, (cnt ? cnt : 1) * sizeof *v);
    if (!v) {
        P->oom = true;
        return false;
    }
    if (y->type == SG_Y_SCALAR) {
        if (!(v[0] = ystr(P, y, what)))
            return false;
    } else if (y->type == SG_Y_SEQ) {
        for (size_t i = 0; i < cnt; i++)
            if (!(v[i] = ystr(P, y->kids[i], what)))
                return false;
    } else {
        PERR(P, y->pos, "'%s' must be a string or a list of strings, not %s", what, shape(y));
        return false;
    }
    *out = v;
    *n = cnt;
    return true;
}

static bool choose(pp *P, const sg_ynode *y, const char *what, const char *const *names,
                   int *out)
{
    const char *s = ystr(P, y, what);
    if (!s)
        return false;
    for (int i = 0; names[i]; i++)
        if (!strcmp(s, names[i]))
            return *out = i, true;
    char list[256] = "";
    for (int i = 0; names[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
    PERR(P, y->pos, "'%s' must be one of %s, not '%s'", what, list, s);
    return false;
}

static pl_re *yregex(pp *P, const sg_ynode *y, const char *what)
{
    const char *s = ystr(P, y, what);
    if (!s)
        return NULL;
    char err[256];
    size_t off = 0;
    pl_re *re = pl_re_compile(P->a, s, y->scalar.len, false, err, sizeof err, &off);
    if (!re) {
        sg_pos p = y->pos;
        p.col += (unsigned)off + (y->scalar.quoted ? 1 : 0);
        PERR(P, p, "invalid regular expression in '%s': %s (at offset %zu)", what, err, off);
    }
    return re;
}

/* ---- conditions --------------------------------------------------------------- */

typedef struct cond_spec {
    const char *name;
    pl_cond_type type;
    unsigned scopes; /* 1 << pl_scope */
} cond_spec;

#define R (1u << PL_SCOPE_RULE)
#define D (1u << PL_SCOPE_DETECTION)
#define F (1u << PL_SCOPE_FIELD)
static const cond_spec cond_specs[] = {
    {"logsource", PC_LOGSOURCE, R},
    {"contains_detection_item", PC_CONTAINS_DETECTION_ITEM, R},
    {"contains_field", PC_CONTAINS_FIELD, R},
    {"processing_item_applied", PC_ITEM_APPLIED, R | D | F},
    {"processing_state", PC_STATE, R | D | F},
    {"rule_attribute", PC_RULE_ATTRIBUTE, R},
    {"tag", PC_TAG, R},
    {"is_sigma_rule", PC_IS_SIGMA_RULE, R},
    {"is_sigma_correlation_rule", PC_IS_CORRELATION_RULE, R},
    {"match_string", PC_MATCH_STRING, D},
    {"match_value", PC_MATCH_VALUE, D},
    {"contains_wildcard", PC_CONTAINS_WILDCARD, D},
    {"is_null", PC_IS_NULL, D},
    {"include_fields", PC_INCLUDE_FIELDS, F},
    {"exclude_fields", PC_EXCLUDE_FIELDS, F},
};
#undef R
#undef D
#undef F

static const char *const scope_names[] = {"rule", "detection item", "field name"};
static const char *const op_names[] = {"eq", "ne", "gte", "gt", "lte", "lt", "in", "not_in", NULL};
static const char *const state_ops[] = {"eq", "ne", "gte", "gt", "lte", "lt", NULL};

static const sg_value *yscalar(pp *P, const sg_ynode *y, const char *what)
{
    if (!y || y->type != SG_Y_SCALAR) {
        PERR(P, ypos(P, y), "'%s' must be a scalar value, not %s",
             what, shape(y));
        return NULL;
    }
    return &y->scalar;
}

static bool need(pp *P, const sg_ynode *v, const sg_ynode *map, const char *key,
                 const char *where)
{
    if (!v)
        PERR(P, map->pos, "%s needs '%s'", where, key);
    return v != NULL;
}

static bool parse_cond(pp *P, const sg_ynode *y, pl_scope scope, pl_cond *c)
{
    ymap m;
    if (!ymap_init(P, &m, y, "a condition"))
        return false;
    c->pos = y->pos;
    const sg_ynode *ty = take(&m, "type");
    if (!ty) {
        PERR(P, y->pos, "condition without 'type'");
        return false;
    }
    const char *tname = ystr(P, ty, "type");
    if (!tname)
        return false;
    const cond_spec *spec = NULL;
    for (size_t i = 0; i < sizeof cond_specs / sizeof *cond_specs; i++)
        if (!strcmp(cond_specs[i].name, tname))
            spec = &cond_specs[i];
    if (!spec || !(spec->scopes & (1u << scope))) {
        PERR(P, ty->pos, "unknown %s condition type '%s'", scope_names[scope], tname);
        return false;
    }
    c->type = spec->type;
    char where[96];
    snprintf(where, sizeof where, "condition '%s'", tname);
    const sg_ynode *v;
    bool ok = true;
    switch (c->type) {
    case PC_LOGSOURCE:
        if ((v = take(&m, "category")))
            ok &= (c->category = ystr(P, v, "category")) != NULL;
        if ((v = take(&m, "product")))
            ok &= (c->product = ystr(P, v, "product")) != NULL;
        if ((v = take(&m, "service")))
            ok &= (c->service = ystr(P, v, "service")) != NULL;
        break;
    case PC_CONTAINS_DETECTION_ITEM:
        if (need(P, v = take(&m, "field"), y, "field", where))
            ok &= (c->field = ystr(P, v, "field")) != NULL;
        else
            ok = false;
        if (need(P, v = take(&m, "value"), y, "value", where))
            ok &= (c->value = yscalar(P, v, "value")) != NULL;
        else
            ok = false;
        break;
    case PC_CONTAINS_FIELD:
        if (need(P, v = take(&m, "field"), y, "field", where))
            ok &= (c->field = ystr(P, v, "field")) != NULL;
        else
            ok = false;
        break;
    case PC_ITEM_APPLIED:
        if (need(P, v = take(&m, "processing_item_id"), y, "processing_item_id", where))
            ok &= (c->item_id = ystr(P, v, "processing_item_id")) != NULL;
        else
            ok = false;
        break;
    case PC_STATE:
    case PC_RULE_ATTRIBUTE: {
        bool st = c->type == PC_STATE;
        const char *kn = st ? "key" : "attribute", *vn = st ? "val" : "value";
        if (need(P, v = take(&m, kn), y, kn, where))
            ok &= (c->key = ystr(P, v, kn)) != NULL;
        else
            ok = false;
        if (need(P, v = take(&m, vn), y, vn, where))
            ok &= (c->value = yscalar(P, v, vn)) != NULL;
        else
            ok = false;
        int op = 0;
        if ((v = take(&m, "op")))
            ok &= choose(P, v, "op", st ? state_ops : op_names, &op);
        c->op = (pl_op)op;
        break;
    }
    case PC_TAG:
        if (need(P, v = take(&m, "tag"), y, "tag", where))
            ok &= (c->tag = ystr(P, v, "tag")) != NULL;
        else
            ok = false;
        break;
    case PC_IS_SIGMA_RULE:
    case PC_IS_CORRELATION_RULE:
        break;
    case PC_MATCH_STRING:
    case PC_MATCH_VALUE:
    case PC_CONTAINS_WILDCARD:
    case PC_IS_NULL: {
        static const char *const conds[] = {"any", "all", NULL};
        int all = 0;
        if ((v = take(&m, "cond")))
            ok &= choose(P, v, "cond", conds, &all);
        c->all = all == 1;
        if (c->type == PC_MATCH_STRING) {
            if (need(P, v = take(&m, "pattern"), y, "pattern", where))
                ok &= (c->re = yregex(P, v, "pattern")) != NULL;
            else
                ok = false;
            ok &= ybool(P, take(&m, "negate"), "negate", &c->negate);
        } else if (c->type == PC_MATCH_VALUE) {
            if (need(P, v = take(&m, "value"), y, "value", where))
                ok &= (c->value = yscalar(P, v, "value")) != NULL;
            else
                ok = false;
        }
        break;
    }
    case PC_INCLUDE_FIELDS:
    case PC_EXCLUDE_FIELDS: {
        if (need(P, v = take(&m, "fields"), y, "fields", where))
            ok &= ystrlist(P, v, "fields", &c->fields, &c->nfields);
        else
            ok = false;
        static const char *const modes[] = {"plain", "re", NULL};
        int mode = 0;
        const sg_ynode *mv = take(&m, "mode");
        if (mv)
            ok &= choose(P, mv, "mode", modes, &mode);
        if (ok && mode == 1) {
            c->fields_re = sg_arena_alloc(P->a, (c->nfields ? c->nfields : 1) * sizeof *c->fields_re);
            if (!c->fields_re)
                return P->oom = true, false;
            for (size_t i = 0; i < c->nfields; i++) {
                const sg_ynode *fy = v->type == SG_Y_SEQ ? v->kids[i] : v;
                ok &= (c->fields_re[i] = yregex(P, fy, "fields")) != NULL;
            }
        }
        break;
    }
    }
    leftovers(P, &m, where);
    return ok;
}

static const char *const set_keys[3][4] = {
    {"rule_conditions", "rule_cond_op", "rule_cond_not", "rule_cond_expr"},
    {"detection_item_conditions", "detection_item_cond_op", "detection_item_cond_not",
     "detection_item_cond_expr"},
    {"field_name_conditions", "field_name_cond_op", "field_name_cond_not",
     "field_name_cond_expr"},
};

static void parse_condset(pp *P, ymap *m, pl_scope scope, pl_condset *set)
{
    const char *const *k = set_keys[scope];
    const sg_ynode *conds = take(m, k[0]), *op = take(m, k[1]), *neg = take(m, k[2]),
                   *expr = take(m, k[3]);
    if (conds && !(conds->type == SG_Y_SCALAR && conds->scalar.type == SG_V_NULL)) {
        if (conds->type == SG_Y_SCALAR) {
            PERR(P, conds->pos, "'%s' must be a list or a map of conditions", k[0]);
            return;
        }
        set->v = sg_arena_alloc(P->a, (conds->n ? conds->n : 1) * sizeof *set->v);
        if (!set->v) {
            P->oom = true;
            return;
        }
        for (size_t i = 0; i < conds->n; i++) {
            const sg_ynode *c = conds->type == SG_Y_MAP ? conds->kids[2 * i + 1] : conds->kids[i];
            pl_cond *pc = &set->v[set->n++];
            if (conds->type == SG_Y_MAP)
                pc->name = ystr(P, conds->kids[2 * i], "condition name");
            parse_cond(P, c, scope, pc);
        }
        if (expr && conds->type != SG_Y_MAP)
            PERR(P, conds->pos, "'%s' must be a map from names to conditions when '%s' is given",
                 k[0], k[3]);
    }
    if (op) {
        static const char *const ops[] = {"and", "or", NULL};
        int o = 0;
        if (choose(P, op, k[1], ops, &o))
            set->any = o == 1;
        if (expr)
            PERR(P, op->pos, "'%s' and '%s' cannot be used together", k[1], k[3]);
    }
    ybool(P, neg, k[2], &set->negate);
    if (expr) {
        const char *s = ystr(P, expr, k[3]);
        if (s && !P->bad) {
            sg_pos pos = expr->pos;
            if (expr->scalar.quoted)
                pos.col++;
            if (!pl_expr_parse(P->a, s, set, pos, P->d, &set->expr, &P->oom))
                P->bad = true;
        }
    }
}

/* ---- transformations ---------------------------------------------------------- */

static bool parse_mapping(pp *P, const sg_ynode *y, const char *what, bool lists, bool null_key,
                          pl_item *it)
{
    if (!y || y->type != SG_Y_MAP) {
        PERR(P, y->pos, "'%s' must be a map, not %s", what, shape(y));
        return false;
    }
    it->map = sg_arena_alloc(P->a, (y->n ? y->n : 1) * sizeof *it->map);
    if (!it->map)
        return P->oom = true, false;
    bool ok = true;
    for (size_t i = 0; i < y->n; i++) {
        const sg_ynode *k = y->kids[2 * i], *v = y->kids[2 * i + 1];
        pl_mapping *mp = &it->map[it->nmap++];
        if (k->type == SG_Y_SCALAR && k->scalar.type == SG_V_NULL && null_key) {
            mp->from = NULL; /* keywords */
        } else if (!(mp->from = ystr(P, k, what))) {
            ok = false;
            continue;
        }
        if (!lists && v->type != SG_Y_SCALAR) {
            PERR(P, v->pos, "'%s' values must be strings, not %s", what, shape(v));
            ok = false;
            continue;
        }
        ok &= ystrlist(P, v, what, &mp->to, &mp->nto);
    }
    return ok;
}

static bool need_key(pp *P, const sg_ynode *v, const pl_item *it, const char *key)
{
    if (!v)
        PERR(P, it->pos, "transformation '%s' needs '%s'", pl_xtype_name(it->type), key);
    return v != NULL;
}

static bool parse_placeholders(pp *P, ymap *m, pl_item *it)
{
    const sg_ynode *inc = take(m, "include"), *exc = take(m, "exclude");
    if (inc && exc) {
        PERR(P, exc->pos, "'include' and 'exclude' cannot be used together");
        return false;
    }
    it->include = inc != NULL;
    it->exclude = exc != NULL;
    return ystrlist(P, inc ? inc : exc, inc ? "include" : "exclude", &it->list, &it->nlist);
}

static bool parse_items(pp *P, const sg_ynode *y, pl_item **items, size_t *n, const char *what);

static void parse_params(pp *P, ymap *m, pl_item *it)
{
    const sg_ynode *v;
    switch (it->type) {
    case PX_FIELD_NAME_MAPPING:
    case PX_FIELD_NAME_PREFIX_MAPPING:
        if (need_key(P, v = take(m, "mapping"), it, "mapping"))
            parse_mapping(P, v, "mapping", true, it->type == PX_FIELD_NAME_MAPPING, it);
        break;
    case PX_FIELD_NAME_PREFIX:
    case PX_FIELD_NAME_SUFFIX: {
        const char *k = it->type == PX_FIELD_NAME_PREFIX ? "prefix" : "suffix";
        if (need_key(P, v = take(m, k), it, k))
            it->str = ystr(P, v, k);
        break;
    }
    case PX_ADD_CONDITION:
        ybool(P, take(m, "template"), "template", &it->templ);
        ybool(P, take(m, "negated"), "negated", &it->negated);
        if ((v = take(m, "name")))
            ystr(P, v, "name");
        if (need_key(P, v = take(m, "conditions"), it, "conditions")) {
            if (v->type != SG_Y_MAP || v->n == 0) {
                PERR(P, v->pos, "'conditions' must be a non-empty map of field: value(s)");
                break;
            }
            it->cond_src = v;
            unsigned before = (unsigned)P->d->nerrors;
            ir_node *n = pl_build_conditions(P->a, v, NULL, P->d);
            if (!n && (P->d->nerrors == before || P->d->oom))
                P->oom = true;
            if (!n)
                P->bad = true;
            it->cond = it->templ ? NULL : n;
        }
        break;
    case PX_CHANGE_LOGSOURCE:
        if ((v = take(m, "category")))
            it->category = ystr(P, v, "category");
        if ((v = take(m, "product")))
            it->product = ystr(P, v, "product");
        if ((v = take(m, "service")))
            it->service = ystr(P, v, "service");
        break;
    case PX_DROP_DETECTION_ITEM:
    case PX_STRICT_FIELD_MAPPING_FAILURE:
        break;
    case PX_REPLACE_STRING: {
        ybool(P, take(m, "skip_special"), "skip_special", &it->skip_special);
        ybool(P, take(m, "interpret_special"), "interpret_special", &it->interpret_special);
        const sg_ynode *rv = take(m, "replacement");
        if (need_key(P, v = take(m, "regex"), it, "regex"))
            it->re = yregex(P, v, "regex");
        if (need_key(P, rv, it, "replacement")) {
            const char *s = rv->type == SG_Y_SCALAR && rv->scalar.type == SG_V_NULL
                                ? "" : ystr(P, rv, "replacement");
            if (s && it->re) {
                char err[160];
                it->repl = pl_tmpl_parse(P->a, it->re, s, strlen(s), err, sizeof err);
                if (!it->repl)
                    PERR(P, rv->pos, "%s", err);
            }
        }
        break;
    }
    case PX_MAP_STRING:
        if (need_key(P, v = take(m, "mapping"), it, "mapping"))
            parse_mapping(P, v, "mapping", true, false, it);
        break;
    case PX_SET_VALUE: {
        if (need_key(P, v = take(m, "value"), it, "value"))
            it->val = yscalar(P, v, "value");
        static const char *const types[] = {"str", "num", NULL};
        if ((v = take(m, "force_type"))) {
            it->has_method = choose(P, v, "force_type", types, &it->method);
            if (it->has_method && it->val && it->method == PL_TYPE_NUM &&
                it->val->type != SG_V_INT && it->val->type != SG_V_FLOAT) {
                char *end;
                strtod(it->val->str, &end);
                if (!*it->val->str || *end)
                    PERR(P, it->val->pos, "'%s' cannot be converted to a number", it->val->str);
            }
        }
        break;
    }
    case PX_CONVERT_TYPE: {
        static const char *const types[] = {"str", "num", NULL};
        if (need_key(P, v = take(m, "target_type"), it, "target_type"))
            it->has_method = choose(P, v, "target_type", types, &it->method);
        break;
    }
    case PX_VALUE_PLACEHOLDERS:
    case PX_WILDCARD_PLACEHOLDERS:
        parse_placeholders(P, m, it);
        break;
    case PX_QUERY_EXPRESSION_PLACEHOLDERS:
        parse_placeholders(P, m, it);
        if (need_key(P, v = take(m, "expression"), it, "expression"))
            it->str = ystr(P, v, "expression");
        if ((v = take(m, "mapping")))
            parse_mapping(P, v, "mapping", false, false, it);
        break;
    case PX_ADD_FIELD:
    case PX_REMOVE_FIELD:
        if (need_key(P, v = take(m, "field"), it, "field"))
            ystrlist(P, v, "field", &it->list, &it->nlist);
        break;
    case PX_SET_FIELD:
        if (need_key(P, v = take(m, "fields"), it, "fields"))
            ystrlist(P, v, "fields", &it->list, &it->nlist);
        break;
    case PX_SET_STATE:
        if (need_key(P, v = take(m, "key"), it, "key"))
            it->str = ystr(P, v, "key");
        if (need_key(P, v = take(m, "val"), it, "val"))
            it->val = yscalar(P, v, "val");
        break;
    case PX_RULE_FAILURE:
    case PX_DETECTION_ITEM_FAILURE:
        if (need_key(P, v = take(m, "message"), it, "message"))
            it->str = ystr(P, v, "message");
        break;
    case PX_SET_CUSTOM_ATTRIBUTE:
        if (need_key(P, v = take(m, "attribute"), it, "attribute"))
            it->str = ystr(P, v, "attribute");
        if (need_key(P, v = take(m, "value"), it, "value"))
            it->val = yscalar(P, v, "value");
        break;
    case PX_CASE: {
        static const char *const methods[] = {"lower", "upper", "snake_case", NULL};
        it->method = PL_CASE_LOWER;
        if ((v = take(m, "method")))
            it->has_method = choose(P, v, "method", methods, &it->method);
        break;
    }
    case PX_REGEX: {
        static const char *const methods[] = {"plain", "ignore_case_flag",
                                              "ignore_case_brackets", NULL};
        it->method = PL_RE_BRACKETS;
        if ((v = take(m, "method")))
            it->has_method = choose(P, v, "method", methods, &it->method);
        break;
    }
    case PX_HASHES_FIELDS:
        if (need_key(P, v = take(m, "valid_hash_algos"), it, "valid_hash_algos"))
            ystrlist(P, v, "valid_hash_algos", &it->list, &it->nlist);
        it->str = "";
        if ((v = take(m, "field_prefix")))
            it->str = ystr(P, v, "field_prefix");
        ybool(P, take(m, "drop_algo_prefix"), "drop_algo_prefix", &it->drop_algo_prefix);
        break;
    case PX_NEST:
        if (need_key(P, v = take(m, "items"), it, "items"))
            parse_items(P, v, &it->kids, &it->nkids, "'items'");
        for (size_t i = 0; i < it->nkids; i++)
            if (!it->kids[i].id && it->kids[i].label) /* "#2" -> "outer.#2" */
                it->kids[i].label = sg_arena_printf(P->a, "%s.%s", it->label, it->kids[i].label);
        break;
    case PX__COUNT:
        break;
    }
}

/* Types pySigma has that cannot work here, with the reason. */
static const char *unsupported_type(const char *t)
{
    if (!strcmp(t, "field_name_transform"))
        return "it calls a Python function";
    return NULL;
}

static bool parse_item(pp *P, const sg_ynode *y, size_t index, pl_item *it)
{
    ymap m;
    if (!ymap_init(P, &m, y, "a transformation"))
        return false;
    it->pos = y->pos;
    const sg_ynode *ty = take(&m, "type"), *id = take(&m, "id");
    if (id)
        it->id = ystr(P, id, "id");
    it->label = it->id ? it->id : sg_arena_printf(P->a, "#%zu", index + 1);
    if (!it->label)
        return P->oom = true, false;
    if (!ty) {
        PERR(P, y->pos, "transformation without 'type'");
        return false;
    }
    const char *tname = ystr(P, ty, "type");
    if (!tname)
        return false;
    it->type = PX__COUNT;
    for (int i = 0; i < PX__COUNT; i++)
        if (!strcmp(tname, xform_names[i]))
            it->type = (pl_xtype)i;
    if (it->type == PX__COUNT) {
        const char *why = unsupported_type(tname);
        if (why)
            PERR(P, ty->pos, "transformation type '%s' is not supported: %s", tname, why);
        else
            PERR(P, ty->pos, "unknown transformation type '%s'", tname);
        return false;
    }
    parse_condset(P, &m, PL_SCOPE_RULE, &it->rule);
    parse_condset(P, &m, PL_SCOPE_DETECTION, &it->det);
    parse_condset(P, &m, PL_SCOPE_FIELD, &it->field);
    parse_params(P, &m, it);
    char where[96];
    snprintf(where, sizeof where, "transformation '%s'", tname);
    leftovers(P, &m, where);
    return true;
}

static bool parse_items(pp *P, const sg_ynode *y, pl_item **items, size_t *n, const char *what)
{
    if (y->type == SG_Y_SCALAR && y->scalar.type == SG_V_NULL)
        return true;
    if (y->type != SG_Y_SEQ) {
        PERR(P, y->pos, "%s must be a list of transformations, not %s", what, shape(y));
        return false;
    }
    *items = sg_arena_alloc(P->a, (y->n ? y->n : 1) * sizeof **items);
    if (!*items)
        return P->oom = true, false;
    for (size_t i = 0; i < y->n; i++)
        parse_item(P, y->kids[i], i, &(*items)[(*n)++]);
    return true;
}

/* ---- the file ------------------------------------------------------------------ */

static const char *default_name(sg_arena *a, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    return sg_arena_strndup(a, b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

sg_pipeline *sg_pipeline_load(sg_arena *a, const char *path, const char *text, size_t len,
                              sg_diags *d)
{
    pp P = {a, d, path, false, false};
    sg_ynode *root = pl_yaml_load(a, path, text, len, d, &P.oom);
    if (!root) {
        if (P.oom)
            d->oom = true;
        return NULL;
    }
    ymap m;
    if (!ymap_init(&P, &m, root, "a pipeline"))
        return NULL;
    sg_pipeline *p = sg_arena_alloc(a, sizeof *p);
    if (!p) {
        d->oom = true;
        return NULL;
    }
    p->path = path;
    const sg_ynode *v;
    if ((v = take(&m, "name")))
        p->name = ystr(&P, v, "name");
    if (!p->name)
        p->name = default_name(a, path);
    if ((v = take(&m, "priority"))) {
        if (v->type != SG_Y_SCALAR || v->scalar.type != SG_V_INT || v->scalar.i < -1000000 ||
            v->scalar.i > 1000000)
            PERR(&P, v->pos, "'priority' must be an integer");
        else
            p->priority = (int)v->scalar.i;
    }
    if ((v = take(&m, "allowed_backends"))) {
        p->has_allowed = true;
        ystrlist(&P, v, "allowed_backends", &p->allowed, &p->nallowed);
    }
    if ((v = take(&m, "vars"))) {
        if (v->type == SG_Y_MAP)
            p->vars = v;
        else if (!(v->type == SG_Y_SCALAR && v->scalar.type == SG_V_NULL))
            PERR(&P, v->pos, "'vars' must be a map of names to values");
    }
    if ((v = take(&m, "transformations")))
        parse_items(&P, v, &p->items, &p->nitems, "'transformations'");
    if ((v = take(&m, "finalizers")) && !(v->type == SG_Y_SEQ && v->n == 0))
        SG_WARN(d, PL_CHECK, v->pos,
                "'finalizers' act on a backend's output and are backend-specific: ignored");
    if ((v = take(&m, "postprocessing")) && !(v->type == SG_Y_SEQ && v->n == 0))
        SG_WARN(d, PL_CHECK, v->pos,
                "'postprocessing' acts on a backend's query text and is backend-specific: ignored");
    leftovers(&P, &m, "a pipeline");
    if (P.oom)
        d->oom = true;
    if (!p->name)
        return NULL;
    if (!P.bad && !P.oom && !pl_index(a, p)) {
        d->oom = true;
        return NULL;
    }
    return P.bad || P.oom ? NULL : p;
}

/* ---- queries ---------------------------------------------------------------------- */

const char *sg_pipeline_name(const sg_pipeline *p)
{
    return p->name;
}

int sg_pipeline_priority(const sg_pipeline *p)
{
    return p->priority;
}

/* pySigma names its backends differently from sigmacc's targets. */
static bool backend_alias(const char *allowed, const char *backend)
{
    static const char *const aliases[][2] = {
        {"splunk", "spl"},       {"kusto", "kql"},          {"microsoft365defender", "kql"},
        {"microsoft_xdr", "kql"}, {"sentinel", "kql"},      {"azure_monitor", "kql"},
        {"suricata", "suricata"}, {"c", "c"},
    };
    if (!strcasecmp(allowed, backend))
        return true;
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (!strcasecmp(allowed, aliases[i][0]) && !strcmp(backend, aliases[i][1]))
            return true;
    return false;
}

bool sg_pipeline_allows(const sg_pipeline *p, const char *backend)
{
    /* `-t ir` shows what any pipeline does: it is the debugging target */
    if (!p->has_allowed || !backend || !strcmp(backend, "ir"))
        return true;
    for (size_t i = 0; i < p->nallowed; i++)
        if (backend_alias(p->allowed[i], backend))
            return true;
    return false;
}

void sg_pipelines_sort(sg_pipeline **p, size_t n)
{
    /* insertion sort: stable, and there are only a handful */
    for (size_t i = 1; i < n; i++) {
        sg_pipeline *t = p[i];
        size_t j = i;
        while (j > 0 && p[j - 1]->priority > t->priority) {
            p[j] = p[j - 1];
            j--;
        }
        p[j] = t;
    }
}
