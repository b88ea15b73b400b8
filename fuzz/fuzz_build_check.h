/*
 * fuzz_build_check.h - shared checks of the writer's canonical builder
 * (spec 8.3), for the harnesses that link the full library (fuzz_roundtrip,
 * fuzz_writer, and fuzz_v1's migration checks).
 */
#ifndef ACEPACK_FUZZ_BUILD_CHECK_H
#define ACEPACK_FUZZ_BUILD_CHECK_H

#include "fuzz_checks.h"

/* The content of an opened reader as the builder takes it: the current
 * entries (decoded keys, value spans) and the events. */
typedef struct fuzz_content {
    acepack_content c;
    acepack_kv *kv;
    acepack_event_in *ev;
    fuzz_keys keys;
} fuzz_content;

void fuzz_content_from_reader(const acepack_reader *r, fuzz_content *out);
void fuzz_content_free(fuzz_content *fc);

/* Builds the canonical file of c and checks the builder's entry points
 * agree: build_bound >= build_size == written; a buffer one byte short (and
 * one of `short_cap` bytes when smaller) gives NOMEM with the size needed;
 * build_write streams the same bytes; a refusal is the same status, rule and
 * offset from every entry point, and build_write then writes nothing.
 * @return the status; on OK *out (malloc'ed, exactly *size bytes). */
acepack_status fuzz_build(const acepack_content *c, size_t short_cap, uint8_t **out, size_t *size,
                          acepack_error *err);

/* A builder refusal names a fault the content really has (err->offset is
 * the kv pair or event index, spec of acepack_build). */
void fuzz_check_build_refusal(const acepack_content *c, acepack_status st,
                              const acepack_error *err);

/* Whether the content may be written (W-EVT-2, W-EVT-4, W-IDX-2, W-HDR-2,
 * evt_base_id range, a v1 content with no events): the oracle of the
 * refusal checks. */
int fuzz_content_writable(const acepack_content *c);

/* bytes is a canonical file: it opens strict, validates with every check,
 * and rebuilding its own content gives the same bytes (idempotence).
 * *dump (if not NULL) receives its dump. */
void fuzz_check_canonical(const uint8_t *bytes, size_t size, fuzz_buf *dump);

#endif /* ACEPACK_FUZZ_BUILD_CHECK_H */
