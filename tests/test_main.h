/* test_main.h - suites of the unit-test binary, and shared helpers. */
#ifndef SG_TEST_MAIN_H
#define SG_TEST_MAIN_H

#include "arena.h"
#include "diag.h"
#include "rule.h"

void test_condition_register(void);
void test_loader_register(void);
void test_ir_register(void);
void test_checks_register(void);

/* Load a YAML string into rule trees (arena-owned); returns the count. */
size_t test_load(sg_arena *a, const char *yaml, sg_diags *d, sg_rule ***rules);
/* True when d holds a diagnostic of `check` at line:col (col 0 = any). */
int test_has_diag(const sg_diags *d, const char *check, unsigned line, unsigned col);
/* Print all diagnostics to stderr (for failing tests). */
void test_dump_diags(const sg_diags *d);

#endif
