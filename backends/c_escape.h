/* c_escape.h - bytes as C string literals for generated code. */
#ifndef SG_C_ESCAPE_H
#define SG_C_ESCAPE_H

#include "strbuf.h"

#include <stddef.h>

/* Append s[0..n) as a C string literal that holds exactly those bytes:
 * printable ASCII stays, except `"`, `\` and `?` (trigraphs), which are
 * escaped; every other byte (controls, NUL, >= 0x80) is a three-digit
 * octal escape, so no following character can join it. Long values are
 * split into adjacent literals on several lines (indent: spaces before
 * the continuation lines). */
void sg_c_quote(sg_strbuf *out, const char *s, size_t n, unsigned indent);

/* Like sg_c_quote, or NULL when s is NULL. */
void sg_c_quote_opt(sg_strbuf *out, const char *s, unsigned indent);

#endif
