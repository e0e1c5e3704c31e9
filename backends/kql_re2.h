/* kql_re2.h - a Sigma (PCRE-style) regex as RE2, the engine behind KQL's
 * `matches regex`. */
#ifndef SG_KQL_RE2_H
#define SG_KQL_RE2_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Append re[0..n) to out in RE2 syntax with the same meaning. Named groups
 * `(?<name>` become `(?P<name>`; the rest is copied. Returns NULL on
 * success, or a static message naming the construct RE2 does not have
 * (lookaround, backreferences, possessive or atomic groups, \G \K \R \X
 * \h \v \e \c, conditionals, recursion, comments): then the caller must
 * not use what was appended. */
const char *kql_re2_translate(sg_strbuf *out, const char *re, size_t n);

#endif
