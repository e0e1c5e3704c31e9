/* c_regex.c - regex -> syntax tree -> Thompson NFA -> static C tables
 * (see c_regex.h). Characters are Unicode code points; a class is a
 * sorted list of code-point ranges, so `.`, [^...] and \W are ranges too,
 * and case-insensitivity is folded into the ranges here. */
#include "c_regex.h"
#include "c_regex_int.h"
#include "ir.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CP 0x10ffffu
#define MAX_DEPTH 200
#define MAX_REPEAT 65535u
#define INF 0xffffffffu

/* ---- code-point sets ---------------------------------------------------------------- */

typedef struct parser {
    sg_arena *a;
    const unsigned char *s;
    size_t n, i;
    unsigned flags; /* IR_RE_* in force here */
    unsigned depth;
    char *why;
    size_t whylen;
    bool failed, oom;
} parser;

static void *fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void *fail(parser *p, const char *fmt, ...)
{
    if (!p->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->why, p->whylen, fmt, ap);
        va_end(ap);
        p->failed = true;
    }
    return NULL;
}

static void *oom(parser *p)
{
    p->oom = true;
    p->failed = true;
    return NULL;
}

static bool set_add(parser *p, cset *s, uint32_t lo, uint32_t hi)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        uint32_t *r = sg_arena_grow(p->a, s->r, s->n * 2, cap * 2, sizeof *r);
        if (!r)
            return oom(p), false;
        s->r = r;
        s->cap = cap;
    }
    s->r[2 * s->n] = lo;
    s->r[2 * s->n + 1] = hi;
    s->n++;
    return true;
}

static int cmp_range(const void *x, const void *y)
{
    const uint32_t *a = x, *b = y;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* Sort and merge overlapping or adjacent ranges. */
static void set_norm(cset *s)
{
    if (s->n < 2)
        return;
    qsort(s->r, s->n, 2 * sizeof *s->r, cmp_range);
    size_t w = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (s->r[2 * i] <= s->r[2 * w + 1] + 1) {
            if (s->r[2 * i + 1] > s->r[2 * w + 1])
                s->r[2 * w + 1] = s->r[2 * i + 1];
        } else {
            w++;
            s->r[2 * w] = s->r[2 * i];
            s->r[2 * w + 1] = s->r[2 * i + 1];
        }
    }
    s->n = w + 1;
}

static bool set_union(parser *p, cset *dst, const cset *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (!set_add(p, dst, src->r[2 * i], src->r[2 * i + 1]))
            return false;
    return true;
}

/* Complement within [0, MAX_CP]. */
static bool set_negate(parser *p, cset *s)
{
    set_norm(s);
    cset out = {0};
    uint32_t next = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (s->r[2 * i] > next && !set_add(p, &out, next, s->r[2 * i] - 1))
            return false;
        next = s->r[2 * i + 1] + 1;
    }
    if (next <= MAX_CP && !set_add(p, &out, next, MAX_CP))
        return false;
    *s = out;
    return true;
}

/* The other cases of the ASCII letters in [lo, hi], as PCRE2 matches them
 * in UTF mode: k also matches U+212A (Kelvin), s also U+017F (long s). A
 * non-ASCII character would need Unicode's case tables: refused. */
static bool set_add_caseless(parser *p, cset *s, uint32_t lo, uint32_t hi)
{
    if (!set_add(p, s, lo, hi))
        return false;
    if (hi >= 0x80)
        return fail(p, "a case-insensitive regex with non-ASCII characters"), false;
    uint32_t a = lo > 'A' ? lo : 'A', b = hi < 'Z' ? hi : 'Z';
    if (a <= b && !set_add(p, s, a + 32, b + 32))
        return false;
    a = lo > 'a' ? lo : 'a';
    b = hi < 'z' ? hi : 'z';
    if (a <= b && !set_add(p, s, a - 32, b - 32))
        return false;
    bool has_k = (lo <= 'k' && 'k' <= hi) || (lo <= 'K' && 'K' <= hi);
    bool has_s = (lo <= 's' && 's' <= hi) || (lo <= 'S' && 'S' <= hi);
    if (has_k && !set_add(p, s, 0x212a, 0x212a))
        return false;
    if (has_s && !set_add(p, s, 0x17f, 0x17f))
        return false;
    return true;
}

static bool set_of(parser *p, cset *s, const uint32_t *r, size_t n)
{
    for (size_t i = 0; i < n; i += 2)
        if (!set_add(p, s, r[i], r[i + 1]))
            return false;
    return true;
}

/* \d \w \s \h \v as PCRE2 reads them without PCRE2_UCP (ASCII, except
 * \h and \v which always have their Unicode members). */
static const uint32_t cls_d[] = {'0', '9'};
static const uint32_t cls_w[] = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
static const uint32_t cls_s[] = {0x09, 0x0d, 0x20, 0x20};
static const uint32_t cls_h[] = {0x09, 0x09, 0x20,   0x20,   0xa0,   0xa0,   0x1680, 0x1680,
                                 0x180e, 0x180e, 0x2000, 0x200a, 0x202f, 0x202f, 0x205f, 0x205f,
                                 0x3000, 0x3000};
static const uint32_t cls_v[] = {0x0a, 0x0d, 0x85, 0x85, 0x2028, 0x2029};

static bool class_escape(parser *p, unsigned char c, cset *s)
{
    const uint32_t *r;
    size_t n;
    switch (c | 0x20) {
    case 'd':
        r = cls_d, n = sizeof cls_d / sizeof *r;
        break;
    case 'w':
        r = cls_w, n = sizeof cls_w / sizeof *r;
        break;
    case 's':
        r = cls_s, n = sizeof cls_s / sizeof *r;
        break;
    case 'h':
        r = cls_h, n = sizeof cls_h / sizeof *r;
        break;
    default:
        r = cls_v, n = sizeof cls_v / sizeof *r;
        break;
    }
    if (!set_of(p, s, r, n))
        return false;
    return c >= 'a' ? true : set_negate(p, s);
}

/* ---- the syntax tree ----------------------------------------------------------------- */

static node *new_node(parser *p, nkind k)
{
    node *x = sg_arena_alloc(p->a, sizeof *x);
    if (!x)
        return oom(p);
    x->kind = k;
    return x;
}

static bool add_kid(parser *p, node *parent, node *kid)
{
    if (parent->nkids == parent->cap) {
        size_t cap = parent->cap ? parent->cap * 2 : 4;
        node **k = sg_arena_grow(p->a, parent->kids, parent->nkids, cap, sizeof *k);
        if (!k)
            return oom(p), false;
        parent->kids = k;
        parent->cap = cap;
    }
    parent->kids[parent->nkids++] = kid;
    return true;
}

/* The UTF-8 character at p->i (PCRE2 refuses invalid UTF-8 patterns). */
static bool take_char(parser *p, uint32_t *cp)
{
    const unsigned char *s = p->s + p->i;
    size_t left = p->n - p->i;
    unsigned char b = s[0];
    unsigned need;
    uint32_t c;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b < 0x80) {
        *cp = b;
        p->i++;
        return true;
    }
    if (b >= 0xc2 && b <= 0xdf)
        need = 1, c = b & 0x1fu;
    else if (b >= 0xe0 && b <= 0xef)
        need = 2, c = b & 0x0fu, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
    else if (b >= 0xf0 && b <= 0xf4)
        need = 3, c = b & 0x07u, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
    else
        return fail(p, "the regex is not valid UTF-8"), false;
    if (need >= left || s[1] < lo || s[1] > hi)
        return fail(p, "the regex is not valid UTF-8"), false;
    for (unsigned k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return fail(p, "the regex is not valid UTF-8"), false;
        c = (c << 6) | (s[k] & 0x3fu);
    }
    p->i += need + 1;
    *cp = c;
    return true;
}

static int hexval(unsigned char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

enum { ESC_CHAR = 1, ESC_SET, ESC_ASSERT };

/* After a backslash (p->i on the escaped character). */
static int escape(parser *p, bool in_class, uint32_t *cp, cset *set, int *akind)
{
    if (p->i >= p->n)
        return fail(p, "the regex ends with a backslash"), 0;
    unsigned char c = p->s[p->i];
    if (c >= 0x80 || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        return take_char(p, cp) ? ESC_CHAR : 0; /* escaped punctuation is itself */
    p->i++;
    switch (c) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h': case 'H':
    case 'v': case 'V':
        return class_escape(p, c, set) ? ESC_SET : 0;
    case 't': *cp = '\t'; return ESC_CHAR;
    case 'n': *cp = '\n'; return ESC_CHAR;
    case 'r': *cp = '\r'; return ESC_CHAR;
    case 'f': *cp = '\f'; return ESC_CHAR;
    case 'e': *cp = 0x1b; return ESC_CHAR;
    case 'a': *cp = 0x07; return ESC_CHAR;
    case '0': { /* \0, \0o, \0oo */
        uint32_t v = 0;
        for (int k = 0; k < 2 && p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '7'; k++)
            v = v * 8 + (uint32_t)(p->s[p->i++] - '0');
        *cp = v;
        return ESC_CHAR;
    }
    case 'x': {
        uint32_t v = 0;
        if (p->i < p->n && p->s[p->i] == '{') {
            size_t j = p->i + 1, k = 0;
            while (j < p->n && hexval(p->s[j]) >= 0 && k < 8)
                v = v * 16 + (uint32_t)hexval(p->s[j++]), k++;
            if (k == 0 || j >= p->n || p->s[j] != '}')
                return fail(p, "\\x{...} is not a hexadecimal code point"), 0;
            if (v > MAX_CP || (v >= 0xd800 && v <= 0xdfff))
                return fail(p, "\\x{%x} is not a Unicode character", (unsigned)v), 0;
            p->i = j + 1;
        } else {
            int k = 0;
            while (k < 2 && p->i < p->n && hexval(p->s[p->i]) >= 0)
                v = v * 16 + (uint32_t)hexval(p->s[p->i++]), k++;
            if (k == 0)
                return fail(p, "\\x without hexadecimal digits"), 0;
        }
        *cp = v;
        return ESC_CHAR;
    }
    case 'b':
        if (in_class) {
            *cp = 0x08;
            return ESC_CHAR;
        }
        *akind = A_WORDB;
        return ESC_ASSERT;
    case 'B': case 'A': case 'z': case 'Z':
        if (in_class)
            break;
        *akind = c == 'B' ? A_NWORDB : c == 'A' ? A_BOL : c == 'z' ? A_END : A_EOL;
        return ESC_ASSERT;
    default:
        break;
    }
    if (c >= '1' && c <= '9')
        return fail(p, in_class ? "an octal escape \\%c in a class" : "a backreference \\%c", c), 0;
    return fail(p, "the escape \\%c", c), 0;
}

static node *parse_alt(parser *p);

/* A literal character as a set (with its other cases under i). */
static node *char_node(parser *p, uint32_t cp)
{
    node *x = new_node(p, N_SET);
    if (!x)
        return NULL;
    bool ok = (p->flags & IR_RE_I) ? set_add_caseless(p, &x->set, cp, cp)
                                   : set_add(p, &x->set, cp, cp);
    return ok ? x : NULL;
}

/* One class member: a character (ESC_CHAR, *cp) or a set (ESC_SET). */
static int class_item(parser *p, uint32_t *cp, cset *set)
{
    if (p->s[p->i] == '\\') {
        p->i++;
        int akind;
        return escape(p, true, cp, set, &akind);
    }
    return take_char(p, cp) ? ESC_CHAR : 0;
}

static node *parse_class(parser *p)
{
    p->i++; /* [ */
    bool neg = false, first = true;
    if (p->i < p->n && p->s[p->i] == '^') {
        neg = true;
        p->i++;
    }
    node *x = new_node(p, N_SET);
    if (!x)
        return NULL;
    cset lits = {0};
    for (;;) {
        if (p->i >= p->n)
            return fail(p, "a class without its closing ]");
        unsigned char c = p->s[p->i];
        if (c == ']' && !first) {
            p->i++;
            break;
        }
        first = false;
        if (c == '[' && p->i + 1 < p->n &&
            (p->s[p->i + 1] == ':' || p->s[p->i + 1] == '.' || p->s[p->i + 1] == '='))
            return fail(p, "a POSIX class [%c...%c]", p->s[p->i + 1], p->s[p->i + 1]);
        uint32_t lo, hi;
        cset es = {0};
        int k = class_item(p, &lo, &es);
        if (!k)
            return NULL;
        bool dash = p->i + 1 < p->n && p->s[p->i] == '-' && p->s[p->i + 1] != ']';
        if (k == ESC_SET) {
            if (dash)
                return fail(p, "a range from a class escape");
            if (!set_union(p, &x->set, &es))
                return NULL;
            continue;
        }
        hi = lo;
        if (dash) {
            p->i++;
            cset es2 = {0};
            int k2 = class_item(p, &hi, &es2);
            if (!k2)
                return NULL;
            if (k2 == ESC_SET)
                return fail(p, "a range to a class escape");
            if (hi < lo)
                return fail(p, "a range out of order in a class");
        }
        if (!set_add(p, &lits, lo, hi))
            return NULL;
    }
    for (size_t i = 0; i < lits.n; i++) {
        uint32_t lo = lits.r[2 * i], hi = lits.r[2 * i + 1];
        bool ok = (p->flags & IR_RE_I) ? set_add_caseless(p, &x->set, lo, hi)
                                       : set_add(p, &x->set, lo, hi);
        if (!ok)
            return NULL;
    }
    if (neg && !set_negate(p, &x->set))
        return NULL;
    set_norm(&x->set);
    return x;
}

/* (?flags) or (?flags: at p->i (after "(?"); false when not a flag group. */
static bool parse_flags(parser *p, unsigned *flags)
{
    bool off = false;
    unsigned f = *flags;
    while (p->i < p->n) {
        unsigned char c = p->s[p->i];
        unsigned bit = c == 'i' ? IR_RE_I : c == 'm' ? IR_RE_M : c == 's' ? IR_RE_S : 0;
        if (c == '-' && !off) {
            off = true;
        } else if (bit) {
            f = off ? f & ~bit : f | bit;
        } else if (c == ')' || c == ':') {
            *flags = f;
            return true;
        } else {
            return fail(p, "the inline option (?%c)", c), false;
        }
        p->i++;
    }
    return fail(p, "an unterminated (?"), false;
}

/* A group; p->i on '('. */
static node *parse_group(parser *p)
{
    unsigned saved = p->flags;
    p->i++;
    if (p->i < p->n && p->s[p->i] == '*')
        return fail(p, "a backtracking verb (*...)");
    if (p->i < p->n && p->s[p->i] == '?') {
        p->i++;
        unsigned char c = p->i < p->n ? p->s[p->i] : 0;
        unsigned char d = p->i + 1 < p->n ? p->s[p->i + 1] : 0;
        if (c == ':' || c == '|') { /* branch reset only renumbers captures */
            p->i++;
        } else if ((c == '<' && d != '=' && d != '!') || (c == 'P' && d == '<') || c == '\'') {
            unsigned char end = c == '\'' ? '\'' : '>';
            p->i += c == 'P' ? 2 : 1;
            size_t n0 = p->i;
            while (p->i < p->n && p->s[p->i] != end)
                p->i++;
            if (p->i >= p->n || p->i == n0)
                return fail(p, "a group name without its end");
            p->i++;
        } else if (c == '#') {
            while (p->i < p->n && p->s[p->i] != ')')
                p->i++;
            if (p->i >= p->n)
                return fail(p, "an unterminated comment (?#");
            p->i++;
            node *e = new_node(p, N_EMPTY);
            if (e)
                e->bare = true;
            return e;
        } else if (c == '=' || c == '!' || c == '<') {
            return fail(p, "a lookaround assertion (?%c", c);
        } else if (c == '>') {
            return fail(p, "an atomic group (?>");
        } else {
            unsigned f = p->flags;
            if (!parse_flags(p, &f))
                return NULL;
            if (p->s[p->i++] == ')') { /* (?i): for the rest of the enclosing group */
                p->flags = f;
                node *e = new_node(p, N_EMPTY);
                if (e)
                    e->bare = true;
                return e;
            }
            p->flags = f; /* (?i: ... ) */
        }
    }
    if (++p->depth > MAX_DEPTH)
        return fail(p, "groups nested more than %d deep", MAX_DEPTH);
    node *g = parse_alt(p);
    p->depth--;
    if (!g)
        return NULL;
    if (p->i >= p->n || p->s[p->i] != ')')
        return fail(p, "a group without its closing )");
    p->i++;
    p->flags = saved;
    return g;
}

/* {n}, {n,}, {n,m} at p->i: 1 (consumed), 0 when `{` is a literal
 * character here, -1 on error. */
static int braces(parser *p, uint32_t *min, uint32_t *max)
{
    size_t j = p->i + 1;
    uint32_t a = 0, b;
    size_t d0 = j;
    while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9' && a <= MAX_REPEAT)
        a = a * 10 + (uint32_t)(p->s[j++] - '0');
    bool ok = j > d0;
    b = a;
    if (ok && j < p->n && p->s[j] == ',') {
        j++;
        size_t e0 = j;
        b = 0;
        while (j < p->n && p->s[j] >= '0' && p->s[j] <= '9' && b <= MAX_REPEAT)
            b = b * 10 + (uint32_t)(p->s[j++] - '0');
        if (j == e0)
            b = INF;
    }
    if (ok && j < p->n && p->s[j] == '}') {
        if (a > MAX_REPEAT || (b != INF && b > MAX_REPEAT))
            return fail(p, "a repeat count above %u", MAX_REPEAT), -1;
        if (b < a)
            return fail(p, "repeat counts out of order"), -1;
        *min = a;
        *max = b;
        p->i = j + 1;
        return 1;
    }
    /* Not a quantifier. PCRE2 versions disagree on {,m} and on spaces
     * inside braces: refuse those rather than guess. */
    for (size_t k = p->i + 1; k < p->n && p->s[k] != '}'; k++)
        if (!(p->s[k] == ',' || p->s[k] == ' ' || (p->s[k] >= '0' && p->s[k] <= '9')))
            return 0;
    if (p->i + 1 < p->n && (p->s[p->i + 1] == ',' || p->s[p->i + 1] == ' ' ||
                            (p->s[p->i + 1] >= '0' && p->s[p->i + 1] <= '9')))
        return fail(p, "a brace quantifier PCRE2 versions read differently"), -1;
    return 0;
}

/* Is there a quantifier at p->i? (fills min/max and consumes it) */
static int quantifier(parser *p, uint32_t *min, uint32_t *max)
{
    if (p->i >= p->n)
        return 0;
    switch (p->s[p->i]) {
    case '*':
        *min = 0, *max = INF;
        break;
    case '+':
        *min = 1, *max = INF;
        break;
    case '?':
        *min = 0, *max = 1;
        break;
    case '{':
        return braces(p, min, max);
    default:
        return 0;
    }
    p->i++;
    return 1;
}

static node *parse_atom(parser *p)
{
    unsigned char c = p->s[p->i];
    uint32_t cp;
    node *x;
    switch (c) {
    case '(':
        return parse_group(p);
    case '[':
        return parse_class(p);
    case '.':
        p->i++;
        if (!(x = new_node(p, N_SET)))
            return NULL;
        if (p->flags & IR_RE_S)
            return set_add(p, &x->set, 0, MAX_CP) ? x : NULL;
        return set_add(p, &x->set, 0, '\n' - 1) && set_add(p, &x->set, '\n' + 1, MAX_CP) ? x
                                                                                        : NULL;
    case '^':
    case '$':
        p->i++;
        if (!(x = new_node(p, N_ASSERT)))
            return NULL;
        x->akind = c == '^' ? ((p->flags & IR_RE_M) ? A_MBOL : A_BOL)
                            : ((p->flags & IR_RE_M) ? A_MEOL : A_EOL);
        return x;
    case '*':
    case '+':
    case '?':
        return fail(p, "a quantifier with nothing to repeat");
    case '{': {
        uint32_t a, b;
        int q = braces(p, &a, &b);
        if (q)
            return q > 0 ? fail(p, "a quantifier with nothing to repeat") : NULL;
        p->i++;
        return char_node(p, '{');
    }
    case '\\': {
        p->i++;
        int akind = 0;
        cset set = {0};
        int k = escape(p, false, &cp, &set, &akind);
        if (k == ESC_CHAR)
            return char_node(p, cp);
        if (k == ESC_SET) {
            if ((x = new_node(p, N_SET)))
                x->set = set;
            return x;
        }
        if (k == ESC_ASSERT && (x = new_node(p, N_ASSERT)))
            x->akind = akind;
        return k ? x : NULL;
    }
    default:
        if (!take_char(p, &cp))
            return NULL;
        return char_node(p, cp);
    }
}

static node *parse_seq(parser *p)
{
    node *cat = new_node(p, N_CAT);
    if (!cat)
        return NULL;
    while (p->i < p->n && p->s[p->i] != '|' && p->s[p->i] != ')') {
        node *x = parse_atom(p);
        if (!x)
            return NULL;
        uint32_t min, max;
        int q = quantifier(p, &min, &max);
        if (q < 0)
            return NULL;
        if (q) {
            if (x->bare || x->kind == N_ASSERT)
                return fail(p, "a quantifier on an assertion or option setting");
            if (p->i < p->n && p->s[p->i] == '+')
                return fail(p, "a possessive quantifier");
            if (p->i < p->n && p->s[p->i] == '?')
                p->i++; /* lazy: matches the same strings */
            uint32_t m2, x2;
            size_t at = p->i;
            int q2 = quantifier(p, &m2, &x2);
            if (q2 < 0)
                return NULL;
            if (q2) {
                p->i = at;
                return fail(p, "a quantifier after a quantifier");
            }
            node *r = new_node(p, N_REP);
            if (!r || !add_kid(p, r, x))
                return NULL;
            r->min = min;
            r->max = max;
            x = r;
        }
        if (!add_kid(p, cat, x))
            return NULL;
    }
    return cat;
}

static node *parse_alt(parser *p)
{
    node *alt = new_node(p, N_ALT);
    if (!alt)
        return NULL;
    for (;;) {
        node *s = parse_seq(p);
        if (!s || !add_kid(p, alt, s))
            return NULL;
        if (p->i < p->n && p->s[p->i] == '|') {
            p->i++;
            continue;
        }
        return alt;
    }
}

/* ---- the NFA ---------------------------------------------------------------------------- */

enum { S_CLASS, S_SPLIT, S_JMP, S_ASSERT, S_MATCH }; /* SGC_R_* */

typedef struct nstate {
    unsigned char op, arg;
    uint32_t x, y;
    cset *set;
} nstate;

typedef struct nfa {
    parser *p;
    nstate *st;
    size_t n, cap;
} nfa;

static long add_state(nfa *f, unsigned op, unsigned arg, uint32_t x, uint32_t y, cset *set)
{
    if (f->n >= SG_CRE_MAX_STATES)
        return fail(f->p, "the regex needs more than %d NFA states", SG_CRE_MAX_STATES), -1;
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        nstate *s = sg_arena_grow(f->p->a, f->st, f->n, cap, sizeof *s);
        if (!s)
            return oom(f->p), -1;
        f->st = s;
        f->cap = cap;
    }
    f->st[f->n] = (nstate){(unsigned char)op, (unsigned char)arg, x, y, set};
    return (long)f->n++;
}

/* The entry state of x followed by `next` (built back to front). */
static long build(nfa *f, node *x, long next)
{
    if (next < 0)
        return -1;
    switch (x->kind) {
    case N_SET:
        return add_state(f, S_CLASS, 0, (uint32_t)next, 0, &x->set);
    case N_ASSERT:
        return add_state(f, S_ASSERT, (unsigned)x->akind, (uint32_t)next, 0, NULL);
    case N_EMPTY:
        return next;
    case N_CAT:
        for (size_t i = x->nkids; i-- > 0;)
            next = build(f, x->kids[i], next);
        return next;
    case N_ALT: {
        long s = build(f, x->kids[x->nkids - 1], next);
        for (size_t i = x->nkids - 1; i-- > 0 && s >= 0;) {
            long e = build(f, x->kids[i], next);
            s = e < 0 ? -1 : add_state(f, S_SPLIT, 0, (uint32_t)e, (uint32_t)s, NULL);
        }
        return s;
    }
    case N_REP: {
        node *k = x->kids[0];
        long tail = next;
        if (x->max == INF) { /* loop: SPLIT(body -> loop, next) */
            long loop = add_state(f, S_SPLIT, 0, 0, (uint32_t)next, NULL);
            long body = build(f, k, loop);
            if (loop < 0 || body < 0)
                return -1;
            f->st[loop].x = (uint32_t)body;
            tail = loop;
        } else {
            for (uint32_t j = x->min; j < x->max && tail >= 0; j++) { /* optional copies */
                long e = build(f, k, tail);
                tail = e < 0 ? -1 : add_state(f, S_SPLIT, 0, (uint32_t)e, (uint32_t)next, NULL);
            }
        }
        for (uint32_t j = 0; j < x->min && tail >= 0; j++)
            tail = build(f, k, tail);
        return tail;
    }
    }
    return -1;
}

/* ---- output ------------------------------------------------------------------------------ */

static bool same_set(const cset *a, const cset *b)
{
    return a->n == b->n && memcmp(a->r, b->r, a->n * 2 * sizeof *a->r) == 0;
}

static void emit(const nfa *f, long start, const char *name, sg_strbuf *out, size_t *offs)
{
    /* ranges: each distinct set once */
    sg_sb_printf(out, "static const uint32_t %s_ranges[] = {", name);
    size_t at = 0, col = 0;
    for (size_t i = 0; i < f->n; i++) {
        const nstate *s = &f->st[i];
        offs[i] = 0;
        if (s->op != S_CLASS)
            continue;
        size_t j = 0;
        for (; j < i; j++)
            if (f->st[j].op == S_CLASS && same_set(f->st[j].set, s->set))
                break;
        if (j < i) {
            offs[i] = offs[j];
            continue;
        }
        offs[i] = at;
        for (size_t k = 0; k < s->set->n; k++) {
            sg_sb_printf(out, "%s0x%x, 0x%x,", col % 6 == 0 ? "\n    " : " ",
                         (unsigned)s->set->r[2 * k], (unsigned)s->set->r[2 * k + 1]);
            col++;
        }
        at += 2 * s->set->n;
    }
    sg_sb_puts(out, at ? "\n};\n" : "0};\n");
    sg_sb_printf(out, "static const sgc_rstate %s_st[] = {\n", name);
    for (size_t i = 0; i < f->n; i++) {
        const nstate *s = &f->st[i];
        sg_sb_printf(out, "    {%u, %u, %u, %u, %zu, %zu},\n", s->op, s->arg, (unsigned)s->x,
                     (unsigned)s->y, s->op == S_CLASS ? offs[i] : 0,
                     s->op == S_CLASS ? s->set->n : 0);
    }
    sg_sb_printf(out, "};\nstatic const sgc_re %s = {%s_st, %zu, %ld, %s_ranges};\n", name, name,
                 f->n, start, name);
}

node *sg_cre_parse(sg_arena *a, const char *re, size_t n, unsigned flags, bool *oom)
{
    char why[8];
    parser p = {a, (const unsigned char *)re, n, 0, flags, 0, why, sizeof why, false, false};
    node *root = parse_alt(&p);
    *oom = p.oom;
    return root && !p.failed && p.i == p.n ? root : NULL;
}

sigma_status sg_cre_emit(sg_arena *a, const char *re, size_t n, unsigned flags, const char *name,
                         sg_strbuf *out, char *why, size_t whylen)
{
    parser p = {a, (const unsigned char *)re, n, 0, flags, 0, why, whylen, false, false};
    node *root = parse_alt(&p);
    if (root && p.i < p.n)
        fail(&p, "an unmatched )");
    if (!root || p.failed)
        return p.oom ? SIGMA_ENOMEM : SIGMA_ENOTSUP;
    nfa f = {&p, NULL, 0, 0};
    long match = add_state(&f, S_MATCH, 0, 0, 0, NULL);
    long start = build(&f, root, match);
    if (start < 0 || p.failed)
        return p.oom ? SIGMA_ENOMEM : SIGMA_ENOTSUP;
    for (size_t i = 0; i < f.n; i++) /* the matcher binary-searches the ranges */
        if (f.st[i].op == S_CLASS)
            set_norm(f.st[i].set);
    size_t *offs = sg_arena_alloc(a, f.n * sizeof *offs);
    if (!offs)
        return SIGMA_ENOMEM;
    emit(&f, start, name, out, offs);
    return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
}
