/*
 * serve.h - `acepack adapter serve`, the persistent conformance protocol
 * (conformance/README.md): requests and responses framed with u32
 * big-endian lengths on stdin/stdout.  cmd_adapter_serve.c runs the loop;
 * cmd_adapter_header.c parses the JSON header of a request.
 */
#ifndef ACEPACK_CLI_SERVE_H
#define ACEPACK_CLI_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* The longest header accepted (the runner sends ~100 bytes; hostile input
 * must not make us allocate much), and the longest file name kept. */
#define SERVE_MAX_HEADER 65536u
#define SERVE_MAX_NAME 4096u

typedef struct serve_header {
    char op[16];                   /* "read", "write" or "migrate" ("" if absent) */
    char profile[16];              /* "strict" when absent */
    char file[SERVE_MAX_NAME + 1]; /* "<stdin>" when absent */
} serve_header;

/* Parses the header of one request: a JSON object whose members `op`,
 * `profile` and `file` are strings; other members (any JSON value) are
 * ignored, as the protocol requires.  Strings too long for their field,
 * or holding a NUL, are errors.  @return 1 ok, 0 malformed (*why set). */
int serve_parse_header(const uint8_t *p, size_t n, serve_header *h, const char **why);

/* `adapter serve` (an operation of cmd_adapter.c's table). */
int cli_adapter_serve(const cli_command *self, int argc, char **argv);

/* input.c: the name `-` gets in messages ("<stdin>" unless set; the server
 * sets the `file` of each read request, so diagnostics name the file as the
 * per-call `adapter read FILE` does). */
void cli_input_set_stdin_name(const char *name);

#endif /* ACEPACK_CLI_SERVE_H */
