/* output.h - where the CLI writes: stdout, or a file written atomically
 * (temporary file + rename), so a crash or a full disk never leaves a
 * half-written rules file for a SIEM or Suricata to load. */
#ifndef SG_CLI_OUTPUT_H
#define SG_CLI_OUTPUT_H

#include "sigmacc.h"

#include <stdio.h>

typedef struct output {
    FILE *f;
    char *path; /* final path; NULL for stdout or a device */
    char *tmp;  /* temporary path being written */
    int device; /* f is a device or pipe opened as it is: closed, not renamed */
    int failed;
} output;

/* path NULL or "-" = stdout. Returns 0 or -1 (errno set). */
int output_open(output *o, const char *path);
/* One file per rule in dir, named after the rule id (or file name). */
int output_open_rule_file(output *o, const char *dir, const sigma_result *r, const char *ext);
void output_printf(output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Flush, fsync and rename into place. Returns 0 or -1. */
int output_close(output *o);
/* Drop a partial output (the temporary file is removed). */
void output_abort(output *o);

void output_rule_header(output *o, const char *target, const sigma_result *r);
void output_comment(output *o, const char *target, const char *text);
void output_json_result(output *o, const sigma_result *r);

/* Read a whole stream (stdin); NULL on failure. */
char *read_stream(FILE *f, size_t *len);

#endif
