/* diag_print.h - writing a diagnostic list for people and for tools.
 *
 *   TEXT   gcc style: `path:line:col: error: message [check]`, optionally
 *          followed by the source line and a caret under the column;
 *   JSON   one object per line (JSON Lines);
 *   SARIF  one SARIF 2.1.0 document whose rules are the whole check
 *          catalogue (checks.h).
 *
 * The list is printed in its current order: sorting is the caller's
 * business (sg_diags_sort). User text (messages, paths, source lines) is
 * escaped for the format, so hostile rules cannot inject terminal control
 * sequences or break the JSON. */
#ifndef SG_DIAG_PRINT_H
#define SG_DIAG_PRINT_H

#include "diag.h"

#include <stdbool.h>
#include <stdio.h>

typedef enum { SG_FMT_TEXT, SG_FMT_JSON, SG_FMT_SARIF } sg_diag_fmt;

/* show_source applies to TEXT only: each file is read once per call (files
 * that cannot be read, or are over 16 MiB, are shown without source).
 * Returns false on a write error. */
bool sg_diag_print(const sg_diags *d, sg_diag_fmt fmt, bool show_source, FILE *out);

#endif
