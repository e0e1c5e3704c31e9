/* memo.h - the prefilter's hits of recently scanned values, per matcher.
 *
 * Event logs repeat their values: the same Image, ParentImage, User and
 * often CommandLine come back event after event. Scanning a value with a
 * field's automaton always gives the same atoms, so a small table keyed by
 * (automaton, value text) remembers them: a repeated value costs a hash
 * and a comparison instead of a scan. Fields whose values do not repeat
 * (hashes, GUIDs, times) turn the memo off for themselves after a while,
 * so they pay almost nothing for it. Only short values with few hits are
 * kept; the text is compared in full, never trusted to the hash. */
#ifndef SG_MEMO_H
#define SG_MEMO_H

#include "aho.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sg_memo sg_memo;

/* nkeys: how many fields (keys) will be scanned through it. NULL on OOM. */
sg_memo *sg_memo_create(size_t nkeys);
void sg_memo_free(sg_memo *mm);

/* sg_aho_scan(ac, s, n, hit, ctx), remembered under field `key` (< nkeys):
 * hit is called once for each pattern id found (several times for none). */
void sg_memo_scan(sg_memo *mm, uint32_t key, const sg_aho *ac, const char *s, size_t n,
                  sg_aho_hit_fn hit, void *ctx);

/* The result of a test on a value, remembered the same way: `tag` is the
 * test (any pointer that stays valid). -1 when not known. */
int sg_memo_test_get(sg_memo *mm, const void *tag, const char *s, size_t n);
void sg_memo_test_put(sg_memo *mm, const void *tag, const char *s, size_t n, bool value);

#endif
