/* c_dispatch.h - the generated matcher's entry point and its global
 * dispatch (target "c").
 *
 * The C backend records each rule it emits (its guards and atoms) in the
 * run state; the epilogue then writes the entry points with static tables
 * over all rules, so an event reaches only the rules that can match it:
 *
 *   dispatch   up to two guard fields most rules pin (Channel and EventID
 *              after evtx-json) become sorted key tables; an event looks
 *              its values up once, and the pair picks a group: the list of
 *              rules whose guards on those fields hold, in rule order.
 *              Events where a dispatch field has several values walk all
 *              rules, every guard checked as before.
 *   prefilter  per field with atoms (c_atoms.h), the atoms of all rules
 *              keyed by one of their 3-byte sequences: one pass over the
 *              keys present in the field's bit set (sgc_bloom) marks the
 *              rules one of whose atoms can occur, as sgc_atoms_ok would
 *              decide rule by rule. Only the fields the group's rules have
 *              atoms on are looked at; rules without atoms are always
 *              marked.
 *
 * Everything is a necessary condition of a rule: results never change,
 * and callbacks come in rule order. */
#ifndef SG_C_DISPATCH_H
#define SG_C_DISPATCH_H

#include "sigmacc.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A guard as emitted: sgc_d<id>, true when field slot `field` has a value
 * equal to one of keys (integers when num, else FNV-1a of folded text). */
typedef struct sg_cguard {
    size_t id;
    size_t field;
    bool num;
    size_t nkeys;
    uint64_t *keys;
} sg_cguard;

/* An atom as emitted (c_atoms.h): field slot, 3-byte sequences (n of
 * them; 0 for a non-ASCII literal). */
typedef struct sg_catom_rec {
    size_t field;
    unsigned short gram[3];
    unsigned char n;
} sg_catom_rec;

/* One emitted rule: its guards, and its atoms (natoms 0: none). */
typedef struct sg_crule {
    sg_cguard guard[2];
    unsigned nguards;
    size_t natoms;
    sg_catom_rec *atoms;
} sg_crule;

typedef struct sg_cdisp {
    sg_crule *rules;
    size_t n, cap;
} sg_cdisp;

/* Record rule number d->n (deep copy). SIGMA_ENOMEM when out of memory. */
sigma_status sg_cdisp_add(sg_cdisp *d, const sg_crule *r);
/* The entry points (match, rule_count, rule) for the recorded rules. */
sigma_status sg_cdisp_emit(const sg_cdisp *d, const char *proto, sg_strbuf *out);
void sg_cdisp_free(sg_cdisp *d);

#endif
