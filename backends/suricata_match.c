/* suricata_match.c - the tests on one buffer as content / pcre keywords.
 *
 * A group (see suricata_dnf.c) is an AND/OR/NOT tree over one buffer. Each
 * top-level conjunct that is a plain test becomes a content (negated where
 * needed: `content:!"x"`); anything else becomes one pcre, anchored at the
 * buffer's start, in which every test is a lookahead: AND is their
 * sequence, OR an alternation, NOT a negative lookahead. Sigma is
 * case-insensitive unless `cased`: `nocase` / the `i` flag. */
#include "suricata.h"
#include "suricata_content.h"

#include <string.h>

/* Regex pieces of a field's region: where its value starts, what any
 * byte of it is (for `*`), what one character is (for `?`), and how it
 * ends. Buffers are bytes: a character is a UTF-8 lead byte with all its
 * continuation bytes (possessive, so `??` never splits one), or a single
 * other byte (ASCII, or a stray byte of text that is not UTF-8). */
typedef struct region {
    const char *prefix, *anyc, *onec, *end;
} region;

#define SC_UTF8_SEQ "[\\xc0-\\xff][\\x80-\\xbf]*+"
static const region regions[] = {
    [SC_R_WHOLE] = {"", ".", "(?:" SC_UTF8_SEQ "|[\\x00-\\xbf])", "\\z"},
    [SC_R_PATH] = {"", "[^?]", "(?:" SC_UTF8_SEQ "|[^?\\xc0-\\xff])", "(?:\\?|\\z)"},
    [SC_R_QUERY] = {"[^?]*\\?", ".", "(?:" SC_UTF8_SEQ "|[\\x00-\\xbf])", "\\z"},
    [SC_R_EXT] = {"[^?]*\\.(?=[^./?]*(?:\\?|\\z))", "[^./?]",
                  "(?:" SC_UTF8_SEQ "|[^./?\\xc0-\\xff])", "(?:\\?|\\z)"},
    [SC_R_TFTP] = {"..", "[^\\x00]", "(?:" SC_UTF8_SEQ "|[^\\x00\\xc0-\\xff])", "\\x00"},
};

static const char *mode_name(const ir_test *t)
{
    switch (t->kind) {
    case IR_T_REGEX:
        return "re";
    case IR_T_NUM:
        return t->op == IR_NUM_LT ? "<" : t->op == IR_NUM_LTE ? "<=" : t->op == IR_NUM_GT ? ">"
               : t->op == IR_NUM_GTE ? ">=" : "=";
    case IR_T_CIDR:
        return "cidr";
    case IR_T_STR:
        switch (t->mode) {
        case IR_STR_EXACT:
            return ir_segs_has(t->segs, t->nsegs, IR_SEG_STAR) ||
                           ir_segs_has(t->segs, t->nsegs, IR_SEG_QMARK)
                       ? "matches"
                       : "equals";
        case IR_STR_CONTAINS:
            return "contains";
        case IR_STR_STARTSWITH:
            return "startswith";
        case IR_STR_ENDSWITH:
            return "endswith";
        }
        break;
    default:
        break;
    }
    return "tests";
}

void sc_describe(const sc_node *n, sg_strbuf *out)
{
    const ir_test *t = n->test;
    sg_sb_printf(out, "%s%s %s%s", n->neg ? "not " : "", t->field ? t->field : "keyword",
                 mode_name(t), t->cased ? " (cased)" : "");
    if (t->kind == IR_T_REGEX) {
        sg_sb_puts(out, " /");
        for (size_t i = 0; i < t->re_len; i++)
            sg_sb_putc(out, t->re[i] == '\n' ? ' ' : t->re[i]);
        sg_sb_putc(out, '/');
    } else if (t->kind == IR_T_NUM) {
        sg_sb_printf(out, " %s", t->num.text ? t->num.text : "?");
    } else if (t->kind == IR_T_CIDR) {
        sg_sb_printf(out, " %s", t->cidr_text ? t->cidr_text : "?");
    } else if (t->kind == IR_T_STR) {
        sg_sb_puts(out, " '");
        for (size_t i = 0; i < t->nsegs; i++) {
            const ir_seg *s = &t->segs[i];
            if (s->kind == IR_SEG_STAR)
                sg_sb_putc(out, '*');
            else if (s->kind == IR_SEG_QMARK)
                sg_sb_putc(out, '?');
            else
                for (size_t k = 0; k < s->len; k++)
                    sg_sb_putc(out, (unsigned char)s->s[k] < 0x20 ? '.' : s->s[k]);
        }
        sg_sb_putc(out, '\'');
    }
}

/* ---- checks shared by content and pcre ------------------------------------------------ */

static bool has_upper(const ir_test *t)
{
    for (size_t i = 0; i < t->nsegs; i++)
        for (size_t k = 0; t->segs[i].kind == IR_SEG_LIT && k < t->segs[i].len; k++)
            if (t->segs[i].s[k] >= 'A' && t->segs[i].s[k] <= 'Z')
                return true;
    return false;
}

/* The literal value of a test that content can take as it is; NULL else. */
static const char *literal(const ir_test *t, size_t *len)
{
    const char *s;
    if (t->kind == IR_T_NUM && t->op == IR_NUM_EQ && t->num.text) {
        *len = strlen(t->num.text);
        return t->num.text;
    }
    if (t->kind == IR_T_STR && ir_segs_literal(t->segs, t->nsegs, &s, len))
        return s ? s : "";
    return NULL;
}

static bool check_leaf(sc_ctx *cx, const sc_node *n)
{
    const ir_test *t = n->test;
    const sc_field *f = n->field;
    const char *what = sc_name(cx, t->field);
    if (t->kind == IR_T_NUM && t->op != IR_NUM_EQ) {
        sc_fail(cx, t->pos, "%s: Suricata compares %s as text; no < or >", what, f->name);
        return false;
    }
    if (t->kind == IR_T_REGEX && f->region != SC_R_WHOLE) {
        sc_fail(cx, t->pos, "%s: a regex (|re) on %s cannot be confined to that part of %s", what,
                f->name, f->kind == SC_F_TFTP_NAME ? "the request" : "the URI");
        return false;
    }
    if (t->kind == IR_T_STR && ir_segs_has(t->segs, t->nsegs, IR_SEG_PLACEHOLDER)) {
        sc_fail(cx, t->pos, "%s: a %%placeholder%% no pipeline resolved", what);
        return false;
    }
    if (t->kind != IR_T_STR && t->kind != IR_T_NUM && t->kind != IR_T_REGEX) {
        sc_fail(cx, t->pos, "%s: this kind of test has no Suricata keyword", what);
        return false;
    }
    if ((f->flags & SC_LOWER) && t->kind == IR_T_STR && t->cased && has_upper(t)) {
        sc_fail(cx, t->pos,
                "%s with |cased and upper-case letters: Suricata's %s is always lower-case, so "
                "this value can never match it", what, f->keyword);
        return false;
    }
    return true;
}

static bool check_tree(sc_ctx *cx, const sc_node *n)
{
    if (n->kind == SC_N_LEAF)
        return check_leaf(cx, n);
    for (size_t i = 0; i < n->nkids; i++)
        if (!check_tree(cx, n->kids[i]))
            return false;
    return true;
}

static bool is_hex32(const char *s, size_t n)
{
    if (n != 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

/* ---- content ------------------------------------------------------------------------------- */

/* Contents Suricata refuses to load: longer than SC_MAX_CONTENT, or on
 * http.method starting or ending with a space or tab (no method has one;
 * detect-http-method.c). A pcre says the same and loads. */
static bool content_loads(const sc_field *f, const char *s, size_t len)
{
    if (len > SC_MAX_CONTENT)
        return false;
    if (!len || !f->keyword || strcmp(f->keyword, "http.method") != 0)
        return true;
    return s[0] != ' ' && s[0] != '\t' && s[len - 1] != ' ' && s[len - 1] != '\t';
}

static bool content_ok(const sc_node *n)
{
    const ir_test *t = n->test;
    const sc_field *f = n->field;
    size_t len;
    const char *s = literal(t, &len);
    if (!s || !content_loads(f, s, len))
        return false;
    ir_str_mode mode = t->kind == IR_T_NUM ? IR_STR_EXACT : t->mode;
    if (f->flags & SC_HEX32)
        return mode == IR_STR_EXACT && is_hex32(s, len);
    switch (f->region) {
    case SC_R_WHOLE:
        return true;
    case SC_R_PATH:
        return mode == IR_STR_STARTSWITH && len;
    case SC_R_TFTP:
        return (mode == IR_STR_EXACT || mode == IR_STR_STARTSWITH) && len &&
               !memchr(s, 0, len);
    default:
        return false;
    }
}

static bool nocase(const sc_node *n)
{
    return !n->test->cased && n->test->kind == IR_T_STR && !(n->field->flags & (SC_LOWER | SC_HEX32));
}

static void emit_content(const sc_node *n, sg_strbuf *out)
{
    const ir_test *t = n->test;
    const sc_field *f = n->field;
    size_t len;
    const char *s = literal(t, &len);
    ir_str_mode mode = t->kind == IR_T_NUM ? IR_STR_EXACT : t->mode;
    bool lower = (f->flags & (SC_LOWER | SC_HEX32)) != 0;
    if (len == 0 && mode == IR_STR_EXACT) {
        /* "" : present and empty; not "": present and not empty */
        sg_sb_puts(out, n->neg ? "bsize:>0; " : "bsize:0; ");
        return;
    }
    sg_sb_puts(out, n->neg ? "content:!\"" : "content:\"");
    if (f->region == SC_R_TFTP && mode == IR_STR_EXACT) {
        /* the name and the NUL that ends it, in one escaped string */
        sg_strbuf v;
        sg_sb_init(&v);
        sg_sb_put(&v, s, len);
        sg_sb_putc(&v, 0);
        sg_sc_content(out, v.data ? v.data : "", v.len, lower);
        out->failed |= v.failed;
        sg_sb_free(&v);
    } else {
        sg_sc_content(out, s, len, lower);
    }
    sg_sb_puts(out, "\"; ");
    if (nocase(n))
        sg_sb_puts(out, "nocase; ");
    if (f->region == SC_R_TFTP) {
        sg_sb_printf(out, "offset:2; depth:%zu; ", len + (mode == IR_STR_EXACT));
        return;
    }
    if (mode == IR_STR_EXACT || mode == IR_STR_STARTSWITH)
        sg_sb_puts(out, "startswith; ");
    if (mode == IR_STR_EXACT || mode == IR_STR_ENDSWITH)
        sg_sb_puts(out, "endswith; ");
}

/* ---- pcre ------------------------------------------------------------------------------------ */

typedef struct pcre_ctx {
    bool global_i; /* the pcre carries the i flag */
} pcre_ctx;

/* The leaf as a regex matched at the buffer's start (without `^`).
 * `search`: a CONTAINS/ENDSWITH on the whole buffer may drop its leading
 * `.*` (the caller leaves the pattern unanchored). */
static void leaf_body(const pcre_ctx *pc, const sc_node *n, bool search, sg_strbuf *out)
{
    const ir_test *t = n->test;
    const sc_field *f = n->field;
    const region *rg = &regions[f->region];
    if (t->kind == IR_T_REGEX) {
        char on[4] = "", off[4] = "";
        size_t a = 0, b = 0;
        if (t->re_flags & IR_RE_I) {
            if (!pc->global_i)
                on[a++] = 'i';
        } else if (pc->global_i) {
            off[b++] = 'i';
        }
        if (t->re_flags & IR_RE_M)
            on[a++] = 'm';
        if (!(t->re_flags & IR_RE_S))
            off[b++] = 's'; /* the pcre has /s for our own dots */
        sg_sb_printf(out, "%s(?%s%s%s:", search ? "" : ".*?", on, b ? "-" : "", off);
        sg_sc_pcre_regex(out, t->re, t->re_len);
        sg_sb_putc(out, ')');
        return;
    }
    bool lower = (f->flags & (SC_LOWER | SC_HEX32)) != 0;
    bool ci = nocase(n);
    const char *wrap = ci == pc->global_i ? NULL : ci ? "(?i:" : "(?-i:";
    if (wrap)
        sg_sb_puts(out, wrap);
    ir_str_mode mode = t->kind == IR_T_NUM ? IR_STR_EXACT : t->mode;
    if (!search) {
        sg_sb_puts(out, rg->prefix);
        if (mode == IR_STR_CONTAINS || mode == IR_STR_ENDSWITH)
            sg_sb_printf(out, "%s*", rg->anyc);
    }
    size_t len;
    const char *s = literal(t, &len);
    if (s) {
        sg_sc_pcre_literal(out, s, len, lower);
    } else {
        for (size_t i = 0; i < t->nsegs; i++) {
            const ir_seg *g = &t->segs[i];
            if (g->kind == IR_SEG_STAR)
                sg_sb_printf(out, "%s*", rg->anyc);
            else if (g->kind == IR_SEG_QMARK)
                sg_sb_puts(out, rg->onec);
            else
                sg_sc_pcre_literal(out, g->s, g->len, lower);
        }
    }
    if (mode == IR_STR_EXACT || mode == IR_STR_ENDSWITH)
        sg_sb_puts(out, rg->end);
    if (wrap)
        sg_sb_putc(out, ')');
}

/* Can this leaf be searched for anywhere (no anchor, no leading .*)? */
static bool searchable(const sc_node *n)
{
    const ir_test *t = n->test;
    if (n->field->region != SC_R_WHOLE)
        return false;
    if (t->kind == IR_T_REGEX)
        return true;
    return t->kind == IR_T_STR && (t->mode == IR_STR_CONTAINS || t->mode == IR_STR_ENDSWITH);
}

static void assertion(const pcre_ctx *pc, const sc_node *n, sg_strbuf *out)
{
    switch (n->kind) {
    case SC_N_LEAF:
        sg_sb_puts(out, n->neg ? "(?!" : "(?=");
        leaf_body(pc, n, false, out);
        sg_sb_putc(out, ')');
        return;
    case SC_N_AND:
        for (size_t i = 0; i < n->nkids; i++)
            assertion(pc, n->kids[i], out);
        return;
    case SC_N_OR:
        sg_sb_puts(out, "(?:");
        for (size_t i = 0; i < n->nkids; i++) {
            if (i)
                sg_sb_putc(out, '|');
            assertion(pc, n->kids[i], out);
        }
        sg_sb_putc(out, ')');
        return;
    default:
        return;
    }
}

static void count_case(const sc_node *n, size_t *ci, size_t *cs)
{
    if (n->kind == SC_N_LEAF) {
        if (n->test->kind != IR_T_REGEX)
            ++*(nocase(n) ? ci : cs);
        return;
    }
    for (size_t i = 0; i < n->nkids; i++)
        count_case(n->kids[i], ci, cs);
}

/* All kids are leaves of polarity `neg`. */
static bool flat(const sc_node *n, bool neg)
{
    for (size_t i = 0; i < n->nkids; i++)
        if (n->kids[i]->kind != SC_N_LEAF || n->kids[i]->neg != neg)
            return false;
    return true;
}

static void emit_pcre(const sc_node *n, sg_strbuf *out)
{
    size_t ci = 0, cs = 0;
    count_case(n, &ci, &cs);
    pcre_ctx pc = {ci > 0 && cs == 0};
    const char *flags = pc.global_i ? "si" : "s";

    /* a lone regex goes in as written */
    if (n->kind == SC_N_LEAF && n->test->kind == IR_T_REGEX) {
        const ir_test *t = n->test;
        sg_sb_puts(out, n->neg ? "pcre:!\"/" : "pcre:\"/");
        sg_sc_pcre_regex(out, t->re, t->re_len);
        sg_sb_printf(out, "/%s%s%s\"; ", t->re_flags & IR_RE_I ? "i" : "",
                     t->re_flags & IR_RE_M ? "m" : "", t->re_flags & IR_RE_S ? "s" : "");
        return;
    }
    /* one leaf, an OR of plain leaves, or an AND of negated ones (NOT OR):
     * an alternation; anything else: lookaheads */
    const sc_node *const *alts = NULL;
    size_t nalts = 0;
    bool neg = false;
    if (n->kind == SC_N_LEAF) {
        alts = (const sc_node *const *)&n;
        nalts = 1;
        neg = n->neg;
    } else if (n->kind == SC_N_OR && flat(n, false)) {
        alts = (const sc_node *const *)n->kids;
        nalts = n->nkids;
    } else if (n->kind == SC_N_AND && flat(n, true)) {
        alts = (const sc_node *const *)n->kids;
        nalts = n->nkids;
        neg = true;
    }
    sg_sb_puts(out, neg ? "pcre:!\"/" : "pcre:\"/");
    if (alts) {
        bool search = true;
        for (size_t i = 0; i < nalts; i++)
            search &= searchable(alts[i]);
        if (!search)
            sg_sb_putc(out, '^');
        if (nalts > 1)
            sg_sb_puts(out, "(?:");
        for (size_t i = 0; i < nalts; i++) {
            if (i)
                sg_sb_putc(out, '|');
            leaf_body(&pc, alts[i], search, out);
        }
        if (nalts > 1)
            sg_sb_putc(out, ')');
    } else {
        sg_sb_putc(out, '^');
        assertion(&pc, n, out);
    }
    sg_sb_printf(out, "/%s\"; ", flags);
}

/* The longest literal run of a positive wildcard test (its first
 * SC_MAX_CONTENT bytes): a content Suricata's multi-pattern matcher can use
 * before it runs the pcre. */
static void prefilter(const sc_node *n, sg_strbuf *out)
{
    const ir_test *t = n->test;
    if (n->neg || t->kind != IR_T_STR || (n->field->flags & SC_HEX32))
        return;
    const ir_seg *best = NULL;
    for (size_t i = 0; i < t->nsegs; i++)
        if (t->segs[i].kind == IR_SEG_LIT && (!best || t->segs[i].len > best->len))
            best = &t->segs[i];
    size_t len = best && best->len < SC_MAX_CONTENT ? best->len : SC_MAX_CONTENT;
    if (!best || best->len < 3 || !content_loads(n->field, best->s, len))
        return;
    sg_sb_puts(out, "content:\"");
    sg_sc_content(out, best->s, len, (n->field->flags & SC_LOWER) != 0);
    sg_sb_puts(out, "\"; ");
    if (nocase(n))
        sg_sb_puts(out, "nocase; ");
    if (n->field->region == SC_R_TFTP)
        sg_sb_puts(out, "offset:2; ");
}

/* ---- contents that cannot hold together ---------------------------------------------- */

/* a[0..n) equals b[0..n), ASCII letters folded when `fold` */
static bool same_bytes(const char *a, const char *b, size_t n, bool fold)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (fold) {
            x = (unsigned char)(x >= 'A' && x <= 'Z' ? x + 32 : x);
            y = (unsigned char)(y >= 'A' && y <= 'Z' ? y + 32 : y);
        }
        if (x != y)
            return false;
    }
    return true;
}

static bool occurs(const char *s, size_t n, const char *in, size_t m, bool fold)
{
    for (size_t i = 0; n <= m && i + n <= m; i++)
        if (same_bytes(s, in + i, n, fold))
            return true;
    return false;
}

/* Is leaf n's value compared byte for byte? Not when case is ignored, nor
 * on a buffer Suricata lower-cases (its contents are lower-cased too). */
static bool exact_case(const sc_node *n)
{
    return n->test->kind == IR_T_NUM ||
           (n->test->cased && !(n->field->flags & (SC_LOWER | SC_HEX32)));
}

/* Can leaf n hold in a buffer that is exactly e (e_cased: compared as is)? */
static bool fits_whole(const sc_node *n, const char *e, size_t el, bool e_cased)
{
    const ir_test *t = n->test;
    bool fold = !(e_cased && exact_case(n));
    size_t len;
    const char *s = literal(t, &len);
    ir_str_mode mode = t->kind == IR_T_NUM ? IR_STR_EXACT : t->mode;
    if (s && content_ok(n) && (n->field->region == SC_R_WHOLE || n->field->region == SC_R_PATH)) {
        if (len > el)
            return false;
        switch (mode) {
        case IR_STR_EXACT:
            return len == el && same_bytes(s, e, len, fold);
        case IR_STR_STARTSWITH:
            return same_bytes(s, e, len, fold);
        case IR_STR_ENDSWITH:
            return same_bytes(s, e + el - len, len, fold);
        default:
            return occurs(s, len, e, el, fold);
        }
    }
    /* a pcre leaf: each literal piece of its value is in the buffer */
    for (size_t i = 0; t->kind == IR_T_STR && i < t->nsegs; i++)
        if (t->segs[i].kind == IR_SEG_LIT && !occurs(t->segs[i].s, t->segs[i].len, e, el, fold))
            return false;
    return true;
}

/* The positive leaves of a group atom (its AND's items, or itself). */
static const sc_node *const *group_items(const sc_atom *at, size_t *n)
{
    const sc_node *const *items = (const sc_node *const *)&at->tree;
    *n = 1;
    if (at->tree->kind == SC_N_AND) {
        items = (const sc_node *const *)at->tree->kids;
        *n = at->tree->nkids;
    }
    return items;
}

bool sc_group_contradicts(const sc_atom *const *atoms, size_t natoms)
{
    /* the first content that is the whole buffer, if any */
    const sc_node *whole = NULL;
    const char *e = NULL;
    size_t el = 0;
    for (size_t a = 0; a < natoms && !whole; a++) {
        if (atoms[a]->kind != SC_A_GROUP)
            continue;
        size_t n;
        const sc_node *const *items = group_items(atoms[a], &n);
        for (size_t i = 0; i < n && !whole; i++) {
            const sc_node *x = items[i];
            if (x->kind != SC_N_LEAF || x->neg || x->field->region != SC_R_WHOLE ||
                !content_ok(x))
                continue;
            ir_str_mode mode = x->test->kind == IR_T_NUM ? IR_STR_EXACT : x->test->mode;
            if (mode == IR_STR_EXACT) {
                whole = x;
                e = literal(x->test, &el);
            }
        }
    }
    if (!whole)
        return false;
    bool cased = exact_case(whole);
    for (size_t a = 0; a < natoms; a++) {
        if (atoms[a]->kind != SC_A_GROUP)
            continue;
        size_t n;
        const sc_node *const *items = group_items(atoms[a], &n);
        for (size_t i = 0; i < n; i++)
            if (items[i]->kind == SC_N_LEAF && !items[i]->neg && items[i] != whole &&
                items[i]->test->kind != IR_T_REGEX && !fits_whole(items[i], e, el, cased))
                return true;
    }
    return false;
}

bool sc_match_group(sc_ctx *cx, const sc_atom *at, sg_strbuf *out)
{
    const sc_node *root = at->tree;
    if (!check_tree(cx, root))
        return false;
    const sc_node *const *items = (const sc_node *const *)&root;
    size_t nitems = 1;
    if (root->kind == SC_N_AND) {
        items = (const sc_node *const *)root->kids;
        nitems = root->nkids;
    }
    /* contents first: one of them becomes the fast pattern */
    for (size_t i = 0; i < nitems; i++)
        if (items[i]->kind == SC_N_LEAF && content_ok(items[i]))
            emit_content(items[i], out);
    for (size_t i = 0; i < nitems; i++) {
        const sc_node *it = items[i];
        if (it->kind == SC_N_LEAF && content_ok(it))
            continue;
        if (it->kind == SC_N_LEAF)
            prefilter(it, out);
        emit_pcre(it, out);
    }
    return true;
}

const char *sc_presence_keyword(const sc_atom *at)
{
    return at->field->header ? "http.header_names" : at->field->keyword;
}

bool sc_match_presence(sc_ctx *cx, const sc_atom *at, sg_strbuf *out)
{
    const sc_field *f = at->field;
    if (f->header) {
        sg_strbuf name;
        sg_sb_init(&name);
        sg_sb_printf(&name, "\r\n%s\r\n", f->header);
        sg_sb_printf(out, "content:%s\"", at->neg ? "!" : "");
        sg_sc_content(out, name.data ? name.data : "", name.len, false);
        sg_sb_puts(out, "\"; nocase; ");
        out->failed |= name.failed;
        sg_sb_free(&name);
        return true;
    }
    if (at->neg || !f->keyword) {
        sc_fail(cx, (sg_pos){0}, "Suricata cannot test that %s is absent (null / exists: false)",
                f->keyword ? f->keyword : f->name);
        return false;
    }
    sg_sb_puts(out, "bsize:>0; ");
    return true;
}

void sc_match_tftp_opcode(int write, sg_strbuf *out)
{
    if (write < 0)
        sg_sb_puts(out, "pcre:\"/^\\x00[\\x01\\x02]/\"; ");
    else
        sg_sb_printf(out, "content:\"|00 0%d|\"; depth:2; ", write ? 2 : 1);
}
