/* line_fields.h - fields of a text line (`--input lines`).
 *
 * Besides `_raw` (the whole line), a line that starts with an ISO-8601
 * timestamp, as syslog relays and collectors write it
 * ("2026-11-26T10:14:41+00:00 R1 2294: ..."), has two fields:
 *   @timestamp   that first token
 *   host         the second token (the sending device)
 * Tokens are separated by spaces or tabs. Other lines have neither. */
#ifndef SG_LINE_FIELDS_H
#define SG_LINE_FIELDS_H

#include "match.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sg_line_slots {
    uint32_t ts, host; /* UINT32_MAX: the ruleset does not read it */
} sg_line_slots;

void sg_line_slots_init(const sigma_ruleset *rs, sg_line_slots *ls);
/* Add the line's fields to the matcher (between begin and finish). */
void sg_line_fields(sigma_matcher *m, const sg_line_slots *ls, const char *s, size_t n);

#endif
