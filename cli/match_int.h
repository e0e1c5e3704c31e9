/* match_int.h - what the parts of `sigmacc match` share (match.c: options,
 * reading, threads, printing; match_corr.c: correlations, the time merge
 * of several files). */
#ifndef SIGMACC_MATCH_INT_H
#define SIGMACC_MATCH_INT_H

#include "sigmacc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CHUNK (1u << 20)
#define PAD 64

typedef enum { INPUT_AUTO, INPUT_JSON, INPUT_LINES } input_opt;

/* One result of a chunk: a rule match or a bad event. */
typedef struct rec {
    bool error;
    size_t event, line;
    size_t rule;
    size_t off, len;         /* event text in the job buffer */
    char *msg;
    size_t cap_off, cap_len; /* correlation capture in job->caps (cap_len 0: none) */
    int64_t time;            /* event time (merge of several files) */
    bool has_time;
} rec;

typedef enum { J_FREE, J_READY, J_RUNNING, J_DONE } jstate;

typedef struct job {
    char *buf;
    size_t len, cap;
    size_t file;
    sigma_input kind;
    size_t line_base; /* newlines in the file before this chunk */
    rec *recs;
    size_t nrec, caprec;
    size_t nevents;
    char *caps; /* correlation captures of this chunk's matches */
    size_t ncaps, capcaps;
    bool corr;  /* take captures */
    bool times; /* take event times */
    sigma_matcher *m; /* while running */
    sigma_status st;
    jstate state;
    bool oom;
} job;

typedef struct opts {
    const char **rules, **pipelines, **files;
    size_t nrules, npipelines, nfiles;
    input_opt input;
    unsigned threads;
    bool json, stats, parse_only, quiet, progress, describe, no_prefilter, no_jit;
    size_t max_event;
    /* correlations */
    const char *reorder, *max_groups, *max_window, *max_entries, *max_memory;
    bool every_alert;
    /* --limit-NAME=N: the matcher's (regex-*, event-*) and the compiler's */
    const char **limits;
    size_t nlimits;
} opts;

typedef struct progress {
    bool on;
    off_t total, done;
    struct timespec last;
} progress;

/* A file being read chunk by chunk. */
typedef struct src {
    size_t fi;
    int fd;
    char *carry;
    size_t ncarry, line_base;
    bool eof, finished, kind_known;
    sigma_input kind;
} src;

typedef struct ctx {
    const opts *o;
    const sigma_ruleset *rs;
    job *jobs;
    size_t njobs;
    size_t next_run; /* next job (sequence number) a worker takes */
    size_t submitted, printed;
    bool done;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;

    /* printing state (main thread) */
    size_t event_base; /* events of this file before the chunk being printed */
    size_t matches, alerts, bad_events, total_events;
    char **warned; /* limit warnings printed (the same one from several threads) */
    size_t nwarned;
    size_t cur_file;
    bool io_error;
    FILE *out;
    sigma_correlator *corr; /* NULL without correlations */
    sigma_event_ref corr_at;     /* the last event fed */
    unsigned corr_limits_told;   /* bit per correlation limit reported */
} ctx;

/* match.c */
void run_job(sigma_matcher *m, const opts *o, job *j);
bool src_open(ctx *c, size_t fi, src *s);
void src_close(src *s);
/* Next chunk of s into j: 1 a chunk, 0 end of file, -1 out of memory. */
int src_next(ctx *c, src *s, job *j, progress *pg);
/* Print (or feed) one result; ev_base: events of its file before j. */
void emit_rec(ctx *c, const job *j, const rec *r, size_t ev_base);
/* After the last result of an event. */
void end_event(ctx *c);
void json_str(FILE *f, const char *s, size_t n);
void json_cstr(FILE *f, const char *s);
void progress_show(progress *p, size_t events, bool final);

/* match_corr.c */
sigma_status corr_setup(ctx *c);
void corr_feed(ctx *c, const job *j, const rec *r, size_t ev_base);
void corr_end_event(ctx *c);
void corr_finish(ctx *c);
void corr_stats(const ctx *c, bool always);
/* Several files with correlations: merged by event time, one thread. */
bool run_merged(ctx *c, sigma_matcher *m, progress *pg);

#endif
