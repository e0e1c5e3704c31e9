/* suricata_net.c - header addresses and ports as sets.
 *
 * A Suricata header side takes `any`, an address, a list `[a,b]`, and `!`
 * (`[10.0.0.0/8,!10.1.0.0/16]` is the first minus the second). CIDR blocks
 * nest or are disjoint, so "union of blocks minus union of blocks" is closed
 * under AND; an OR with a negation inside is not, and is left to the DNF.
 * Ports are plain interval sets: every combination can be written. */
#include "suricata.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* ---- CIDR blocks ----------------------------------------------------------------- */

static bool prefix_eq(const sc_cidr *x, const sc_cidr *y, unsigned bits)
{
    if (x->family != y->family)
        return false;
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(x->a, y->a, full) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t m = (uint8_t)(0xff << (8 - rest));
    return (x->a[full] & m) == (y->a[full] & m);
}

/* y lies inside x */
static bool cidr_contains(const sc_cidr *x, const sc_cidr *y)
{
    return x->family == y->family && x->prefix <= y->prefix && prefix_eq(x, y, x->prefix);
}

static void cidr_mask(sc_cidr *c)
{
    unsigned len = c->family == 4 ? 4 : 16;
    for (unsigned i = 0; i < len; i++) {
        unsigned lo = i * 8;
        if (lo >= c->prefix)
            c->a[i] = 0;
        else if (c->prefix < lo + 8)
            c->a[i] &= (uint8_t)(0xff << (lo + 8 - c->prefix));
    }
}

/* "10." "192.168." "172.16.5." -> a block on octet boundaries */
static bool octet_prefix(const char *s, size_t n, sc_cidr *c)
{
    memset(c, 0, sizeof *c);
    c->family = 4;
    unsigned k = 0, v = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
            v = v * 10 + (unsigned)(s[i] - '0');
            digits++;
        } else if (s[i] == '.' && digits && v <= 255 && k < 3) {
            c->a[k++] = (uint8_t)v;
            v = digits = 0;
        } else {
            return false;
        }
    }
    if (digits || !k)
        return false;
    c->prefix = 8 * k;
    return true;
}

static bool leaf_cidr(sc_ctx *cx, const ir_test *t, sc_cidr *c)
{
    memset(c, 0, sizeof *c);
    if (t->kind == IR_T_CIDR) {
        c->family = t->family;
        memcpy(c->a, t->addr, 16);
        c->prefix = t->prefix;
        cidr_mask(c);
        return true;
    }
    const char *s;
    size_t n;
    if (t->kind == IR_T_STR && ir_segs_literal(t->segs, t->nsegs, &s, &n) && n && n < 64) {
        char buf[64];
        memcpy(buf, s, n);
        buf[n] = 0;
        if (t->mode == IR_STR_EXACT) {
            if (inet_pton(AF_INET, buf, c->a) == 1) {
                c->family = 4;
                c->prefix = 32;
                return true;
            }
            if (inet_pton(AF_INET6, buf, c->a) == 1) {
                c->family = 6;
                c->prefix = 128;
                return true;
            }
        } else if (t->mode == IR_STR_STARTSWITH && octet_prefix(s, n, c)) {
            return true;
        }
    }
    sc_fail(cx, t->pos,
            "%s: Suricata header addresses take an address, a CIDR block (|cidr) or an "
            "IPv4 octet prefix such as '10.' (startswith), not this value",
            sc_name(cx, t->field));
    return false;
}

static bool push(sc_ctx *cx, sc_cidr **v, size_t *n, const sc_cidr *c)
{
    sc_cidr *w = sg_arena_grow(cx->a, *v, *n, *n + 1, sizeof *w);
    if (!w) {
        sc_oom(cx);
        return false;
    }
    w[(*n)++] = *c;
    *v = w;
    return true;
}

bool sc_addr_and(sc_ctx *cx, sc_addrset *x, const sc_addrset *y)
{
    if (x->any) {
        x->pos = NULL;
        x->npos = 0;
        for (size_t i = 0; i < y->npos; i++)
            if (!push(cx, &x->pos, &x->npos, &y->pos[i]))
                return false;
        x->any = y->any;
    } else if (!y->any) {
        sc_cidr *old = x->pos;
        size_t nold = x->npos;
        x->pos = NULL;
        x->npos = 0;
        for (size_t i = 0; i < nold; i++)
            for (size_t j = 0; j < y->npos; j++) {
                if (cidr_contains(&old[i], &y->pos[j])) {
                    if (!push(cx, &x->pos, &x->npos, &y->pos[j]))
                        return false;
                } else if (cidr_contains(&y->pos[j], &old[i])) {
                    if (!push(cx, &x->pos, &x->npos, &old[i]))
                        return false;
                }
            }
    }
    for (size_t i = 0; i < y->nneg; i++)
        if (!push(cx, &x->neg, &x->nneg, &y->neg[i]))
            return false;
    return true;
}

bool sc_addr_eval(sc_ctx *cx, const sc_node *n, sc_addrset *out, bool *ok)
{
    memset(out, 0, sizeof *out);
    if (n->kind == SC_N_LEAF) {
        sc_cidr c;
        if (!leaf_cidr(cx, n->test, &c))
            return *ok = false;
        out->any = n->neg;
        return push(cx, n->neg ? &out->neg : &out->pos, n->neg ? &out->nneg : &out->npos, &c) ||
               (*ok = false);
    }
    if (n->kind == SC_N_AND) {
        out->any = true;
        for (size_t i = 0; i < n->nkids; i++) {
            sc_addrset k;
            if (!sc_addr_eval(cx, n->kids[i], &k, ok) || !sc_addr_and(cx, out, &k))
                return *ok = false;
        }
        return true;
    }
    if (n->kind == SC_N_OR) {
        for (size_t i = 0; i < n->nkids; i++) {
            sc_addrset k;
            if (!sc_addr_eval(cx, n->kids[i], &k, ok))
                return false;
            if (k.nneg) /* (a minus b) OR c: not a Suricata list */
                return *ok = false;
            out->any |= k.any;
            for (size_t j = 0; j < k.npos; j++)
                if (!push(cx, &out->pos, &out->npos, &k.pos[j]))
                    return *ok = false;
        }
        if (out->any)
            out->npos = 0;
        return true;
    }
    return *ok = false;
}

/* Drop blocks inside other blocks of the same list. */
static void dedupe(sc_cidr *v, size_t *n)
{
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        bool covered = false;
        for (size_t j = 0; j < *n && !covered; j++)
            if (j != i && cidr_contains(&v[j], &v[i]) &&
                (v[j].prefix < v[i].prefix || j < i))
                covered = true;
        if (!covered)
            v[m++] = v[i];
    }
    *n = m;
}

bool sc_addr_normalise(sc_addrset *s)
{
    dedupe(s->pos, &s->npos);
    dedupe(s->neg, &s->nneg);
    if (s->any)
        return true;
    size_t m = 0;
    for (size_t i = 0; i < s->npos; i++) {
        bool removed = false;
        for (size_t j = 0; j < s->nneg && !removed; j++)
            removed = cidr_contains(&s->neg[j], &s->pos[i]);
        if (!removed)
            s->pos[m++] = s->pos[i];
    }
    s->npos = m;
    /* a negation outside every positive block changes nothing */
    m = 0;
    for (size_t j = 0; j < s->nneg; j++) {
        bool inside = false;
        for (size_t i = 0; i < s->npos && !inside; i++)
            inside = cidr_contains(&s->pos[i], &s->neg[j]);
        if (inside)
            s->neg[m++] = s->neg[j];
    }
    s->nneg = m;
    return s->npos > 0;
}

static void print_cidr(const sc_cidr *c, sg_strbuf *out)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->a, buf, sizeof buf);
    sg_sb_puts(out, buf);
    if (c->prefix != (c->family == 4 ? 32u : 128u))
        sg_sb_printf(out, "/%u", c->prefix);
}

static void print_list(const sc_cidr *v, size_t n, const char *mark, sg_strbuf *out, bool *first)
{
    for (size_t i = 0; i < n; i++) {
        if (!*first)
            sg_sb_putc(out, ',');
        *first = false;
        sg_sb_puts(out, mark);
        print_cidr(&v[i], out);
    }
}

void sc_addr_print(const sc_addrset *s, sg_strbuf *out)
{
    bool first = true;
    if (s->any) {
        if (!s->nneg) {
            sg_sb_puts(out, "any");
        } else if (s->nneg == 1) {
            sg_sb_putc(out, '!');
            print_cidr(&s->neg[0], out);
        } else {
            sg_sb_puts(out, "![");
            print_list(s->neg, s->nneg, "", out, &first);
            sg_sb_putc(out, ']');
        }
        return;
    }
    if (s->npos == 1 && !s->nneg) {
        print_cidr(&s->pos[0], out);
        return;
    }
    sg_sb_putc(out, '[');
    print_list(s->pos, s->npos, "", out, &first);
    print_list(s->neg, s->nneg, "!", out, &first);
    sg_sb_putc(out, ']');
}

/* ---- ports ---------------------------------------------------------------------------- */

#define PORT_MAX 65535u

static bool set1(sc_ctx *cx, sc_portset *s, uint32_t lo, uint32_t hi)
{
    s->n = 0;
    s->iv = sg_arena_alloc(cx->a, sizeof *s->iv);
    if (!s->iv) {
        sc_oom(cx);
        return false;
    }
    if (lo <= hi) {
        s->iv[0][0] = lo;
        s->iv[0][1] = hi;
        s->n = 1;
    }
    return true;
}

bool sc_port_all(sc_ctx *cx, sc_portset *out)
{
    return set1(cx, out, 0, PORT_MAX);
}

bool sc_port_is_all(const sc_portset *s)
{
    return s->n == 1 && s->iv[0][0] == 0 && s->iv[0][1] == PORT_MAX;
}

static bool complement(sc_ctx *cx, const sc_portset *x, sc_portset *out)
{
    out->iv = sg_arena_alloc(cx->a, (x->n + 1) * sizeof *out->iv);
    out->n = 0;
    if (!out->iv) {
        sc_oom(cx);
        return false;
    }
    uint32_t next = 0;
    for (size_t i = 0; i < x->n; i++) {
        if (x->iv[i][0] > next) {
            out->iv[out->n][0] = next;
            out->iv[out->n++][1] = x->iv[i][0] - 1;
        }
        next = x->iv[i][1] + 1;
    }
    if (next <= PORT_MAX) {
        out->iv[out->n][0] = next;
        out->iv[out->n++][1] = PORT_MAX;
    }
    return true;
}

bool sc_port_and(sc_ctx *cx, sc_portset *x, const sc_portset *y)
{
    sc_portset r;
    r.n = 0;
    r.iv = sg_arena_alloc(cx->a, (x->n + y->n + 1) * sizeof *r.iv);
    if (!r.iv) {
        sc_oom(cx);
        return false;
    }
    size_t i = 0, j = 0;
    while (i < x->n && j < y->n) {
        uint32_t lo = x->iv[i][0] > y->iv[j][0] ? x->iv[i][0] : y->iv[j][0];
        uint32_t hi = x->iv[i][1] < y->iv[j][1] ? x->iv[i][1] : y->iv[j][1];
        if (lo <= hi) {
            r.iv[r.n][0] = lo;
            r.iv[r.n++][1] = hi;
        }
        if (x->iv[i][1] < y->iv[j][1])
            i++;
        else
            j++;
    }
    *x = r;
    return true;
}

static bool port_or(sc_ctx *cx, sc_portset *x, const sc_portset *y)
{
    /* x or y = not (not x and not y) */
    sc_portset nx, ny, r;
    if (!complement(cx, x, &nx) || !complement(cx, y, &ny) || !sc_port_and(cx, &nx, &ny) ||
        !complement(cx, &nx, &r))
        return false;
    *x = r;
    return true;
}

static bool leaf_ports(sc_ctx *cx, const ir_test *t, sc_portset *s)
{
    const char *str;
    size_t n;
    if (t->kind == IR_T_NUM && t->num.is_int) {
        int64_t v = t->num.i;
        int64_t lo = 0, hi = PORT_MAX;
        switch (t->op) {
        case IR_NUM_EQ: lo = hi = v; break;
        case IR_NUM_LT: hi = v - 1; break;
        case IR_NUM_LTE: hi = v; break;
        case IR_NUM_GT: lo = v + 1; break;
        case IR_NUM_GTE: lo = v; break;
        }
        if (lo < 0)
            lo = 0;
        if (hi > (int64_t)PORT_MAX)
            hi = PORT_MAX;
        return set1(cx, s, lo > hi ? 1 : (uint32_t)lo, lo > hi ? 0 : (uint32_t)hi);
    }
    if (t->kind == IR_T_STR && t->mode == IR_STR_EXACT &&
        ir_segs_literal(t->segs, t->nsegs, &str, &n) && n && n <= 5) {
        uint32_t v = 0;
        size_t i;
        for (i = 0; i < n && str[i] >= '0' && str[i] <= '9'; i++)
            v = v * 10 + (uint32_t)(str[i] - '0');
        if (i == n)
            return v <= PORT_MAX ? set1(cx, s, v, v) : set1(cx, s, 1, 0);
    }
    sc_fail(cx, t->pos, "%s: a Suricata header port is a number (or a range from "
            "|gt, |gte, |lt, |lte), not this value", sc_name(cx, t->field));
    return false;
}

bool sc_port_eval(sc_ctx *cx, const sc_node *n, sc_portset *out)
{
    if (n->kind == SC_N_LEAF) {
        sc_portset s;
        if (!leaf_ports(cx, n->test, &s))
            return false;
        if (!n->neg) {
            *out = s;
            return true;
        }
        return complement(cx, &s, out);
    }
    bool is_and = n->kind == SC_N_AND;
    if (is_and ? !sc_port_all(cx, out) : !set1(cx, out, 1, 0))
        return false;
    for (size_t i = 0; i < n->nkids; i++) {
        sc_portset k;
        if (!sc_port_eval(cx, n->kids[i], &k))
            return false;
        if (is_and ? !sc_port_and(cx, out, &k) : !port_or(cx, out, &k))
            return false;
    }
    return true;
}

static void print_ranges(const sc_portset *s, sg_strbuf *out)
{
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            sg_sb_putc(out, ',');
        uint32_t lo = s->iv[i][0], hi = s->iv[i][1];
        if (lo == hi)
            sg_sb_printf(out, "%u", lo);
        else if (hi == PORT_MAX)
            sg_sb_printf(out, "%u:", lo);
        else
            sg_sb_printf(out, "%u:%u", lo, hi);
    }
}

void sc_port_print(const sc_portset *s, sg_strbuf *out)
{
    if (sc_port_is_all(s)) {
        sg_sb_puts(out, "any");
        return;
    }
    /* the complement, negated, when that is shorter: ![80,443] */
    uint32_t next = 0;
    size_t ncomp = 0;
    for (size_t i = 0; i < s->n; i++) {
        ncomp += s->iv[i][0] > next;
        next = s->iv[i][1] + 1;
    }
    ncomp += next <= PORT_MAX;
    if (ncomp < s->n && ncomp <= 64) {
        uint32_t buf[64][2];
        sc_portset c = {buf, 0};
        next = 0;
        for (size_t i = 0; i < s->n; i++) {
            if (s->iv[i][0] > next) {
                c.iv[c.n][0] = next;
                c.iv[c.n++][1] = s->iv[i][0] - 1;
            }
            next = s->iv[i][1] + 1;
        }
        if (next <= PORT_MAX) {
            c.iv[c.n][0] = next;
            c.iv[c.n++][1] = PORT_MAX;
        }
        sg_sb_puts(out, c.n > 1 ? "![" : "!");
        print_ranges(&c, out);
        if (c.n > 1)
            sg_sb_putc(out, ']');
        return;
    }
    if (s->n > 1)
        sg_sb_putc(out, '[');
    print_ranges(s, out);
    if (s->n > 1)
        sg_sb_putc(out, ']');
}
