/*
 * cmd_dump.c - `acepack dump`: the conformance dump of spec section 11.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

/* Full validation then the conformance dump on stdout. */
static int dump_file(const char *arg, acepack_profile profile)
{
    cli_store s;
    int rc = cli_store_open(&s, arg, profile);
    if (rc != CLI_EXIT_OK) {
        cli_store_close(&s);
        return rc;
    }
    acepack_error e;
    memset(&e, 0, sizeof e);
    size_t need = 0;
    void *ws = NULL;
    acepack_status st = acepack_dump_workspace_size(&s.r, &need);
    if (st == ACEPACK_OK && need > 0 && (ws = malloc(need)) == NULL)
        st = ACEPACK_UNSUPPORTED;
    if (st != ACEPACK_OK) {
        cli_report_msg(s.in.name, "the dump workspace does not fit in memory (unsupported)");
        cli_store_close(&s);
        return CLI_EXIT_UNSUPPORTED;
    }
    st = acepack_dump(&s.r, ws, need, cli_write_file, stdout, &e);
    free(ws);
    if (st == ACEPACK_CALLBACK) {
        fprintf(stderr, "acepack: cannot write to standard output: %s\n", strerror(errno));
        rc = CLI_EXIT_USAGE;
    } else if (st != ACEPACK_OK) {
        cli_report(s.in.name, &e);
        rc = cli_exit_code(st);
    }
    cli_store_close(&s);
    return rc;
}

int cli_dump_command(const cli_command *cmd, int argc, char **argv)
{
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS};
    cli_args a;
    acepack_profile profile;
    int rc = cli_parse_profile_args(cmd, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 1, &a,
                                    &profile);
    if (rc >= 0)
        return rc;
    return dump_file(a.pos[0], profile);
}

const cli_command cli_cmd_dump = {
    "dump",
    "[--strict|--compat|--profile P] FILE",
    "print the conformance dump (spec section 11) of a file",
    "Validates FILE fully under the profile (strict by default: header, layout,\n"
    "events, payloads, index, duplicate keys, chunk overlap) and prints its content\n"
    "as the conformance dump of spec section 11 (D-1..D-7): the exact bytes that\n"
    "every conforming implementation prints for this file.\n"
    "\n"
    "options:\n"
    "  --strict             the strict profile (default)\n"
    "  --compat             the compat profile (what the JavaScript 0.2.0 store reads)\n"
    "  --profile P          the same, P = strict or compat\n"
    "\n"
    "exit status: 0 dumped, 1 invalid (FILE:OFFSET: RULE-ID: message on stderr,\n"
    "nothing on stdout), 2 usage or I/O error, 3 unsupported.\n",
    cli_dump_command,
};
