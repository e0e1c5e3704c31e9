/* load_files.c - loading a list of rule files, on several threads.
 *
 * Parsing YAML is most of a corpus compile, and files are independent:
 * each thread takes the next file, parses it with its own libfyaml parser
 * into its own arena and diagnostics, and notes which rules and
 * diagnostics came from it. The results are then merged in the list's
 * order, so rules, diagnostics and statuses are exactly those of loading
 * one file after another. limit.rules depends on that order: when the
 * rules reach it, the threads' work is dropped and the list is loaded
 * again one file after another, to stop at the same document. */
#include "config.h"

#include "driver.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Below this many files a thread costs more than it saves. */
#define SG_PARALLEL_MIN_FILES 32u
#define SG_MAX_JOBS 64u
#define SG_THREAD_STACK (8u * 1024u * 1024u)

typedef struct file_out {
    unsigned worker;
    size_t r0, r1; /* the worker's rules from this file */
    size_t d0, d1; /* and its diagnostics */
    sigma_status st;
} file_out;

typedef struct shared {
    const sigma_compiler *c; /* read only while threads run */
    const char *const *paths;
    size_t n;
    file_out *out;
    atomic_size_t next;
    atomic_bool oom;
} shared;

typedef struct worker {
    shared *sh;
    unsigned id;
    sg_loader *loader;
    sg_arena *arena;
    sg_diags diags;
    sg_rule **rules;
    size_t nrules, caprules;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    for (;;) {
        size_t i = atomic_fetch_add(&sh->next, 1);
        if (i >= sh->n || atomic_load(&sh->oom))
            break;
        file_out *o = &sh->out[i];
        o->worker = w->id;
        o->r0 = w->nrules;
        o->d0 = w->diags.n;
        o->st = sg_load_file_into(&w->loader, w->arena, &w->diags, &sh->c->limits, sh->paths[i],
                                  &w->rules, &w->nrules, &w->caprules);
        o->r1 = w->nrules;
        o->d1 = w->diags.n;
        if (o->st == SIGMA_ENOMEM)
            atomic_store(&sh->oom, true);
    }
    return NULL;
}

static sigma_status load_one_by_one(sigma_compiler *c, const char *const *paths, size_t n)
{
    sigma_status st = SIGMA_OK;
    for (size_t i = 0; i < n; i++) {
        /* after limit.rules, the rest is not read: each file counts as
         * not loaded, as when files are given one by one */
        st = sg_status_join(st, sg_compiler_load_file(c, paths[i]));
        if (st == SIGMA_ENOMEM)
            return st;
    }
    return st;
}

/* Append the worker's rules [r0, r1) to the compiler's list. */
static bool take_rules(sigma_compiler *c, const worker *w, size_t r0, size_t r1)
{
    size_t k = r1 - r0;
    if (c->nrules + k > c->caprules) {
        size_t cap = c->caprules ? c->caprules : 64;
        while (cap < c->nrules + k)
            cap *= 2;
        sg_rule **p = sg_arena_grow(c->arena, c->rules, c->nrules, cap, sizeof *p);
        if (!p)
            return false;
        c->rules = p;
        c->caprules = cap;
    }
    if (k)
        memcpy(c->rules + c->nrules, w->rules + r0, k * sizeof *c->rules);
    c->nrules += k;
    return true;
}

static void workers_free(worker *w, unsigned nw, bool keep_arenas)
{
    for (unsigned i = 0; i < nw; i++) {
        sg_loader_destroy(w[i].loader);
        sg_diags_free(&w[i].diags);
        if (!keep_arenas)
            sg_arena_destroy(w[i].arena);
    }
}

sigma_status sg_load_paths(sigma_compiler *c, const char *const *paths, size_t n)
{
    unsigned nw = c->jobs > SG_MAX_JOBS ? SG_MAX_JOBS : c->jobs;
    if (nw > n / SG_PARALLEL_MIN_FILES)
        nw = (unsigned)(n / SG_PARALLEL_MIN_FILES);
    if (nw <= 1 || c->rules_full)
        return load_one_by_one(c, paths, n);

    worker *w = sg_calloc(nw, sizeof *w);
    file_out *out = sg_calloc(n, sizeof *out);
    pthread_t *tid = sg_calloc(nw, sizeof *tid);
    shared sh = {.c = c, .paths = paths, .n = n, .out = out};
    atomic_init(&sh.next, 0);
    atomic_init(&sh.oom, false);
    unsigned made = 0;
    bool ok = w && out && tid;
    for (unsigned i = 0; ok && i < nw; i++) {
        w[i].sh = &sh;
        w[i].id = i;
        sg_diags_init(&w[i].diags);
        /* the same -W, -Werror as the compiler's own list; no max: the
         * merge applies it */
        w[i].diags.disabled = c->diags.disabled;
        w[i].diags.ndisabled = c->diags.ndisabled;
        w[i].diags.werror = c->diags.werror;
        ok = (w[i].arena = sg_arena_create()) != NULL;
        made = i + 1;
    }
    /* 8 MiB, the usual main-thread stack, not the platform's default for
     * threads (128 KiB with musl): a deeply nested file must load alike
     * with any -j */
    pthread_attr_t attr;
    bool attr_ok = pthread_attr_init(&attr) == 0;
    if (attr_ok)
        pthread_attr_setstacksize(&attr, SG_THREAD_STACK);
    unsigned started = 0;
    /* worker 0 runs on this thread */
    for (unsigned i = 1; ok && i < nw; i++) {
        if (pthread_create(&tid[i], attr_ok ? &attr : NULL, work, &w[i]) != 0)
            break; /* the others do its share */
        started = i;
    }
    if (attr_ok)
        pthread_attr_destroy(&attr);
    if (ok)
        work(&w[0]);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(tid[i], NULL);
    sg_free(tid);

    sigma_status st = SIGMA_OK;
    if (!ok || atomic_load(&sh.oom)) {
        st = SIGMA_ENOMEM;
    } else {
        size_t total = 0;
        for (unsigned i = 0; i < nw; i++)
            total += w[i].nrules;
        /* at the limit, a thread may have stopped at it on its own count
         * (one thread can take most files): only a sequential load knows
         * which document is the first too many */
        size_t max = SG_LIMIT(&c->limits, max_rules, SG_DEFAULT_MAX_RULES);
        if (c->nrules + total >= max) {
            workers_free(w, made, false);
            sg_free(w);
            sg_free(out);
            return load_one_by_one(c, paths, n);
        }
        c->corrset = NULL; /* new rules: resolve correlations and filters again */
        for (size_t i = 0; i < n && st != SIGMA_ENOMEM; i++) {
            worker *x = &w[out[i].worker];
            if (!take_rules(c, x, out[i].r0, out[i].r1)) {
                st = SIGMA_ENOMEM;
                break;
            }
            sg_diags_take_range(&c->diags, &x->diags, out[i].d0, out[i].d1);
            if (out[i].st != SIGMA_OK && out[i].r1 == out[i].r0)
                c->nunloaded++;
            st = sg_status_join(st, c->diags.oom ? SIGMA_ENOMEM : out[i].st);
        }
    }
    /* the rules point into the workers' arenas: the compiler keeps them */
    for (unsigned i = 0; i < made; i++)
        sg_arena_adopt(c->arena, w[i].arena);
    workers_free(w, made, true);
    sg_free(w);
    sg_free(out);
    return st;
}
