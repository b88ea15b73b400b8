/*
 * cmd_ls_get.c - `acepack ls` (the keys and their value lengths) and
 * `acepack get` (one value, raw bytes).
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/common/bytes.h"
#include "cli.h"
#include "commands.h"

/* ---- ls ---- */

static int list_keys(cli_store *s, int sorted)
{
    cli_entries es;
    if (cli_entries_collect(&s->r, &s->table, &es) != ACEPACK_OK) {
        cli_report_msg(s->in.name, "out of memory listing %llu keys (unsupported)",
                       (unsigned long long)s->r.entry_count);
        return CLI_EXIT_UNSUPPORTED;
    }
    if (sorted)
        cli_entries_sort_by_key(&es);
    uint8_t *buf = NULL;
    size_t cap = 0;
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < es.n; i++) {
        const cli_entry *c = &es.v[i];
        if (!c->current) /* a compat duplicate superseded by a later member (R-IDX-12) */
            continue;
        size_t len = 0;
        acepack_key_decode(&c->e, NULL, 0, &len);
        if (len > cap) {
            uint8_t *nb = realloc(buf, len);
            if (nb == NULL) {
                cli_report_msg(s->in.name, "out of memory for a key of %zu bytes", len);
                rc = CLI_EXIT_UNSUPPORTED;
                break;
            }
            buf = nb;
            cap = len;
        }
        acepack_key_decode(&c->e, buf, cap, &len);
        cli_put_display(stdout, buf, len, SIZE_MAX);
        printf("\t%llu\n", (unsigned long long)c->e.value_length);
    }
    free(buf);
    cli_entries_free(&es);
    return rc;
}

static int run_ls(const cli_command *self, int argc, char **argv)
{
    enum { LS_SORTED = CLI_OPT_OWN };
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS, {"--sorted", 0, LS_SORTED}};
    cli_args a;
    acepack_profile profile;
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 1, &a,
                                    &profile);
    if (rc >= 0)
        return rc;
    cli_store s;
    rc = cli_store_open(&s, a.pos[0], profile);
    if (rc == CLI_EXIT_OK)
        rc = cli_store_table(&s);
    if (rc == CLI_EXIT_OK)
        rc = list_keys(&s, a.value[LS_SORTED] != NULL);
    cli_store_close(&s);
    return rc;
}

const cli_command cli_cmd_ls = {
    "ls",
    "[--strict|--compat|--profile P] [--sorted] FILE",
    "list the keys of a file with their value lengths",
    "Validates FILE fully under the profile (strict by default), then prints one\n"
    "line per key: the decoded key, a TAB, the value length in bytes.  Keys are in\n"
    "index order (the order of the members in the file's JSON index), or with\n"
    "--sorted in the order of the conformance dump (UTF-8 bytes, D-6).  In compat a\n"
    "key that occurs several times in the index is listed once (the last member\n"
    "counts, R-IDX-12).\n"
    "\n"
    "Keys are shown for a terminal: `\\` as `\\\\`, line feed, tab and carriage\n"
    "return as `\\n`, `\\t`, `\\r`, NUL as `\\0`, other control bytes as `\\xHH`\n"
    "and C1 controls as `\\u00HH`; everything else as UTF-8.\n"
    "\n"
    "options:\n"
    "  --strict, --compat, --profile P   the reader profile (default strict)\n"
    "  --sorted             sort by key bytes instead of index order\n"
    "\n"
    "exit status: 0 listed, 1 invalid file, 2 usage or I/O error, 3 unsupported.\n",
    run_ls,
};

/* ---- get ---- */

/* Decodes an even number of hex digits in place-free fashion into a new
 * buffer.  @return NULL when `hex` is not hex (or out of memory). */
static uint8_t *decode_hex(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2u != 0)
        return NULL;
    uint8_t *out = malloc(n / 2u + 1u);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i += 2) {
        int hi = ap_hex_value((uint8_t)hex[i]), lo = ap_hex_value((uint8_t)hex[i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i / 2u] = (uint8_t)(hi * 16 + lo);
    }
    *len = n / 2u;
    return out;
}

static int run_get(const cli_command *self, int argc, char **argv)
{
    enum { GET_KEY_HEX = CLI_OPT_OWN };
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS, {"--key-hex", 1, GET_KEY_HEX}};
    cli_args a;
    acepack_profile profile;
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 2, &a,
                                    &profile);
    if (rc >= 0)
        return rc;
    const char *key_hex = a.value[GET_KEY_HEX];
    if ((key_hex == NULL && a.npos != 2) || (key_hex != NULL && a.npos != 1))
        return cli_usage(self, "give FILE and KEY, or --key-hex HEX and FILE");

    uint8_t *key = NULL;
    size_t key_len = 0;
    if (key_hex != NULL) {
        key = decode_hex(key_hex, &key_len);
        if (key == NULL)
            return cli_usage(self, "--key-hex needs an even number of hex digits");
    }
    const uint8_t *k = key ? key : (const uint8_t *)a.pos[1];
    if (key == NULL)
        key_len = strlen(a.pos[1]);

    cli_store s;
    rc = cli_store_open(&s, a.pos[0], profile);
    if (rc == CLI_EXIT_OK)
        rc = cli_store_table(&s);
    if (rc == CLI_EXIT_OK) {
        acepack_span v;
        if (acepack_table_get(&s.table, k, key_len, &v) == ACEPACK_OK) {
            if (v.len > 0)
                fwrite(v.ptr, 1, v.len, stdout);
        } else {
            fprintf(stderr, "%s: key not found: ", s.in.name);
            cli_put_display(stderr, k, key_len, SIZE_MAX);
            fputc('\n', stderr);
            rc = CLI_EXIT_INVALID;
        }
    }
    cli_store_close(&s);
    free(key);
    return rc;
}

const cli_command cli_cmd_get = {
    "get",
    "[--strict|--compat|--profile P] FILE KEY | --key-hex HEX FILE",
    "print the value of one key (raw bytes)",
    "Validates FILE fully under the profile (strict by default) and writes the\n"
    "value bytes of KEY to stdout, unchanged (no newline is added).  KEY is\n"
    "compared with the decoded keys of the index (escapes resolved), byte for\n"
    "byte.  A key that contains bytes a command line cannot carry (NUL) can be\n"
    "given in hex with --key-hex (e.g. --key-hex 6100 for \"a\\0\").  Put `--`\n"
    "before a KEY that starts with '-' (acepack get FILE -- -1).\n"
    "\n"
    "options:\n"
    "  --strict, --compat, --profile P   the reader profile (default strict)\n"
    "  --key-hex HEX        the key as hex digits instead of the KEY argument\n"
    "\n"
    "A missing key is reported as `FILE: key not found: KEY` on stderr, exit 1:\n"
    "like grep, \"nothing found\" is the same exit status as \"invalid\"; the stderr\n"
    "text tells the two apart (an invalid file gives FILE:OFFSET: RULE-ID: ...).\n"
    "\n"
    "exit status: 0 found, 1 key not found or invalid file, 2 usage or I/O error,\n"
    "3 unsupported.\n",
    run_get,
};
