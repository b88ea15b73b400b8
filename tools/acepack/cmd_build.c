/*
 * cmd_build.c - `acepack build` and the adapter's `write` operation: a
 * conformance dump (spec 11) parsed back into content and written as its
 * canonical file (spec 8.3).  One path for both, so that the adapter's write
 * is exactly the CLI's build to standard output.
 */
#include <string.h>

#include "adapter.h"
#include "cli.h"
#include "commands.h"

/* Parses a dump text and writes its canonical file to `out` (stdout when
 * NULL) as `bo` says (NULL: the canonical file); `name` is the input in
 * messages. */
static int build_from_text(const char *name, const uint8_t *text, size_t n, const char *out,
                           const acepack_build_options *bo)
{
    acepack_parsed_dump d;
    acepack_error e;
    memset(&e, 0, sizeof e);
    if (acepack_dump_parse(text, n, NULL, &d, &e) != ACEPACK_OK) {
        if (e.status == ACEPACK_NOMEM) {
            fprintf(stderr, "%s: out of memory\n", name);
            return CLI_EXIT_UNSUPPORTED;
        }
        fprintf(stderr, "%s:%llu: %s: not a conformance dump: %s\n", name,
                (unsigned long long)e.offset, e.rule ? e.rule : "D-1", e.message ? e.message : "");
        return CLI_EXIT_INVALID;
    }
    acepack_status st;
    int rc = CLI_EXIT_OK;
    if (out == NULL) {
        st = acepack_build_write_opts(&d.content, bo, NULL, cli_write_file, stdout, &e);
    } else {
        /* W-COMMIT-9: as a store's commit: temporary file, fsync, rename,
         * under the lock of an existing OUT; nothing is created when the
         * content is refused. */
        st = acepack_build_path_opts(&d.content, out, bo, NULL, NULL, 0, &e);
        if (st == ACEPACK_IO || st == ACEPACK_LOCKED || st == ACEPACK_ARG) {
            if (st == ACEPACK_ARG)
                fprintf(stderr, "%s: %s\n", out, e.message ? e.message : "invalid output");
            else
                cli_report_writer(out, &e);
            acepack_parsed_dump_free(&d);
            return CLI_EXIT_USAGE;
        }
    }
    if (st != ACEPACK_OK)
        rc = st == ACEPACK_CALLBACK ? CLI_EXIT_USAGE : cli_report_content(name, &e);
    /* Content a writer may not write is a rejected dump (exit 1) whatever the
     * reason (the adapter protocol has no "unsupported" for write). */
    if (rc == CLI_EXIT_UNSUPPORTED && st == ACEPACK_UNSUPPORTED)
        rc = CLI_EXIT_INVALID;
    acepack_parsed_dump_free(&d);
    return rc;
}

/* The dump in the file `arg` ('-': stdin), as build_from_text(). */
static int build_from_dump(const char *arg, const char *out, const acepack_build_options *bo)
{
    /* Read once with read(2), as every input of a writer (W-COMMIT-7, -8). */
    cli_winput w;
    int rc = cli_winput_open(&w, arg, NULL);
    if (rc != CLI_EXIT_OK)
        return rc;
    cli_input in;
    rc = cli_winput_load(&w, &in);
    cli_winput_close(&w);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = build_from_text(in.name, in.data, in.size, out, bo);
    cli_input_free(&in);
    return rc;
}

static int run_build(const cli_command *self, int argc, char **argv)
{
    /* No --segmented: the builder never sets bit 16 (W-SEG-1), only a
     * store's appending commit does (W-SEG-2). */
    static const cli_option opts[] = {CLI_CHECKSUMS_OPTION};
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 2, 2, &a);
    if (rc >= 0)
        return rc;
    acepack_build_options bo;
    memset(&bo, 0, sizeof bo);
    bo.checksums = a.value[CLI_OPT_CHECKSUMS] != NULL;
    return build_from_dump(a.pos[0], strcmp(a.pos[1], "-") == 0 ? NULL : a.pos[1], &bo);
}

const cli_command cli_cmd_build = {
    "build",
    "[--checksums] DUMP.json OUT",
    "write the canonical file of a conformance dump",
    "Reads a conformance dump (spec 11, exactly as `acepack dump` writes it) and\n"
    "writes the canonical file of its content (spec 8.3; a format_version 1 dump\n"
    "gives the canonical v1 file, W-V1-1) to OUT ('-' for standard output).\n"
    "Content no writer may write is refused with exit 1: ts above 2^53-1 or\n"
    "kind/source/flags above 255 (W-EVT-2), a payload that is not a JSON object\n"
    "text (W-EVT-4), an incompatible flag (W-HDR-2), evt_base_id above 2^32-1.\n"
    "Compatible flag bits are cleared (the canonical flags word is 0).\n"
    "OUT is installed as a store's commit installs a file (W-COMMIT-9): written\n"
    "to a temporary file beside it, made durable, renamed over OUT; an existing\n"
    "OUT must be a regular file whose writer lock is free (else exit 2, W-LOCK-1)\n"
    "and is unchanged by any failure; a symbolic link is followed (W-COMMIT-6).\n"
    "DUMP.json may be '-' for standard input.\n"
    "--checksums: the checksummed canonical file (spec 3.8, W-CRC-1): flag bit 0\n"
    "set and the CRC32C of the header and of each region in bytes 64..79, no other\n"
    "byte different; a format_version 1 dump gives the v1 file unchanged (a v1\n"
    "file has no checksums, R-CRC-6).  There is no --segmented: the builder never\n"
    "writes a segmented file (W-SEG-1); a store's commit does (`acepack append\n"
    "--segmented`, spec 3.7).\n",
    run_build,
};

/* ---- adapter write ---- */

int cli_adapter_write(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, NULL, 0, 0, 0, &a);
    if (rc >= 0)
        return rc;
    return build_from_dump("-", NULL, NULL);
}
