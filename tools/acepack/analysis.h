/*
 * analysis.h - everything `info` and `explain` find out about a file: the
 * raw layout, the verdict of each profile, and (when some profile can open
 * the file) the index members and the key table.
 */
#ifndef ACEPACK_CLI_ANALYSIS_H
#define ACEPACK_CLI_ANALYSIS_H

#include "layout.h"

typedef struct cli_analysis {
    cli_layout L;

    /* Per profile (indexed by acepack_profile): acepack_open's status, then
     * the full verdict (open + validate) with its error. */
    acepack_status open_status[2];
    acepack_status status[2];
    acepack_error err[2];
    acepack_reader rd[2];

    /* The reader used to describe the file's structure: the preferred
     * profile's when it opens, else the other one's.  When neither opens,
     * a compat reader of a patched copy (see `patched`); NULL when even
     * that fails. */
    const acepack_reader *r;
    acepack_profile r_profile;

    /* 1 when r reads a copy of the file whose header was patched (magic,
     * version, flags fixed, event section emptied: evt_length 0 means "no
     * events" in compat, R-EVT-2) so that the index members and chunks of a
     * file rejected for another reason can still be listed.  Such a reader
     * only describes where things are: it says nothing about events and is
     * no verdict. */
    int patched;
    uint8_t *copy;
    acepack_reader rd_patched;

    acepack_table table; /* valid when table_mem != NULL */
    void *table_mem;
    cli_entries entries; /* members of r's index, in file order */
    int entries_ok;      /* 0 when there is no reader or memory ran out */
} cli_analysis;

/* Analyses the bytes (which must outlive the analysis).  `preferred` picks
 * the reader when both profiles open the file. */
void cli_analysis_run(cli_analysis *a, const uint8_t *data, size_t size, acepack_profile preferred);
void cli_analysis_free(cli_analysis *a);

#endif /* ACEPACK_CLI_ANALYSIS_H */
