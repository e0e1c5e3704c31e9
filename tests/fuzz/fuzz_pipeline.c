/* fuzz_pipeline.c - libFuzzer target: a hostile pipeline file loaded and
 * applied to a fixed rule. */
#include "ir.h"
#include "loader.h"
#include "pipeline.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char rule[] =
        "title: t\nlogsource: {category: process_creation, product: windows}\n"
        "detection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n    CommandLine|contains|all: [a, b]\n"
        "    User|expand: '%Admins%'\n  keywords: [evil]\n  condition: sel or keywords\n";
    sg_arena *a = sg_arena_create();
    if (!a)
        return 0;
    sg_diags d;
    sg_diags_init(&d);
    sg_pipeline *p = sg_pipeline_load(a, "fuzz.yml", (const char *)data, size, &d);
    if (p) {
        sg_rule **rules = NULL;
        size_t n = 0, cap = 0;
        sg_load_buffer(a, "rule.yml", rule, strlen(rule), NULL, &d, &rules, &n, &cap);
        ir_rule *ir = n ? ir_build_rule(a, rules[0], &d) : NULL;
        if (ir)
            (void)sg_pipelines_apply(a, &p, 1, ir, "spl", &d);
    }
    sg_diags_free(&d);
    sg_arena_destroy(a);
    return 0;
}
