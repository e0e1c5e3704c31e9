/* pipeline_value.c - value transformations of one test: replace_string,
 * map_string, set_value, convert_type, case, regex, and the placeholder
 * resolutions (value_placeholders, wildcard_placeholders,
 * query_expression_placeholders).
 *
 * pySigma works on the text of a value, with `*` and `?` as wildcards and
 * literal ones escaped. The IR keeps wildcards as segments, so rewriting a
 * string goes through a text with a kind per byte: replace_string can then
 * never turn a literal `*` into a wildcard or the reverse by accident. */
#include "loader.h"
#include "pipeline_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALTERNATIVES 4096u

/* The note "FIELD: what happened" (no printf: it runs for every test). */
static void note_field(pl_ctx *c, const ir_test *t, const char *what)
{
    pl_nb b;
    pl_nb_init(&b);
    pl_nb_puts(&b, t->field ? t->field : "keywords");
    pl_nb_puts(&b, what);
    pl_note_str(c, b.buf, false);
}

/* ---- segments <-> text ----------------------------------------------------------- */

/* The segments with the mode's leading/trailing wildcards made explicit. */
static bool full_segs(sg_arena *a, const ir_test *t, ir_seg **out, size_t *n)
{
    bool lead = t->mode == IR_STR_ENDSWITH || t->mode == IR_STR_CONTAINS;
    bool trail = t->mode == IR_STR_STARTSWITH || t->mode == IR_STR_CONTAINS;
    if (t->mode == IR_STR_CONTAINS && t->nsegs == 0)
        trail = false; /* the "any value" form is a single `*` */
    ir_seg *v = sg_arena_alloc(a, (t->nsegs + 2) * sizeof *v);
    if (!v)
        return false;
    size_t k = 0;
    if (lead)
        v[k++] = (ir_seg){IR_SEG_STAR, NULL, 0};
    for (size_t i = 0; i < t->nsegs; i++)
        v[k++] = t->segs[i];
    if (trail)
        v[k++] = (ir_seg){IR_SEG_STAR, NULL, 0};
    *out = v;
    *n = k;
    return true;
}

/* Set a STR test's value from explicit segments (wildcards folded back
 * into the mode). The segments must be arena memory the test may keep. */
static void set_segs(ir_test *t, ir_seg *segs, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (segs[i].kind == IR_SEG_STAR && m && segs[m - 1].kind == IR_SEG_STAR)
            continue; /* `**` is `*` */
        if (segs[i].kind == IR_SEG_LIT && segs[i].len == 0)
            continue;
        segs[m++] = segs[i];
    }
    t->kind = IR_T_STR;
    t->mode = IR_STR_EXACT;
    t->segs = segs;
    t->nsegs = m;
    ir_str_normalise(t);
}

const char *pl_test_plain(sg_arena *a, const ir_test *t)
{
    ir_seg *segs;
    size_t n;
    if (t->kind != IR_T_STR || !full_segs(a, t, &segs, &n))
        return NULL;
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += segs[i].kind == IR_SEG_LIT ? 2 * segs[i].len : segs[i].len + 2;
    char *s = sg_arena_alloc(a, len), *p = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        switch (segs[i].kind) {
        case IR_SEG_LIT:
            for (size_t k = 0; k < segs[i].len; k++) {
                char ch = segs[i].s[k];
                if (ch == '*' || ch == '?')
                    *p++ = '\\';
                *p++ = ch;
            }
            break;
        case IR_SEG_STAR:
            *p++ = '*';
            break;
        case IR_SEG_QMARK:
            *p++ = '?';
            break;
        case IR_SEG_PLACEHOLDER:
            *p++ = '%';
            memcpy(p, segs[i].s, segs[i].len);
            p += segs[i].len;
            *p++ = '%';
            break;
        }
    }
    *p = '\0';
    return s;
}

/* A new STR test like `proto` (field, position, case) holding Sigma text. */
static ir_node *text_test(pl_ctx *c, const ir_test *proto, const char *s, size_t len)
{
    ir_test *t = ir_test_clone(c->a, proto);
    ir_seg *segs;
    size_t n;
    if (!t || !ir_parse_value(c->a, s, len, false, &segs, &n)) {
        c->oom = true;
        return NULL;
    }
    t->kind = IR_T_STR;
    t->vtype = SG_V_STRING;
    t->ref = NULL;
    set_segs(t, segs, n);
    ir_node *node = ir_test_node(c->a, t);
    if (!node)
        c->oom = true;
    return node;
}

static ir_node *or_of(pl_ctx *c, ir_node **kids, size_t n, sg_pos pos)
{
    ir_node *o = ir_nary(c->a, IR_OR, kids, n, pos);
    if (!o)
        c->oom = true;
    return o;
}

/* ---- texts with a kind per byte (replace_string) ------------------------------------- */

enum { K_LIT, K_ESC, K_STAR, K_QMARK, K_PH };

typedef struct kstr {
    sg_arena *a;
    char *b;
    unsigned char *k;
    size_t n, cap;
    bool oom;
    const struct kstr *src; /* subject of the substitution (for copy) */
    bool interpret;         /* template text: wildcards are wildcards */
} kstr;

static void kput(kstr *s, char ch, unsigned char kind)
{
    if (s->oom)
        return;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 64;
        char *b = sg_arena_grow(s->a, s->b, s->n, nc, 1);
        unsigned char *k = sg_arena_grow(s->a, s->k, s->n, nc, 1);
        if (!b || !k) {
            s->oom = true;
            return;
        }
        s->b = b;
        s->k = k;
        s->cap = nc;
    }
    s->b[s->n] = ch;
    s->k[s->n++] = kind;
}

static void kput_segs(kstr *s, const ir_seg *segs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const ir_seg *g = &segs[i];
        switch (g->kind) {
        case IR_SEG_LIT:
            for (size_t j = 0; j < g->len; j++) {
                if (g->s[j] == '*' || g->s[j] == '?')
                    kput(s, '\\', K_ESC);
                kput(s, g->s[j], K_LIT);
            }
            break;
        case IR_SEG_STAR:
            kput(s, '*', K_STAR);
            break;
        case IR_SEG_QMARK:
            kput(s, '?', K_QMARK);
            break;
        case IR_SEG_PLACEHOLDER:
            kput(s, '%', K_PH);
            for (size_t j = 0; j < g->len; j++)
                kput(s, g->s[j], K_PH);
            kput(s, '%', K_PH);
            break;
        }
    }
}

static void k_copy(void *u, size_t start, size_t end)
{
    kstr *s = u;
    for (size_t i = start; i < end; i++)
        kput(s, s->src->b[i], s->src->k[i]);
}

/* Template text is read as a Sigma value: `*` and `?` are wildcards,
 * `\*` and `\?` literal, any other backslash literal. */
static void k_text(void *u, const char *t, size_t len)
{
    kstr *s = u;
    for (size_t i = 0; i < len; i++) {
        char ch = t[i];
        if (!s->interpret) {
            kput(s, ch, K_LIT);
        } else if (ch == '\\' && i + 1 < len && (t[i + 1] == '*' || t[i + 1] == '?')) {
            kput(s, ch, K_ESC);
            kput(s, t[++i], K_LIT);
        } else {
            kput(s, ch, ch == '*' ? K_STAR : ch == '?' ? K_QMARK : K_LIT);
        }
    }
}

/* Back to segments (arena copies). */
static bool kstr_segs(const kstr *s, ir_seg **out, size_t *n)
{
    ir_seg *v = sg_arena_alloc(s->a, (s->n + 1) * sizeof *v);
    char *lit = sg_arena_alloc(s->a, s->n + 1);
    if (!v || !lit)
        return false;
    size_t m = 0, lj = 0, ls = 0;
#define FLUSH()                                                       \
    do {                                                              \
        if (lj > ls)                                                  \
            v[m++] = (ir_seg){IR_SEG_LIT, lit + ls, lj - ls};         \
        ls = lj;                                                      \
    } while (0)
    for (size_t i = 0; i < s->n; i++) {
        switch (s->k[i]) {
        case K_ESC:
            break;
        case K_LIT:
            lit[lj++] = s->b[i];
            break;
        case K_STAR:
        case K_QMARK:
            FLUSH();
            v[m++] = (ir_seg){s->k[i] == K_STAR ? IR_SEG_STAR : IR_SEG_QMARK, NULL, 0};
            break;
        case K_PH: {
            /* `%name%` survives whole; a piece of one is literal text */
            size_t j = i + 1;
            while (j < s->n && s->k[j] == K_PH && s->b[j] != '%')
                j++;
            if (s->b[i] == '%' && j < s->n && s->k[j] == K_PH && s->b[j] == '%' && j > i + 1) {
                FLUSH();
                char *name = sg_arena_strndup(s->a, s->b + i + 1, j - i - 1);
                if (!name)
                    return false;
                v[m++] = (ir_seg){IR_SEG_PLACEHOLDER, name, j - i - 1};
                i = j;
            } else {
                lit[lj++] = s->b[i];
            }
            break;
        }
        }
    }
    FLUSH();
#undef FLUSH
    *out = v;
    *n = m;
    return true;
}

static ir_node *replace_string(pl_ctx *c, ir_test *t)
{
    const pl_item *it = c->it;
    if (t->kind != IR_T_STR && !(t->kind == IR_T_NUM && t->op == IR_NUM_EQ))
        return NULL;
    ir_seg *segs, numseg;
    size_t n;
    if (t->kind == IR_T_NUM) { /* a number is replaced in its text */
        numseg = (ir_seg){IR_SEG_LIT, t->num.text, strlen(t->num.text)};
        segs = &numseg;
        n = 1;
    } else if (!full_segs(c->a, t, &segs, &n)) {
        c->oom = true;
        return NULL;
    }
    kstr out = {c->a, NULL, NULL, 0, 0, false, NULL, true};
    long total = 0;
    if (!it->skip_special) {
        kstr in = {c->a, NULL, NULL, 0, 0, false, NULL, true};
        kput_segs(&in, segs, n);
        kput(&in, '\0', K_LIT);
        if (in.oom) {
            c->oom = true;
            return NULL;
        }
        out.src = &in;
        pl_sub_out o = {k_copy, k_text, &out};
        pl_md *md = pl_md_get(c);
        total = md ? pl_re_sub(md, it->re, it->repl, in.b, in.n - 1, &o) : -1;
    } else {
        /* only the literal parts are rewritten; wildcards stay as they are */
        out.interpret = it->interpret_special;
        for (size_t i = 0; i < n && total >= 0; i++) {
            if (segs[i].kind != IR_SEG_LIT) {
                kput_segs(&out, &segs[i], 1);
                continue;
            }
            kstr in = {c->a, NULL, NULL, 0, 0, false, NULL, true};
            for (size_t j = 0; j < segs[i].len; j++)
                kput(&in, segs[i].s[j], K_LIT);
            kput(&in, '\0', K_LIT);
            if (in.oom) {
                c->oom = true;
                return NULL;
            }
            out.src = &in;
            pl_sub_out o = {k_copy, k_text, &out};
            pl_md *md = pl_md_get(c);
            long r = md ? pl_re_sub(md, it->re, it->repl, in.b, in.n - 1, &o) : -1;
            total = r < 0 ? -1 : total + r;
        }
    }
    if (total < 0 || out.oom) {
        c->oom = true;
        return NULL;
    }
    if (total == 0)
        return NULL;
    ir_seg *ns;
    size_t nn;
    ir_test *x = ir_test_clone(c->a, t);
    if (!x || !kstr_segs(&out, &ns, &nn)) {
        c->oom = true;
        return NULL;
    }
    x->vtype = SG_V_STRING;
    set_segs(x, ns, nn);
    note_field(c, t, ": value rewritten");
    ir_node *node = ir_test_node(c->a, x);
    if (!node)
        c->oom = true;
    return node;
}

/* ---- mapping and setting values ------------------------------------------------------ */

static ir_node *map_string(pl_ctx *c, ir_test *t)
{
    if (t->kind != IR_T_STR)
        return NULL;
    const char *plain = pl_test_plain(c->a, t);
    if (!plain) {
        c->oom = true;
        return NULL;
    }
    const pl_item *it = c->it;
    for (size_t i = 0; i < it->nmap; i++) {
        const pl_mapping *m = &it->map[i];
        if (strcmp(m->from, plain))
            continue;
        ir_node **kids = sg_arena_alloc(c->a, (m->nto ? m->nto : 1) * sizeof *kids);
        if (!kids) {
            c->oom = true;
            return NULL;
        }
        for (size_t k = 0; k < m->nto; k++)
            if (!(kids[k] = text_test(c, t, m->to[k], strlen(m->to[k]))))
                return NULL;
        pl_note(c, "%s: '%s' mapped", t->field ? t->field : "keywords", plain);
        if (m->nto == 0) {
            ir_node *f = ir_node_new(c->a, IR_FALSE, t->pos);
            if (!f)
                c->oom = true;
            return f;
        }
        return or_of(c, kids, m->nto, t->pos);
    }
    return NULL;
}

static bool fill_num(sg_arena *a, ir_num *num, const char *s)
{
    char *end;
    long long i = strtoll(s, &end, 10);
    if (*s && !*end) {
        *num = (ir_num){true, i, (double)i, s};
        return true;
    }
    double f = strtod(s, &end);
    if (!*s || *end)
        return false;
    *num = (ir_num){false, 0, f, s};
    (void)a;
    return true;
}

static ir_node *num_test(pl_ctx *c, const ir_test *proto, const char *text)
{
    ir_test *t = ir_test_new(c->a, IR_T_NUM, proto->field, proto->pos);
    const char *copy = sg_arena_strdup(c->a, text);
    if (!t || !copy) {
        c->oom = true;
        return NULL;
    }
    t->op = IR_NUM_EQ;
    t->vtype = SG_V_INT;
    if (!fill_num(c->a, &t->num, copy))
        return NULL;
    t->vtype = t->num.is_int ? SG_V_INT : SG_V_FLOAT;
    ir_node *n = ir_test_node(c->a, t);
    if (!n)
        c->oom = true;
    return n;
}

static ir_node *set_value(pl_ctx *c, ir_test *t)
{
    const pl_item *it = c->it;
    const sg_value *v = it->val;
    ir_node *n = NULL;
    bool as_num = it->has_method ? it->method == PL_TYPE_NUM
                                 : v->type == SG_V_INT || v->type == SG_V_FLOAT;
    bool as_str = it->has_method ? it->method == PL_TYPE_STR
                                 : v->type == SG_V_STRING || v->type == SG_V_BOOL;
    if (as_num) {
        n = num_test(c, t, v->str);
    } else if (as_str) {
        ir_test proto = *t;
        proto.cased = false;
        n = text_test(c, &proto, v->str, v->len);
        if (n && !it->has_method)
            n->test->vtype = v->type;
    } else {
        ir_test *x = ir_test_new(c->a, IR_T_NULL, t->field, t->pos);
        n = x ? ir_test_node(c->a, x) : NULL;
        if (!n)
            c->oom = true;
    }
    if (n)
        pl_note(c, "%s: value set to %s", t->field ? t->field : "keywords", v->str);
    return n;
}

static ir_node *convert_type(pl_ctx *c, ir_test *t)
{
    if (c->it->method == PL_TYPE_STR) {
        if (t->kind == IR_T_NUM && t->op == IR_NUM_EQ) {
            ir_node *n = text_test(c, t, t->num.text, strlen(t->num.text));
            if (n) {
                n->test->cased = false;
                note_field(c, t, ": number -> string");
            }
            return n;
        }
        if (t->kind == IR_T_STR && t->vtype != SG_V_STRING) {
            t->vtype = SG_V_STRING; /* `true`, `5` written as strings */
            note_field(c, t, ": -> string");
            ir_node *n = ir_test_node(c->a, t);
            if (!n)
                c->oom = true;
            return n;
        }
        return NULL;
    }
    if (t->kind != IR_T_STR)
        return NULL;
    const char *s;
    size_t len;
    char *text = NULL;
    if (t->mode == IR_STR_EXACT && ir_segs_literal(t->segs, t->nsegs, &s, &len))
        text = sg_arena_strndup(c->a, s, len);
    ir_node *n = text ? num_test(c, t, text) : NULL;
    if (!n && !c->oom) {
        const char *plain = pl_test_plain(c->a, t);
        pl_fail(c, t->pos, "value '%s' of %s cannot be converted to a number",
                plain ? plain : "?", t->field ? t->field : "keywords");
        return NULL;
    }
    if (n)
        note_field(c, t, ": string -> number");
    return n;
}

/* ---- case and regex -------------------------------------------------------------------- */

static char *snake(sg_arena *a, const char *s, size_t len, size_t *out_len, bool prev_lower)
{
    char *o = sg_arena_alloc(a, 2 * len + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        bool up = isupper(ch) != 0;
        bool next_lower = i + 1 < len && islower((unsigned char)s[i + 1]);
        bool prev_up = i > 0 && isupper((unsigned char)s[i - 1]);
        if (ch == ' ' || ch == '-') {
            o[k++] = '_';
            prev_lower = false;
            continue;
        }
        if (up && k > 0 && o[k - 1] != '_' && (prev_lower || (prev_up && next_lower)))
            o[k++] = '_';
        o[k++] = (char)tolower(ch);
        prev_lower = islower(ch) || isdigit(ch);
    }
    *out_len = k;
    return o;
}

static ir_node *change_case(pl_ctx *c, ir_test *t)
{
    if (t->kind != IR_T_STR)
        return NULL;
    ir_test *x = ir_test_clone(c->a, t);
    if (!x) {
        c->oom = true;
        return NULL;
    }
    bool changed = false, prev_lower = false;
    for (size_t i = 0; i < x->nsegs; i++) {
        ir_seg *g = &x->segs[i];
        if (g->kind != IR_SEG_LIT)
            continue;
        size_t len = g->len;
        char *o;
        if (c->it->method == PL_CASE_SNAKE) {
            o = snake(c->a, g->s, g->len, &len, prev_lower);
        } else {
            o = sg_arena_strndup(c->a, g->s, g->len);
            for (size_t k = 0; o && k < len; k++)
                o[k] = (char)(c->it->method == PL_CASE_UPPER ? toupper((unsigned char)o[k])
                                                             : tolower((unsigned char)o[k]));
        }
        if (!o) {
            c->oom = true;
            return NULL;
        }
        if (len && isalnum((unsigned char)g->s[g->len - 1]))
            prev_lower = islower((unsigned char)g->s[g->len - 1]) ||
                         isdigit((unsigned char)g->s[g->len - 1]);
        if (len != g->len || memcmp(o, g->s, len))
            changed = true;
        g->s = o;
        g->len = len;
    }
    if (!changed)
        return NULL;
    note_field(c, t, ": case changed");
    ir_node *n = ir_test_node(c->a, x);
    if (!n)
        c->oom = true;
    return n;
}

static ir_node *to_regex(pl_ctx *c, ir_test *t)
{
    if (t->kind != IR_T_STR)
        return NULL;
    if (ir_segs_has(t->segs, t->nsegs, IR_SEG_PLACEHOLDER)) {
        pl_fail(c, t->pos, "a placeholder cannot become a regular expression: resolve it first");
        return NULL;
    }
    int method = t->cased ? PL_RE_PLAIN : c->it->method; /* |cased stays case-sensitive */
    sg_strbuf sb;
    sg_sb_init(&sb);
    bool wild = false;
    if (t->mode == IR_STR_EXACT || t->mode == IR_STR_STARTSWITH)
        sg_sb_putc(&sb, '^');
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *g = &t->segs[i];
        if (g->kind == IR_SEG_STAR || g->kind == IR_SEG_QMARK) {
            sg_sb_puts(&sb, g->kind == IR_SEG_STAR ? ".*" : ".");
            wild = true;
            continue;
        }
        for (size_t k = 0; k < g->len; k++) {
            unsigned char ch = (unsigned char)g->s[k];
            if (method == PL_RE_BRACKETS && isalpha(ch))
                sg_sb_printf(&sb, "[%c%c]", tolower(ch), toupper(ch));
            else if (strchr("\\^$.|?*+()[]{}/", ch) && ch)
                sg_sb_printf(&sb, "\\%c", ch);
            else if (ch < 0x20 || ch == 0x7f)
                sg_sb_printf(&sb, "\\x%02x", ch);
            else
                sg_sb_putc(&sb, (char)ch);
        }
    }
    if (t->mode == IR_STR_EXACT || t->mode == IR_STR_ENDSWITH)
        sg_sb_putc(&sb, '$');
    /* the value became longer ([aA] per letter): the rule's own limit */
    size_t max_len = SG_LIMIT(c->r->src ? c->r->src->limits : NULL, max_regex_length,
                              SG_DEFAULT_MAX_REGEX_LENGTH);
    if (!sb.failed && sb.len > max_len) {
        pl_fail(c, t->pos,
                "the value as a regular expression is %zu bytes, over the limit of %zu "
                "(limit.regex-length)",
                sb.len, max_len);
        sg_sb_free(&sb);
        return NULL;
    }
    ir_test *x = ir_test_clone(c->a, t);
    char *re = sb.failed ? NULL : sg_arena_strndup(c->a, sg_sb_str(&sb), sb.len);
    size_t len = sb.len;
    sg_sb_free(&sb);
    if (!x || !re) {
        c->oom = true;
        return NULL;
    }
    x->kind = IR_T_REGEX;
    x->re = re;
    x->re_len = len;
    x->re_flags = (method == PL_RE_FLAG ? IR_RE_I : 0) | (wild ? IR_RE_S : 0);
    x->segs = NULL;
    x->nsegs = 0;
    x->cased = false;
    note_field(c, t, ": value -> regex");
    ir_node *n = ir_test_node(c->a, x);
    if (!n)
        c->oom = true;
    return n;
}

/* ---- placeholders ------------------------------------------------------------------------ */

static bool handled(const pl_item *it, const ir_seg *g)
{
    if (g->kind != IR_SEG_PLACEHOLDER)
        return false;
    if (!it->include && !it->exclude)
        return true;
    bool listed = false;
    for (size_t i = 0; i < it->nlist; i++)
        if (strlen(it->list[i]) == g->len && !memcmp(it->list[i], g->s, g->len))
            listed = true;
    return it->include ? listed : !listed;
}

typedef struct alt {
    ir_seg *v;
    size_t n;
} alt;

static bool var_values(pl_ctx *c, const ir_test *t, const ir_seg *g, const sg_ynode **vals,
                       size_t *n)
{
    char name[256];
    size_t nl = g->len < sizeof name ? g->len : sizeof name - 1;
    memcpy(name, g->s, nl);
    name[nl] = '\0';
    const sg_ynode *v = pl_var(c, name);
    if (!v) {
        pl_fail(c, t->pos, "placeholder '%%%s%%' has no value in the pipelines' vars", name);
        return false;
    }
    if (v->type == SG_Y_SCALAR) {
        *vals = v;
        *n = 1;
    } else if (v->type == SG_Y_SEQ) {
        *vals = NULL;
        *n = v->n;
    } else {
        pl_fail(c, t->pos, "variable '%s' must be a value or a list of values", name);
        return false;
    }
    for (size_t i = 0; i < *n; i++) {
        const sg_ynode *x = v->type == SG_Y_SEQ ? v->kids[i] : v;
        if (x->type != SG_Y_SCALAR || x->scalar.type == SG_V_NULL) {
            pl_fail(c, t->pos, "variable '%s' holds something that is not a string or a number",
                    name);
            return false;
        }
    }
    *vals = v;
    return true;
}

static ir_node *value_placeholders(pl_ctx *c, ir_test *t)
{
    ir_seg *segs;
    size_t n;
    if (!full_segs(c->a, t, &segs, &n)) {
        c->oom = true;
        return NULL;
    }
    alt *alts = sg_arena_alloc(c->a, sizeof *alts);
    if (!alts) {
        c->oom = true;
        return NULL;
    }
    alts[0] = (alt){NULL, 0};
    size_t na = 1;
    for (size_t i = 0; i < n; i++) {
        const sg_ynode *v = NULL;
        size_t nv = 1;
        bool ph = handled(c->it, &segs[i]);
        if (ph && !var_values(c, t, &segs[i], &v, &nv))
            return NULL;
        if (na * nv > MAX_ALTERNATIVES) {
            pl_fail(c, t->pos, "placeholders expand into more than %u values",
                    MAX_ALTERNATIVES);
            return NULL;
        }
        alt *next = sg_arena_alloc(c->a, (na * nv > 0 ? na * nv : 1) * sizeof *next);
        if (!next) {
            c->oom = true;
            return NULL;
        }
        size_t k = 0;
        for (size_t a = 0; a < na; a++)
            for (size_t j = 0; j < nv; j++) {
                ir_seg *add = &segs[i];
                size_t nadd = 1;
                if (ph && v) {
                    const sg_ynode *x = v->type == SG_Y_SEQ ? v->kids[j] : v;
                    if (!ir_parse_value(c->a, x->scalar.str, x->scalar.len, false, &add, &nadd)) {
                        c->oom = true;
                        return NULL;
                    }
                }
                ir_seg *w = sg_arena_alloc(c->a, (alts[a].n + nadd + 1) * sizeof *w);
                if (!w) {
                    c->oom = true;
                    return NULL;
                }
                if (alts[a].n)
                    memcpy(w, alts[a].v, alts[a].n * sizeof *w);
                if (nadd)
                    memcpy(w + alts[a].n, add, nadd * sizeof *w);
                next[k++] = (alt){w, alts[a].n + nadd};
            }
        alts = next;
        na = k;
    }
    ir_node **kids = sg_arena_alloc(c->a, (na ? na : 1) * sizeof *kids);
    if (!kids) {
        c->oom = true;
        return NULL;
    }
    for (size_t a = 0; a < na; a++) {
        ir_test *x = ir_test_clone(c->a, t);
        if (!x || !(kids[a] = ir_test_node(c->a, x))) {
            c->oom = true;
            return NULL;
        }
        set_segs(x, alts[a].v, alts[a].n);
    }
    pl_note(c, "%s: placeholders expanded into %zu value%s", t->field ? t->field : "keywords",
            na, na == 1 ? "" : "s");
    return na ? or_of(c, kids, na, t->pos) : NULL;
}

static ir_node *wildcard_placeholders(pl_ctx *c, ir_test *t)
{
    ir_seg *segs;
    size_t n;
    if (!full_segs(c->a, t, &segs, &n)) {
        c->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (handled(c->it, &segs[i]))
            segs[i] = (ir_seg){IR_SEG_STAR, NULL, 0};
    ir_test *x = ir_test_clone(c->a, t);
    ir_node *node = x ? ir_test_node(c->a, x) : NULL;
    if (!node) {
        c->oom = true;
        return NULL;
    }
    set_segs(x, segs, n);
    note_field(c, t, ": placeholders -> *");
    return node;
}

/* `{id}` now; `{field}` once every pipeline has run (pl_expr_fields), so a
 * later field mapping is seen. */
static ir_node *query_expression(pl_ctx *c, ir_test *t)
{
    const pl_item *it = c->it;
    if (!(t->mode == IR_STR_EXACT && t->nsegs == 1 && handled(it, &t->segs[0]))) {
        pl_fail(c, t->pos,
                "query_expression_placeholders needs a value that is only a placeholder");
        return NULL;
    }
    const ir_seg *g = &t->segs[0];
    const char *id = sg_arena_strndup(c->a, g->s, g->len);
    if (!id) {
        c->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < it->nmap; i++)
        if (!strcmp(it->map[i].from, id) && it->map[i].nto)
            id = it->map[i].to[0];
    sg_strbuf sb;
    sg_sb_init(&sb);
    for (const char *p = it->str; *p;) {
        if (!strncmp(p, "{id}", 4)) {
            sg_sb_puts(&sb, id);
            p += 4;
        } else {
            sg_sb_putc(&sb, *p++);
        }
    }
    ir_test *x = ir_test_clone(c->a, t);
    char *e = sb.failed ? NULL : sg_arena_strdup(c->a, sg_sb_str(&sb));
    sg_sb_free(&sb);
    ir_node *node = x && e ? ir_test_node(c->a, x) : NULL;
    if (!node) {
        c->oom = true;
        return NULL;
    }
    x->kind = IR_T_EXPR;
    x->expr = e;
    x->segs = NULL;
    x->nsegs = 0;
    pl_note(c, "%s: %%%s%% -> query expression", t->field ? t->field : "keywords", id);
    return node;
}

void pl_expr_fields(pl_ctx *c, ir_node *n)
{
    if (!n || c->oom)
        return;
    if (n->kind == IR_TEST) {
        ir_test *t = n->test;
        if (t->kind != IR_T_EXPR || !strstr(t->expr, "{field}"))
            return;
        sg_strbuf sb;
        sg_sb_init(&sb);
        for (const char *p = t->expr; *p;) {
            if (!strncmp(p, "{field}", 7)) {
                sg_sb_puts(&sb, t->field ? t->field : "");
                p += 7;
            } else {
                sg_sb_putc(&sb, *p++);
            }
        }
        char *e = sb.failed ? NULL : sg_arena_strdup(c->a, sg_sb_str(&sb));
        sg_sb_free(&sb);
        if (!e)
            c->oom = true;
        else
            t->expr = e;
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        pl_expr_fields(c, n->kids[i]);
}

/* ---- hashes_fields ------------------------------------------------------------------------ */

static const char *algo_by_length(size_t n)
{
    return n == 32 ? "MD5" : n == 40 ? "SHA1" : n == 64 ? "SHA256" : n == 128 ? "SHA512" : NULL;
}

ir_node *pl_hash_test(pl_ctx *c, ir_test *t, bool *invalid)
{
    const pl_item *it = c->it;
    *invalid = false;
    if (t->kind != IR_T_STR)
        return NULL;
    const char *s;
    size_t len;
    *invalid = true;
    if (!ir_segs_literal(t->segs, t->nsegs, &s, &len))
        return NULL;
    const char *sep = memchr(s, '|', len);
    if (!sep)
        sep = memchr(s, '=', len);
    char algo[32];
    const char *value = s;
    size_t vlen = len;
    if (sep) {
        size_t al = (size_t)(sep - s);
        while (al && *s == '*')
            s++, al--;
        if (al >= sizeof algo)
            return NULL;
        for (size_t i = 0; i < al; i++)
            algo[i] = (char)toupper((unsigned char)s[i]);
        algo[al] = '\0';
        value = sep + 1;
        vlen = len - (size_t)(value - t->segs[0].s);
    } else {
        const char *a = algo_by_length(len);
        if (!a)
            return NULL;
        strcpy(algo, a);
    }
    bool valid = false;
    for (size_t i = 0; i < it->nlist; i++)
        valid |= !strcmp(it->list[i], algo);
    if (!valid || !vlen)
        return NULL;
    *invalid = false;
    ir_test *x = ir_test_clone(c->a, t);
    ir_seg *seg = sg_arena_alloc(c->a, sizeof *seg);
    char *v = sg_arena_strndup(c->a, value, vlen);
    const char *field = pl_concat(c, it->str, it->drop_algo_prefix ? "" : algo);
    ir_node *n = x && seg && v && field ? ir_test_node(c->a, x) : NULL;
    if (!n) {
        c->oom = true;
        return NULL;
    }
    *seg = (ir_seg){IR_SEG_LIT, v, vlen};
    x->field = field;
    x->segs = seg;
    x->nsegs = 1;
    x->mode = IR_STR_EXACT;
    x->cased = false;
    pl_nb b;
    pl_nb_init(&b);
    pl_nb_puts(&b, t->field ? t->field : "keywords");
    pl_nb_puts(&b, ": ");
    pl_nb_puts(&b, algo);
    pl_nb_puts(&b, " value -> ");
    pl_nb_puts(&b, field);
    pl_note_str(c, b.buf, false);
    return n;
}

/* ---- dispatch ---------------------------------------------------------------------------- */

ir_node *pl_value_test(pl_ctx *c, ir_test *t)
{
    bool ph = t->kind == IR_T_STR && ir_segs_has(t->segs, t->nsegs, IR_SEG_PLACEHOLDER);
    bool any_handled = false;
    for (size_t i = 0; ph && i < t->nsegs; i++)
        any_handled |= handled(c->it, &t->segs[i]);
    switch (c->it->type) {
    case PX_REPLACE_STRING:
        return replace_string(c, t);
    case PX_MAP_STRING:
        return map_string(c, t);
    case PX_SET_VALUE:
        return set_value(c, t);
    case PX_CONVERT_TYPE:
        return convert_type(c, t);
    case PX_CASE:
        return change_case(c, t);
    case PX_REGEX:
        return to_regex(c, t);
    case PX_VALUE_PLACEHOLDERS:
        return any_handled ? value_placeholders(c, t) : NULL;
    case PX_WILDCARD_PLACEHOLDERS:
        return any_handled ? wildcard_placeholders(c, t) : NULL;
    case PX_QUERY_EXPRESSION_PLACEHOLDERS:
        return any_handled ? query_expression(c, t) : NULL;
    default:
        return NULL;
    }
}
