/* rule.c - small queries over the rule tree (see rule.h). */
#include "rule.h"

#include <string.h>

const sg_search *sg_rule_search(const sg_rule *r, const char *name)
{
    for (size_t i = 0; i < r->nsearches; i++)
        if (strcmp(r->searches[i].name, name) == 0)
            return &r->searches[i];
    return NULL;
}

const sg_ynode *sg_ynode_get(const sg_ynode *map, const char *key)
{
    if (!map || map->type != SG_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        const sg_ynode *k = map->kids[2 * i];
        if (k->type == SG_Y_SCALAR && k->scalar.str && strcmp(k->scalar.str, key) == 0)
            return map->kids[2 * i + 1];
    }
    return NULL;
}

/* Iterative glob with `*` only (condition patterns have no `?`). */
bool sg_pattern_match(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}
