/* re_jitsafe.c - see re_jitsafe.h. */
#include "re_jitsafe.h"
#include "xalloc.h"

#include <string.h>

static bool is_bad_escape(char c)
{
    return c == 'D' || c == 'W' || c == 'S';
}

/* One pass over the pattern's syntax: escapes, \Q...\E quoting, classes
 * (with ']' first being literal and [:name:] inside). When `dst` is NULL
 * it only counts the escapes to rewrite. */
static size_t rewrite(const char *re, size_t len, char *dst, size_t *dst_len)
{
    size_t hits = 0, o = 0;
    bool in_class = false, quoted = false;
#define PUT(ch)                                                                                \
    do {                                                                                       \
        if (dst)                                                                               \
            dst[o] = (ch);                                                                     \
        o++;                                                                                   \
    } while (0)
    for (size_t i = 0; i < len; i++) {
        char c = re[i];
        if (quoted) {
            if (c == '\\' && i + 1 < len && re[i + 1] == 'E') {
                quoted = false;
                PUT(c);
                PUT('E');
                i++;
            } else {
                PUT(c);
            }
            continue;
        }
        if (c == '\\' && i + 1 < len) {
            char n = re[i + 1];
            if (n == 'Q') {
                quoted = true;
            } else if (!in_class && is_bad_escape(n)) {
                hits++;
                PUT('[');
                PUT('\\');
                PUT(n);
                PUT(']');
                i++;
                continue;
            }
            PUT(c);
            PUT(n);
            i++;
            continue;
        }
        if (in_class) {
            if (c == '[' && i + 1 < len && re[i + 1] == ':') {
                const char *end = NULL;
                for (size_t k = i + 2; k + 1 < len; k++)
                    if (re[k] == ':' && re[k + 1] == ']') {
                        end = re + k + 2;
                        break;
                    }
                if (end) {
                    for (; re + i < end; i++)
                        PUT(re[i]);
                    i--;
                    continue;
                }
            }
            if (c == ']')
                in_class = false;
            PUT(c);
            continue;
        }
        if (c == '[') {
            in_class = true;
            PUT(c);
            /* a ']' right after '[' or '[^' is a literal member */
            if (i + 1 < len && re[i + 1] == '^') {
                PUT('^');
                i++;
            }
            if (i + 1 < len && re[i + 1] == ']') {
                PUT(']');
                i++;
            }
            continue;
        }
        PUT(c);
    }
#undef PUT
    if (dst_len)
        *dst_len = o;
    return hits;
}

bool sg_re_jitsafe(const char *re, size_t len, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    size_t need;
    if (rewrite(re, len, NULL, &need) == 0)
        return true;
    char *p = sg_malloc(need + 1);
    if (!p)
        return false;
    rewrite(re, len, p, out_len);
    p[*out_len] = '\0';
    *out = p;
    return true;
}
