/* kql_int.h - what the KQL backend's files share: kql.c (one rule) and
 * kql_corr.c (correlations built from the rules' queries). */
#ifndef SG_KQL_INT_H
#define SG_KQL_INT_H

#include "backend.h"

typedef enum {
    KQL_AS_STRING, /* tostring() unless the column is a string */
    KQL_AS_REAL,   /* todouble() unless the column is numeric */
} kql_cast;

/* Append field `field` of rule r's table (its query_table and schema, as
 * the rule's own query resolves fields) as an expression of the asked
 * type. A field the table lacks is a per-rule error at pos. */
sigma_status kql_field_expr(const ir_rule *r, const char *field, sg_pos pos, kql_cast cast,
                            sg_arena *a, sg_strbuf *out, sg_diags *d);

/* Does r's table have column `name`? 1 yes, 0 no, -1 no schema known. */
int kql_table_has(const ir_rule *r, const char *name, sg_arena *a);

/* The backend's emit_correlation (kql_corr.c). */
struct sg_corr_view;
sigma_status kql_emit_correlation(const struct sg_corr_view *v, const sg_target_opts *o,
                                  sg_arena *a, sg_strbuf *out, sg_diags *d);

#endif
