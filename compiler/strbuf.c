/* strbuf.c - growable byte buffer (see strbuf.h). */
#include "strbuf.h"
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

void sg_sb_init(sg_strbuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = false;
}

void sg_sb_free(sg_strbuf *sb)
{
    sg_free(sb->data);
    sg_sb_init(sb);
}

void sg_sb_reset(sg_strbuf *sb)
{
    sb->len = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

static bool reserve(sg_strbuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (extra > SIZE_MAX - sb->len - 1) {
        sb->failed = true;
        return false;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = sg_realloc(sb->data, cap);
    if (!p) {
        sb->failed = true;
        return false;
    }
    sb->data = p;
    sb->cap = cap;
    return true;
}

void sg_sb_put(sg_strbuf *sb, const char *s, size_t n)
{
    if (!reserve(sb, n))
        return;
    if (n)
        memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sg_sb_putc(sg_strbuf *sb, char c)
{
    sg_sb_put(sb, &c, 1);
}

void sg_sb_puts(sg_strbuf *sb, const char *s)
{
    sg_sb_put(sb, s, strlen(s));
}

void sg_sb_putu(sg_strbuf *sb, unsigned long long v)
{
    char d[20];
    size_t n = sizeof d;
    do
        d[--n] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    sg_sb_put(sb, d + n, sizeof d - n);
}

void sg_sb_vprintf(sg_strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        sb->failed = true;
        return;
    }
    if (!reserve(sb, (size_t)n))
        return;
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sg_sb_printf(sg_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sg_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *sg_sb_take(sg_strbuf *sb)
{
    char *p = sb->data;
    if (!p)
        p = sg_calloc(1, 1);
    sg_sb_init(sb);
    return p;
}

const char *sg_sb_str(const sg_strbuf *sb)
{
    return sb->data ? sb->data : "";
}
