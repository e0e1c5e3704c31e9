/* fuzz_events.c - libFuzzer target: attacker-controlled log events through
 * the event reader (FUZZ_INPUT: SIGMA_INPUT_JSON or SIGMA_INPUT_LINES) and
 * the matcher, against a fixed ruleset that exercises every test kind. */
#include "sigmacc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_INPUT
#error "define FUZZ_INPUT"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char RULES[] =
    "title: strings\nlogsource: {product: fuzz}\ndetection:\n"
    "  a:\n    Event.EventData.CommandLine|contains|all|windash: [' -enc', 'http']\n"
    "    Event.EventData.Image|endswith: '\\po?er*.exe'\n"
    "  b:\n    Event.System.EventID: [1, 4688]\n    Event.EventData.User|cased: SYSTEM\n"
    "  c:\n    Event.EventData.Hash|re|i: '^[a-f0-9]{32}$'\n"
    "  d:\n    Event.EventData.DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10']\n"
    "  e:\n    Event.EventData.Port|gte: 1024\n    Event.EventData.Gone|exists: false\n"
    "  f:\n    Event.EventData.ParentImage|fieldref: Event.EventData.Image\n"
    "  g:\n    Event.EventData.Nothing: null\n    Event.EventData.Data|base64offset|contains: 'cmd'\n"
    "  h:\n    Event.System.TimeCreated|hour|gt: 20\n"
    "  kw: ['mimikatz', 'sekurlsa::*']\n"
    "  condition: 1 of them\n";

static sigma_ruleset *rs;
static sigma_matcher *m;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sigma_compiler *c;
    if (sigma_compiler_create(&c) != SIGMA_OK ||
        sigma_compiler_add_string(c, "rules.yml", RULES, strlen(RULES)) != SIGMA_OK ||
        sigma_ruleset_build(c, &rs) != SIGMA_OK || sigma_matcher_create(rs, &m) != SIGMA_OK)
        abort(); /* the harness itself is broken: stop loudly */
    sigma_compiler_destroy(c);
    return 0;
}

static int on_match(void *user, size_t event, size_t line, const char *raw, size_t len,
                    const sigma_rule_info *rule)
{
    (void)event, (void)line, (void)raw, (void)len, (void)rule;
    ++*(size_t *)user;
    return 0;
}

static void on_error(void *user, size_t event, size_t line, const char *message)
{
    (void)user, (void)event, (void)line, (void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The reader may look 64 bytes past the end: give it an exact copy
     * with that room so ASan sees any read beyond it. */
    char *buf = malloc(size + 64);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    memset(buf + size, 0, 64);
    size_t n = 0, nev = 0, nm = 0;
    (void)sigma_matcher_scan(m, FUZZ_INPUT, buf, size, size + 64, on_match, on_error, &n, &nev,
                             &nm);
    free(buf);
    return 0;
}
