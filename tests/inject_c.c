/* inject_c.c - the driver tests/inject.sh compiles with the C that
 * `sigmacc compile -t c` wrote for the injection rules (rules.c, rules.h).
 *
 *   inject_c EVENTS
 *
 * Each line of EVENTS (written by inject_gen.py) is one event and what one
 * rule must do with it:
 *
 *   E RULE-ID WANT N NAME=HEX ... (N fields, values as hex bytes)
 *
 * WANT 1: the rule matches the event (its fields hold the rule's own
 * values); WANT 0: it does not (one value has a byte changed). A literal
 * whose bytes did not survive the C string literal exactly cannot do both.
 * Prints a line per wrong answer and a summary; exits 1 on any. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FIELDS = 64 };

typedef struct event {
    size_t n;
    char *name[MAX_FIELDS];
    char *val[MAX_FIELDS];
    size_t len[MAX_FIELDS];
} event;

static int get(void *ev, const char *field, size_t field_len, sigma_value *out)
{
    const event *e = ev;
    for (size_t i = 0; i < e->n; i++)
        if (strlen(e->name[i]) == field_len && !memcmp(e->name[i], field, field_len)) {
            memset(out, 0, sizeof *out);
            out->type = SIGMA_V_STRING;
            out->str = e->val[i];
            out->len = e->len[i];
            return 1;
        }
    return 0;
}

typedef struct want {
    const char *id;
    int hit;
} want;

static int on_match(void *user, const sigma_rule_info *r)
{
    want *w = user;
    if (r->id && !strcmp(r->id, w->id))
        w->hit = 1;
    return 0;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* NAME=HEX in place: name and bytes (not NUL-terminated: values may hold NUL). */
static int field(char *tok, char **name, char **val, size_t *len)
{
    char *eq = strchr(tok, '=');
    if (!eq)
        return -1;
    *eq = 0;
    *name = tok;
    char *h = eq + 1, *w = h;
    size_t n = strlen(h);
    if (n % 2)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int a = hexval(h[i]), b = hexval(h[i + 1]);
        if (a < 0 || b < 0)
            return -1;
        *w++ = (char)(a * 16 + b);
    }
    *val = h;
    *len = n / 2;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: inject_c EVENTS\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    sigma_accessor acc = {get, NULL, NULL};
    char *line = NULL;
    size_t cap = 0, lineno = 0, events = 0, pos = 0, neg = 0, wrong = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        event e = {0};
        char *save = NULL;
        char *tag = strtok_r(line, " \n", &save);
        char *id = strtok_r(NULL, " \n", &save);
        char *wants = strtok_r(NULL, " \n", &save);
        char *count = strtok_r(NULL, " \n", &save);
        if (!tag || strcmp(tag, "E") || !id || !wants || !count ||
            (e.n = strtoul(count, NULL, 10)) > MAX_FIELDS) {
            fprintf(stderr, "%s:%zu: bad line\n", argv[1], lineno);
            free(line);
            fclose(f);
            return 2;
        }
        for (size_t i = 0; i < e.n; i++) {
            char *tok = strtok_r(NULL, " \n", &save);
            if (!tok || field(tok, &e.name[i], &e.val[i], &e.len[i]) != 0) {
                fprintf(stderr, "%s:%zu: bad field\n", argv[1], lineno);
                free(line);
                fclose(f);
                return 2;
            }
        }
        want w = {id, 0};
        if (sigma_generated_match(&acc, &e, on_match, &w) < 0) {
            fprintf(stderr, "%s:%zu: the matcher failed\n", argv[1], lineno);
            wrong++;
            continue;
        }
        int expect = wants[0] == '1';
        events++;
        expect ? pos++ : neg++;
        if (w.hit != expect) {
            if (wrong < 30)
                printf("FAIL c: %s:%zu: rule %s %s\n", argv[1], lineno, id,
                       expect ? "does not match its own values" : "matches a changed value");
            wrong++;
        }
    }
    free(line);
    fclose(f);
    printf("c: %zu events (%zu must match, %zu must not), %zu wrong\n", events, pos, neg, wrong);
    return wrong || !events ? 1 : 0;
}
