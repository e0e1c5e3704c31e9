/* loader.c - Sigma YAML -> rule tree through libfyaml's document API.
 *
 * libfyaml gives text, style and token marks; typing scalars (null, bool,
 * int, float) and every Sigma shape decision happen here, so the rest of the
 * compiler never sees YAML. Aliases are refused (no alias bombs), nesting is
 * bounded by libfyaml's depth limit and by ours, and the file is checked for
 * valid UTF-8 before parsing. */
#include "loader.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_YAML "yaml"
#define CHECK_ENCODING "encoding"
#define CHECK_SCHEMA "schema"
#define CHECK_LEGACY "legacy-collection"
#define MAX_YDEPTH 64

typedef struct loader {
    sg_arena *a;
    sg_diags *d;
    const char *path;
    bool oom;
} loader;

/* ---- positions and scalars ----------------------------------------------- */

static sg_pos node_pos(loader *L, struct fy_node *n)
{
    sg_pos p = {L->path, 0, 0};
    /* Collections have no public start mark in libfyaml 0.7: use the first
     * scalar inside them, which is where a reader's eye goes anyway. */
    for (int guard = 0; n && guard < MAX_YDEPTH; guard++) {
        if (fy_node_is_scalar(n) || fy_node_is_alias(n)) {
            struct fy_token *t = fy_node_get_scalar_token(n);
            const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
            if (m) {
                p.line = (unsigned)m->line + 1;
                p.col = (unsigned)m->column + 1;
                /* libfyaml marks the text of a quoted scalar and the name of
                 * an alias; point at the token's first character instead
                 * (the quote, the `*`), as a compiler would. */
                enum fy_node_style st = fy_node_get_style(n);
                if ((st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED || st == FYNS_ALIAS) &&
                    p.col > 1)
                    p.col--;
            }
            return p;
        }
        void *it = NULL;
        if (fy_node_is_sequence(n)) {
            n = fy_node_sequence_iterate(n, &it);
        } else {
            struct fy_node_pair *pr = fy_node_mapping_iterate(n, &it);
            n = pr ? fy_node_pair_key(pr) : NULL;
        }
    }
    return p;
}

static bool all_digits(const char *s, size_t n, int base)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = base == 16 ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                                (c >= 'A' && c <= 'F'))
                  : base == 8 ? (c >= '0' && c <= '7')
                              : (c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

/* YAML 1.2 core schema typing of a plain scalar. */
static void type_plain(sg_value *v)
{
    const char *s = v->str;
    size_t n = v->len;
    if (n == 0 || (n == 1 && s[0] == '~') || !strcmp(s, "null") || !strcmp(s, "Null") ||
        !strcmp(s, "NULL")) {
        v->type = SG_V_NULL;
        return;
    }
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
        v->type = SG_V_BOOL;
        v->b = true;
        return;
    }
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
        v->type = SG_V_BOOL;
        v->b = false;
        return;
    }
    const char *p = s;
    size_t m = n;
    if (*p == '-' || *p == '+') {
        p++;
        m--;
    }
    int base = 0;
    if (m > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && all_digits(p + 2, m - 2, 16))
        base = 16;
    else if (m > 2 && p[0] == '0' && p[1] == 'o' && all_digits(p + 2, m - 2, 8))
        base = 8;
    else if (all_digits(p, m, 10))
        base = 10;
    if (base && strlen(s) == n) {
        errno = 0;
        const char *digits = base == 10 ? p : p + 2;
        unsigned long long u = strtoull(digits, NULL, base);
        if (errno == 0 && u <= (unsigned long long)INT64_MAX) {
            v->type = SG_V_INT;
            v->i = (*s == '-') ? -(int64_t)u : (int64_t)u;
            v->f = (double)v->i;
            return;
        }
    }
    /* floats: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    {
        size_t i = 0, digits = 0;
        while (i < m && p[i] >= '0' && p[i] <= '9')
            i++, digits++;
        if (i < m && p[i] == '.') {
            i++;
            while (i < m && p[i] >= '0' && p[i] <= '9')
                i++, digits++;
        }
        if (digits && i < m && (p[i] == 'e' || p[i] == 'E')) {
            size_t j = i + 1;
            if (j < m && (p[j] == '-' || p[j] == '+'))
                j++;
            size_t k = j;
            while (k < m && p[k] >= '0' && p[k] <= '9')
                k++;
            if (k > j)
                i = k;
        }
        if (digits && i == m && strchr(s, '.') && strlen(s) == n) {
            v->type = SG_V_FLOAT;
            v->f = strtod(s, NULL);
            return;
        }
    }
    v->type = SG_V_STRING;
}

static bool read_scalar(loader *L, struct fy_node *n, sg_value *out)
{
    memset(out, 0, sizeof *out);
    out->pos = node_pos(L, n);
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s) {
        s = "";
        len = 0;
    }
    char *copy = sg_arena_strndup(L->a, s, len);
    if (!copy) {
        L->oom = true;
        return false;
    }
    out->str = copy;
    out->len = len;
    enum fy_node_style st = fy_node_get_style(n);
    if (st == FYNS_PLAIN) {
        type_plain(out);
    } else {
        out->type = SG_V_STRING;
        out->quoted = (st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED);
    }
    /* An explicit tag (!!str) forces a string. */
    size_t tl = 0;
    const char *tag = fy_node_get_tag(n, &tl);
    if (tag && tl >= 3 && memcmp(tag + tl - 3, "str", 3) == 0)
        out->type = SG_V_STRING;
    return true;
}

static const char *ytype_name(struct fy_node *n)
{
    if (!n)
        return "nothing";
    if (fy_node_is_alias(n))
        return "an alias";
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR:
        return "a scalar";
    case FYNT_SEQUENCE:
        return "a list";
    case FYNT_MAPPING:
        return "a map";
    }
    return "?";
}

/* Aliases are refused everywhere: Sigma does not need them and expanding
 * them is how YAML bombs work. */
static bool refuse_alias(loader *L, struct fy_node *n)
{
    if (n && fy_node_is_alias(n)) {
        SG_ERR(L->d, CHECK_YAML, node_pos(L, n),
               "YAML aliases are not supported in Sigma rules");
        return true;
    }
    return false;
}

/* ---- generic subtree copy ------------------------------------------------ */

static sg_ynode *copy_ynode(loader *L, struct fy_node *n, int depth)
{
    if (!n || refuse_alias(L, n))
        return NULL;
    if (depth > MAX_YDEPTH) {
        SG_ERR(L->d, CHECK_YAML, node_pos(L, n), "YAML nested too deeply");
        return NULL;
    }
    sg_ynode *y = sg_arena_alloc(L->a, sizeof *y);
    if (!y) {
        L->oom = true;
        return NULL;
    }
    y->pos = node_pos(L, n);
    if (fy_node_is_scalar(n)) {
        y->type = SG_Y_SCALAR;
        read_scalar(L, n, &y->scalar);
        return y;
    }
    bool map = fy_node_is_mapping(n);
    y->type = map ? SG_Y_MAP : SG_Y_SEQ;
    size_t cnt = map ? (size_t)fy_node_mapping_item_count(n) : (size_t)fy_node_sequence_item_count(n);
    y->kids = sg_arena_alloc(L->a, (map ? 2 : 1) * (cnt ? cnt : 1) * sizeof *y->kids);
    if (!y->kids) {
        L->oom = true;
        return NULL;
    }
    void *it = NULL;
    size_t i = 0;
    if (map) {
        struct fy_node_pair *pr;
        while ((pr = fy_node_mapping_iterate(n, &it)) && i < cnt) {
            sg_ynode *k = copy_ynode(L, fy_node_pair_key(pr), depth + 1);
            sg_ynode *v = copy_ynode(L, fy_node_pair_value(pr), depth + 1);
            if (!k)
                continue;
            if (!v) { /* `key:` with no value is a null scalar */
                v = sg_arena_alloc(L->a, sizeof *v);
                if (!v) {
                    L->oom = true;
                    return NULL;
                }
                v->type = SG_Y_SCALAR;
                v->scalar.type = SG_V_NULL;
                v->scalar.str = "";
                v->pos = v->scalar.pos = k->pos;
            }
            y->kids[2 * i] = k;
            y->kids[2 * i + 1] = v;
            i++;
        }
    } else {
        struct fy_node *c;
        while ((c = fy_node_sequence_iterate(n, &it)) && i < cnt) {
            sg_ynode *k = copy_ynode(L, c, depth + 1);
            if (k)
                y->kids[i++] = k;
        }
    }
    y->n = i;
    return y;
}

/* ---- metadata ------------------------------------------------------------- */

static void read_str(loader *L, struct fy_node *key, struct fy_node *v, const char *name,
                     sg_str *out)
{
    sg_pos kp = node_pos(L, key);
    if (!v) {
        SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' has no value", name);
        return;
    }
    if (refuse_alias(L, v))
        return;
    if (!fy_node_is_scalar(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' must be a string, not %s", name, ytype_name(v));
        return;
    }
    sg_value sv;
    if (!read_scalar(L, v, &sv))
        return;
    if (sv.type == SG_V_NULL) {
        SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' has no value", name);
        return;
    }
    out->s = sv.str;
    out->pos = sv.pos;
}

/* A list of strings; a single string is accepted where Sigma tools have
 * always accepted one (falsepositives), flagged by `allow_scalar`. */
static void read_strlist(loader *L, struct fy_node *key, struct fy_node *v, const char *name,
                         bool allow_scalar, sg_strlist *out)
{
    sg_pos kp = node_pos(L, key);
    out->present = true;
    out->pos = kp;
    if (!v)
        return; /* `tags:` with nothing: an empty list */
    if (refuse_alias(L, v))
        return;
    if (fy_node_is_scalar(v)) {
        sg_value sv;
        if (!read_scalar(L, v, &sv) || sv.type == SG_V_NULL)
            return;
        if (!allow_scalar) {
            SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' must be a list of strings, not a scalar", name);
            return;
        }
        out->v = sg_arena_alloc(L->a, sizeof *out->v);
        if (!out->v) {
            L->oom = true;
            return;
        }
        out->v[0] = (sg_str){sv.str, sv.pos};
        out->n = 1;
        return;
    }
    if (!fy_node_is_sequence(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' must be a list of strings, not %s", name,
               ytype_name(v));
        return;
    }
    size_t cnt = (size_t)fy_node_sequence_item_count(v);
    out->v = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *out->v);
    if (!out->v) {
        L->oom = true;
        return;
    }
    void *it = NULL;
    struct fy_node *c;
    while ((c = fy_node_sequence_iterate(v, &it)) && out->n < cnt) {
        if (refuse_alias(L, c))
            continue;
        if (!fy_node_is_scalar(c)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'%s' items must be strings, not %s",
                   name, ytype_name(c));
            continue;
        }
        sg_value sv;
        if (!read_scalar(L, c, &sv))
            return;
        if (sv.type == SG_V_NULL) {
            SG_ERR(L->d, CHECK_SCHEMA, sv.pos, "'%s' has an empty item", name);
            continue;
        }
        out->v[out->n++] = (sg_str){sv.str, sv.pos};
    }
}

static void read_related(loader *L, sg_rule *r, struct fy_node *key, struct fy_node *v)
{
    if (!v || refuse_alias(L, v))
        return;
    if (!fy_node_is_sequence(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, key), "'related' must be a list of {id, type} maps");
        return;
    }
    size_t cnt = (size_t)fy_node_sequence_item_count(v);
    r->related = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *r->related);
    if (!r->related) {
        L->oom = true;
        return;
    }
    void *it = NULL;
    struct fy_node *c;
    while ((c = fy_node_sequence_iterate(v, &it)) && r->nrelated < cnt) {
        if (refuse_alias(L, c))
            continue;
        if (!fy_node_is_mapping(c)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'related' items must be maps with 'id' and 'type'");
            continue;
        }
        sg_related *rel = &r->related[r->nrelated++];
        void *it2 = NULL;
        struct fy_node_pair *pr;
        while ((pr = fy_node_mapping_iterate(c, &it2))) {
            struct fy_node *k = fy_node_pair_key(pr);
            const char *ks = fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
            if (ks && !strcmp(ks, "id"))
                read_str(L, k, fy_node_pair_value(pr), "related.id", &rel->id);
            else if (ks && !strcmp(ks, "type"))
                read_str(L, k, fy_node_pair_value(pr), "related.type", &rel->type);
            else
                SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k), "unknown key '%s' in 'related' (expected 'id' and 'type')",
                       ks ? ks : "?");
        }
        if (!rel->id.s)
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'related' item without 'id'");
        if (!rel->type.s)
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'related' item without 'type'");
    }
}

static bool push_custom(loader *L, sg_custom **arr, size_t *n, struct fy_node *key,
                        struct fy_node *val)
{
    sg_custom *p = sg_arena_grow(L->a, *arr, *n, *n + 1, sizeof **arr);
    if (!p) {
        L->oom = true;
        return false;
    }
    *arr = p;
    sg_custom *c = &p[(*n)++];
    c->key.pos = node_pos(L, key);
    c->key.s = fy_node_is_scalar(key) ? sg_arena_strdup(L->a, fy_node_get_scalar0(key)) : "?";
    c->value = val ? copy_ynode(L, val, 1) : NULL;
    return true;
}

static void read_logsource(loader *L, sg_rule *r, struct fy_node *key, struct fy_node *v)
{
    sg_logsource *ls = &r->logsource;
    ls->present = true;
    ls->pos = node_pos(L, key);
    if (!v || refuse_alias(L, v))
        return;
    if (!fy_node_is_mapping(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, ls->pos, "'logsource' must be a map, not %s", ytype_name(v));
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *val = fy_node_pair_value(pr);
        const char *ks = fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
        if (!ks) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k), "logsource keys must be strings");
            continue;
        }
        if (!strcmp(ks, "category"))
            read_str(L, k, val, "logsource.category", &ls->category);
        else if (!strcmp(ks, "product"))
            read_str(L, k, val, "logsource.product", &ls->product);
        else if (!strcmp(ks, "service"))
            read_str(L, k, val, "logsource.service", &ls->service);
        else if (!strcmp(ks, "definition"))
            read_str(L, k, val, "logsource.definition", &ls->definition);
        else
            push_custom(L, &ls->extra, &ls->nextra, k, val);
    }
}

/* ---- detection -------------------------------------------------------------- */

static bool read_values(loader *L, struct fy_node *v, sg_pos keypos, sg_item *it)
{
    if (!v) {
        /* `Field:` with nothing after it is YAML null */
        it->values.v = sg_arena_alloc(L->a, sizeof(sg_value));
        if (!it->values.v)
            return L->oom = true, false;
        it->values.v[0] = (sg_value){.type = SG_V_NULL, .str = "", .pos = keypos};
        it->values.n = 1;
        it->values.pos = keypos;
        return true;
    }
    if (refuse_alias(L, v))
        return false;
    it->values.pos = node_pos(L, v);
    if (fy_node_is_scalar(v)) {
        it->values.v = sg_arena_alloc(L->a, sizeof(sg_value));
        if (!it->values.v)
            return L->oom = true, false;
        if (!read_scalar(L, v, &it->values.v[0]))
            return false;
        it->values.n = 1;
        return true;
    }
    if (fy_node_is_mapping(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, keypos,
               "the value of '%s' is a map: a field takes a value or a list of values",
               it->key);
        return false;
    }
    it->is_list = true;
    size_t cnt = (size_t)fy_node_sequence_item_count(v);
    it->values.v = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof(sg_value));
    if (!it->values.v)
        return L->oom = true, false;
    void *iter = NULL;
    struct fy_node *c;
    bool ok = true;
    while ((c = fy_node_sequence_iterate(v, &iter)) && it->values.n < cnt) {
        if (refuse_alias(L, c)) {
            ok = false;
            continue;
        }
        if (!fy_node_is_scalar(c)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c),
                   "the values of '%s' must be scalars, not %s", it->key, ytype_name(c));
            ok = false;
            continue;
        }
        if (!read_scalar(L, c, &it->values.v[it->values.n++]))
            return false;
    }
    if (cnt == 0) {
        SG_ERR(L->d, CHECK_SCHEMA, keypos, "'%s' has an empty list of values", it->key);
        ok = false;
    }
    return ok;
}

/* Split `Field|mod1|mod2` into the field and modifier references, each with
 * its own column so a bad modifier is pointed at exactly. */
static bool split_key(loader *L, const char *key, sg_pos kp, sg_item *it)
{
    it->key = key;
    it->pos = kp;
    const char *bar = strchr(key, '|');
    size_t flen = bar ? (size_t)(bar - key) : strlen(key);
    it->field = flen ? sg_arena_strndup(L->a, key, flen) : NULL;
    if (flen && !it->field)
        return L->oom = true, false;
    size_t nm = 0;
    for (const char *p = bar; p; p = strchr(p + 1, '|'))
        nm++;
    if (!nm)
        return true;
    it->mods = sg_arena_alloc(L->a, nm * sizeof *it->mods);
    if (!it->mods)
        return L->oom = true, false;
    for (const char *p = bar; p;) {
        const char *start = p + 1;
        const char *next = strchr(start, '|');
        size_t ml = next ? (size_t)(next - start) : strlen(start);
        sg_mod_ref *m = &it->mods[it->nmods++];
        m->name = sg_arena_strndup(L->a, start, ml);
        if (!m->name)
            return L->oom = true, false;
        m->id = -1; /* resolved by the IR builder, which owns the table */
        m->pos = kp;
        m->pos.col = kp.col + (unsigned)(start - key);
        p = next;
    }
    return true;
}

static bool read_map(loader *L, struct fy_node *m, sg_map *out)
{
    out->pos = node_pos(L, m);
    size_t cnt = (size_t)fy_node_mapping_item_count(m);
    out->items = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *out->items);
    if (!out->items)
        return L->oom = true, false;
    void *it = NULL;
    struct fy_node_pair *pr;
    bool ok = true;
    while ((pr = fy_node_mapping_iterate(m, &it)) && out->n < cnt) {
        struct fy_node *k = fy_node_pair_key(pr);
        if (refuse_alias(L, k))
            return false;
        if (!k || !fy_node_is_scalar(k)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k), "field names must be strings");
            ok = false;
            continue;
        }
        sg_value kv;
        if (!read_scalar(L, k, &kv))
            return false;
        sg_item *item = &out->items[out->n++];
        memset(item, 0, sizeof *item);
        if (!split_key(L, kv.str, kv.pos, item))
            return false;
        if (!read_values(L, fy_node_pair_value(pr), kv.pos, item))
            ok = false;
    }
    if (cnt == 0) {
        SG_ERR(L->d, CHECK_SCHEMA, out->pos, "empty map in a search identifier");
        ok = false;
    }
    return ok;
}

static bool read_search(loader *L, sg_search *s, struct fy_node *key, struct fy_node *v)
{
    s->pos = node_pos(L, key);
    if (!v) {
        SG_ERR(L->d, CHECK_SCHEMA, s->pos, "search identifier '%s' is empty", s->name);
        return false;
    }
    if (refuse_alias(L, v))
        return false;
    if (fy_node_is_mapping(v)) {
        s->kind = SG_SEARCH_MAP;
        s->alts = sg_arena_alloc(L->a, sizeof *s->alts);
        if (!s->alts)
            return L->oom = true, false;
        s->nalts = 1;
        return read_map(L, v, &s->alts[0]);
    }
    s->kind = SG_SEARCH_LIST;
    if (fy_node_is_scalar(v)) {
        /* A lone keyword: pySigma accepts it; treat as a one-item list. */
        s->alts = sg_arena_alloc(L->a, sizeof *s->alts);
        sg_item *item = sg_arena_alloc(L->a, sizeof *item);
        if (!s->alts || !item)
            return L->oom = true, false;
        item->key = "";
        item->pos = node_pos(L, v);
        s->alts[0] = (sg_map){item, 1, item->pos};
        s->nalts = 1;
        return read_values(L, v, item->pos, item);
    }
    size_t cnt = (size_t)fy_node_sequence_item_count(v);
    if (cnt == 0) {
        SG_ERR(L->d, CHECK_SCHEMA, s->pos, "search identifier '%s' is an empty list", s->name);
        return false;
    }
    s->alts = sg_arena_alloc(L->a, (cnt + 1) * sizeof *s->alts);
    if (!s->alts)
        return L->oom = true, false;
    /* Plain values of the list become one keyword item (OR of values);
     * maps become alternatives. */
    sg_item *kw = NULL;
    void *it = NULL;
    struct fy_node *c;
    bool ok = true;
    while ((c = fy_node_sequence_iterate(v, &it))) {
        if (refuse_alias(L, c))
            return false;
        if (fy_node_is_mapping(c)) {
            if (!read_map(L, c, &s->alts[s->nalts++]))
                ok = false;
        } else if (fy_node_is_scalar(c)) {
            if (!kw) {
                kw = sg_arena_alloc(L->a, sizeof *kw);
                if (!kw)
                    return L->oom = true, false;
                kw->key = "";
                kw->pos = node_pos(L, c);
                kw->is_list = true;
                kw->values.pos = kw->pos;
                kw->values.v = sg_arena_alloc(L->a, cnt * sizeof(sg_value));
                if (!kw->values.v)
                    return L->oom = true, false;
                s->alts[s->nalts++] = (sg_map){kw, 1, kw->pos};
            }
            if (!read_scalar(L, c, &kw->values.v[kw->values.n++]))
                return false;
        } else {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c),
                   "a search identifier list holds values or maps, not nested lists");
            ok = false;
        }
    }
    return ok;
}

static sg_cond *parse_condition_node(loader *L, struct fy_node *n)
{
    sg_value sv;
    if (!read_scalar(L, n, &sv))
        return NULL;
    if (sv.type == SG_V_NULL) {
        SG_ERR(L->d, "condition-syntax", sv.pos, "empty condition");
        return NULL;
    }
    sg_pos p = sv.pos;
    enum fy_node_style st = fy_node_get_style(n);
    if (st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED)
        p.col++; /* the text starts after the quote */
    else if (st == FYNS_LITERAL || st == FYNS_FOLDED)
        p.line++, p.col = 1; /* block scalar: text starts on the next line */
    return sg_cond_parse(L->a, sv.str, sv.len, p, NULL, L->d);
}

static void read_detection(loader *L, sg_rule *r, struct fy_node *key, struct fy_node *v)
{
    r->has_detection = true;
    r->detection_pos = node_pos(L, key);
    if (!v || refuse_alias(L, v)) {
        r->broken = true;
        return;
    }
    if (!fy_node_is_mapping(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, r->detection_pos, "'detection' must be a map, not %s",
               ytype_name(v));
        r->broken = true;
        return;
    }
    size_t cnt = (size_t)fy_node_mapping_item_count(v);
    r->searches = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *r->searches);
    if (!r->searches) {
        L->oom = true;
        return;
    }
    bool have_cond = false;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *val = fy_node_pair_value(pr);
        if (refuse_alias(L, k) || !fy_node_is_scalar(k)) {
            r->broken = true;
            continue;
        }
        const char *ks = fy_node_get_scalar0(k);
        if (!ks) {
            L->oom = true;
            return;
        }
        if (!strcmp(ks, "condition")) {
            have_cond = true;
            r->condition_pos = node_pos(L, k);
            if (!val) {
                SG_ERR(L->d, "condition-syntax", r->condition_pos, "empty condition");
                r->broken = true;
                continue;
            }
            if (refuse_alias(L, val)) {
                r->broken = true;
                continue;
            }
            size_t nc = fy_node_is_sequence(val) ? (size_t)fy_node_sequence_item_count(val) : 1;
            if (fy_node_is_mapping(val) || nc == 0) {
                SG_ERR(L->d, CHECK_SCHEMA, r->condition_pos,
                       "'condition' must be a string or a list of strings");
                r->broken = true;
                continue;
            }
            r->conditions = sg_arena_alloc(L->a, nc * sizeof *r->conditions);
            if (!r->conditions) {
                L->oom = true;
                return;
            }
            if (fy_node_is_scalar(val)) {
                r->conditions[0] = parse_condition_node(L, val);
                r->nconditions = 1;
                if (!r->conditions[0])
                    r->broken = true;
            } else {
                void *it2 = NULL;
                struct fy_node *c;
                while ((c = fy_node_sequence_iterate(val, &it2)) && r->nconditions < nc) {
                    if (refuse_alias(L, c) || !fy_node_is_scalar(c)) {
                        SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "condition list items must be strings");
                        r->broken = true;
                        continue;
                    }
                    sg_cond *cd = parse_condition_node(L, c);
                    if (!cd)
                        r->broken = true;
                    else
                        r->conditions[r->nconditions++] = cd;
                }
            }
            continue;
        }
        if (!strcmp(ks, "timeframe")) {
            r->has_timeframe = true;
            SG_ERR(L->d, "deprecated-aggregation", node_pos(L, k),
                   "'timeframe' in detection is Sigma 1.x aggregation: use a correlation rule");
            r->broken = true;
            continue;
        }
        sg_search *s = &r->searches[r->nsearches++];
        memset(s, 0, sizeof *s);
        s->name = sg_arena_strdup(L->a, ks);
        if (!s->name) {
            L->oom = true;
            return;
        }
        if (!read_search(L, s, k, val))
            r->broken = true;
    }
    if (!have_cond) {
        SG_ERR(L->d, CHECK_SCHEMA, r->detection_pos, "'detection' has no 'condition'");
        r->broken = true;
    }
}

/* ---- duplicate keys ------------------------------------------------------------ */

/* libfyaml's own duplicate-key check compares every pair of keys (12 s on
 * a map of 20,000 keys), so it is off and this hashes the keys instead. */
static uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void check_dup_keys(loader *L, struct fy_node *n, int depth)
{
    if (!n || depth > MAX_YDEPTH || fy_node_is_alias(n) || fy_node_is_scalar(n))
        return;
    void *it = NULL;
    if (fy_node_is_sequence(n)) {
        struct fy_node *c;
        while ((c = fy_node_sequence_iterate(n, &it)))
            check_dup_keys(L, c, depth + 1);
        return;
    }
    size_t cnt = (size_t)fy_node_mapping_item_count(n), cap = 16;
    while (cap < cnt * 2)
        cap *= 2;
    struct slot {
        const char *s;
        size_t len;
    } *tab = sg_arena_alloc(L->a, cap * sizeof *tab);
    if (!tab) {
        L->oom = true;
        return;
    }
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(pr);
        check_dup_keys(L, fy_node_pair_value(pr), depth + 1);
        if (!k || !fy_node_is_scalar(k))
            continue;
        size_t len;
        const char *s = fy_node_get_scalar(k, &len);
        if (!s)
            continue;
        size_t i = (size_t)key_hash(s, len) & (cap - 1);
        while (tab[i].s && !(tab[i].len == len && memcmp(tab[i].s, s, len) == 0))
            i = (i + 1) & (cap - 1);
        if (tab[i].s)
            SG_ERR(L->d, CHECK_YAML, node_pos(L, k), "invalid YAML: duplicate key '%.*s'",
                   (int)(len > 64 ? 64 : len), s);
        else
            tab[i] = (struct slot){s, len};
    }
}

/* ---- documents ---------------------------------------------------------------- */

static sg_rule *read_document(loader *L, struct fy_document *doc, unsigned index, bool *legacy)
{
    struct fy_node *root = fy_document_root(doc);
    sg_rule *r = sg_arena_alloc(L->a, sizeof *r);
    if (!r) {
        L->oom = true;
        return NULL;
    }
    r->path = L->path;
    r->doc_index = index;
    r->pos = (sg_pos){L->path, 1, 1};
    if (!root) {
        SG_ERR(L->d, CHECK_SCHEMA, r->pos, "empty YAML document: a Sigma rule is a map");
        r->broken = true;
        return r;
    }
    r->pos = node_pos(L, root);
    size_t errs = L->d->nerrors;
    check_dup_keys(L, root, 0);
    bool had_dups = L->d->nerrors > errs;
    if (had_dups)
        r->broken = true;
    if (refuse_alias(L, root) || !fy_node_is_mapping(root)) {
        SG_ERR(L->d, CHECK_SCHEMA, r->pos, "a Sigma rule is a YAML map, not %s", ytype_name(root));
        r->broken = true;
        return r;
    }
    /* Kind first: correlation and filter documents have other required keys. */
    if (fy_node_mapping_lookup_by_string(root, "correlation", (size_t)-1))
        r->kind = SG_DOC_CORRELATION;
    else if (fy_node_mapping_lookup_by_string(root, "filter", (size_t)-1))
        r->kind = SG_DOC_FILTER;

    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(root, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        if (refuse_alias(L, k) || !fy_node_is_scalar(k)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k), "top-level keys must be strings");
            r->broken = true;
            continue;
        }
        const char *ks = fy_node_get_scalar0(k);
        if (!ks) {
            L->oom = true;
            return r;
        }
        /* A duplicate key was reported by check_dup_keys; reading it again
         * would append to what the first one filled in. */
        bool again = false;
        void *it2 = NULL;
        struct fy_node_pair *p2;
        while (had_dups && !again && (p2 = fy_node_mapping_iterate(root, &it2)) && p2 != pr) {
            struct fy_node *k2 = fy_node_pair_key(p2);
            const char *s2 = k2 && fy_node_is_scalar(k2) ? fy_node_get_scalar0(k2) : NULL;
            again = s2 && !strcmp(s2, ks);
        }
        if (again)
            continue;
#define STR(name, field) else if (!strcmp(ks, name)) read_str(L, k, v, name, &r->field)
#define LIST(name, field, sc) else if (!strcmp(ks, name)) read_strlist(L, k, v, name, sc, &r->field)
        if (!strcmp(ks, "action")) {
            sg_value av = {0};
            if (v && fy_node_is_scalar(v))
                read_scalar(L, v, &av);
            SG_ERR(L->d, CHECK_LEGACY, node_pos(L, k),
                   "unsupported legacy rule collection (action: %s): split it into standalone rules",
                   av.str ? av.str : "?");
            *legacy = true;
            r->broken = true;
        }
        STR("title", title);
        STR("id", id);
        STR("name", name);
        STR("taxonomy", taxonomy);
        STR("status", status);
        STR("description", description);
        STR("license", license);
        STR("author", author);
        STR("date", date);
        STR("modified", modified);
        STR("level", level);
        LIST("references", references, false);
        LIST("fields", fields, false);
        LIST("falsepositives", falsepositives, true);
        LIST("tags", tags, false);
        LIST("scope", scope, false);
        else if (!strcmp(ks, "related")) read_related(L, r, k, v);
        else if (!strcmp(ks, "logsource")) read_logsource(L, r, k, v);
        else if (!strcmp(ks, "detection")) read_detection(L, r, k, v);
        else if (!strcmp(ks, "correlation") && r->kind == SG_DOC_CORRELATION)
            r->correlation = v ? copy_ynode(L, v, 1) : NULL;
        else if (!strcmp(ks, "filter") && r->kind == SG_DOC_FILTER)
            r->filter = v ? copy_ynode(L, v, 1) : NULL;
        else
            push_custom(L, &r->custom, &r->ncustom, k, v);
#undef STR
#undef LIST
        if (L->oom)
            return r;
    }
    return r;
}

/* ---- encoding ----------------------------------------------------------------- */

/* Sigma files are UTF-8: refuse binary data and invalid sequences up front,
 * with the position of the first bad byte. */
static bool check_encoding(loader *L, const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    unsigned line = 1, col = 1;
    size_t i = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3; /* BOM */
    while (i < len) {
        unsigned c = s[i];
        size_t n = 0;
        if (c == 0) {
            SG_ERR(L->d, CHECK_ENCODING, ((sg_pos){L->path, line, col}),
                   "NUL byte: this is a binary file, not a Sigma rule");
            return false;
        }
        if (c < 0x80)
            n = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4;
        bool ok = n > 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = (s[i + k] & 0xC0) == 0x80;
        if (ok && n == 3) {
            unsigned cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
        } else if (ok && n == 4) {
            unsigned cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |
                          ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
            ok = cp >= 0x10000 && cp <= 0x10FFFF;
        }
        if (!ok) {
            SG_ERR(L->d, CHECK_ENCODING, ((sg_pos){L->path, line, col}),
                   "invalid UTF-8 (byte 0x%02X): Sigma files must be UTF-8", c);
            return false;
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return true;
}

/* ---- entry point -------------------------------------------------------------- */

bool sg_load_buffer(sg_arena *a, const char *path, const char *buf, size_t len,
                    const sg_load_limits *lim, sg_diags *d, sg_rule ***rules,
                    size_t *n, size_t *cap)
{
    loader L = {a, d, path, false};
    size_t max_size = lim && lim->max_file_size ? lim->max_file_size : SG_DEFAULT_MAX_FILE_SIZE;
    size_t max_docs = lim && lim->max_documents ? lim->max_documents : SG_DEFAULT_MAX_DOCUMENTS;
    sg_pos top = {path, 1, 1};

    if (len > max_size) {
        SG_ERR(d, "limit", top, "file is %zu bytes, over the limit of %zu (limit.file-size)",
               len, max_size);
        return true;
    }
    size_t ws = 0;
    while (ws < len && (buf[ws] == ' ' || buf[ws] == '\n' || buf[ws] == '\r' || buf[ws] == '\t'))
        ws++;
    if (ws == len) {
        SG_ERR(d, CHECK_SCHEMA, top, "empty file: expected a Sigma rule");
        return true;
    }
    if (!check_encoding(&L, buf, len))
        return true;

    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    dc.level = FYET_ERROR;
    struct fy_diag *fyd = fy_diag_create(&dc);
    if (!fyd)
        return false;
    fy_diag_set_collect_errors(fyd, true);
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_DISABLE_ACCELERATORS |
                FYPCF_ALLOW_DUPLICATE_KEYS;
    cfg.diag = fyd;
    struct fy_parser *fyp = fy_parser_create(&cfg);
    bool ok = true;
    if (!fyp || fy_parser_set_string(fyp, buf, len) != 0) {
        ok = false;
        goto done;
    }
    bool legacy = false;
    unsigned index = 0;
    struct fy_document *doc;
    size_t first = *n;
    while ((doc = fy_parse_load_document(fyp)) != NULL) {
        if (index >= max_docs) {
            SG_ERR(d, "limit", top, "more than %zu YAML documents in one file (limit.documents)",
                   max_docs);
            fy_parse_document_destroy(fyp, doc);
            break;
        }
        sg_rule *r = read_document(&L, doc, index++, &legacy);
        fy_parse_document_destroy(fyp, doc);
        if (L.oom || !r) {
            ok = false;
            goto done;
        }
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            sg_rule **p = sg_arena_grow(a, *rules, *n, nc, sizeof *p);
            if (!p) {
                ok = false;
                goto done;
            }
            *rules = p;
            *cap = nc;
        }
        (*rules)[(*n)++] = r;
    }
    if (fy_parser_get_stream_error(fyp)) {
        void *it = NULL;
        struct fy_diag_error *e;
        bool any = false;
        while ((e = fy_diag_errors_iterate(fyd, &it)) != NULL) {
            sg_pos p = {path, e->line > 0 ? (unsigned)e->line : 1,
                        e->column > 0 ? (unsigned)e->column : 1};
            SG_ERR(d, CHECK_YAML, p, "invalid YAML: %s", e->msg ? e->msg : "parse error");
            any = true;
        }
        if (!any)
            SG_ERR(d, CHECK_YAML, top, "invalid YAML");
        /* Documents before the error were read; the file as a whole is not
         * trustworthy, so none of them is compiled. */
        for (size_t i = first; i < *n; i++)
            (*rules)[i]->broken = true;
    }
    if (legacy)
        for (size_t i = first; i < *n; i++)
            (*rules)[i]->broken = (*rules)[i]->legacy = true;
done:
    fy_parser_destroy(fyp);
    fy_diag_destroy(fyd);
    return ok;
}
