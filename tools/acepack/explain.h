/*
 * explain.h - shared state of `acepack explain` (cmd_explain.c and the
 * explain_*.c files).
 *
 * The map is printed in file order.  Every map line starts at a file
 * offset; ex_line() lets a line through only while that offset is at or
 * before the error being explained.  The first line past the error prints
 * the error block instead (`>>> OFFSET: RULE-ID: message`, where it is, and
 * a hex dump with a caret) and ends the map: what follows an error cannot
 * be trusted.  The header is the exception: it is one fixed structure and
 * is always shown whole, so an error inside it is pointed at after it.
 */
#ifndef ACEPACK_CLI_EXPLAIN_H
#define ACEPACK_CLI_EXPLAIN_H

#include <stdarg.h>

#include "analysis.h"

typedef struct ex_ctx {
    FILE *f;
    const cli_analysis *a;
    const cli_layout *L;
    acepack_profile profile; /* the profile being explained */
    int full;                /* --full: list every chunk, event and member */

    int has_err;        /* the profile's verdict is an error at err.offset */
    acepack_error err;
    int stopped;        /* the error block was printed: the map is over */
    int blank;          /* the last line printed was empty */

    cli_entries by_chunk; /* current and superseded members, by chunk offset */
    int by_chunk_ok;
} ex_ctx;

/* May a map line starting at `off` be printed?  Prints the error block
 * (once) when `off` is past the error. */
int ex_line(ex_ctx *x, uint64_t off);

/* Ends a region with an empty line (only one in a row). */
void ex_blank(ex_ctx *x);

/* Prints the error block if the map ended before reaching the error. */
void ex_finish(ex_ctx *x);

/* Prints, without a newline, what the byte at `off` belongs to. */
void ex_locate(ex_ctx *x, uint64_t off);

/* Should item i of n be listed (first and last few, unless --full)? */
int ex_shown(const ex_ctx *x, uint64_t i, uint64_t n, uint64_t few);

/* A rule checked on one map line. */
#define EX_MAX_CHECKS 4
typedef struct ex_checks {
    int n;
    struct {
        const char *rule;
        int strict_only; /* a [strict] rule: not applied in compat */
        int ok;
        char why[200];   /* for a failed check */
    } c[EX_MAX_CHECKS];
} ex_checks;

void ex_checks_init(ex_checks *cs);
/* Records a check; `fmt` explains a failure (used only when !ok). */
void ex_check(ex_checks *cs, const char *rule, int strict_only, int ok, const char *fmt, ...)
    CLI_PRINTF(5, 6);
/* Does any check fail under the explained profile? */
int ex_checks_bad(const ex_ctx *x, const ex_checks *cs);
/* Prints the check column ("R-LAY-1 ok  R-LAY-5 BAD"; compact: "ok" when
 * all pass), the newline, then one note line per failed check. */
void ex_put_checks(ex_ctx *x, const ex_checks *cs, int compact);
/* The check column alone, and the note lines alone. */
void ex_checks_text(const ex_ctx *x, const ex_checks *cs, int compact, char *buf, size_t cap);
void ex_put_notes(ex_ctx *x, const ex_checks *cs);

/* One event of the section as a listing row (explain_regions.c); needs
 * L->cols_fit and i < L->n. */
void ex_event_row(ex_ctx *x, uint32_t i);
void ex_event_row_heading(ex_ctx *x);

/* Region printers, in file order (explain_header.c, explain_regions.c). */
void ex_header(ex_ctx *x);
void ex_regions(ex_ctx *x);

/* Header field names, for ex_locate (explain_header.c).  @return the name
 * of the field holding byte `off` of the header, and its start. */
const char *ex_header_field_at(const cli_layout *L, uint64_t off, uint64_t *start,
                               uint64_t *size);

#endif /* ACEPACK_CLI_EXPLAIN_H */
