/*
 * internal.h - declarations shared between the reader sources (not installed).
 */
#ifndef ACEPACK_INTERNAL_H
#define ACEPACK_INTERNAL_H

#include "../common/common.h"

#define AP_MAX_DEPTH 512u /* spec 3.6: JSON nesting limit */

/* ---- open phases (header.c, events.c, index_scan.c) ---- */
acepack_status ap_open_header(acepack_reader *r, acepack_error *err);
acepack_status ap_open_events(acepack_reader *r, acepack_error *err);
acepack_status ap_scan_index(acepack_reader *r, acepack_error *err);

/* ---- checksums.c: flag bit 0 (spec 3.8), strict ---- */
#define AP_FLAG_CHECKSUMS 0x1u
/* CRC32C of header bytes 0..127 with 64..67 as zero (h: 128 bytes). */
uint32_t ap_header_crc(const uint8_t *h);
/* R-CRC-1 and R-CRC-5 (the header is at least 128 bytes). */
acepack_status ap_check_header_crc(const acepack_reader *r, acepack_error *err);
/* R-CRC-2..4, once R-LAY-1..5 hold. */
acepack_status ap_check_region_crcs(const acepack_reader *r, acepack_error *err);
/* events.c: R-EVT-3..8 on the section [sec_off, sec_off + len) (inside the
 * file, len >= 4), plus R-EVT-9 when check_evt_count; fills *c and *count. */
acepack_status ap_check_section(const acepack_reader *r, uint64_t sec_off, uint64_t len,
                                int check_evt_count, uint32_t *count, acepack__columns *c,
                                acepack_error *err);
/* segments.c: the segment table of a file with flag bit 16 (spec 3.7). */
acepack_status ap_open_segments(acepack_reader *r, acepack_error *err);

/* ---- strict_entry.c: one entry of a strict index (spec 4.1) ---- */

/* The entry {"offset":U,"length":U} at d[*pi] (its '{'), inside the index
 * that ends at d[end]; member = the offset of its key's quote.  ACEPACK_OK:
 * *off, *len set and *pi just past its '}'.  Otherwise ACEPACK_INVALID and
 * the fault (R-IDX-2..5, spec 7.2 offset) in *err when err is not NULL.
 * The iterator and the table call it on indexes acepack_open accepted, where
 * it cannot fail. */
acepack_status ap_strict_entry(const uint8_t *d, size_t end, size_t *pi, size_t member,
                               uint64_t *off, uint64_t *len, acepack_error *err);

/* The fault at d[i] where a strict index has a structural character
 * (`what`, e.g. "expected ':'"): R-IDX-3 for whitespace, else R-IDX-2. */
acepack_status ap_strict_punct(const uint8_t *d, size_t end, size_t i, const char *what,
                               acepack_error *err);

/* ---- index_iter.c ---- */

/* An iterator whose next member starts at d[pos] (a member's opening quote,
 * or whitespace/',' before it): how the table and the index scan walk one
 * member they found, as acepack_index_iter_init() starts at the first. */
void ap_index_iter_at(acepack_index_iter *it, const acepack_reader *r, size_t pos);

/* acepack_index_iter_next(): 1 entry, 0 end, and in compat -1 for an entry
 * that breaks R-IDX-9, R-IDX-10 or R-CHK-1 (its error in *fault when fault
 * is not NULL; its value empty). */
int ap_index_next(acepack_index_iter *it, acepack_entry *out, acepack_error *fault);

/* ---- utf8.c ---- */

/* Length (2..4) of the valid multi-byte UTF-8 sequence at p (p[0] >= 0x80),
 * with `avail` bytes available; 0 when it is not valid (spec 1.2). */
size_t ap_utf8_seq(const uint8_t *p, size_t avail);

/* ---- json_check.c: the JSON validator core ---- */

typedef enum ap_json_fault {
    AP_JSON_OK = 0,
    AP_JSON_SYNTAX,   /* not a JSON text */
    AP_JSON_DEPTH,    /* more than 512 levels */
    AP_JSON_UTF8,     /* invalid UTF-8 */
    AP_JSON_SURROGATE /* an unpaired surrogate escape where one is forbidden */
} ap_json_fault;

/* Validates one JSON value starting exactly at d[i] (no leading whitespace),
 * nested inside `depth` enclosing containers.  On success returns
 * AP_JSON_OK with *out = the index just after the value; otherwise *out is
 * the offending byte (or `end`).  With `unicode_names` set, a member name
 * holding an unpaired surrogate escape is a fault too (AP_JSON_SURROGATE,
 * *out at the name's opening quote): R-IDX-11 for the compat index. */
ap_json_fault ap_json_value(const uint8_t *d, size_t i, size_t end, unsigned depth,
                            int unicode_names, size_t *out);

/* Scans a JSON string whose opening quote is at d[i-1] (i is the first byte
 * of the body).  Returns AP_JSON_OK with *out just past the closing quote
 * and *has_escapes set, or a fault with *out at the offending byte.  When
 * `no_lone_surrogates` is set, a \u escape of an unpaired surrogate is a
 * fault too (AP_JSON_SURROGATE). */
ap_json_fault ap_json_string(const uint8_t *d, size_t i, size_t end, int no_lone_surrogates,
                             size_t *out, int *has_escapes);

/* Skips whitespace.  Whitespace is rare between the tokens of most texts:
 * one compare rules most bytes out. */
static inline size_t ap_skip_ws(const uint8_t *d, size_t i, size_t end)
{
    while (i < end && d[i] <= 0x20 && ap_is_ws(d[i]))
        i++;
    return i;
}

/* Skips one value of JSON text that is known to be valid (no checks). */
size_t ap_json_skip_valid(const uint8_t *d, size_t i, size_t end);

/* Index just past the body of a valid JSON string starting at body[0]. */
size_t ap_json_string_end_valid(const uint8_t *d, size_t i, size_t end, int *has_escapes);

/* ---- number.c: exact decimal values (R-IDX-10, M-4) ---- */

/* Validates the JSON number grammar at d[i]; returns AP_JSON_OK with *out
 * past it, or AP_JSON_SYNTAX with *out at the offending byte. */
ap_json_fault ap_json_number(const uint8_t *d, size_t i, size_t end, size_t *out);

/* For a valid JSON number token [p, p+n): 1 when its exact value is an
 * integer in [0, max] (max <= 2^53-1), with *value set; else 0. */
int ap_number_exact_uint(const uint8_t *p, size_t n, uint64_t max, uint64_t *value);

/* For a valid JSON number token: 1 when its exact value equals the positive
 * integer written by the digits [dp, dp+dn) (no leading zero, dn >= 1). */
int ap_number_equals_digits(const uint8_t *p, size_t n, const uint8_t *dp, size_t dn);

/* ---- keys.c: decoding JSON string bodies piece by piece ---- */

typedef struct ap_strdec {
    const uint8_t *p, *end;
    uint8_t buf[4];
} ap_strdec;

static inline void ap_strdec_init(ap_strdec *s, const uint8_t *p, size_t n)
{
    s->p = p;
    s->end = p + n;
}

/* Next piece of the decoded string: sets *piece (into the source for
 * unescaped runs, into s->buf for an escape) and returns its length; 0 at
 * the end.  The body must be a valid JSON string body. */
size_t ap_strdec_next(ap_strdec *s, const uint8_t **piece);

/* Compares decoded string bodies a and b bytewise (a proper prefix first). */
int ap_str_compare(const uint8_t *a, size_t an, int a_esc, const uint8_t *b, size_t bn, int b_esc);

/* 1 when the decoded body equals the plain bytes [k, k+kn). */
int ap_str_equals(const uint8_t *raw, size_t n, int esc, const uint8_t *k, size_t kn);

/* ---- hash.c ---- */

typedef struct ap_hasher {
    uint64_t h;
    uint64_t len;
    uint8_t buf[8];
    unsigned n;
} ap_hasher;

void ap_hash_init(ap_hasher *s, uint64_t seed);
void ap_hash_update(ap_hasher *s, const uint8_t *p, size_t n);
uint64_t ap_hash_final(ap_hasher *s);
/* Equal to init + update + final over the same bytes. */
uint64_t ap_hash_bytes(const uint8_t *p, size_t n, uint64_t seed);
/* Hash of the decoded string body. */
uint64_t ap_hash_key(const uint8_t *raw, size_t n, int esc, uint64_t seed);

/* ---- table.c (used by validate.c for R-IDX-7) ---- */
#define AP_DEFAULT_SEED 0x2545F4914F6CDD1Dull

/* ---- heapsort.c ---- */

/* The 32-byte record that dump.c and validate.c sort. */
typedef struct ap_rec {
    uint64_t a, b, c, d;
} ap_rec;

typedef int (*ap_rec_cmp)(const ap_rec *x, const ap_rec *y, const void *ctx);

/* In-place iterative heapsort (no recursion, O(n log n) worst case). */
void ap_heapsort(ap_rec *v, size_t n, ap_rec_cmp cmp, const void *ctx);

/* An address as an integer (the table's seed, the alignment of caller
 * memory).  Under Frama-C (tools/prove/) an unknown integer instead: Eva
 * keeps an integer made from an address as that address (a "garbled
 * mix"), so the seed, every hash and slot index derived from it, and the
 * aligned workspace pointer would carry it and no access through them
 * could be bounded.  The code is correct for every seed and every
 * alignment, which is what an unknown integer models. */
#if defined(__FRAMAC__)
#include "__fc_builtin.h"
#define AP_ADDRESS_BITS(p) ((void)(p), (uint64_t)Frama_C_unsigned_long_long_interval(0, UINT64_MAX))
#else
#define AP_ADDRESS_BITS(p) ((uint64_t)(uintptr_t)(p))
#endif

/* Aligns caller memory to 8 bytes; returns NULL when fewer than `need`
 * bytes remain after alignment. */
void *ap_align8(void *mem, size_t size, size_t need);

#endif /* ACEPACK_INTERNAL_H */
