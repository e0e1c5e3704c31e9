/* fuzz_rule.c - libFuzzer target: bytes -> loader -> checks -> IR.
 * The whole frontend on one hostile file, as `sigmacc check` runs it. */
#include "checks.h"
#include "ir.h"
#include "loader.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg_arena *a = sg_arena_create();
    if (!a)
        return 0;
    sg_diags d;
    sg_diags_init(&d);
    sg_rule **rules = NULL;
    size_t n = 0, cap = 0;
    sg_load_limits lim = {1u << 20, 64};
    if (sg_load_buffer(a, "fuzz.yml", (const char *)data, size, &lim, &d, &rules, &n, &cap)) {
        sg_check_opts o = {true};
        for (size_t i = 0; i < n; i++) {
            sg_check_rule(rules[i], &o, &d);
            (void)ir_build_rule(a, rules[i], &d);
        }
        sg_check_set(rules, n, &o, &d);
    }
    sg_diags_free(&d);
    sg_arena_destroy(a);
    return 0;
}
