/* ir.c - IR constructors, cloning, simplification, state and dump. */
#include "ir.h"
#include "strbuf.h"

#include <string.h>

ir_node *ir_node_new(sg_arena *a, ir_kind kind, sg_pos pos)
{
    ir_node *n = sg_arena_alloc(a, sizeof *n);
    if (n) {
        n->kind = kind;
        n->pos = pos;
    }
    return n;
}

ir_test *ir_test_new(sg_arena *a, ir_test_kind kind, const char *field, sg_pos pos)
{
    ir_test *t = sg_arena_alloc(a, sizeof *t);
    if (t) {
        t->kind = kind;
        t->field = field;
        t->pos = pos;
        t->vtype = SG_V_STRING;
    }
    return t;
}

ir_node *ir_test_node(sg_arena *a, ir_test *t)
{
    if (!t)
        return NULL;
    ir_node *n = ir_node_new(a, IR_TEST, t->pos);
    if (n)
        n->test = t;
    return n;
}

ir_node *ir_nary(sg_arena *a, ir_kind kind, ir_node **kids, size_t n, sg_pos pos)
{
    if (n == 1)
        return kids[0];
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!kids[i])
            return NULL;
        total += kids[i]->kind == kind ? kids[i]->nkids : 1;
    }
    ir_node *node = ir_node_new(a, kind, pos);
    if (!node)
        return NULL;
    node->kids = sg_arena_alloc(a, (total ? total : 1) * sizeof *node->kids);
    if (!node->kids)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (kids[i]->kind == kind) {
            memcpy(node->kids + node->nkids, kids[i]->kids, kids[i]->nkids * sizeof *node->kids);
            node->nkids += kids[i]->nkids;
        } else {
            node->kids[node->nkids++] = kids[i];
        }
    }
    return node;
}

ir_node *ir_not(sg_arena *a, ir_node *child, sg_pos pos)
{
    if (!child)
        return NULL;
    ir_node *n = ir_node_new(a, IR_NOT, pos);
    if (!n)
        return NULL;
    n->kids = sg_arena_alloc(a, sizeof *n->kids);
    if (!n->kids)
        return NULL;
    n->kids[0] = child;
    n->nkids = 1;
    return n;
}

bool ir_add_kid(sg_arena *a, ir_node *parent, ir_node *kid)
{
    if (!kid)
        return false;
    ir_node **k = sg_arena_grow(a, parent->kids, parent->nkids, parent->nkids + 1, sizeof *k);
    if (!k)
        return false;
    k[parent->nkids++] = kid;
    parent->kids = k;
    return true;
}

ir_test *ir_test_clone(sg_arena *a, const ir_test *t)
{
    ir_test *c = sg_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *t;
    if (t->nsegs) {
        c->segs = sg_arena_alloc(a, t->nsegs * sizeof *c->segs);
        if (!c->segs)
            return NULL;
        memcpy(c->segs, t->segs, t->nsegs * sizeof *c->segs);
    }
    return c;
}

ir_node *ir_clone(sg_arena *a, const ir_node *n)
{
    if (!n)
        return NULL;
    ir_node *c = ir_node_new(a, n->kind, n->pos);
    if (!c)
        return NULL;
    if (n->kind == IR_TEST) {
        c->test = ir_test_clone(a, n->test);
        return c->test ? c : NULL;
    }
    if (n->nkids) {
        c->kids = sg_arena_alloc(a, n->nkids * sizeof *c->kids);
        if (!c->kids)
            return NULL;
        for (size_t i = 0; i < n->nkids; i++)
            if (!(c->kids[i] = ir_clone(a, n->kids[i])))
                return NULL;
        c->nkids = n->nkids;
    }
    return c;
}

ir_node *ir_simplify(sg_arena *a, ir_node *n)
{
    if (!n)
        return NULL;
    switch (n->kind) {
    case IR_TEST:
    case IR_TRUE:
    case IR_FALSE:
        return n;
    case IR_NOT: {
        ir_node *k = ir_simplify(a, n->kids[0]);
        if (!k)
            return NULL;
        if (k->kind == IR_TRUE || k->kind == IR_FALSE)
            return ir_node_new(a, k->kind == IR_TRUE ? IR_FALSE : IR_TRUE, n->pos);
        if (k->kind == IR_NOT)
            return k->kids[0];
        n->kids[0] = k;
        return n;
    }
    case IR_AND:
    case IR_OR: {
        ir_kind absorb = n->kind == IR_AND ? IR_FALSE : IR_TRUE;
        ir_kind neutral = n->kind == IR_AND ? IR_TRUE : IR_FALSE;
        size_t m = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            ir_node *k = ir_simplify(a, n->kids[i]);
            if (!k)
                return NULL;
            if (k->kind == absorb)
                return k;
            if (k->kind == neutral)
                continue;
            n->kids[m++] = k;
        }
        n->nkids = m;
        if (m == 0)
            return ir_node_new(a, neutral, n->pos);
        if (m == 1)
            return n->kids[0];
        /* re-flatten children that became the same kind */
        return ir_nary(a, n->kind, n->kids, n->nkids, n->pos);
    }
    }
    return n;
}

/* ---- state ---------------------------------------------------------------- */

static bool kv_set(sg_arena *a, ir_kv **arr, size_t *n, size_t *cap, const char *key,
                   const char *value)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i].key, key) == 0) {
            (*arr)[i].value = sg_arena_strdup(a, value);
            return (*arr)[i].value != NULL || value == NULL;
        }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        ir_kv *p = sg_arena_grow(a, *arr, *n, nc, sizeof *p);
        if (!p)
            return false;
        *arr = p;
        *cap = nc;
    }
    const char *k = sg_arena_strdup(a, key), *v = sg_arena_strdup(a, value);
    if (!k || (value && !v))
        return false;
    (*arr)[(*n)++] = (ir_kv){k, v};
    return true;
}

const char *ir_state_get(const ir_rule *r, const char *key)
{
    for (size_t i = 0; i < r->nstate; i++)
        if (strcmp(r->state[i].key, key) == 0)
            return r->state[i].value;
    return NULL;
}

bool ir_state_set(sg_arena *a, ir_rule *r, const char *key, const char *value)
{
    return kv_set(a, &r->state, &r->nstate, &r->capstate, key, value);
}

bool ir_custom_set(sg_arena *a, ir_rule *r, const char *key, const char *value)
{
    return kv_set(a, &r->custom, &r->ncustom, &r->capcustom, key, value);
}

bool ir_applied_add(sg_arena *a, ir_rule *r, const char *pipeline, const char *item,
                    const char *what)
{
    if (r->napplied == r->capapplied) {
        size_t nc = r->capapplied ? r->capapplied * 2 : 8;
        ir_applied *p = sg_arena_grow(a, r->applied, r->napplied, nc, sizeof *p);
        if (!p)
            return false;
        r->applied = p;
        r->capapplied = nc;
    }
    r->applied[r->napplied++] = (ir_applied){sg_arena_strdup(a, pipeline),
                                             sg_arena_strdup(a, item), sg_arena_strdup(a, what)};
    return true;
}

/* ---- dump ------------------------------------------------------------------- */

static void dump_bytes(sg_strbuf *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sg_sb_printf(o, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            sg_sb_printf(o, "\\x%02x", c);
        else
            sg_sb_putc(o, (char)c);
    }
}

static void dump_segs(sg_strbuf *o, const ir_seg *segs, size_t n)
{
    sg_sb_putc(o, '"');
    for (size_t i = 0; i < n; i++) {
        switch (segs[i].kind) {
        case IR_SEG_LIT:
            dump_bytes(o, segs[i].s, segs[i].len);
            break;
        case IR_SEG_STAR:
            sg_sb_puts(o, "<*>");
            break;
        case IR_SEG_QMARK:
            sg_sb_puts(o, "<?>");
            break;
        case IR_SEG_PLACEHOLDER:
            sg_sb_printf(o, "<%%%.*s%%>", (int)segs[i].len, segs[i].s);
            break;
        }
    }
    sg_sb_putc(o, '"');
}

static const char *const mode_names[] = {"eq", "contains", "startswith", "endswith"};
static const char *const op_names[] = {"=", "<", "<=", ">", ">="};

static void dump_test(const ir_test *t, sg_strbuf *o)
{
    const char *f = t->field ? t->field : "*";
    switch (t->kind) {
    case IR_T_STR:
        sg_sb_printf(o, "(%s%s %s ", mode_names[t->mode], t->cased ? "_cs" : "", f);
        dump_segs(o, t->segs, t->nsegs);
        sg_sb_putc(o, ')');
        break;
    case IR_T_REGEX:
        sg_sb_printf(o, "(re%s%s%s %s \"", t->re_flags & IR_RE_I ? "/i" : "",
                     t->re_flags & IR_RE_M ? "/m" : "", t->re_flags & IR_RE_S ? "/s" : "", f);
        dump_bytes(o, t->re, t->re_len);
        sg_sb_puts(o, "\")");
        break;
    case IR_T_CIDR:
        sg_sb_printf(o, "(cidr %s %s)", f, t->cidr_text);
        break;
    case IR_T_NUM:
        sg_sb_printf(o, "(num%s %s %s)", op_names[t->op], f, t->num.text);
        break;
    case IR_T_NULL:
        sg_sb_printf(o, "(null %s)", f);
        break;
    case IR_T_EXISTS:
        sg_sb_printf(o, "(exists %s %s)", f, t->exists ? "true" : "false");
        break;
    case IR_T_FIELDREF:
        sg_sb_printf(o, "(fieldref-%s%s %s %s)", mode_names[t->mode], t->cased ? "_cs" : "", f,
                     t->ref);
        break;
    case IR_T_TIMEPART:
        sg_sb_printf(o, "(%s%s %s %s)", sg_modifier_info_of(t->part)->name, op_names[t->op], f,
                     t->num.text);
        break;
    case IR_T_EXPR:
        sg_sb_printf(o, "(expr %s \"%s\")", f, t->expr);
        break;
    }
}

void ir_dump(const ir_node *n, sg_strbuf *o)
{
    if (!n) {
        sg_sb_puts(o, "(null-node)");
        return;
    }
    switch (n->kind) {
    case IR_TRUE:
        sg_sb_puts(o, "true");
        return;
    case IR_FALSE:
        sg_sb_puts(o, "false");
        return;
    case IR_TEST:
        dump_test(n->test, o);
        return;
    case IR_AND:
    case IR_OR:
    case IR_NOT:
        sg_sb_puts(o, n->kind == IR_AND ? "(and" : n->kind == IR_OR ? "(or" : "(not");
        for (size_t i = 0; i < n->nkids; i++) {
            sg_sb_putc(o, ' ');
            ir_dump(n->kids[i], o);
        }
        sg_sb_putc(o, ')');
        return;
    }
}
