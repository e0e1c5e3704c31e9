/* c_fold.c - case-folding ranges for generated C (see c_fold.h). */
#include "c_fold.h"

#include <string.h>

enum { ALL, EVEN, ODD }; /* which code points of a range fold */

typedef struct range {
    uint32_t lo, hi;
    int32_t delta;
    unsigned parity;
} range;

/* Sorted, disjoint. Within Latin Extended-A and Cyrillic, capitals and
 * small letters alternate: the capital is the even (or odd) member. */
static const range fold_ranges[] = {
    {0x41, 0x5a, 32, ALL},          {0xb5, 0xb5, 0x3bc - 0xb5, ALL},
    {0xc0, 0xd6, 32, ALL},          {0xd8, 0xde, 32, ALL},
    {0x100, 0x12f, 1, EVEN},        {0x132, 0x137, 1, EVEN},
    {0x139, 0x148, 1, ODD},         {0x14a, 0x177, 1, EVEN},
    {0x178, 0x178, 0xff - 0x178, ALL}, {0x179, 0x17e, 1, ODD},
    {0x17f, 0x17f, 's' - 0x17f, ALL},
    {0x386, 0x386, 0x3ac - 0x386, ALL}, {0x388, 0x38a, 0x25, ALL},
    {0x38c, 0x38c, 0x3cc - 0x38c, ALL}, {0x38e, 0x38f, 0x3f, ALL},
    {0x391, 0x3a1, 32, ALL},        {0x3a3, 0x3ab, 32, ALL},
    {0x3c2, 0x3c2, 1, ALL},
    {0x400, 0x40f, 0x50, ALL},      {0x410, 0x42f, 32, ALL},
    {0x460, 0x481, 1, EVEN},        {0x48a, 0x4bf, 1, EVEN},
    {0x4c0, 0x4c0, 0x4cf - 0x4c0, ALL}, {0x4c1, 0x4ce, 1, ODD},
    {0x4d0, 0x52f, 1, EVEN},
    {0x531, 0x556, 0x30, ALL},
    {0x1e9e, 0x1e9e, 0xdf - 0x1e9e, ALL},
    {0x212a, 0x212a, 'k' - 0x212a, ALL}, {0x212b, 0x212b, 0xe5 - 0x212b, ALL},
    {0xff21, 0xff3a, 32, ALL},
};

#define NRANGES (sizeof fold_ranges / sizeof fold_ranges[0])

uint32_t sg_cfold_cp(uint32_t c)
{
    for (size_t i = 0; i < NRANGES; i++) {
        const range *r = &fold_ranges[i];
        if (c < r->lo)
            break;
        if (c > r->hi)
            continue;
        if (r->parity == ALL || (r->parity == EVEN) == !(c & 1))
            return (uint32_t)((int32_t)c + r->delta);
        return c;
    }
    return c;
}

/* Bytes of the character at p as Sigma's `?` counts them (1 when invalid). */
static size_t char_len(const unsigned char *p, size_t n)
{
    unsigned need = p[0] < 0x80                     ? 0
                    : p[0] >= 0xc2 && p[0] < 0xe0   ? 1
                    : (p[0] & 0xf0) == 0xe0         ? 2
                    : p[0] >= 0xf0 && p[0] < 0xf5   ? 3
                                                    : 0;
    if (need >= n)
        return 1;
    for (unsigned k = 1; k <= need; k++)
        if ((p[k] & 0xc0) != 0x80)
            return 1;
    return need + 1;
}

static size_t encode(uint32_t c, unsigned char *o)
{
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xc0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3f));
        return 2;
    }
    o[0] = (unsigned char)(0xe0 | (c >> 12));
    o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
    o[2] = (unsigned char)(0x80 | (c & 0x3f));
    return 3;
}

size_t sg_cfold(const char *s, size_t n, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char *o = (unsigned char *)out;
    size_t i = 0, j = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            o[j++] = p[i] >= 'A' && p[i] <= 'Z' ? (unsigned char)(p[i] + 32) : p[i];
            i++;
            continue;
        }
        size_t l = char_len(p + i, n - i);
        uint32_t c = 0;
        if (l == 2)
            c = ((uint32_t)(p[i] & 0x1f) << 6) | (p[i + 1] & 0x3fu);
        else if (l == 3)
            c = ((uint32_t)(p[i] & 0x0f) << 12) | ((uint32_t)(p[i + 1] & 0x3f) << 6) |
                (p[i + 2] & 0x3fu);
        uint32_t f = (l == 2 && c >= 0x80) || (l == 3 && c >= 0x800) ? sg_cfold_cp(c) : c;
        unsigned char enc[4];
        size_t w = f != c ? encode(f, enc) : 0;
        if (f != c && w <= l) {
            memcpy(o + j, enc, w);
            j += w;
        } else {
            memmove(o + j, p + i, l);
            j += l;
        }
        i += l;
    }
    return j;
}

void sg_cfold_emit(sg_strbuf *out)
{
    sg_sb_puts(out, "/* Case folding of non-ASCII letters: code points lo..hi (all of them,\n"
                    " * parity 0; the even ones, 1; the odd ones, 2) fold to c + delta. */\n"
                    "typedef struct sgc_fold_range {\n"
                    "    uint32_t lo, hi;\n"
                    "    int32_t delta;\n"
                    "    unsigned char parity;\n"
                    "} sgc_fold_range;\n\n"
                    "static const sgc_fold_range sgc_fold_tab[] = {\n");
    for (size_t i = 0; i < NRANGES; i++) {
        const range *r = &fold_ranges[i];
        if (r->hi < 0x80)
            continue; /* ASCII has its own fast path */
        sg_sb_printf(out, "    {0x%04x, 0x%04x, %ld, %u},\n", (unsigned)r->lo, (unsigned)r->hi,
                     (long)r->delta, r->parity);
    }
    sg_sb_puts(out, "};\n");
}
