/* modifiers.c - modifier name table (see modifiers.h). */
#include "modifiers.h"

#include <string.h>

static const sg_modifier_info table[SG_MOD__COUNT] = {
#define X(e, n, k) [SG_MOD_##e] = {n, k},
    SG_MODIFIER_LIST(X)
#undef X
};

int sg_modifier_lookup(const char *name)
{
    for (int i = 0; i < SG_MOD__COUNT; i++)
        if (strcmp(table[i].name, name) == 0)
            return i;
    return -1;
}

const sg_modifier_info *sg_modifier_info_of(sg_modifier m)
{
    return (unsigned)m < SG_MOD__COUNT ? &table[m] : NULL;
}
