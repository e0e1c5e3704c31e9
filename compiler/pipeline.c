/* pipeline.c - placeholder until the pipeline engine lands: no pipeline
 * items, built-ins looked up on disk only. */
#include "pipeline.h"

#include <string.h>

struct sg_pipeline {
    const char *name;
    int priority;
};

sg_pipeline *sg_pipeline_load(sg_arena *a, const char *path, const char *text, size_t len,
                              sg_diags *d)
{
    (void)text;
    (void)len;
    (void)d;
    sg_pipeline *p = sg_arena_alloc(a, sizeof *p);
    if (p)
        p->name = path;
    return p;
}

const char *sg_pipeline_name(const sg_pipeline *p) { return p->name; }
int sg_pipeline_priority(const sg_pipeline *p) { return p->priority; }
bool sg_pipeline_allows(const sg_pipeline *p, const char *backend)
{
    (void)p;
    (void)backend;
    return true;
}
const char *sg_pipeline_builtin_path(sg_arena *a, const char *name)
{
    (void)a;
    (void)name;
    return NULL;
}
size_t sg_pipeline_builtin_list(sg_arena *a, const char ***names)
{
    (void)a;
    *names = NULL;
    return 0;
}
bool sg_pipelines_apply(sg_arena *a, sg_pipeline *const *p, size_t n, ir_rule *r,
                        const char *backend, sg_diags *d)
{
    (void)a, (void)p, (void)n, (void)r, (void)backend, (void)d;
    return true;
}
void sg_pipelines_sort(sg_pipeline **p, size_t n)
{
    (void)p;
    (void)n;
}
