/* ir_value.c - Sigma string values -> segments (wildcards, escapes,
 * placeholders), and the small queries backends ask of them. */
#include "ir.h"

#include <string.h>

bool ir_parse_value(sg_arena *a, const char *s, size_t len, bool expand, ir_seg **segs,
                    size_t *nsegs)
{
    /* Each wildcard or placeholder sign can add a literal run and a
     * segment of its own: 2k+1 is the worst case. */
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        k += s[i] == '*' || s[i] == '?' || s[i] == '%';
    ir_seg *out = sg_arena_alloc_raw(a, (2 * k + 1) * sizeof *out);
    char *lit = sg_arena_alloc_raw(a, len + 1); /* unescaped literal bytes */
    if (!out || !lit)
        return false;
    size_t n = 0, lj = 0, lstart = 0;
#define FLUSH()                                                         \
    do {                                                                \
        if (lj > lstart) {                                              \
            out[n++] = (ir_seg){IR_SEG_LIT, lit + lstart, lj - lstart}; \
            lstart = lj;                                                \
        }                                                               \
    } while (0)
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len &&
            (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\' ||
             (expand && s[i + 1] == '%'))) {
            lit[lj++] = s[++i];
        } else if (c == '*' || c == '?') {
            FLUSH();
            /* `**` is one star */
            if (c == '*' && n && out[n - 1].kind == IR_SEG_STAR)
                continue;
            out[n++] = (ir_seg){c == '*' ? IR_SEG_STAR : IR_SEG_QMARK, NULL, 0};
        } else if (expand && c == '%') {
            const char *end = memchr(s + i + 1, '%', len - i - 1);
            if (!end) {
                lit[lj++] = c;
                continue;
            }
            FLUSH();
            size_t nl = (size_t)(end - (s + i + 1));
            char *name = sg_arena_strndup(a, s + i + 1, nl);
            if (!name)
                return false;
            out[n++] = (ir_seg){IR_SEG_PLACEHOLDER, name, nl};
            i = (size_t)(end - s);
        } else {
            lit[lj++] = c;
        }
    }
    FLUSH();
#undef FLUSH
    lit[lj] = '\0';
    *segs = out;
    *nsegs = n;
    return true;
}

bool ir_segs_literal(const ir_seg *segs, size_t n, const char **s, size_t *len)
{
    if (n == 0) {
        *s = "";
        *len = 0;
        return true;
    }
    if (n == 1 && segs[0].kind == IR_SEG_LIT) {
        *s = segs[0].s;
        *len = segs[0].len;
        return true;
    }
    return false;
}

bool ir_segs_has(const ir_seg *segs, size_t n, ir_seg_kind kind)
{
    for (size_t i = 0; i < n; i++)
        if (segs[i].kind == kind)
            return true;
    return false;
}

void ir_str_normalise(ir_test *t)
{
    bool lead = t->nsegs && t->segs[0].kind == IR_SEG_STAR;
    bool trail = t->nsegs > (lead ? 1u : 0u) && t->segs[t->nsegs - 1].kind == IR_SEG_STAR;
    if (t->nsegs == 1 && lead) {
        /* a lone `*`: any value */
        t->mode = IR_STR_CONTAINS;
        t->nsegs = 0;
        return;
    }
    if (lead) {
        t->segs++;
        t->nsegs--;
        t->mode = t->mode == IR_STR_EXACT        ? IR_STR_ENDSWITH
                  : t->mode == IR_STR_STARTSWITH ? IR_STR_CONTAINS
                                                 : t->mode;
    }
    if (trail) {
        t->nsegs--;
        t->mode = t->mode == IR_STR_EXACT      ? IR_STR_STARTSWITH
                  : t->mode == IR_STR_ENDSWITH ? IR_STR_CONTAINS
                                               : t->mode;
    }
}
