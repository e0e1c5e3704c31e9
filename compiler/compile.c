/* compile.c - rules -> IR -> pipelines -> backend, one rule at a time.
 *
 * Each rule gets a scratch arena for its IR and text, so memory stays flat
 * however many rules are compiled. A rule that fails (pipeline failure,
 * target cannot express it) is reported through its result and the
 * compiler's diagnostics; the other rules still compile. */
#include "backend.h"
#include "corr_emit.h" /* correlations through the target */
#include "correlation.h"
#include "driver.h"
#include "ir.h"
#include "pipeline.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct sigma_result {
    sigma_result_kind kind;
    const ir_rule *ir;
    const sg_rule *rule;
    const char *text;
    const char *explain;
    char **errors;
    size_t nerrors;
};

sigma_result_kind sigma_result_kind_of(const sigma_result *r)
{
    return r->kind;
}

const char *sigma_result_path(const sigma_result *r)
{
    return r->rule ? r->rule->path : NULL;
}

const char *sigma_result_id(const sigma_result *r)
{
    return r->rule ? r->rule->id.s : NULL;
}

const char *sigma_result_title(const sigma_result *r)
{
    return r->rule ? r->rule->title.s : NULL;
}

const char *sigma_result_level(const sigma_result *r)
{
    return r->rule ? r->rule->level.s : NULL;
}

const char *sigma_result_text(const sigma_result *r)
{
    return r->text;
}

const char *sigma_result_explain(const sigma_result *r)
{
    return r->explain;
}

size_t sigma_result_error_count(const sigma_result *r)
{
    return r->nerrors;
}

const char *sigma_result_error(const sigma_result *r, size_t i)
{
    return i < r->nerrors ? r->errors[i] : NULL;
}

/* ---- targets and built-in pipelines ---------------------------------------------- */

size_t sigma_target_count(void)
{
    return sg_backend_count();
}

const char *sigma_target_name(size_t i)
{
    const sg_backend *b = sg_backend_at(i);
    return b ? b->name : NULL;
}

const char *sigma_target_description(size_t i)
{
    const sg_backend *b = sg_backend_at(i);
    return b ? b->description : NULL;
}

const char *sigma_target_comment(const char *target, const char **end)
{
    const sg_backend *b = target ? sg_backend_find(target) : NULL;
    if (end)
        *end = b ? b->comment_end : NULL;
    return b && b->comment ? b->comment : "#";
}

const char *sigma_target_extension(const char *target)
{
    const sg_backend *b = target ? sg_backend_find(target) : NULL;
    return b && b->ext ? b->ext : "txt";
}

static void list_builtins(sigma_compiler *c)
{
    if (!c->builtin_listed) {
        c->nbuiltin = sg_pipeline_builtin_list(c->arena, &c->builtin_names);
        c->builtin_listed = true;
    }
}

size_t sigma_builtin_pipeline_count(sigma_compiler *c)
{
    if (!c)
        return 0;
    list_builtins(c);
    return c->nbuiltin;
}

const char *sigma_builtin_pipeline_name(sigma_compiler *c, size_t i)
{
    if (!c)
        return NULL;
    list_builtins(c);
    return i < c->nbuiltin ? c->builtin_names[i] : NULL;
}

sigma_status sigma_compiler_add_pipeline(sigma_compiler *c, const char *name_or_path)
{
    if (!c || !name_or_path)
        return SIGMA_EINVAL;
    struct stat sb;
    const char *path = name_or_path;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        path = sg_pipeline_builtin_path(c->arena, name_or_path);
        if (!path) {
            SG_ERR(&c->diags, "pipeline", ((sg_pos){name_or_path, 0, 0}),
                   "no such pipeline file or built-in pipeline (see 'sigmacc list pipelines')");
            return SIGMA_EIO;
        }
    }
    const char *interned = sg_arena_strdup(c->arena, path);
    if (!interned)
        return SIGMA_ENOMEM;
    char *buf;
    size_t len;
    size_t max = c->limits.max_file_size ? c->limits.max_file_size : SG_DEFAULT_MAX_FILE_SIZE;
    sigma_status st = sg_read_file(interned, max, &buf, &len, &c->diags);
    if (st != SIGMA_OK)
        return st;
    sg_pipeline *p = sg_pipeline_load(c->arena, interned, buf, len, &c->diags);
    sg_free(buf);
    if (!p)
        return c->diags.oom ? SIGMA_ENOMEM : SIGMA_ERULE;
    sg_pipeline **arr = sg_arena_grow(c->arena, c->pipelines, c->npipelines, c->npipelines + 1,
                                      sizeof *arr);
    if (!arr)
        return SIGMA_ENOMEM;
    arr[c->npipelines++] = p;
    c->pipelines = arr;
    return SIGMA_OK;
}

/* ---- compiling ----------------------------------------------------------------------- */

static void explain_text(const ir_rule *ir, sg_strbuf *sb)
{
    if (!ir->napplied) {
        sg_sb_puts(sb, "no pipeline item applied");
        return;
    }
    for (size_t i = 0; i < ir->napplied; i++)
        sg_sb_printf(sb, "%s%s/%s: %s", i ? "\n" : "", ir->applied[i].pipeline,
                     ir->applied[i].item, ir->applied[i].what ? ir->applied[i].what : "");
}

/* Format this rule's error diagnostics for its result. */
static char **format_errors(sg_arena *a, const sg_diags *d, size_t *n)
{
    *n = 0;
    char **v = sg_arena_alloc(a, (d->n ? d->n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < d->n; i++) {
        const sg_diag *x = &d->items[i];
        if (x->sev != SG_SEV_ERROR)
            continue;
        v[(*n)++] = sg_arena_printf(a, "%s:%u:%u: %s [%s]", x->file ? x->file : "-", x->line,
                                    x->col, x->message, x->check);
    }
    return v;
}

static int emit_extra(sigma_compiler *c, const sg_backend *b, const sg_target_opts *o,
                      sigma_result_kind kind, sigma_result_fn fn, void *user, sigma_status *st)
{
    sigma_status (*f)(const sg_target_opts *, sg_strbuf *) =
        kind == SIGMA_RESULT_PROLOGUE ? b->prologue : b->epilogue;
    if (!f)
        return 0;
    sg_strbuf sb;
    sg_sb_init(&sb);
    sigma_status s = f(o, &sb);
    int stop = 0;
    if (s == SIGMA_OK && !sb.failed) {
        sigma_result res = {kind, NULL, NULL, sg_sb_str(&sb), NULL, NULL, 0};
        stop = fn(user, &res);
    } else {
        *st = sb.failed ? SIGMA_ENOMEM : s;
        stop = 1;
    }
    sg_sb_free(&sb);
    (void)c;
    return stop;
}

sigma_status sigma_compiler_compile(sigma_compiler *c, const char *target, sigma_result_fn fn,
                                    void *user)
{
    if (!c || !target || !fn)
        return SIGMA_EINVAL;
    const sg_backend *b = sg_backend_find(target);
    if (!b) {
        SG_ERR(&c->diags, "unsupported", ((sg_pos){NULL, 0, 0}),
               "unknown target '%s' (see 'sigmacc list targets')", target);
        return SIGMA_EINVAL;
    }
    sg_target_opts o = {c->format ? c->format : "default", c->explain, (uint32_t)c->sid_base,
                        NULL};
    if (strcmp(o.format, "default") && strcmp(o.format, "json")) {
        bool known = false;
        for (const char *const *f = b->formats; f && *f; f++)
            known |= !strcmp(*f, o.format);
        if (!known) {
            SG_ERR(&c->diags, "unsupported", ((sg_pos){NULL, 0, 0}),
                   "target '%s' has no output format '%s'", target, o.format);
            return SIGMA_EINVAL;
        }
    }
    if (c->npipelines == 0 && b->default_pipeline) {
        sigma_status s = sigma_compiler_add_pipeline(c, b->default_pipeline);
        if (s != SIGMA_OK)
            return s;
    }
    /* Pipelines for this target, by priority. */
    sg_pipeline **pl = sg_arena_alloc(c->arena, (c->npipelines + 1) * sizeof *pl);
    if (!pl)
        return SIGMA_ENOMEM;
    size_t npl = 0;
    for (size_t i = 0; i < c->npipelines; i++)
        if (sg_pipeline_allows(c->pipelines[i], b->name))
            pl[npl++] = c->pipelines[i];
    sg_pipelines_sort(pl, npl);
    /* filters (correlation.h): resolved once, merged into each rule below */
    const sg_corrset *cs = sg_compiler_corrset(c);
    if (!cs)
        return SIGMA_ENOMEM;

    sigma_status st = SIGMA_OK;
    bool any_failed = false;
    if (emit_extra(c, b, &o, SIGMA_RESULT_PROLOGUE, fn, user, &st))
        return st;
    if (b->run_new && !(o.run = b->run_new())) /* the backend's state for this run */
        return SIGMA_ENOMEM;
    bool stop = false;
    for (size_t i = 0; i < c->nrules && st == SIGMA_OK && !stop; i++) {
        const sg_rule *rule = c->rules[i];
        if (rule->legacy)
            continue; /* reported once by the loader */
        if (rule->kind == SG_DOC_FILTER) { /* merged into its rules (sg_filter_apply) */
            const sg_filter *f = sg_corrset_filter(cs, rule);
            any_failed |= !f || f->broken; /* its errors are in c->diags */
            continue;
        }
        if (!sg_corr_emit_alone(cs, rule, b)) /* corr: only feeds a correlation */
            continue;
        sg_arena *a = sg_arena_create();
        sg_diags d;
        sg_diags_init(&d);
        d.disabled = c->diags.disabled;
        d.ndisabled = c->diags.ndisabled;
        sg_strbuf out, ex;
        sg_sb_init(&out);
        sg_sb_init(&ex);
        sigma_result res = {SIGMA_RESULT_RULE, NULL, rule, NULL, NULL, NULL, 0};
        if (!a) {
            st = SIGMA_ENOMEM;
            goto next;
        }
        if (rule->kind == SG_DOC_CORRELATION) { /* corr: corr_emit.c */
            sigma_status s = sg_corr_emit(cs, rule, b, &o, pl, npl, a, &out, &d);
            if (s == SIGMA_ENOMEM || out.failed) {
                st = SIGMA_ENOMEM;
                goto next;
            }
            if (s == SIGMA_OK)
                res.text = sg_sb_str(&out);
        } else if (rule->kind != SG_DOC_RULE) {
            sg_unsupported(&d, NULL, rule->pos, b->name, "%s rules are not supported yet",
                           "filter");
        } else if (!rule->broken) {
            ir_rule *ir = ir_build_rule(a, rule, &d);
            res.ir = ir;
            if (!ir && d.oom) { /* not a rule error: never "rule not compiled" */
                st = SIGMA_ENOMEM;
                goto next;
            }
            /* filters before pipelines, so their fields are mapped too */
            if (ir && !sg_filter_apply(a, cs, ir, &d)) {
                st = SIGMA_ENOMEM;
                goto next;
            }
            if (ir && !sg_pipelines_apply(a, pl, npl, ir, b->name, &d)) {
                st = SIGMA_ENOMEM;
                goto next;
            }
            if (ir && !ir->failed) {
                sigma_status s = b->emit_rule(ir, &o, a, &out, &d);
                if (s == SIGMA_ENOMEM || out.failed) {
                    st = SIGMA_ENOMEM;
                    goto next;
                }
                if (s == SIGMA_OK)
                    res.text = sg_sb_str(&out);
            }
            if (ir && o.explain) {
                explain_text(ir, &ex);
                res.explain = sg_sb_str(&ex);
            }
        }
        if (!res.text) {
            any_failed = true;
            if (d.nerrors == 0) /* loader already reported it; say so here too */
                sg_diag_add(&d, SG_SEV_ERROR, "schema", rule->pos,
                            "rule not compiled: it has errors (see 'sigmacc check')");
        }
        res.errors = format_errors(a, &d, &res.nerrors);
        if (fn(user, &res))
            stop = true;
    next:
        if (c->skip_unsupported) /* still reported, but as warnings */
            for (size_t k = 0; k < d.n; k++)
                if (d.items[k].sev == SG_SEV_ERROR) {
                    d.items[k].sev = SG_SEV_WARNING;
                    d.nerrors--;
                    d.nwarnings++;
                }
        sg_diags_take(&c->diags, &d);
        if (c->diags.oom && st == SIGMA_OK)
            st = SIGMA_ENOMEM; /* a diagnostic was lost: never a silent one */
        sg_sb_free(&out);
        sg_sb_free(&ex);
        sg_arena_destroy(a);
    }
    /* the epilogue still sees the run state: it may sum up all the rules */
    bool ended = st == SIGMA_OK && emit_extra(c, b, &o, SIGMA_RESULT_EPILOGUE, fn, user, &st);
    if (b->run_free)
        b->run_free(o.run);
    o.run = NULL;
    if (ended || st != SIGMA_OK)
        return st;
    return any_failed && !c->skip_unsupported ? SIGMA_ENOTSUP : SIGMA_OK;
}
