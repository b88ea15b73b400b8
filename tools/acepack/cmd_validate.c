/*
 * cmd_validate.c - `acepack validate`: the full verdict of spec 7 for one or
 * more files.
 */
#include <string.h>

#include "cli.h"
#include "commands.h"

static int validate_one(const char *arg, acepack_profile profile)
{
    cli_input in;
    int rc = cli_input_load(&in, arg);
    if (rc != CLI_EXIT_OK) {
        cli_input_free(&in);
        return rc;
    }
    acepack_reader r;
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = cli_validate_bytes(&r, in.data, in.size, profile, &e);
    if (st == ACEPACK_OK) {
        printf("%s: valid (%s)\n", in.name, cli_profile_name(profile));
    } else {
        cli_report(in.name, &e);
        rc = cli_exit_code(st);
    }
    cli_input_free(&in);
    return rc;
}

static int run_validate(const cli_command *self, int argc, char **argv)
{
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS};
    cli_args a;
    acepack_profile profile;
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1,
                                    CLI_MAX_POSITIONAL, &a, &profile);
    if (rc >= 0)
        return rc;
    /* Several files: the worst outcome wins (usage/I-O 2 > unsupported 3 >
     * invalid 1 > ok 0), so that a script sees any failure. */
    static const int severity[] = {0, 1, 3, 2};
    int worst = CLI_EXIT_OK;
    for (int i = 0; i < a.npos; i++) {
        int one = validate_one(a.pos[i], profile);
        if (severity[one] > severity[worst])
            worst = one;
    }
    return worst;
}

const cli_command cli_cmd_validate = {
    "validate",
    "[--strict|--compat|--profile P] FILE...",
    "check that files are valid ACEPACK files (full validation)",
    "Validates each FILE completely under the profile (strict by default): every\n"
    "reader rule of spec section 7.1 for that profile, including payload JSON\n"
    "(R-PAY-1..3), duplicate keys (R-IDX-7) and chunk overlap (R-CHK-4); no check\n"
    "is skipped.  Prints `FILE: valid (PROFILE)` on stdout for a valid file, and\n"
    "`FILE:OFFSET: RULE-ID: message` on stderr for the first rule found broken\n"
    "(OFFSET in decimal; see `acepack explain FILE` for an annotated map).\n"
    "\n"
    "options:\n"
    "  --strict             the strict profile (default): what conformant writers produce\n"
    "  --compat             the compat profile: what the JavaScript 0.2.0 store reads\n"
    "  --profile P          the same, P = strict or compat\n"
    "\n"
    "exit status: 0 all valid, 1 a file is invalid, 2 usage or I/O error,\n"
    "3 unsupported (a limit of this implementation).  With several files the\n"
    "most severe outcome wins (2, then 3, then 1).\n",
    run_validate,
};
