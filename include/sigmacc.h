/* sigmacc.h - public API of libsigmacc, the Sigma rule compiler.
 *
 * Ownership: arguments are borrowed; objects returned by *_create belong to
 * the caller and are released by the matching *_destroy (NULL-safe).
 * Strings returned by accessors live as long as the object they came from.
 * No function prints, exits or aborts: every error is a status plus
 * positioned diagnostics on the compiler. Objects are not thread-safe;
 * distinct objects may be used from distinct threads. */
#ifndef SIGMACC_H
#define SIGMACC_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sigma_status {
    SIGMA_OK = 0,
    SIGMA_EINVAL,   /* bad argument or option value */
    SIGMA_ERULE,    /* a rule or pipeline has errors (see diagnostics) */
    SIGMA_EIO,      /* a file could not be read or written */
    SIGMA_ENOMEM,   /* out of memory */
    SIGMA_ELIMIT,   /* a resource limit was reached */
    SIGMA_ENOTSUP,  /* the target cannot express a rule */
} sigma_status;

const char *sigma_status_str(sigma_status s);
const char *sigma_version(void);

/* ---- compiler: loads rule files, checks them, compiles them ------------ */

typedef struct sigma_compiler sigma_compiler;

sigma_status sigma_compiler_create(sigma_compiler **out);
void sigma_compiler_destroy(sigma_compiler *c);

/* Options by name, so the ABI does not change as options are added:
 *   "strict"          "1": report custom attributes and style warnings
 *   "disable-check"   NAME: switch a warning off (repeatable)
 *   "werror"          "1": warnings count as errors
 *   "limit.*"         resource limits, see SECURITY.md
 *   "sid-base"        Suricata sid base
 *   "skip-unsupported" "1": a rule a target cannot express is reported
 *                      as a warning instead of an error */
sigma_status sigma_compiler_set_option(sigma_compiler *c, const char *name,
                                       const char *value);

/* Load Sigma files: a file, or a directory searched recursively for
 * *.yml / *.yaml (sorted, so runs are reproducible). */
sigma_status sigma_compiler_add_path(sigma_compiler *c, const char *path);
/* Load rules from memory; `name` is used in diagnostics. */
sigma_status sigma_compiler_add_string(sigma_compiler *c, const char *name,
                                       const char *text, size_t len);
/* Add a processing pipeline: a built-in name (see sigma_pipeline_name) or
 * a path to a pySigma-format pipeline YAML file. */
sigma_status sigma_compiler_add_pipeline(sigma_compiler *c, const char *name_or_path);

/* Run every check over everything loaded (cross-file checks included). */
sigma_status sigma_compiler_check(sigma_compiler *c);

/* Number of rules (documents) loaded. */
size_t sigma_compiler_rule_count(const sigma_compiler *c);

/* ---- diagnostics ----------------------------------------------------------- */

typedef enum { SIGMA_NOTE, SIGMA_WARNING, SIGMA_ERROR } sigma_severity;
typedef enum { SIGMA_FMT_TEXT, SIGMA_FMT_JSON, SIGMA_FMT_SARIF } sigma_diag_format;

size_t sigma_diag_count(const sigma_compiler *c);
size_t sigma_diag_errors(const sigma_compiler *c);
size_t sigma_diag_warnings(const sigma_compiler *c);
/* Accessors for diagnostic i (0 <= i < sigma_diag_count). */
sigma_severity sigma_diag_severity(const sigma_compiler *c, size_t i);
const char *sigma_diag_check(const sigma_compiler *c, size_t i);
const char *sigma_diag_file(const sigma_compiler *c, size_t i);
unsigned sigma_diag_line(const sigma_compiler *c, size_t i);
unsigned sigma_diag_column(const sigma_compiler *c, size_t i);
const char *sigma_diag_message(const sigma_compiler *c, size_t i);
/* Print all diagnostics, sorted by position. TEXT is gcc-style
 * `file:line:col: error: message [check]` with the source line and a caret
 * when `color_or_source` is non-zero. */
sigma_status sigma_diag_write(sigma_compiler *c, sigma_diag_format fmt,
                              int show_source, FILE *out);

/* ---- compiling to a target ------------------------------------------------- */

/* One outcome handed to the result callback; valid only during the call. */
typedef struct sigma_result sigma_result;
typedef enum {
    SIGMA_RESULT_RULE,      /* one rule: query or errors */
    SIGMA_RESULT_PROLOGUE,  /* text the target wants before all rules */
    SIGMA_RESULT_EPILOGUE,  /* text after all rules */
} sigma_result_kind;
/* Return non-zero to stop compiling. */
typedef int (*sigma_result_fn)(void *user, const sigma_result *r);

sigma_result_kind sigma_result_kind_of(const sigma_result *r);
const char *sigma_result_path(const sigma_result *r);
const char *sigma_result_id(const sigma_result *r);    /* may be NULL */
const char *sigma_result_title(const sigma_result *r); /* may be NULL */
const char *sigma_result_level(const sigma_result *r); /* may be NULL */
/* The emitted text; NULL when the rule failed. */
const char *sigma_result_text(const sigma_result *r);
/* --explain text (which pipeline item did what), or NULL. */
const char *sigma_result_explain(const sigma_result *r);
/* Errors of this rule, formatted "path:line:col: message [check]". */
size_t sigma_result_error_count(const sigma_result *r);
const char *sigma_result_error(const sigma_result *r, size_t i);

/* Compile every loaded rule for `target` ("spl", "kql", "suricata", "c",
 * "ir"), through the pipelines added (or the target's default pipeline when
 * none was). Target options go through sigma_compiler_set_option:
 * "format", "explain", "sid-base". Returns SIGMA_OK when every rule
 * compiled, SIGMA_ENOTSUP when some could not (see their results), or an
 * error. Diagnostics are also added to the compiler's list. */
sigma_status sigma_compiler_compile(sigma_compiler *c, const char *target, sigma_result_fn fn,
                                    void *user);

/* How the target writes comments and files, for front ends. */
const char *sigma_target_comment(const char *target, const char **end);
const char *sigma_target_extension(const char *target);

size_t sigma_target_count(void);
const char *sigma_target_name(size_t i);
const char *sigma_target_description(size_t i);

/* Built-in pipelines (files in the pipelines data directory). */
size_t sigma_builtin_pipeline_count(sigma_compiler *c);
const char *sigma_builtin_pipeline_name(sigma_compiler *c, size_t i);

/* ---- checks catalogue ---------------------------------------------------------- */

size_t sigma_check_count(void);
const char *sigma_check_name(size_t i);
const char *sigma_check_description(size_t i);

#ifdef __cplusplus
}
#endif
#endif
