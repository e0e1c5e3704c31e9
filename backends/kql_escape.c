/* kql_escape.c - KQL string literals, RE2 literals and names (see
 * kql_escape.h). Facts checked with Microsoft's own parser
 * (Kusto.Language): `"\cmd"` is a syntax error, `@"\cmd"` is one
 * backslash, `@"\\cmd"` two; CR and LF end a literal. U+2028 and U+2029
 * are accepted inside one but end a `//` comment, so values carry them
 * escaped too: a query pasted into an editor keeps them visible. */
#include "kql_escape.h"

#include <stdlib.h>
#include <string.h>

size_t kql_utf8_next(const char *s, size_t n, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = n - i;
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (left < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((u[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (u[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Characters a verbatim literal cannot carry, or carries invisibly. */
static bool needs_escape(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
           cp == 0x2029;
}

bool kql_quote(sg_strbuf *out, const char *s, size_t n)
{
    bool verbatim = true;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7F) { /* printable ASCII: the common case */
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = kql_utf8_next(s, n, i, &cp);
        if (!k)
            return false;
        if (needs_escape(cp))
            verbatim = false;
        i += k;
    }
    if (verbatim) {
        sg_sb_puts(out, "@\"");
        for (size_t i = 0; i < n;) { /* runs up to each quote, which is doubled */
            const char *q = memchr(s + i, '"', n - i);
            size_t run = q ? (size_t)(q - (s + i)) + 1 : n - i;
            sg_sb_put(out, s + i, run);
            if (q)
                sg_sb_putc(out, '"');
            i += run;
        }
        sg_sb_putc(out, '"');
        return true;
    }
    sg_sb_putc(out, '"');
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = kql_utf8_next(s, n, i, &cp);
        switch (cp) {
        case '\\':
            sg_sb_puts(out, "\\\\");
            break;
        case '"':
            sg_sb_puts(out, "\\\"");
            break;
        case '\t':
            sg_sb_puts(out, "\\t");
            break;
        case '\n':
            sg_sb_puts(out, "\\n");
            break;
        case '\r':
            sg_sb_puts(out, "\\r");
            break;
        default:
            if (needs_escape(cp))
                sg_sb_printf(out, "\\u%04X", (unsigned)cp);
            else
                sg_sb_put(out, s + i, k);
        }
        i += k;
    }
    sg_sb_putc(out, '"');
    return true;
}

void kql_re_literal(sg_strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            sg_sb_printf(out, "\\x{%02X}", c);
        else if (c < 0x80 && strchr("\\.+*?()|[]{}^$", c))
            sg_sb_putc(out, '\\'), sg_sb_putc(out, (char)c);
        else
            sg_sb_putc(out, (char)c);
    }
}

/* Words that must be bracketed where a column name is expected (from the
 * Kusto parser's "needs to be bracketed" diagnostics), sorted for bsearch. */
static const char *const keywords[] = {
    "and", "as", "asc", "between", "bool", "boolean", "by", "contains", "contains_cs",
    "containscs", "datatable", "date", "datetime", "decimal", "desc", "double", "dynamic",
    "endswith", "endswith_cs", "externaldata", "false", "find", "first", "float", "guid",
    "has", "has_all", "has_any", "has_cs", "hasprefix", "hasprefix_cs", "hassuffix",
    "hassuffix_cs", "in", "int", "int16", "int32", "int64", "int8", "invoke", "isfuzzy",
    "kind", "last", "let", "like", "likecs", "long", "matches", "materialize", "not",
    "notcontains", "notcontainscs", "notlike", "notlikecs", "null", "of", "or", "print",
    "project", "real", "regex", "sample", "search", "set", "startswith", "startswith_cs",
    "string", "time", "timespan", "to", "toscalar", "true", "uint", "uint16", "uint32",
    "uint64", "uint8", "ulong", "union", "where", "withsource",
};

static int cmp_kw(const void *k, const void *e)
{
    return strcmp(k, *(const char *const *)e);
}

bool kql_ident_is_bare(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    if (s[0] < 'a' || s[0] > 'z') /* every keyword starts in lower case */
        return true;
    char buf[65];
    memcpy(buf, s, n);
    buf[n] = '\0';
    return !bsearch(buf, keywords, sizeof keywords / sizeof keywords[0], sizeof keywords[0],
                    cmp_kw);
}

bool kql_ident(sg_strbuf *out, const char *s, size_t n)
{
    if (kql_ident_is_bare(s, n)) {
        sg_sb_put(out, s, n);
        return true;
    }
    size_t mark = out->len;
    sg_sb_putc(out, '[');
    if (!kql_quote(out, s, n)) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        return false;
    }
    sg_sb_putc(out, ']');
    return true;
}
