/* main.c - Sigma rules compiled into a program: read JSON events, one per
 * line, from stdin and print the rules each one matches.
 *
 * The matcher is rules.c, written by `sigmacc compile -t c`; it needs
 * nothing but an accessor that answers "what is field X of this event?".
 * This one reads flat or nested JSON objects: a field name is a dotted path
 * ("Event.System.EventID"), an array is a field with several values. */
#include "rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small JSON reader: one object per line ------------------------------------------- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct node {
    int type;
    const char *key, *s; /* member name; string bytes or number text */
    size_t keylen, len;
    int parent, next, kid; /* indexes, -1 = none */
} node;

#define MAX_NODES 4096

typedef struct event {
    node n[MAX_NODES];
    int count;
    char *p; /* parse position; strings are unescaped in place */
} event;

static void ws(event *e)
{
    while (*e->p == ' ' || *e->p == '\t' || *e->p == '\r' || *e->p == '\n')
        e->p++;
}

/* A string at e->p (on its quote), unescaped in place. NULL on error. */
static char *string(event *e, size_t *len)
{
    char *out = ++e->p, *w = out;
    while (*e->p != '"') {
        char c = *e->p++;
        if (!c)
            return NULL;
        if (c != '\\') {
            *w++ = c;
            continue;
        }
        c = *e->p++;
        if (c == 'u') { /* \uXXXX (BMP only here) as UTF-8 */
            char hex[5] = {0};
            memcpy(hex, e->p, 4);
            unsigned v = (unsigned)strtoul(hex, NULL, 16);
            e->p += 4;
            if (v < 0x80)
                *w++ = (char)v;
            else if (v < 0x800)
                *w++ = (char)(0xc0 | (v >> 6)), *w++ = (char)(0x80 | (v & 0x3f));
            else
                *w++ = (char)(0xe0 | (v >> 12)), *w++ = (char)(0x80 | ((v >> 6) & 0x3f)),
                *w++ = (char)(0x80 | (v & 0x3f));
        } else {
            *w++ = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b'
                   : c == 'f' ? '\f' : c;
        }
    }
    e->p++;
    *len = (size_t)(w - out);
    return out;
}

static int value(event *e, int parent, int depth)
{
    ws(e);
    if (e->count == MAX_NODES || depth > 64)
        return -1;
    int i = e->count++;
    node *x = &e->n[i];
    memset(x, 0, sizeof *x);
    x->parent = parent;
    x->next = x->kid = -1;
    char c = *e->p;
    if (c == '{' || c == '[') {
        x->type = c == '{' ? J_OBJ : J_ARR;
        e->p++;
        ws(e);
        int *link = &e->n[i].kid;
        while (*e->p != (x->type == J_OBJ ? '}' : ']')) {
            const char *key = NULL;
            size_t keylen = 0;
            if (e->n[i].type == J_OBJ) {
                if (*e->p != '"' || !(key = string(e, &keylen)))
                    return -1;
                ws(e);
                if (*e->p++ != ':')
                    return -1;
            }
            int k = value(e, i, depth + 1);
            if (k < 0)
                return -1;
            e->n[k].key = key;
            e->n[k].keylen = keylen;
            *link = k;
            link = &e->n[k].next;
            ws(e);
            if (*e->p == ',')
                e->p++, ws(e);
            else if (*e->p != (e->n[i].type == J_OBJ ? '}' : ']'))
                return -1;
        }
        e->p++;
    } else if (c == '"') {
        x->type = J_STR;
        if (!(x->s = string(e, &x->len)))
            return -1;
    } else if (!strncmp(e->p, "null", 4)) {
        x->type = J_NULL, e->p += 4;
    } else if (!strncmp(e->p, "true", 4) || !strncmp(e->p, "false", 5)) {
        x->type = J_BOOL, x->s = e->p, x->len = c == 't' ? 4 : 5, e->p += x->len;
    } else {
        x->type = J_NUM, x->s = e->p;
        while (strchr("+-.eE0123456789", *e->p) && *e->p)
            e->p++;
        x->len = (size_t)(e->p - x->s);
        if (!x->len)
            return -1;
    }
    return i;
}

/* ---- the accessor --------------------------------------------------------------------------- */

static void to_value(const node *x, sigma_value *v)
{
    memset(v, 0, sizeof *v);
    v->str = x->s; /* numbers and booleans keep their text */
    v->len = x->len;
    switch (x->type) {
    case J_STR:
        v->type = SIGMA_V_STRING;
        break;
    case J_BOOL:
        v->type = SIGMA_V_BOOL;
        v->i = x->s[0] == 't';
        break;
    case J_NUM: {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*s", (int)x->len, x->s);
        errno = 0;
        v->i = strtoll(buf, NULL, 10);
        v->type = strpbrk(buf, ".eE") || errno ? SIGMA_V_FLOAT : SIGMA_V_INT;
        v->f = v->type == SIGMA_V_INT ? (double)v->i : strtod(buf, NULL);
        break;
    }
    case J_NULL:
        v->type = SIGMA_V_NULL;
        v->str = NULL;
        break;
    default:
        v->type = SIGMA_V_OBJECT; /* present, but not a value */
        v->str = NULL;
    }
}

/* The node at a dotted path, or -1. */
static int find(const event *e, const char *name, size_t len)
{
    int at = 0;
    while (len) {
        const char *dot = memchr(name, '.', len);
        size_t part = dot ? (size_t)(dot - name) : len;
        int k = e->n[at].type == J_OBJ ? e->n[at].kid : -1;
        while (k >= 0 && !(e->n[k].keylen == part && !memcmp(e->n[k].key, name, part)))
            k = e->n[k].next;
        if (k < 0)
            return -1;
        at = k;
        name += part + (dot != NULL);
        len -= part + (dot != NULL);
    }
    return at;
}

/* Value n of a field: an array's elements are its values. */
static int get_nth(void *ev, const char *field, size_t len, size_t n, sigma_value *out)
{
    const event *e = ev;
    int at = find(e, field, len);
    if (at < 0)
        return 0;
    if (e->n[at].type == J_ARR) {
        int k = e->n[at].kid;
        while (k >= 0 && n--)
            k = e->n[k].next;
        if (k < 0)
            return 0;
        at = k;
    } else if (n) {
        return 0;
    }
    to_value(&e->n[at], out);
    return 1;
}

static int get(void *ev, const char *field, size_t len, sigma_value *out)
{
    return get_nth(ev, field, len, 0, out);
}

/* Every string of the event, for keyword rules. */
static int each(void *ev, int (*fn)(void *ctx, const sigma_value *v), void *ctx)
{
    const event *e = ev;
    for (int i = 0; i < e->count; i++)
        if (e->n[i].type == J_STR) {
            sigma_value v;
            to_value(&e->n[i], &v);
            if (fn(ctx, &v))
                break;
        }
    return 0;
}

static const sigma_accessor json_accessor = {get, get_nth, each};

/* ---- main ------------------------------------------------------------------------------------ */

static int print_match(void *user, const sigma_rule_info *rule)
{
    printf("line %ld: [%s] %s (%s)\n", *(long *)user, rule->level ? rule->level : "-",
           rule->title ? rule->title : "?", rule->id ? rule->id : "no id");
    return 0; /* go on with the next rule */
}

int main(void)
{
    static event e;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0, matched = 0;
    fprintf(stderr, "%zu rules\n", sigma_generated_rule_count());
    while (getline(&line, &cap, stdin) > 0) {
        lineno++;
        e.count = 0;
        e.p = line;
        ws(&e);
        if (!*e.p)
            continue;
        if (*e.p != '{' || value(&e, -1, 0) != 0) {
            fprintf(stderr, "line %ld: not a JSON object, skipped\n", lineno);
            continue;
        }
        int n = sigma_generated_match(&json_accessor, &e, print_match, &lineno);
        matched += n > 0;
    }
    free(line);
    fprintf(stderr, "%ld events, %ld matched\n", lineno, matched);
    return matched ? 0 : 1;
}
