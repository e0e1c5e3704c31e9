/* pipeline_builtin.c - the built-in pipelines: `pipelines/NAME.yml` files.
 *
 * Looked up, in order, in $SIGMACC_PIPELINES, the installed data directory
 * (SG_PIPELINE_DIR) and the source tree (SG_SRC_PIPELINE_DIR, so a build
 * tree works before `make install`). The first directory holding a name
 * wins; the list is the union of all of them. */
#include "pipeline_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SG_PIPELINE_DIR
#define SG_PIPELINE_DIR NULL
#endif
#ifndef SG_SRC_PIPELINE_DIR
#define SG_SRC_PIPELINE_DIR NULL
#endif

static size_t dirs(const char *out[3])
{
    size_t n = 0;
    const char *env = getenv("SIGMACC_PIPELINES");
    const char *candidates[3] = {env, SG_PIPELINE_DIR, SG_SRC_PIPELINE_DIR};
    for (size_t i = 0; i < 3; i++)
        if (candidates[i] && *candidates[i])
            out[n++] = candidates[i];
    return n;
}

/* Names are plain words: no path can be smuggled in through -p. */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

const char *sg_pipeline_builtin_path(sg_arena *a, const char *name)
{
    if (!name || !valid_name(name, strlen(name)))
        return NULL;
    const char *d[3];
    size_t nd = dirs(d);
    for (size_t i = 0; i < nd; i++) {
        char *p = sg_arena_printf(a, "%s/%s.yml", d[i], name);
        struct stat sb;
        if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
            return p;
    }
    return NULL;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t sg_pipeline_builtin_list(sg_arena *a, const char ***names)
{
    const char *d[3];
    size_t nd = dirs(d), n = 0, cap = 0;
    const char **v = NULL;
    *names = NULL;
    for (size_t i = 0; i < nd; i++) {
        DIR *dir = opendir(d[i]);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 4, ".yml") ||
                !valid_name(e->d_name, len - 4))
                continue;
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = strlen(v[k]) == len - 4 && !strncmp(v[k], e->d_name, len - 4);
            if (dup)
                continue;
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                const char **p = sg_arena_grow(a, (void *)v, n, nc, sizeof *p);
                if (!p)
                    break;
                v = p;
                cap = nc;
            }
            const char *s = sg_arena_strndup(a, e->d_name, len - 4);
            if (!s)
                break;
            v[n++] = s;
        }
        closedir(dir);
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *names = v;
    return n;
}
