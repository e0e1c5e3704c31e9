/* sigmacc - command-line front end: a thin user of include/sigmacc.h.
 *
 *   sigmacc check [--format text|json|sarif] [--strict] [-W no-NAME] PATH...
 *   sigmacc list checks
 *   sigmacc version
 *
 * Exit status: 0 no errors, 1 errors in the rules, 2 usage or I/O errors. */
#include "sigmacc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_RULES = 1, EXIT_USAGE = 2 };

static void usage(FILE *f)
{
    fputs("usage: sigmacc check [--format text|json|sarif] [--strict] [-W no-CHECK]... PATH...\n"
          "       sigmacc list checks\n"
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
            return die_usage("bad limit", a), -1;
        return 1;
    }
#undef TAKE
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    sigma_compiler *c;
    if (sigma_compiler_create(&c) != SIGMA_OK) {
        fputs("sigmacc: out of memory\n", stderr);
        return EXIT_USAGE;
    }
    common_opts o = {SIGMA_FMT_TEXT, NULL, 0, 0};
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
    int io_error = 0;
    for (int i = 0; i < o.npaths; i++) {
        sigma_status st = sigma_compiler_add_path(c, o.paths[i]);
        if (st == SIGMA_EIO)
            io_error = 1;
        else if (st == SIGMA_ENOMEM)
            goto oom;
    }
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

static int cmd_list(int argc, char **argv)
{
    if (argc < 2)
        return die_usage("list what? (checks)", NULL);
    if (!strcmp(argv[1], "checks")) {
        for (size_t i = 0; i < sigma_check_count(); i++)
            printf("%-24s %s\n", sigma_check_name(i), sigma_check_description(i));
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
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 1, argv + 1);
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
