/* pipeline_yaml.c - pipeline YAML -> a generic positioned tree (sg_ynode).
 *
 * Pipelines are small configuration files, so the whole document is
 * copied into the arena first and interpreted afterwards (pipeline.c).
 * Same rules as the rule loader: no aliases, bounded depth, positions on
 * every node (a collection sits where its first scalar sits). */
#include "loader.h"
#include "pipeline_int.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

typedef struct yl {
    sg_arena *a;
    sg_diags *d;
    const char *path;
    bool oom, bad;
} yl;

static sg_pos scalar_pos(yl *L, struct fy_node *n)
{
    sg_pos p = {L->path, 0, 0};
    struct fy_token *t = fy_node_get_scalar_token(n);
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    if (m) {
        p.line = (unsigned)m->line + 1;
        p.col = (unsigned)m->column + 1;
        enum fy_node_style st = fy_node_get_style(n);
        /* point at the opening quote, like a compiler would */
        if ((st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED) && p.col > 1)
            p.col--;
    }
    return p;
}

/* YAML 1.2 core schema for plain scalars: null, booleans, numbers. */
static void type_plain(sg_value *v)
{
    const char *s = v->str;
    if (v->len == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
        !strcmp(s, "NULL")) {
        v->type = SG_V_NULL;
        return;
    }
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
        !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
        v->type = SG_V_BOOL;
        v->b = s[0] == 't' || s[0] == 'T';
        return;
    }
    if (strlen(s) != v->len) {
        v->type = SG_V_STRING;
        return;
    }
    char *end;
    const char *p = s + (*s == '-' || *s == '+');
    if (*p >= '0' && *p <= '9') {
        long long i = strtoll(s, &end, 10);
        if (!*end) {
            v->type = SG_V_INT;
            v->i = i;
            v->f = (double)i;
            return;
        }
    }
    if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
        double f = strtod(s, &end);
        if (!*end && strpbrk(s, "xXpP") == NULL) {
            v->type = SG_V_FLOAT;
            v->f = f;
            return;
        }
    }
    v->type = SG_V_STRING;
}

static sg_ynode *copy(yl *L, struct fy_node *n, sg_pos fallback, int depth)
{
    sg_ynode *y = sg_arena_alloc(L->a, sizeof *y);
    if (!y) {
        L->oom = true;
        return NULL;
    }
    y->pos = fallback;
    if (!n) { /* `key:` with nothing after it */
        y->type = SG_Y_SCALAR;
        y->scalar.type = SG_V_NULL;
        y->scalar.str = "";
        y->scalar.pos = fallback;
        return y;
    }
    if (fy_node_is_alias(n)) {
        SG_ERR(L->d, PL_CHECK, scalar_pos(L, n), "YAML aliases are not supported in pipelines");
        L->bad = true;
        return NULL;
    }
    if (depth > MAX_DEPTH) {
        SG_ERR(L->d, PL_CHECK, fallback, "YAML nested too deeply");
        L->bad = true;
        return NULL;
    }
    if (fy_node_is_scalar(n)) {
        y->type = SG_Y_SCALAR;
        y->pos = scalar_pos(L, n);
        size_t len = 0;
        const char *s = fy_node_get_scalar(n, &len);
        char *c = sg_arena_strndup(L->a, s ? s : "", s ? len : 0);
        if (!c) {
            L->oom = true;
            return NULL;
        }
        sg_value *v = &y->scalar;
        v->str = c;
        v->len = s ? len : 0;
        v->pos = y->pos;
        enum fy_node_style st = fy_node_get_style(n);
        v->quoted = st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED;
        if (st == FYNS_PLAIN)
            type_plain(v);
        else
            v->type = SG_V_STRING;
        size_t tl = 0;
        const char *tag = fy_node_get_tag(n, &tl);
        if (tag && tl >= 3 && memcmp(tag + tl - 3, "str", 3) == 0)
            v->type = SG_V_STRING;
        return y;
    }
    bool map = fy_node_is_mapping(n);
    y->type = map ? SG_Y_MAP : SG_Y_SEQ;
    size_t cnt = map ? (size_t)fy_node_mapping_item_count(n)
                     : (size_t)fy_node_sequence_item_count(n);
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
            sg_ynode *k = copy(L, fy_node_pair_key(pr), fallback, depth + 1);
            if (!k)
                return NULL;
            sg_ynode *v = copy(L, fy_node_pair_value(pr), k->pos, depth + 1);
            if (!v)
                return NULL;
            y->kids[2 * i] = k;
            y->kids[2 * i + 1] = v;
            i++;
        }
        if (i)
            y->pos = y->kids[0]->pos;
    } else {
        struct fy_node *c;
        while ((c = fy_node_sequence_iterate(n, &it)) && i < cnt) {
            sg_ynode *k = copy(L, c, fallback, depth + 1);
            if (!k)
                return NULL;
            y->kids[i++] = k;
        }
        if (i)
            y->pos = y->kids[0]->pos;
    }
    y->n = i;
    return y;
}

sg_ynode *pl_yaml_load(sg_arena *a, const char *path, const char *text, size_t len,
                       sg_diags *d, bool *oom)
{
    yl L = {a, d, path, false, false};
    sg_pos top = {path, 1, 1};
    if (!sg_yaml_input_ok(path, text, len, d))
        return NULL;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    dc.level = FYET_ERROR;
    struct fy_diag *fyd = fy_diag_create(&dc);
    if (!fyd) {
        *oom = true;
        return NULL;
    }
    fy_diag_set_collect_errors(fyd, true);
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_DISABLE_ACCELERATORS;
    cfg.diag = fyd;
    struct fy_parser *fyp = fy_parser_create(&cfg);
    sg_ynode *root = NULL;
    if (!fyp || fy_parser_set_string(fyp, text, len) != 0) {
        *oom = true;
        goto done;
    }
    struct fy_document *doc;
    unsigned ndocs = 0;
    while ((doc = fy_parse_load_document(fyp)) != NULL) {
        if (ndocs++ == 0) {
            struct fy_node *r = fy_document_root(doc);
            if (r)
                root = copy(&L, r, top, 0);
        } else if (ndocs == 2) {
            SG_ERR(d, PL_CHECK, top, "a pipeline file holds one YAML document, not several");
            L.bad = true;
        }
        fy_parse_document_destroy(fyp, doc);
        if (L.oom)
            break;
    }
    if (fy_parser_get_stream_error(fyp)) {
        void *it = NULL;
        struct fy_diag_error *e;
        bool any = false;
        while ((e = fy_diag_errors_iterate(fyd, &it)) != NULL) {
            sg_pos p = {path, e->line > 0 ? (unsigned)e->line : 1,
                        e->column > 0 ? (unsigned)e->column : 1};
            SG_ERR(d, "yaml", p, "invalid YAML: %s", e->msg ? e->msg : "parse error");
            any = true;
        }
        if (!any)
            SG_ERR(d, "yaml", top, "invalid YAML");
        L.bad = true;
    }
    if (!root && !L.bad && !L.oom) {
        SG_ERR(d, PL_CHECK, top, "empty pipeline file");
        L.bad = true;
    }
done:
    fy_parser_destroy(fyp);
    fy_diag_destroy(fyd);
    *oom |= L.oom;
    return L.bad || L.oom ? NULL : root;
}
