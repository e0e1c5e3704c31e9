/* c_fold.h - the case folding of generated C code, as data.
 *
 * One table of code-point ranges drives both sides: sigmacc folds rule
 * literals with it when it writes them, and the generated matcher folds
 * event values with the same table, emitted as static data. The ranges
 * are the simple one-to-one folds of the runtime contract
 * (runtime/sigma_runtime.h): Latin-1, Latin Extended-A, Greek, Cyrillic,
 * Armenian, fullwidth Latin, and the capital sharp s, Kelvin and Angstrom
 * signs. ASCII folds A-Z only. A fold never makes text longer; invalid
 * UTF-8 and 4-byte characters stay as they are. */
#ifndef SG_C_FOLD_H
#define SG_C_FOLD_H

#include "strbuf.h"

#include <stddef.h>
#include <stdint.h>

/* Fold n bytes of s into out (room for n bytes); returns the new length. */
size_t sg_cfold(const char *s, size_t n, char *out);
/* The fold of one code point (itself when it has none). */
uint32_t sg_cfold_cp(uint32_t c);
/* The table as C: `static const struct sgc_fold_range {...} sgc_fold_tab[]`. */
void sg_cfold_emit(sg_strbuf *out);

#endif
