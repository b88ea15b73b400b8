/*
 * fuzz_oracles.h - small, independent re-implementations of facts the spec
 * states precisely, used by the harnesses to check the library's answers
 * (not only that it does not crash).  They are written from the spec text,
 * deliberately simple (byte at a time, no tables), and share no code with
 * src/.
 */
#ifndef ACEPACK_FUZZ_ORACLES_H
#define ACEPACK_FUZZ_ORACLES_H

#include <stddef.h>
#include <stdint.h>

#include "fuzz_helpers.h"

/* Spec 1.2 "valid UTF-8": returns n when valid, else the offset of the first
 * byte of the first invalid (or truncated) sequence. */
size_t fuzz_ref_utf8_check(const uint8_t *p, size_t n);

/* Decodes the raw bytes of a JSON string body (between the quotes) as RFC
 * 8259 and R-IDX-11 define it: short escapes, \/ and \uXXXX in any hex case,
 * surrogate pairs combined.  Appends the UTF-8 to *out.
 * @return 0 on success, -1 when the body is not a valid JSON string body
 *         (raw control byte, bad escape, unpaired surrogate escape, invalid
 *         UTF-8). */
int fuzz_ref_json_unescape(const uint8_t *raw, size_t n, fuzz_buf *out);

/* Appends the spec 4.1 `string` body (no quotes) of the UTF-8 bytes `s`:
 * short forms, \u00xx lowercase for other controls, everything else as is. */
void fuzz_ref_json_escape(const uint8_t *s, size_t n, fuzz_buf *out);

/* Unsigned bytewise order, a proper prefix first (D-6).  <0, 0, >0. */
int fuzz_ref_bytes_compare(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);

/* Spec 4.1 `uint`: "0" or [1-9][0-9]*, at most 2^53-1, nothing else.
 * @return 1 and *v set, or 0. */
int fuzz_ref_parse_uint53(const uint8_t *p, size_t n, uint64_t *v);

/* M-3: is the decoded key a log key?  @return 1 (id in *id), 2 when it is a
 * log key whose id exceeds 2^64-1 (*id = UINT64_MAX), 0 when not. */
int fuzz_ref_v1_log_key(const uint8_t *key, size_t n, uint64_t *id);

#endif /* ACEPACK_FUZZ_ORACLES_H */
