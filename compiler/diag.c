/* diag.c - diagnostic list (see diag.h). */
#include "diag.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sg_diags_init(sg_diags *d)
{
    memset(d, 0, sizeof *d);
}

void sg_diags_free(sg_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        sg_free(d->items[i].file);
        sg_free(d->items[i].message);
    }
    sg_free(d->items);
    d->items = NULL;
    d->n = d->cap = 0;
    d->nerrors = d->nwarnings = 0;
}

bool sg_diags_enabled(const sg_diags *d, const char *check)
{
    if (!check)
        return true;
    for (size_t i = 0; i < d->ndisabled; i++)
        if (strcmp(d->disabled[i], check) == 0)
            return false;
    return true;
}

void sg_diag_add(sg_diags *d, sg_severity sev, const char *check, sg_pos pos,
                 const char *fmt, ...)
{
    if (!d)
        return;
    /* Errors are never switched off: only warnings and notes obey -W. */
    if (sev != SG_SEV_ERROR && !sg_diags_enabled(d, check))
        return;
    if (sev == SG_SEV_WARNING && d->werror)
        sev = SG_SEV_ERROR;
    if (sev == SG_SEV_ERROR)
        d->nerrors++;
    else if (sev == SG_SEV_WARNING)
        d->nwarnings++;
    if (d->max && d->n >= d->max)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        sg_diag *p = sg_realloc(d->items, cap * sizeof *p);
        if (!p) {
            d->oom = true;
            return;
        }
        d->items = p;
        d->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = len >= 0 ? sg_malloc((size_t)len + 1) : NULL;
    char *file = pos.file ? sg_strdup(pos.file) : NULL;
    if (!msg || (pos.file && !file)) {
        sg_free(msg);
        sg_free(file);
        d->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)len + 1, fmt, ap);
    va_end(ap);
    d->items[d->n++] = (sg_diag){sev, check, file, pos.line, pos.col, msg};
}

void sg_diags_take(sg_diags *dst, sg_diags *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (dst->n == dst->cap) {
            size_t cap = dst->cap ? dst->cap * 2 : 16;
            sg_diag *p = sg_realloc(dst->items, cap * sizeof *p);
            if (!p) {
                dst->oom = true;
                sg_free(src->items[i].file);
                sg_free(src->items[i].message);
                continue;
            }
            dst->items = p;
            dst->cap = cap;
        }
        dst->items[dst->n++] = src->items[i];
    }
    dst->nerrors += src->nerrors;
    dst->nwarnings += src->nwarnings;
    dst->oom |= src->oom;
    sg_free(src->items);
    src->items = NULL;
    src->n = src->cap = 0;
    src->nerrors = src->nwarnings = 0;
}

void sg_diags_take_range(sg_diags *dst, sg_diags *src, size_t from, size_t to)
{
    for (size_t i = from; i < to && i < src->n; i++) {
        sg_diag *x = &src->items[i];
        if (x->sev == SG_SEV_ERROR)
            dst->nerrors++;
        else if (x->sev == SG_SEV_WARNING)
            dst->nwarnings++;
        bool room = !(dst->max && dst->n >= dst->max);
        if (room && dst->n == dst->cap) {
            size_t cap = dst->cap ? dst->cap * 2 : 16;
            sg_diag *p = sg_realloc(dst->items, cap * sizeof *p);
            if (p) {
                dst->items = p;
                dst->cap = cap;
            } else {
                dst->oom = true;
                room = false;
            }
        }
        if (room) {
            dst->items[dst->n++] = *x;
        } else {
            sg_free(x->file);
            sg_free(x->message);
        }
        x->file = x->message = NULL;
    }
}

void sg_diags_sort(sg_diags *d)
{
    /* Insertion sort: stable, and lists arrive almost sorted (one file
     * after another, top to bottom), so it runs in near-linear time. */
    for (size_t i = 1; i < d->n; i++) {
        sg_diag t = d->items[i];
        size_t j = i;
        while (j > 0) {
            const sg_diag *p = &d->items[j - 1];
            int c = strcmp(p->file ? p->file : "", t.file ? t.file : "");
            if (c < 0 || (c == 0 && (p->line < t.line ||
                                     (p->line == t.line && p->col <= t.col))))
                break;
            d->items[j] = d->items[j - 1];
            j--;
        }
        d->items[j] = t;
    }
}
