/* corr_time.h - event timestamps for the correlation engine.
 *
 * Times are microseconds since 1970-01-01T00:00:00Z in an int64_t. */
#ifndef SG_CORR_TIME_H
#define SG_CORR_TIME_H

#include "sigma_runtime.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ISO-8601 / RFC 3339: YYYY-MM-DD, then optionally [T or space]hh:mm[:ss
 * [.fraction]] and a zone (Z, +hh:mm, +hhmm, +hh; none = UTC). Returns
 * the number of bytes consumed (the whole timestamp), 0 when s does not
 * start with one. */
size_t sg_time_parse_iso(const char *s, size_t n, int64_t *us);

/* A field value as a time: an ISO-8601 string, or a number of seconds
 * since the epoch (JSON number or numeric string; magnitudes from 1e11
 * are taken as milliseconds, from 1e14 as microseconds). */
bool sg_time_from_value(const sigma_value *v, int64_t *us);

/* "2026-11-26T10:14:41Z" (".123456" before the Z when there is a
 * fraction) into buf (>= 40 bytes). Returns the length. */
size_t sg_time_format(int64_t us, char *buf, size_t cap);

#endif
