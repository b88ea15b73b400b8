/*
 * main.c - `acepack`: the command line tool of libacepack.  Dispatches to
 * the subcommands of commands.h; owns the top-level usage text and the
 * final check that standard output was written completely.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "leak_exit.h"

#define CLI_TABLE_ROW(name) &cli_cmd_##name,
static const cli_command *const commands[] = {CLI_COMMAND_LIST(CLI_TABLE_ROW)};
#undef CLI_TABLE_ROW

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_usage(FILE *f)
{
    fprintf(f,
            "usage: acepack COMMAND [OPTIONS] ARGS...\n"
            "       acepack COMMAND --help\n"
            "       acepack --version\n"
            "\n"
            "Reads, checks and writes ACEPACK files (spec/ACEPACK.md, specification %s).\n"
            "\n"
            "commands:\n",
            ACEPACK_SPEC_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "\n"
               "FILE may be '-' for standard input when a command reads it; a writing\n"
               "command refuses '-' as its store (exit 2; ./- names a file called '-').\n"
               "Errors about a file are printed as\n"
               "FILE:OFFSET: RULE-ID: message (OFFSET in decimal bytes from the start).\n"
               "\n"
               "exit status: 0 success, 1 invalid input, 2 usage or I/O error,\n"
               "             3 unsupported (a limit of this implementation)\n");
}

/* A failed write to stdout (disk full, closed pipe with SIGPIPE ignored)
 * must not look like success: the output is incomplete. */
static int finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "acepack: cannot write to standard output: %s\n", strerror(errno));
        return rc == CLI_EXIT_OK ? CLI_EXIT_USAGE : rc;
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_usage(stdout);
        return finish_stdout(CLI_EXIT_OK);
    }
    if (strcmp(name, "--version") == 0) {
        printf("acepack %s (library %s, specification %s)\n", ACEPACK_VERSION_STRING,
               acepack_version_string(), ACEPACK_SPEC_VERSION);
        return finish_stdout(CLI_EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        if (argc == 2) {
            print_usage(stdout);
            return finish_stdout(CLI_EXIT_OK);
        }
        const cli_command *c = find_command(argv[2]);
        if (c == NULL || argc > 3) {
            fprintf(stderr, "acepack: unknown command '%s'; try 'acepack --help'\n", argv[2]);
            return CLI_EXIT_USAGE;
        }
        cli_print_help(c, stdout);
        return finish_stdout(CLI_EXIT_OK);
    }
    const cli_command *cmd = find_command(name);
    if (cmd == NULL) {
        fprintf(stderr, "acepack: unknown command '%s'; try 'acepack --help'\n", name);
        return CLI_EXIT_USAGE;
    }
    cli_static_stdio();
    size_t mark = cli_heap_in_use();
    int rc = finish_stdout(cmd->run(cmd, argc - 1, argv + 1));
    cli_exit_if_leak_free(rc, mark);
    return rc;
}
