/* c.c - target "c": one C11 file that matches events against the rules,
 * through the accessor and callback of runtime/sigma_runtime.h, with libc
 * only and no allocation at match time.
 *
 *   prologue   libc includes, sigma_runtime.h (guarded, so the installed
 *              header may come first), the fold table, the helpers of
 *              c_prologue.c.in (static, unused ones are fine)
 *   per rule   static data (fields, literals with KMP tables, wildcard
 *              segments, numbers, CIDRs, regex NFA tables), one function
 *              `static int sgc_rule_K(sgc_ev *ev)` whose body is the IR
 *              expression as one C expression of helper calls, and the
 *              rule's node in a chain of static nodes, with its prefilter:
 *              up to two guards (top-level equalities such as Channel and
 *              EventID) and its atoms (c_atoms.h)
 *   epilogue   sigma_generated_match(), _rule_count(), _rule(), with the
 *              dispatch tables over all rules (c_dispatch.h): the run state
 *              records each rule's guards and atoms for it
 *
 * Data is shared across rules (sgc_d<n>, interned by what it means), so
 * the 1,500 Channel tests of SigmaHQ's Windows rules use one literal and
 * one guard, and an event's Channel is compared once per distinct value.
 *
 * Rules are emitted one at a time and the epilogue knows none of them, so
 * the rules link themselves: rule K defines sgc_node_K pointing at
 * sgc_node_K+1, which it declares without a value (a C tentative
 * definition). The next rule defines it; after the last rule it stays all
 * zeros and ends the chain. Likewise each rule that reads new fields
 * redefines SGC_NFIELDS, the size of the per-event field cache.
 *
 * --format rules: the rules only (golden tests); --format header: a header
 * declaring the entry points. */
#include "backend.h"
#include "c_atoms.h"
#include "c_dispatch.h"
#include "c_escape.h"
#include "c_fold.h"
#include "c_intern.h"
#include "c_regex.h"
#include "xalloc.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "backends/c_text.inc" /* generated from sigma_runtime.h and c_prologue.c.in */

#define TARGET "c"
/* Parentheses nest one level per IR level; clang stops at 256. */
#define MAX_DEPTH 120
/* ORs and ANDs of this many value tests become tables (wide_list). */
#define WIDE 16

/* ---- state of one compile run ---------------------------------------------------------------- */

/* Rule numbers, field slots, and the static data shared by all rules. */
typedef struct crun {
    size_t nrules;
    sg_intern fields; /* field names -> sgc_f<slot> */
    sg_intern data;   /* what a test's data means (see data_id) -> sgc_d<n> */
    sg_cdisp disp;    /* each rule's guards and atoms, for the epilogue */
} crun;

static void *run_new(void)
{
    return sg_calloc(1, sizeof(crun));
}

static void run_free(void *p)
{
    crun *r = p;
    if (!r)
        return;
    sg_intern_free(&r->fields);
    sg_intern_free(&r->data);
    sg_cdisp_free(&r->disp);
    sg_free(r);
}

/* ---- one rule --------------------------------------------------------------------------------- */

typedef struct gen {
    const ir_rule *r;
    crun *run;
    sg_arena *a;
    sg_diags *d;
    sg_strbuf fdefs; /* definitions of the fields this rule reads first */
    sg_strbuf defs;  /* definitions of the data this rule uses first */
    sg_strbuf key;  /* scratch: the key of one test's data */
    size_t ntests;
    size_t ntables; /* leaf tables: sgc_r<rule>_t<n> */
} gen;

static sigma_status unsupported(gen *g, sg_pos pos, const char *what)
{
    return sg_unsupported(g->d, g->r, pos, TARGET, "%s", what);
}

/* "&sgc_f<slot>" for a field, its definition written when it is new. */
static sigma_status field_slot(gen *g, const char *name, sg_strbuf *e, size_t *slot)
{
    bool fresh;
    size_t len = strlen(name);
    size_t k = sg_intern_get(&g->run->fields, name, len, &fresh);
    if (k == SIZE_MAX)
        return SIGMA_ENOMEM;
    *slot = k;
    if (fresh) {
        sg_sb_printf(&g->fdefs, "static const sgc_field sgc_f%zu = {", k);
        sg_c_quote(&g->fdefs, name, len, 4);
        sg_sb_printf(&g->fdefs, ", %zu, %zu};\n", len, k);
    }
    sg_sb_printf(e, "&sgc_f%zu", k);
    return SIGMA_OK;
}

static sigma_status field_ref(gen *g, const char *name, sg_strbuf *e)
{
    size_t slot;
    return field_slot(g, name, e, &slot);
}

static const char *mode_name(ir_str_mode m)
{
    return m == IR_STR_EXACT ? "SGC_EQ" : m == IR_STR_CONTAINS ? "SGC_CONTAINS"
           : m == IR_STR_STARTSWITH ? "SGC_STARTS" : "SGC_ENDS";
}

static const char *op_name(ir_num_op op)
{
    return op == IR_NUM_EQ ? "SGC_OP_EQ" : op == IR_NUM_LT ? "SGC_OP_LT"
           : op == IR_NUM_LTE ? "SGC_OP_LTE" : op == IR_NUM_GT ? "SGC_OP_GT" : "SGC_OP_GTE";
}

static const char *part_name(sg_modifier m)
{
    return m == SG_MOD_MINUTE ? "SGC_MINUTE" : m == SG_MOD_HOUR ? "SGC_HOUR"
           : m == SG_MOD_DAY ? "SGC_DAY" : m == SG_MOD_WEEK ? "SGC_WEEK"
           : m == SG_MOD_MONTH ? "SGC_MONTH" : "SGC_YEAR";
}

/* A literal as the matcher compares it: folded unless cased. */
static const char *lit_bytes(gen *g, const char *s, size_t n, bool cased, size_t *out)
{
    char *p = sg_arena_alloc(g->a, n + 1);
    if (!p)
        return NULL;
    if (cased) {
        memcpy(p, s, n);
        *out = n;
    } else {
        *out = sg_cfold(s, n, p);
    }
    return p;
}

/* KMP failure function of s; false when it is all zeros. */
static bool kmp(const unsigned char *s, size_t m, unsigned short *f)
{
    bool any = false;
    size_t k = 0;
    if (m)
        f[0] = 0;
    for (size_t i = 1; i < m; i++) {
        while (k && s[i] != s[k])
            k = f[k - 1];
        if (s[i] == s[k])
            k++;
        f[i] = (unsigned short)k;
        any |= k != 0;
    }
    return any;
}

/* FNV-1a, as sgc_hash computes it over a value's folded text. */
static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static void print_double(sg_strbuf *b, double f)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", f);
    sg_sb_puts(b, buf);
    if (!strpbrk(buf, ".eEn")) /* keep it a double constant */
        sg_sb_puts(b, ".0");
}

static void print_int(sg_strbuf *b, int64_t i)
{
    if (i == INT64_MIN)
        sg_sb_puts(b, "(-9223372036854775807LL - 1)");
    else
        sg_sb_printf(b, "%lldLL", (long long)i);
}

/* Up to three 3-byte sequences of an ASCII literal (first, middle, last),
 * lower-cased and hashed as the generated sgc_gram() does; 0 when it has
 * none (shorter than 3 bytes, or not ASCII). */
static unsigned grams(const char *lit, size_t len, unsigned gram[3])
{
    unsigned char low[3];
    size_t at[3] = {0, (len - 3) / 2, len - 3};
    unsigned n = 0;
    if (len < 3)
        return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)lit[i] >= 0x80)
            return 0;
    for (size_t j = 0; j < 3; j++) {
        if (j && at[j] == at[j - 1])
            continue;
        for (size_t k = 0; k < 3; k++) {
            unsigned char c = (unsigned char)lit[at[j] + k];
            low[k] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
        }
        gram[n++] = sg_catom_gram(low[0], low[1], low[2]);
    }
    return n;
}

/* Keys of shared data: a kind letter, then what makes two tests equal. */
static void key_bytes(sg_strbuf *k, const void *p, size_t n)
{
    sg_sb_put(k, (const char *)&n, sizeof n);
    sg_sb_put(k, p, n);
}

/* sgc_d<n> for the test's data: *fresh when its definition must be written. */
static sigma_status data_id(gen *g, size_t *id, bool *fresh)
{
    if (g->key.failed)
        return SIGMA_ENOMEM;
    *id = sg_intern_get(&g->run->data, g->key.data, g->key.len, fresh);
    return *id == SIZE_MAX ? SIGMA_ENOMEM : SIGMA_OK;
}

/* String tests: one literal, or wildcard segments. */
static sigma_status str_test(gen *g, const ir_test *t, size_t *id, const char **fn)
{
    const char *s;
    size_t n, len;
    bool fresh;
    sigma_status st;
    if (ir_segs_has(t->segs, t->nsegs, IR_SEG_PLACEHOLDER))
        return unsupported(g, t->pos, "unresolved %placeholder% (add a pipeline that defines it)");
    sg_sb_reset(&g->key);
    if (ir_segs_literal(t->segs, t->nsegs, &s, &n)) {
        const char *lit = lit_bytes(g, n ? s : "", n, t->cased, &len);
        if (!lit)
            return SIGMA_ENOMEM;
        if (t->mode == IR_STR_CONTAINS && len > 65535)
            return unsupported(g, t->pos, "a contains value longer than 65535 bytes");
        sg_sb_printf(&g->key, "S%d%d", (int)t->mode, t->cased ? 1 : 0);
        key_bytes(&g->key, lit, len);
        if ((st = data_id(g, id, &fresh)) != SIGMA_OK)
            return st;
        *fn = "sgc_v_str";
        if (!fresh)
            return SIGMA_OK;
        bool fail = false;
        if (t->mode == IR_STR_CONTAINS && len > 1) {
            unsigned short *f = sg_arena_alloc(g->a, len * sizeof *f);
            if (!f)
                return SIGMA_ENOMEM;
            if ((fail = kmp((const unsigned char *)lit, len, f))) {
                sg_sb_printf(&g->defs, "static const unsigned short sgc_d%zu_kmp[] = {", *id);
                for (size_t i = 0; i < len; i++) {
                    sg_sb_puts(&g->defs, i % 16 ? " " : "\n    ");
                    sg_sb_putu(&g->defs, f[i]);
                    sg_sb_putc(&g->defs, ',');
                }
                sg_sb_puts(&g->defs, "\n};\n");
            }
        }
        sg_sb_printf(&g->defs, "static const sgc_lit sgc_d%zu = {", *id);
        sg_c_quote(&g->defs, lit, len, 4);
        sg_sb_printf(&g->defs, ", %zu, ", len);
        if (fail)
            sg_sb_printf(&g->defs, "sgc_d%zu_kmp", *id);
        else
            sg_sb_puts(&g->defs, "NULL");
        unsigned gram[3] = {0, 0, 0}, ng = t->mode == IR_STR_CONTAINS ? grams(lit, len, gram) : 0;
        bool asc = true;
        for (size_t i = 0; i < len; i++)
            asc &= (unsigned char)lit[i] < 0x80;
        sg_sb_printf(&g->defs, ", 0x%016llxull, %s, %d, %u, {%u, %u, %u}, %d};\n",
                     (unsigned long long)(t->mode == IR_STR_EXACT ? fnv(lit, len) : 0),
                     mode_name(t->mode), t->cased ? 1 : 0, ng, gram[0], gram[1], gram[2],
                     asc ? 1 : 0);
        return SIGMA_OK;
    }
    /* wildcards: the mode becomes stars around the segments */
    bool lead = t->mode == IR_STR_CONTAINS || t->mode == IR_STR_ENDSWITH;
    bool trail = t->mode == IR_STR_CONTAINS || t->mode == IR_STR_STARTSWITH;
    size_t nsegs = t->nsegs + lead + trail;
    const char **lits = sg_arena_alloc(g->a, (t->nsegs + 1) * sizeof *lits);
    size_t *lens = sg_arena_alloc(g->a, (t->nsegs + 1) * sizeof *lens);
    if (!lits || !lens)
        return SIGMA_ENOMEM;
    sg_sb_printf(&g->key, "G%d%d", (int)t->mode, t->cased ? 1 : 0);
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *sg = &t->segs[i];
        sg_sb_putc(&g->key, (char)('0' + sg->kind));
        if (sg->kind != IR_SEG_LIT)
            continue;
        if (!(lits[i] = lit_bytes(g, sg->s, sg->len, t->cased, &lens[i])))
            return SIGMA_ENOMEM;
        key_bytes(&g->key, lits[i], lens[i]);
    }
    if ((st = data_id(g, id, &fresh)) != SIGMA_OK)
        return st;
    *fn = "sgc_v_glob";
    if (!fresh)
        return SIGMA_OK;
    sg_sb_printf(&g->defs, "static const sgc_seg sgc_d%zu_segs[] = {\n", *id);
    if (lead)
        sg_sb_puts(&g->defs, "    {SGC_SEG_STAR, NULL, 0},\n");
    for (size_t i = 0; i < t->nsegs; i++) {
        const ir_seg *sg = &t->segs[i];
        if (sg->kind == IR_SEG_STAR) {
            sg_sb_puts(&g->defs, "    {SGC_SEG_STAR, NULL, 0},\n");
        } else if (sg->kind == IR_SEG_QMARK) {
            sg_sb_puts(&g->defs, "    {SGC_SEG_QMARK, NULL, 0},\n");
        } else {
            sg_sb_puts(&g->defs, "    {SGC_SEG_LIT, ");
            sg_c_quote(&g->defs, lits[i], lens[i], 8);
            sg_sb_printf(&g->defs, ", %zu},\n", lens[i]);
        }
    }
    if (trail)
        sg_sb_puts(&g->defs, "    {SGC_SEG_STAR, NULL, 0},\n");
    sg_sb_printf(&g->defs, "};\nstatic const sgc_glob sgc_d%zu = {sgc_d%zu_segs, %zu, %d};\n", *id,
                 *id, nsegs, t->cased ? 1 : 0);
    return SIGMA_OK;
}

/* A test on values: its shared data sgc_d<id> and its sgc_v_* function. */
static sigma_status value_test(gen *g, const ir_test *t, size_t *id, const char **fn)
{
    bool fresh;
    sigma_status st;
    if (t->kind == IR_T_STR)
        return str_test(g, t, id, fn);
    sg_sb_reset(&g->key);
    switch (t->kind) {
    case IR_T_REGEX: {
        sg_sb_printf(&g->key, "R%u", t->re_flags);
        key_bytes(&g->key, t->re, t->re_len);
        if ((st = data_id(g, id, &fresh)) != SIGMA_OK)
            return st;
        *fn = "sgc_v_re";
        if (!fresh)
            return SIGMA_OK;
        char name[64], why[256];
        snprintf(name, sizeof name, "sgc_d%zu", *id);
        st = sg_cre_emit(g->a, t->re, t->re_len, t->re_flags, name, &g->defs, why, sizeof why);
        if (st == SIGMA_ENOTSUP)
            return sg_unsupported(g->d, g->r, t->pos, TARGET, "regular expression: %s", why);
        return st;
    }
    case IR_T_CIDR:
        sg_sb_printf(&g->key, "C%d/%u", t->family, t->prefix);
        key_bytes(&g->key, t->addr, 16);
        if ((st = data_id(g, id, &fresh)) != SIGMA_OK)
            return st;
        *fn = "sgc_v_cidr";
        if (!fresh)
            return SIGMA_OK;
        sg_sb_printf(&g->defs, "static const sgc_cidr sgc_d%zu = {%d, %u, {", *id, t->family,
                     t->prefix);
        for (int i = 0; i < 16; i++)
            sg_sb_printf(&g->defs, "%s%u", i ? ", " : "", t->addr[i]);
        sg_sb_puts(&g->defs, "}};\n");
        return SIGMA_OK;
    case IR_T_NUM:
    case IR_T_TIMEPART: {
        if (!isfinite(t->num.f))
            return unsupported(g, t->pos, "a number that is not finite");
        bool num = t->kind == IR_T_NUM;
        int64_t i = num && t->num.is_int ? t->num.i : 0;
        sg_sb_printf(&g->key, "%c%d,%d,%d,", num ? 'N' : 'T', (int)t->op, num ? t->num.is_int : 0,
                     num ? 0 : (int)t->part);
        key_bytes(&g->key, &i, sizeof i);
        key_bytes(&g->key, &t->num.f, sizeof t->num.f);
        if ((st = data_id(g, id, &fresh)) != SIGMA_OK)
            return st;
        *fn = num ? "sgc_v_num" : "sgc_v_time";
        if (!fresh)
            return SIGMA_OK;
        if (num) {
            sg_sb_printf(&g->defs, "static const sgc_num sgc_d%zu = {%s, %d, ", *id, op_name(t->op),
                         t->num.is_int ? 1 : 0);
            print_int(&g->defs, i);
        } else {
            sg_sb_printf(&g->defs, "static const sgc_timet sgc_d%zu = {%s, %s", *id,
                         part_name(t->part), op_name(t->op));
        }
        sg_sb_puts(&g->defs, ", ");
        print_double(&g->defs, t->num.f);
        sg_sb_puts(&g->defs, "};\n");
        return SIGMA_OK;
    }
    default:
        return unsupported(g, t->pos, "this test has no meaning without a field");
    }
}

static sigma_status test_code(gen *g, const ir_test *t, sg_strbuf *e)
{
    sigma_status st;
    size_t id = 0;
    const char *fn = NULL;
    switch (t->kind) {
    case IR_T_NULL:
    case IR_T_EXISTS:
    case IR_T_FIELDREF:
        if (!t->field)
            return unsupported(g, t->pos, "this test has no meaning without a field");
        sg_sb_puts(e, t->kind == IR_T_NULL ? "sgc_null(ev, " : t->kind == IR_T_FIELDREF
                                                               ? "sgc_ref(ev, "
                                                               : "(sgc_get(ev, ");
        if ((st = field_ref(g, t->field, e)) != SIGMA_OK)
            return st;
        if (t->kind == IR_T_NULL)
            sg_sb_putc(e, ')');
        else if (t->kind == IR_T_EXISTS)
            sg_sb_printf(e, ") %s NULL)", t->exists ? "!=" : "==");
        else {
            sg_sb_puts(e, ", ");
            if ((st = field_ref(g, t->ref, e)) != SIGMA_OK)
                return st;
            sg_sb_printf(e, ", %s, %d)", mode_name(t->mode), t->cased ? 1 : 0);
        }
        return SIGMA_OK;
    case IR_T_EXPR:
        return unsupported(g, t->pos, "a pipeline expression (query_expression_placeholders) has "
                                      "no meaning for generated C");
    default:
        break;
    }
    if ((st = value_test(g, t, &id, &fn)) != SIGMA_OK)
        return st;
    /* keywords: the `_raw` field, else every string of the event */
    sg_sb_puts(e, t->field ? "sgc_any(ev, " : "sgc_kw(ev, ");
    if ((st = field_ref(g, t->field ? t->field : "_raw", e)) != SIGMA_OK)
        return st;
    sg_sb_printf(e, ", %s, &sgc_d%zu)", fn, id);
    return SIGMA_OK;
}

/* A value test that can sit in a leaf table (see wide_list). */
static bool is_leaf(const ir_node *n)
{
    if (n->kind != IR_TEST)
        return false;
    ir_test_kind k = n->test->kind;
    return k == IR_T_STR || k == IR_T_REGEX || k == IR_T_CIDR || k == IR_T_NUM ||
           k == IR_T_TIMEPART;
}

/* A wide OR/AND of value tests (a list of values: 4,434 hashes in one
 * SigmaHQ rule) becomes a static table walked by sgc_or()/sgc_and(): one
 * C expression that long takes compilers minutes to optimise. */
static sigma_status wide_list(gen *g, const ir_node *n, sg_strbuf *e)
{
    sg_strbuf t;
    sigma_status st = SIGMA_OK;
    size_t table = g->ntables++;
    sg_sb_init(&t);
    for (size_t i = 0; i < n->nkids && st == SIGMA_OK; i++) {
        const ir_test *x = n->kids[i]->test;
        size_t id = 0;
        const char *fn = NULL;
        g->ntests++;
        if ((st = value_test(g, x, &id, &fn)) != SIGMA_OK)
            break;
        sg_sb_puts(&t, "    {");
        st = field_ref(g, x->field ? x->field : "_raw", &t);
        sg_sb_printf(&t, ", %s, &sgc_d%zu, %d},\n", fn, id, x->field ? 0 : 1);
    }
    if (st == SIGMA_OK) {
        sg_sb_printf(&g->defs, "static const sgc_leaf sgc_r%zu_t%zu[] = {\n%s};\n",
                     g->run->nrules, table, sg_sb_str(&t));
        sg_sb_printf(e, "%s(ev, sgc_r%zu_t%zu, %zu)", n->kind == IR_OR ? "sgc_or" : "sgc_and",
                     g->run->nrules, table, n->nkids);
    }
    if (t.failed)
        st = SIGMA_ENOMEM;
    sg_sb_free(&t);
    return st;
}

/* The expression as C; level 0 is the return statement's. */
static sigma_status expr(gen *g, const ir_node *n, unsigned level, sg_strbuf *e)
{
    if (level > MAX_DEPTH)
        return unsupported(g, n->pos, "the condition is nested too deeply for C compilers");
    if ((n->kind == IR_OR || n->kind == IR_AND) && n->nkids >= WIDE) {
        size_t k = 0;
        while (k < n->nkids && is_leaf(n->kids[k]))
            k++;
        if (k == n->nkids)
            return wide_list(g, n, e);
    }
    switch (n->kind) {
    case IR_TRUE:
        sg_sb_putc(e, '1');
        return SIGMA_OK;
    case IR_FALSE:
        sg_sb_putc(e, '0');
        return SIGMA_OK;
    case IR_TEST:
        g->ntests++;
        return test_code(g, n->test, e);
    case IR_NOT: /* an AND/OR below level 0 brings its own parentheses */
        sg_sb_putc(e, '!');
        return expr(g, n->kids[0], level + 1, e);
    case IR_AND:
    case IR_OR: {
        if (level)
            sg_sb_putc(e, '(');
        for (size_t i = 0; i < n->nkids; i++) {
            if (i)
                sg_sb_printf(e, "\n%*s%s ", 8 + 4 * (int)level, "",
                             n->kind == IR_AND ? "&&" : "||");
            sigma_status st = expr(g, n->kids[i], level + 1, e);
            if (st != SIGMA_OK)
                return st;
        }
        if (level)
            sg_sb_putc(e, ')');
        return SIGMA_OK;
    }
    }
    return SIGMA_OK;
}

/* ---- guards ------------------------------------------------------------------------------------ */

#define MAX_KEYS 64

/* The key a guard keeps for test t, when t is an equality a guard can
 * check: a folded-text hash (string EQ, not cased) or an integer. */
static bool guard_key(gen *g, const ir_test *t, bool *num, uint64_t *key, bool *oom)
{
    const char *s;
    size_t n, len;
    if (!t->field)
        return false;
    if (t->kind == IR_T_NUM && t->op == IR_NUM_EQ && t->num.is_int) {
        *num = true;
        *key = (uint64_t)t->num.i;
        return true;
    }
    if (t->kind != IR_T_STR || t->mode != IR_STR_EXACT || t->cased ||
        !ir_segs_literal(t->segs, t->nsegs, &s, &n))
        return false;
    const char *lit = lit_bytes(g, n ? s : "", n, false, &len);
    if (!lit) {
        *oom = true; /* not "no guard": the output would depend on memory */
        return false;
    }
    *num = false;
    *key = fnv(lit, len);
    return true;
}

/* A conjunct of the rule that is one equality test, or an OR of them on
 * one field: the rule cannot match unless the field equals one of them.
 * Writes the guard's data and describes it in *gr; *id is SIZE_MAX when n
 * is no such conjunct. */
static sigma_status guard_of(gen *g, const ir_node *n, size_t *id, sg_cguard *gr)
{
    uint64_t keys[MAX_KEYS];
    size_t nkeys = 0;
    const char *field = NULL;
    bool num = false;
    *id = SIZE_MAX;
    const ir_node *const *kids = n->kind == IR_OR ? (const ir_node *const *)n->kids : &n;
    size_t nk = n->kind == IR_OR ? n->nkids : 1;
    if ((n->kind != IR_OR && n->kind != IR_TEST) || nk > MAX_KEYS)
        return SIGMA_OK;
    for (size_t i = 0; i < nk; i++) {
        bool is_num;
        bool oom = false;
        if (kids[i]->kind != IR_TEST || !guard_key(g, kids[i]->test, &is_num, &keys[nkeys], &oom))
            return oom ? SIGMA_ENOMEM : SIGMA_OK;
        if (i && (strcmp(field, kids[i]->test->field) != 0 || is_num != num))
            return SIGMA_OK;
        field = kids[i]->test->field;
        num = is_num;
        nkeys++;
    }
    sg_strbuf f;
    size_t slot = 0;
    sg_sb_init(&f);
    sigma_status st = field_slot(g, field, &f, &slot);
    sg_sb_reset(&g->key);
    sg_sb_printf(&g->key, "g%d%s", num ? 1 : 0, sg_sb_str(&f));
    key_bytes(&g->key, keys, nkeys * sizeof keys[0]);
    bool fresh = false;
    if (st == SIGMA_OK && !f.failed)
        st = data_id(g, id, &fresh);
    if (st == SIGMA_OK && fresh) {
        sg_sb_printf(&g->defs, "static const uint64_t sgc_d%zu_keys[] = {", *id);
        for (size_t i = 0; i < nkeys; i++)
            sg_sb_printf(&g->defs, "%s0x%llxull", i ? ", " : "", (unsigned long long)keys[i]);
        sg_sb_printf(&g->defs, "};\nstatic const sgc_guard sgc_d%zu = {%s, %d, %zu, sgc_d%zu_keys};\n",
                     *id, sg_sb_str(&f), num ? 1 : 0, nkeys, *id);
    }
    if (st == SIGMA_OK && *id != SIZE_MAX) {
        uint64_t *copy = sg_arena_alloc(g->a, nkeys * sizeof *copy);
        if (!copy)
            st = SIGMA_ENOMEM;
        else
            memcpy(copy, keys, nkeys * sizeof *copy);
        *gr = (sg_cguard){*id, slot, num, nkeys, copy};
    }
    if (f.failed) /* before sg_sb_free, which resets the flag */
        st = SIGMA_ENOMEM;
    sg_sb_free(&f);
    return st;
}

/* Up to two guards from the rule's top-level AND (or the rule itself);
 * used[] gets the conjuncts they stand for, rec the guards. */
static sigma_status guards(gen *g, const ir_node *root, size_t ids[2], const ir_node *used[2],
                           sg_crule *rec)
{
    ids[0] = ids[1] = SIZE_MAX;
    used[0] = used[1] = NULL;
    const ir_node *const *kids = root->kind == IR_AND ? (const ir_node *const *)root->kids : &root;
    size_t nk = root->kind == IR_AND ? root->nkids : 1;
    for (size_t i = 0, k = 0; i < nk && k < 2; i++) {
        sigma_status st = guard_of(g, kids[i], &ids[k], &rec->guard[k]);
        if (st != SIGMA_OK)
            return st;
        if (ids[k] != SIZE_MAX)
            used[k++] = kids[i];
        rec->nguards = (unsigned)k;
    }
    return SIGMA_OK;
}

/* The rule's atom set (c_atoms.h) as data, and in rec; *id SIZE_MAX when
 * it has none. */
static sigma_status atom_set(gen *g, const ir_node *root, const ir_node *used[2], size_t *id,
                             sg_crule *rec)
{
    sg_catom *v;
    size_t n;
    bool oom = false;
    *id = SIZE_MAX;
    if (!sg_catoms(g->a, root, used, 2, &v, &n, &oom))
        return oom ? SIGMA_ENOMEM : SIGMA_OK;
    if (!(rec->atoms = sg_arena_alloc(g->a, n * sizeof *rec->atoms)))
        return SIGMA_ENOMEM;
    rec->natoms = n;
    sg_strbuf f, items;
    sg_sb_init(&f);
    sg_sb_init(&items);
    sigma_status st = SIGMA_OK;
    for (size_t i = 0; i < n && st == SIGMA_OK; i++) {
        unsigned gram[3] = {0, 0, 0}, ng = grams(v[i].lit, v[i].len, gram);
        for (unsigned j = ng; j < 3 && ng; j++)
            gram[j] = gram[0]; /* sgc_atoms_ok checks all three */
        sg_sb_reset(&f);
        st = field_slot(g, v[i].field, &f, &rec->atoms[i].field);
        rec->atoms[i].gram[0] = (unsigned short)gram[0];
        rec->atoms[i].gram[1] = (unsigned short)gram[1];
        rec->atoms[i].gram[2] = (unsigned short)gram[2];
        rec->atoms[i].n = (unsigned char)ng;
        sg_sb_printf(&items, "    {%s, {%u, %u, %u}, %u},\n", sg_sb_str(&f), gram[0], gram[1],
                     gram[2], ng);
    }
    bool fresh = false;
    if (st == SIGMA_OK && !items.failed) {
        sg_sb_reset(&g->key);
        sg_sb_putc(&g->key, 'a');
        key_bytes(&g->key, items.data, items.len);
        st = data_id(g, id, &fresh);
    }
    if (st == SIGMA_OK && fresh)
        sg_sb_printf(&g->defs, "static const sgc_atom sgc_d%zu_atoms[] = {\n%s};\n"
                               "static const sgc_atoms sgc_d%zu = {%zu, sgc_d%zu_atoms};\n",
                     *id, sg_sb_str(&items), *id, n, *id);
    if (f.failed || items.failed)
        st = SIGMA_ENOMEM;
    sg_sb_free(&f);
    sg_sb_free(&items);
    return st;
}

static sigma_status emit_rule(const ir_rule *r, const sg_target_opts *o, sg_arena *a,
                              sg_strbuf *out, sg_diags *d)
{
    crun *run = o->run;
    if (!run)
        return SIGMA_ENOMEM; /* run_new failed */
    gen g = {r, run, a, d, {0}, {0}, {0}, 0, 0};
    sg_strbuf e;
    sg_sb_init(&g.fdefs);
    sg_sb_init(&g.defs);
    sg_sb_init(&g.key);
    sg_sb_init(&e);
    size_t nfields = run->fields.n, ndata = run->data.n;
    size_t gid[2] = {SIZE_MAX, SIZE_MAX}, aid = SIZE_MAX;
    const ir_node *used[2];
    sg_crule rec;
    memset(&rec, 0, sizeof rec);
    sigma_status st = expr(&g, r->expr, 0, &e);
    if (st == SIGMA_OK)
        st = guards(&g, r->expr, gid, used, &rec);
    if (st == SIGMA_OK)
        st = atom_set(&g, r->expr, used, &aid, &rec);
    if (st == SIGMA_OK && (g.fdefs.failed || g.defs.failed || g.key.failed || e.failed))
        st = SIGMA_ENOMEM;
    if (st == SIGMA_OK)
        st = sg_cdisp_add(&run->disp, &rec); /* as rule number run->nrules */
    if (st != SIGMA_OK) { /* what this rule added is not in the output */
        sg_intern_truncate(&run->fields, nfields);
        sg_intern_truncate(&run->data, ndata);
        goto out;
    }
    size_t k = run->nrules++;
    if (!strcmp(o->format, "header")) {
        sg_sb_printf(out, "/* rule %zu */", k);
        goto out;
    }
    sg_sb_puts(out, sg_sb_str(&g.fdefs));
    if (run->fields.n != nfields) /* the size of the per-event field cache */
        sg_sb_printf(out, "#undef SGC_NFIELDS\n#define SGC_NFIELDS %zu\n", run->fields.n);
    sg_sb_puts(out, sg_sb_str(&g.defs));
    sg_sb_printf(out, "static int sgc_rule_%zu(sgc_ev *ev)\n{\n", k);
    if (!g.ntests)
        sg_sb_puts(out, "    (void)ev;\n");
    sg_sb_printf(out, "    return %s;\n}\n", sg_sb_str(&e));
    sg_sb_printf(out, "static const sgc_node sgc_node_%zu;\n", k + 1);
    sg_sb_printf(out, "static const sgc_node sgc_node_%zu = {sgc_rule_%zu, &sgc_node_%zu, {", k, k,
                 k + 1);
    for (int i = 0; i < 2; i++)
        if (gid[i] == SIZE_MAX)
            sg_sb_printf(out, "%sNULL", i ? ", " : "");
        else
            sg_sb_printf(out, "%s&sgc_d%zu", i ? ", " : "", gid[i]);
    if (aid == SIZE_MAX)
        sg_sb_printf(out, "}, NULL, {%zu, ", k);
    else
        sg_sb_printf(out, "}, &sgc_d%zu, {%zu, ", aid, k);
    sg_c_quote_opt(out, r->id, 4);
    sg_sb_puts(out, ", ");
    sg_c_quote_opt(out, r->title, 4);
    sg_sb_puts(out, ", ");
    sg_c_quote_opt(out, r->level, 4);
    sg_sb_puts(out, ", ");
    sg_c_quote_opt(out, r->path, 4);
    sg_sb_puts(out, "}};");
out:
    sg_sb_free(&g.fdefs);
    sg_sb_free(&g.defs);
    sg_sb_free(&g.key);
    sg_sb_free(&e);
    return st;
}

/* ---- prologue and epilogue ---------------------------------------------------------------------- */

static const char usage_text[] =
    "/* Generated by sigmacc (compile -t c): a Sigma rule matcher in C11 that\n"
    " * needs only libc and allocates nothing. Compile it into your program:\n"
    " *\n"
    " *     sigmacc compile -t c [-p PIPELINE]... -o rules.c RULES...\n"
    " *     sigmacc compile -t c --format header -o rules.h RULES...\n"
    " *     cc -std=c11 -O2 -c rules.c\n"
    " *\n"
    " * and call, for each event, through an accessor you write for your event\n"
    " * type (see sigma_accessor below: field names are the rules' after the\n"
    " * pipelines, e.g. \"Event.EventData.CommandLine\"):\n"
    " *\n"
    " *     int sigma_generated_match(const sigma_accessor *acc, void *event,\n"
    " *                               sigma_match_fn fn, void *user);\n"
    " *\n"
    " * fn is called once per matching rule, in rule order (non-zero stops);\n"
    " * the result is the number of matching rules reported, -1 when acc or\n"
    " * acc->get is NULL. sigma_generated_rule_count() and\n"
    " * sigma_generated_rule(i) list the rules. Thread-safe: all state is on\n"
    " * the caller's stack: about 80 bytes per field the rules read, 4 KiB of\n"
    " * prefilter bit sets, ~10 KiB while a regex runs (30 KiB for all of\n"
    " * SigmaHQ's Windows rules). Define SIGMA_GENERATED_NAME(x) to rename\n"
    " * the entry points (two rule sets in one program). */\n";

static const char proto_text[] =
    "int SIGMA_GENERATED_NAME(match)(const sigma_accessor *acc, void *event, sigma_match_fn fn,\n"
    "                                void *user);\n"
    "size_t SIGMA_GENERATED_NAME(rule_count)(void);\n"
    "const sigma_rule_info *SIGMA_GENERATED_NAME(rule)(size_t i);\n";

static const char name_macro[] = "#ifndef SIGMA_GENERATED_NAME\n"
                                 "#define SIGMA_GENERATED_NAME(x) sigma_generated_##x\n"
                                 "#endif\n";

static void put_lines(sg_strbuf *out, const char *const *lines)
{
    for (; *lines; lines++)
        sg_sb_puts(out, *lines);
}

static sigma_status prologue(const sg_target_opts *o, sg_strbuf *out)
{
    if (!strcmp(o->format, "rules"))
        return SIGMA_OK;
    if (!strcmp(o->format, "header")) {
        sg_sb_puts(out, "/* Generated by sigmacc (compile -t c --format header): the entry points\n"
                        " * of the matcher `sigmacc compile -t c` writes for the same rules. */\n"
                        "#ifndef SIGMA_GENERATED_H\n#define SIGMA_GENERATED_H\n\n"
                        "#include <stddef.h>\n#include <stdint.h>\n\n");
        put_lines(out, sg_ctext_sigma_runtime_h);
        sg_sb_printf(out, "\n%s\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n%s"
                          "#ifdef __cplusplus\n}\n#endif\n\n/* The rules, by index: */",
                     name_macro, proto_text);
        return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
    }
    sg_sb_puts(out, usage_text);
    sg_sb_puts(out, "#include <errno.h>\n#include <stddef.h>\n#include <stdint.h>\n"
                    "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n");
    put_lines(out, sg_ctext_sigma_runtime_h);
    sg_sb_putc(out, '\n');
    sg_cfold_emit(out);
    sg_sb_putc(out, '\n');
    put_lines(out, sg_ctext_c_prologue_c_in);
    return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
}

static sigma_status epilogue(const sg_target_opts *o, sg_strbuf *out)
{
    const crun *run = o->run;
    if (!strcmp(o->format, "rules"))
        return SIGMA_OK;
    if (!strcmp(o->format, "header")) {
        sg_sb_puts(out, "\n#endif");
        return out->failed ? SIGMA_ENOMEM : SIGMA_OK;
    }
    if (!run)
        return SIGMA_ENOMEM; /* run_new failed */
    return sg_cdisp_emit(&run->disp, proto_text, out);
}

static const char *const c_formats[] = {"rules", "header", NULL};

const sg_backend sg_backend_c = {
    .name = "c",
    .description = "C11 matcher for the sigma_runtime.h accessor, libc only; --format rules|header",
    .comment = "/*",
    .comment_end = "*/",
    .ext = "c",
    .formats = c_formats,
    .prologue = prologue,
    .epilogue = epilogue,
    .emit_rule = emit_rule,
    .run_new = run_new,
    .run_free = run_free,
};
