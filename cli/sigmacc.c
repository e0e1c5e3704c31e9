/* sigmacc - command-line front end: a thin user of include/sigmacc.h.
 *
 *   sigmacc check [--format text|json|sarif] [--strict] [-W no-NAME] PATH...
 *   sigmacc compile -t TARGET [-p PIPELINE]... [-o OUT] [--format F] PATH...
 *   sigmacc list checks|targets|pipelines
 *   sigmacc version
 *
 * Exit status: 0 no errors, 1 errors in the rules, 2 usage or I/O errors. */
#include "sigmacc.h"

#include "cmd_match.h"
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { EXIT_RULES = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
    fputs("usage: sigmacc check [--format text|json|sarif] [--strict] [-W no-CHECK]...\n"
          "                     [-j N] [--limit-NAME=N]... PATH...\n"
          "       sigmacc compile -t TARGET [-p PIPELINE]... [-o FILE|DIR/] [--format F]\n"
          "                       [--explain] [--skip-unsupported] [--sid-base N]\n"
          "                       [-j N] [--limit-NAME=N]... PATH...|-\n"
          "       sigmacc match -r RULES... [-p PIPELINE]... [--input auto|json|lines] [-j N]\n"
          "                     [--format text|json] [--stats] [--reorder-window SECONDS]\n"
          "                     [--corr-max-groups|-window|-entries N] [FILES...|-]\n"
          "       sigmacc list checks|targets|pipelines\n"
          "       sigmacc version\n",
          f);
}

static int die_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "sigmacc: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return EXIT_USAGE;
}

/* Options shared by the commands that load rules. */
typedef struct common_opts {
    sigma_diag_format fmt;
    const char **paths;
    int npaths;
    int quiet;
} common_opts;

/* Parse one shared option at argv[*i]; 1 = consumed, 0 = not ours, -1 = error. */
static int common_option(sigma_compiler *c, common_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    const char *val = NULL;
#define TAKE(name)                                                   \
    (strncmp(a, name "=", sizeof(name)) == 0 ? (val = a + sizeof(name), 1) \
     : strcmp(a, name) == 0 && *i + 1 < argc ? (val = argv[++*i], 1)       \
                                             : 0)
    if (TAKE("--format")) {
        if (!strcmp(val, "text"))
            o->fmt = SIGMA_FMT_TEXT;
        else if (!strcmp(val, "json"))
            o->fmt = SIGMA_FMT_JSON;
        else if (!strcmp(val, "sarif"))
            o->fmt = SIGMA_FMT_SARIF;
        else
            return die_usage("unknown --format", val), -1;
        return 1;
    }
    if (!strcmp(a, "--strict"))
        return sigma_compiler_set_option(c, "strict", "1") == SIGMA_OK ? 1 : -1;
    if (!strcmp(a, "-Werror"))
        return sigma_compiler_set_option(c, "werror", "1") == SIGMA_OK ? 1 : -1;
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
        o->quiet = 1;
        return 1;
    }
    /* threads parsing a directory's files; default: one per CPU */
    if (TAKE("-j") || TAKE("--jobs")) {
        if (!strcmp(val, "0") || sigma_compiler_set_option(c, "jobs", val) != SIGMA_OK)
            return die_usage("-j needs a number of threads (1-256)", val), -1;
        return 1;
    }
    if (strncmp(a, "-Wno-", 5) == 0 || TAKE("-W")) {
        const char *name = val ? val : a + 5;
        if (val && strncmp(name, "no-", 3) == 0)
            name += 3;
        else if (val)
            return die_usage("expected -W no-CHECK", val), -1;
        if (sigma_compiler_set_option(c, "disable-check", name) != SIGMA_OK)
            return die_usage("unknown check (see 'sigmacc list checks')", name), -1;
        return 1;
    }
    if (strncmp(a, "--limit-", 8) == 0 && strchr(a, '=')) {
        char key[64];
        const char *eq = strchr(a, '=');
        snprintf(key, sizeof key, "limit.%.*s", (int)(eq - a - 8), a + 8);
        if (sigma_compiler_set_option(c, key, eq + 1) != SIGMA_OK)
            return die_usage("bad limit (unknown, or not a number in range: see SECURITY.md)", a),
                   -1;
        return 1;
    }
#undef TAKE
    return 0;
}

static int load_paths(sigma_compiler *c, const common_opts *o);

static int cmd_check(int argc, char **argv)
{
    sigma_compiler *c;
    if (sigma_compiler_create(&c) != SIGMA_OK) {
        fputs("sigmacc: out of memory\n", stderr);
        return EXIT_USAGE;
    }
    common_opts o = {SIGMA_FMT_TEXT, NULL, 0, 0};
    sigma_compiler_set_option(c, "jobs", "0"); /* one loading thread per CPU */
    o.paths = calloc((size_t)argc, sizeof *o.paths);
    int rc = EXIT_USAGE;
    if (!o.paths)
        goto out;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            int r = common_option(c, &o, argc, argv, &i);
            if (r < 0)
                goto out;
            if (r == 0) {
                die_usage("unknown option", argv[i]);
                goto out;
            }
        } else {
            o.paths[o.npaths++] = argv[i];
        }
    }
    if (!o.npaths) {
        die_usage("no files to check", NULL);
        goto out;
    }
    int io_error = load_paths(c, &o);
    if (io_error < 0)
        goto oom;
    if (sigma_compiler_check(c) == SIGMA_ENOMEM)
        goto oom;
    sigma_diag_write(c, o.fmt, isatty(STDOUT_FILENO) || getenv("SIGMACC_SHOW_SOURCE"), stdout);
    if (o.fmt == SIGMA_FMT_TEXT && !o.quiet)
        fprintf(stderr, "%zu rule%s checked: %zu error%s, %zu warning%s\n",
                sigma_compiler_rule_count(c), sigma_compiler_rule_count(c) == 1 ? "" : "s",
                sigma_diag_errors(c), sigma_diag_errors(c) == 1 ? "" : "s",
                sigma_diag_warnings(c), sigma_diag_warnings(c) == 1 ? "" : "s");
    rc = io_error ? EXIT_USAGE : sigma_diag_errors(c) ? EXIT_RULES : 0;
    goto out;
oom:
    fputs("sigmacc: out of memory\n", stderr);
    rc = EXIT_USAGE;
out:
    free(o.paths);
    sigma_compiler_destroy(c);
    return rc;
}

/* Load PATHs ("-" = stdin); returns 0, or EXIT_USAGE after an I/O error
 * (diagnostics say which), or -1 when out of memory. */
static int load_paths(sigma_compiler *c, const common_opts *o)
{
    int rc = 0;
    for (int i = 0; i < o->npaths; i++) {
        sigma_status st;
        if (!strcmp(o->paths[i], "-")) {
            size_t len = 0;
            char *text = read_stream(stdin, &len);
            if (!text)
                return -1;
            st = sigma_compiler_add_string(c, "<stdin>", text, len);
            free(text);
        } else {
            st = sigma_compiler_add_path(c, o->paths[i]);
        }
        if (st == SIGMA_EIO)
            rc = EXIT_USAGE;
        else if (st == SIGMA_ENOMEM)
            return -1;
    }
    return rc;
}

typedef struct compile_ctx {
    const char *target;
    int json;
    int conf; /* --format savedsearches: the stanza carries its own # header */
    output *out;    /* single output (stdout or -o FILE) */
    const char *dir; /* -o DIR/: one file per rule */
    size_t ok, failed;
    int io_error;
} compile_ctx;

static int on_result(void *user, const sigma_result *r)
{
    compile_ctx *x = user;
    const char *text = sigma_result_text(r);
    sigma_result_kind kind = sigma_result_kind_of(r);
    if (kind != SIGMA_RESULT_RULE) {
        if (!x->json && !x->dir && text && *text)
            output_printf(x->out, "%s\n", text);
        return 0;
    }
    text ? x->ok++ : x->failed++;
    if (x->json) {
        output_json_result(x->out, r);
        return 0;
    }
    if (!text)
        return 0;
    output *o = x->out;
    output file_out;
    if (x->dir) {
        if (output_open_rule_file(&file_out, x->dir, r, sigma_target_extension(x->target)) != 0) {
            x->io_error = 1;
            return 1;
        }
        o = &file_out;
    }
    if (!x->conf)
        output_rule_header(o, x->target, r);
    output_printf(o, "%s\n", text);
    const char *ex = sigma_result_explain(r);
    if (ex)
        output_comment(o, x->target, ex);
    if (x->dir && output_close(&file_out) != 0) {
        x->io_error = 1;
        return 1;
    }
    return 0;
}

static int cmd_compile(int argc, char **argv)
{
    sigma_compiler *c;
    if (sigma_compiler_create(&c) != SIGMA_OK) {
        fputs("sigmacc: out of memory\n", stderr);
        return EXIT_USAGE;
    }
    common_opts o = {SIGMA_FMT_TEXT, NULL, 0, 0};
    sigma_compiler_set_option(c, "jobs", "0"); /* one loading thread per CPU */
    compile_ctx x = {0};
    const char *outpath = NULL, *format = "default";
    output out;
    int out_open = 0;
    int rc = EXIT_USAGE;
    o.paths = calloc((size_t)argc, sizeof *o.paths);
    if (!o.paths)
        goto out;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((!strcmp(a, "-t") || !strcmp(a, "--target")) && i + 1 < argc) {
            x.target = argv[++i];
        } else if ((!strcmp(a, "-p") || !strcmp(a, "--pipeline")) && i + 1 < argc) {
            sigma_status st = sigma_compiler_add_pipeline(c, argv[++i]);
            if (st == SIGMA_ENOMEM)
                goto oom;
            if (st != SIGMA_OK) {
                sigma_diag_write(c, SIGMA_FMT_TEXT, 1, stderr);
                goto out;
            }
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            outpath = argv[++i];
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            format = argv[++i];
        } else if (!strcmp(a, "--explain")) {
            sigma_compiler_set_option(c, "explain", "1");
        } else if (!strcmp(a, "--skip-unsupported")) {
            sigma_compiler_set_option(c, "skip-unsupported", "1");
        } else if (!strcmp(a, "--sid-base") && i + 1 < argc) {
            if (sigma_compiler_set_option(c, "sid-base", argv[++i]) != SIGMA_OK) {
                die_usage("bad --sid-base", argv[i]);
                goto out;
            }
        } else if (a[0] == '-' && a[1]) {
            int r = common_option(c, &o, argc, argv, &i);
            if (r < 0)
                goto out;
            if (r == 0) {
                die_usage("unknown option", a);
                goto out;
            }
        } else {
            o.paths[o.npaths++] = a;
        }
    }
    if (!x.target) {
        die_usage("no target (-t); see 'sigmacc list targets'", NULL);
        goto out;
    }
    if (!o.npaths) {
        die_usage("no rules to compile", NULL);
        goto out;
    }
    x.json = !strcmp(format, "json");
    x.conf = !strcmp(format, "savedsearches");
    sigma_status fs = sigma_compiler_set_option(c, "format", format);
    if (fs == SIGMA_ENOMEM)
        goto oom;
    if (fs != SIGMA_OK)
        goto out;
    int lr = load_paths(c, &o);
    if (lr < 0)
        goto oom;
    if (outpath) {
        struct stat sb;
        size_t l = strlen(outpath);
        if (outpath[l - 1] == '/' || (stat(outpath, &sb) == 0 && S_ISDIR(sb.st_mode))) {
            if (mkdir(outpath, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "sigmacc: %s: %s\n", outpath, strerror(errno));
                goto out;
            }
            x.dir = outpath;
        }
    }
    if (output_open(&out, x.dir ? NULL : outpath) != 0) {
        fprintf(stderr, "sigmacc: %s: %s\n", outpath, strerror(errno));
        goto out;
    }
    out_open = 1;
    x.out = &out;
    sigma_status st = sigma_compiler_compile(c, x.target, on_result, &x);
    if (st == SIGMA_ENOMEM)
        goto oom;
    /* the source line and a caret under each problem, for a person */
    int src = isatty(STDERR_FILENO) || getenv("SIGMACC_SHOW_SOURCE") != NULL;
    sigma_diag_write(c, SIGMA_FMT_TEXT, src, stderr);
    if (st == SIGMA_EINVAL)
        goto out;
    if (output_close(&out) != 0)
        x.io_error = 1;
    out_open = 0;
    size_t unloaded = sigma_compiler_unloaded_count(c);
    if (!o.quiet && unloaded)
        fprintf(stderr, "%zu rule%s compiled for %s, %zu failed, %zu file%s not loaded\n", x.ok,
                x.ok == 1 ? "" : "s", x.target, x.failed, unloaded, unloaded == 1 ? "" : "s");
    else if (!o.quiet)
        fprintf(stderr, "%zu rule%s compiled for %s, %zu failed\n", x.ok, x.ok == 1 ? "" : "s",
                x.target, x.failed);
    /* errors while loading (a limit, a file that is no rule) count too */
    rc = (x.io_error || lr) ? EXIT_USAGE : st == SIGMA_OK && !sigma_diag_errors(c) ? 0 : EXIT_RULES;
    goto out;
oom:
    fputs("sigmacc: out of memory\n", stderr);
    rc = EXIT_USAGE;
out:
    if (out_open)
        output_abort(&out);
    free(o.paths);
    sigma_compiler_destroy(c);
    return rc;
}

static int cmd_list(int argc, char **argv)
{
    if (argc < 2)
        return die_usage("list what? (checks, targets, pipelines)", NULL);
    if (!strcmp(argv[1], "checks")) {
        for (size_t i = 0; i < sigma_check_count(); i++)
            printf("%-24s %s\n", sigma_check_name(i), sigma_check_description(i));
        return 0;
    }
    if (!strcmp(argv[1], "targets")) {
        for (size_t i = 0; i < sigma_target_count(); i++)
            printf("%-10s %s\n", sigma_target_name(i), sigma_target_description(i));
        return 0;
    }
    if (!strcmp(argv[1], "pipelines")) {
        sigma_compiler *c;
        if (sigma_compiler_create(&c) != SIGMA_OK)
            return EXIT_USAGE;
        for (size_t i = 0; i < sigma_builtin_pipeline_count(c); i++)
            printf("%s\n", sigma_builtin_pipeline_name(c, i));
        sigma_compiler_destroy(c);
        return 0;
    }
    return die_usage("unknown list", argv[1]);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    for (int i = 2; i < argc; i++) /* `sigmacc compile --help` and the like */
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "compile"))
        return cmd_compile(argc - 1, argv + 1);
    if (!strcmp(cmd, "match"))
        return cmd_match(argc - 1, argv + 1);
    if (!strcmp(cmd, "list"))
        return cmd_list(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("sigmacc %s\n", sigma_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    return die_usage("unknown command", cmd);
}
