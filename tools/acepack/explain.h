/*
 * explain.h - `acepack explain` above its output layer (explain_out.h): the
 * header and region printers (explain_header.c, explain_regions.c), the
 * error block and locator (explain_error.c), driven by cmd_explain.c.
 *
 * The header is one fixed structure and is always shown whole, so an error
 * inside it is pointed at after it.
 */
#ifndef ACEPACK_CLI_EXPLAIN_H
#define ACEPACK_CLI_EXPLAIN_H

#include "analysis.h"
#include "explain_out.h"

typedef struct ex_ctx {
    ex_out o;
    const cli_analysis *a;
    const cli_layout *L;
    cli_entries by_chunk; /* current and superseded members, by chunk offset */
    int by_chunk_ok;
} ex_ctx;

/* One event of the section as a listing row (explain_regions.c); needs
 * L->cols_fit and i < L->n. */
void ex_event_row(ex_ctx *x, uint32_t i);
void ex_event_row_heading(ex_ctx *x);

/* Region printers, in file order (explain_header.c, explain_regions.c,
 * explain_segments.c: the segment table of flag bit 16, spec 3.7). */
void ex_header(ex_ctx *x);
void ex_regions(ex_ctx *x);
void ex_segment_table(ex_ctx *x);

/* The segment table as the raw bytes say (explain_segments.c): S when the
 * file is segmented and the table lies in the file with a valid S (R-SEG-1),
 * else 0; entry k < S's segment_offset and segment_length (unchecked); and
 * the first entry whose segment holds byte `off` (1, with k and its start). */
int ex_segment_at(const cli_layout *L, uint64_t off, uint64_t *k, uint64_t *start);

/* Header field names, for ex_locate (explain_header.c).  @return the name
 * of the field holding byte `off` of the header, and its start. */
const char *ex_header_field_at(const cli_layout *L, uint64_t off, uint64_t *start, uint64_t *size);

/* explain_error.c: prints, without a newline, what the byte at `off`
 * belongs to; and the error block (ctx is the ex_ctx: ex_out.error_block). */
void ex_locate(ex_ctx *x, uint64_t off);
void ex_error_block(void *ctx);

#endif /* ACEPACK_CLI_EXPLAIN_H */
