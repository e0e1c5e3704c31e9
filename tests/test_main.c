/* test_main.c - the CUnit runner for every unit suite. */
#include "test_main.h"
#include "loader.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

size_t test_load(sg_arena *a, const char *yaml, sg_diags *d, sg_rule ***rules)
{
    size_t n = 0, cap = 0;
    *rules = NULL;
    sg_load_buffer(a, "test.yml", yaml, strlen(yaml), NULL, d, rules, &n, &cap);
    return n;
}

int test_has_diag(const sg_diags *d, const char *check, unsigned line, unsigned col)
{
    for (size_t i = 0; i < d->n; i++) {
        const sg_diag *x = &d->items[i];
        if (strcmp(x->check, check) == 0 && x->line == line && (col == 0 || x->col == col))
            return 1;
    }
    return 0;
}

void test_dump_diags(const sg_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  %s:%u:%u: [%s] %s\n", d->items[i].file ? d->items[i].file : "-",
                d->items[i].line, d->items[i].col, d->items[i].check, d->items[i].message);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    test_condition_register();
    test_loader_register();
    test_ir_register();
    test_checks_register();
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    /* A runner that ran nothing has proved nothing. */
    return (failed || run == 0) ? 1 : 0;
}
