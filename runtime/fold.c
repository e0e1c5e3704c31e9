/* fold.c - simple case folding (see fold.h). */
#include "fold.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define R4(b) b, b + 1, b + 2, b + 3
#define R16(b) R4(b), R4(b + 4), R4(b + 8), R4(b + 12)
const unsigned char sg_lower_table[256] = {
    R16(0x00), R16(0x10), R16(0x20), R16(0x30),
    0x40, R4(0x61), R4(0x65), R4(0x69), R4(0x6d), R4(0x71), R4(0x75), 0x79, 0x7a,
    0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    R16(0x60), R16(0x70), R16(0x80), R16(0x90), R16(0xa0), R16(0xb0), R16(0xc0), R16(0xd0),
    R16(0xe0), R16(0xf0),
};

bool sg_is_ascii(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 32 <= n; i += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(p + i + 16));
        if (_mm_movemask_epi8(_mm_or_si128(a, b)))
            return false;
    }
#endif
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080ull)
            return false;
    }
    for (; i < n; i++)
        if (p[i] & 0x80)
            return false;
    return true;
}

size_t sg_utf8_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned need = p[0] < 0x80 ? 0 : p[0] >= 0xc2 && p[0] < 0xe0 ? 1 : (p[0] & 0xf0) == 0xe0 ? 2
                                 : p[0] >= 0xf0 && p[0] < 0xf5 ? 3 : 0;
    if (need >= n)
        return 1;
    for (unsigned k = 1; k <= need; k++)
        if ((p[k] & 0xc0) != 0x80)
            return 1;
    return need + 1;
}

/* Simple folding of one code point; returns it unchanged when it has none
 * in the covered ranges. */
static uint32_t fold_cp(uint32_t c)
{
    if (c < 0x100) {
        if ((c >= 0xc0 && c <= 0xde && c != 0xd7))
            return c + 0x20;
        if (c == 0xb5)
            return 0x3bc;
        return c;
    }
    if (c < 0x180) {
        if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149)
            return c;
        if (c == 0x178)
            return 0xff;
        if (c == 0x17f)
            return 's';
        bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
        if (odd_upper)
            return (c & 1) ? c + 1 : c;
        return (c & 1) ? c : c + 1;
    }
    if (c >= 0x370 && c < 0x400) {
        if ((c >= 0x391 && c <= 0x3a1) || (c >= 0x3a3 && c <= 0x3ab))
            return c + 0x20;
        if (c == 0x386)
            return 0x3ac;
        if (c >= 0x388 && c <= 0x38a)
            return c + 0x25;
        if (c == 0x38c)
            return 0x3cc;
        if (c == 0x38e || c == 0x38f)
            return c + 0x3f;
        if (c == 0x3c2)
            return 0x3c3;
        return c;
    }
    if (c >= 0x400 && c < 0x530) {
        if (c < 0x410)
            return c + 0x50;
        if (c < 0x430)
            return c + 0x20;
        if (c == 0x4c0)
            return 0x4cf;
        if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) || (c >= 0x4d0 && c <= 0x52f))
            return (c & 1) ? c : c + 1;
        if (c >= 0x4c1 && c <= 0x4ce)
            return (c & 1) ? c + 1 : c;
        return c;
    }
    if (c >= 0x531 && c <= 0x556)
        return c + 0x30;
    if (c == 0x1e9e)
        return 0xdf;
    if (c == 0x212a)
        return 'k';
    if (c == 0x212b)
        return 0xe5;
    if (c >= 0xff21 && c <= 0xff3a)
        return c + 0x20;
    return c;
}

static size_t put_cp(uint32_t c, unsigned char *o)
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

size_t sg_fold(const char *s, size_t n, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char *o = (unsigned char *)out;
    size_t i = 0, j = 0;
#ifdef __SSE2__
    /* ASCII blocks of 16 bytes at a time while there are only ASCII bytes
     * (then i == j): 'A'..'Z' get 0x20 added */
    const __m128i before_a = _mm_set1_epi8('A' - 1), after_z = _mm_set1_epi8('Z' + 1),
                  bit = _mm_set1_epi8(0x20);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        if (_mm_movemask_epi8(v))
            break;
        __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
        _mm_storeu_si128((__m128i *)(o + i), _mm_add_epi8(v, _mm_and_si128(up, bit)));
    }
    j = i;
#endif
    while (i < n) {
        unsigned char b = p[i];
        if (b < 0x80) {
            o[j++] = sg_lower_table[b];
            i++;
            continue;
        }
        size_t l = sg_utf8_len(s + i, n - i);
        uint32_t c;
        if (l == 2)
            c = ((uint32_t)(b & 0x1f) << 6) | (p[i + 1] & 0x3f);
        else if (l == 3)
            c = ((uint32_t)(b & 0x0f) << 12) | ((uint32_t)(p[i + 1] & 0x3f) << 6) | (p[i + 2] & 0x3f);
        else
            c = 0; /* 1 (invalid) or 4 bytes: copied as they are */
        uint32_t f = (l == 2 || l == 3) && c >= (l == 2 ? 0x80u : 0x800u) ? fold_cp(c) : c;
        if (f != c) {
            size_t w = put_cp(f, o + j);
            if (w <= l) { /* never longer than the original (see fold.h) */
                j += w;
                i += l;
                continue;
            }
        }
        memmove(o + j, p + i, l);
        i += l;
        j += l;
    }
    return j;
}
