/*
 * cmd_write.c - the writing subcommands of `acepack` (create, put, rm,
 * append, compact, migrate) and the adapter's `migrate` operation (`build`
 * and the adapter's `write` are in cmd_build.c).  Every command that changes
 * a store commits before it exits (spec 9.1); a store that does not validate
 * is refused with its validation error and left untouched (spec 13).
 */
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "cli.h"
#include "commands.h"

/* '-' names standard input for an input file; a store must be a file that
 * can be locked and replaced, so a writing command refuses '-' as its store
 * (a file of that name is reached as ./-). */
static int refuse_dash(const cli_command *self, const char *path)
{
    if (strcmp(path, "-") == 0)
        return cli_usage(self, "'-' (standard input) cannot be a store; use ./- for a file "
                               "named '-'");
    return CLI_EXIT_OK;
}

/* The store options of the writing commands, each a flag:
 *   --checksums (every writing command): flag bit 0, spec 3.8; a store whose
 *     file has the bit keeps it without the option (W-CRC-1);
 *   --segmented (every writing command): each commit appends one segment
 *     (spec 3.7, W-SEG-1); without it a segmented store becomes plain at the
 *     next commit (W-SEG-4).
 * Their ids are CLI_OPT_CHECKSUMS and CLI_OPT_SEGMENTED (cli.h); a command
 * with options of its own numbers them from CLI_OPT_STORE_OWN on. */

typedef struct store_flags {
    int checksums, segmented;
} store_flags;

static store_flags store_flags_of(const cli_args *a)
{
    store_flags f;
    f.checksums = a->value[CLI_OPT_CHECKSUMS] != NULL;
    f.segmented = a->value[CLI_OPT_SEGMENTED] != NULL;
    return f;
}

static int open_store(const char *path, unsigned flags, store_flags sf, acepack_store **s)
{
    acepack_error e;
    acepack_store_options o;
    memset(&e, 0, sizeof e);
    memset(&o, 0, sizeof o);
    o.checksums = sf.checksums;
    o.segmented = sf.segmented;
    if (acepack_store_open(path, flags, &o, s, &e) != ACEPACK_OK)
        return cli_report_writer(path, &e);
    return CLI_EXIT_OK;
}

/* The store is closed even when the operation that writes it failed (the
 * lock must go); the exit code is that of the first error of the two. */
static int close_after(const char *path, acepack_store *s, acepack_status st, acepack_error *e)
{
    int rc = st == ACEPACK_OK ? CLI_EXIT_OK : cli_report_writer(path, e);
    if (acepack_store_close(s, e) != ACEPACK_OK && rc == CLI_EXIT_OK)
        rc = cli_report_writer(path, e);
    return rc;
}

static int commit_close(const char *path, acepack_store *s)
{
    acepack_error e;
    memset(&e, 0, sizeof e);
    return close_after(path, s, acepack_store_commit(s, &e), &e);
}

/* For the commands that take only positional arguments, the first of them
 * naming the store.  @return -1 to go on (*s open), else the exit code. */
static int parse_and_open(const cli_command *self, int argc, char **argv, int min_pos, int max_pos,
                          unsigned flags, cli_args *a, acepack_store **s)
{
    static const cli_option opts[] = {CLI_CHECKSUMS_OPTION, CLI_SEGMENTED_OPTION};
    int rc =
        cli_parse_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], min_pos, max_pos, a);
    if (rc >= 0)
        return rc;
    if ((rc = refuse_dash(self, a->pos[0])) != CLI_EXIT_OK)
        return rc;
    *s = NULL;
    rc = open_store(a->pos[0], flags, store_flags_of(a), s);
    return rc == CLI_EXIT_OK ? -1 : rc;
}

/* The input is read before the store is opened, so that an unreadable input
 * leaves no store created for nothing.  @return 0 (both ready) or the exit
 * code (then nothing is left to free or close). */
static int load_and_open(const char *input, const char *path, store_flags sf, cli_input *in,
                         acepack_store **s)
{
    cli_winput w;
    int rc = cli_winput_open(&w, input, path);
    if (rc != CLI_EXIT_OK)
        return rc;
    rc = cli_winput_load(&w, in);
    cli_winput_close(&w);
    if (rc != CLI_EXIT_OK)
        return rc;
    *s = NULL;
    rc = open_store(path, ACEPACK_STORE_CREATE, sf, s);
    if (rc != CLI_EXIT_OK)
        cli_input_free(in);
    return rc;
}

/* ---- create ---- */

static int run_create(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    acepack_store *s;
    int rc = parse_and_open(self, argc, argv, 1, 1, ACEPACK_STORE_CREATE, &a, &s);
    if (rc >= 0)
        return rc;
    return commit_close(a.pos[0], s);
}

const cli_command cli_cmd_create = {
    "create",
    "[--checksums] [--segmented] FILE",
    "create an empty store (or open an existing one, which is validated)",
    "--checksums (here and in put, rm, append, compact): the store gets flag bit\n"
    "0 and the CRC32C of its header and regions (spec 3.8), kept up to date on\n"
    "every commit; a store that has the bit keeps it without the option.\n"
    "--segmented (likewise): each commit appends one segment (spec 3.7, flag bit\n"
    "16, which spec 1.0 readers reject); without it a segmented store becomes\n"
    "plain at its next commit (W-SEG-4).\n"
    "Creates FILE as the canonical empty store (spec 8.3, 138 bytes) when it does\n"
    "not exist: written to a temporary file in the same directory, made durable,\n"
    "then linked to FILE (never replacing a file that appeared meanwhile).  An\n"
    "existing FILE is opened for writing instead: it must validate (strict, full),\n"
    "and a v1 file is migrated to v2 (spec 10).  Exit 2 when another writer holds\n"
    "the lock (W-LOCK-1).\n",
    run_create,
};

/* ---- put ---- */

static int run_put(const cli_command *self, int argc, char **argv)
{
    static const cli_option opts[] = {CLI_CHECKSUMS_OPTION, CLI_SEGMENTED_OPTION};
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 2, 3, &a);
    if (rc >= 0)
        return rc;
    if ((rc = refuse_dash(self, a.pos[0])) != CLI_EXIT_OK)
        return rc;
    /* The input is opened before the store, so that a missing input leaves
     * no store created for nothing; it is then streamed into the store file
     * (acepack_store_put_stream: memory independent of the value's size). */
    cli_winput w;
    if ((rc = cli_winput_open(&w, a.npos > 2 ? a.pos[2] : "-", a.pos[0])) != CLI_EXIT_OK)
        return rc;
    acepack_store *s = NULL;
    if ((rc = open_store(a.pos[0], ACEPACK_STORE_CREATE, store_flags_of(&a), &s)) != CLI_EXIT_OK) {
        cli_winput_close(&w);
        return rc;
    }
    acepack_error e;
    memset(&e, 0, sizeof e);
    const char *key = a.pos[1];
    acepack_status st = acepack_store_put_stream(s, key, strlen(key), cli_winput_read, &w, &e);
    if (st == ACEPACK_CALLBACK) {
        rc = cli_winput_failed(&w);
        acepack_store_close(s, NULL);
    } else if (st == ACEPACK_IO) {
        rc = cli_report_writer(a.pos[0], &e);
        acepack_store_close(s, NULL);
    } else if (st != ACEPACK_OK) {
        fprintf(stderr, "%s: key '%s': %s%s%s\n", a.pos[0], key, e.rule ? e.rule : "",
                e.rule ? ": " : "", e.message ? e.message : "");
        rc = cli_exit_code(e.status);
        acepack_store_close(s, NULL);
    } else {
        rc = commit_close(a.pos[0], s);
    }
    cli_winput_close(&w);
    return rc;
}

const cli_command cli_cmd_put = {
    "put",
    "[--checksums] [--segmented] FILE KEY [VALUEFILE|-]",
    "set a key to the bytes of a file (or stdin) and commit",
    "Sets KEY (UTF-8, W-IDX-2) to the bytes of VALUEFILE (standard input when it\n"
    "is '-' or absent) in the store FILE, created when it does not exist, and\n"
    "commits (spec 9.1).  VALUEFILE is opened and read once, in pieces, straight\n"
    "into the store file (a FIFO, a device or a /proc file works; memory does not\n"
    "grow with the value).  Exit 2 when VALUEFILE is the store itself or changes\n"
    "size while it is read (W-COMMIT-7).  FILE cannot be '-' (exit 2); a symbolic\n"
    "link is followed to its target (W-COMMIT-6).\n",
    run_put,
};

/* ---- rm ---- */

static int run_rm(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    acepack_store *s;
    int rc = parse_and_open(self, argc, argv, 2, 2, 0, &a, &s);
    if (rc >= 0)
        return rc;
    acepack_error e;
    memset(&e, 0, sizeof e);
    const char *key = a.pos[1];
    acepack_status st = acepack_store_delete(s, key, strlen(key), &e);
    if (st != ACEPACK_OK) {
        fprintf(stderr, "%s: key '%s': %s\n", a.pos[0], key,
                st == ACEPACK_NOT_FOUND ? "no such key" : (e.message ? e.message : ""));
        acepack_store_close(s, NULL);
        return cli_exit_code(st);
    }
    return commit_close(a.pos[0], s);
}

const cli_command cli_cmd_rm = {
    "rm",
    "[--checksums] [--segmented] FILE KEY",
    "delete a key and commit",
    "Deletes KEY from the store FILE and commits.  Exit 1 when there is no such\n"
    "key.\n",
    run_rm,
};

/* ---- append ---- */

static int run_append(const cli_command *self, int argc, char **argv)
{
    enum { AP_TS = CLI_OPT_STORE_OWN, AP_KIND, AP_SOURCE, AP_FLAGS };
    static const cli_option opts[] = {{"--ts", 1, AP_TS},         {"--kind", 1, AP_KIND},
                                      {"--source", 1, AP_SOURCE}, {"--flags", 1, AP_FLAGS},
                                      CLI_CHECKSUMS_OPTION,       CLI_SEGMENTED_OPTION};
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 2, &a);
    if (rc >= 0)
        return rc;
    uint64_t ts = 0, kind = 0, source = 0, flags = 0;
    /* In this order: the first missing or malformed one is reported. */
    const struct {
        int id;
        const char *name;
        int required;
        uint64_t max, *v;
    } fields[] = {{AP_TS, "--ts", 1, UINT64_MAX, &ts},
                  {AP_KIND, "--kind", 1, UINT32_MAX, &kind},
                  {AP_SOURCE, "--source", 1, UINT32_MAX, &source},
                  {AP_FLAGS, "--flags", 0, UINT32_MAX, &flags}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *given = a.value[fields[i].id];
        if (given == NULL) {
            if (fields[i].required)
                return cli_usage(self, "%s is required", fields[i].name);
            continue;
        }
        /* Range checks are the writer's (W-EVT-2): only the syntax here.  A
         * decimal integer of any size is syntax; one too large for the field
         * is clamped to a value the writer refuses, so that every
         * out-of-range value gets the same exit 1 and W-EVT-2. */
        if (!cli_parse_u64_clamped(given, fields[i].max, fields[i].v))
            return cli_usage(self, "%s needs a decimal integer, not '%s'", fields[i].name, given);
    }
    if ((rc = refuse_dash(self, a.pos[0])) != CLI_EXIT_OK)
        return rc;
    cli_input in;
    acepack_store *s;
    rc = load_and_open(a.npos > 1 ? a.pos[1] : "-", a.pos[0], store_flags_of(&a), &in, &s);
    if (rc != CLI_EXIT_OK)
        return rc;
    acepack_error e;
    memset(&e, 0, sizeof e);
    uint64_t id = 0;
    if (acepack_store_append(s, ts, (uint32_t)kind, (uint32_t)source, (uint32_t)flags, in.data,
                             in.size, &id, &e) != ACEPACK_OK) {
        rc = cli_report_content(a.pos[0], &e);
        acepack_store_close(s, NULL);
    } else {
        rc = commit_close(a.pos[0], s);
        if (rc == CLI_EXIT_OK)
            printf("%llu\n", (unsigned long long)id);
    }
    cli_input_free(&in);
    return rc;
}

const cli_command cli_cmd_append = {
    "append",
    "[--checksums] [--segmented] FILE --ts T --kind K --source S [--flags F] [PAYLOADFILE|-]",
    "append an event and commit; prints its id",
    "Appends an event to the store FILE (created when it does not exist) and\n"
    "commits, then prints the new event's id (R-EVT-10).  The payload is the\n"
    "bytes of PAYLOADFILE (standard input when '-' or absent), written unchanged;\n"
    "it must be a JSON object text (R-PAY-1..3, W-EVT-4).  T must be at most\n"
    "2^53-1, K, S and F (default 0) at most 255 (W-EVT-2): a decimal integer\n"
    "beyond that, of any size, is refused with exit 1 and a W-EVT-2 diagnostic;\n"
    "a value that is not a decimal integer (a sign, a space, empty) is a usage\n"
    "error, exit 2.  FILE cannot be '-' (exit 2).  --segmented: the commit\n"
    "appends one segment (spec 3.7, flag bit 16, which spec 1.0 readers reject)\n"
    "instead of rewriting the event section; without it a segmented store is\n"
    "compacted to a plain file (W-SEG-4).\n",
    run_append,
};

/* ---- compact ---- */

static int run_compact(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    acepack_store *s;
    int rc = parse_and_open(self, argc, argv, 1, 1, 0, &a, &s);
    if (rc >= 0)
        return rc;
    acepack_error e;
    memset(&e, 0, sizeof e);
    return close_after(a.pos[0], s, acepack_store_compact(s, &e), &e);
}

const cli_command cli_cmd_compact = {
    "compact",
    "[--checksums] [--segmented] FILE",
    "rewrite a store in canonical form (no dead space)",
    "Rewrites the store FILE as the canonical file of its content (spec 8.3):\n"
    "written to a temporary file in the same directory, made durable, locked and\n"
    "renamed over FILE, then the directory is made durable (W-COMPACT-1).\n",
    run_compact,
};

/* ---- migrate ---- */

typedef struct key_list {
    uint8_t **keys;
    size_t *lens;
    size_t n;
} key_list;

static void collect_key(void *ctx, const uint8_t *key, size_t len)
{
    key_list *k = ctx;
    uint8_t **nk = realloc(k->keys, (k->n + 1) * sizeof *nk);
    size_t *nl = realloc(k->lens, (k->n + 1) * sizeof *nl);
    if (nk)
        k->keys = nk;
    if (nl)
        k->lens = nl;
    uint8_t *copy = malloc(len ? len : 1);
    if (!nk || !nl || !copy) {
        free(copy);
        return; /* the report just lists fewer keys */
    }
    if (len)
        memcpy(copy, key, len);
    k->keys[k->n] = copy;
    k->lens[k->n] = len;
    k->n++;
}

/* The M-10 report as one JSON line (the members and layout pyacepack uses). */
static void print_cli_report_writer(const acepack_migrate_report *r, const key_list *k)
{
    printf("{\"events_from_entries\": %llu, \"gap_events\": %llu, \"malformed_entries\": [",
           (unsigned long long)r->events_from_entries, (unsigned long long)r->gap_events);
    for (size_t i = 0; i < k->n; i++) {
        if (i)
            fputs(", ", stdout);
        cli_put_json_string(stdout, k->keys[i], k->lens[i]);
    }
    printf("], \"log_entry_seq_consumed\": %s, \"evt_base_id\": %llu, \"events\": %llu}\n",
           r->log_entry_seq_consumed ? "true" : "false", (unsigned long long)r->evt_base_id,
           (unsigned long long)r->events);
}

static int run_migrate(const cli_command *self, int argc, char **argv)
{
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS};
    cli_args a;
    acepack_migrate_options o;
    memset(&o, 0, sizeof o);
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 2, &a,
                                    &o.profile);
    if (rc >= 0)
        return rc;
    if ((rc = refuse_dash(self, a.pos[0])) != CLI_EXIT_OK ||
        (a.npos > 1 && (rc = refuse_dash(self, a.pos[1])) != CLI_EXIT_OK))
        return rc;
    key_list keys = {NULL, NULL, 0};
    o.malformed_key = collect_key;
    o.malformed_ctx = &keys;
    acepack_migrate_report rep;
    acepack_error e;
    memset(&e, 0, sizeof e);
    if (acepack_migrate_path(a.pos[0], a.npos > 1 ? a.pos[1] : NULL, &o, &rep, &e) != ACEPACK_OK) {
        rc = cli_report_writer(a.pos[0], &e);
    } else {
        print_cli_report_writer(&rep, &keys);
        rc = CLI_EXIT_OK;
    }
    for (size_t i = 0; i < keys.n; i++)
        free(keys.keys[i]);
    free(keys.keys);
    free(keys.lens);
    return rc;
}

const cli_command cli_cmd_migrate = {
    "migrate",
    "[--strict|--compat|--profile P] FILE [OUT]",
    "migrate a v1 file to v2 (in place, or to OUT) and print the report",
    "Migrates the v1 file FILE to the canonical v2 file of the same content\n"
    "(spec 10): the event log moves from core/log/ keys into the event section with\n"
    "ids preserved (evt_base_id and gap events), malformed entries stay keys.\n"
    "Without OUT, FILE is replaced in place (under the writer lock); with OUT,\n"
    "FILE is not touched.  Either way the new file is written to a temporary file,\n"
    "made durable and renamed (M-2); an existing OUT must not be locked by another\n"
    "writer (exit 2, W-LOCK-1) and is unchanged by any failure (W-COMMIT-9).\n"
    "Symbolic links are followed (W-COMMIT-6); FILE and OUT cannot be '-'.\n"
    "FILE must validate under the profile\n"
    "(strict by default, M-1).  Prints the report (M-10) as one JSON line:\n"
    "events_from_entries, gap_events, malformed_entries (the keys), \n"
    "log_entry_seq_consumed, evt_base_id, events.  Exit 1 when the result cannot\n"
    "be represented (M-8), exit 3 when it exceeds the gap-event limit of this\n"
    "implementation (max(1048576, 16 x entries), M-8).\n",
    run_migrate,
};

/* ---- adapter migrate ---- */

int cli_adapter_migrate(const cli_command *self, int argc, char **argv)
{
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS};
    cli_args a;
    acepack_migrate_options o;
    memset(&o, 0, sizeof o);
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 0, 0, &a,
                                    &o.profile);
    if (rc >= 0)
        return rc;
    cli_input in;
    if ((rc = cli_input_load(&in, "-")) != 0)
        return rc;
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st =
        acepack_migrate_bytes(in.data, in.size, &o, cli_write_file, stdout, NULL, &e);
    if (st == ACEPACK_CALLBACK)
        rc = CLI_EXIT_USAGE;
    else if (st != ACEPACK_OK)
        rc = cli_report_writer("<stdin>", &e);
    cli_input_free(&in);
    return rc;
}
