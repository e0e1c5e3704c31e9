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

typedef struct sg_aho sg_aho;
typedef struct sg_aho_builder sg_aho_builder;

sg_aho_builder *sg_aho_builder_new(void);
void sg_aho_builder_free(sg_aho_builder *b);
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

#endif
