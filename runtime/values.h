/* values.h - reading event values the way Sigma compares them: numbers in
 * strings, IP addresses, ISO-8601 timestamps. Pure functions, no state. */
#ifndef SG_VALUES_H
#define SG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A whole string that is a decimal number (JSON syntax, plus an optional
 * leading '+'): integral values that fit int64 set *is_int and *i; *f is
 * always set. */
bool sg_parse_number(const char *s, size_t n, bool *is_int, int64_t *i, double *f);

/* An IPv4 or IPv6 address (no prefix, no zone). family is 4 or 6. */
bool sg_parse_ip(const char *s, size_t n, int *family, uint8_t addr[16]);

/* Broken-down UTC time. */
typedef struct sg_time {
    int year, month, day, hour, minute, second;
} sg_time;

/* ISO-8601 "YYYY-MM-DD[(T| )hh:mm[:ss[.frac]]][Z|(+|-)hh[:]mm]"; an offset
 * is applied, so the result is UTC. */
bool sg_parse_time(const char *s, size_t n, sg_time *t);
/* Seconds since the epoch -> UTC. */
void sg_time_from_epoch(int64_t secs, sg_time *t);
/* ISO week number (1..53). */
int sg_iso_week(const sg_time *t);

#endif
