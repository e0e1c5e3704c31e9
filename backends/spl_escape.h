/* spl_escape.h - every way the SPL backend writes a value, in one place.
 *
 * SPL has one quoted-string syntax for search values, eval strings and the
 * `regex` command: inside "…", `\\` is one backslash and `\"` a quote; any
 * other backslash stays as it is. We always double a backslash, so our
 * strings never depend on that last rule. Regex text (PCRE) is built first
 * and then quoted: the two layers never mix. */
#ifndef SG_SPL_ESCAPE_H
#define SG_SPL_ESCAPE_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* Append `"` + s with `\` -> `\\` and `"` -> `\"` + `"`. */
void spl_quote(sg_strbuf *o, const char *s, size_t n);
/* The same without the surrounding quotes (to build a string piecewise). */
void spl_quote_body(sg_strbuf *o, const char *s, size_t n);
/* Read one SPL double-quoted string at q[0] == '"' (q holds n bytes) the
 * way Splunk does; append its value to out. Returns the bytes consumed
 * including both quotes, or 0 when the string is not closed. */
size_t spl_unquote(const char *q, size_t n, sg_strbuf *out);

/* Length of the valid UTF-8 sequence at s[0..n) (1 for ASCII), or 0 when
 * the bytes there are not valid UTF-8. */
size_t spl_utf8_len(const char *s, size_t n);

/* Append PCRE text that matches exactly the bytes s[0..n): metacharacters
 * escaped, control bytes and bytes that are not valid UTF-8 as \xHH (so a
 * query is always UTF-8 text), valid UTF-8 as it is. */
void spl_regex_literal(sg_strbuf *o, const char *s, size_t n);

/* A literal that can sit inside a quoted `search` value and mean only
 * itself: no `*` (search cannot escape it), no control bytes, valid UTF-8. */
bool spl_search_literal_ok(const char *s, size_t n);

/* Field names. `search` takes [A-Za-z0-9_.] bare and others in double
 * quotes, but a `*` is always a wildcard and a quote or backslash has no
 * reliable escape there. Eval names are bare when they are identifiers and
 * in single quotes otherwise (a dot is eval's concatenation operator). */
bool spl_search_field_ok(const char *f);
bool spl_eval_field_ok(const char *f);
void spl_search_field(sg_strbuf *o, const char *f);
void spl_eval_field(sg_strbuf *o, const char *f);
/* Names the `regex` command takes bare ([A-Za-z0-9_.], not empty). */
bool spl_plain_field(const char *f);

#endif
