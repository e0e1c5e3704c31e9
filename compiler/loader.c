/* loader.c - Sigma YAML -> rule tree through libfyaml's event API.
 *
 * libfyaml gives events with text, style and marks; typing scalars (null,
 * bool, int, float) and every Sigma shape decision happen here, so the rest
 * of the compiler never sees YAML. Aliases are refused (no alias bombs),
 * nesting is bounded while the events arrive, and the file is checked for
 * valid UTF-8 before parsing.
 *
 * Why events and not libfyaml's document API: building and freeing its
 * documents cost more than parsing. Measured with callgrind over the 3,164
 * SigmaHQ rule files (`sigmacc check`): documents took 890 M instructions
 * (load 775 M + destroy 115 M), the event stream 614 M (parse 584 M + free
 * 30 M); loading as a whole went from 1,410 M to 792 M instructions and the
 * check from 1,580 M to 926 M (0.25 s -> 0.15 s user+sys; `compile -t spl
 * -p splunk-windows` 0.25 s -> 0.16 s). The events are copied into a small
 * tree (ynode, in a scratch arena per file) that the Sigma readers walk;
 * scalar text is taken from the input where YAML needs no unescaping (no
 * malloc per key), one parser serves every file (sg_loader), and every
 * position is kept: collections now carry their own start (`[`, `{`, `-`,
 * a block map's first key) instead of their first scalar's. */
#include "loader.h"
#include "xalloc.h"

#include <errno.h>
#include <stdint.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#define CHECK_YAML "yaml"
#define CHECK_ENCODING "encoding"
#define CHECK_SCHEMA "schema"
#define CHECK_LEGACY "legacy-collection"
/* Nesting is limited in levels, the document being the first: by default
 * 64, the limit libfyaml's document builder had, so the same files pass
 * (limit.yaml-depth, at most SG_YAML_DEPTH_CAP). */

typedef struct loader {
    sg_arena *a;
    sg_diags *d;
    const char *path;
    bool oom;
    const sg_load_limits *lim; /* may be NULL: the defaults */
} loader;

/* ---- the YAML tree of one document ------------------------------------------ */

typedef enum { Y_SCALAR, Y_SEQ, Y_MAP, Y_ALIAS } ykind;

/* A node built from the events, in the per-file scratch arena. */
typedef struct ynode {
    struct ynode *next; /* next sibling; a map's children are key, value, key… */
    struct ynode *kids; /* first child */
    const char *text;   /* scalar text, not NUL-terminated: in the input or scratch */
    size_t len;
    size_t n;           /* items (seq) or pairs (map) */
    unsigned line, col; /* 1-based; 0 = not known yet */
    unsigned char kind;  /* ykind */
    unsigned char style; /* enum fy_scalar_style of a scalar */
    bool str_tag;        /* explicit !!str */
    bool dup;            /* a later copy of an earlier key of its map */
    bool borrowed;       /* empty scalar: position borrowed from its key */
} ynode;

typedef struct yframe {
    ynode *n, *last;
} yframe;

/* Turns libfyaml's events into ynodes for one document at a time. */
typedef struct ybuild {
    loader *L;
    sg_arena *s; /* scratch, freed when the file is done */
    const char *buf;
    size_t len;
    ynode *root;
    unsigned doc_line, doc_col; /* the `---` of the document, or 1:1 */
    size_t depth;     /* open collections */
    size_t max_depth; /* limit.yaml-depth */
    const ynode **aliases; /* of this document, reported when it is complete */
    size_t naliases, capaliases;
    bool too_deep;
    /* last, and not zeroed: 16 KiB cleared per file was 4% of a corpus
     * compile; frames are written before they are read */
    yframe st[SG_YAML_DEPTH_CAP];
} ybuild;

static bool before(unsigned l1, unsigned c1, unsigned l2, unsigned c2)
{
    return l1 < l2 || (l1 == l2 && c1 < c2);
}

static ynode *yb_node(ybuild *B, ykind kind, const struct fy_mark *m)
{
    ynode *y = sg_arena_alloc(B->s, sizeof *y);
    if (!y) {
        B->L->oom = true;
        return NULL;
    }
    y->kind = (unsigned char)kind;
    if (m) {
        y->line = (unsigned)m->line + 1;
        y->col = (unsigned)m->column + 1;
    }
    return y;
}

/* Hang a finished node under the open collection (or make it the root). */
static void yb_attach(ybuild *B, ynode *y)
{
    if (!B->depth) {
        if (y->kind == Y_SCALAR && !y->line) { /* empty document */
            y->line = B->doc_line;
            y->col = B->doc_col;
        }
        B->root = y;
        return;
    }
    yframe *f = &B->st[B->depth - 1];
    ynode *p = f->n;
    if (!y->line) {
        /* An empty value (`key:`) sits at its key; an empty key or item
         * at its collection. */
        const ynode *at = p->kind == Y_MAP && (p->n & 1) ? f->last : p;
        y->line = at->line;
        y->col = at->col;
        y->borrowed = true;
    }
    if (f->last)
        f->last->next = y;
    else
        p->kids = y;
    f->last = y;
    p->n++;
    /* A collection starts at its own mark (`[`, `{`, the first `-`, a block
     * map's first key) or at its first child when that comes earlier (the
     * implicit map of `[a: b]` is marked at its `:`). */
    if (y->borrowed)
        return;
    for (size_t i = B->depth; i-- > 0;) {
        ynode *q = B->st[i].n;
        if (q->line && !before(y->line, y->col, q->line, q->col))
            break;
        q->line = y->line;
        q->col = y->col;
    }
}

static void yb_open(ybuild *B, struct fy_event *e, ykind kind)
{
    /* Levels: the document, then each collection. */
    if (B->depth + 2 > B->max_depth) {
        const struct fy_mark *m = fy_event_start_mark(e);
        sg_pos p = {B->L->path, m ? (unsigned)m->line + 1 : 1, m ? (unsigned)m->column + 1 : 1};
        SG_ERR(B->L->d, CHECK_YAML, p, "invalid YAML: nested deeper than %zu levels (limit.yaml-depth)",
               B->max_depth);
        B->too_deep = true;
        return;
    }
    ynode *y = yb_node(B, kind, fy_event_start_mark(e));
    if (!y)
        return;
    B->st[B->depth++] = (yframe){y, NULL};
}

static void yb_close(ybuild *B)
{
    if (!B->depth)
        return;
    ynode *y = B->st[--B->depth].n;
    if (y->kind == Y_MAP)
        y->n /= 2;
    yb_attach(B, y);
}

/* Where the text of a block scalar starts: libfyaml marks column 1 of the
 * line after `|`/`>`; the text begins at the block's indentation (the
 * spaces YAML stripped from the first line that has text). */
static void block_start(const ybuild *B, const struct fy_mark *m, const struct fy_mark *end,
                        const char *text, size_t len, ynode *y)
{
    if (m->column != 0 || m->input_pos >= B->len)
        return;
    size_t stop = end && end->input_pos <= B->len ? end->input_pos : B->len;
    size_t i = 0;
    while (i < len && text[i] == '\n')
        i++;
    size_t inner = 0; /* spaces that are part of the text (`|2` and deeper lines) */
    while (i + inner < len && text[i + inner] == ' ')
        inner++;
    const char *s = B->buf;
    for (size_t o = m->input_pos; o < stop;) {
        size_t sp = 0;
        while (o + sp < stop && s[o + sp] == ' ')
            sp++;
        if (o + sp < stop && s[o + sp] != '\n' && s[o + sp] != '\r') {
            if (sp >= inner)
                y->col = (unsigned)(sp - inner) + 1;
            return;
        }
        while (o < stop && s[o] != '\n')
            o++;
        o++;
    }
}

static bool is_white(char c)
{
    return c == ' ' || c == '\t';
}

/* Length of the line break at s[i] (0 when there is none). */
static size_t break_len(const char *s, size_t i, size_t n)
{
    if (i >= n)
        return 0;
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r')
        return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    return 0;
}

/* The text of a single-quoted scalar from its input bytes s[0..n) (between
 * the quotes): `''` is one quote; lines are folded as YAML 1.2 says (white
 * space around a break is dropped, one break is a space, each further empty
 * line a newline). Done here because libfyaml 0.7.12 garbles adjacent
 * escapes: 'a''''b' came back as a'''b instead of a''b. */
static bool single_quoted(ybuild *B, const char *s, size_t n, ynode *y)
{
    if (!memchr(s, '\'', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
        y->text = s;
        y->len = n;
        return true;
    }
    char *out = sg_arena_alloc(B->s, n ? n : 1); /* the text is never longer */
    if (!out)
        return B->L->oom = true, false;
    size_t k = 0, i = 0;
    for (bool first = true;; first = false) {
        size_t e = i;
        while (e < n && !break_len(s, e, n))
            e++;
        size_t a = i, z = e;
        if (!first)
            while (a < z && is_white(s[a]))
                a++;
        if (e < n)
            while (z > a && is_white(s[z - 1]))
                z--;
        for (size_t p = a; p < z; p++) {
            out[k++] = s[p];
            if (s[p] == '\'' && p + 1 < z && s[p + 1] == '\'')
                p++;
        }
        if (e == n)
            break;
        i = e + break_len(s, e, n);
        size_t empty = 0;
        for (;;) {
            size_t j = i;
            while (j < n && is_white(s[j]))
                j++;
            size_t bl = break_len(s, j, n);
            if (!bl)
                break;
            empty++;
            i = j + bl;
        }
        if (empty) {
            memset(out + k, '\n', empty);
            k += empty;
        } else {
            out[k++] = ' ';
        }
    }
    y->text = out;
    y->len = k;
    return true;
}

/* The scalar's text without a malloc where YAML changes nothing: a plain or
 * double-quoted scalar on one line is its input bytes (double quotes only
 * without backslashes); single quotes are undone here (single_quoted).
 * Anything else is libfyaml's formatting, copied before the event is freed. */
static bool scalar_text(ybuild *B, struct fy_token *t, ynode *y)
{
    const struct fy_mark *m = fy_token_start_mark(t), *e = fy_token_end_mark(t);
    enum fy_scalar_style st = fy_token_scalar_style(t);
    if (m && e && m->input_pos <= e->input_pos && e->input_pos <= B->len) {
        const char *s = B->buf + m->input_pos;
        size_t n = e->input_pos - m->input_pos;
        if (st == FYSS_SINGLE_QUOTED)
            return single_quoted(B, s, n, y);
        if (m->line == e->line &&
            (st == FYSS_PLAIN || (st == FYSS_DOUBLE_QUOTED && !memchr(s, '\\', n)))) {
            y->text = s;
            y->len = n;
            return true;
        }
    }
    size_t n = 0;
    const char *s = fy_token_get_text(t, &n);
    if (!s)
        return B->L->oom = true, false;
    char *c = sg_arena_alloc(B->s, n ? n : 1);
    if (!c)
        return B->L->oom = true, false;
    memcpy(c, s, n);
    y->text = c;
    y->len = n;
    if ((st == FYSS_LITERAL || st == FYSS_FOLDED) && m)
        block_start(B, m, e, c, n, y);
    return true;
}

static void yb_scalar(ybuild *B, struct fy_event *e)
{
    struct fy_token *t = e->scalar.value;
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    /* An empty scalar has no token: a tag or anchor still marks it. */
    if (!m && e->scalar.tag)
        m = fy_token_start_mark(e->scalar.tag);
    if (!m && e->scalar.anchor)
        m = fy_token_start_mark(e->scalar.anchor);
    ynode *y = yb_node(B, Y_SCALAR, m);
    if (!y)
        return;
    y->text = "";
    y->style = FYSS_PLAIN;
    if (t) {
        y->style = (unsigned char)fy_token_scalar_style(t);
        /* libfyaml marks the text of a quoted scalar; point at the quote. */
        if ((y->style == FYSS_SINGLE_QUOTED || y->style == FYSS_DOUBLE_QUOTED) && y->col > 1)
            y->col--;
        if (!scalar_text(B, t, y))
            return;
    }
    if (e->scalar.tag) {
        size_t tl = 0;
        const char *tag = fy_token_get_text(e->scalar.tag, &tl);
        y->str_tag = tag && tl >= 3 && memcmp(tag + tl - 3, "str", 3) == 0;
    }
    yb_attach(B, y);
}

/* Aliases are refused everywhere: Sigma does not need them and expanding
 * them is how YAML bombs work. Each is reported once, at its `*`, when its
 * document is complete (a document cut short by a YAML error reports only
 * that error). */
static void yb_alias(ybuild *B, struct fy_event *e)
{
    ynode *y = yb_node(B, Y_ALIAS, fy_event_start_mark(e));
    if (!y)
        return;
    if (y->col > 1)
        y->col--;
    if (B->naliases == B->capaliases) {
        size_t cap = B->capaliases ? 2 * B->capaliases : 16;
        const ynode **p = sg_arena_grow(B->s, B->aliases, B->naliases, cap, sizeof *p);
        if (!p) {
            B->L->oom = true;
            return;
        }
        B->aliases = p;
        B->capaliases = cap;
    }
    B->aliases[B->naliases++] = y;
    yb_attach(B, y);
}

static void report_aliases(ybuild *B)
{
    for (size_t i = 0; i < B->naliases; i++)
        SG_ERR(B->L->d, CHECK_YAML, ((sg_pos){B->L->path, B->aliases[i]->line, B->aliases[i]->col}),
               "YAML aliases are not supported in Sigma rules");
}

/* ---- positions and scalars ----------------------------------------------- */

static sg_pos node_pos(loader *L, const ynode *n)
{
    return n ? (sg_pos){L->path, n->line, n->col} : (sg_pos){L->path, 0, 0};
}

static bool is_scalar(const ynode *n)
{
    return n && n->kind == Y_SCALAR;
}

static bool is_seq(const ynode *n)
{
    return n && n->kind == Y_SEQ;
}

static bool is_map(const ynode *n)
{
    return n && n->kind == Y_MAP;
}

/* A scalar key spelled exactly `s`. */
static bool key_is(const ynode *k, const char *s, size_t n)
{
    return is_scalar(k) && k->len == n && memcmp(k->text, s, n) == 0;
}
#define KEY_IS(k, lit) key_is((k), lit, sizeof lit - 1)

/* Pairs of a map: `for (PAIRS(m, k, v))`. */
#define PAIRS(m, k, v)                                                                     \
    ynode *k = (m)->kids, *v = k ? k->next : NULL;                                         \
    k && v;                                                                                \
    k = v->next, v = k ? k->next : NULL

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
    /* Most plain scalars are names: nothing below starts with these. */
    if (n && !strchr("0123456789+-.~nNtTfF", s[0])) {
        v->type = SG_V_STRING;
        return;
    }
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

static bool read_scalar(loader *L, const ynode *n, sg_value *out)
{
    memset(out, 0, sizeof *out);
    out->pos = node_pos(L, n);
    char *copy = sg_arena_strndup(L->a, n->text, n->len);
    if (!copy) {
        L->oom = true;
        return false;
    }
    out->str = copy;
    out->len = n->len;
    if (n->style == FYSS_PLAIN) {
        type_plain(out);
    } else {
        out->type = SG_V_STRING;
        out->quoted = (n->style == FYSS_SINGLE_QUOTED || n->style == FYSS_DOUBLE_QUOTED);
    }
    /* An explicit tag (!!str) forces a string. */
    if (n->str_tag)
        out->type = SG_V_STRING;
    return true;
}

static const char *ytype_name(const ynode *n)
{
    if (!n)
        return "nothing";
    switch ((ykind)n->kind) {
    case Y_ALIAS:
        return "an alias";
    case Y_SCALAR:
        return "a scalar";
    case Y_SEQ:
        return "a list";
    case Y_MAP:
        return "a map";
    }
    return "?";
}

/* An alias is reported with its document (report_aliases); the readers only skip it. */
static bool refuse_alias(const ynode *n)
{
    return n && n->kind == Y_ALIAS;
}

/* ---- generic subtree copy ------------------------------------------------ */

/* Depth is bounded by the event loop (limit.yaml-depth), so recursion is too. */
static sg_ynode *copy_ynode(loader *L, const ynode *n)
{
    if (!n || refuse_alias(n))
        return NULL;
    sg_ynode *y = sg_arena_alloc(L->a, sizeof *y);
    if (!y) {
        L->oom = true;
        return NULL;
    }
    y->pos = node_pos(L, n);
    if (is_scalar(n)) {
        y->type = SG_Y_SCALAR;
        read_scalar(L, n, &y->scalar);
        return y;
    }
    bool map = is_map(n);
    y->type = map ? SG_Y_MAP : SG_Y_SEQ;
    size_t cnt = n->n;
    y->kids = sg_arena_alloc(L->a, (map ? 2 : 1) * (cnt ? cnt : 1) * sizeof *y->kids);
    if (!y->kids) {
        L->oom = true;
        return NULL;
    }
    size_t i = 0;
    if (map) {
        for (PAIRS(n, kn, vn)) {
            sg_ynode *k = copy_ynode(L, kn);
            sg_ynode *v = copy_ynode(L, vn);
            if (L->oom)
                return NULL;
            if (!k)
                continue;
            if (!v) { /* the value was an alias: keep the key with null */
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
        for (const ynode *c = n->kids; c && i < cnt; c = c->next) {
            sg_ynode *k = copy_ynode(L, c);
            if (k)
                y->kids[i++] = k;
        }
    }
    y->n = i;
    return y;
}

/* ---- metadata ------------------------------------------------------------- */

static void read_str(loader *L, const ynode *key, const ynode *v, const char *name, sg_str *out)
{
    sg_pos kp = node_pos(L, key);
    if (!v) {
        SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' has no value", name);
        return;
    }
    if (refuse_alias(v))
        return;
    if (!is_scalar(v)) {
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
static void read_strlist(loader *L, const ynode *key, const ynode *v, const char *name,
                         bool allow_scalar, sg_strlist *out)
{
    sg_pos kp = node_pos(L, key);
    out->present = true;
    out->pos = kp;
    if (!v)
        return; /* `tags:` with nothing: an empty list */
    if (refuse_alias(v))
        return;
    if (is_scalar(v)) {
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
    if (!is_seq(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, kp, "'%s' must be a list of strings, not %s", name,
               ytype_name(v));
        return;
    }
    size_t cnt = v->n;
    out->v = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *out->v);
    if (!out->v) {
        L->oom = true;
        return;
    }
    for (const ynode *c = v->kids; c && out->n < cnt; c = c->next) {
        if (refuse_alias(c))
            continue;
        if (!is_scalar(c)) {
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

static void read_related(loader *L, sg_rule *r, const ynode *key, const ynode *v)
{
    if (!v || refuse_alias(v))
        return;
    if (!is_seq(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, key), "'related' must be a list of {id, type} maps");
        return;
    }
    size_t cnt = v->n;
    r->related = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *r->related);
    if (!r->related) {
        L->oom = true;
        return;
    }
    for (const ynode *c = v->kids; c && r->nrelated < cnt; c = c->next) {
        if (refuse_alias(c))
            continue;
        if (!is_map(c)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'related' items must be maps with 'id' and 'type'");
            continue;
        }
        sg_related *rel = &r->related[r->nrelated++];
        for (PAIRS(c, k, val)) {
            if (KEY_IS(k, "id"))
                read_str(L, k, val, "related.id", &rel->id);
            else if (KEY_IS(k, "type"))
                read_str(L, k, val, "related.type", &rel->type);
            else if (is_scalar(k))
                SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k),
                       "unknown key '%.*s' in 'related' (expected 'id' and 'type')",
                       (int)k->len, k->text);
            else
                SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k),
                       "unknown key '?' in 'related' (expected 'id' and 'type')");
        }
        if (!rel->id.s)
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'related' item without 'id'");
        if (!rel->type.s)
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, c), "'related' item without 'type'");
    }
}

static bool push_custom(loader *L, sg_custom **arr, size_t *n, const ynode *key, const ynode *val)
{
    sg_custom *p = sg_arena_grow(L->a, *arr, *n, *n + 1, sizeof **arr);
    if (!p) {
        L->oom = true;
        return false;
    }
    *arr = p;
    sg_custom *c = &p[(*n)++];
    c->key.pos = node_pos(L, key);
    c->key.s = is_scalar(key) ? sg_arena_strndup(L->a, key->text, key->len) : "?";
    if (!c->key.s) {
        L->oom = true;
        return false;
    }
    c->value = val ? copy_ynode(L, val) : NULL;
    return true;
}

static void read_logsource(loader *L, sg_rule *r, const ynode *key, const ynode *v)
{
    sg_logsource *ls = &r->logsource;
    ls->present = true;
    ls->pos = node_pos(L, key);
    if (!v || refuse_alias(v))
        return;
    if (!is_map(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, ls->pos, "'logsource' must be a map, not %s", ytype_name(v));
        return;
    }
    for (PAIRS(v, k, val)) {
        if (!is_scalar(k)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k), "logsource keys must be strings");
            continue;
        }
        if (KEY_IS(k, "category"))
            read_str(L, k, val, "logsource.category", &ls->category);
        else if (KEY_IS(k, "product"))
            read_str(L, k, val, "logsource.product", &ls->product);
        else if (KEY_IS(k, "service"))
            read_str(L, k, val, "logsource.service", &ls->service);
        else if (KEY_IS(k, "definition"))
            read_str(L, k, val, "logsource.definition", &ls->definition);
        else
            push_custom(L, &ls->extra, &ls->nextra, k, val);
    }
}

/* ---- detection -------------------------------------------------------------- */

static bool read_values(loader *L, const ynode *v, sg_pos keypos, sg_item *it)
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
    if (refuse_alias(v))
        return false;
    it->values.pos = node_pos(L, v);
    if (is_scalar(v)) {
        it->values.v = sg_arena_alloc(L->a, sizeof(sg_value));
        if (!it->values.v)
            return L->oom = true, false;
        if (!read_scalar(L, v, &it->values.v[0]))
            return false;
        it->values.n = 1;
        return true;
    }
    if (is_map(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, keypos,
               "the value of '%s' is a map: a field takes a value or a list of values",
               it->key);
        return false;
    }
    it->is_list = true;
    size_t cnt = v->n;
    it->values.v = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof(sg_value));
    if (!it->values.v)
        return L->oom = true, false;
    bool ok = true;
    for (const ynode *c = v->kids; c && it->values.n < cnt; c = c->next) {
        if (refuse_alias(c)) {
            ok = false;
            continue;
        }
        if (!is_scalar(c)) {
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

static bool read_map(loader *L, const ynode *m, sg_map *out)
{
    out->pos = node_pos(L, m);
    size_t cnt = m->n;
    out->items = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *out->items);
    if (!out->items)
        return L->oom = true, false;
    bool ok = true;
    for (PAIRS(m, k, v)) {
        if (out->n >= cnt)
            break;
        if (refuse_alias(k))
            return false;
        if (!is_scalar(k)) {
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
        if (!read_values(L, v, kv.pos, item))
            ok = false;
    }
    if (cnt == 0) {
        SG_ERR(L->d, CHECK_SCHEMA, out->pos, "empty map in a search identifier");
        ok = false;
    }
    return ok;
}

static bool read_search(loader *L, sg_search *s, const ynode *key, const ynode *v)
{
    s->pos = node_pos(L, key);
    if (!v) {
        SG_ERR(L->d, CHECK_SCHEMA, s->pos, "search identifier '%s' is empty", s->name);
        return false;
    }
    if (refuse_alias(v))
        return false;
    if (is_map(v)) {
        s->kind = SG_SEARCH_MAP;
        s->alts = sg_arena_alloc(L->a, sizeof *s->alts);
        if (!s->alts)
            return L->oom = true, false;
        s->nalts = 1;
        return read_map(L, v, &s->alts[0]);
    }
    s->kind = SG_SEARCH_LIST;
    if (is_scalar(v)) {
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
    size_t cnt = v->n;
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
    bool ok = true;
    for (const ynode *c = v->kids; c; c = c->next) {
        if (refuse_alias(c))
            return false;
        if (is_map(c)) {
            if (!read_map(L, c, &s->alts[s->nalts++]))
                ok = false;
        } else if (is_scalar(c)) {
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

/* The condition's text starts at the scalar's position (the ynode already
 * points at a block scalar's first character), one column after a quote. */
static sg_cond *parse_condition_node(loader *L, const ynode *n)
{
    sg_value sv;
    if (!read_scalar(L, n, &sv))
        return NULL;
    if (sv.type == SG_V_NULL) {
        SG_ERR(L->d, "condition-syntax", sv.pos, "empty condition");
        return NULL;
    }
    sg_pos p = sv.pos;
    if (n->style == FYSS_SINGLE_QUOTED || n->style == FYSS_DOUBLE_QUOTED)
        p.col++;
    sg_cond_limits cl = {(unsigned)SG_LIMIT(L->lim, max_condition_depth,
                                            SG_DEFAULT_MAX_CONDITION_DEPTH)};
    sg_cond *c = sg_cond_parse(L->a, sv.str, sv.len, p, &cl, L->d);
    /* NULL without a finding is out of memory (the parser set d->oom): the
     * load fails, the rule is not merely marked broken. */
    if (!c && L->d->oom)
        L->oom = true;
    return c;
}

static void read_detection(loader *L, sg_rule *r, const ynode *key, const ynode *v)
{
    r->has_detection = true;
    r->detection_pos = node_pos(L, key);
    if (!v || refuse_alias(v)) {
        r->broken = true;
        return;
    }
    if (!is_map(v)) {
        SG_ERR(L->d, CHECK_SCHEMA, r->detection_pos, "'detection' must be a map, not %s",
               ytype_name(v));
        r->broken = true;
        return;
    }
    size_t cnt = v->n;
    r->searches = sg_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *r->searches);
    if (!r->searches) {
        L->oom = true;
        return;
    }
    bool have_cond = false;
    for (PAIRS(v, k, val)) {
        if (refuse_alias(k) || !is_scalar(k)) {
            r->broken = true;
            continue;
        }
        if (KEY_IS(k, "condition")) {
            have_cond = true;
            r->condition_pos = node_pos(L, k);
            if (refuse_alias(val)) {
                r->broken = true;
                continue;
            }
            size_t nc = is_seq(val) ? val->n : 1;
            if (is_map(val) || nc == 0) {
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
            if (is_scalar(val)) {
                r->conditions[0] = parse_condition_node(L, val);
                r->nconditions = 1;
                if (!r->conditions[0])
                    r->broken = true;
            } else {
                for (const ynode *c = val->kids; c && r->nconditions < nc; c = c->next) {
                    if (!is_scalar(c)) {
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
            if (L->oom)
                return;
            continue;
        }
        if (KEY_IS(k, "timeframe")) {
            r->has_timeframe = true;
            SG_ERR(L->d, "deprecated-aggregation", node_pos(L, k),
                   "'timeframe' in detection is Sigma 1.x aggregation: use a correlation rule");
            r->broken = true;
            continue;
        }
        sg_search *s = &r->searches[r->nsearches++];
        memset(s, 0, sizeof *s);
        s->name = sg_arena_strndup(L->a, k->text, k->len);
        if (!s->name) {
            L->oom = true;
            return;
        }
        if (!read_search(L, s, k, val))
            r->broken = true;
        if (L->oom)
            return;
    }
    if (!have_cond) {
        SG_ERR(L->d, CHECK_SCHEMA, r->detection_pos, "'detection' has no 'condition'");
        r->broken = true;
    }
}

/* ---- duplicate keys ------------------------------------------------------------ */

/* libfyaml's own duplicate-key check compares every pair of keys (12 s on
 * a map of 20,000 keys), so it is off; small maps compare pairwise, larger
 * ones hash. Later copies are flagged (ynode.dup) for read_document. */
static uint64_t key_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

#define DUP_SCAN_MAX 8 /* pairs compared directly below this */

static void dup_found(loader *L, ynode *k)
{
    k->dup = true;
    SG_ERR(L->d, CHECK_YAML, node_pos(L, k), "invalid YAML: duplicate key '%.*s'",
           (int)(k->len > 64 ? 64 : k->len), k->text);
}

/* Recursion is bounded by the event loop's nesting limit. */
static void check_dup_keys(loader *L, sg_arena *scratch, ynode *n)
{
    if (!n || n->kind == Y_SCALAR || n->kind == Y_ALIAS)
        return;
    if (n->kind == Y_SEQ) {
        for (ynode *c = n->kids; c; c = c->next)
            check_dup_keys(L, scratch, c);
        return;
    }
    if (n->n <= DUP_SCAN_MAX) {
        for (PAIRS(n, k, v)) {
            check_dup_keys(L, scratch, v);
            if (!is_scalar(k) || k->borrowed)
                continue;
            for (const ynode *j = n->kids; j != k; j = j->next->next)
                if (is_scalar(j) && !j->borrowed && !j->dup && j->len == k->len &&
                    memcmp(j->text, k->text, k->len) == 0) {
                    dup_found(L, k);
                    break;
                }
        }
        return;
    }
    size_t cap = 16;
    while (cap < n->n * 2)
        cap *= 2;
    const ynode **tab = sg_arena_alloc(scratch, cap * sizeof *tab);
    if (!tab) {
        L->oom = true;
        return;
    }
    for (PAIRS(n, k, v)) {
        check_dup_keys(L, scratch, v);
        if (!is_scalar(k) || k->borrowed)
            continue;
        size_t i = (size_t)key_hash(k->text, k->len) & (cap - 1);
        while (tab[i] && !(tab[i]->len == k->len && memcmp(tab[i]->text, k->text, k->len) == 0))
            i = (i + 1) & (cap - 1);
        if (tab[i])
            dup_found(L, k);
        else
            tab[i] = k;
    }
}

/* ---- documents ---------------------------------------------------------------- */

static sg_rule *read_document(loader *L, sg_arena *scratch, ynode *root, unsigned index,
                              bool *legacy)
{
    sg_rule *r = sg_arena_alloc(L->a, sizeof *r);
    if (!r) {
        L->oom = true;
        return NULL;
    }
    r->path = L->path;
    r->limits = L->lim;
    r->doc_index = index;
    r->pos = (sg_pos){L->path, 1, 1};
    if (!root) {
        SG_ERR(L->d, CHECK_SCHEMA, r->pos, "empty YAML document: a Sigma rule is a map");
        r->broken = true;
        return r;
    }
    r->pos = node_pos(L, root);
    size_t errs = L->d->nerrors;
    check_dup_keys(L, scratch, root);
    if (L->d->nerrors > errs)
        r->broken = true;
    if (!is_map(root)) {
        SG_ERR(L->d, CHECK_SCHEMA, r->pos, "a Sigma rule is a YAML map, not %s", ytype_name(root));
        r->broken = true;
        return r;
    }
    /* Kind first: correlation and filter documents have other required keys. */
    bool corr = false, filt = false;
    for (PAIRS(root, k, v)) {
        corr = corr || KEY_IS(k, "correlation");
        filt = filt || KEY_IS(k, "filter");
    }
    if (corr)
        r->kind = SG_DOC_CORRELATION;
    else if (filt)
        r->kind = SG_DOC_FILTER;

    for (PAIRS(root, k, v)) {
        if (!is_scalar(k)) {
            SG_ERR(L->d, CHECK_SCHEMA, node_pos(L, k), "top-level keys must be strings");
            r->broken = true;
            continue;
        }
        /* A duplicate key was reported by check_dup_keys; reading it again
         * would append to what the first one filled in. */
        if (k->dup)
            continue;
#define STR(name, field) else if (KEY_IS(k, name)) read_str(L, k, v, name, &r->field)
#define LIST(name, field, sc) else if (KEY_IS(k, name)) read_strlist(L, k, v, name, sc, &r->field)
        if (KEY_IS(k, "action")) {
            sg_value av = {0};
            if (is_scalar(v))
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
        else if (KEY_IS(k, "related")) read_related(L, r, k, v);
        else if (KEY_IS(k, "logsource")) read_logsource(L, r, k, v);
        else if (KEY_IS(k, "detection")) read_detection(L, r, k, v);
        else if (KEY_IS(k, "correlation") && r->kind == SG_DOC_CORRELATION)
            r->correlation = copy_ynode(L, v);
        else if (KEY_IS(k, "filter") && r->kind == SG_DOC_FILTER)
            r->filter = copy_ynode(L, v);
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

/* line:col of byte `off` (columns in characters, after a BOM), for the
 * reports of the checks before parsing. */
static sg_pos pos_at(const loader *L, const char *buf, size_t off)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t k = off >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
    unsigned line = 1, col = 1;
    for (; k < off; k++) {
        if (s[k] == '\n') {
            line++;
            col = 1;
        } else if ((s[k] & 0xC0) != 0x80) {
            col++;
        }
    }
    return (sg_pos){L->path, line, col};
}

/* Length of the valid UTF-8 character at s[i], 0 when it is not one. */
static size_t utf8_char(const unsigned char *s, size_t i, size_t len)
{
    unsigned c = s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!n || i + n > len)
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    if (n == 3) {
        unsigned cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
    } else if (n == 4) {
        unsigned cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |
                      ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
        if (cp < 0x10000 || cp > 0x10FFFF)
            return 0;
    }
    return n;
}

/* Sigma files are UTF-8: refuse binary data and invalid sequences up front,
 * with the position of the first bad byte. Eight ASCII bytes without a NUL
 * pass at a time; line and column are counted only for the report. */
static bool check_encoding(loader *L, const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t start = len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0; /* BOM */
    size_t i = start, n = 0;
    while (i < len) {
        if (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!((w | ((w - ones) & ~w)) & highs)) { /* no high bit, no zero byte */
                i += 8;
                continue;
            }
        }
        if (s[i] == 0 || !(n = utf8_char(s, i, len)))
            break;
        i += n;
    }
    if (i >= len)
        return true;
    sg_pos p = pos_at(L, buf, i);
    if (s[i] == 0)
        SG_ERR(L->d, CHECK_ENCODING, p, "NUL byte: this is a binary file, not a Sigma rule");
    else
        SG_ERR(L->d, CHECK_ENCODING, p, "invalid UTF-8 (byte 0x%02X): Sigma files must be UTF-8",
               s[i]);
    return false;
}

/* libfyaml 0.7.12 reports a tab before a block indicator after the `:` of a
 * key inside an explicit `?` key ("? a:<TAB>?") and then corrupts its own
 * lists: destroying the parser crashes. Such files are invalid YAML anyway,
 * so they get libfyaml's error here, before it sees them. The test is a
 * little wider than libfyaml's (it ignores flow context). */
static bool blank_or_end(const char *s, size_t i, size_t len)
{
    return i >= len || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
}

static bool check_tab_indicator(loader *L, const char *s, size_t len)
{
    if (!memchr(s, '\t', len))
        return true;
    bool explicit_key = false;
    for (size_t i = 0; i < len && !explicit_key; i++)
        explicit_key = s[i] == '?' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t' ||
                                        s[i - 1] == '\n' || s[i - 1] == '\r') &&
                       blank_or_end(s, i + 1, len);
    if (!explicit_key)
        return true;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ':')
            continue;
        size_t j = i + 1, tab = 0;
        while (j < len && (s[j] == ' ' || s[j] == '\t')) {
            if (s[j] == '\t' && !tab)
                tab = j;
            j++;
        }
        if (!tab || j >= len)
            continue;
        bool indicator = strchr("?:|>", s[j]) || (s[j] == '-' && blank_or_end(s, j + 1, len));
        if (!indicator)
            continue;
        SG_ERR(L->d, CHECK_YAML, pos_at(L, s, tab),
               "invalid YAML: cannot use tab for indentation of block entry");
        return false;
    }
    return true;
}

/* ---- entry point -------------------------------------------------------------- */

/* One libfyaml parser and error collector for every file (creating them
 * per file cost ~3% of a corpus compile); replaced after a file whose
 * errors they collected. */
struct sg_loader {
    struct fy_parser *fyp;
    struct fy_diag *fyd;
};

sg_loader *sg_loader_create(void)
{
    return sg_calloc(1, sizeof(sg_loader));
}

static void drop_parser(sg_loader *l)
{
    fy_parser_destroy(l->fyp);
    fy_diag_destroy(l->fyd);
    l->fyp = NULL;
    l->fyd = NULL;
}

void sg_loader_destroy(sg_loader *l)
{
    if (!l)
        return;
    drop_parser(l);
    sg_free(l);
}

/* A parser ready for `buf`: the last file's, or fresh. A parser is kept
 * only after a clean stream end (sg_loader_load drops it otherwise), and
 * then takes a new input as it is: fy_parser_reset would only build the
 * default document state that the next document start builds again
 * (3% of a corpus compile). tests/jobs.sh checks a tree whole against
 * its files one by one. */
static struct fy_parser *parser_for(sg_loader *l, const char *buf, size_t len)
{
    if (l->fyp && fy_parser_set_string(l->fyp, buf, len) == 0)
        return l->fyp;
    drop_parser(l); /* its error collector may hold why: start clean */
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = NULL;
    dc.level = FYET_ERROR;
    l->fyd = fy_diag_create(&dc);
    if (!l->fyd)
        return NULL;
    fy_diag_set_collect_errors(l->fyd, true);
    struct fy_parse_cfg cfg = {0};
    cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_DISABLE_ACCELERATORS;
    cfg.diag = l->fyd;
    l->fyp = fy_parser_create(&cfg);
    if (!l->fyp)
        return NULL;
    return fy_parser_set_string(l->fyp, buf, len) == 0 ? l->fyp : NULL;
}

static bool keep_rule(sg_arena *a, sg_rule *r, sg_rule ***rules, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        sg_rule **p = sg_arena_grow(a, *rules, *n, nc, sizeof *p);
        if (!p)
            return false;
        *rules = p;
        *cap = nc;
    }
    (*rules)[(*n)++] = r;
    return true;
}

/* The events of one file, document by document. False on out-of-memory;
 * *cut when a limit stopped the parse before the end of the stream. */
static bool load_events(loader *L, struct fy_parser *fyp, ybuild *B, size_t max_docs,
                        bool *legacy, bool *cut, sg_rule ***rules, size_t *n, size_t *cap)
{
    size_t max_rules = SG_LIMIT(L->lim, max_rules, SG_DEFAULT_MAX_RULES);
    unsigned index = 0;
    struct fy_event *e;
    while ((e = fy_parser_parse(fyp)) != NULL) {
        bool stop = false;
        switch (e->type) {
        case FYET_DOCUMENT_START: {
            if (index >= max_docs) {
                SG_ERR(L->d, "limit", ((sg_pos){L->path, 1, 1}),
                       "more than %zu YAML documents in one file (limit.documents)", max_docs);
                stop = true;
                break;
            }
            struct fy_token *t = e->document_start.document_start;
            const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
            B->doc_line = m ? (unsigned)m->line + 1 : 1;
            B->doc_col = m ? (unsigned)m->column + 1 : 1;
            if (*n >= max_rules) { /* over all files: the driver stops loading */
                SG_ERR(L->d, "limit", ((sg_pos){L->path, B->doc_line, B->doc_col}),
                       "more than %zu rules loaded (limit.rules): this and later documents are "
                       "not loaded", max_rules);
                stop = true;
                break;
            }
            B->root = NULL;
            B->depth = 0;
            B->aliases = NULL;
            B->naliases = B->capaliases = 0;
            break;
        }
        case FYET_DOCUMENT_END: {
            /* A document cut short by an error never gets here. */
            report_aliases(B);
            sg_rule *r = read_document(L, B->s, B->root, index++, legacy);
            if (!L->oom && (!r || !keep_rule(L->a, r, rules, n, cap)))
                L->oom = true;
            break;
        }
        case FYET_MAPPING_START:
            yb_open(B, e, Y_MAP);
            break;
        case FYET_SEQUENCE_START:
            yb_open(B, e, Y_SEQ);
            break;
        case FYET_MAPPING_END:
        case FYET_SEQUENCE_END:
            yb_close(B);
            break;
        case FYET_SCALAR:
            yb_scalar(B, e);
            break;
        case FYET_ALIAS:
            yb_alias(B, e);
            break;
        default:
            break;
        }
        fy_parser_event_free(fyp, e);
        if (L->oom)
            return false;
        if (stop || B->too_deep) {
            *cut = true;
            break;
        }
    }
    return true;
}

bool sg_loader_load(sg_loader *l, sg_arena *a, const char *path, const char *buf, size_t len,
                    const sg_load_limits *lim, sg_diags *d, sg_rule ***rules, size_t *n,
                    size_t *cap)
{
    loader L = {a, d, path, false, lim};
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
    if (!check_encoding(&L, buf, len) || !check_tab_indicator(&L, buf, len))
        return true;

    ybuild B;
    memset(&B, 0, offsetof(ybuild, st));
    B.L = &L;
    B.buf = buf;
    B.len = len;
    B.max_depth = SG_LIMIT(lim, max_yaml_depth, SG_DEFAULT_MAX_YAML_DEPTH);
    if (B.max_depth > SG_YAML_DEPTH_CAP)
        B.max_depth = SG_YAML_DEPTH_CAP;
    B.s = sg_arena_create();
    struct fy_parser *fyp = B.s ? parser_for(l, buf, len) : NULL;
    if (!fyp) {
        drop_parser(l);
        sg_arena_destroy(B.s);
        return false;
    }
    bool legacy = false, cut = false;
    size_t first = *n;
    bool ok = load_events(&L, fyp, &B, max_docs, &legacy, &cut, rules, n, cap);
    bool stream_error = fy_parser_get_stream_error(fyp);
    if (ok && stream_error) {
        void *it = NULL;
        struct fy_diag_error *er;
        bool any = false;
        while ((er = fy_diag_errors_iterate(l->fyd, &it)) != NULL) {
            sg_pos p = {path, er->line > 0 ? (unsigned)er->line : 1,
                        er->column > 0 ? (unsigned)er->column : 1};
            SG_ERR(d, CHECK_YAML, p, "invalid YAML: %s", er->msg ? er->msg : "parse error");
            any = true;
        }
        if (!any)
            SG_ERR(d, CHECK_YAML, top, "invalid YAML");
    }
    /* Documents before the error were read; the file as a whole is not
     * trustworthy, so none of them is compiled. */
    if (ok && (stream_error || B.too_deep))
        for (size_t i = first; i < *n; i++)
            (*rules)[i]->broken = true;
    if (ok && legacy)
        for (size_t i = first; i < *n; i++)
            (*rules)[i]->broken = (*rules)[i]->legacy = true;
    /* Collected messages stay in the collector (libfyaml collects some, such
     * as an unsupported directive, without a stream error), and
     * fy_parser_reset does not recover a parse stopped half-way: start the
     * next file clean. */
    void *it = NULL;
    if (!ok || cut || stream_error || fy_diag_errors_iterate(l->fyd, &it))
        drop_parser(l);
    sg_arena_destroy(B.s);
    return ok;
}

bool sg_yaml_input_ok(const char *path, const char *buf, size_t len, sg_diags *d)
{
    loader L = {NULL, d, path, false, NULL};
    return check_encoding(&L, buf, len) && check_tab_indicator(&L, buf, len);
}

bool sg_load_buffer(sg_arena *a, const char *path, const char *buf, size_t len,
                    const sg_load_limits *lim, sg_diags *d, sg_rule ***rules, size_t *n,
                    size_t *cap)
{
    sg_loader *l = sg_loader_create();
    if (!l)
        return false;
    bool ok = sg_loader_load(l, a, path, buf, len, lim, d, rules, n, cap);
    sg_loader_destroy(l);
    return ok;
}
