/* match.h - the matcher's interface for readers inside the library.
 *
 * A reader that can walk its events faster than field-by-field lookups
 * (the JSON reader fills every field the ruleset needs in one pass) puts
 * values straight into the matcher's slots, then asks it to match:
 *
 *     sg_matcher_begin(m);
 *     sg_matcher_add(m, slot, &value);   ... for each field it found
 *     sg_matcher_finish(m, raw, len, each, ctx, on_match, user);
 *
 * Values must stay valid until sg_matcher_finish returns. A slot never
 * added is absent. Slots are those of sigma_ruleset_field(). */
#ifndef SG_MATCH_H
#define SG_MATCH_H

#include "sigmacc.h"

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every string value of the current event, for keywords (see
 * sigma_accessor.each). */
typedef int (*sg_each_fn)(void *ctx, int (*fn)(void *c, const sigma_value *v), void *c);

void sg_matcher_begin(sigma_matcher *m);
/* false on out-of-memory (the event is then matched with what it has). */
bool sg_matcher_add(sigma_matcher *m, uint32_t slot, const sigma_value *v);
/* raw_json/raw_len: the event's JSON text (for keyword prefiltering), or
 * NULL for other inputs. */
sigma_status sg_matcher_finish(sigma_matcher *m, const char *raw_json, size_t raw_len,
                               sg_each_fn each, void *each_ctx, sigma_match_fn fn, void *user);

/* During a match callback: the first value of field slot `slot` of the
 * event being matched (str/len hold the text of numbers too). false when
 * absent. For the correlation captures (corr_rules.c). */
bool sg_matcher_value(sigma_matcher *m, uint32_t slot, sigma_value *out);

/* Match-side resource limits: sigma_matcher_set_option "limit.NAME"
 * (SECURITY.md). A regex that hits a PCRE2 limit counts as no match. */
#define SG_DEFAULT_REGEX_MATCH_LIMIT 1000000u
#define SG_DEFAULT_REGEX_DEPTH_LIMIT 10000u
#define SG_DEFAULT_EVENT_SIZE_LIMIT ((size_t)64 << 20)
#define SG_DEFAULT_EVENT_DEPTH_LIMIT 256u
/* The JSON walks recurse once per level, about 200 bytes of stack each
 * (several KiB under ASan): the default needs ~50 KiB of a thread's stack,
 * the cap ~1 MiB. */
#define SG_EVENT_DEPTH_CAP 4096u

/* The event size (bytes) and JSON nesting depth limits. */
void sg_matcher_event_limits(const sigma_matcher *m, size_t *size, size_t *depth);
/* After an event: a message (starting "warning: ") naming the rules whose
 * regexes hit a PCRE2 limit for the first time on this matcher in this
 * event, or NULL. Valid until the next call. */
const char *sg_matcher_limit_notice(sigma_matcher *m);

/* A reader the matcher owns (created by the scan layer on first use). */
void *sg_matcher_reader(sigma_matcher *m);
void sg_matcher_set_reader(sigma_matcher *m, void *reader, void (*free_fn)(void *));
const sigma_ruleset *sg_matcher_ruleset(const sigma_matcher *m);
bool sg_matcher_parse_only(const sigma_matcher *m);

/* The ruleset's keyword and `_raw` slots (UINT32_MAX when unused). */
uint32_t sg_ruleset_raw_slot(const sigma_ruleset *rs);
/* True when matching needs keyword values for some event. */
bool sg_ruleset_has_keywords(const sigma_ruleset *rs);

#ifdef __cplusplus
}
#endif
#endif
