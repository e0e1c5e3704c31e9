/* c_diff_main.c - the generated matcher over JSON files, for tests/c_diff.sh.
 *
 *   c_diff_main FILE...   prints "FILE event N: RULE-ID" per match
 *   c_diff_main --rules   prints the rules the matcher was generated with
 *   c_diff_main --bench N FILE...  matches each event N times, prints the rate
 *   c_diff_main --variants FILE... writes each event as JSON lines: as it is, with
 *                         its strings upper-cased, lower-cased, without their
 *                         first character, and with " x" appended (events
 *                         that take other paths through the rules)
 *
 * Built with the generated code: cc c_diff_main.c rules.c (rules.h from
 * `sigmacc compile -t c --format header`). A file is a stream of JSON
 * values; an object is an event, an array a list of events (as in
 * `sigmacc match`). Its accessor reads events the way libsigmacc's JSON
 * reader does, so both sides see the same values:
 * - a field name is a dotted path; `*` is any key, `{a|b.c}` alternatives;
 *   a key that itself contains dots matches several components;
 * - arrays on the way or at the end make several values (none: absent);
 * - an object at the end is its "#text" member when it has one, else a
 *   present value of type OBJECT;
 * - numbers keep their text; integers that fit int64 are INT, others FLOAT;
 * - keywords see every string of the event (`each`), there is no `_raw`. */
#include "rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a small JSON tree ------------------------------------------------------------------ */

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jnode {
    jtype t;
    const char *s; /* STR: unescaped bytes; NUM: its token */
    size_t n;
    int b;
    const char *key; /* as a member of an object */
    size_t keylen;
    struct jnode *kid, *next;
} jnode;

typedef struct jdoc {
    char *buf; /* unescaped strings */
    size_t used, cap;
    jnode *nodes;
    size_t nnodes, capnodes;
    const char *p, *end;
    int line;
    const char *err;
} jdoc;

/* Storage that stays put: nodes and strings are allocated in chunks. */
typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(max_align_t) char data[];
} chunk;

static chunk *chunks;

static void *take(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!chunks || chunks->cap - chunks->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        chunk *c = malloc(sizeof *c + cap);
        if (!c) {
            fputs("c_diff_main: out of memory\n", stderr);
            exit(2);
        }
        c->next = chunks;
        c->used = 0;
        c->cap = cap;
        chunks = c;
    }
    void *p = chunks->data + chunks->used;
    chunks->used += n;
    return p;
}

static void free_chunks(void)
{
    while (chunks) {
        chunk *n = chunks->next;
        free(chunks);
        chunks = n;
    }
}

static void skip_ws(jdoc *d)
{
    while (d->p < d->end && (*d->p == ' ' || *d->p == '\t' || *d->p == '\r' || *d->p == '\n')) {
        if (*d->p == '\n')
            d->line++;
        d->p++;
    }
}

static int hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return 0;
        *v = *v * 16 + (unsigned)h;
    }
    return 1;
}

static size_t put_utf8(unsigned c, char *o)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (char)(0xc0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (char)(0xe0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        o[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (c >> 18));
    o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* A string at d->p (on the quote); unescaped into chunk storage. */
static int parse_string(jdoc *d, const char **s, size_t *n)
{
    const char *q = ++d->p;
    size_t len = 0;
    while (q < d->end && *q != '"') {
        if (*q == '\\')
            q++;
        q++;
        len++;
    }
    if (q >= d->end)
        return d->err = "unterminated string", 0;
    char *o = take(len * 4 + 1), *w = o;
    while (*d->p != '"') {
        unsigned char c = (unsigned char)*d->p++;
        if (c < 0x20)
            return d->err = "control character in string", 0;
        if (c != '\\') {
            *w++ = (char)c;
            continue;
        }
        c = (unsigned char)*d->p++;
        switch (c) {
        case '"': case '\\': case '/': *w++ = (char)c; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            unsigned v, lo;
            if (d->end - d->p < 4 || !hex4(d->p, &v))
                return d->err = "bad \\u escape", 0;
            d->p += 4;
            if (v >= 0xd800 && v < 0xdc00) {
                if (d->end - d->p < 6 || d->p[0] != '\\' || d->p[1] != 'u' ||
                    !hex4(d->p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    return d->err = "bad surrogate pair", 0;
                d->p += 6;
                v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
            } else if (v >= 0xdc00 && v < 0xe000) {
                return d->err = "bad surrogate pair", 0;
            }
            w += put_utf8(v, w);
            break;
        }
        default:
            return d->err = "bad escape", 0;
        }
    }
    d->p++;
    *s = o;
    *n = (size_t)(w - o);
    return 1;
}

static jnode *parse_value(jdoc *d, int depth);

static jnode *new_node(jtype t)
{
    jnode *x = take(sizeof *x);
    memset(x, 0, sizeof *x);
    x->t = t;
    return x;
}

static jnode *parse_value(jdoc *d, int depth)
{
    if (depth > 512)
        return d->err = "nested too deeply", NULL;
    skip_ws(d);
    if (d->p >= d->end)
        return d->err = "unexpected end", NULL;
    char c = *d->p;
    jnode *x;
    if (c == '{' || c == '[') {
        x = new_node(c == '{' ? J_OBJ : J_ARR);
        char close = c == '{' ? '}' : ']';
        d->p++;
        skip_ws(d);
        jnode **tail = &x->kid;
        if (d->p < d->end && *d->p == close) {
            d->p++;
            return x;
        }
        for (;;) {
            const char *key = NULL;
            size_t keylen = 0;
            if (x->t == J_OBJ) {
                skip_ws(d);
                if (d->p >= d->end || *d->p != '"' || !parse_string(d, &key, &keylen))
                    return d->err = d->err ? d->err : "expected a key", NULL;
                skip_ws(d);
                if (d->p >= d->end || *d->p != ':')
                    return d->err = "expected ':'", NULL;
                d->p++;
            }
            jnode *k = parse_value(d, depth + 1);
            if (!k)
                return NULL;
            k->key = key;
            k->keylen = keylen;
            *tail = k;
            tail = &k->next;
            skip_ws(d);
            if (d->p < d->end && *d->p == ',') {
                d->p++;
                continue;
            }
            if (d->p < d->end && *d->p == close) {
                d->p++;
                return x;
            }
            return d->err = "expected ',' or a closing bracket", NULL;
        }
    }
    if (c == '"') {
        x = new_node(J_STR);
        return parse_string(d, &x->s, &x->n) ? x : NULL;
    }
    if (!strncmp(d->p, "true", 4) || !strncmp(d->p, "false", 5) || !strncmp(d->p, "null", 4)) {
        x = new_node(c == 'n' ? J_NULL : J_BOOL);
        x->b = c == 't';
        d->p += c == 'f' ? 5 : 4;
        return x;
    }
    const char *s = d->p;
    if (d->p < d->end && *d->p == '-')
        d->p++;
    while (d->p < d->end && ((*d->p >= '0' && *d->p <= '9') || *d->p == '.' || *d->p == 'e' ||
                             *d->p == 'E' || *d->p == '+' || *d->p == '-'))
        d->p++;
    if (d->p == s)
        return d->err = "unexpected character", NULL;
    x = new_node(J_NUM);
    x->s = s;
    x->n = (size_t)(d->p - s);
    return x;
}

/* ---- the accessor ------------------------------------------------------------------------ */

#define MAXV 64

typedef struct cached {
    char name[512];
    size_t len;
    sigma_value v[MAXV];
    size_t n;
} cached;

#define NCACHE 64

typedef struct event {
    const jnode *root;
    cached cache[NCACHE];
    size_t ncache, next_slot;
} event;

static void to_value(const jnode *x, sigma_value *v)
{
    memset(v, 0, sizeof *v);
    switch (x->t) {
    case J_STR:
        v->type = SIGMA_V_STRING;
        v->str = x->s;
        v->len = x->n;
        break;
    case J_BOOL:
        v->type = SIGMA_V_BOOL;
        v->i = x->b;
        v->str = x->b ? "true" : "false";
        v->len = x->b ? 4 : 5;
        break;
    case J_NULL:
        v->type = SIGMA_V_NULL;
        break;
    case J_NUM: {
        char buf[512];
        size_t n = x->n < sizeof buf - 1 ? x->n : sizeof buf - 1;
        memcpy(buf, x->s, n);
        buf[n] = '\0';
        v->str = x->s;
        v->len = x->n;
        if (!strpbrk(buf, ".eE")) {
            errno = 0;
            long long i = strtoll(buf, NULL, 10);
            if (errno != ERANGE) {
                v->type = SIGMA_V_INT;
                v->i = i;
                v->f = (double)i;
                break;
            }
        }
        v->type = SIGMA_V_FLOAT;
        v->f = strtod(buf, NULL);
        break;
    }
    default:
        v->type = SIGMA_V_OBJECT;
        break;
    }
}

static void add(cached *c, const sigma_value *v)
{
    if (c->n < MAXV)
        c->v[c->n++] = *v;
}

/* The value(s) at the end of a path. */
static void collect(cached *c, const jnode *x)
{
    sigma_value v;
    if (x->t == J_ARR) {
        for (const jnode *k = x->kid; k; k = k->next)
            collect(c, k);
        return;
    }
    if (x->t == J_OBJ) {
        int had = 0;
        for (const jnode *k = x->kid; k; k = k->next)
            if (k->keylen == 5 && !memcmp(k->key, "#text", 5) && k->t != J_OBJ && k->t != J_ARR) {
                to_value(k, &v);
                add(c, &v);
                had = 1;
            }
        if (had)
            return;
    }
    to_value(x, &v);
    add(c, &v);
}

static int comp_eq(const char *a, size_t na, const char *b, size_t nb)
{
    return (nb == 1 && b[0] == '*') || (na == nb && !memcmp(a, b, na));
}

/* Walk path components comps[k..] from x. */
static void walk(cached *c, const jnode *x, const char *const *comps, const size_t *lens,
                 size_t ncomp, size_t k)
{
    if (k == ncomp) {
        collect(c, x);
        return;
    }
    if (x->t == J_ARR) {
        for (const jnode *e = x->kid; e; e = e->next)
            walk(c, e, comps, lens, ncomp, k);
        return;
    }
    if (x->t != J_OBJ)
        return;
    for (const jnode *m = x->kid; m; m = m->next) {
        if (comp_eq(m->key, m->keylen, comps[k], lens[k])) {
            walk(c, m, comps, lens, ncomp, k + 1);
            continue;
        }
        /* a key with dots spans several components */
        const char *key = m->key;
        size_t left = m->keylen, j = k;
        if (!memchr(key, '.', left))
            continue;
        while (j < ncomp) {
            const char *dot = memchr(key, '.', left);
            size_t part = dot ? (size_t)(dot - key) : left;
            if (!comp_eq(key, part, comps[j], lens[j]))
                break;
            j++;
            if (!dot) {
                walk(c, m, comps, lens, ncomp, j);
                break;
            }
            key += part + 1;
            left -= part + 1;
        }
    }
}

/* A name with one `{a|b.c}` group is several paths. */
static void lookup(cached *c, const jnode *root, const char *name, size_t len)
{
    const char *open = memchr(name, '{', len);
    const char *close = open ? memchr(open, '}', len - (size_t)(open - name)) : NULL;
    if (close) {
        const char *alt = open + 1;
        for (;;) {
            const char *bar = memchr(alt, '|', (size_t)(close - alt));
            const char *end = bar ? bar : close;
            char path[1024];
            size_t n = 0, h = (size_t)(open - name), a = (size_t)(end - alt),
                   t = len - (size_t)(close + 1 - name);
            if (h + a + t < sizeof path) {
                memcpy(path, name, h);
                memcpy(path + h, alt, a);
                memcpy(path + h + a, close + 1, t);
                n = h + a + t;
                lookup(c, root, path, n);
            }
            if (!bar)
                break;
            alt = bar + 1;
        }
        return;
    }
    const char *comps[64];
    size_t lens[64], nc = 0;
    const char *p = name;
    size_t left = len;
    while (nc < 64) {
        const char *dot = memchr(p, '.', left);
        size_t part = dot ? (size_t)(dot - p) : left;
        comps[nc] = p;
        lens[nc++] = part;
        if (!dot)
            break;
        p += part + 1;
        left -= part + 1;
    }
    walk(c, root, comps, lens, nc, 0);
}

static cached *values(event *e, const char *name, size_t len)
{
    for (size_t i = 0; i < e->ncache; i++)
        if (e->cache[i].len == len && !memcmp(e->cache[i].name, name, len))
            return &e->cache[i];
    if (len >= sizeof e->cache[0].name)
        return NULL;
    cached *c = &e->cache[e->next_slot];
    e->next_slot = (e->next_slot + 1) % NCACHE;
    if (e->ncache < NCACHE)
        e->ncache++;
    memcpy(c->name, name, len);
    c->len = len;
    c->n = 0;
    lookup(c, e->root, name, len);
    return c;
}

static int acc_get(void *ev, const char *field, size_t len, sigma_value *out)
{
    cached *c = values(ev, field, len);
    if (!c || c->n == 0)
        return 0;
    *out = c->v[0];
    return 1;
}

static int acc_get_nth(void *ev, const char *field, size_t len, size_t n, sigma_value *out)
{
    cached *c = values(ev, field, len);
    if (!c || n >= c->n)
        return 0;
    *out = c->v[n];
    return 1;
}

static int each_node(const jnode *x, int (*fn)(void *, const sigma_value *), void *ctx)
{
    if (x->t == J_STR) {
        sigma_value v;
        to_value(x, &v);
        return fn(ctx, &v);
    }
    for (const jnode *k = x->kid; k; k = k->next)
        if (each_node(k, fn, ctx))
            return 1;
    return 0;
}

static int acc_each(void *ev, int (*fn)(void *ctx, const sigma_value *v), void *ctx)
{
    each_node(((event *)ev)->root, fn, ctx);
    return 0;
}

/* ---- variants ------------------------------------------------------------------------------ */

enum { V_SAME, V_UPPER, V_LOWER, V_CHOP, V_APPEND, V_COUNT };

static void put_json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void put_variant(const jnode *x, int v)
{
    switch (x->t) {
    case J_NULL:
        fputs("null", stdout);
        break;
    case J_BOOL:
        fputs(x->b ? "true" : "false", stdout);
        break;
    case J_NUM:
        fwrite(x->s, 1, x->n, stdout);
        break;
    case J_STR: {
        char *b = take(x->n + 3);
        size_t n = x->n, skip = 0;
        memcpy(b, x->s, n);
        for (size_t i = 0; i < n; i++)
            if (v == V_UPPER && b[i] >= 'a' && b[i] <= 'z')
                b[i] = (char)(b[i] - 32);
            else if (v == V_LOWER && b[i] >= 'A' && b[i] <= 'Z')
                b[i] = (char)(b[i] + 32);
        if (v == V_CHOP && n) /* a whole UTF-8 character */
            for (skip = 1; skip < n && ((unsigned char)b[skip] & 0xc0) == 0x80; skip++)
                ;
        if (v == V_APPEND) {
            memcpy(b + n, " x", 2);
            n += 2;
        }
        put_json_string(b + skip, n - skip);
        break;
    }
    default: {
        int obj = x->t == J_OBJ;
        putchar(obj ? '{' : '[');
        for (const jnode *k = x->kid; k; k = k->next) {
            if (k != x->kid)
                putchar(',');
            if (obj) {
                put_json_string(k->key, k->keylen);
                putchar(':');
            }
            put_variant(k, v);
        }
        putchar(obj ? '}' : ']');
    }
    }
}

static int variants_mode;

/* ---- main ---------------------------------------------------------------------------------- */

typedef struct out_ctx {
    const char *file;
    size_t event;
    long repeat; /* --bench: match each event this many times, print nothing */
    size_t matches;
} out_ctx;

static int on_match(void *user, const sigma_rule_info *rule)
{
    out_ctx *o = user;
    o->matches++;
    if (o->repeat)
        return 0;
    printf("%s event %zu: %s\n", o->file, o->event, rule->id ? rule->id : "(no id)");
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0, got;
    char *b = malloc(cap);
    while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb)
                free(b);
            b = nb;
            cap *= 2;
        }
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return b;
}

/* All of it valid UTF-8 (simdjson rejects the document otherwise). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2
                      : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
        if (need == 0 || i + need >= n)
            return 0;
        unsigned char lo = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

static event the_event; /* big: values are cached per field */

static void match_event(const jnode *x, out_ctx *o)
{
    if (variants_mode) {
        for (int v = 0; v < V_COUNT; v++) {
            put_variant(x, v);
            putchar('\n');
        }
        return;
    }
    static const sigma_accessor acc = {acc_get, acc_get_nth, acc_each};
    event *e = &the_event;
    e->root = x;
    e->ncache = e->next_slot = 0;
    o->event++;
    for (long r = 0; r < (o->repeat ? o->repeat : 1); r++) {
        e->ncache = e->next_slot = 0;
        if (sigma_generated_match(&acc, e, on_match, o) < 0) {
            fputs("c_diff_main: bad accessor\n", stderr);
            exit(2);
        }
    }
}

int main(int argc, char **argv)
{
    int rc = 0;
    long repeat = 0;
    if (argc > 2 && !strcmp(argv[1], "--bench")) {
        repeat = strtol(argv[2], NULL, 10);
        argv += 2;
        argc -= 2;
    }
    if (argc > 1 && !strcmp(argv[1], "--variants")) {
        variants_mode = 1;
        argv++;
        argc--;
    }
    clock_t t0 = clock();
    size_t total = 0, matches = 0;
    if (argc == 2 && !strcmp(argv[1], "--rules")) {
        for (size_t i = 0; i < sigma_generated_rule_count(); i++) {
            const sigma_rule_info *r = sigma_generated_rule(i);
            printf("%zu %s %s\n", r->index, r->id ? r->id : "-", r->title ? r->title : "-");
        }
        return sigma_generated_rule(sigma_generated_rule_count()) == NULL ? 0 : 1;
    }
    for (int a = 1; a < argc; a++) {
        size_t len;
        char *buf = read_file(argv[a], &len);
        if (!buf) {
            fprintf(stderr, "c_diff_main: cannot read %s\n", argv[a]);
            rc = 2;
            continue;
        }
        out_ctx o = {strcmp(argv[a], "-") ? argv[a] : "<stdin>", 0, repeat, 0};
        if (!valid_utf8((const unsigned char *)buf, len)) {
            fprintf(stderr, "%s: not valid UTF-8, skipped\n", argv[a]);
            free(buf);
            continue;
        }
        jdoc d = {0};
        d.p = buf;
        d.end = buf + len;
        d.line = 1;
        for (;;) {
            skip_ws(&d);
            if (d.p >= d.end)
                break;
            int line = d.line;
            d.err = NULL;
            jnode *x = parse_value(&d, 0);
            if (!x) {
                fprintf(stderr, "%s:%d: %s\n", o.file, line, d.err);
                while (d.p < d.end && *d.p != '\n') /* go on at the next line */
                    d.p++;
                continue;
            }
            if (x->t == J_OBJ)
                match_event(x, &o);
            else if (x->t == J_ARR)
                for (const jnode *k = x->kid; k; k = k->next)
                    if (k->t == J_OBJ)
                        match_event(k, &o);
            free_chunks();
        }
        total += o.event;
        matches += o.matches;
        free(buf);
    }
    free_chunks();
    if (repeat) {
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        printf("%zu events x %ld: %.3f s, %.0f events/s (with this accessor), %zu matches\n",
               total, repeat, secs, secs > 0 ? (double)total * (double)repeat / secs : 0.0,
               matches);
    }
    return rc;
}
