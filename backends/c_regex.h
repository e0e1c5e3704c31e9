/* c_regex.h - Sigma regular expressions to static NFA tables for generated C.
 *
 * The flavour is PCRE2's with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF (what
 * libsigmacc's matcher compiles), restricted to what a Thompson NFA can do
 * exactly: literals, `.`, classes `[...]` `[^...]` with ranges and
 * \d \w \s \h \v (and their negations), `^` `$` \A \z \Z \b \B, groups
 * (capturing, `(?:`, named), alternation, `*` `+` `?` `{n}` `{n,}` `{n,m}`
 * (lazy forms too: they match the same strings), and the flags i, m, s
 * given as Sigma modifiers or inline `(?i)` / `(?i:...)`. Anything else
 * (backreferences, lookaround, atomic groups, possessive quantifiers,
 * \p, \Q...\E, a case-insensitive non-ASCII character, ...) is reported as
 * unsupported: the rule is not converted rather than converted wrongly. */
#ifndef SG_C_REGEX_H
#define SG_C_REGEX_H

#include "arena.h"
#include "sigmacc.h"
#include "strbuf.h"

#include <stddef.h>

/* States one regex may have (the generated simulation's stack sets are
 * this big: SGC_RE_MAX in c_prologue.c.in). */
#define SG_CRE_MAX_STATES 1024

/* Append `static const` tables for pattern re[0..n) with IR_RE_* flags:
 * <name>_ranges, <name>_st and the sgc_re <name>. SIGMA_ENOTSUP with a
 * reason in why[0..whylen) when the pattern is beyond the subset;
 * SIGMA_ENOMEM when the arena or out failed. */
sigma_status sg_cre_emit(sg_arena *a, const char *re, size_t n, unsigned flags, const char *name,
                         sg_strbuf *out, char *why, size_t whylen);

/* Literals, ASCII and lower-cased, one of which occurs in every string
 * the pattern matches (anchors, groups, alternatives and repeats read
 * exactly; any class wider than one letter in its two cases ends a
 * literal): the regex's atoms for the prefilter. *nlit 0 when there is no
 * such set (or the pattern is beyond the subset: sg_cre_emit says so). */
sigma_status sg_cre_literals(sg_arena *a, const char *re, size_t n, unsigned flags,
                             const char ***lit, size_t **len, size_t *nlit);

#endif
