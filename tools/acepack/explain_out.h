/*
 * explain_out.h - the output layer of `acepack explain` (explain_out.c).
 *
 * The map is printed in file order.  Every map line starts at a file
 * offset; ex_line() lets a line through only while that offset is at or
 * before the error being explained.  The first line past the error prints
 * the error block instead (through ex_out.error_block) and ends the map:
 * what follows an error cannot be trusted.  This layer knows nothing of the
 * file's regions.
 */
#ifndef ACEPACK_CLI_EXPLAIN_OUT_H
#define ACEPACK_CLI_EXPLAIN_OUT_H

#include <stdarg.h>

#include "cli.h"

typedef struct ex_out {
    FILE *f;
    acepack_profile profile; /* the profile being explained */
    int full;                /* --full: list every chunk, event and member */

    int has_err; /* the profile's verdict is an error at err.offset */
    acepack_error err;
    int stopped; /* the error block was printed: the map is over */
    int blank;   /* the last line printed was empty */

    void (*error_block)(void *ctx); /* prints the error block */
    void *error_ctx;
} ex_out;

/* May a map line starting at `off` be printed?  Prints the error block
 * (once) when `off` is past the error. */
int ex_line(ex_out *x, uint64_t off);

/* Ends a region with an empty line (only one in a row). */
void ex_blank(ex_out *x);

/* Prints the error block if the map ended before reaching the error. */
void ex_finish(ex_out *x);

/* Should item i of n be listed (first and last few, unless --full)? */
int ex_shown(const ex_out *x, uint64_t i, uint64_t n, uint64_t few);

/* A rule checked on one map line. */
#define EX_MAX_CHECKS 5 /* a segment table entry: R-SEG-3..6 and R-SEG-8 or 10 */
typedef struct ex_checks {
    int n;
    struct {
        const char *rule;
        int strict_only; /* a [strict] rule: not applied in compat */
        int ok;
        char why[200]; /* for a failed check */
    } c[EX_MAX_CHECKS];
} ex_checks;

void ex_checks_init(ex_checks *cs);
/* Records a check; `fmt` explains a failure (used only when !ok). */
void ex_check(ex_checks *cs, const char *rule, int strict_only, int ok, const char *fmt, ...)
    CLI_PRINTF(5, 6);
/* Does any check fail under the explained profile? */
int ex_checks_bad(const ex_out *x, const ex_checks *cs);
/* Prints the check column ("R-LAY-1 ok  R-LAY-5 BAD"; compact: "ok" when
 * all pass), the newline, then one note line per failed check. */
void ex_put_checks(ex_out *x, const ex_checks *cs, int compact);
/* The check column alone, and the note lines alone. */
void ex_checks_text(const ex_out *x, const ex_checks *cs, int compact, char *buf, size_t cap);
void ex_put_notes(ex_out *x, const ex_checks *cs);

#endif /* ACEPACK_CLI_EXPLAIN_OUT_H */
