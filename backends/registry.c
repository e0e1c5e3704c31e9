/* registry.c - the list of targets. */
#include "backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

extern const sg_backend sg_backend_spl;
extern const sg_backend sg_backend_ir;
extern const sg_backend sg_backend_suricata;
extern const sg_backend sg_backend_kql;
extern const sg_backend sg_backend_c;


static const sg_backend *const backends[] = {
    &sg_backend_spl,

    &sg_backend_ir,
    &sg_backend_suricata,
    &sg_backend_kql,
    &sg_backend_c,
};

size_t sg_backend_count(void)
{
    return sizeof backends / sizeof backends[0];
}

const sg_backend *sg_backend_at(size_t i)
{
    return i < sg_backend_count() ? backends[i] : NULL;
}

const sg_backend *sg_backend_find(const char *name)
{
    for (size_t i = 0; i < sg_backend_count(); i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}

sigma_status sg_unsupported(sg_diags *d, const ir_rule *r, sg_pos pos, const char *target,
                            const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!pos.line && r && r->src)
        pos = r->src->title.pos.line ? r->src->title.pos : r->src->pos;
    if (!pos.file && r)
        pos.file = r->path;
    sg_diag_add(d, SG_SEV_ERROR, "unsupported", pos, "%s: %s", target, msg);
    return SIGMA_ENOTSUP;
}

/* A plain decimal as written in the rule ("-1.5", "10"): kept as text, so
 * a query shows the rule's number rather than its binary rounding. */
static bool plain_decimal(const char *s)
{
    if (!s || !*s)
        return false;
    if (*s == '-')
        s++;
    size_t digits = strspn(s, "0123456789");
    if (!digits)
        return false;
    s += digits;
    if (*s == '.') {
        size_t frac = strspn(s + 1, "0123456789");
        if (!frac)
            return false;
        s += 1 + frac;
    }
    return *s == '\0';
}

void sg_num_text(sg_strbuf *o, const ir_num *n)
{
    if (n->is_int)
        sg_sb_printf(o, "%lld", (long long)n->i);
    else if (plain_decimal(n->text))
        sg_sb_puts(o, n->text);
    else
        sg_sb_printf(o, "%.17g", n->f);
}
