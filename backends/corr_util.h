/* corr_util.h - what the correlation emitters of several targets share
 * (spl_corr.c, kql_corr.c, suricata_corr.c). */
#ifndef SG_CORR_UTIL_H
#define SG_CORR_UTIL_H

#include "correlation.h"
#include "strbuf.h"

#include <stdbool.h>
#include <stdint.h>

/* Does the condition's AND of comparisons hold for value k? */
bool corr_cond_holds(const sg_correlation *c, int64_t k);

/* Is the condition "every rule" (all that temporal_ordered can mean):
 * no expression, and of the counts 0..nrules only nrules satisfies it? */
bool corr_cond_is_all(const sg_correlation *c);

/* The smallest count satisfying the condition when it is a lower bound
 * only (every count from it up holds, none below): *min set, true. False
 * for upper bounds, ranges, eq and neq. */
bool corr_cond_lower_bound(const sg_correlation *c, int64_t *min);

/* Where a correlation's problem is: p, or the document when p has none. */
sg_pos corr_pos(const sg_correlation *c, sg_pos p);

/* A time span as SPL and KQL write it (30s, 5m, 2h, 1d): the largest unit
 * that divides it exactly. */
void corr_span_text(sg_strbuf *o, int64_t seconds);

#endif
