/* fuzz_condition.c - libFuzzer target: the condition grammar alone. */
#include "rule.h"

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
    sg_pos pos = {"fuzz.yml", 7, 16};
    (void)sg_cond_parse(a, (const char *)data, size, pos, NULL, &d);
    sg_diags_free(&d);
    sg_arena_destroy(a);
    return 0;
}
