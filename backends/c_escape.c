/* c_escape.c - C string literals (see c_escape.h). */
#include "c_escape.h"

#include <string.h>

/* Output characters per literal piece: well under every compiler's limit
 * on one string token. */
#define PIECE 500

void sg_c_quote(sg_strbuf *out, const char *s, size_t n, unsigned indent)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t col = 0;
    sg_sb_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (col >= PIECE) {
            sg_sb_printf(out, "\"\n%*s\"", (int)indent, "");
            col = 0;
        }
        if (c == '"' || c == '\\' || c == '?') {
            sg_sb_putc(out, '\\');
            sg_sb_putc(out, (char)c);
            col += 2;
        } else if (c >= 0x20 && c < 0x7f) {
            sg_sb_putc(out, (char)c);
            col++;
        } else { /* octal by hand: printf per byte was most of a big rule */
            char o[4] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
                         (char)('0' + (c & 7))};
            sg_sb_put(out, o, 4);
            col += 4;
        }
    }
    sg_sb_putc(out, '"');
}

void sg_c_quote_opt(sg_strbuf *out, const char *s, unsigned indent)
{
    if (s)
        sg_c_quote(out, s, strlen(s), indent);
    else
        sg_sb_puts(out, "NULL");
}
