/* test_match.h - suites of the matcher's unit-test binary, and helpers. */
#ifndef SG_TEST_MATCH_H
#define SG_TEST_MATCH_H

#include "sigmacc.h"

void test_match_semantics_register(void);
void test_match_readers_register(void);
void test_match_scan_register(void);

/* A ruleset from YAML text (NULL and diagnostics on stderr on failure). */
sigma_ruleset *tm_ruleset(const char *yaml);

typedef struct counts {
    size_t matches, errors;
    char rules[256]; /* matched rule ids, "id;" each */
} counts;

/* Scan text with a fresh matcher (readable = len: exercises the copy). */
counts tm_scan(sigma_ruleset *rs, sigma_input kind, const char *text, size_t len);

#endif
