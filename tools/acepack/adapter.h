/*
 * adapter.h - the operations of `acepack adapter` (the conformance adapter
 * protocol of the team brief / conformance/README).  Each operation is a
 * function with this signature; cmd_adapter.c lists them in one table, and
 * `adapter capabilities` reports exactly the operations whose function is
 * present there.
 *
 * Adding an operation: define its function in a cmd_*.c file and add its row
 * to the table of cmd_adapter.c.  Nothing else changes.
 */
#ifndef ACEPACK_CLI_ADAPTER_H
#define ACEPACK_CLI_ADAPTER_H

#include "cli.h"

/* `self` is the `adapter` command (for usage messages); argv[0] is the
 * operation name.  Returns the protocol exit code: 0 ok, 1 rejected (one
 * `FILE:OFFSET: RULE-ID: message` line on stderr), 3 unsupported. */
typedef int (*cli_adapter_fn)(const cli_command *self, int argc, char **argv);

int cli_adapter_read(const cli_command *self, int argc, char **argv);
int cli_adapter_write(const cli_command *self, int argc, char **argv);   /* cmd_build.c */
int cli_adapter_migrate(const cli_command *self, int argc, char **argv); /* cmd_write.c */

#endif /* ACEPACK_CLI_ADAPTER_H */
