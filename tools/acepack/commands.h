/*
 * commands.h - the list of subcommands, in the order `acepack --help` shows
 * them.  Adding a subcommand = one cmd_*.c file defining
 * `const cli_command cli_cmd_NAME` and one row here.
 */
#ifndef ACEPACK_CLI_COMMANDS_H
#define ACEPACK_CLI_COMMANDS_H

#include "cli.h"

#define CLI_COMMAND_LIST(X) \
    X(info)                 \
    X(validate)             \
    X(dump)                 \
    X(ls)                   \
    X(get)                  \
    X(events)               \
    X(explain)              \
    X(create)               \
    X(put)                  \
    X(rm)                   \
    X(append)               \
    X(compact)              \
    X(migrate)              \
    X(build)                \
    X(adapter)

#define CLI_DECLARE_COMMAND(name) extern const cli_command cli_cmd_##name;
CLI_COMMAND_LIST(CLI_DECLARE_COMMAND)
#undef CLI_DECLARE_COMMAND

#endif /* ACEPACK_CLI_COMMANDS_H */
