/* spl_int.h - what the SPL backend's files share: spl.c (one rule) and
 * spl_corr.c (correlations built from the rules' queries). */
#ifndef SG_SPL_INT_H
#define SG_SPL_INT_H

#include "backend.h"

/* Append rule r's query (`SEARCH [| regex …]… [| where …]`) to out: the
 * same text the default format writes. SIGMA_ENOTSUP after a per-rule
 * error in d. */
sigma_status spl_rule_query(const ir_rule *r, sg_arena *a, sg_strbuf *out, sg_diags *d);

/* Append a savedsearches.conf stanza for query q with r's metadata;
 * `earliest` is dispatch.earliest_time (NULL: -15m, the schedule's
 * period). */
sigma_status spl_saved_stanza(const ir_rule *r, const sg_strbuf *q, const char *earliest,
                              sg_strbuf *o);

/* The backend's emit_correlation (spl_corr.c). */
struct sg_corr_view;
sigma_status spl_emit_correlation(const struct sg_corr_view *v, const sg_target_opts *o,
                                  sg_arena *a, sg_strbuf *out, sg_diags *d);

#endif
