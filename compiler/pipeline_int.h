/* pipeline_int.h - the parsed form of a pipeline and the state of one
 * application, shared by the pipeline*.c files only (see pipeline.h).
 *
 *   pipeline_yaml.c    YAML text -> generic positioned tree (sg_ynode)
 *   pipeline.c         tree -> pipeline/items/conditions, with diagnostics
 *   pipeline_cond.c    condition expressions and condition evaluation
 *   pipeline_apply.c   the driver: items over one rule, detection items
 *   pipeline_field.c   field-name transformations and `fields:` edits
 *   pipeline_value.c   value transformations (strings, numbers, placeholders)
 *   pipeline_re.c      PCRE2 in the arena, Python-style re.sub templates
 *   pipeline_builtin.c the built-in pipelines on disk
 *   pipeline_index.c   what loading works out once for every rule (hashes,
 *                      prefilters, constant --explain notes)
 *
 * A "detection item" (pySigma's unit for conditions) is not kept by the IR;
 * it is recovered as a single TEST, or an AND/OR whose children are all
 * TESTs on the same field (one Sigma key with its list of values). */
#ifndef SG_PIPELINE_INT_H
#define SG_PIPELINE_INT_H

#include "pipeline.h"
#include "rule.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define PL_CHECK "pipeline"

/* ---- regular expressions (pipeline_re.c) ---------------------------------- */

typedef struct pl_re pl_re;

/* Compile into the arena (no destructor needed). On a syntax error returns
 * NULL with *err set (static text copied into errbuf) and *off the offset. */
pl_re *pl_re_compile(sg_arena *a, const char *pat, size_t len, bool caseless, char *errbuf,
                     size_t errlen, size_t *off);
unsigned pl_re_groups(const pl_re *re);
/* Group number of a named group, or -1. */
int pl_re_group_by_name(const pl_re *re, const char *name);

/* Scratch for matching (malloc'ed through xalloc; one per application). */
typedef struct pl_md pl_md;
pl_md *pl_md_create(void);
void pl_md_free(pl_md *md);

/* Python re.match: anchored at the start, not at the end. -1 on OOM. */
int pl_re_match(pl_md *md, const pl_re *re, const char *s, size_t n);

/* A replacement template of re.sub: literal text and group references. */
typedef struct pl_tpart {
    const char *text; /* literal (already unescaped), NULL for a group */
    size_t len;
    int group;
} pl_tpart;
typedef struct pl_tmpl {
    pl_tpart *parts;
    size_t n;
} pl_tmpl;

/* Parse Python's replacement syntax (\1, \g<1>, \g<name>, \\, \n, \t, \r).
 * Returns NULL with a message in errbuf on a bad group reference. */
pl_tmpl *pl_tmpl_parse(sg_arena *a, const pl_re *re, const char *s, size_t len, char *errbuf,
                       size_t errlen);

/* re.sub over s: every match is replaced. The output is produced through
 * callbacks so callers can carry per-byte information along: `copy` gets
 * spans of s (unmatched text and group references), `text` template text.
 * Returns the number of replacements, or -1 on OOM. */
typedef struct pl_sub_out {
    void (*copy)(void *u, size_t start, size_t end);
    void (*text)(void *u, const char *s, size_t len);
    void *u;
} pl_sub_out;
long pl_re_sub(pl_md *md, const pl_re *re, const pl_tmpl *t, const char *s, size_t n,
               const pl_sub_out *out);

/* ---- lookups ------------------------------------------------------------------- */

/* String -> int, open addressing in the arena; the first value put for a
 * key stays. Built at load time, read-only afterwards. */
typedef struct pl_hslot {
    const char *key;
    size_t hash;
    int val;
} pl_hslot;
typedef struct pl_hmap {
    pl_hslot *v;
    size_t cap, n;
} pl_hmap;

/* The value stored for key (val when it was absent); -2 on OOM. */
int pl_hmap_put(sg_arena *a, pl_hmap *m, const char *key, int val);
/* The value of key, or -1. */
int pl_hmap_get(const pl_hmap *m, const char *key);

/* ---- conditions --------------------------------------------------------------- */

typedef enum {
    PC_LOGSOURCE,
    PC_CONTAINS_DETECTION_ITEM,
    PC_CONTAINS_FIELD,
    PC_ITEM_APPLIED,
    PC_STATE,
    PC_RULE_ATTRIBUTE,
    PC_TAG,
    PC_IS_SIGMA_RULE,
    PC_IS_CORRELATION_RULE,
    PC_MATCH_STRING,
    PC_MATCH_VALUE,
    PC_CONTAINS_WILDCARD,
    PC_IS_NULL,
    PC_INCLUDE_FIELDS,
    PC_EXCLUDE_FIELDS,
} pl_cond_type;

typedef enum { PL_OP_EQ, PL_OP_NE, PL_OP_GTE, PL_OP_GT, PL_OP_LTE, PL_OP_LT, PL_OP_IN, PL_OP_NOT_IN } pl_op;

typedef struct pl_cond {
    pl_cond_type type;
    const char *name; /* key in a conditions map (for *_cond_expr), else NULL */
    sg_pos pos;
    const char *category, *product, *service; /* logsource */
    const char *field;                        /* contains_* */
    const char *key;                          /* processing_state key, rule_attribute name */
    const sg_value *value;                    /* value / val */
    pl_op op;
    const char *item_id; /* processing_item_applied */
    const char *tag;
    pl_re *re; /* match_string */
    bool negate;
    bool all; /* cond: all (value conditions) */
    const char **fields; /* include/exclude_fields */
    size_t nfields;
    pl_re **fields_re; /* mode: re */
    pl_hmap fset;      /* mode: plain: the fields (pl_index) */
} pl_cond;

typedef enum { PE_ID, PE_AND, PE_OR, PE_NOT } pl_expr_kind;
typedef struct pl_expr {
    pl_expr_kind kind;
    struct pl_expr *a, *b;
    size_t index; /* PE_ID: index into the condition set */
} pl_expr;

typedef enum { PL_SCOPE_RULE, PL_SCOPE_DETECTION, PL_SCOPE_FIELD } pl_scope;

typedef struct pl_condset {
    pl_cond *v;
    size_t n;
    bool any;     /* *_cond_op: or */
    bool negate;  /* *_cond_not */
    pl_expr *expr; /* *_cond_expr */
} pl_condset;

/* A necessary condition of a rule condition set, checked before the set
 * itself so that most items are skipped in O(1): the slots of the rule
 * must hold every `req` atom and, with `set`, slot set_slot must hold one
 * of the ids in `set` (a bitset); otherwise, with `alts`, one alternative
 * must hold all its atoms. An atom is "slot has the value numbered id":
 * slots 0-2 are the rule's category, product and service, slot 3+k the
 * state key keys[k] of the pipeline; ids number the strings of the
 * pipeline's conditions (pl_strs). All empty: no prefilter. */
typedef struct pl_atom {
    unsigned slot;
    int id;
} pl_atom;
typedef struct pl_alt {
    pl_atom *v;
    size_t n;
} pl_alt;
typedef struct pl_pre {
    pl_atom *req;
    size_t nreq;
    const unsigned long long *set;
    size_t setbits;
    unsigned set_slot;
    pl_alt *alts;
    size_t nalts;
} pl_pre;

/* Parse "cond1 and not (cond2 or cond3)" against the names of set. The
 * error column is relative to `pos` (the scalar's start). false on error. */
bool pl_expr_parse(sg_arena *a, const char *s, const pl_condset *set, sg_pos pos, sg_diags *d,
                   pl_expr **out, bool *oom);

/* ---- items ---------------------------------------------------------------------- */

#define PL_XFORMS(X)                                                      \
    X(FIELD_NAME_MAPPING, "field_name_mapping")                           \
    X(FIELD_NAME_PREFIX_MAPPING, "field_name_prefix_mapping")             \
    X(FIELD_NAME_PREFIX, "field_name_prefix")                             \
    X(FIELD_NAME_SUFFIX, "field_name_suffix")                             \
    X(ADD_CONDITION, "add_condition")                                     \
    X(CHANGE_LOGSOURCE, "change_logsource")                               \
    X(DROP_DETECTION_ITEM, "drop_detection_item")                         \
    X(REPLACE_STRING, "replace_string")                                   \
    X(MAP_STRING, "map_string")                                           \
    X(SET_VALUE, "set_value")                                             \
    X(CONVERT_TYPE, "convert_type")                                       \
    X(VALUE_PLACEHOLDERS, "value_placeholders")                           \
    X(WILDCARD_PLACEHOLDERS, "wildcard_placeholders")                     \
    X(QUERY_EXPRESSION_PLACEHOLDERS, "query_expression_placeholders")     \
    X(ADD_FIELD, "add_field")                                             \
    X(REMOVE_FIELD, "remove_field")                                       \
    X(SET_FIELD, "set_field")                                             \
    X(SET_STATE, "set_state")                                             \
    X(RULE_FAILURE, "rule_failure")                                       \
    X(DETECTION_ITEM_FAILURE, "detection_item_failure")                   \
    X(STRICT_FIELD_MAPPING_FAILURE, "strict_field_mapping_failure")       \
    X(SET_CUSTOM_ATTRIBUTE, "set_custom_attribute")                       \
    X(CASE, "case")                                                       \
    X(REGEX, "regex")                                                     \
    X(HASHES_FIELDS, "hashes_fields")                                     \
    X(NEST, "nest")

typedef enum {
#define PL_ENUM(e, s) PX_##e,
    PL_XFORMS(PL_ENUM)
#undef PL_ENUM
        PX__COUNT
} pl_xtype;

const char *pl_xtype_name(pl_xtype t);

/* One `from: to` of a mapping; `to` has one entry unless it was a list. */
typedef struct pl_mapping {
    const char *from; /* NULL: the `null:` key (keywords) */
    const char **to;
    size_t nto;
} pl_mapping;

enum { PL_CASE_LOWER, PL_CASE_UPPER, PL_CASE_SNAKE };
enum { PL_RE_PLAIN, PL_RE_FLAG, PL_RE_BRACKETS };
enum { PL_TYPE_STR, PL_TYPE_NUM };

typedef struct pl_item {
    pl_xtype type;
    const char *id;    /* `id:`, or NULL */
    const char *label; /* id, or "#N" (1-based position) for --explain */
    sg_pos pos;
    pl_condset rule, det, field;

    /* parameters; which ones are set depends on the type */
    pl_mapping *map; /* field mappings, map_string, query expression mapping */
    size_t nmap;
    const char *str; /* prefix, suffix, message, state key, attribute, expression,
                      * hashes_fields field_prefix */
    const sg_value *val; /* set_state val, set_custom_attribute / set_value value */
    int method;          /* case / regex method, convert_type / force_type target */
    bool has_method;
    const char **list; /* add/remove/set_field fields; placeholder include/exclude;
                        * hashes_fields valid_hash_algos */
    size_t nlist;
    bool include, exclude; /* placeholders: `list` is an include / exclude list */
    ir_node *cond;         /* add_condition, built once (when not a template) */
    const sg_ynode *cond_src;
    bool templ, negated;
    const char *category, *product, *service; /* change_logsource */
    pl_re *re;                                /* replace_string */
    pl_tmpl *repl;
    bool skip_special, interpret_special;
    bool drop_algo_prefix; /* hashes_fields */
    struct pl_item *kids; /* nest */
    size_t nkids;

    /* built at load time (pipeline_index.c) */
    pl_pre pre;        /* prefilter of `rule` */
    pl_hmap from;      /* field_name_mapping: `from` -> first index in map */
    long null_from;    /* field_name_mapping: index of the `null:` key, or -1 */
    const char *note;  /* --explain note of a rule-level item whose note is
                        * always the same (set_state…), or NULL */
} pl_item;

struct sg_pipeline {
    const char *name;
    const char *path;
    int priority;
    const char **allowed; /* allowed_backends */
    size_t nallowed;
    bool has_allowed;
    const sg_ynode *vars; /* a map, or NULL */
    pl_item *items;
    size_t nitems;
    /* built at load time (pipeline_index.c) */
    pl_hmap strs;      /* strings of the prefilter atoms -> ids */
    const char **keys; /* state keys of the prefilter atoms (slot 3+k) */
    size_t nkeys;
    bool tracks; /* a detection-item or field-name processing_item_applied
                  * condition reads which items changed which tests */
    bool strict; /* a strict_field_mapping_failure needs the mapped names */
};

/* Build the indexes above for a parsed pipeline. false on OOM. */
bool pl_index(sg_arena *a, sg_pipeline *p);
/* A set_state / set_custom_attribute value as text. */
const char *pl_value_text(const sg_value *v);

/* Build the IR of an add_condition `conditions:` map. With `r`, template
 * variables ($category, $product, $service) are substituted from it. */
ir_node *pl_build_conditions(sg_arena *a, const sg_ynode *conds, const ir_rule *r,
                             sg_diags *d);

/* ---- YAML (pipeline_yaml.c) ---------------------------------------------------- */

/* Parse one YAML document into a generic tree. NULL on error (reported). */
sg_ynode *pl_yaml_load(sg_arena *a, const char *path, const char *text, size_t len,
                       sg_diags *d, bool *oom);

/* ---- one application ---------------------------------------------------------- */

typedef struct pl_track {
    const void *key; /* an ir_test*, or a field name (fields: list) */
    const char *id;
} pl_track;

typedef struct pl_ctx {
    sg_arena *a;
    sg_diags *d;
    ir_rule *r;
    const char *backend;
    sg_pipeline *const *pls;
    size_t npl;
    const sg_pipeline *pl; /* of the current item */
    const pl_item *it;     /* current item */
    pl_md *md;             /* made when a regex first runs (pl_md_get) */

    const char **applied; /* ids of items applied to the rule */
    size_t napplied, capapplied;
    pl_track *tests; /* ids of items applied to each test */
    size_t ntests, captests;
    pl_track *names; /* ids of items applied to each `fields:` name */
    size_t nnames, capnames;
    const char **mapped; /* field names a field mapping produced or consumed */
    size_t nmapped, capmapped;

    const char **what; /* --explain notes of the current item (distinct) */
    size_t nwhat, capwhat;

    bool track;   /* some pipeline reads the test/name tracks (pl_track_*) */
    bool strict;  /* some pipeline reads `mapped` */
    int *cur;     /* prefilter slot values of the rule in the current pipeline */
    bool cur_ok;  /* cur is up to date (cleared by a new pipeline, set_state,
                   * change_logsource) */
    bool changed;
    bool oom;
    bool stop; /* the rule failed: no further items */
} pl_ctx;

/* A detection item: one TEST slot, or every child of `parent`. */
typedef struct pl_group {
    ir_node **one;
    ir_node *parent;
    const char *field;
} pl_group;

static inline size_t pl_group_n(const pl_group *g)
{
    return g->parent ? g->parent->nkids : 1;
}
static inline ir_node **pl_group_slot(const pl_group *g, size_t i)
{
    return g->parent ? &g->parent->kids[i] : g->one;
}

/* pipeline_cond.c */
/* false when the item's prefilter rules it out (then pl_match_rule is
 * false). Inline, as it runs for every item of every rule; pl_pre_check
 * refreshes the slots and tries the alternatives. */
bool pl_pre_check(pl_ctx *c, const pl_pre *pre);
static inline bool pl_pre_pass(pl_ctx *c, const pl_item *it)
{
    const pl_pre *pre = &it->pre;
    if (!c->cur_ok || pre->nalts)
        return pl_pre_check(c, pre);
    for (size_t k = 0; k < pre->nreq; k++)
        if (c->cur[pre->req[k].slot] != pre->req[k].id)
            return false;
    if (!pre->set)
        return true;
    int v = c->cur[pre->set_slot];
    return v >= 0 && (size_t)v < pre->setbits && (pre->set[v / 64] >> (v % 64) & 1);
}
bool pl_match_rule(pl_ctx *c, const pl_item *it);
bool pl_match_group(pl_ctx *c, const pl_item *it, const pl_group *g);
/* Field-name conditions on one name; `t` (may be NULL) is the test whose
 * field it is, for processing_item_applied. */
bool pl_match_field_name(pl_ctx *c, const pl_item *it, const char *field, const ir_test *t);
bool pl_has_field_conds(const pl_item *it);

/* A note being written: what vsnprintf into char[PL_NOTE_MAX] would keep
 * (longer text is cut), without printf's cost on the hot paths. */
#define PL_NOTE_MAX 512
typedef struct pl_nb {
    char buf[PL_NOTE_MAX];
    size_t len;
} pl_nb;
static inline void pl_nb_init(pl_nb *b)
{
    b->len = 0;
    b->buf[0] = '\0';
}
static inline void pl_nb_put(pl_nb *b, const char *s, size_t n)
{
    size_t room = PL_NOTE_MAX - 1 - b->len;
    if (n > room)
        n = room;
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}
static inline void pl_nb_puts(pl_nb *b, const char *s)
{
    pl_nb_put(b, s, strlen(s));
}

/* pipeline_apply.c: bookkeeping shared by the transformations */
void pl_note(pl_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* pl_note of a finished text; `keep`: s outlives the rule (no copy). */
void pl_note_str(pl_ctx *c, const char *s, bool keep);
/* The note "FROM -> TO", "FROM -> [TO, …]" or "FROM dropped" of a mapping. */
void pl_note_mapping(pl_ctx *c, const char *from, const char *const *to, size_t n);
void pl_track_test(pl_ctx *c, const ir_test *t, const char *id);
void pl_track_copy(pl_ctx *c, const ir_test *from, const ir_test *to);
void pl_track_tree(pl_ctx *c, const ir_node *n, const char *id);
bool pl_test_tracked(const pl_ctx *c, const ir_test *t, const char *id);
void pl_track_name(pl_ctx *c, const char *name, const char *id);
bool pl_name_tracked(const pl_ctx *c, const char *name, const char *id);
void pl_mapped_add(pl_ctx *c, const char *name);
bool pl_mapped_has(const pl_ctx *c, const char *name);
/* The regex scratch of the application, made on first use (NULL and
 * c->oom on failure). */
pl_md *pl_md_get(pl_ctx *c);
/* x followed by y in the arena (c->oom and NULL on failure); no printf,
 * as it runs for every renamed test. */
const char *pl_concat(pl_ctx *c, const char *x, const char *y);
/* A per-rule error from the current item: marks the rule failed. */
void pl_fail(pl_ctx *c, sg_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
sg_pos pl_rule_pos(const pl_ctx *c);
/* The value of a pipeline variable (the last pipeline defining it wins). */
const sg_ynode *pl_var(const pl_ctx *c, const char *name);

/* pipeline_field.c: field-name transformations over one detection item
 * and the rule's `fields:` list. */
void pl_field_group(pl_ctx *c, const pl_group *g);
void pl_field_list(pl_ctx *c);

/* pipeline_value.c: value transformations of one test. Returns the
 * replacement node, or NULL when the test is unchanged (or on failure,
 * with c->stop / c->oom set). */
ir_node *pl_value_test(pl_ctx *c, ir_test *t);
/* hashes_fields on one test: "SHA1=…" -> the hash on its own field. NULL
 * and *invalid when the value names no valid algorithm (the test is to be
 * dropped), NULL alone when the test is not a string. */
ir_node *pl_hash_test(pl_ctx *c, ir_test *t, bool *invalid);
/* Final {field} substitution in query expressions (after every pipeline). */
void pl_expr_fields(pl_ctx *c, ir_node *n);

/* Text forms of a value, as pySigma prints them (wildcards as * and ?,
 * literal ones escaped, placeholders as %name%). */
const char *pl_test_plain(sg_arena *a, const ir_test *t);
/* Strings of the `list`/scalar shape of a node (NULL on a wrong shape). */

#endif
