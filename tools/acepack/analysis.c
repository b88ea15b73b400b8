/*
 * analysis.c - see analysis.h.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

/* See `patched` in analysis.h. */
static void open_patched(cli_analysis *a, const uint8_t *data, size_t size)
{
    const cli_layout *L = &a->L;
    if (!L->complete || size < L->header_size)
        return;
    a->copy = malloc(size);
    if (a->copy == NULL)
        return;
    memcpy(a->copy, data, size);
    memcpy(a->copy, cli_magic, 8);
    uint8_t *p = a->copy;
    p[8] = p[9] = p[10] = 0;
    p[11] = L->v1 ? 1 : 2;
    memset(p + 12, 0, 4); /* flags */
    if (!L->v1)
        memset(p + 48, 0, 8); /* evt_length 0: no events (R-EVT-2) */
    acepack_error e;
    memset(&e, 0, sizeof e);
    if (acepack_open(&a->rd_patched, a->copy, size, ACEPACK_COMPAT, &e) == ACEPACK_OK) {
        a->r = &a->rd_patched;
        a->r_profile = ACEPACK_COMPAT;
        a->patched = 1;
    } else {
        free(a->copy);
        a->copy = NULL;
    }
}

void cli_analysis_run(cli_analysis *a, const uint8_t *data, size_t size, acepack_profile preferred)
{
    memset(a, 0, sizeof *a);
    cli_layout_read(&a->L, data, size);
    for (int p = 0; p < 2; p++) {
        acepack_profile prof = (acepack_profile)p;
        a->open_status[p] = acepack_open(&a->rd[p], data, size, prof, &a->err[p]);
        if (a->open_status[p] == ACEPACK_OK)
            a->status[p] = cli_validate_opened(&a->rd[p], &a->err[p]);
        else
            a->status[p] = a->open_status[p];
    }
    acepack_profile order[2] = {preferred,
                                preferred == ACEPACK_STRICT ? ACEPACK_COMPAT : ACEPACK_STRICT};
    for (int k = 0; k < 2 && a->r == NULL; k++) {
        if (a->open_status[order[k]] == ACEPACK_OK) {
            a->r = &a->rd[order[k]];
            a->r_profile = order[k];
        }
    }
    if (a->r == NULL)
        open_patched(a, data, size);
    if (a->r == NULL)
        return;
    /* The table tells which compat duplicate counts.  A strict reader
     * refuses to build one for a file with duplicate keys (R-IDX-7): then
     * the compat reader's table describes the same index. */
    for (int k = 0; k < 2 && a->table_mem == NULL; k++) {
        const acepack_reader *tr = a->patched ? a->r : &a->rd[order[k]];
        if (!a->patched && a->open_status[order[k]] != ACEPACK_OK)
            continue;
        acepack_error e;
        memset(&e, 0, sizeof e);
        if (cli_table_build(&a->table, tr, &a->table_mem, &e) == ACEPACK_OK && tr != a->r) {
            /* is_current needs entries of the table's own reader: use that
             * reader for the structure too (same bytes, same index). */
            a->r = tr;
            a->r_profile = order[k];
        }
    }
    a->entries_ok =
        cli_entries_collect(a->r, a->table_mem ? &a->table : NULL, &a->entries) == ACEPACK_OK;
}

void cli_analysis_free(cli_analysis *a)
{
    cli_entries_free(&a->entries);
    free(a->table_mem);
    a->table_mem = NULL;
    free(a->copy);
    a->copy = NULL;
}
