/*
 * cli.h - declarations shared by the sources of the `acepack` command line
 * tool.  The tool reads whole files into memory and may use the heap (the
 * library's reader never does); every file it is given is treated as
 * hostile, exactly like the library treats it.
 *
 * Exit codes (every subcommand):
 *   0  success
 *   1  invalid input (the file breaks a rule of spec/ACEPACK.md; or `get`
 *      found no such key)
 *   2  usage error, or a file that cannot be read / output that cannot be
 *      written (operating system error)
 *   3  unsupported: a limit of this implementation (spec 3.6, 7.2), which
 *      includes running out of memory
 * Errors about a file go to stderr as `FILE:OFFSET: RULE-ID: message`
 * (OFFSET in decimal, spec 7.2).
 */
#ifndef ACEPACK_CLI_H
#define ACEPACK_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acepack.h"

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

enum { CLI_EXIT_OK = 0, CLI_EXIT_INVALID = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_UNSUPPORTED = 3 };

/* ------------------------------------------------------------------------
 * Subcommands (main.c holds the table, commands.h the list)
 * ------------------------------------------------------------------------ */

typedef struct cli_command cli_command;
struct cli_command {
    const char *name;
    const char *args;    /* the synopsis after the name, e.g. "[--strict|--compat] FILE" */
    const char *summary; /* one line for `acepack --help` */
    const char *help;    /* the body of `acepack NAME --help` (ends with a newline) */
    /* argv[0] is the subcommand name; returns the exit code. */
    int (*run)(const cli_command *self, int argc, char **argv);
};

/* ------------------------------------------------------------------------
 * Argument parsing (args.c)
 * ------------------------------------------------------------------------ */

/* One row of a command's option table.  `id` is the option's name in the
 * command's own enum: the parser stores what it finds in value[id], so that a
 * command reads its options by name (value[EV_JSON]), never by the row's
 * position in the table. */
typedef struct cli_option {
    const char *name; /* "--kind" */
    int takes_value;  /* `--kind K` or `--kind=K` */
    int id;           /* 0 <= id < CLI_MAX_OPTIONS: where the value goes */
} cli_option;

#define CLI_MAX_OPTIONS 16
#define CLI_MAX_POSITIONAL 64

typedef struct cli_args {
    /* value[id]: NULL when the option with that id was not given; "" for a
     * flag that was; the (last) value otherwise. */
    const char *value[CLI_MAX_OPTIONS];
    const char *pos[CLI_MAX_POSITIONAL];
    int npos;
} cli_args;

/* The ids of the profile options, which every command that reads a file
 * under a profile takes (cli_profile() reads them); such a command numbers
 * its own options from CLI_OPT_OWN on. */
enum { CLI_OPT_STRICT, CLI_OPT_COMPAT, CLI_OPT_PROFILE, CLI_OPT_OWN };
#define CLI_PROFILE_OPTIONS                                           \
    {"--strict", 0, CLI_OPT_STRICT}, {"--compat", 0, CLI_OPT_COMPAT}, \
    {                                                                 \
        "--profile", 1, CLI_OPT_PROFILE                               \
    }

/* The ids of the store options of the writing commands (cmd_write.c,
 * cmd_build.c); such a command numbers its own options from
 * CLI_OPT_STORE_OWN on. */
enum { CLI_OPT_CHECKSUMS, CLI_OPT_SEGMENTED, CLI_OPT_STORE_OWN };
#define CLI_CHECKSUMS_OPTION                \
    {                                       \
        "--checksums", 0, CLI_OPT_CHECKSUMS \
    }
#define CLI_SEGMENTED_OPTION                \
    {                                       \
        "--segmented", 0, CLI_OPT_SEGMENTED \
    }

/* Parses argv[1..] against `opts`.  `--help`/`-h` prints the command's help
 * on stdout; `--` ends the options; `-` is a positional argument.
 * @return -1 to go on, else the exit code to return at once (0 after
 *         --help, 2 after a usage error, which is printed). */
int cli_parse_args(const cli_command *cmd, int argc, char **argv, const cli_option *opts,
                   size_t nopts, int min_pos, int max_pos, cli_args *out);

/* Reads --strict / --compat / --profile P (ids CLI_OPT_STRICT..PROFILE).
 * @return -1 to go on (*profile set; strict by default) or 2. */
int cli_profile(const cli_command *cmd, const cli_args *a, acepack_profile *profile);

/* cli_parse_args() then cli_profile(), the start of every command that
 * reads under a profile (`opts` holds CLI_PROFILE_OPTIONS).
 * @return -1 to go on, else the exit code to return at once. */
int cli_parse_profile_args(const cli_command *cmd, int argc, char **argv, const cli_option *opts,
                           size_t nopts, int min_pos, int max_pos, cli_args *out,
                           acepack_profile *profile);

/* Parses a decimal integer in [0, max] (no sign, no spaces).  @return 1 ok. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);
/* As cli_parse_u64, but a decimal integer above max (of any length) gives
 * max instead of failing: 0 only for what is not a decimal integer. */
int cli_parse_u64_clamped(const char *s, uint64_t max, uint64_t *out);

/* Prints `acepack NAME: message`, the synopsis and a hint on stderr.
 * @return 2. */
int cli_usage(const cli_command *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* The full help text of a command. */
void cli_print_help(const cli_command *cmd, FILE *f);

const char *cli_profile_name(acepack_profile p);

/* ------------------------------------------------------------------------
 * Input files (input.c)
 * ------------------------------------------------------------------------ */

typedef struct cli_input {
    const char *name;    /* for messages: the path, or "<stdin>" for "-" */
    const uint8_t *data; /* NULL when size is 0 */
    size_t size;
    acepack_mapping map; /* set when the file was mapped */
    uint8_t *heap;       /* set when it was read into memory */
} cli_input;

/* Loads `arg` ("-" = all of stdin) into memory: regular files are mapped
 * with acepack_map_file(), anything else (stdin, pipes) is read fully.
 * Prints an error and returns its exit code on failure, 0 on success. */
int cli_input_load(cli_input *in, const char *arg);
void cli_input_free(cli_input *in);

/* An input of a writing command (write_input.c): opened once, read with
 * read(2) (W-COMMIT-7, W-COMMIT-8). */
typedef struct cli_winput {
    const char *name; /* the path, or "<stdin>" for "-" */
    int fd;
    int owned; /* fd is ours to close (not stdin) */
    int regular;
    uint64_t expect; /* size of a regular file when opened (0: read to the end) */
    uint64_t done;   /* bytes read so far */
    int changed;     /* it ended before `expect`: truncated meanwhile */
    int err;         /* errno of the failed read */
} cli_winput;

/* Opens `arg` ("-" = stdin) once; refuses a directory and the file the store
 * path `store` (NULL: no check) names.  Prints the error; exit code. */
int cli_winput_open(cli_winput *w, const char *arg, const char *store);
/* An acepack_read_fn over w (ctx = w). */
int cli_winput_read(void *ctx, void *buf, size_t cap, size_t *got);
/* Reads all of w into in (heap); prints the error; exit code. */
int cli_winput_load(cli_winput *w, cli_input *in);
/* Prints why reading w failed; @return the exit code (2). */
int cli_winput_failed(const cli_winput *w);
void cli_winput_close(cli_winput *w);

/* ------------------------------------------------------------------------
 * Errors (errors.c)
 * ------------------------------------------------------------------------ */

/* The exit code for a library status (0, 1, 2 or 3). */
int cli_exit_code(acepack_status s);

/* Prints `FILE:OFFSET: RULE-ID: message` (or `FILE: message` when the error
 * is not about a place in the file) on stderr. */
void cli_report(const char *file, const acepack_error *e);

/* A writer's error about `name` (a store, an output, an input): I/O and lock
 * errors as `NAME: message: reason` (exit 2), the rest as cli_report().
 * @return the exit code. */
int cli_report_writer(const char *name, const acepack_error *e);

/* A builder's refusal of content (rule W-*): its offset is the index of the
 * kv pair or event, so it is printed as `NAME:0: RULE: message (item N of
 * the content)`; other errors as cli_report().  @return the exit code. */
int cli_report_content(const char *name, const acepack_error *e);

/* Prints `FILE: message` on stderr. */
void cli_report_msg(const char *file, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Fills *e with an out-of-memory error (status ACEPACK_UNSUPPORTED: a limit
 * of this tool, exit 3). */
void cli_error_nomem(acepack_error *e, const char *what);

/* ------------------------------------------------------------------------
 * Opening and validating a store (store.c)
 * ------------------------------------------------------------------------ */

/* acepack_open() + acepack_validate(ACEPACK_CHECK_ALL) with the workspace
 * it asks for (spec 7.2: no check is skipped).  Prints nothing.
 * @return ACEPACK_OK or the error (also in *err). */
acepack_status cli_validate_bytes(acepack_reader *r, const uint8_t *data, size_t size,
                                  acepack_profile profile, acepack_error *err);

/* The acepack_validate() part of cli_validate_bytes() for an opened reader. */
acepack_status cli_validate_opened(const acepack_reader *r, acepack_error *err);

/* Builds the key lookup table of an opened reader into heap memory.
 * *mem receives the memory to free() (NULL on failure). */
acepack_status cli_table_build(acepack_table *t, const acepack_reader *r, void **mem,
                               acepack_error *err);

typedef struct cli_store {
    cli_input in;
    acepack_reader r;
    acepack_profile profile;
    acepack_table table;
    void *table_mem; /* non-NULL once the table is built */
} cli_store;

/* Loads `arg` and validates it fully under `profile`; prints the error.
 * @return 0 or the exit code.  Call cli_store_close() in every case. */
int cli_store_open(cli_store *s, const char *arg, acepack_profile profile);
/* Builds s->table (prints the error). @return 0 or the exit code. */
int cli_store_table(cli_store *s);
void cli_store_close(cli_store *s);

/* The decoded key of `e` in a new heap buffer (not NUL-terminated; *len set).
 * @return NULL when out of memory (a zero-length key gives a valid pointer). */
uint8_t *cli_key_dup(const acepack_entry *e, size_t *len);

/* The entries of an index, for listing and layout analysis (entries.c). */
typedef struct cli_entry {
    acepack_entry e;
    uint64_t index_pos; /* position of the member in the index (file order) */
    int current;        /* 1 when this occurrence counts for its key (R-IDX-12) */
} cli_entry;

typedef struct cli_entries {
    cli_entry *v;
    size_t n;
} cli_entries;

/* Collects every index member in file order.  `t` (may be NULL: then every
 * member is taken as current) resolves compat duplicates.
 * @return ACEPACK_OK, or ACEPACK_UNSUPPORTED when out of memory. */
acepack_status cli_entries_collect(const acepack_reader *r, const acepack_table *t,
                                   cli_entries *out);
void cli_entries_free(cli_entries *es);
/* Sorts by chunk offset (then index position). */
void cli_entries_sort_by_chunk(cli_entries *es);
/* A copy of `src` sorted by chunk offset, for the commands that walk the
 * chunk region but still list `src` in index order.  @return 1, or 0 when
 * out of memory (then *out is empty). */
int cli_entries_copy_by_chunk(const cli_entries *src, cli_entries *out);
/* Sorts by decoded key bytes, the order of D-6. */
void cli_entries_sort_by_key(cli_entries *es);

/* Bytes of [begin, end) covered by the chunks of current entries (each
 * chunk clipped to the range; overlaps counted once).  es must be sorted by
 * chunk offset. */
uint64_t cli_entries_live_bytes(const cli_entries *es, uint64_t begin, uint64_t end);

/* W-CAN-1: negative, zero or positive as key a sorts before, equal to or
 * after key b in the canonical order. */
int cli_canonical_key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* ------------------------------------------------------------------------
 * Text output (text.c)
 * ------------------------------------------------------------------------ */

/* Length (1..4) of the valid UTF-8 sequence at p, 0 when invalid. */
size_t cli_utf8_seq(const uint8_t *p, size_t avail);

/* Bytes for a terminal: valid printable UTF-8 as is; `\\`, `\n`, `\t`, `\r`,
 * `\0`, `\xHH` for other control bytes, DEL and invalid bytes; `\u0085` for
 * C1 controls.  At most `max` input bytes are shown (then "..."). */
void cli_put_display(FILE *f, const uint8_t *p, size_t n, size_t max);

/* A JSON string with the escaping of spec 4.1 `string` (D-5).  The bytes
 * must be valid UTF-8. */
void cli_put_json_string(FILE *f, const uint8_t *p, size_t n);

/* Lowercase hexadecimal, two digits per byte (D-4). */
void cli_put_hex(FILE *f, const uint8_t *p, size_t n);

/* fwrite() as an acepack_write_fn (ctx is the FILE *). */
int cli_write_file(void *ctx, const void *p, size_t n);

/* ------------------------------------------------------------------------
 * Shared command helpers
 * ------------------------------------------------------------------------ */

/* `dump` and `adapter read`: one operation (the protocol's read is the
 * conformance dump), so that the two can never drift apart; `cmd` only names
 * the command in usage messages.  @return the exit code. */
int cli_dump_command(const cli_command *cmd, int argc, char **argv);

#define CLI_UNUSED(x) ((void)(x))

#endif /* ACEPACK_CLI_H */
