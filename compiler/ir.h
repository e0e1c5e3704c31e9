/* ir.h - the typed detection tree every backend and the matcher consume.
 *
 * Independent of YAML and of the condition grammar: identifiers, `1 of`,
 * Sigma's escapes and the encoding modifiers (base64, base64offset, utf16*,
 * windash) are gone by the time a rule is here. Pipelines (pipeline.h)
 * rewrite it in place; backends only read it. All memory is arena-owned. */
#ifndef SG_IR_H
#define SG_IR_H

#include "arena.h"
#include "diag.h"
#include "modifiers.h"
#include "rule.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- string values ----------------------------------------------------- */

typedef enum {
    IR_SEG_LIT,         /* literal bytes (may contain any byte, even NUL) */
    IR_SEG_STAR,        /* Sigma `*`: any run of characters */
    IR_SEG_QMARK,       /* Sigma `?`: exactly one character */
    IR_SEG_PLACEHOLDER, /* `%name%` under |expand, until a pipeline resolves it */
} ir_seg_kind;

typedef struct ir_seg {
    ir_seg_kind kind;
    const char *s; /* LIT: bytes; PLACEHOLDER: name without % */
    size_t len;
} ir_seg;

/* Where a string must sit in the field. Leading/trailing `*` are folded into
 * the mode by the builder, so segs never start or end with STAR except the
 * "any value" case: CONTAINS with nsegs == 0. */
typedef enum {
    IR_STR_EXACT,
    IR_STR_CONTAINS,
    IR_STR_STARTSWITH,
    IR_STR_ENDSWITH,
} ir_str_mode;

/* ---- tests (leaves) ------------------------------------------------------ */

typedef enum {
    IR_T_STR,      /* mode + segs (+ cased) */
    IR_T_REGEX,    /* re + re_flags */
    IR_T_CIDR,     /* family + addr + prefix */
    IR_T_NUM,      /* op + num */
    IR_T_NULL,     /* the field is null (or absent, per target) */
    IR_T_EXISTS,   /* exists: true = present, false = absent */
    IR_T_FIELDREF, /* compares with another field: ref + mode (+ cased) */
    IR_T_TIMEPART, /* part of a date field: part + op + num */
    IR_T_EXPR,     /* target-specific text from a pipeline (expr) */
} ir_test_kind;

typedef enum { IR_NUM_EQ, IR_NUM_LT, IR_NUM_LTE, IR_NUM_GT, IR_NUM_GTE } ir_num_op;

typedef struct ir_num {
    bool is_int;
    int64_t i;
    double f;         /* always set (== i for integers) */
    const char *text; /* as written, for emitting */
} ir_num;

enum { IR_RE_I = 1, IR_RE_M = 2, IR_RE_S = 4 };

typedef struct ir_test {
    ir_test_kind kind;
    const char *field; /* NULL: keyword, matched against the whole event */
    bool cased;        /* |cased: case-sensitive (STR, FIELDREF) */
    sg_vtype vtype;    /* YAML type of the original value (STR from 5 / true) */
    sg_pos pos;        /* the value in the rule file */

    /* IR_T_STR / IR_T_FIELDREF */
    ir_str_mode mode;
    ir_seg *segs;
    size_t nsegs;
    const char *ref; /* FIELDREF: the other field */

    /* IR_T_REGEX */
    const char *re;
    size_t re_len;
    unsigned re_flags;

    /* IR_T_CIDR */
    int family; /* 4 or 6 */
    uint8_t addr[16];
    unsigned prefix;
    const char *cidr_text; /* normalised "a.b.c.d/p" or "x::/p" */

    /* IR_T_NUM / IR_T_TIMEPART */
    ir_num_op op;
    ir_num num;
    sg_modifier part; /* TIMEPART: SG_MOD_MINUTE .. SG_MOD_YEAR */

    /* IR_T_EXISTS */
    bool exists;

    /* IR_T_EXPR */
    const char *expr;
} ir_test;

/* ---- expression tree ------------------------------------------------------ */

typedef enum { IR_AND, IR_OR, IR_NOT, IR_TEST, IR_TRUE, IR_FALSE } ir_kind;

typedef struct ir_node {
    ir_kind kind;
    struct ir_node **kids; /* AND/OR: n >= 1; NOT: exactly 1 */
    size_t nkids;
    ir_test *test; /* IR_TEST */
    sg_pos pos;
} ir_node;

/* ---- rule ------------------------------------------------------------------ */

typedef struct ir_kv {
    const char *key, *value;
} ir_kv;

/* One pipeline item that changed the rule (for --explain and
 * processing_item_applied). */
typedef struct ir_applied {
    const char *pipeline; /* pipeline name */
    const char *item;     /* item id, or "#N" when it has none */
    const char *what;     /* e.g. "Image -> process_path" */
} ir_applied;

typedef struct ir_rule {
    const sg_rule *src; /* the rule tree it came from (metadata, positions) */
    const char *path, *id, *name, *title, *level, *status, *description;
    const char *author;
    const char **tags;
    size_t ntags;
    const char **fields; /* `fields:` after mapping */
    size_t nfields;
    const char **references;
    size_t nreferences;
    const char *category, *product, *service; /* after change_logsource */

    ir_node *expr;

    ir_kv *state; /* pipeline set_state and backend settings (table, index…) */
    size_t nstate, capstate;
    ir_kv *custom; /* custom attributes (set_custom_attribute and the rule's) */
    size_t ncustom, capcustom;
    ir_applied *applied;
    size_t napplied, capapplied;

    /* A pipeline said this rule cannot be converted (rule_failure etc.):
     * the backend must not emit it. The diagnostic is already in diags. */
    bool failed;
} ir_rule;

/* ---- construction ------------------------------------------------------- */

ir_node *ir_node_new(sg_arena *a, ir_kind kind, sg_pos pos);
ir_node *ir_test_node(sg_arena *a, ir_test *t);
ir_test *ir_test_new(sg_arena *a, ir_test_kind kind, const char *field, sg_pos pos);
/* AND/OR of n children; flattens nested nodes of the same kind; n == 1
 * returns the child itself. NULL on OOM. */
ir_node *ir_nary(sg_arena *a, ir_kind kind, ir_node **kids, size_t n, sg_pos pos);
ir_node *ir_not(sg_arena *a, ir_node *child, sg_pos pos);
ir_node *ir_clone(sg_arena *a, const ir_node *n);
ir_test *ir_test_clone(sg_arena *a, const ir_test *t);
/* Append a child to an AND/OR node (arena regrow). false on OOM. */
bool ir_add_kid(sg_arena *a, ir_node *parent, ir_node *kid);

/* Build the IR of one detection rule. Returns NULL when the rule has
 * errors (all reported in d, check names as in checks.h). */
ir_rule *ir_build_rule(sg_arena *a, const sg_rule *r, sg_diags *d);

/* Constant folding: TRUE/FALSE through AND/OR/NOT, double negation. */
ir_node *ir_simplify(sg_arena *a, ir_node *n);

/* ---- string helpers --------------------------------------------------------- */

/* Parse Sigma's wildcards and escapes (`*`, `?`, `\*`, `\?`, `\\`) of a
 * plain value into segments. With `expand`, `%name%` become placeholders
 * (`\%` is a literal percent). */
bool ir_parse_value(sg_arena *a, const char *s, size_t len, bool expand,
                    ir_seg **segs, size_t *nsegs);
/* True when the segments are a single literal (or empty). */
bool ir_segs_literal(const ir_seg *segs, size_t n, const char **s, size_t *len);
bool ir_segs_has(const ir_seg *segs, size_t n, ir_seg_kind kind);
/* Fold leading/trailing STAR into the mode (see ir_str_mode). */
void ir_str_normalise(ir_test *t);

/* ---- rule state ---------------------------------------------------------------- */

const char *ir_state_get(const ir_rule *r, const char *key);
bool ir_state_set(sg_arena *a, ir_rule *r, const char *key, const char *value);
bool ir_custom_set(sg_arena *a, ir_rule *r, const char *key, const char *value);
bool ir_applied_add(sg_arena *a, ir_rule *r, const char *pipeline,
                    const char *item, const char *what);

/* ---- debugging ------------------------------------------------------------------ */

struct sg_strbuf;
/* S-expression dump used by tests and `sigmacc compile -t ir`. */
void ir_dump(const ir_node *n, struct sg_strbuf *out);

#endif
