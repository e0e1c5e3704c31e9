/* c_dispatch.c - the entry points of generated C and their dispatch tables
 * (see c_dispatch.h). */
#include "c_dispatch.h"
#include "c_atoms.h"
#include "c_intern.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Dispatch fields: at most this many, each pinned by at least MIN_RULES. */
#define MAX_KINDS 2
#define MIN_RULES 2
/* Beyond these (key combinations; rule numbers over all combinations)
 * the last dispatch field is dropped: tables would outgrow their use. */
#define MAX_COMBOS 65536
#define MAX_ENTRIES ((size_t)1 << 22)

/* ---- recording ------------------------------------------------------------------------------ */

static void rule_free(sg_crule *r)
{
    for (unsigned i = 0; i < 2; i++)
        sg_free(r->guard[i].keys);
    sg_free(r->atoms);
}

sigma_status sg_cdisp_add(sg_cdisp *d, const sg_crule *r)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        sg_crule *v = sg_realloc(d->rules, cap * sizeof *v);
        if (!v)
            return SIGMA_ENOMEM;
        d->rules = v;
        d->cap = cap;
    }
    sg_crule c = *r;
    bool ok = true;
    for (unsigned i = 0; i < 2; i++) {
        c.guard[i].keys = NULL;
        if (i >= c.nguards || !c.guard[i].nkeys)
            continue;
        size_t sz = c.guard[i].nkeys * sizeof(uint64_t);
        if ((c.guard[i].keys = sg_malloc(sz)) != NULL)
            memcpy(c.guard[i].keys, r->guard[i].keys, sz);
        ok &= c.guard[i].keys != NULL;
    }
    c.atoms = NULL;
    if (c.natoms) {
        if ((c.atoms = sg_malloc(c.natoms * sizeof *c.atoms)) != NULL)
            memcpy(c.atoms, r->atoms, c.natoms * sizeof *c.atoms);
        ok &= c.atoms != NULL;
    }
    if (!ok) {
        rule_free(&c);
        return SIGMA_ENOMEM;
    }
    d->rules[d->n++] = c;
    return SIGMA_OK;
}

void sg_cdisp_free(sg_cdisp *d)
{
    for (size_t i = 0; i < d->n; i++)
        rule_free(&d->rules[i]);
    sg_free(d->rules);
    d->rules = NULL;
    d->n = d->cap = 0;
}

/* ---- dispatch fields ------------------------------------------------------------------------ */

/* A dispatch field: guards of one field and one kind of key, the sorted
 * union of their keys. */
typedef struct dkind {
    size_t field;
    bool num;
    size_t rules; /* how many rules pin it */
    uint64_t *keys;
    size_t nkeys;
} dkind;

static bool same_kind(const sg_cguard *g, const dkind *k)
{
    return g->field == k->field && g->num == k->num;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The dispatch fields: the guard kinds most rules pin, most first. */
static size_t choose_kinds(const sg_cdisp *d, dkind out[MAX_KINDS], bool *oom)
{
    dkind *all = NULL;
    size_t n = 0, cap = 0, nout = 0;
    *oom = false;
    for (size_t r = 0; r < d->n; r++) {
        const sg_crule *ru = &d->rules[r];
        for (unsigned i = 0; i < ru->nguards; i++) {
            size_t k = 0;
            while (k < n && !same_kind(&ru->guard[i], &all[k]))
                k++;
            if (k == n) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 8;
                    dkind *v = sg_realloc(all, cap * sizeof *v);
                    if (!v) {
                        *oom = true;
                        sg_free(all);
                        return 0;
                    }
                    all = v;
                }
                all[n++] = (dkind){ru->guard[i].field, ru->guard[i].num, 0, NULL, 0};
            }
            /* a rule counts once per kind (two guards may share one) */
            if (i == 0 || !same_kind(&ru->guard[0], &all[k]))
                all[k].rules++;
        }
    }
    while (nout < MAX_KINDS) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < n; k++)
            if (all[k].rules >= MIN_RULES && (best == SIZE_MAX || all[k].rules > all[best].rules))
                best = k;
        if (best == SIZE_MAX)
            break;
        out[nout++] = all[best];
        all[best].rules = 0;
    }
    sg_free(all);
    /* the keys of each: sorted, without repeats */
    for (size_t j = 0; j < nout; j++) {
        size_t total = 0, m = 0;
        for (size_t r = 0; r < d->n; r++)
            for (unsigned i = 0; i < d->rules[r].nguards; i++)
                if (same_kind(&d->rules[r].guard[i], &out[j]))
                    total += d->rules[r].guard[i].nkeys;
        uint64_t *keys = sg_malloc((total ? total : 1) * sizeof *keys);
        if (!keys) {
            *oom = true;
            for (size_t k = 0; k < j; k++)
                sg_free(out[k].keys);
            return 0;
        }
        for (size_t r = 0; r < d->n; r++)
            for (unsigned i = 0; i < d->rules[r].nguards; i++)
                if (same_kind(&d->rules[r].guard[i], &out[j])) {
                    memcpy(keys + m, d->rules[r].guard[i].keys,
                           d->rules[r].guard[i].nkeys * sizeof *keys);
                    m += d->rules[r].guard[i].nkeys;
                }
        qsort(keys, m, sizeof *keys, cmp_u64);
        size_t u = 0;
        for (size_t i = 0; i < m; i++)
            if (!u || keys[u - 1] != keys[i])
                keys[u++] = keys[i];
        out[j].keys = keys;
        out[j].nkeys = u;
    }
    return nout;
}

/* allowed[0..k->nkeys]: which values of dispatch field k (nkeys: none of
 * the keys, or absent) leave rule r's guards of that kind true. Returns
 * how many, and *decided gets the guards dispatch decides. */
static size_t allowed_values(const sg_crule *r, const dkind *k, unsigned char *allowed,
                             unsigned *decided)
{
    size_t n = 0;
    memset(allowed, 1, k->nkeys + 1);
    for (unsigned i = 0; i < r->nguards; i++) {
        if (!same_kind(&r->guard[i], k))
            continue;
        *decided |= 1u << i;
        allowed[k->nkeys] = 0;
        for (size_t v = 0; v < k->nkeys; v++) {
            bool in = false;
            for (size_t g = 0; g < r->guard[i].nkeys && !in; g++)
                in = r->guard[i].keys[g] == k->keys[v];
            allowed[v] &= in;
        }
    }
    for (size_t v = 0; v <= k->nkeys; v++)
        n += allowed[v];
    return n;
}

/* ---- the tables ----------------------------------------------------------------------------- */

typedef struct tables {
    dkind kind[MAX_KINDS];
    size_t nkinds;
    size_t ncombos;
    unsigned char *chk; /* per rule: bit i, guard i is still to check */
    size_t *combo_group;
    sg_intern groups; /* a group: its rule numbers (uint32_t each) as bytes */
    /* the prefilter: fields with atoms (afields), and per rule which */
    size_t naf;
    size_t *af_field;   /* afield -> field slot */
    size_t *field_af;   /* field slot -> afield, SIZE_MAX none */
    size_t nslots;
} tables;

static void tables_free(tables *t)
{
    for (size_t j = 0; j < t->nkinds; j++)
        sg_free(t->kind[j].keys);
    sg_free(t->chk);
    sg_free(t->combo_group);
    sg_intern_free(&t->groups);
    sg_free(t->af_field);
    sg_free(t->field_af);
}

/* Per combination of dispatch values, its rules, grouped; false when the
 * combinations exceed the limits (then try with fewer kinds). */
static sigma_status build_groups(const sg_cdisp *d, tables *t, bool *fits)
{
    sigma_status st = SIGMA_ENOMEM;
    size_t n1 = t->nkinds > 1 ? t->kind[1].nkeys + 1 : 1;
    size_t n0 = t->nkinds > 0 ? t->kind[0].nkeys + 1 : 1;
    unsigned char *al[MAX_KINDS] = {NULL, NULL};
    size_t *count = NULL, *at = NULL;
    uint32_t *ent = NULL;
    size_t total = 0;
    *fits = false;
    if (n0 > MAX_COMBOS / n1)
        return SIGMA_OK;
    t->ncombos = n0 * n1;
    for (size_t j = 0; j < t->nkinds; j++)
        if (!(al[j] = sg_malloc(t->kind[j].nkeys + 1)))
            goto out;
    if (!(count = sg_calloc(t->ncombos + 1, sizeof *count)) ||
        !(t->chk = sg_calloc(d->n ? d->n : 1, 1)))
        goto out;
    /* two passes over the rules: count per combination, then fill */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < d->n; r++) {
            unsigned decided = 0;
            size_t prod = 1;
            for (size_t j = 0; j < t->nkinds; j++)
                prod *= allowed_values(&d->rules[r], &t->kind[j], al[j], &decided);
            t->chk[r] = (unsigned char)(3u & ~decided);
            if (pass == 0 && (total += prod) > MAX_ENTRIES) {
                st = SIGMA_OK; /* does not fit */
                goto out;
            }
            for (size_t i0 = 0; i0 < n0 && prod; i0++) {
                if (t->nkinds > 0 && !al[0][i0])
                    continue;
                for (size_t i1 = 0; i1 < n1; i1++) {
                    size_t c = i0 * n1 + i1;
                    if (t->nkinds > 1 && !al[1][i1])
                        continue;
                    if (pass == 0)
                        count[c + 1]++;
                    else
                        ent[at[c]++] = (uint32_t)r;
                }
            }
        }
        if (pass == 0) {
            for (size_t c = 0; c < t->ncombos; c++)
                count[c + 1] += count[c];
            if (!(at = sg_malloc((t->ncombos + 1) * sizeof *at)) ||
                !(ent = sg_malloc((total ? total : 1) * sizeof *ent)))
                goto out;
            memcpy(at, count, (t->ncombos + 1) * sizeof *at);
        }
    }
    if (!(t->combo_group = sg_malloc(t->ncombos * sizeof *t->combo_group)))
        goto out;
    for (size_t c = 0; c < t->ncombos; c++) {
        bool fresh;
        size_t g = sg_intern_get(&t->groups, (const char *)(ent + count[c]),
                                 (count[c + 1] - count[c]) * sizeof *ent, &fresh);
        if (g == SIZE_MAX)
            goto out;
        t->combo_group[c] = g;
    }
    *fits = true;
    st = SIGMA_OK;
out:
    for (size_t j = 0; j < MAX_KINDS; j++)
        sg_free(al[j]);
    sg_free(count);
    sg_free(at);
    sg_free(ent);
    return st;
}

/* ---- output --------------------------------------------------------------------------------- */

/* "{a, b, ...}" of n numbers (one 0 when n is 0: C has no empty arrays). */
static void put_array(sg_strbuf *out, const char *decl, size_t n, uint64_t (*at)(const void *, size_t),
                      const void *ctx, const char *suffix)
{
    sg_sb_printf(out, "%s[%zu] = {", decl, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        sg_sb_puts(out, i % 12 ? " " : "\n    ");
        sg_sb_putu(out, at(ctx, i));
        sg_sb_puts(out, suffix);
        sg_sb_putc(out, ',');
    }
    sg_sb_puts(out, n ? "\n};\n" : "0};\n");
}

static uint64_t at_u64(const void *p, size_t i)
{
    return ((const uint64_t *)p)[i];
}

static uint64_t at_uchar(const void *p, size_t i)
{
    return ((const unsigned char *)p)[i];
}

static uint64_t at_size(const void *p, size_t i)
{
    return ((const size_t *)p)[i];
}

static uint64_t at_u32(const void *p, size_t i)
{
    return ((const uint32_t *)p)[i];
}

static void emit_tables(const sg_cdisp *d, const tables *t, sg_strbuf *out)
{
    sg_sb_printf(out, "/* ---- dispatch --------------------------------------------------------------------- */\n\n"
                      "#define SGC_NRULES %zu\n", d->n);
    sg_sb_printf(out, "static const sgc_node *const sgc_rule_tab[%zu] = {", d->n ? d->n : 1);
    for (size_t r = 0; r < d->n; r++)
        sg_sb_printf(out, "%s&sgc_node_%zu,", r % 6 ? " " : "\n    ", r);
    sg_sb_puts(out, d->n ? "\n};\n" : "NULL};\n");
    sg_sb_puts(out, "/* per rule, bit i: guard i is still to check once dispatch chose its group */\n");
    put_array(out, "static const unsigned char sgc_rule_chk", d->n, at_uchar, t->chk, "");
    for (size_t j = 0; j < t->nkinds; j++) {
        char decl[64];
        snprintf(decl, sizeof decl, "static const uint64_t sgc_dkeys%zu", j);
        put_array(out, decl, t->kind[j].nkeys, at_u64, t->kind[j].keys, "ull");
    }
    if (t->nkinds) {
        sg_sb_printf(out, "static const sgc_dfield sgc_disp[%zu] = {\n", t->nkinds);
        for (size_t j = 0; j < t->nkinds; j++)
            sg_sb_printf(out, "    {&sgc_f%zu, %d, %zu, sgc_dkeys%zu},\n", t->kind[j].field,
                         t->kind[j].num ? 1 : 0, t->kind[j].nkeys, j);
        sg_sb_puts(out, "};\n");
    }
    /* groups: their rule numbers end to end, and where each starts */
    size_t ng = t->groups.n, total = 0;
    size_t *start = sg_malloc((ng + 1) * sizeof *start);
    if (!start) {
        out->failed = true;
        return;
    }
    for (size_t g = 0; g < ng; g++) {
        start[g] = total;
        total += t->groups.lens[g] / sizeof(uint32_t);
    }
    start[ng] = total;
    sg_sb_puts(out, "/* the group of each combination of dispatch values (the last value of\n"
                    " * each field: none of its keys), and the rules of each group */\n");
    put_array(out, "static const unsigned sgc_combo", t->ncombos, at_size, t->combo_group, "u");
    put_array(out, "static const unsigned sgc_group_at", ng + 1, at_size, start, "u");
    sg_sb_printf(out, "static const unsigned sgc_group_rules[%zu] = {", total ? total : 1);
    size_t k = 0;
    for (size_t g = 0; g < ng; g++) {
        const uint32_t *v = (const uint32_t *)(const void *)t->groups.keys[g];
        for (size_t i = 0; i < t->groups.lens[g] / sizeof(uint32_t); i++, k++)
            sg_sb_printf(out, "%s%lluu,", k % 12 ? " " : "\n    ", (unsigned long long)at_u32(v, i));
    }
    sg_sb_puts(out, total ? "\n};\n\n" : "0};\n\n");
    sg_free(start);
}

/* ---- the prefilter -------------------------------------------------------------------------- */

/* An atom of the prefilter: key sequence, rule, the other two. */
typedef struct post {
    unsigned key, rule, g1, g2;
} post;

static int cmp_post(const void *a, const void *b)
{
    const post *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Number the fields that have atoms (afields). */
static sigma_status afields(const sg_cdisp *d, tables *t)
{
    for (size_t r = 0; r < d->n; r++)
        for (size_t i = 0; i < d->rules[r].natoms; i++)
            if (d->rules[r].atoms[i].field + 1 > t->nslots)
                t->nslots = d->rules[r].atoms[i].field + 1;
    if (!(t->field_af = sg_malloc((t->nslots + 1) * sizeof *t->field_af)) ||
        !(t->af_field = sg_malloc((t->nslots + 1) * sizeof *t->af_field)))
        return SIGMA_ENOMEM;
    for (size_t f = 0; f < t->nslots; f++)
        t->field_af[f] = SIZE_MAX;
    for (size_t r = 0; r < d->n; r++)
        for (size_t i = 0; i < d->rules[r].natoms; i++) {
            size_t f = d->rules[r].atoms[i].field;
            if (t->field_af[f] == SIZE_MAX) {
                t->af_field[t->naf] = f;
                t->field_af[f] = t->naf++;
            }
        }
    return SIGMA_OK;
}

/* One afield's tables: sgc_ak<a> (its keys as a bit set), sgc_ar<a> (the
 * keys before each byte of it), sgc_aa<a> (where each key's atoms start),
 * sgc_ap<a> (atoms), sgc_al<a> (all its rules). */
static sigma_status emit_afield(const sg_cdisp *d, const tables *t, size_t a, sg_strbuf *out,
                                sg_strbuf *rows)
{
    size_t field = t->af_field[a], np = 0, nall = 0, cap = 0;
    for (size_t r = 0; r < d->n; r++)
        for (size_t i = 0; i < d->rules[r].natoms; i++)
            cap += d->rules[r].atoms[i].field == field;
    post *p = sg_malloc(cap * sizeof *p);
    uint64_t *all = sg_malloc(cap * sizeof *all);
    uint64_t *keys = sg_malloc(cap * sizeof *keys), *at = sg_malloc((cap + 1) * sizeof *at);
    if (!p || !all || !keys || !at) {
        sg_free(p);
        sg_free(all);
        sg_free(keys);
        sg_free(at);
        return SIGMA_ENOMEM;
    }
    /* An atom is looked up by the sequence of its three that the fewest
     * atoms share: a sequence common in the rules ("exe") is common in
     * events too, and every event would walk its long list. */
    unsigned freq[SG_CBLOOM_BYTES * 8] = {0};
    for (size_t r = 0; r < d->n; r++)
        for (size_t i = 0; i < d->rules[r].natoms; i++) {
            const sg_catom_rec *x = &d->rules[r].atoms[i];
            if (x->field == field && x->n)
                for (unsigned j = 0; j < 3; j++)
                    freq[x->gram[j]]++;
        }
    for (size_t r = 0; r < d->n; r++) {
        bool any = false;
        for (size_t i = 0; i < d->rules[r].natoms; i++) {
            const sg_catom_rec *x = &d->rules[r].atoms[i];
            if (x->field != field)
                continue;
            any = true;
            if (!x->n)
                continue;
            /* fewer than three sequences repeat the first */
            unsigned k = 0;
            for (unsigned j = 1; j < 3; j++)
                if (freq[x->gram[j]] < freq[x->gram[k]])
                    k = j;
            p[np++] = (post){x->gram[k], (unsigned)r, x->gram[(k + 1) % 3], x->gram[(k + 2) % 3]};
        }
        if (any)
            all[nall++] = r;
    }
    qsort(p, np, sizeof *p, cmp_post);
    size_t nk = 0, u = 0;
    for (size_t i = 0; i < np; i++) {
        if (u && !memcmp(&p[u - 1], &p[i], sizeof *p))
            continue; /* the same atom twice in one rule */
        if (!u || p[u - 1].key != p[i].key) {
            keys[nk] = p[i].key;
            at[nk++] = u;
        }
        p[u++] = p[i];
    }
    at[nk] = u;
    /* the keys as a bit set, and per byte of it the keys before */
    uint64_t kmask[SG_CBLOOM_BYTES] = {0}, krank[SG_CBLOOM_BYTES];
    for (size_t i = 0; i < nk; i++)
        kmask[keys[i] >> 3] |= 1u << (keys[i] & 7);
    for (size_t i = 0, r = 0; i < SG_CBLOOM_BYTES; i++) {
        krank[i] = r;
        for (unsigned bit = 0; bit < 8; bit++)
            r += (kmask[i] >> bit) & 1;
    }
    char decl[64];
    snprintf(decl, sizeof decl, "static const unsigned char sgc_ak%zu", a);
    put_array(out, decl, SG_CBLOOM_BYTES, at_u64, kmask, "");
    snprintf(decl, sizeof decl, "static const unsigned short sgc_ar%zu", a);
    put_array(out, decl, SG_CBLOOM_BYTES, at_u64, krank, "");
    snprintf(decl, sizeof decl, "static const unsigned sgc_aa%zu", a);
    put_array(out, decl, nk + 1, at_u64, at, "u");
    sg_sb_printf(out, "static const sgc_apost sgc_ap%zu[%zu] = {", a, u ? u : 1);
    for (size_t i = 0; i < u; i++)
        sg_sb_printf(out, "%s{%uu, %u, %u},", i % 6 ? " " : "\n    ", p[i].rule, p[i].g1, p[i].g2);
    sg_sb_puts(out, u ? "\n};\n" : "{0, 0, 0}};\n");
    snprintf(decl, sizeof decl, "static const unsigned sgc_al%zu", a);
    put_array(out, decl, nall, at_u64, all, "u");
    sg_sb_printf(rows, "    {&sgc_f%zu, sgc_ak%zu, sgc_ar%zu, sgc_aa%zu, sgc_ap%zu, %zu, sgc_al%zu},\n",
                 field, a, a, a, a, nall, a);
    sg_free(p);
    sg_free(all);
    sg_free(keys);
    sg_free(at);
    return SIGMA_OK;
}

/* The afields, the rules without atoms (always marked), and per group the
 * afields its rules have atoms on. */
static sigma_status emit_prefilter(const sg_cdisp *d, const tables *t, sg_strbuf *out)
{
    sigma_status st = SIGMA_OK;
    sg_strbuf rows;
    sg_sb_init(&rows);
    sg_sb_puts(out, "/* ---- prefilter -------------------------------------------------------------------- */\n\n");
    for (size_t a = 0; a < t->naf && st == SIGMA_OK; a++)
        st = emit_afield(d, t, a, out, &rows);
    if (st == SIGMA_OK && rows.failed)
        st = SIGMA_ENOMEM;
    if (st != SIGMA_OK) {
        sg_sb_free(&rows);
        return st;
    }
    sg_sb_printf(out, "#define SGC_NAFIELDS %zu\n", t->naf);
    sg_sb_printf(out, "static const sgc_afield sgc_afields[%zu] = {\n%s", t->naf ? t->naf : 1,
                 sg_sb_str(&rows));
    sg_sb_puts(out, t->naf ? "};\n" : "    {NULL, NULL, NULL, NULL, NULL, 0, NULL}};\n");
    sg_sb_free(&rows);
    /* rules without atoms start marked */
    size_t nb = d->n / 8 + 1;
    unsigned char *m0 = sg_calloc(nb, 1);
    size_t *gat = sg_malloc((t->groups.n + 1) * sizeof *gat);
    size_t *gaf = NULL, ngaf = 0, capgaf = 0;
    size_t *stamp = sg_malloc((t->naf + 1) * sizeof *stamp);
    if (!m0 || !gat || !stamp) {
        st = SIGMA_ENOMEM;
        goto out;
    }
    for (size_t r = 0; r < d->n; r++)
        if (!d->rules[r].natoms)
            m0[r / 8] |= (unsigned char)(1u << (r % 8));
    for (size_t a = 0; a < t->naf; a++)
        stamp[a] = SIZE_MAX;
    for (size_t g = 0; g < t->groups.n; g++) {
        const uint32_t *v = (const uint32_t *)(const void *)t->groups.keys[g];
        gat[g] = ngaf;
        for (size_t i = 0; i < t->groups.lens[g] / sizeof(uint32_t); i++) {
            const sg_crule *ru = &d->rules[v[i]];
            for (size_t k = 0; k < ru->natoms; k++) {
                size_t a = t->field_af[ru->atoms[k].field];
                if (stamp[a] == g)
                    continue;
                stamp[a] = g;
                if (ngaf == capgaf) {
                    capgaf = capgaf ? capgaf * 2 : 256;
                    size_t *x = sg_realloc(gaf, capgaf * sizeof *x);
                    if (!x) {
                        st = SIGMA_ENOMEM;
                        goto out;
                    }
                    gaf = x;
                }
                gaf[ngaf++] = a;
            }
        }
    }
    gat[t->groups.n] = ngaf;
    put_array(out, "static const unsigned char sgc_mark0", nb, at_uchar, m0, "");
    sg_sb_puts(out, "/* per group, the fields its rules have atoms on */\n");
    put_array(out, "static const unsigned sgc_group_af_at", t->groups.n + 1, at_size, gat, "u");
    put_array(out, "static const unsigned sgc_group_af", ngaf, at_size, gaf, "u");
    sg_sb_putc(out, '\n');
out:
    sg_free(m0);
    sg_free(gat);
    sg_free(gaf);
    sg_free(stamp);
    return st;
}

static const char match_head[] =
    "int SIGMA_GENERATED_NAME(match)(const sigma_accessor *acc, void *event, sigma_match_fn fn,\n"
    "                                void *user)\n"
    "{\n"
    "    unsigned char state[SGC_NFIELDS + 1];\n"
    "    sgc_slot slot[SGC_NFIELDS + 1];\n"
    "    unsigned char bloom[SGC_BLOOMS][SGC_BLOOM_BYTES];\n"
    "    unsigned char mark[SGC_NRULES / 8 + 1]; /* rules the prefilter lets through */\n"
    "    sgc_ev ev;\n"
    "    int n = 0, all = 0;\n"
    "    size_t c = 0, g, nl, nf;\n"
    "    const unsigned *list, *af;\n"
    "    if (!acc || !acc->get)\n"
    "        return -1;\n"
    "    memset(state, 0, sizeof state);\n"
    "    ev.acc = acc;\n"
    "    ev.event = event;\n"
    "    ev.state = state;\n"
    "    ev.slot = slot;\n"
    "    ev.bloom = bloom;\n"
    "    ev.nbloom = 0;\n"
    "    memset(ev.memo, 0, sizeof ev.memo);\n";

static const char match_tail[] =
    "    /* the rules of the event's group; all of them, every guard checked,\n"
    "     * when a dispatch field has several values */\n"
    "    g = all ? 0 : sgc_combo[c];\n"
    "    list = all ? NULL : &sgc_group_rules[sgc_group_at[g]];\n"
    "    nl = all ? SGC_NRULES : sgc_group_at[g + 1] - sgc_group_at[g];\n"
    "    /* mark the rules one of whose atoms can occur: one pass per field */\n"
    "    memcpy(mark, sgc_mark0, sizeof mark);\n"
    "    af = all ? NULL : &sgc_group_af[sgc_group_af_at[g]];\n"
    "    nf = all ? SGC_NAFIELDS : sgc_group_af_at[g + 1] - sgc_group_af_at[g];\n"
    "    for (size_t i = 0; i < nf; i++)\n"
    "        sgc_prefilter(&ev, &sgc_afields[af ? af[i] : i], mark);\n"
    "    for (size_t i = 0; i < nl; i++) {\n"
    "        size_t k = list ? list[i] : i;\n"
    "        unsigned chk = list ? sgc_rule_chk[k] : 3u;\n"
    "        const sgc_node *r = sgc_rule_tab[k];\n"
    "        if (!SGC_BIT(mark, k))\n"
    "            continue; /* cannot match: none of the literals it needs is there */\n"
    "        if (((chk & 1u) && r->guard[0] && !sgc_guard_ok(&ev, r->guard[0])) ||\n"
    "            ((chk & 2u) && r->guard[1] && !sgc_guard_ok(&ev, r->guard[1])))\n"
    "            continue; /* cannot match: not its log source */\n"
    "        if (r->eval(&ev)) {\n"
    "            n++;\n"
    "            if (fn && fn(user, &r->info))\n"
    "                break;\n"
    "        }\n"
    "    }\n"
    "    return n;\n"
    "}";

sigma_status sg_cdisp_emit(const sg_cdisp *d, const char *proto, sg_strbuf *out)
{
    tables t;
    bool oom, fits = false;
    sigma_status st = SIGMA_OK;
    memset(&t, 0, sizeof t);
    t.nkinds = choose_kinds(d, t.kind, &oom);
    if (oom)
        return SIGMA_ENOMEM;
    for (;;) {
        sg_free(t.chk);
        t.chk = NULL;
        if ((st = build_groups(d, &t, &fits)) != SIGMA_OK || fits || !t.nkinds)
            break;
        sg_free(t.kind[--t.nkinds].keys); /* too many combinations: one field fewer */
    }
    if (st == SIGMA_OK && !fits)
        st = SIGMA_ENOMEM; /* no dispatch at all always fits: only OOM gets here */
    if (st != SIGMA_OK) {
        tables_free(&t);
        return st;
    }
    emit_tables(d, &t, out);
    if ((st = afields(d, &t)) != SIGMA_OK || (st = emit_prefilter(d, &t, out)) != SIGMA_OK) {
        tables_free(&t);
        return st;
    }
    sg_sb_printf(out,
                 "/* ---- entry points ---------------------------------------------------------------- */\n"
                 "\n%s\n"
                 "size_t SIGMA_GENERATED_NAME(rule_count)(void)\n"
                 "{\n"
                 "    return SGC_NRULES;\n"
                 "}\n"
                 "\n"
                 "const sigma_rule_info *SIGMA_GENERATED_NAME(rule)(size_t i)\n"
                 "{\n"
                 "    return i < SGC_NRULES ? &sgc_rule_tab[i]->info : NULL;\n"
                 "}\n"
                 "\n%s",
                 proto, match_head);
    if (t.nkinds)
        sg_sb_puts(out, "    /* the group: each dispatch field's value looked up once */\n");
    for (size_t j = 0; j < t.nkinds; j++)
        sg_sb_printf(out,
                     "    if (!all) {\n"
                     "        size_t v = sgc_dispatch(&ev, &sgc_disp[%zu]);\n"
                     "        all = v == (size_t)-1;\n"
                     "        c = c * %zu + v;\n"
                     "    }\n",
                     j, t.kind[j].nkeys + 1);
    sg_sb_puts(out, match_tail);
    tables_free(&t);
    return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
}
