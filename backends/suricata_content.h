/* suricata_content.h - escaping for Suricata rule text, one function per
 * kind of string, each tested alone with every byte (tests/test_suricata.c).
 *
 * Suricata reads an option value up to an unescaped `;`, and a quoted value
 * up to an unescaped `"`; a content string treats `|` as the start of hex.
 * These helpers append to a strbuf (failure is sticky in the strbuf). */
#ifndef SG_SURICATA_CONTENT_H
#define SG_SURICATA_CONTENT_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* The body of a content:"…" string: bytes in [A-Za-z0-9 ._/-] as
 * themselves, every other byte as hex (`|3B 22|`), runs of hex bytes in
 * one pair of bars. With `lower`, ASCII letters are lowered first (for
 * buffers Suricata normalises to lower case). */
void sg_sc_content(sg_strbuf *out, const char *s, size_t n, bool lower);

/* A literal byte string inside a pcre:"/…/" pattern: alphanumerics and a
 * few harmless characters as themselves, regex metacharacters with a
 * backslash, every other byte as \xHH. With `lower`, letters are lowered. */
void sg_sc_pcre_literal(sg_strbuf *out, const char *s, size_t n, bool lower);

/* A user's regular expression inside pcre:"/…/": unescaped `/`, `;` and
 * `"` get a backslash (PCRE reads `\/`, `\;`, `\"` as the plain character),
 * bytes outside printable ASCII become \xHH, and \Q…\E quoting is respected.
 * Returns false when the regex ends in a lone backslash (not a regex). */
bool sg_sc_pcre_regex(sg_strbuf *out, const char *re, size_t n);

/* Free text inside msg:"…": `"`, `;` and `\` with a backslash, control
 * bytes as a space (Suricata's msg is one line). */
void sg_sc_msg(sg_strbuf *out, const char *s);

/* A metadata value or reference id: only [A-Za-z0-9_.:/-] survive; any
 * other byte becomes `_` (metadata is split on `,` and spaces). */
void sg_sc_token(sg_strbuf *out, const char *s);

/* The part of an http(s) URL after the scheme, for reference:url,…:
 * `;`, `"`, `\`, `,`, spaces and bytes outside printable ASCII are
 * percent-encoded so the URL stays the same URL. */
void sg_sc_url(sg_strbuf *out, const char *s, size_t n);

#endif
