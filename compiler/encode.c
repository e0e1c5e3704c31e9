/* encode.c - base64, base64offset, UTF-16 and windash on segment strings. */
#include "encode.h"

#include <string.h>

bool sg_segstr_push(sg_arena *a, sg_segstr_list *l, ir_seg *segs, size_t n)
{
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4;
        sg_segstr *p = sg_arena_grow(a, l->v, l->n, nc, sizeof *p);
        if (!p)
            return false;
        l->v = p;
        l->cap = nc;
    }
    l->v[l->n++] = (sg_segstr){segs, n};
    return true;
}

static ir_seg *one_lit(sg_arena *a, const char *s, size_t n)
{
    ir_seg *seg = sg_arena_alloc(a, sizeof *seg);
    if (seg)
        *seg = (ir_seg){IR_SEG_LIT, s, n};
    return seg;
}

char *sg_base64(sg_arena *a, const unsigned char *s, size_t n, size_t *outlen)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t olen = 4 * ((n + 2) / 3);
    char *o = sg_arena_alloc(a, olen + 1);
    if (!o)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        o[j++] = tab[(v >> 18) & 63];
        o[j++] = tab[(v >> 12) & 63];
        o[j++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        o[j++] = i + 2 < n ? tab[v & 63] : '=';
    }
    o[j] = '\0';
    *outlen = j;
    return o;
}

/* base64 of a value preceded by 0, 1 or 2 bytes, keeping only the part
 * that does not depend on the neighbouring bytes: the three strings that
 * appear inside any base64 text containing the value. */
static sg_enc_status base64offset(sg_arena *a, const char *s, size_t n, sg_segstr_list *out)
{
    static const size_t start_cut[3] = {0, 2, 3};
    static const size_t end_cut[3] = {0, 3, 2}; /* by (n + shift) % 3 */
    for (size_t shift = 0; shift < 3; shift++) {
        unsigned char *buf = sg_arena_alloc(a, n + shift + 1);
        if (!buf)
            return SG_ENC_NOMEM;
        memset(buf, ' ', shift);
        memcpy(buf + shift, s, n);
        size_t blen;
        char *b = sg_base64(a, buf, n + shift, &blen);
        if (!b)
            return SG_ENC_NOMEM;
        size_t lo = start_cut[shift], cut = end_cut[(n + shift) % 3];
        if (lo + cut >= blen)
            continue; /* value too short to leave a stable part */
        ir_seg *seg = one_lit(a, b + lo, blen - lo - cut);
        if (!seg || !sg_segstr_push(a, out, seg, 1))
            return SG_ENC_NOMEM;
    }
    return SG_ENC_OK;
}

/* Decode one UTF-8 code point; returns bytes used, 0 on error. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (!len || len > n)
        return 0;
    unsigned v = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static sg_enc_status utf16(sg_arena *a, const sg_segstr *in, bool be, bool bom,
                           sg_segstr_list *out)
{
    ir_seg *segs = sg_arena_alloc(a, (in->nsegs + 1) * sizeof *segs);
    if (!segs)
        return SG_ENC_NOMEM;
    size_t ns = 0;
    if (bom) {
        static const char le[] = "\xFF\xFE", bee[] = "\xFE\xFF";
        segs[ns++] = (ir_seg){IR_SEG_LIT, be ? bee : le, 2};
    }
    for (size_t i = 0; i < in->nsegs; i++) {
        const ir_seg *g = &in->segs[i];
        if (g->kind != IR_SEG_LIT) {
            segs[ns++] = *g;
            continue;
        }
        char *o = sg_arena_alloc(a, g->len * 4 + 1);
        if (!o)
            return SG_ENC_NOMEM;
        size_t j = 0;
        const unsigned char *s = (const unsigned char *)g->s;
        for (size_t k = 0; k < g->len;) {
            unsigned cp;
            size_t used = utf8_next(s + k, g->len - k, &cp);
            if (!used)
                return SG_ENC_BADUTF8;
            k += used;
            unsigned units[2], nu = 1;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                units[0] = 0xD800 | (cp >> 10);
                units[1] = 0xDC00 | (cp & 0x3FF);
                nu = 2;
            } else {
                units[0] = cp;
            }
            for (unsigned u = 0; u < nu; u++) {
                char hi = (char)(units[u] >> 8), lo = (char)(units[u] & 0xFF);
                o[j++] = be ? hi : lo;
                o[j++] = be ? lo : hi;
            }
        }
        /* merge with a preceding literal (the BOM) so it stays one run */
        if (ns && segs[ns - 1].kind == IR_SEG_LIT) {
            char *m = sg_arena_alloc(a, segs[ns - 1].len + j + 1);
            if (!m)
                return SG_ENC_NOMEM;
            memcpy(m, segs[ns - 1].s, segs[ns - 1].len);
            memcpy(m + segs[ns - 1].len, o, j);
            segs[ns - 1].s = m;
            segs[ns - 1].len += j;
        } else {
            segs[ns++] = (ir_seg){IR_SEG_LIT, o, j};
        }
    }
    return sg_segstr_push(a, out, segs, ns) ? SG_ENC_OK : SG_ENC_NOMEM;
}

/* ---- windash ------------------------------------------------------------- */

/* The five dashes Windows command lines accept for flags. */
static const char *const dashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
#define NDASH 5

static size_t dash_at(const char *s, size_t n)
{
    for (int d = 0; d < NDASH; d++) {
        size_t l = strlen(dashes[d]);
        if (l <= n && memcmp(s, dashes[d], l) == 0)
            return l;
    }
    return 0;
}

static bool is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c >= 0x80;
}

/* A dash in flag position: not preceded by a word character and followed
 * by one (` -enc`, `/c`), as pySigma does; `a-b` and `--` stay as written. */
static size_t flag_dash(const char *s, size_t n, size_t i)
{
    size_t l = dash_at(s + i, n - i);
    if (!l)
        return 0;
    if (i > 0 && is_word((unsigned char)s[i - 1]))
        return 0;
    if (i + l >= n || !is_word((unsigned char)s[i + l]))
        return 0;
    return l;
}

static sg_enc_status windash(sg_arena *a, const sg_segstr *in, sg_segstr_list *out,
                             size_t max_variants)
{
    /* count flag dashes over all literal segments */
    size_t k = 0;
    for (size_t i = 0; i < in->nsegs; i++) {
        const ir_seg *g = &in->segs[i];
        if (g->kind != IR_SEG_LIT)
            continue;
        for (size_t j = 0; j < g->len;) {
            size_t l = flag_dash(g->s, g->len, j);
            if (l)
                k++;
            j += l ? l : 1;
        }
    }
    size_t variants = 1;
    for (size_t i = 0; i < k; i++) {
        if (variants > max_variants / NDASH)
            return SG_ENC_TOOMANY;
        variants *= NDASH;
    }
    /* The count alone does not bound the work: 4,096 copies of a long
     * value are megabytes of query (a fuzz_spl input took 1.3 s). */
    size_t bytes = 0;
    for (size_t i = 0; i < in->nsegs; i++)
        bytes += in->segs[i].len;
    if (bytes && max_variants <= SIZE_MAX / SG_ENC_BYTES_PER_VARIANT &&
        variants > max_variants * SG_ENC_BYTES_PER_VARIANT / bytes)
        return SG_ENC_TOOBIG;
    for (size_t v = 0; v < variants; v++) {
        ir_seg *segs = sg_arena_alloc(a, (in->nsegs ? in->nsegs : 1) * sizeof *segs);
        if (!segs)
            return SG_ENC_NOMEM;
        size_t code = v;
        for (size_t i = 0; i < in->nsegs; i++) {
            const ir_seg *g = &in->segs[i];
            segs[i] = *g;
            if (g->kind != IR_SEG_LIT)
                continue;
            char *o = sg_arena_alloc(a, g->len * 3 + 1);
            if (!o)
                return SG_ENC_NOMEM;
            size_t oj = 0;
            for (size_t j = 0; j < g->len;) {
                size_t l = flag_dash(g->s, g->len, j);
                if (l) {
                    const char *d = dashes[code % NDASH];
                    code /= NDASH;
                    size_t dl = strlen(d);
                    memcpy(o + oj, d, dl);
                    oj += dl;
                    j += l;
                } else {
                    o[oj++] = g->s[j++];
                }
            }
            segs[i].s = o;
            segs[i].len = oj;
        }
        if (!sg_segstr_push(a, out, segs, in->nsegs))
            return SG_ENC_NOMEM;
    }
    return SG_ENC_OK;
}

sg_enc_status sg_encode(sg_arena *a, sg_modifier m, const sg_segstr *in, sg_segstr_list *out,
                        size_t max_variants)
{
    const char *lit;
    size_t len;
    switch (m) {
    case SG_MOD_BASE64:
    case SG_MOD_BASE64OFFSET:
        if (!ir_segs_literal(in->segs, in->nsegs, &lit, &len))
            return SG_ENC_WILDCARD;
        if (m == SG_MOD_BASE64OFFSET)
            return base64offset(a, lit, len, out);
        {
            size_t blen;
            char *b = sg_base64(a, (const unsigned char *)lit, len, &blen);
            ir_seg *seg = b ? one_lit(a, b, blen) : NULL;
            return seg && sg_segstr_push(a, out, seg, 1) ? SG_ENC_OK : SG_ENC_NOMEM;
        }
    case SG_MOD_UTF16LE:
    case SG_MOD_WIDE:
        return utf16(a, in, false, false, out);
    case SG_MOD_UTF16BE:
        return utf16(a, in, true, false, out);
    case SG_MOD_UTF16:
        return utf16(a, in, false, true, out);
    case SG_MOD_WINDASH:
        return windash(a, in, out, max_variants);
    default:
        return sg_segstr_push(a, out, in->segs, in->nsegs) ? SG_ENC_OK : SG_ENC_NOMEM;
    }
}
