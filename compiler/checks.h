/* checks.h - the catalogue of named checks and the rule-tree checks.
 *
 * Every diagnostic names one check from the catalogue, whichever stage
 * raised it (loader, condition parser, IR builder, checks.c, backends), so
 * `sigmacc list checks` and `-W no-NAME` cover them all. */
#ifndef SG_CHECKS_H
#define SG_CHECKS_H

#include "diag.h"
#include "rule.h"

typedef struct sg_check_info {
    const char *name;
    sg_severity sev;        /* default severity */
    const char *description;
} sg_check_info;

size_t sg_check_count(void);
const sg_check_info *sg_check_at(size_t i);
const sg_check_info *sg_check_find(const char *name);

typedef struct sg_check_opts {
    bool strict; /* report custom attributes (and other pedantic findings) */
} sg_check_opts;

/* Checks on one document's tree: schema values (status, level, dates,
 * tags, related types, UUIDs), detection lint. Skips what the loader
 * already reported as broken. */
void sg_check_rule(const sg_rule *r, const sg_check_opts *o, sg_diags *d);

/* Checks across all documents checked together: duplicate ids, names and
 * titles. */
void sg_check_set(sg_rule *const *rules, size_t n, const sg_check_opts *o, sg_diags *d);

#endif
