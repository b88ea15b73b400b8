/*
 * args.c - the small option parser every subcommand uses, so that all of
 * them accept the same forms: `--opt VALUE`, `--opt=VALUE`, `--help`/`-h`,
 * `--` to end the options, and `-` as an ordinary (stdin) argument.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

void cli_print_help(const cli_command *cmd, FILE *f)
{
    fprintf(f, "usage: acepack %s %s\n\n%s\n\n%s", cmd->name, cmd->args, cmd->summary, cmd->help);
}

int cli_usage(const cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "acepack %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: acepack %s %s\nTry 'acepack %s --help' for more information.\n",
            cmd->name, cmd->args, cmd->name);
    return CLI_EXIT_USAGE;
}

/* The option `arg` names, with the length of the name part of `--x=v`. */
static int match_option(const cli_option *o, const char *arg, const char **inline_value)
{
    size_t n = strlen(o->name);
    if (strncmp(arg, o->name, n) != 0)
        return 0;
    if (arg[n] == '\0') {
        *inline_value = NULL;
        return 1;
    }
    if (arg[n] == '=' && o->takes_value) {
        *inline_value = arg + n + 1;
        return 1;
    }
    return 0;
}

int cli_parse_args(const cli_command *cmd, int argc, char **argv, const cli_option *opts,
                   size_t nopts, int min_pos, int max_pos, cli_args *out)
{
    memset(out, 0, sizeof *out);
    int options_done = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
            if (out->npos >= max_pos || out->npos >= CLI_MAX_POSITIONAL)
                return cli_usage(cmd, "too many arguments ('%s')", a);
            out->pos[out->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            options_done = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(cmd, stdout);
            return CLI_EXIT_OK;
        }
        size_t k;
        const char *inline_value = NULL;
        for (k = 0; k < nopts; k++)
            if (match_option(&opts[k], a, &inline_value))
                break;
        /* An id outside value[] is a mistake in a command's table: refused
         * like an unknown option rather than written out of bounds. */
        if (k == nopts || opts[k].id < 0 || opts[k].id >= CLI_MAX_OPTIONS)
            return cli_usage(cmd, "unknown option '%s'", a);
        const char **slot = &out->value[opts[k].id];
        if (!opts[k].takes_value) {
            *slot = "";
        } else if (inline_value != NULL) {
            *slot = inline_value;
        } else if (i + 1 < argc) {
            *slot = argv[++i];
        } else {
            return cli_usage(cmd, "option '%s' needs a value", a);
        }
    }
    if (out->npos < min_pos)
        return cli_usage(cmd, "missing argument");
    return -1;
}

const char *cli_profile_name(acepack_profile p)
{
    return p == ACEPACK_COMPAT ? "compat" : "strict";
}

int cli_profile(const cli_command *cmd, const cli_args *a, acepack_profile *profile)
{
    int given = 0;
    *profile = ACEPACK_STRICT;
    const char *named = a->value[CLI_OPT_PROFILE];
    if (a->value[CLI_OPT_STRICT] != NULL) {
        *profile = ACEPACK_STRICT;
        given++;
    }
    if (a->value[CLI_OPT_COMPAT] != NULL) {
        *profile = ACEPACK_COMPAT;
        given++;
    }
    if (named != NULL) {
        if (strcmp(named, "strict") == 0)
            *profile = ACEPACK_STRICT;
        else if (strcmp(named, "compat") == 0)
            *profile = ACEPACK_COMPAT;
        else
            return cli_usage(cmd, "unknown profile '%s' (strict or compat)", named);
        given++;
    }
    if (given > 1)
        return cli_usage(cmd, "give one profile only");
    return -1;
}

int cli_parse_profile_args(const cli_command *cmd, int argc, char **argv, const cli_option *opts,
                           size_t nopts, int min_pos, int max_pos, cli_args *out,
                           acepack_profile *profile)
{
    int rc = cli_parse_args(cmd, argc, argv, opts, nopts, min_pos, max_pos, out);
    if (rc >= 0)
        return rc;
    return cli_profile(cmd, out, profile);
}

int cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned d = (unsigned)(*s - '0');
        if (d > max || v > (max - d) / 10u)
            return 0;
        v = v * 10u + d;
    }
    *out = v;
    return 1;
}

int cli_parse_u64_clamped(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned d = (unsigned)(*s - '0');
        v = v > (max - d) / 10u ? max : v * 10u + d;
    }
    *out = v;
    return 1;
}
