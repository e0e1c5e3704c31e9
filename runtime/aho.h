/* aho.h - Aho-Corasick automaton over (already case-folded) literals: the
 * prefilter that tells the matcher which rule atoms occur in a field.
 *
 * Built once into a byte-class-compressed DFA (one table lookup per input
 * byte), then read-only: one automaton can be scanned by many threads. */
#ifndef SG_AHO_H
#define SG_AHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Only the first SG_AHO_DEPTH bytes of a pattern go into the automaton: the
 * DFA stays small enough for the cache, and a longer pattern is verified
 * with a comparison when its prefix is seen (like YARA's atoms). */
#define SG_AHO_DEPTH 6

typedef struct sg_aho sg_aho;
typedef struct sg_aho_builder sg_aho_builder;

sg_aho_builder *sg_aho_builder_new(void);
void sg_aho_builder_free(sg_aho_builder *b);
/* Also build the anchor prefilter (anchor.h) when the patterns suit it:
 * for automata that scan long texts (an event's JSON). */
void sg_aho_builder_want_anchor(sg_aho_builder *b);
/* Add a non-empty pattern with the caller's id. false on OOM. */
bool sg_aho_add(sg_aho_builder *b, const char *pat, size_t len, uint32_t id);
/* Build the automaton (the builder can be freed after). NULL on OOM. */
sg_aho *sg_aho_build(sg_aho_builder *b);
void sg_aho_free(sg_aho *a);
size_t sg_aho_memory(const sg_aho *a);
size_t sg_aho_states(const sg_aho *a);

/* Call hit(ctx, id) for every occurrence of every pattern in s (a pattern
 * may be reported several times). */
typedef void (*sg_aho_hit_fn)(void *ctx, uint32_t id);
void sg_aho_scan(const sg_aho *a, const char *s, size_t n, sg_aho_hit_fn hit, void *ctx);

/* Call found(ctx, id, start) for occurrences of patterns in s (start: the
 * offset where the occurrence begins) until it returns true; returns
 * whether it did. For string sets that are decided by where a literal
 * occurs (contains, startswith, endswith, equals). */
typedef bool (*sg_aho_found_fn)(void *ctx, uint32_t id, size_t start);
bool sg_aho_find(const sg_aho *a, const char *s, size_t n, sg_aho_found_fn found, void *ctx);

#endif
