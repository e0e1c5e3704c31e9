/* corr_util.c - see corr_util.h. */
#include "corr_util.h"

bool corr_cond_holds(const sg_correlation *c, int64_t k)
{
    for (size_t i = 0; i < c->ncmps; i++) {
        int64_t v = c->cmps[i].num.i;
        bool h = false;
        switch (c->cmps[i].op) {
        case SG_CMP_GT:
            h = k > v;
            break;
        case SG_CMP_GTE:
            h = k >= v;
            break;
        case SG_CMP_LT:
            h = k < v;
            break;
        case SG_CMP_LTE:
            h = k <= v;
            break;
        case SG_CMP_EQ:
            h = k == v;
            break;
        case SG_CMP_NEQ:
            h = k != v;
            break;
        }
        if (!h)
            return false;
    }
    return true;
}

bool corr_cond_is_all(const sg_correlation *c)
{
    if (c->expr)
        return false;
    for (int64_t k = 0; k <= (int64_t)c->nrules; k++)
        if (corr_cond_holds(c, k) != (k == (int64_t)c->nrules))
            return false;
    return true;
}

bool corr_cond_lower_bound(const sg_correlation *c, int64_t *min)
{
    if (c->expr || c->ncmps == 0)
        return false;
    int64_t lo = 0;
    for (size_t i = 0; i < c->ncmps; i++) {
        const sg_corr_cmp *k = &c->cmps[i];
        if (!k->num.is_int)
            return false;
        if (k->op == SG_CMP_GTE && k->num.i > lo)
            lo = k->num.i;
        else if (k->op == SG_CMP_GT && k->num.i + 1 > lo)
            lo = k->num.i + 1;
        else if (k->op != SG_CMP_GTE && k->op != SG_CMP_GT)
            return false;
    }
    *min = lo;
    return true;
}

sg_pos corr_pos(const sg_correlation *c, sg_pos p)
{
    return p.line ? p : c->src->pos;
}

void corr_span_text(sg_strbuf *o, int64_t s)
{
    if (s % 86400 == 0)
        sg_sb_printf(o, "%lldd", (long long)(s / 86400));
    else if (s % 3600 == 0)
        sg_sb_printf(o, "%lldh", (long long)(s / 3600));
    else if (s % 60 == 0)
        sg_sb_printf(o, "%lldm", (long long)(s / 60));
    else
        sg_sb_printf(o, "%llds", (long long)s);
}
