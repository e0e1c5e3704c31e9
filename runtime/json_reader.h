/* json_reader.h - JSON events into matcher slots, through simdjson's
 * On-Demand API (json_reader.cc, C++ behind this C interface).
 *
 * One pass over each event walks only the objects on the way to a field
 * the ruleset reads (a trie of the dotted field names: "Event.EventData.
 * CommandLine"; keys may contain '#', and a key that itself contains dots
 * is matched against the rest of the path). Everything else is skipped
 * by simdjson without being parsed. A field that lands on an object with a
 * "#text" key (EVTX attributes) takes that value; arrays make multi-valued
 * fields. Keyword values (all strings) are collected in a second parse, and
 * only for events whose group has keyword rules. */
#ifndef SG_JSON_READER_H
#define SG_JSON_READER_H

#include "match.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes that must be readable after a document (simdjson reads ahead). */
#define SG_JSON_PADDING 64

typedef struct sg_jreader sg_jreader;

typedef struct sg_jsink {
    void *ctx;
    /* The event's fields are in the matcher: finish it (sg_matcher_finish
     * with the given `each`). raw/len: the event's JSON text. */
    sigma_status (*event)(void *ctx, const char *raw, size_t len, sg_each_fn each,
                          void *each_ctx);
    /* A bad event or document starting at raw. */
    void (*error)(void *ctx, const char *raw, const char *msg);
    /* About the event just handed over (matched, not skipped); may be NULL. */
    void (*warn)(void *ctx, const char *raw, const char *msg);
} sg_jreader_sink;

/* max_depth: nesting limit (0 = 256); max_size: bytes of one document,
 * larger ones are bad events (0 = no limit). NULL on OOM. */
sg_jreader *sg_jreader_create(const sigma_ruleset *rs, size_t max_depth, size_t max_size);
void sg_jreader_destroy(sg_jreader *r);

/* One JSON document at p[0..len) with SG_JSON_PADDING readable bytes after
 * it: an object is one event, an array a list of events. Returns the
 * number of events handed to the sink, or -1 when the sink returned an
 * error status (out of memory). */
long sg_jreader_doc(sg_jreader *r, sigma_matcher *m, const char *p, size_t len,
                    const sg_jreader_sink *sink);

#ifdef __cplusplus
}
#endif
#endif
