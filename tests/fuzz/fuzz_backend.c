/* fuzz_backend.c - libFuzzer target: a hostile rule file compiled for one
 * target (FUZZ_TARGET: "spl", "kql", "suricata", "c"), through the public
 * API, as `sigmacc compile -t TARGET` runs it. Built once per target. */
#include "sigmacc.h"

#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_TARGET
#error "define FUZZ_TARGET"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(void *user, const sigma_result *r)
{
    (void)r;
    ++*(size_t *)user;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sigma_compiler *c;
    if (sigma_compiler_create(&c) != SIGMA_OK)
        return 0;
    sigma_compiler_set_option(c, "limit.file-size", "1048576");
    if (sigma_compiler_add_string(c, "fuzz.yml", (const char *)data, size) != SIGMA_ENOMEM) {
        size_t n = 0;
        (void)sigma_compiler_compile(c, FUZZ_TARGET, sink, &n);
    }
    sigma_compiler_destroy(c);
    return 0;
}
