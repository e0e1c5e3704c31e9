/* c_atoms.h - the literals a rule needs, for the generated code's prefilter.
 *
 * An atom is (field, literal): a rule's atom set is a list such that the
 * rule can only match an event when one of its literals occurs in its
 * field's value (case-folded). The generated matcher checks a rule's atoms
 * against a per-event bit set of the 3-byte sequences in each field's
 * value, and skips the rule when none can be there (a Bloom filter: false
 * "maybe"s cost an evaluation, never a missed match). */
#ifndef SG_C_ATOMS_H
#define SG_C_ATOMS_H

#include "arena.h"
#include "ir.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Literals shorter than this have no 3-byte sequence to check. */
#define SG_CATOM_MIN 3
/* Larger sets are left out (a check is still far cheaper than the rule). */
#define SG_CATOM_MAX 8192

typedef struct sg_catom {
    const char *field;
    const char *lit; /* folded: ASCII, or any bytes with a non-ASCII one */
    size_t len;
} sg_catom;

/* The atom set of expression n, leaving out the top-level AND conjuncts
 * in skip (they have guards of their own). false when n has none, or when
 * out of memory (*oom set). */
bool sg_catoms(sg_arena *a, const ir_node *n, const ir_node *const *skip, size_t nskip,
               sg_catom **out, size_t *nout, bool *oom);

/* The 11-bit hash of 3 bytes the generated sgc_gram() computes too: a
 * value's sequences fill a bit set of this many bytes (SGC_BLOOM_BYTES). */
#define SG_CBLOOM_BYTES 256
static inline unsigned sg_catom_gram(unsigned char a, unsigned char b, unsigned char c)
{
    return (unsigned)(((uint32_t)a | (uint32_t)b << 8 | (uint32_t)c << 16) * 2654435761u) >> 21;
}

#endif
