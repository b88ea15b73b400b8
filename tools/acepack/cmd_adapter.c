/*
 * cmd_adapter.c - `acepack adapter`: the conformance adapter protocol.
 *
 *   adapter capabilities                          JSON on stdout, exit 0
 *   adapter read FILE [--profile strict|compat]   dump (spec 11) on stdout
 *   adapter write                                 dump on stdin -> canonical file
 *   adapter migrate [--profile strict|compat]     v1 on stdin -> v2 on stdout
 *   adapter serve                                 the three above, persistently
 */
#include <string.h>

#include "adapter.h"
#include "commands.h"
#include "cli.h"
#include "serve.h"

typedef struct adapter_op {
    const char *name;
    cli_adapter_fn run; /* NULL: not implemented by this build */
} adapter_op;

/* THE place that decides what this adapter can do: `capabilities` reports
 * an operation as available exactly when its function is listed here. */
static const adapter_op ops[] = {
    {"read", cli_adapter_read},
    {"write", cli_adapter_write},     /* cmd_build.c */
    {"migrate", cli_adapter_migrate}, /* cmd_write.c */
    {"serve", cli_adapter_serve},     /* cmd_adapter_serve.c */
};

#define NOPS (sizeof ops / sizeof ops[0])

static int capabilities(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, NULL, 0, 0, 0, &a);
    if (rc >= 0)
        return rc;
    fputc('{', stdout);
    for (size_t i = 0; i < NOPS; i++)
        printf("\"%s\":%s,", ops[i].name, ops[i].run ? "true" : "false");
    fputs("\"profiles\":[\"strict\",\"compat\"]}\n", stdout);
    return CLI_EXIT_OK;
}

int cli_adapter_read(const cli_command *self, int argc, char **argv)
{
    return cli_dump_command(self, argc, argv);
}

static int run_adapter(const cli_command *self, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(self, "missing operation (capabilities, read, write, migrate or serve)");
    const char *op = argv[1];
    if (strcmp(op, "--help") == 0 || strcmp(op, "-h") == 0) {
        cli_print_help(self, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(op, "capabilities") == 0)
        return capabilities(self, argc - 1, argv + 1);
    for (size_t i = 0; i < NOPS; i++) {
        if (strcmp(op, ops[i].name) != 0)
            continue;
        if (ops[i].run == NULL) {
            fprintf(stderr,
                    "acepack adapter: '%s' is not supported by this build "
                    "(see 'acepack adapter capabilities')\n",
                    op);
            return CLI_EXIT_UNSUPPORTED;
        }
        return ops[i].run(self, argc - 1, argv + 1);
    }
    return cli_usage(self, "unknown operation '%s'", op);
}

const cli_command cli_cmd_adapter = {
    "adapter",
    "capabilities | read FILE [--profile strict|compat] | write | migrate [--profile P] | serve",
    "the conformance adapter protocol (for conformance/run.py)",
    "Speaks the adapter protocol of the conformance runner:\n"
    "\n"
    "  adapter capabilities\n"
    "      prints {\"read\":..,\"write\":..,\"migrate\":..,\"serve\":..,\"profiles\":[..]}\n"
    "      (JSON), exit 0.\n"
    "  adapter read FILE [--profile strict|compat]\n"
    "      full validation under the profile (default strict), then the conformance\n"
    "      dump (spec 11) on stdout, exit 0.  A rejected file: exit 1 and one line\n"
    "      FILE:OFFSET: RULE-ID: message on stderr.  Exit 3: unsupported (a limit\n"
    "      of this implementation).\n"
    "  adapter write\n"
    "      a conformance dump on stdin -> the canonical file (spec 8.3) on stdout.\n"
    "  adapter migrate [--profile strict|compat]\n"
    "      a v1 file on stdin -> the migrated canonical v2 file (spec 10) on stdout.\n"
    "  adapter serve\n"
    "      the persistent protocol: length-prefixed read/write/migrate requests on\n"
    "      stdin, one response each on stdout (conformance/README.md); exit 0 at\n"
    "      the end of input.  Each request runs in a forked child; with\n"
    "      ACEPACK_SERVE_IN_PROCESS=1 in the environment, in the server itself.\n"
    "\n"
    "Operations this build does not implement exit 3; `capabilities` lists which\n"
    "ones it does.  FILE may be '-' for standard input.\n",
    run_adapter,
};
