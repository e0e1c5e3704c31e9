/* rs.h - the compiled ruleset and the matcher's per-event state (internal).
 *
 * sigma_ruleset is immutable once built and shared by threads; everything
 * that changes per event lives in sigma_matcher. Rules are flattened into
 * arrays of nodes and tests; field names become slots (small integers).
 *
 * Speed comes from three layers, cheapest first:
 * 1. dispatch: up to two "dispatch fields" (those most rules pin with an
 *    equality, e.g. Channel and EventID after the evtx-json pipeline) map
 *    an event to a group holding only the rules that can match it; the
 *    conjuncts dispatch decided are not evaluated again (rrule.fast_root);
 * 2. prefilter: per group and field, an Aho-Corasick automaton over the
 *    rules' atoms (literals a match needs; keywords are looked for in the
 *    event's JSON text by SIMD anchor pairs, anchor.h); a rule is
 *    evaluated only when an atom of each of its (up to SG_NEEDS_MAX) rare
 *    conjuncts occurs, or when it has none (always-rules);
 * 3. evaluation of the flattened expression, short-circuit, with an OR of
 *    many literals on one field decided by one automaton pass (rset).
 * Values come back event after event: the matcher remembers the atoms
 * and set results of recent values (memo.h). */
#ifndef SG_RS_H
#define SG_RS_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include "aho.h"
#include "arena.h"
#include "sigmacc.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

#define SG_NO_SLOT UINT32_MAX
/* A rule is evaluated when the atoms of up to this many of its conjuncts
 * occur (see prefilter.c: rule_needs). */
#define SG_NEEDS_MAX 2

/* ---- tests --------------------------------------------------------------- */

typedef enum {
    RT_STR,      /* mode + lit (folded unless cased) */
    RT_GLOB,     /* mode + segs */
    RT_REGEX,
    RT_CIDR,
    RT_NUM,      /* op + number */
    RT_NULL,
    RT_EXISTS,
    RT_FIELDREF, /* mode, compares with slot `ref` */
    RT_TIME,     /* part + op + number */
} rt_kind;

enum { RM_EXACT, RM_CONTAINS, RM_STARTS, RM_ENDS };
enum { RS_LIT, RS_STAR, RS_QMARK };
enum { RN_EQ, RN_LT, RN_LTE, RN_GT, RN_GTE };
enum { RP_MINUTE, RP_HOUR, RP_DAY, RP_WEEK, RP_MONTH, RP_YEAR };

typedef struct rt_seg {
    uint8_t kind;
    uint32_t len;
    const char *s;
} rt_seg;

/* 48 bytes: an evaluation reads few cache lines (the kinds' fields share
 * space). */
typedef struct rtest {
    uint8_t kind, mode, op, part;
    bool cased, exists, is_int;
    uint8_t family, prefix;
    uint32_t slot; /* field slot, or the keyword slot */
    uint32_t ref;  /* FIELDREF */
    union {
        uint32_t len;   /* STR, REGEX (its source) */
        uint32_t nsegs; /* GLOB */
    };
    union {
        const char *lit; /* STR: the literal; REGEX: its source (for atoms) */
        rt_seg *segs;    /* GLOB */
    };
    union {
        pcre2_code *re; /* REGEX */
        struct {        /* NUM, TIME */
            int64_t i;
            double f;
        };
        uint8_t addr[16]; /* CIDR */
    };
} rtest;

/* ---- expression ------------------------------------------------------------ */

enum { RN_AND, RN_OR, RN_NOT, RN_TEST, RN_TRUE, RN_FALSE };

typedef struct rnode {
    uint8_t kind;
    /* OR: its first `nset` kids are case-insensitive string tests decided
     * together by string sets rs->sets[set .. set + nsets) (one per
     * field); the other kids follow them. */
    uint8_t nsets;
    uint16_t nset;
    uint32_t a; /* AND/OR: first kid in kids[]; NOT: child node; TEST: test */
    uint32_t n; /* AND/OR: number of kids */
    uint32_t set;
} rnode;

/* Many literals on one field in one OR (`Image|endswith: [...]`): one
 * automaton pass over the value decides them all, by where a literal
 * occurs (see sg_aho_find). */
typedef struct rset {
    uint32_t slot;
    sg_aho *ac;        /* pattern id = index into mode[], len[] */
    uint8_t *mode;     /* RM_* of each literal */
    uint32_t *len;
    uint32_t maxlen;
    uint8_t modes;     /* 1 << RM_* of the literals present */
} rset;

typedef struct rrule {
    sigma_rule_info info;
    uint32_t root;
    /* The root without the conjuncts that pin dispatch fields, for events
     * whose dispatch already decided them: [mask], bit k set when field k
     * is decided ([0] is root). See skip_pins in prefilter.c. */
    uint32_t fast_root[4];
} rrule;

/* ---- dispatch and prefilter ---------------------------------------------------- */

typedef struct gfield {
    uint32_t slot;
    sg_aho *ac; /* pattern ids are global (rs->pat_*) */
} gfield;

typedef struct rgroup {
    uint32_t *always; /* rules evaluated without an atom hit */
    size_t nalways;
    gfield *fields;
    size_t nfields;
    /* The keyword atoms JSON-escaped, for scanning a JSON event's text
     * instead of collecting its strings: when the text escapes canonically
     * (no \u, no \/), a string containing an atom means the text contains
     * the escaped atom. NULL when the group has no keyword atoms. */
    sg_aho *kw_json;
    bool kw_ascii; /* every keyword atom is ASCII (see json_text_scannable) */
    size_t nrules; /* all rules of the group (for --stats) */
} rgroup;

/* A key -> index hash table (dispatch values, slot names). */
typedef struct sg_strmap {
    const char **keys;
    size_t *lens;
    uint32_t *vals;
    size_t cap, n;
} sg_strmap;

struct sigma_ruleset {
    sg_arena *arena;
    rrule *rules;
    size_t nrules;
    rnode *nodes;
    size_t nnodes;
    uint32_t *kids;
    size_t nkids;
    rtest *tests;
    size_t ntests;
    rset *sets;
    size_t nsets;

    const char **slot_names; /* NULL for the keyword slot */
    size_t *slot_lens;
    size_t nslots;
    uint32_t kw_slot, raw_slot; /* SG_NO_SLOT when unused */
    sg_strmap slot_map;

    unsigned ndisp;
    uint32_t disp_slot[2];
    sg_strmap disp_map[2]; /* key -> value index (1-based; 0 = other) */
    uint32_t *combo;       /* [v0 * (n1 + 1) + v1] -> group */
    rgroup *groups;
    size_t ngroups;

    uint32_t *pat_off; /* pattern id -> rules pat_rules[pat_off[p] .. pat_off[p + 1]) */
    uint32_t *pat_rules; /* rule << 2 | which of its needs the pattern serves */
    uint8_t *rule_needs; /* per rule: how many needs must be met (1..SG_NEEDS_MAX) */
    size_t npatterns;

    size_t ac_memory, ac_states, nalways_total;

    struct sg_corr_rules *corr; /* correlations (corr_rules.h); NULL: none */
    size_t nfailed;             /* documents that could not be compiled */
};

/* ---- building (ruleset.c, prefilter.c) --------------------------------------- */

uint32_t sg_strmap_get(const sg_strmap *m, const char *k, size_t len);
bool sg_strmap_put(sg_arena *a, sg_strmap *m, const char *k, size_t len, uint32_t v);

/* Choose dispatch fields, build groups and automata. false on OOM. */
bool sg_prefilter_build(sigma_ruleset *rs);
void sg_prefilter_free(sigma_ruleset *rs);

/* Dispatch key of a value: integers (JSON or numeric strings) as "\x01N",
 * other strings folded. Returns the length written to buf (size >= 32 +
 * len), or 0 when the value cannot be a key (null, object, non-integral). */
size_t sg_dispatch_key(const sigma_value *v, char *buf, size_t cap);

#endif
