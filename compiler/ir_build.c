/* ir_build.c - rule tree -> IR: resolves modifiers, values, identifiers.
 *
 * Every invalid modifier combination is reported here, at the modifier's
 * own column, so `check` and `compile` agree on what a rule means. Encoding
 * modifiers are applied now (encode.c), so no backend ever sees them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "encode.h"
#include "ir.h"
#include "loader.h" /* the limits */

#include <arpa/inet.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
    sg_arena *a;
    sg_diags *d;
    const sg_rule *r;
    bool failed;
    bool oom;
    ir_node **search_ir; /* cache, one per search identifier */
    bool *search_used;
} builder;

/* What the modifiers of one item say, resolved. */
typedef struct mods {
    ir_str_mode mode;
    const sg_mod_ref *mode_ref;
    bool all, cased, neq, expand, re, cidr, fieldref, exists;
    unsigned re_flags;
    bool has_num;
    ir_num_op num_op;
    bool has_time;
    sg_modifier time_part;
    sg_modifier enc[16];
    size_t nenc;
    const sg_mod_ref *type_ref; /* the modifier that set the value type */
} mods;

static void fail(builder *B)
{
    B->failed = true;
}

#define BERR(B, check, pos, ...)               \
    do {                                       \
        SG_ERR((B)->d, check, pos, __VA_ARGS__); \
        fail(B);                               \
    } while (0)

/* ---- modifiers --------------------------------------------------------------- */

static bool set_type(builder *B, mods *m, const sg_mod_ref *ref)
{
    if (m->type_ref) {
        BERR(B, "modifier", ref->pos, "'%s' cannot be combined with '%s'", ref->name,
             m->type_ref->name);
        return false;
    }
    m->type_ref = ref;
    return true;
}

static bool resolve_mods(builder *B, const sg_item *it, mods *m)
{
    memset(m, 0, sizeof *m);
    m->mode = IR_STR_EXACT;
    bool ok = true;
    for (size_t i = 0; i < it->nmods; i++) {
        const sg_mod_ref *ref = &it->mods[i];
        int id = sg_modifier_lookup(ref->name);
        if (id < 0) {
            if (!*ref->name)
                BERR(B, "modifier", ref->pos, "empty modifier name in '%s'", it->key);
            else
                BERR(B, "modifier", ref->pos, "unknown modifier '%s'", ref->name);
            ok = false;
            continue;
        }
        switch ((sg_modifier)id) {
        case SG_MOD_CONTAINS:
        case SG_MOD_STARTSWITH:
        case SG_MOD_ENDSWITH:
            if (m->mode_ref) {
                BERR(B, "modifier", ref->pos, "'%s' cannot be combined with '%s'", ref->name,
                     m->mode_ref->name);
                ok = false;
            }
            m->mode_ref = ref;
            m->mode = id == SG_MOD_CONTAINS     ? IR_STR_CONTAINS
                      : id == SG_MOD_STARTSWITH ? IR_STR_STARTSWITH
                                                : IR_STR_ENDSWITH;
            break;
        case SG_MOD_ALL:
            m->all = true;
            break;
        case SG_MOD_CASED:
            m->cased = true;
            break;
        case SG_MOD_NEQ:
            m->neq = true;
            break;
        case SG_MOD_EXPAND:
            m->expand = true;
            break;
        case SG_MOD_EXISTS:
            ok &= set_type(B, m, ref);
            m->exists = true;
            break;
        case SG_MOD_RE:
            ok &= set_type(B, m, ref);
            m->re = true;
            break;
        case SG_MOD_RE_I:
        case SG_MOD_RE_M:
        case SG_MOD_RE_S:
            if (!m->re) {
                BERR(B, "modifier", ref->pos, "regex flag '%s' must follow 're'", ref->name);
                ok = false;
            }
            m->re_flags |= id == SG_MOD_RE_I ? IR_RE_I : id == SG_MOD_RE_M ? IR_RE_M : IR_RE_S;
            break;
        case SG_MOD_CIDR:
            ok &= set_type(B, m, ref);
            m->cidr = true;
            break;
        case SG_MOD_FIELDREF:
            ok &= set_type(B, m, ref);
            m->fieldref = true;
            break;
        case SG_MOD_LT:
        case SG_MOD_LTE:
        case SG_MOD_GT:
        case SG_MOD_GTE:
            if (m->has_num) {
                BERR(B, "modifier", ref->pos, "only one of lt/lte/gt/gte may be used");
                ok = false;
            }
            m->has_num = true;
            m->num_op = id == SG_MOD_LT ? IR_NUM_LT : id == SG_MOD_LTE ? IR_NUM_LTE
                        : id == SG_MOD_GT ? IR_NUM_GT : IR_NUM_GTE;
            if (!m->has_time)
                ok &= set_type(B, m, ref);
            break;
        case SG_MOD_MINUTE:
        case SG_MOD_HOUR:
        case SG_MOD_DAY:
        case SG_MOD_WEEK:
        case SG_MOD_MONTH:
        case SG_MOD_YEAR:
            if (m->has_time) {
                BERR(B, "modifier", ref->pos, "only one time modifier may be used");
                ok = false;
            }
            if (m->has_num) {
                BERR(B, "modifier", ref->pos, "the time modifier '%s' must come before '%s'",
                     ref->name, m->type_ref ? m->type_ref->name : "the comparison");
                ok = false;
            }
            ok &= set_type(B, m, ref);
            m->has_time = true;
            m->time_part = (sg_modifier)id;
            break;
        case SG_MOD_BASE64:
        case SG_MOD_BASE64OFFSET:
        case SG_MOD_UTF16LE:
        case SG_MOD_UTF16BE:
        case SG_MOD_UTF16:
        case SG_MOD_WIDE:
        case SG_MOD_WINDASH:
            if (m->nenc == sizeof m->enc / sizeof m->enc[0]) {
                BERR(B, "modifier", ref->pos, "too many encoding modifiers");
                ok = false;
                break;
            }
            m->enc[m->nenc++] = (sg_modifier)id;
            break;
        case SG_MOD__COUNT:
            break;
        }
    }
    if (!ok)
        return false;
    /* Combinations that have no meaning. */
    const sg_mod_ref *t = m->type_ref;
    if (t && m->mode_ref && !m->fieldref) {
        BERR(B, "modifier", m->mode_ref->pos, "'%s' cannot be combined with '%s'",
             m->mode_ref->name, t->name);
        return false;
    }
    if (t && m->nenc) {
        BERR(B, "modifier", t->pos, "'%s' cannot be combined with encoding modifiers", t->name);
        return false;
    }
    if (m->cased && t && !m->fieldref) {
        BERR(B, "modifier", t->pos, "'cased' cannot be combined with '%s'", t->name);
        return false;
    }
    if (m->expand && t) {
        BERR(B, "modifier", t->pos, "'expand' cannot be combined with '%s'", t->name);
        return false;
    }
    if (!it->field && (m->exists || m->fieldref || m->cidr || m->has_num || m->has_time)) {
        BERR(B, "modifier", t->pos, "'%s' needs a field (keywords have none)", t->name);
        return false;
    }
    if (m->exists && (m->neq || m->all)) {
        BERR(B, "modifier", t->pos, "'exists' takes a single true/false and no other modifier");
        return false;
    }
    return true;
}

/* ---- single values ------------------------------------------------------------- */

static ir_test *new_test(builder *B, ir_test_kind k, const sg_item *it, const sg_value *v)
{
    ir_test *t = ir_test_new(B->a, k, it->field, v->pos);
    if (!t)
        B->oom = true;
    else
        t->vtype = v->type;
    return t;
}

static ir_node *node_of(builder *B, ir_test *t)
{
    ir_node *n = t ? ir_test_node(B->a, t) : NULL;
    if (!n)
        B->oom = true;
    return n;
}

static bool value_number(const sg_value *v, ir_num *out)
{
    if (v->type == SG_V_INT) {
        *out = (ir_num){true, v->i, (double)v->i, v->str};
        return true;
    }
    if (v->type == SG_V_FLOAT) {
        *out = (ir_num){false, 0, v->f, v->str};
        return true;
    }
    return false;
}

static ir_node *build_regex(builder *B, const sg_item *it, const sg_value *v, const mods *m)
{
    if (v->type != SG_V_STRING && v->type != SG_V_INT && v->type != SG_V_FLOAT) {
        BERR(B, "invalid-regex", v->pos, "'re' needs a string value");
        return NULL;
    }
    uint32_t opts = PCRE2_UTF;
    if (m->re_flags & IR_RE_I)
        opts |= PCRE2_CASELESS;
    if (m->re_flags & IR_RE_M)
        opts |= PCRE2_MULTILINE;
    if (m->re_flags & IR_RE_S)
        opts |= PCRE2_DOTALL;
    size_t max_len = SG_LIMIT(B->r->limits, max_regex_length, SG_DEFAULT_MAX_REGEX_LENGTH);
    if (v->len > max_len) {
        BERR(B, "limit", v->pos,
             "regular expression of %zu bytes, over the limit of %zu (limit.regex-length)",
             v->len, max_len);
        return NULL;
    }
    int err = 0;
    PCRE2_SIZE off = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)v->str, v->len, opts, &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        sg_pos p = v->pos;
        if (v->quoted)
            p.col++;
        p.col += (unsigned)off;
        BERR(B, "invalid-regex", p, "invalid regular expression: %s (at offset %zu)",
             (const char *)msg, (size_t)off);
        return NULL;
    }
    pcre2_code_free(code);
    ir_test *t = new_test(B, IR_T_REGEX, it, v);
    if (!t)
        return NULL;
    t->re = v->str;
    t->re_len = v->len;
    t->re_flags = m->re_flags;
    return node_of(B, t);
}

static ir_node *build_cidr(builder *B, const sg_item *it, const sg_value *v)
{
    char buf[128];
    if (v->type != SG_V_STRING || v->len >= sizeof buf) {
        BERR(B, "invalid-cidr", v->pos, "'cidr' needs a network like 10.0.0.0/8 or fd00::/8");
        return NULL;
    }
    memcpy(buf, v->str, v->len + 1);
    char *slash = strchr(buf, '/');
    int family = strchr(buf, ':') ? 6 : 4;
    unsigned maxp = family == 4 ? 32 : 128, prefix = maxp;
    if (slash) {
        *slash = '\0';
        char *end;
        unsigned long p = strtoul(slash + 1, &end, 10);
        if (!slash[1] || *end || p > maxp) {
            BERR(B, "invalid-cidr", v->pos, "invalid prefix length in '%s' (0-%u)", v->str, maxp);
            return NULL;
        }
        prefix = (unsigned)p;
    }
    ir_test *t = new_test(B, IR_T_CIDR, it, v);
    if (!t)
        return NULL;
    if (inet_pton(family == 4 ? AF_INET : AF_INET6, buf, t->addr) != 1) {
        BERR(B, "invalid-cidr", v->pos, "'%s' is not an IPv%d network", v->str, family);
        return NULL;
    }
    t->family = family;
    t->prefix = prefix;
    /* Keep the network address: host bits set below the prefix are cleared
     * (every target treats them that way). */
    for (unsigned bit = prefix; bit < maxp; bit++)
        t->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
    char out[INET6_ADDRSTRLEN];
    inet_ntop(family == 4 ? AF_INET : AF_INET6, t->addr, out, sizeof out);
    t->cidr_text = sg_arena_printf(B->a, "%s/%u", out, prefix);
    if (!t->cidr_text)
        B->oom = true;
    return node_of(B, t);
}

/* A string value (or a number used as a string) with its encodings. */
static ir_node *build_string(builder *B, const sg_item *it, const sg_value *v, const mods *m)
{
    ir_seg *segs;
    size_t nsegs;
    if (!ir_parse_value(B->a, v->str, v->len, m->expand, &segs, &nsegs)) {
        B->oom = true;
        return NULL;
    }
    sg_segstr_list cur = {0};
    if (!sg_segstr_push(B->a, &cur, segs, nsegs)) {
        B->oom = true;
        return NULL;
    }
    size_t max_var = SG_LIMIT(B->r->limits, max_expansion, SG_DEFAULT_MAX_EXPANSION);
    for (size_t e = 0; e < m->nenc; e++) {
        sg_segstr_list next = {0};
        for (size_t i = 0; i < cur.n; i++) {
            /* the limit holds for all variants of the value together
             * (windash|contains|windash squared them: 17 MB of query) */
            size_t left = next.n < max_var ? max_var - next.n : 0;
            sg_enc_status st = next.n >= max_var
                                   ? SG_ENC_TOOMANY
                                   : sg_encode(B->a, m->enc[e], &cur.v[i], &next, left);
            const char *name = sg_modifier_info_of(m->enc[e])->name;
            if (st == SG_ENC_NOMEM) {
                B->oom = true;
                return NULL;
            } else if (st == SG_ENC_WILDCARD) {
                BERR(B, "modifier", v->pos, "'%s' cannot encode a value with wildcards", name);
                return NULL;
            } else if (st == SG_ENC_TOOMANY) {
                BERR(B, "expansion-limit", v->pos,
                     "'%s' would expand this value into more than %zu variants "
                     "(limit.expansion)", name, max_var);
                return NULL;
            } else if (st == SG_ENC_TOOBIG) {
                BERR(B, "expansion-limit", v->pos,
                     "'%s' would expand this value into more than %zu bytes of variants "
                     "(%u per variant allowed by limit.expansion)",
                     name, max_var * SG_ENC_BYTES_PER_VARIANT, SG_ENC_BYTES_PER_VARIANT);
                return NULL;
            } else if (st == SG_ENC_BADUTF8) {
                BERR(B, "encoding", v->pos, "'%s': the value is not valid UTF-8", name);
                return NULL;
            }
        }
        if (next.n > max_var) {
            BERR(B, "expansion-limit", v->pos,
                 "'%s' would expand this value into more than %zu variants (limit.expansion)",
                 sg_modifier_info_of(m->enc[e])->name, max_var);
            return NULL;
        }
        cur = next;
    }
    ir_node **alts = sg_arena_alloc(B->a, (cur.n ? cur.n : 1) * sizeof *alts);
    if (!alts) {
        B->oom = true;
        return NULL;
    }
    size_t na = 0;
    for (size_t i = 0; i < cur.n; i++) {
        ir_test *t = new_test(B, m->fieldref ? IR_T_FIELDREF : IR_T_STR, it, v);
        if (!t)
            return NULL;
        t->mode = m->mode;
        /* Keywords are searched for anywhere in the event. */
        if (!it->field && !m->mode_ref)
            t->mode = IR_STR_CONTAINS;
        t->cased = m->cased;
        if (m->fieldref) {
            t->ref = v->str;
        } else {
            t->segs = cur.v[i].segs;
            t->nsegs = cur.v[i].nsegs;
            ir_str_normalise(t);
        }
        alts[na++] = node_of(B, t);
        if (!alts[na - 1])
            return NULL;
    }
    if (na == 0) {
        BERR(B, "modifier", v->pos, "the encoding modifiers leave nothing to match");
        return NULL;
    }
    ir_node *n = ir_nary(B->a, IR_OR, alts, na, v->pos);
    if (!n)
        B->oom = true;
    return n;
}

static ir_node *build_value(builder *B, const sg_item *it, const sg_value *v, const mods *m)
{
    if (m->exists) {
        if (v->type != SG_V_BOOL) {
            BERR(B, "modifier", v->pos, "'exists' takes true or false, not '%s'", v->str);
            return NULL;
        }
        ir_test *t = new_test(B, IR_T_EXISTS, it, v);
        if (!t)
            return NULL;
        t->exists = v->b;
        return node_of(B, t);
    }
    if (v->type == SG_V_NULL) {
        if (m->type_ref || m->mode_ref || m->nenc) {
            BERR(B, "modifier", v->pos, "null cannot be used with '%s'",
                 m->type_ref ? m->type_ref->name : m->mode_ref ? m->mode_ref->name : "encodings");
            return NULL;
        }
        if (!it->field) {
            BERR(B, "schema", v->pos, "null is not a keyword");
            return NULL;
        }
        return node_of(B, new_test(B, IR_T_NULL, it, v));
    }
    if (m->re)
        return build_regex(B, it, v, m);
    if (m->cidr)
        return build_cidr(B, it, v);
    if (m->has_num || m->has_time) {
        ir_num num;
        if (!value_number(v, &num)) {
            BERR(B, "invalid-number", v->pos, "'%s' needs a number, not '%s'",
                 m->type_ref->name, v->str);
            return NULL;
        }
        ir_test *t = new_test(B, m->has_time ? IR_T_TIMEPART : IR_T_NUM, it, v);
        if (!t)
            return NULL;
        t->op = m->has_num ? m->num_op : IR_NUM_EQ;
        t->num = num;
        t->part = m->time_part;
        return node_of(B, t);
    }
    if (m->fieldref && v->type != SG_V_STRING) {
        BERR(B, "modifier", v->pos, "'fieldref' needs a field name");
        return NULL;
    }
    /* A bare number is compared as a number (matches 5 and "5"). */
    if ((v->type == SG_V_INT || v->type == SG_V_FLOAT) && !m->mode_ref && !m->nenc &&
        !m->fieldref && !m->expand && it->field) {
        ir_test *t = new_test(B, IR_T_NUM, it, v);
        if (!t)
            return NULL;
        t->op = IR_NUM_EQ;
        value_number(v, &t->num);
        t->cased = m->cased;
        return node_of(B, t);
    }
    return build_string(B, it, v, m);
}

static ir_node *build_item(builder *B, const sg_item *it)
{
    mods m;
    if (!resolve_mods(B, it, &m))
        return NULL;
    size_t n = it->values.n;
    if (n > 1) {
        for (size_t i = 0; i < n; i++)
            if (it->values.v[i].type == SG_V_NULL) {
                BERR(B, "null-in-list", it->values.v[i].pos,
                     "null cannot be part of a list of values: use a separate selection");
                return NULL;
            }
    }
    if (m.all && n == 1 && it->field)
        SG_WARN(B->d, "all-single-value", it->pos,
                "'all' on a single value has no effect (Sigma does not allow it)");
    ir_node **kids = sg_arena_alloc(B->a, (n ? n : 1) * sizeof *kids);
    if (!kids) {
        B->oom = true;
        return NULL;
    }
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        kids[i] = build_value(B, it, &it->values.v[i], &m);
        if (!kids[i])
            ok = false;
    }
    if (!ok || n == 0)
        return NULL;
    ir_node *node = ir_nary(B->a, m.all ? IR_AND : IR_OR, kids, n, it->pos);
    if (node && m.neq)
        node = ir_not(B->a, node, it->pos);
    if (!node)
        B->oom = true;
    return node;
}

static ir_node *build_map(builder *B, const sg_map *map)
{
    ir_node **kids = sg_arena_alloc(B->a, (map->n ? map->n : 1) * sizeof *kids);
    if (!kids) {
        B->oom = true;
        return NULL;
    }
    bool ok = true;
    for (size_t i = 0; i < map->n; i++)
        if (!(kids[i] = build_item(B, &map->items[i])))
            ok = false;
    if (!ok || map->n == 0)
        return NULL;
    ir_node *n = ir_nary(B->a, IR_AND, kids, map->n, map->pos);
    if (!n)
        B->oom = true;
    return n;
}

static ir_node *build_search(builder *B, const sg_search *s)
{
    ir_node **kids = sg_arena_alloc(B->a, (s->nalts ? s->nalts : 1) * sizeof *kids);
    if (!kids) {
        B->oom = true;
        return NULL;
    }
    bool ok = true;
    for (size_t i = 0; i < s->nalts; i++)
        if (!(kids[i] = build_map(B, &s->alts[i])))
            ok = false;
    if (!ok || s->nalts == 0)
        return NULL;
    ir_node *n = ir_nary(B->a, IR_OR, kids, s->nalts, s->pos);
    if (!n)
        B->oom = true;
    return n;
}

/* The IR of search identifier i; built once, cloned for later references so
 * pipelines can rewrite each occurrence independently. */
static ir_node *search_ref(builder *B, size_t i)
{
    if (!B->search_ir[i]) {
        B->search_ir[i] = build_search(B, &B->r->searches[i]);
        return B->search_ir[i];
    }
    ir_node *c = ir_clone(B->a, B->search_ir[i]);
    if (!c)
        B->oom = true;
    return c;
}

/* ---- condition ------------------------------------------------------------------- */

/* A constructor's NULL is out of memory. */
static ir_node *nonnull(builder *B, ir_node *n)
{
    if (!n)
        B->oom = true;
    return n;
}

static ir_node *build_cond(builder *B, const sg_cond *c, unsigned depth)
{
    if (!c)
        return NULL;
    if (depth > 1000) {
        BERR(B, "limit", c->pos, "condition nested too deeply");
        return NULL;
    }
    switch (c->kind) {
    case SG_C_AND:
    case SG_C_OR: {
        ir_node *k[2] = {build_cond(B, c->a, depth + 1), build_cond(B, c->b, depth + 1)};
        if (!k[0] || !k[1])
            return NULL;
        return nonnull(B, ir_nary(B->a, c->kind == SG_C_AND ? IR_AND : IR_OR, k, 2, c->pos));
    }
    case SG_C_NOT: {
        ir_node *k = build_cond(B, c->a, depth + 1);
        return k ? nonnull(B, ir_not(B->a, k, c->pos)) : NULL;
    }
    case SG_C_ID:
        for (size_t i = 0; i < B->r->nsearches; i++)
            if (strcmp(B->r->searches[i].name, c->name) == 0) {
                B->search_used[i] = true;
                return search_ref(B, i);
            }
        BERR(B, "undefined-identifier", c->pos,
             "'%s' is not a search identifier of this rule's detection", c->name);
        return NULL;
    case SG_C_ONE_OF:
    case SG_C_ALL_OF: {
        size_t ns = B->r->nsearches;
        ir_node **kids = sg_arena_alloc(B->a, (ns ? ns : 1) * sizeof *kids);
        if (!kids) {
            B->oom = true;
            return NULL;
        }
        size_t n = 0;
        bool ok = true;
        for (size_t i = 0; i < ns; i++) {
            const char *name = B->r->searches[i].name;
            bool hit = c->name ? sg_pattern_match(c->name, name) : name[0] != '_';
            if (!hit)
                continue;
            B->search_used[i] = true;
            if (!(kids[n++] = search_ref(B, i)))
                ok = false;
        }
        if (!ok)
            return NULL;
        if (n == 0) {
            if (c->name)
                BERR(B, "undefined-identifier", c->pos,
                     "no search identifier matches the pattern '%s'", c->name);
            else
                BERR(B, "undefined-identifier", c->pos, "'them' refers to no search identifier");
            return NULL;
        }
        return nonnull(B, ir_nary(B->a, c->kind == SG_C_ALL_OF ? IR_AND : IR_OR, kids, n, c->pos));
    }
    }
    return NULL;
}

static const char **strlist(builder *B, const sg_strlist *l, size_t *n)
{
    *n = l->n;
    if (!l->n)
        return NULL;
    const char **v = sg_arena_alloc(B->a, l->n * sizeof *v);
    if (!v) {
        B->oom = true;
        return NULL;
    }
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[i].s;
    return v;
}

/* The rule's IR; NULL on errors (reported) or out of memory (B->oom). */
static ir_rule *build_rule(builder *B)
{
    sg_arena *a = B->a;
    const sg_rule *r = B->r;
    size_t ns = r->nsearches ? r->nsearches : 1;
    B->search_ir = sg_arena_alloc(a, ns * sizeof *B->search_ir);
    B->search_used = sg_arena_alloc(a, ns * sizeof *B->search_used);
    ir_rule *ir = sg_arena_alloc(a, sizeof *ir);
    ir_node **conds = sg_arena_alloc(a, r->nconditions * sizeof *conds);
    if (!B->search_ir || !B->search_used || !ir || !conds) {
        B->oom = true;
        return NULL;
    }
    bool ok = true;
    for (size_t i = 0; i < r->nconditions; i++)
        if (!(conds[i] = build_cond(B, r->conditions[i], 0)))
            ok = false;
    /* Searches no condition uses are still built so their errors show. */
    for (size_t i = 0; i < r->nsearches; i++)
        if (!B->search_used[i] && !B->search_ir[i])
            (void)build_search(B, &r->searches[i]);
    if (!ok || B->failed || B->oom)
        return NULL;
    ir_node *all = ir_nary(a, IR_OR, conds, r->nconditions, r->condition_pos);
    ir->expr = all ? ir_simplify(a, all) : NULL;
    if (!ir->expr) {
        B->oom = true;
        return NULL;
    }
    ir->src = r;
    ir->path = r->path;
    ir->id = r->id.s;
    ir->name = r->name.s;
    ir->title = r->title.s;
    ir->level = r->level.s;
    ir->status = r->status.s;
    ir->description = r->description.s;
    ir->author = r->author.s;
    ir->category = r->logsource.category.s;
    ir->product = r->logsource.product.s;
    ir->service = r->logsource.service.s;
    ir->tags = strlist(B, &r->tags, &ir->ntags);
    ir->fields = strlist(B, &r->fields, &ir->nfields);
    ir->references = strlist(B, &r->references, &ir->nreferences);
    for (size_t i = 0; i < r->ncustom; i++) {
        const sg_ynode *v = r->custom[i].value;
        if (v && v->type == SG_Y_SCALAR && !ir_custom_set(a, ir, r->custom[i].key.s, v->scalar.str)) {
            B->oom = true;
            return NULL;
        }
    }
    return B->oom ? NULL : ir;
}

/* NULL when the rule has errors (diagnostics in d) or on out-of-memory,
 * which sets d->oom: callers tell the two apart by it. */
ir_rule *ir_build_rule(sg_arena *a, const sg_rule *r, sg_diags *d)
{
    if (r->broken || r->kind != SG_DOC_RULE || !r->has_detection || !r->nconditions)
        return NULL;
    builder B = {a, d, r, false, false, NULL, NULL};
    ir_rule *ir = build_rule(&B);
    if (B.oom)
        d->oom = true;
    return B.oom ? NULL : ir;
}
