/* strbuf.h - growable byte buffer for emitted text (queries, reports).
 *
 * An allocation failure sets `failed` and later appends become no-ops, so an
 * emitter can write straight through and check once at the end. */
#ifndef SG_STRBUF_H
#define SG_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct sg_strbuf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len, cap;
    bool failed;
} sg_strbuf;

void sg_sb_init(sg_strbuf *sb);
void sg_sb_free(sg_strbuf *sb);
void sg_sb_reset(sg_strbuf *sb); /* len = 0, keeps memory */
void sg_sb_putc(sg_strbuf *sb, char c);
void sg_sb_put(sg_strbuf *sb, const char *s, size_t n);
void sg_sb_puts(sg_strbuf *sb, const char *s);
/* Decimal digits of v: for long tables of numbers, where printf per
 * number is most of the time. */
void sg_sb_putu(sg_strbuf *sb, unsigned long long v);
void sg_sb_printf(sg_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sg_sb_vprintf(sg_strbuf *sb, const char *fmt, va_list ap);
/* Hand the buffer over: caller frees with free(); sb is reset. */
char *sg_sb_take(sg_strbuf *sb);
const char *sg_sb_str(const sg_strbuf *sb); /* "" when empty */

#endif
