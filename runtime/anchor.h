/* anchor.h - a SIMD prefilter for a few literals (the keyword atoms of a
 * rule group, looked for in each event's whole JSON text).
 *
 * Each literal gets an anchor: two adjacent bytes of it chosen to be rare
 * in event text ("::" for "sekurlsa::" and "lsadump::"), shared between
 * literals where possible. A scan compares 32 bytes of text at a time with
 * every anchor (AVX2), so it reads the text at memory speed without the
 * chain of dependent loads an automaton or a skip table has; a position
 * where an anchor occurs is verified against the literals that have it.
 * Literals are folded (sg_fold); ASCII text is matched case-insensitively
 * as it is. */
#ifndef SG_ANCHOR_H
#define SG_ANCHOR_H

#include "aho.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sg_anchor sg_anchor;

/* An anchor scanner for pats[i] (lens[i] bytes, caller's id ids[i]), or
 * NULL when the literals need too many distinct anchors for it to pay (or
 * on OOM: then *oom is set). */
sg_anchor *sg_anchor_build(const char *const *pats, const uint32_t *lens, const uint32_t *ids,
                           size_t n, bool *oom);
void sg_anchor_free(sg_anchor *a);
size_t sg_anchor_memory(const sg_anchor *a);

/* Whether this CPU can run sg_anchor_scan (it needs AVX2). */
bool sg_anchor_usable(void);

/* Call hit(ctx, id) for every occurrence of every literal in s (as
 * sg_aho_scan does). Only when sg_anchor_usable(). */
void sg_anchor_scan(const sg_anchor *a, const char *s, size_t n, sg_aho_hit_fn hit, void *ctx);

/* The same over an event's JSON text, checking in the same pass that the
 * text spells its strings as they are: a block of text with a backslash
 * before 'u' or '/', or with a byte >= 0x80, is handed to doubt(dctx, s,
 * from, to, n), which looks at s[from..to) closely and returns true when
 * the text cannot be scanned as it is. Then the scan stops and returns
 * false (hits reported so far are real occurrences in the text). */
typedef bool (*sg_anchor_doubt_fn)(void *dctx, const char *s, size_t from, size_t to, size_t n);
bool sg_anchor_scan_json(const sg_anchor *a, const char *s, size_t n, sg_aho_hit_fn hit,
                         void *ctx, sg_anchor_doubt_fn doubt, void *dctx);

/* The anchor prefilter of an automaton, if it has one (aho.c). */
const sg_anchor *sg_aho_anchor(const sg_aho *a);

#endif
