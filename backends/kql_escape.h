/* kql_escape.h - how a value becomes KQL text: string literals, RE2
 * literals and column names. Each function is tested alone with hostile
 * input (tests/test_kql.c): a value must never escape its literal. */
#ifndef SG_KQL_ESCAPE_H
#define SG_KQL_ESCAPE_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decode the UTF-8 code point at s[i] (i < n) into *cp. Returns its length
 * (1-4), or 0 when the bytes there are not valid UTF-8 (truncated,
 * overlong, a surrogate, above U+10FFFF). */
size_t kql_utf8_next(const char *s, size_t n, size_t i, uint32_t *cp);

/* Append a KQL string literal that denotes exactly s[0..n).
 * Verbatim @"..." (only `"` doubled, backslash is itself) when every
 * character may stand for itself; otherwise "..." with \\ \" \t \n \r
 * and \uXXXX for the other control and line-break characters (a verbatim
 * literal cannot hold CR, LF, U+2028 or U+2029, and NUL must never reach
 * the output raw). Returns false and appends nothing when s is not valid
 * UTF-8: KQL strings are Unicode text, so such bytes cannot be matched. */
bool kql_quote(sg_strbuf *out, const char *s, size_t n);

/* Append s[0..n) as RE2 syntax matching exactly those characters: the
 * metacharacters \.+*?()|[]{}^$ get a backslash, control characters
 * become \x{HH}; everything else (including non-ASCII UTF-8) is kept. */
void kql_re_literal(sg_strbuf *out, const char *s, size_t n);

/* Append a column or property name: bare when it is an identifier that is
 * not a KQL keyword, else bracketed as ["..."] (a quoted literal). Returns
 * false (nothing appended) when the name is not valid UTF-8. */
bool kql_ident(sg_strbuf *out, const char *s, size_t n);

/* True when the name can be written bare (see kql_ident). */
bool kql_ident_is_bare(const char *s, size_t n);

#endif
