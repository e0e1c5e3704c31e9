/* c_regex_int.h - the syntax tree of a regex (c_regex.c), for the passes
 * that read it: the NFA (c_regex.c) and the literals it needs (c_relit.c). */
#ifndef SG_C_REGEX_INT_H
#define SG_C_REGEX_INT_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cset {
    uint32_t *r; /* lo, hi pairs */
    size_t n, cap;
} cset;

typedef enum { N_SET, N_ASSERT, N_CAT, N_ALT, N_REP, N_EMPTY } nkind;

/* Assertion kinds, as the generated code numbers them (SGC_A_*). */
enum { A_BOL, A_MBOL, A_EOL, A_MEOL, A_END, A_WORDB, A_NWORDB };

typedef struct node {
    nkind kind;
    int akind;
    bool bare; /* a flag setting like (?i): nothing to repeat */
    cset set;
    struct node **kids;
    size_t nkids, cap;
    uint32_t min, max;
} node;

/* The tree of re[0..n) with IR_RE_* flags; NULL when the pattern is
 * beyond the subset (sg_cre_emit says why) or *oom. */
node *sg_cre_parse(sg_arena *a, const char *re, size_t n, unsigned flags, bool *oom);

#endif
