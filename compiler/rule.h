/* rule.h - the rule tree: what a Sigma file said, typed, with positions.
 *
 * Built by the loader (libfyaml) in an arena; `check` runs on it so every
 * finding can point at the exact key or value. The IR builder (ir_build.c)
 * turns it into the typed detection tree backends consume. Nothing here
 * depends on YAML types. */
#ifndef SG_RULE_H
#define SG_RULE_H

#include "arena.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- scalars ---------------------------------------------------------- */

typedef enum {
    SG_V_STRING, /* any quoted scalar, or a plain one that is not below */
    SG_V_INT,
    SG_V_FLOAT,
    SG_V_BOOL,
    SG_V_NULL,
} sg_vtype;

typedef struct sg_value {
    sg_vtype type;
    const char *str; /* scalar text as YAML gave it (unquoted), NUL-terminated */
    size_t len;      /* may contain NULs for double-quoted "\0" */
    int64_t i;
    double f;
    bool b;
    bool quoted; /* written with quotes (number-as-string check) */
    sg_pos pos;
} sg_value;

/* A list of scalars, with the position of the list itself. */
typedef struct sg_vlist {
    sg_value *v;
    size_t n;
    sg_pos pos;
} sg_vlist;

/* ---- detection -------------------------------------------------------- */

/* One `|name` of a field key, with its own column for diagnostics. */
typedef struct sg_mod_ref {
    const char *name;
    int id; /* sg_modifier (modifiers.h) or -1 when unknown */
    sg_pos pos;
} sg_mod_ref;

/* `Field|mod1|mod2: value-or-list` inside a map, or a keyword list. */
typedef struct sg_item {
    const char *key;   /* the whole key as written ("" for keyword lists) */
    const char *field; /* field name; NULL for keywords (no field / `|all`) */
    sg_pos pos;        /* of the key (or of the list for keywords) */
    sg_mod_ref *mods;
    size_t nmods;
    sg_vlist values;
    bool is_list; /* value was a YAML sequence (even of one element) */
} sg_item;

/* AND of items: one YAML map. */
typedef struct sg_map {
    sg_item *items;
    size_t n;
    sg_pos pos;
} sg_map;

/* A search identifier: OR of alternatives, each an AND of items.
 * - a map: one alternative;
 * - a list of maps: one alternative per map;
 * - a list of plain values: one alternative with one keyword item. */
typedef enum { SG_SEARCH_MAP, SG_SEARCH_LIST } sg_search_kind;

typedef struct sg_search {
    const char *name;
    sg_pos pos;
    sg_search_kind kind;
    sg_map *alts;
    size_t nalts;
} sg_search;

/* ---- condition AST (built by grammar/condition.y) ---------------------- */

typedef enum {
    SG_C_AND,
    SG_C_OR,
    SG_C_NOT,
    SG_C_ID,     /* name */
    SG_C_ONE_OF, /* name = pattern (may contain '*'), NULL = them */
    SG_C_ALL_OF,
} sg_cond_kind;

typedef struct sg_cond {
    sg_cond_kind kind;
    sg_pos pos; /* in the file: the condition scalar's line:col + offset */
    struct sg_cond *a, *b;
    const char *name;
} sg_cond;

/* ---- metadata --------------------------------------------------------- */

typedef struct sg_str {
    const char *s;
    sg_pos pos;
} sg_str;

typedef struct sg_strlist {
    sg_str *v;
    size_t n;
    sg_pos pos;
    bool present;
} sg_strlist;

typedef struct sg_related {
    sg_str id, type;
} sg_related;

/* A generic YAML subtree copied into the arena, for sections whose
 * builders live elsewhere (correlation, filter) and for custom attributes. */
typedef enum { SG_Y_SCALAR, SG_Y_SEQ, SG_Y_MAP } sg_ytype;

typedef struct sg_ynode {
    sg_ytype type;
    sg_value scalar; /* SG_Y_SCALAR */
    sg_pos pos;
    struct sg_ynode **kids; /* SEQ: items; MAP: key0, value0, key1, value1… */
    size_t n;               /* number of items (SEQ) or pairs (MAP) */
} sg_ynode;

/* Look a key up in a SG_Y_MAP node; NULL when absent or not a map. */
const sg_ynode *sg_ynode_get(const sg_ynode *map, const char *key);

/* A key/value the rule has that Sigma does not define. */
typedef struct sg_custom {
    sg_str key;
    const sg_ynode *value;
} sg_custom;

typedef struct sg_logsource {
    sg_str category, product, service, definition;
    sg_custom *extra; /* other logsource keys (values are scalars) */
    size_t nextra;
    sg_pos pos;
    bool present;
} sg_logsource;

typedef enum {
    SG_DOC_RULE,
    SG_DOC_CORRELATION,
    SG_DOC_FILTER,
} sg_doc_kind;

/* One YAML document of a Sigma file. */
typedef struct sg_rule {
    sg_doc_kind kind;
    const char *path;  /* file name as given */
    unsigned doc_index; /* 0-based document number in the file */
    sg_pos pos;        /* start of the document */

    sg_str title, id, name, taxonomy, status, description, license, author;
    sg_str date, modified, level;
    sg_strlist references, fields, falsepositives, tags, scope;
    sg_related *related;
    size_t nrelated;
    sg_logsource logsource;

    /* detection */
    bool has_detection;
    sg_pos detection_pos;
    sg_search *searches;
    size_t nsearches;
    sg_cond **conditions; /* one per condition string; ORed */
    size_t nconditions;
    sg_pos condition_pos;
    bool has_timeframe; /* legacy `timeframe:` inside detection */

    sg_custom *custom;
    size_t ncustom;

    /* correlation / filter sections, for their own builders */
    const sg_ynode *correlation;
    const sg_ynode *filter;

    bool broken; /* a structural error was found: do not build IR */
    bool legacy; /* part of a legacy `action:` collection */
    /* the compiler's limits (loader.h), read by the IR builder; NULL:
     * the defaults */
    const struct sg_load_limits *limits;
} sg_rule;

/* Find a search identifier by exact name; NULL when absent. */
const sg_search *sg_rule_search(const sg_rule *r, const char *name);

/* Wildcard match of a condition pattern (`sel*`) against a name. */
bool sg_pattern_match(const char *pattern, const char *name);

/* ---- the condition parser (grammar/condition.y) ------------------------ */

typedef struct sg_cond_limits {
    unsigned max_depth; /* nesting of parentheses/not; 0 = default (256) */
} sg_cond_limits;

/* Parse one condition string. `pos` is where the string's first character
 * sits in the file (for a plain scalar, the scalar's start; the caller
 * adjusts for the opening quote). Diagnostics land in `d` with check
 * "condition-syntax" (or "deprecated-aggregation" for `| count()`/`near`).
 * Returns NULL on error. */
sg_cond *sg_cond_parse(sg_arena *a, const char *text, size_t len, sg_pos pos,
                       const sg_cond_limits *lim, sg_diags *d);

#endif
