/* re_jitsafe.h - work around PCRE2 10.42's JIT bug with negated escapes.
 *
 * With PCRE2_MATCH_INVALID_UTF, the JIT of PCRE2 10.42 (Debian 12) fails
 * to match \D, \W and \S outside a character class against a non-ASCII
 * character (PCRE2 issue #224, fixed in 10.43); the interpreter and the
 * same escapes inside a class ([\D]) are right. The pattern handed to
 * pcre2_compile is rewritten so each such escape sits in a class of its
 * own: same language, JIT kept. */
#ifndef SG_RE_JITSAFE_H
#define SG_RE_JITSAFE_H

#include <stdbool.h>
#include <stddef.h>

/* Writes to *out (sg_malloc'd, NUL-terminated, length in *out_len) the
 * rewritten pattern, or sets *out to NULL when `re` needs no change.
 * Returns false only when out of memory. */
bool sg_re_jitsafe(const char *re, size_t len, char **out, size_t *out_len);

#endif
