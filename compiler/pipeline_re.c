/* pipeline_re.c - regular expressions for pipelines, with Python's meaning.
 *
 * pySigma pipelines are written for Python's `re`: `match` is anchored at
 * the start only, and `re.sub` templates use \1 and \g<name>. PCRE2 reads
 * the patterns; compiled code lives in the pipeline's arena (a PCRE2
 * general context allocating from it), so nothing needs a destructor. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pipeline_int.h"
#include "xalloc.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pl_re {
    pcre2_code *code;
    unsigned groups;
};

struct pl_md {
    pcre2_general_context *gc;
    pcre2_match_data *md;
};

static void *arena_malloc(PCRE2_SIZE size, void *data)
{
    return sg_arena_alloc(data, size);
}

static void arena_free(void *p, void *data)
{
    (void)p;
    (void)data;
}

pl_re *pl_re_compile(sg_arena *a, const char *pat, size_t len, bool caseless, char *errbuf,
                     size_t errlen, size_t *off)
{
    pcre2_general_context *gc = pcre2_general_context_create(arena_malloc, arena_free, a);
    pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
    pl_re *re = sg_arena_alloc(a, sizeof *re);
    if (!cc || !re) {
        snprintf(errbuf, errlen, "out of memory");
        *off = 0;
        return NULL;
    }
    int err = 0;
    PCRE2_SIZE eo = 0;
    uint32_t opts = PCRE2_UTF | PCRE2_UCP | (caseless ? PCRE2_CASELESS : 0);
    re->code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &err, &eo, cc);
    if (!re->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        snprintf(errbuf, errlen, "%s", (const char *)msg);
        *off = (size_t)eo;
        return NULL;
    }
    uint32_t n = 0;
    pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
    re->groups = n;
    return re;
}

unsigned pl_re_groups(const pl_re *re)
{
    return re->groups;
}

int pl_re_group_by_name(const pl_re *re, const char *name)
{
    int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
    return n > 0 ? n : -1;
}

static void *heap_malloc(PCRE2_SIZE size, void *data)
{
    (void)data;
    return sg_malloc(size);
}

static void heap_free(void *p, void *data)
{
    (void)data;
    sg_free(p);
}

pl_md *pl_md_create(void)
{
    pl_md *m = sg_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->gc = pcre2_general_context_create(heap_malloc, heap_free, NULL);
    /* 100 pairs: Python allows 99 groups in a template reference */
    m->md = m->gc ? pcre2_match_data_create(100, m->gc) : NULL;
    if (!m->md) {
        pl_md_free(m);
        return NULL;
    }
    return m;
}

void pl_md_free(pl_md *m)
{
    if (!m)
        return;
    pcre2_match_data_free(m->md);
    pcre2_general_context_free(m->gc);
    sg_free(m);
}

int pl_re_match(pl_md *md, const pl_re *re, const char *s, size_t n)
{
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, PCRE2_ANCHORED, md->md, NULL);
    if (rc == PCRE2_ERROR_NOMEMORY)
        return -1;
    /* rc == 0: more groups than the scratch holds; it still matched */
    return rc >= 0;
}

/* ---- re.sub ------------------------------------------------------------------ */

static bool push_part(sg_arena *a, pl_tmpl *t, size_t *cap, pl_tpart p)
{
    if (t->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        pl_tpart *np = sg_arena_grow(a, t->parts, t->n, nc, sizeof *np);
        if (!np)
            return false;
        t->parts = np;
        *cap = nc;
    }
    t->parts[t->n++] = p;
    return true;
}

pl_tmpl *pl_tmpl_parse(sg_arena *a, const pl_re *re, const char *s, size_t len, char *errbuf,
                       size_t errlen)
{
    pl_tmpl *t = sg_arena_alloc(a, sizeof *t);
    char *lit = sg_arena_alloc(a, len + 1);
    if (!t || !lit) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    size_t cap = 0, lj = 0, lstart = 0;
#define FLUSH()                                                                      \
    do {                                                                             \
        if (lj > lstart &&                                                           \
            !push_part(a, t, &cap, (pl_tpart){lit + lstart, lj - lstart, -1})) {     \
            snprintf(errbuf, errlen, "out of memory");                               \
            return NULL;                                                             \
        }                                                                            \
        lstart = lj;                                                                 \
    } while (0)
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c != '\\' || i + 1 == len) {
            lit[lj++] = c;
            continue;
        }
        char e = s[++i];
        int group = -1;
        if (e == '0') { /* Python: \0 is an octal escape, not group 0 */
            unsigned v = 0;
            for (int k = 0; k < 2 && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                v = v * 8 + (unsigned)(s[++i] - '0');
            lit[lj++] = (char)v;
            continue;
        }
        if (e >= '1' && e <= '9') {
            group = e - '0';
            if (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
                group = group * 10 + (s[++i] - '0');
        } else if (e == 'g' && i + 1 < len && s[i + 1] == '<') {
            const char *end = memchr(s + i + 2, '>', len - i - 2);
            if (!end) {
                snprintf(errbuf, errlen, "missing '>' in a \\g<...> group reference");
                return NULL;
            }
            size_t nl = (size_t)(end - (s + i + 2));
            char name[128];
            if (nl == 0 || nl >= sizeof name) {
                snprintf(errbuf, errlen, "bad \\g<...> group reference");
                return NULL;
            }
            memcpy(name, s + i + 2, nl);
            name[nl] = '\0';
            char *dend;
            long num = strtol(name, &dend, 10);
            if (!*dend && name[0] >= '0' && name[0] <= '9') {
                group = (int)num;
            } else {
                group = pl_re_group_by_name(re, name);
                if (group < 0) {
                    snprintf(errbuf, errlen, "unknown group name '%s' in the replacement", name);
                    return NULL;
                }
            }
            i = (size_t)(end - s);
        } else {
            switch (e) {
            case 'n': lit[lj++] = '\n'; break;
            case 't': lit[lj++] = '\t'; break;
            case 'r': lit[lj++] = '\r'; break;
            case '\\': lit[lj++] = '\\'; break;
            default: /* Python keeps unknown escapes of punctuation as written */
                lit[lj++] = '\\';
                lit[lj++] = e;
            }
            continue;
        }
        if (group < 0 || (unsigned)group > re->groups) {
            snprintf(errbuf, errlen, "invalid group reference %d in the replacement", group);
            return NULL;
        }
        FLUSH();
        if (!push_part(a, t, &cap, (pl_tpart){NULL, 0, group})) {
            snprintf(errbuf, errlen, "out of memory");
            return NULL;
        }
    }
    FLUSH();
#undef FLUSH
    return t;
}

long pl_re_sub(pl_md *md, const pl_re *re, const pl_tmpl *t, const char *s, size_t n,
               const pl_sub_out *out)
{
    size_t pos = 0, copied = 0;
    uint32_t flags = 0;
    long count = 0;
    while (pos <= n) {
        int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, pos, flags, md->md, NULL);
        /* NOTEMPTY_ATSTART still searches every later position, empty
         * matches included, so no match here means no more matches */
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc == PCRE2_ERROR_NOMEMORY)
            return -1;
        if (rc < 0) /* e.g. invalid UTF-8 in the subject: leave it alone */
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md->md);
        uint32_t pairs = pcre2_get_ovector_count(md->md);
        size_t ms = ov[0], me = ov[1];
        if (ms > copied)
            out->copy(out->u, copied, ms);
        for (size_t k = 0; k < t->n; k++) {
            const pl_tpart *p = &t->parts[k];
            if (p->text) {
                out->text(out->u, p->text, p->len);
            } else if ((uint32_t)p->group < pairs && ov[2 * p->group] != PCRE2_UNSET &&
                       (rc == 0 || p->group < rc)) {
                out->copy(out->u, ov[2 * p->group], ov[2 * p->group + 1]);
            }
        }
        copied = me;
        count++;
        pos = me;
        /* Python allows an empty match right after a non-empty one, but
         * never two matches at the same place */
        flags = ms == me ? PCRE2_NOTEMPTY_ATSTART : 0;
        if (ms == me && pos >= n)
            break;
    }
    if (copied < n)
        out->copy(out->u, copied, n);
    return count;
}
