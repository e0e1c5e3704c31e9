/* sigma_runtime.h - the matching contract shared by libsigmacc's matcher
 * (sigma_matcher_match in sigmacc.h) and the C code `sigmacc compile -t c`
 * generates. Plain C, libc headers only, no allocation implied: an embedder
 * writes one accessor for its event type and can switch between the library
 * and generated code without touching it.
 *
 * Semantics both sides implement (Sigma 2.x):
 * - A field is looked up by its name after pipelines, e.g.
 *   "Event.EventData.CommandLine"; the accessor decides what a name means.
 * - Strings compare case-insensitively unless the rule says `cased`
 *   (ASCII plus simple one-to-one Unicode folding of Latin-1, Latin
 *   Extended-A, Greek and Cyrillic letters). `?` is one UTF-8 character.
 * - Numbers match JSON numbers and numeric strings; string tests see a
 *   number through its text (`text`, or a canonical rendering).
 * - `field: null` holds when the field is absent or null; `|exists`
 *   distinguishes them (a null field exists).
 * - A multi-valued field (array) matches a test when any value does.
 * - Keywords (tests without a field) match the `_raw` field when the
 *   accessor has one, otherwise any string value (`each`). The built-in
 *   readers: a text line is its own `_raw`; a JSON event gives keywords
 *   every string value it holds (an own `_raw` member among them), since
 *   a JSON log has no single message text. */
#ifndef SIGMA_RUNTIME_H
#define SIGMA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIGMA_RUNTIME_VERSION 1

typedef enum sigma_vtype {
    SIGMA_V_NULL = 1, /* present, JSON null */
    SIGMA_V_BOOL,     /* i = 0 or 1 */
    SIGMA_V_INT,      /* i, and f = (double)i */
    SIGMA_V_FLOAT,    /* f */
    SIGMA_V_STRING,   /* str/len: bytes, not necessarily NUL-terminated */
    SIGMA_V_OBJECT,   /* present but not a scalar: only `exists` sees it */
} sigma_vtype;

/* One value of a field. `str`/`len` are required for STRING; for the
 * other scalar types they may hold the value's text as it appeared in the
 * event (the JSON token), or be NULL/0. Borrowed: valid until the
 * accessor's event changes. */
typedef struct sigma_value {
    sigma_vtype type;
    const char *str;
    size_t len;
    int64_t i;
    double f;
} sigma_value;

/* How the matcher reads an event. Only `get` is required.
 * - get: 1 with *out filled when the field is present, 0 when absent.
 * - get_nth: further values of a multi-valued field (n >= 1, in order);
 *   0 past the last one. NULL: fields have one value.
 * - each: calls fn for every string value of the event (for keywords when
 *   there is no `_raw`); stops early when fn returns non-zero. */
typedef struct sigma_accessor {
    int (*get)(void *event, const char *field, size_t field_len, sigma_value *out);
    int (*get_nth)(void *event, const char *field, size_t field_len, size_t n,
                   sigma_value *out);
    int (*each)(void *event, int (*fn)(void *ctx, const sigma_value *v), void *ctx);
} sigma_accessor;

/* The rule that matched. Strings are static (generated code) or owned by
 * the ruleset (library); `index` is the rule's position in the ruleset. */
typedef struct sigma_rule_info {
    size_t index;
    const char *id;    /* may be NULL */
    const char *title; /* may be NULL */
    const char *level; /* may be NULL */
    const char *path;  /* rule file; may be NULL */
} sigma_rule_info;

/* Called once per matching rule, in rule order. Non-zero stops matching
 * this event. */
typedef int (*sigma_match_fn)(void *user, const sigma_rule_info *rule);

#ifdef __cplusplus
}
#endif
#endif
