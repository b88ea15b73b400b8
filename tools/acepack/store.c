/*
 * store.c - opening a file the way every subcommand needs it: the full
 * validation of spec 7.2 (acepack_open + every acepack_validate check, with
 * all the workspace the library asks for, so no check is ever skipped), and
 * the key lookup table.  Heap memory is the tool's business; the library
 * only ever sees caller buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

acepack_status cli_validate_bytes(acepack_reader *r, const uint8_t *data, size_t size,
                                  acepack_profile profile, acepack_error *err)
{
    acepack_status s = acepack_open(r, data, size, profile, err);
    if (s != ACEPACK_OK)
        return s;
    return cli_validate_opened(r, err);
}

acepack_status cli_validate_opened(const acepack_reader *r, acepack_error *err)
{
    size_t need = 0;
    acepack_status s = acepack_validate_workspace_size(r, ACEPACK_CHECK_ALL, &need);
    if (s != ACEPACK_OK) {
        cli_error_nomem(err, "the validation workspace does not fit in memory");
        return ACEPACK_UNSUPPORTED;
    }
    void *ws = NULL;
    if (need > 0) {
        ws = malloc(need);
        if (ws == NULL) {
            cli_error_nomem(err, "out of memory for the validation workspace");
            return ACEPACK_UNSUPPORTED;
        }
    }
    s = acepack_validate(r, ACEPACK_CHECK_ALL, ws, need, err);
    free(ws);
    if (s == ACEPACK_NOMEM) { /* we gave what it asked for: a library bug */
        cli_error_nomem(err, "the validation workspace was refused");
        return ACEPACK_UNSUPPORTED;
    }
    return s;
}

acepack_status cli_table_build(acepack_table *t, const acepack_reader *r, void **mem,
                               acepack_error *err)
{
    *mem = NULL;
    size_t need = 0;
    if (acepack_table_size(r, &need) != ACEPACK_OK) {
        cli_error_nomem(err, "the key table does not fit in memory");
        return ACEPACK_UNSUPPORTED;
    }
    void *m = malloc(need);
    if (m == NULL) {
        cli_error_nomem(err, "out of memory for the key table");
        return ACEPACK_UNSUPPORTED;
    }
    acepack_status s = acepack_table_build(t, r, m, need, err);
    if (s != ACEPACK_OK) {
        free(m);
        return s;
    }
    *mem = m;
    return ACEPACK_OK;
}

int cli_store_open(cli_store *s, const char *arg, acepack_profile profile)
{
    memset(s, 0, sizeof *s);
    s->profile = profile;
    int rc = cli_input_load(&s->in, arg);
    if (rc != CLI_EXIT_OK)
        return rc;
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = cli_validate_bytes(&s->r, s->in.data, s->in.size, profile, &e);
    if (st != ACEPACK_OK) {
        cli_report(s->in.name, &e);
        return cli_exit_code(st);
    }
    return CLI_EXIT_OK;
}

int cli_store_table(cli_store *s)
{
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = cli_table_build(&s->table, &s->r, &s->table_mem, &e);
    if (st != ACEPACK_OK) {
        cli_report(s->in.name, &e);
        return cli_exit_code(st);
    }
    return CLI_EXIT_OK;
}

void cli_store_close(cli_store *s)
{
    free(s->table_mem);
    cli_input_free(&s->in);
    memset(s, 0, sizeof *s);
}

uint8_t *cli_key_dup(const acepack_entry *e, size_t *len)
{
    size_t need = 0;
    acepack_key_decode(e, NULL, 0, &need);
    uint8_t *buf = malloc(need ? need : 1u);
    if (buf == NULL)
        return NULL;
    if (acepack_key_decode(e, buf, need, &need) != ACEPACK_OK) {
        free(buf);
        return NULL;
    }
    *len = need;
    return buf;
}
