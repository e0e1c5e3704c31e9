/* suricata_sid.c - sids from rule ids, and collisions within one run.
 *
 * sid = base + slot * SC_MAX_RULES + k: the slot is a hash (FNV-1a) of the
 * rule id, so a rule keeps its sid across runs and machines whatever else
 * is compiled with it; the k-th Suricata rule of a split Sigma rule gets
 * the k-th sid of the slot. Two rules hashing to one slot are caught here
 * (the later one is an error: give it another --sid-base run). */
#include "suricata.h"
#include "xalloc.h"

#include <string.h>

#define DEFAULT_BASE 1000000000u /* below 2^31 with every slot: tools store sids as int */
#define MAX_SLOTS (1u << 24)

bool sc_sid_first(const char *key, uint32_t base, uint32_t *sid)
{
    if (base == 0)
        base = DEFAULT_BASE;
    uint64_t room = ((uint64_t)UINT32_MAX - base + 1) / SC_MAX_RULES;
    uint32_t slots = room < MAX_SLOTS ? (uint32_t)room : MAX_SLOTS;
    if (slots == 0)
        return false;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        unsigned c = *p >= 'A' && *p <= 'Z' ? *p + 32u : *p; /* UUIDs in either case */
        h = (h ^ c) * 16777619u;
    }
    *sid = base + (h % slots) * SC_MAX_RULES;
    return true;
}

typedef struct entry {
    uint32_t first;
    char *who; /* NULL: empty */
} entry;

struct sc_sids {
    entry *v;
    size_t cap, n;
};

sc_sids *sc_sids_new(void)
{
    return sg_calloc(1, sizeof(sc_sids));
}

void sc_sids_free(sc_sids *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        sg_free(s->v[i].who);
    sg_free(s->v);
    sg_free(s);
}

static entry *find(entry *v, size_t cap, uint32_t first)
{
    size_t i = (first * 2654435761u) & (cap - 1);
    while (v[i].who && v[i].first != first)
        i = (i + 1) & (cap - 1);
    return &v[i];
}

static bool grow(sc_sids *s)
{
    size_t cap = s->cap ? s->cap * 2 : 256;
    entry *v = sg_calloc(cap, sizeof *v);
    if (!v)
        return false;
    for (size_t i = 0; i < s->cap; i++)
        if (s->v[i].who)
            *find(v, cap, s->v[i].first) = s->v[i];
    sg_free(s->v);
    s->v = v;
    s->cap = cap;
    return true;
}

const char *sc_sids_claim(sc_sids *s, uint32_t first, const char *who, bool *oom)
{
    *oom = false;
    if (!s)
        return NULL;
    if ((s->n + 1) * 2 > s->cap && !grow(s)) {
        *oom = true;
        return NULL;
    }
    entry *e = find(s->v, s->cap, first);
    if (e->who)
        return e->who;
    if (!(e->who = sg_strdup(who))) {
        *oom = true;
        return NULL;
    }
    e->first = first;
    s->n++;
    return NULL;
}
