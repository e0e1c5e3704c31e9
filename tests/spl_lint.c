/* spl_lint.c - a lexical checker for the SPL that `sigmacc compile -t spl`
 * writes (no offline SPL parser exists, so this is the guard).
 *
 *   spl_lint [FILE...]     (standard input without files)
 *
 * The input is compiler output: each query follows its ``` … ``` header
 * comment. Per query it checks: quotes closed, only \\ and \" escapes in
 * strings and no raw control bytes, parentheses and brackets balanced,
 * `( )` empty only as a function call, AND/OR/NOT with operands on both
 * sides, IN followed by a non-empty comma list, a non-empty first search,
 * `|` (outside a [subsearch]) followed only by `regex` (one FIELD="re") or
 * a non-empty `where`, and
 * never `| search`; valid UTF-8 throughout. A correlation (it has a
 * top-level `| sort 0 _time`) may also use eval, streamstats, stats and
 * rename, and may start with `| multisearch` of two or more [search …]
 * subsearches, each checked as a query of its own. Prints FILE:LINE:COL: message per finding and
 * "spl_lint: Q queries, F findings" on stderr; exits 1 on any finding.
 *
 *   spl_lint --tokens [FILE...]
 *
 * also prints what it lexed, for tests that check literals (inject.sh):
 * per query "Q HEX" (its ``` header), then per token "T KIND GLUED HEX",
 * KIND one of S (a "string"), N (a 'name'), W (a word), ( ) [ ] | , and
 * HEX the token's bytes as written. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_STR, T_NAME, T_LP, T_RP, T_LB, T_RB, T_PIPE, T_COMMA, T_WORD } tkind;

typedef struct tok {
    tkind k;
    size_t off, len;
    bool glued; /* no space before it */
} tok;

typedef struct lint {
    const char *file, *buf;
    size_t len;
    size_t findings, queries;
    tok *t;
    size_t nt, cap;
    bool tagged; /* a multisearch subsearch: may end with `| eval sigma_rule=…` */
    bool dump;   /* --tokens */
    size_t hdr_b, hdr_e; /* the current query's ``` header text */
} lint;

static void where_is(const lint *L, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < L->len; i++) {
        if (L->buf[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

static void finding(lint *L, size_t off, const char *msg)
{
    unsigned line, col;
    where_is(L, off, &line, &col);
    printf("%s:%u:%u: %s\n", L->file, line, col, msg);
    L->findings++;
}

static bool push(lint *L, tkind k, size_t off, size_t len, bool glued)
{
    if (L->nt == L->cap) {
        size_t nc = L->cap ? 2 * L->cap : 256;
        tok *p = realloc(L->t, nc * sizeof *p);
        if (!p)
            return false;
        L->t = p;
        L->cap = nc;
    }
    L->t[L->nt++] = (tok){k, off, len, glued};
    return true;
}

static bool word_is(const lint *L, const tok *t, const char *w)
{
    return t->k == T_WORD && t->len == strlen(w) && !memcmp(L->buf + t->off, w, t->len);
}

static bool is_op(const lint *L, const tok *t)
{
    return word_is(L, t, "OR") || word_is(L, t, "AND");
}

/* Tokens of one query [b, e). Returns false on out-of-memory. */
static bool tokenize(lint *L, size_t b, size_t e)
{
    const char *s = L->buf;
    L->nt = 0;
    bool glued = false;
    for (size_t i = b; i < e;) {
        char c = s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            i++;
            glued = false;
            continue;
        }
        size_t start = i;
        tkind k;
        if (c == '"' || c == '\'') {
            k = c == '"' ? T_STR : T_NAME;
            i++;
            bool closed = false;
            while (i < e) {
                unsigned char d = (unsigned char)s[i];
                if (d == (unsigned char)c) {
                    closed = true;
                    i++;
                    break;
                }
                if (d < 0x20 || d == 0x7f)
                    finding(L, i, "raw control character inside a quoted string");
                if (d == '\\') {
                    if (i + 1 >= e || (s[i + 1] != '\\' && s[i + 1] != c))
                        finding(L, i, "backslash not followed by a backslash or quote "
                                      "(SPL would keep it: escape it as \\\\)");
                    i += 2;
                    continue;
                }
                i++;
            }
            if (!closed) {
                finding(L, start, c == '"' ? "unterminated string" : "unterminated field name");
                i = e;
            }
        } else if (c == '`') {
            finding(L, i, "backtick outside a string (a macro?)");
            i++;
            continue;
        } else if (strchr("()[]|,", c)) {
            k = c == '(' ? T_LP : c == ')' ? T_RP : c == '[' ? T_LB : c == ']' ? T_RB
                : c == '|' ? T_PIPE : T_COMMA;
            i++;
        } else {
            k = T_WORD;
            while (i < e && !strchr(" \n\t\r\"'()[]|,`", s[i]))
                i++;
        }
        if (!push(L, k, start, i - start, glued))
            return false;
        glued = true;
    }
    return true;
}

/* One command's tokens [a, z): balance and boolean structure. */
static void check_expr(lint *L, size_t a, size_t z, bool where)
{
    int depth = 0, brackets = 0;
    for (size_t i = a; i < z; i++) {
        const tok *t = &L->t[i];
        const tok *prev = i > a ? &L->t[i - 1] : NULL;
        const tok *next = i + 1 < z ? &L->t[i + 1] : NULL;
        switch (t->k) {
        case T_LP:
            depth++;
            if (next && next->k == T_RP && !(prev && prev->k == T_WORD && t->glued && where))
                finding(L, t->off, "empty parentheses");
            break;
        case T_RP:
            if (--depth < 0) {
                finding(L, t->off, "unbalanced ')'");
                depth = 0;
            }
            break;
        case T_LB:
            brackets++;
            break;
        case T_RB:
            if (--brackets < 0) {
                finding(L, t->off, "unbalanced ']'");
                brackets = 0;
            }
            break;
        case T_WORD:
            if (is_op(L, t)) {
                if (!prev || prev->k == T_LP || prev->k == T_COMMA || is_op(L, prev) ||
                    word_is(L, prev, "NOT"))
                    finding(L, t->off, "AND/OR without a left operand");
                if (!next || next->k == T_RP || next->k == T_COMMA || is_op(L, next))
                    finding(L, t->off, "AND/OR without a right operand");
            } else if (word_is(L, t, "NOT")) {
                if (!next || next->k == T_RP || next->k == T_COMMA || is_op(L, next))
                    finding(L, t->off, "NOT without an operand");
            } else if (word_is(L, t, "IN")) {
                /* IN ( v , v … ) */
                size_t j = i + 1;
                if (j >= z || L->t[j].k != T_LP) {
                    finding(L, t->off, "IN not followed by '('");
                    break;
                }
                for (j++;; j += 2) {
                    if (j >= z || (L->t[j].k != T_STR && L->t[j].k != T_WORD)) {
                        finding(L, t->off, "IN list with an empty or bad element");
                        break;
                    }
                    if (j + 1 < z && L->t[j + 1].k == T_RP)
                        break;
                    if (j + 1 >= z || L->t[j + 1].k != T_COMMA) {
                        finding(L, t->off, "IN list elements must be separated by ','");
                        break;
                    }
                }
            }
            break;
        default:
            break;
        }
    }
    if (depth)
        finding(L, z > a ? L->t[z - 1].off : 0, "unbalanced '('");
    if (brackets)
        finding(L, z > a ? L->t[z - 1].off : 0, "unbalanced '['");
}

/* Queries are UTF-8 text (bytes that are not are written as \xHH). */
static void check_utf8(lint *L, size_t b, size_t e)
{
    const unsigned char *u = (const unsigned char *)L->buf;
    for (size_t i = b; i < e;) {
        size_t n = u[i] < 0x80 ? 1 : (u[i] & 0xe0) == 0xc0 && u[i] >= 0xc2 ? 2
                 : (u[i] & 0xf0) == 0xe0 ? 3 : (u[i] & 0xf8) == 0xf0 && u[i] <= 0xf4 ? 4 : 0;
        bool ok = n && i + n <= e;
        for (size_t j = 1; ok && j < n; j++)
            ok = (u[i + j] & 0xc0) == 0x80;
        if (!ok) {
            finding(L, i, "invalid UTF-8");
            i++;
            continue;
        }
        i += n;
    }
}

/* `| multisearch [search …] [search …]…`: the byte ranges of the
 * subsearches' queries (after `search`, before `]`) into subs. */
static size_t multisearch_args(lint *L, size_t a, size_t z, size_t (*subs)[2], size_t max)
{
    size_t n = 0;
    for (size_t j = a; j < z;) {
        if (L->t[j].k != T_LB || j + 1 >= z || !word_is(L, &L->t[j + 1], "search")) {
            finding(L, L->t[j].off, "multisearch takes [search …] subsearches only");
            return n;
        }
        int depth = 0;
        size_t k = j;
        for (; k < z; k++) {
            depth += L->t[k].k == T_LB ? 1 : L->t[k].k == T_RB ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (k == z) {
            finding(L, L->t[j].off, "unbalanced '[' in multisearch");
            return n;
        }
        if (n < max) {
            subs[n][0] = L->t[j + 1].off + L->t[j + 1].len;
            subs[n][1] = L->t[k].off;
        }
        n++;
        j = k + 1;
    }
    if (n < 2)
        finding(L, a < z ? L->t[a].off : 0, "multisearch needs two or more subsearches");
    return n;
}

/* rename X AS Y[, X AS Y]… */
static void check_rename(lint *L, size_t a, size_t z)
{
    for (size_t j = a;; j += 4) {
        if (j + 2 >= z || L->t[j].k == T_COMMA || !word_is(L, &L->t[j + 1], "AS") ||
            (L->t[j + 2].k != T_WORD && L->t[j + 2].k != T_STR)) {
            finding(L, j < z ? L->t[j].off : L->t[z - 1].off, "rename takes X AS Y pairs");
            return;
        }
        if (j + 3 == z)
            return;
        if (L->t[j + 3].k != T_COMMA) {
            finding(L, L->t[j + 3].off, "rename pairs must be separated by ','");
            return;
        }
    }
}

static void put_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", (unsigned char)s[i]);
}

/* --tokens: the query's header and tokens (see the top comment). */
static void dump_tokens(const lint *L)
{
    static const char kinds[] = "SN()[]|,W"; /* in tkind order */
    printf("Q ");
    put_hex(L->buf + L->hdr_b, L->hdr_e - L->hdr_b);
    putchar('\n');
    for (size_t i = 0; i < L->nt; i++) {
        printf("T %c %d ", kinds[L->t[i].k], L->t[i].glued);
        put_hex(L->buf + L->t[i].off, L->t[i].len);
        putchar('\n');
    }
}

static void check_query(lint *L, size_t b, size_t e)
{
    check_utf8(L, b, e);
    if (!tokenize(L, b, e)) {
        finding(L, b, "out of memory");
        return;
    }
    if (L->dump && !L->tagged)
        dump_tokens(L);
    L->queries++;
    size_t start = 0;
    bool first = true;
    int sub = 0; /* inside a [subsearch], whose pipes are its own */
    /* a correlation: a top-level `| sort 0 _time` */
    bool corr = false;
    for (size_t i = 0; i + 1 < L->nt; i++) {
        sub += L->t[i].k == T_LB ? 1 : L->t[i].k == T_RB && sub ? -1 : 0;
        corr |= !sub && L->t[i].k == T_PIPE && word_is(L, &L->t[i + 1], "sort");
    }
    sub = 0;
    size_t subs[64][2], nsubs = 0;
    for (size_t i = 0; i <= L->nt; i++) {
        if (i < L->nt) {
            sub += L->t[i].k == T_LB ? 1 : L->t[i].k == T_RB && sub ? -1 : 0;
            if (L->t[i].k != T_PIPE || sub)
                continue;
        }
        size_t at = start < L->nt ? L->t[start].off : e;
        bool multi = corr && first && i == start && i + 1 < L->nt &&
                     word_is(L, &L->t[i + 1], "multisearch");
        if (first) {
            if (i == start && !multi)
                finding(L, at, "empty search before the first '|'");
            else if (i > start)
                check_expr(L, start, i, false);
        } else if (i == start) {
            finding(L, at, "'|' without a command");
        } else if (corr && word_is(L, &L->t[start], "multisearch")) {
            if (start != 1)
                finding(L, at, "multisearch must be the first command");
            nsubs = multisearch_args(L, start + 1, i, subs, sizeof subs / sizeof subs[0]);
        } else if (corr && word_is(L, &L->t[start], "sort")) {
            if (!(i == start + 3 && word_is(L, &L->t[start + 1], "0") &&
                  word_is(L, &L->t[start + 2], "_time")))
                finding(L, at, "a correlation sorts by `sort 0 _time` only");
        } else if (corr && word_is(L, &L->t[start], "rename")) {
            check_rename(L, start + 1, i);
        } else if (L->tagged && i == L->nt && word_is(L, &L->t[start], "eval")) {
            check_expr(L, start + 1, i, true);
        } else if (corr && (word_is(L, &L->t[start], "eval") ||
                            word_is(L, &L->t[start], "streamstats") ||
                            word_is(L, &L->t[start], "stats"))) {
            if (i == start + 1)
                finding(L, at, "command without arguments");
            else
                check_expr(L, start + 1, i, true);
        } else if (word_is(L, &L->t[start], "search")) {
            finding(L, at, "'| search' (pySigma's invalid `| search OR` trap): never emitted");
        } else if (word_is(L, &L->t[start], "where")) {
            if (i == start + 1)
                finding(L, at, "empty where");
            else
                check_expr(L, start + 1, i, true);
        } else if (word_is(L, &L->t[start], "regex")) {
            /* regex FIELD="…" | regex FIELD!="…" | regex "…" */
            size_t n = i - start - 1;
            const tok *a = &L->t[start + 1];
            bool ok = (n == 1 && a->k == T_STR) ||
                      (n == 2 && a->k == T_WORD && L->t[start + 2].k == T_STR &&
                       L->t[start + 2].glued && a->len > 1 &&
                       L->buf[a->off + a->len - 1] == '=');
            if (!ok)
                finding(L, at, "regex takes one FIELD=\"regex\"");
        } else {
            finding(L, at, "unexpected command after '|'");
        }
        first = false;
        start = i + 1;
    }
    /* each subsearch of a multisearch is a query (tokens are reused) */
    if (nsubs > sizeof subs / sizeof subs[0])
        nsubs = sizeof subs / sizeof subs[0];
    for (size_t k = 0; k < nsubs; k++) {
        L->queries--;
        L->tagged = true;
        check_query(L, subs[k][0], subs[k][1]);
        L->tagged = false;
    }
}

/* Split the text at ``` comments: each query is what follows one. */
static void lint_text(lint *L)
{
    const char *s = L->buf;
    size_t n = L->len, q = 0, hb = 0, he = 0;
    bool any = false;
    for (size_t i = 0; i < n;) {
        bool bol = i == 0 || s[i - 1] == '\n';
        if (bol && n - i >= 3 && !memcmp(s + i, "```", 3)) {
            if (any) {
                L->hdr_b = hb;
                L->hdr_e = he;
                check_query(L, q, i);
            }
            const char *end = NULL;
            for (size_t j = i + 3; j + 3 <= n; j++)
                if (!memcmp(s + j, "```", 3)) {
                    end = s + j;
                    break;
                }
            if (!end) {
                finding(L, i, "unterminated ``` comment");
                return;
            }
            hb = i + 3;
            he = (size_t)(end - s);
            i = (size_t)(end - s) + 3;
            q = i;
            any = true;
            continue;
        }
        i++;
    }
    L->hdr_b = hb;
    L->hdr_e = he;
    if (any)
        check_query(L, q, n);
    else if (n)
        check_query(L, 0, n); /* a bare query without a header */
}

static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    size_t got;
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
        }
    }
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    lint L = {0};
    size_t total_findings = 0, total_queries = 0;
    int rc = 0;
    if (argc > 1 && !strcmp(argv[1], "--tokens")) {
        L.dump = true;
        argv[1] = argv[0];
        argc--;
        argv++;
    }
    for (int i = 1; i < argc || (argc == 1 && i == 1); i++) {
        const char *path = argc == 1 ? "-" : argv[i];
        FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
        if (!f) {
            perror(path);
            rc = 2;
            continue;
        }
        size_t len;
        char *buf = slurp(f, &len);
        if (f != stdin)
            fclose(f);
        if (!buf) {
            fprintf(stderr, "%s: out of memory\n", path);
            rc = 2;
            continue;
        }
        L.file = argc == 1 ? "<stdin>" : path;
        L.buf = buf;
        L.len = len;
        L.findings = L.queries = 0;
        lint_text(&L);
        total_findings += L.findings;
        total_queries += L.queries;
        free(buf);
    }
    free(L.t);
    fprintf(stderr, "spl_lint: %zu queries, %zu findings\n", total_queries, total_findings);
    if (rc)
        return rc;
    return total_findings ? 1 : 0;
}
