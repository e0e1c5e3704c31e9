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
#include <stdint.h>
#include <stdio.h>

#include "sigma_runtime.h"

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
 *   "jobs"            N: threads that parse the files of a directory
 *                      (default 1; "0": one per online CPU). The rules,
 *                      diagnostics and statuses are the same for any N.
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
/* Number of files (and strings) that gave no rule because of an error:
 * unreadable, not YAML, over a limit. Their errors are diagnostics. */
size_t sigma_compiler_unloaded_count(const sigma_compiler *c);

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

/* ---- matching events (runtime/) ------------------------------------------------- */

/* A ruleset is compiled once from a compiler's rules (through its
 * pipelines, like a query target) and is then immutable: one ruleset can be
 * shared by any number of threads, each with its own matcher. The value,
 * accessor and callback types are in sigma_runtime.h, which the C code of
 * `sigmacc compile -t c` uses too. */
typedef struct sigma_ruleset sigma_ruleset;
typedef struct sigma_matcher sigma_matcher;

/* Build a ruleset from every rule loaded in c. Rules that cannot be
 * matched (errors, pipeline failures) are reported in
 * c's diagnostics and left out: the result is SIGMA_ENOTSUP (or SIGMA_OK
 * with the "skip-unsupported" option) and *out is still a usable ruleset.
 * Other errors leave *out NULL. The ruleset does not refer to c: c may be
 * destroyed first. */
sigma_status sigma_ruleset_build(sigma_compiler *c, sigma_ruleset **out);
void sigma_ruleset_destroy(sigma_ruleset *rs);
size_t sigma_ruleset_rule_count(const sigma_ruleset *rs);
/* Documents left out because they could not be compiled (see above). */
size_t sigma_ruleset_failed_count(const sigma_ruleset *rs);
/* Rule i (0 <= i < count), or NULL. Lives as long as the ruleset. */
const sigma_rule_info *sigma_ruleset_rule(const sigma_ruleset *rs, size_t i);
/* The field names the rules read (after pipelines); NULL for the slot of
 * keywords (tests without a field). */
size_t sigma_ruleset_field_count(const sigma_ruleset *rs);
const char *sigma_ruleset_field(const sigma_ruleset *rs, size_t i);
/* A summary of the compiled form (dispatch, prefilter sizes), for humans. */
void sigma_ruleset_describe(const sigma_ruleset *rs, FILE *f);

/* Per-thread matching state over a ruleset (which must outlive it). */
sigma_status sigma_matcher_create(const sigma_ruleset *rs, sigma_matcher **out);
void sigma_matcher_destroy(sigma_matcher *m);
/* "stats" "1": count hits, evaluations and time per rule;
 * "parse-only" "1": read events but match nothing (to measure readers);
 * "prefilter" "0": evaluate every rule on every event (a slow reference
 * for testing that dispatch and the prefilter never change results);
 * "regex-jit" "0": regexes through PCRE2's interpreter, not its JIT.
 * Resource limits (a number >= 1, k/M suffixes; SECURITY.md):
 * "limit.regex-match" N  PCRE2 match limit per regex evaluation (1,000,000)
 * "limit.regex-depth" N  PCRE2 depth limit, without JIT (10,000)
 * "limit.event-size"  N  bytes of one event (64 MiB; larger ones are bad
 *                        events, skipped)
 * "limit.event-depth" N  JSON nesting of one event (256, at most 4,096; each
 *                        level takes about 200 bytes of the thread's stack)
 * A regex that hits a PCRE2 limit counts as no match for that event; it is
 * counted (sigma_matcher_limit_hits) and reported through the scan's
 * error callback once per rule (see sigma_scan_error_fn). */
sigma_status sigma_matcher_set_option(sigma_matcher *m, const char *name, const char *value);
/* Regex evaluations of rule i that hit a PCRE2 limit (each counted as no
 * match); rule = SIZE_MAX: over all rules. */
uint64_t sigma_matcher_limit_hits(const sigma_matcher *m, size_t rule);

/* Match one event read through `acc`: fn is called for each matching
 * rule, in rule order. Allocates nothing once warmed up. */
sigma_status sigma_matcher_match(sigma_matcher *m, const sigma_accessor *acc, void *event,
                                 sigma_match_fn fn, void *user);

/* The built-in readers. JSON: a stream of JSON values (one per line,
 * concatenated pretty-printed objects, or arrays of objects); a field name
 * is a dotted path ("Event.System.EventID"). LINES: one event per text
 * line, which keywords and the `_raw` field match. */
typedef enum sigma_input { SIGMA_INPUT_JSON, SIGMA_INPUT_LINES } sigma_input;

/* Length of the longest prefix of buf made of whole events, so a stream
 * can be cut into chunks that parse exactly as the whole would (0: no
 * boundary yet; at end of input the rest is the last chunk). */
size_t sigma_input_split(sigma_input kind, const char *buf, size_t len);

/* event: 0-based index in the scanned buffer; line: 1-based line of the
 * event's first byte in it; raw/len: the event's text. Non-zero from
 * on_match stops the scan. */
typedef int (*sigma_scan_match_fn)(void *user, size_t event, size_t line, const char *raw,
                                   size_t len, const sigma_rule_info *rule);
/* A bad event (invalid JSON, too deep, too large, not an object...): it is
 * skipped. A message that starts with "warning: " is about an event that was
 * matched, not skipped: a rule's regex hit a limit there (once per rule and
 * matcher). */
typedef void (*sigma_scan_error_fn)(void *user, size_t event, size_t line, const char *message);

/* Match every event of buf[0..len). `readable` is how many bytes from buf
 * may be read (>= len; the JSON reader reads up to 64 bytes ahead, and
 * copies an event when there is less room). *nevents and *nmatches (may be
 * NULL) get the counts. SIGMA_ENOTSUP: JSON support was not built in. */
sigma_status sigma_matcher_scan(sigma_matcher *m, sigma_input kind, const char *buf, size_t len,
                                size_t readable, sigma_scan_match_fn on_match,
                                sigma_scan_error_fn on_error, void *user, size_t *nevents,
                                size_t *nmatches);

/* --stats counters for rule i of the ruleset. */
sigma_status sigma_matcher_rule_stats(const sigma_matcher *m, size_t rule, uint64_t *hits,
                                      uint64_t *evals, uint64_t *nanoseconds);
/* Events seen so far, and rule evaluations the prefilter let through. */
uint64_t sigma_matcher_event_count(const sigma_matcher *m);
uint64_t sigma_matcher_eval_count(const sigma_matcher *m);

/* ---- correlations (runtime/corr_*.c) --------------------------------------------- */

/* A ruleset built from correlation rules holds their base rules as
 * ordinary rules plus the correlations. Matching reports base-rule matches
 * as usual; a caller that wants correlation alerts takes a capture from
 * the matcher at each such match (sigma_matcher_capture, any thread) and
 * feeds the captures, in event order, to one sigma_correlator. Events are
 * placed in time by the timestamp fields the pipelines name (rule state
 * `timestamp_field`; `@timestamp` when none does). */
size_t sigma_ruleset_correlation_count(const sigma_ruleset *rs);
/* Correlation i: id, title, level, path; index = i. */
const sigma_rule_info *sigma_ruleset_correlation(const sigma_ruleset *rs, size_t i);
/* 1 when correlation i's alerts are reported (0: it only feeds another). */
int sigma_ruleset_correlation_reported(const sigma_ruleset *rs, size_t i);
/* 1 when rule i's own matches are reported; 0 when it only feeds
 * correlations (Sigma's default for the rules a correlation names). */
int sigma_ruleset_rule_reported(const sigma_ruleset *rs, size_t i);
size_t sigma_ruleset_timestamp_field_count(const sigma_ruleset *rs);
const char *sigma_ruleset_timestamp_field(const sigma_ruleset *rs, size_t i);

/* Inside a match callback on m for rule `rule`: what the correlations need
 * from the current event (time, group-by and value fields) as bytes in
 * buf[0..cap). Returns the size; when it exceeds cap nothing is written.
 * 0 when the rule feeds no correlation. */
size_t sigma_matcher_capture(sigma_matcher *m, size_t rule, void *buf, size_t cap);
/* Inside a match callback: the event's time (microseconds since the epoch)
 * from the timestamp fields. 1 when found, 0 otherwise. */
int sigma_matcher_event_time(sigma_matcher *m, int64_t *us);

/* Where an event is, in the caller's terms (file index, line, number). */
typedef struct sigma_event_ref {
    size_t file, line, event;
} sigma_event_ref;

typedef struct sigma_correlator sigma_correlator;
typedef struct sigma_alert sigma_alert; /* valid during the callback only */
typedef void (*sigma_alert_fn)(void *user, const sigma_alert *a);

sigma_status sigma_correlator_create(const sigma_ruleset *rs, sigma_correlator **out);
void sigma_correlator_destroy(sigma_correlator *c);
/* Before the first feed. Bounds (each overflow is counted, see _stat):
 *   "max-groups" N    live group keys (oldest evicted first)
 *   "max-window" N    entries per group window (oldest dropped first)
 *   "max-entries" N   entries over all windows (oldest groups evicted)
 *   "max-reorder" N   events held by the reorder window
 *   "max-memory" N    bytes of group state (k, M, G suffixes; 1 GiB): the
 *                     least recently updated groups are evicted beyond it
 *   "reorder-window" SECONDS  hold events this long to release them in time
 *                     order; an event older than one already released is
 *                     dropped and counted as "late"
 *   "suppress" 0|1    one alert per group and timespan (default 1) */
sigma_status sigma_correlator_set_option(sigma_correlator *c, const char *name,
                                         const char *value);
/* One capture, in event order; the captures of one event (same ref) are
 * consecutive. Alerts are reported through fn as events complete. */
sigma_status sigma_correlator_feed(sigma_correlator *c, const sigma_event_ref *ref,
                                   const void *capture, size_t len, sigma_alert_fn fn,
                                   void *user);
/* The current event is complete (optional: the next event's first feed
 * says so too); its alerts are reported now rather than then. */
sigma_status sigma_correlator_end_event(sigma_correlator *c, sigma_alert_fn fn, void *user);
/* End of input: the last event and everything the reorder window holds. */
sigma_status sigma_correlator_finish(sigma_correlator *c, sigma_alert_fn fn, void *user);
/* Counters: "events", "no-time", "missing-group", "processed", "late",
 * "hits", "groups-created", "groups-expired", "groups-evicted",
 * "entries-dropped", "entries-evicted", "reorder-forced", "alerts",
 * "suppressed", "live-groups", "peak-groups", "live-entries",
 * "peak-entries", "peak-held", "live-bytes", "peak-bytes"; how often each
 * limit acted: "groups-limit", "window-limit", "entries-limit",
 * "memory-limit"; the limits: "max-groups", "max-window", "max-entries",
 * "max-memory". 0 for unknown names. */
uint64_t sigma_correlator_stat(const sigma_correlator *c, const char *name);

/* An alert: the correlation (sigma_ruleset_correlation's info), its type
 * name, the time and position of the event where it fired, the aggregate
 * there (count, distinct values, sum...), the group-by values, and the
 * contributing events (oldest first). */
const sigma_rule_info *sigma_alert_rule(const sigma_alert *a);
const char *sigma_alert_type(const sigma_alert *a);
int64_t sigma_alert_time(const sigma_alert *a);
double sigma_alert_value(const sigma_alert *a);
void sigma_alert_at(const sigma_alert *a, sigma_event_ref *out);
size_t sigma_alert_group_count(const sigma_alert *a);
const char *sigma_alert_group_field(const sigma_alert *a, size_t i);
const char *sigma_alert_group_value(const sigma_alert *a, size_t i, size_t *len);
size_t sigma_alert_event_count(const sigma_alert *a);
int sigma_alert_event(const sigma_alert *a, size_t i, sigma_event_ref *out);

/* ---- checks catalogue ---------------------------------------------------------- */

size_t sigma_check_count(void);
const char *sigma_check_name(size_t i);
const char *sigma_check_description(size_t i);

#ifdef __cplusplus
}
#endif
#endif
