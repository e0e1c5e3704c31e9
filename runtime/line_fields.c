/* line_fields.c - @timestamp and host of a text line (see line_fields.h). */
#include "line_fields.h"
#include "corr_time.h"
#include "rs.h"

#include <string.h>

void sg_line_slots_init(const sigma_ruleset *rs, sg_line_slots *ls)
{
    ls->ts = sg_strmap_get(&rs->slot_map, "@timestamp", 10);
    ls->host = sg_strmap_get(&rs->slot_map, "host", 4);
}

static size_t token_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != ' ' && s[i] != '\t')
        i++;
    return i;
}

void sg_line_fields(sigma_matcher *m, const sg_line_slots *ls, const char *s, size_t n)
{
    if (ls->ts == UINT32_MAX && ls->host == UINT32_MAX)
        return;
    size_t e = token_end(s, n, 0);
    int64_t us;
    if (e == 0 || sg_time_parse_iso(s, e, &us) != e)
        return;
    if (ls->ts != UINT32_MAX) {
        sigma_value v = {SIGMA_V_STRING, s, e, 0, 0};
        sg_matcher_add(m, ls->ts, &v);
    }
    size_t b = e;
    while (b < n && (s[b] == ' ' || s[b] == '\t'))
        b++;
    size_t he = token_end(s, n, b);
    if (ls->host != UINT32_MAX && he > b) {
        sigma_value v = {SIGMA_V_STRING, s + b, he - b, 0, 0};
        sg_matcher_add(m, ls->host, &v);
    }
}
