/*
 * cmd_explain.c - `acepack explain`: an annotated map of a file, for the
 * implementer whose reader disagrees with a golden file.  It walks the
 * header, the regions and the tail in file order, showing each field's
 * offset, raw bytes, value and the rules that check it, and stops at the
 * first error of the chosen profile with the rule, the place and a hex dump
 * (explain.h describes the mechanism; explain_*.c the parts).
 */
#include <string.h>

#include "explain.h"
#include "commands.h"

static void put_verdict(const cli_analysis *a, acepack_profile p)
{
    const acepack_error *e = &a->err[p];
    printf("%-8s", p == ACEPACK_STRICT ? "strict:" : "compat:");
    if (a->status[p] == ACEPACK_OK)
        printf("valid\n");
    else
        printf("%s: %llu: %s: %s\n",
               a->status[p] == ACEPACK_UNSUPPORTED ? "unsupported" : "INVALID",
               (unsigned long long)e->offset, e->rule ? e->rule : acepack_status_name(e->status),
               e->message ? e->message : acepack_status_name(e->status));
}

static int explain(const cli_input *in, acepack_profile profile, int full)
{
    cli_analysis a;
    cli_analysis_run(&a, in->data, in->size, profile);
    ex_ctx x;
    memset(&x, 0, sizeof x);
    x.o.f = stdout;
    x.o.error_block = ex_error_block;
    x.o.error_ctx = &x;
    x.a = &a;
    x.L = &a.L;
    x.o.profile = profile;
    x.o.full = full;
    acepack_status st = a.status[profile];
    x.o.has_err =
        acepack_status_is_invalid(st) || (st == ACEPACK_UNSUPPORTED && a.err[profile].rule);
    if (x.o.has_err)
        x.o.err = a.err[profile];
    if (a.entries_ok)
        x.by_chunk_ok = cli_entries_copy_by_chunk(&a.entries, &x.by_chunk);

    printf("%-8s%s (%zu bytes)\n", "file:", in->name, in->size);
    put_verdict(&a, ACEPACK_STRICT);
    put_verdict(&a, ACEPACK_COMPAT);
    printf("map:    checked under %s; offsets in decimal; ok / BAD / n/a (a [strict] rule that\n"
           "        compat does not apply) per rule of spec/ACEPACK.md\n",
           cli_profile_name(profile));
    if (st != ACEPACK_OK && !x.o.has_err)
        printf("\n(%s: %s; the map below is complete)\n", acepack_status_name(st),
               a.err[profile].message ? a.err[profile].message : "no location");

    ex_blank(&x.o);
    ex_header(&x);
    ex_regions(&x);
    ex_finish(&x.o);
    if (st == ACEPACK_OK) {
        ex_blank(&x.o);
        printf("valid under %s.\n", cli_profile_name(profile));
    }

    cli_entries_free(&x.by_chunk);
    cli_analysis_free(&a);
    return cli_exit_code(st);
}

static int run_explain(const cli_command *self, int argc, char **argv)
{
    enum { EX_FULL = CLI_OPT_OWN };
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS, {"--full", 0, EX_FULL}};
    cli_args a;
    acepack_profile profile;
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 1, &a,
                                    &profile);
    if (rc >= 0)
        return rc;
    cli_input in;
    rc = cli_input_load(&in, a.pos[0]);
    if (rc == CLI_EXIT_OK)
        rc = explain(&in, profile, a.value[EX_FULL] != NULL);
    cli_input_free(&in);
    return rc;
}

const cli_command cli_cmd_explain = {
    "explain",
    "[--profile strict|compat] [--full] FILE",
    "an annotated byte map of a file that points at the first error",
    "Prints a map of FILE in file order, for finding out why a reader accepts or\n"
    "rejects it:\n"
    "\n"
    "  HEADER         every field: offset, size, name, raw bytes, decoded value and\n"
    "                 the rules that check it (ok, BAD, or n/a for a [strict] rule\n"
    "                 that the compat profile does not apply), with a note saying\n"
    "                 what is wrong for each failed rule;\n"
    "  CHUNK REGION   each chunk (offset, its length field against the index\n"
    "                 length, key, value) and the runs of dead space;\n"
    "  EVENT SECTION  the count, where each column starts (and whether pay_off is\n"
    "                 4-aligned, spec 3.3.2), the pad, pool_length, the pool and\n"
    "                 the first and last events;\n"
    "  INDEX          each member: offset, chunk offset, length, key;\n"
    "  TAIL           the bytes after the last region.\n"
    "\n"
    "For a file that the profile rejects, the map stops at the error with\n"
    "\n"
    "  >>> OFFSET: RULE-ID: message\n"
    "\n"
    "followed by what that byte belongs to and a hex dump of the 32 bytes around\n"
    "it, with a caret under the byte.  It works on files that fail early (bad\n"
    "magic, truncated header) by showing what is there.  Long lists show their\n"
    "first and last items and every item with a problem.\n"
    "\n"
    "options:\n"
    "  --profile P          strict (default) or compat; also --strict, --compat\n"
    "  --full               list every chunk, event and index member\n"
    "\n"
    "exit status: as `acepack validate`: 0 valid, 1 invalid, 2 usage or I/O\n"
    "error, 3 unsupported.\n",
    run_explain,
};
