/* suricata_content.c - escaping for Suricata rule text (see the header). */
#include "suricata_content.h"

#include <string.h>

static const char hex[] = "0123456789ABCDEF";

static int lower_ascii(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool is_alnum(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool content_plain(int c)
{
    return is_alnum(c) || c == ' ' || c == '.' || c == '_' || c == '/' || c == '-';
}

static void put_hex_byte(sg_strbuf *out, unsigned char c)
{
    sg_sb_putc(out, hex[c >> 4]);
    sg_sb_putc(out, hex[c & 15]);
}

void sg_sc_content(sg_strbuf *out, const char *s, size_t n, bool lower)
{
    bool in_hex = false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (lower)
            c = lower_ascii(c);
        if (content_plain(c)) {
            if (in_hex)
                sg_sb_putc(out, '|');
            in_hex = false;
            sg_sb_putc(out, (char)c);
        } else {
            sg_sb_putc(out, in_hex ? ' ' : '|');
            in_hex = true;
            put_hex_byte(out, (unsigned char)c);
        }
    }
    if (in_hex)
        sg_sb_putc(out, '|');
}

static void put_x(sg_strbuf *out, unsigned char c)
{
    sg_sb_puts(out, "\\x");
    put_hex_byte(out, c);
}

void sg_sc_pcre_literal(sg_strbuf *out, const char *s, size_t n, bool lower)
{
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (lower)
            c = lower_ascii(c);
        if (is_alnum(c) || (c && strchr(" _-,:=@%'<>!&~#", c)))
            sg_sb_putc(out, (char)c);
        else if (c && strchr("\\^$.|?*+()[]{}/;\"", c)) {
            sg_sb_putc(out, '\\');
            sg_sb_putc(out, (char)c);
        } else
            put_x(out, (unsigned char)c);
    }
}

static bool printable(int c)
{
    return c > 0x20 && c < 0x7f;
}

/* One byte of a regex outside \Q…\E that is not part of an escape. */
static void regex_byte(sg_strbuf *out, int c)
{
    if (c == '/' || c == ';' || c == '"') {
        sg_sb_putc(out, '\\');
        sg_sb_putc(out, (char)c);
    } else if (printable(c) || c == ' ')
        sg_sb_putc(out, (char)c);
    else
        put_x(out, (unsigned char)c);
}

bool sg_sc_pcre_regex(sg_strbuf *out, const char *re, size_t n)
{
    bool quoted = false; /* inside \Q…\E */
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)re[i];
        if (quoted) {
            if (c == '\\' && i + 1 < n && re[i + 1] == 'E') {
                sg_sb_puts(out, "\\E");
                quoted = false;
                i++;
            } else if (c == '/' || c == ';' || c == '"' || !(printable(c) || c == ' ')) {
                /* leave the quote for this byte, then re-enter it */
                sg_sb_puts(out, "\\E");
                regex_byte(out, c);
                sg_sb_puts(out, "\\Q");
            } else {
                sg_sb_putc(out, (char)c);
            }
            continue;
        }
        if (c != '\\') {
            regex_byte(out, c);
            continue;
        }
        if (i + 1 >= n)
            return false;
        int d = (unsigned char)re[++i];
        if (d == 'Q') {
            sg_sb_puts(out, "\\Q");
            quoted = true;
        } else if (d == 'c' && i + 1 < n) {
            /* \cX is a control character: spell it in hex so X (maybe `;`)
             * needs no escape of its own */
            int x = (unsigned char)re[++i];
            int up = x >= 'a' && x <= 'z' ? x - ('a' - 'A') : x;
            put_x(out, (unsigned char)(up ^ 0x40));
        } else if (printable(d)) {
            sg_sb_putc(out, '\\');
            sg_sb_putc(out, (char)d);
        } else {
            put_x(out, (unsigned char)d); /* `\` + raw byte: that byte, literally */
        }
    }
    if (quoted)
        sg_sb_puts(out, "\\E");
    return true;
}

void sg_sc_msg(sg_strbuf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == ';' || c == '\\') {
            sg_sb_putc(out, '\\');
            sg_sb_putc(out, (char)c);
        } else if (c < 0x20 || c == 0x7f) {
            sg_sb_putc(out, ' ');
        } else {
            sg_sb_putc(out, (char)c);
        }
    }
}

void sg_sc_token(sg_strbuf *out, const char *s)
{
    for (; *s; s++) {
        int c = (unsigned char)*s;
        sg_sb_putc(out, is_alnum(c) || (c && strchr("_.:/-", c)) ? (char)c : '_');
    }
}

void sg_sc_url(sg_strbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (printable(c) && !strchr(";\"\\,", c))
            sg_sb_putc(out, (char)c);
        else {
            sg_sb_putc(out, '%');
            put_hex_byte(out, (unsigned char)c);
        }
    }
}
