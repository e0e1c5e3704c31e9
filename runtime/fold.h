/* fold.h - case folding for Sigma's case-insensitive comparisons.
 *
 * Values and rule literals go through the same function, so comparing
 * folded bytes is comparing case-insensitively. ASCII is a table lookup;
 * non-ASCII letters get simple one-to-one folding for the scripts where it
 * is cheap (Latin-1, Latin Extended-A, Greek, Cyrillic, Armenian,
 * fullwidth Latin, and the Kelvin/Angstrom/long-s signs PCRE2 also folds).
 * Folding never makes a string longer; invalid UTF-8 is copied unchanged. */
#ifndef SG_FOLD_H
#define SG_FOLD_H

#include <stdbool.h>
#include <stddef.h>

/* Fold n bytes of s into out (room for n bytes); returns the new length. */
size_t sg_fold(const char *s, size_t n, char *out);
/* True when s has no byte >= 0x80 (then folding is a byte map). */
bool sg_is_ascii(const char *s, size_t n);
/* Length in bytes of the UTF-8 character starting at s (1 for an invalid
 * sequence), for Sigma's `?`. n >= 1. */
size_t sg_utf8_len(const char *s, size_t n);

extern const unsigned char sg_lower_table[256];

#endif
