/* spl_escape.c - SPL strings, regex literals and field names. */
#include "spl_escape.h"

#include <string.h>

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

void spl_quote_body(sg_strbuf *o, const char *s, size_t n)
{
    size_t run = 0; /* copy unescaped runs in one call */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' || s[i] == '"') {
            sg_sb_put(o, s + run, i - run);
            sg_sb_putc(o, '\\');
            run = i;
        }
    }
    sg_sb_put(o, s + run, n - run);
}

void spl_quote(sg_strbuf *o, const char *s, size_t n)
{
    sg_sb_putc(o, '"');
    spl_quote_body(o, s, n);
    sg_sb_putc(o, '"');
}

size_t spl_unquote(const char *q, size_t n, sg_strbuf *out)
{
    if (n == 0 || q[0] != '"')
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (q[i] == '"')
            return i + 1;
        if (q[i] == '\\' && i + 1 < n && (q[i + 1] == '\\' || q[i + 1] == '"')) {
            sg_sb_putc(out, q[++i]);
            continue;
        }
        sg_sb_putc(out, q[i]); /* any other backslash is kept */
    }
    return 0;
}

size_t spl_utf8_len(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80)
        return 1;
    size_t len = u[0] >= 0xc2 && u[0] <= 0xdf ? 2 : u[0] >= 0xe0 && u[0] <= 0xef ? 3
                 : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((u[i] & 0xc0) != 0x80)
            return 0;
    /* no overlong forms, surrogates or code points above U+10FFFF */
    if ((u[0] == 0xe0 && u[1] < 0xa0) || (u[0] == 0xed && u[1] > 0x9f) ||
        (u[0] == 0xf0 && u[1] < 0x90) || (u[0] == 0xf4 && u[1] > 0x8f))
        return 0;
    return len;
}

void spl_regex_literal(sg_strbuf *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t l = spl_utf8_len(s + i, n - i);
            if (l) {
                sg_sb_put(o, s + i, l);
                i += l - 1;
                continue;
            }
        }
        if (is_ctl(c) || c >= 0x80) {
            char b[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            sg_sb_put(o, b, 4);
            continue;
        }
        if (strchr("\\^$.|?*+()[]{}", c) && c)
            sg_sb_putc(o, '\\');
        sg_sb_putc(o, (char)c);
    }
}

bool spl_search_literal_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '*' || is_ctl(c))
            return false;
        if (c >= 0x80) {
            size_t l = spl_utf8_len(s + i, n - i);
            if (!l)
                return false;
            i += l - 1;
        }
    }
    return true;
}

static bool plain_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.';
}

bool spl_plain_field(const char *f)
{
    if (!f || !*f)
        return false;
    for (const unsigned char *p = (const unsigned char *)f; *p; p++)
        if (!plain_char(*p))
            return false;
    return true;
}

bool spl_search_field_ok(const char *f)
{
    if (!f || !*f)
        return false;
    for (const unsigned char *p = (const unsigned char *)f; *p; p++)
        if (*p == '*' || *p == '"' || *p == '\\' || is_ctl(*p))
            return false;
    return true;
}

bool spl_eval_field_ok(const char *f)
{
    if (!f || !*f)
        return false;
    for (const unsigned char *p = (const unsigned char *)f; *p; p++)
        if (*p == '\'' || *p == '\\' || is_ctl(*p))
            return false;
    return true;
}

void spl_search_field(sg_strbuf *o, const char *f)
{
    /* an operator word would be read as the operator */
    bool word = !strcmp(f, "AND") || !strcmp(f, "OR") || !strcmp(f, "NOT") || !strcmp(f, "IN");
    if (spl_plain_field(f) && !word)
        sg_sb_puts(o, f);
    else
        spl_quote(o, f, strlen(f));
}

void spl_eval_field(sg_strbuf *o, const char *f)
{
    static const char *const words[] = {"AND", "OR", "NOT", "XOR", "LIKE", "IN",
                                        "true", "false", "null"};
    bool ident = (*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z') || *f == '_';
    for (const char *p = f; *p && ident; p++)
        ident = plain_char((unsigned char)*p) && *p != '.';
    for (size_t i = 0; ident && i < sizeof words / sizeof *words; i++)
        ident = strcmp(f, words[i]) != 0; /* an operator word is not a name */
    if (ident) {
        sg_sb_puts(o, f);
        return;
    }
    sg_sb_putc(o, '\'');
    sg_sb_puts(o, f);
    sg_sb_putc(o, '\'');
}
