/*
 * fuzz_checks.h - the invariants the harnesses check on whatever the reader
 * accepted.  Every public accessor of include/acepack.h is called on every
 * part of an opened file, and its answer is compared with the spec (via
 * fuzz_oracles.h and an independent decode of the raw bytes), not only run.
 *
 * One function per part, one file each:
 *   fuzz_check_header.c  header fields vs the bytes, open errors
 *   fuzz_check_events.c  columns, payload spans, ids, payload validation
 *   fuzz_check_keys.c    index iteration, key decode/equals/compare, table
 *   fuzz_ref_dump.c      the conformance dump rebuilt from the oracles
 *   fuzz_check_file.c    a whole file under both profiles (spec 1.4)
 */
#ifndef ACEPACK_FUZZ_CHECKS_H
#define ACEPACK_FUZZ_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "acepack.h"
#include "fuzz_helpers.h"

/* ---- header and errors (fuzz_check_header.c) ---- */

/* A rejection by acepack_open() is well formed: an invalid-file status with
 * a rule id, a message, an offset inside the file (spec 7.2), and a rule that
 * belongs to the profile (spec 1.4, 7.1). */
void fuzz_check_open_error(acepack_status st, const acepack_error *e, size_t size,
                           acepack_profile profile);

/* The reader's public fields agree with the header bytes and with every
 * header and layout rule of the profile (R-HDR-*, R-LAY-*, R-V1-*). */
void fuzz_check_header(const acepack_reader *r, const uint8_t *data, size_t size);

/* ---- events (fuzz_check_events.c) ---- */

typedef struct fuzz_events_report {
    uint32_t count;
    size_t bad_payloads;   /* payloads acepack_json_check() rejects */
    uint64_t *bad_offsets; /* file offsets of their first bytes (where
                                  acepack_validate reports them, spec 7.2) */
} fuzz_events_report;

/* Decodes the event columns itself (spec 3.3.1) and checks acepack_event_get,
 * the inline column accessors and every payload span against them; runs
 * acepack_json_check / acepack_utf8_check on every payload. */
void fuzz_check_events(const acepack_reader *r, fuzz_events_report *rep);
void fuzz_events_report_free(fuzz_events_report *rep);

/* ---- index and keys (fuzz_check_keys.c) ---- */

typedef struct fuzz_key {
    acepack_entry e;
    uint8_t *dec; /* decoded key (exactly dec_len bytes) */
    size_t dec_len;
    size_t pos;  /* position in index order */
    int current; /* the occurrence that counts (last one, R-IDX-12) */
} fuzz_key;

typedef struct fuzz_keys {
    fuzz_key *v;
    size_t n;                  /* entries in index order */
    size_t distinct;           /* distinct decoded keys */
    int has_dup;               /* some key occurs twice */
    uint64_t first_dup_offset; /* entry_offset of the earliest second occurrence */
    size_t *sorted;            /* positions sorted by (decoded key, position) */
} fuzz_keys;

/* Iterates the index and checks every entry (spans, chunk bounds, decode in
 * count mode then into an exact buffer, key_equals, key_compare, values). */
void fuzz_collect_keys(const acepack_reader *r, fuzz_keys *k);
void fuzz_keys_free(fuzz_keys *k);

/* Builds the lookup table (exact memory, and one byte short) and checks
 * that every key is found with the value of its current occurrence.
 * @return the build status. */
acepack_status fuzz_check_table(const acepack_reader *r, const fuzz_keys *k);

/* The linear-scan answer for a needle: the current entry whose decoded key
 * equals it, or NULL. */
const fuzz_key *fuzz_keys_find(const fuzz_keys *k, const uint8_t *needle, size_t len);

/* ---- the reference dump (fuzz_ref_dump.c) ---- */

/* The conformance dump (spec 11) of the reader's content, built from the
 * oracles' decoded keys and the harness's own column decode. */
void fuzz_ref_dump(const acepack_reader *r, const fuzz_keys *k, fuzz_buf *out);

/* Runs acepack_dump with exact workspace into out. */
acepack_status fuzz_run_dump(const acepack_reader *r, fuzz_buf *out, acepack_error *err);

/* ---- whole reader and file (fuzz_check_file.c) ---- */

typedef struct fuzz_reader_report {
    acepack_status validate; /* acepack_validate(ACEPACK_CHECK_ALL) */
    acepack_status table;    /* acepack_table_build */
    acepack_status dump;     /* acepack_dump */
    fuzz_buf dump_text;      /* valid when dump == ACEPACK_OK */
} fuzz_reader_report;

/* Every check above on one opened reader, plus acepack_validate against the
 * oracles and acepack_dump against fuzz_ref_dump. */
void fuzz_check_reader(const acepack_reader *r, fuzz_reader_report *rep);
void fuzz_reader_report_free(fuzz_reader_report *rep);

/* Opens data under both profiles and runs fuzz_check_reader on each that
 * opens; then: a strict-valid file is compat-valid with the identical dump
 * (spec 1.4), and tail bytes change nothing (spec 3.5).
 * @return 1 when the file is strict-valid. */
int fuzz_check_file(const uint8_t *data, size_t size);

#endif /* ACEPACK_FUZZ_CHECKS_H */
