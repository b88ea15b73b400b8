/*
 * fuzz_wrap.h - builds a v2 file around one fuzzed region, so that a harness
 * aimed at the event section or at the index spends its executions there and
 * not on getting the header right.
 *
 * Layout produced (spec 3.1), strict-valid in every part but the fuzzed one:
 *     [0,128)            header: magic, version 2, flags 0, zero reserved
 *     [128, E)           chunk region (given bytes: dead space and chunks)
 *     [E, E+evt_len)     event section (given bytes), evt_offset = E
 *     [.., +index_len)   index (given bytes), directly after the section
 * The header's evt_count is the given value (a harness passes the section's
 * own count so that R-EVT-9 holds).
 */
#ifndef ACEPACK_FUZZ_WRAP_H
#define ACEPACK_FUZZ_WRAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_wrap_parts {
    const uint8_t *chunks;
    size_t chunks_len;
    const uint8_t *events;
    size_t events_len;
    uint32_t evt_count;
    uint32_t evt_base_id;
    const uint8_t *index;
    size_t index_len;
} fuzz_wrap_parts;

/* @return a malloc'ed file of exactly *size bytes (free() it). */
uint8_t *fuzz_wrap_v2(const fuzz_wrap_parts *parts, size_t *size);

/* The empty event section (spec 3.3.1: N = 0 is 8 zero bytes). */
extern const uint8_t fuzz_empty_events[8];

/* The chunk region the index harnesses wrap their input with:
 * FUZZ_ZERO_REGION zero bytes (so that any {"offset":O,"length":0} with
 * 128 <= O <= 128+FUZZ_ZERO_REGION-4 is a valid strict chunk; steps of 4 do
 * not overlap), then a chunk "hello" at FUZZ_HELLO_OFFSET and a chunk "abc"
 * at FUZZ_ABC_OFFSET.  tools seeds (fuzz/make_assets.py) rewrite corpus
 * indexes to point at these. */
#define FUZZ_ZERO_REGION 1024u
#define FUZZ_HELLO_OFFSET 1152u /* 128 + 1024 */
#define FUZZ_ABC_OFFSET 1161u   /* 1152 + 4 + 5 */
const uint8_t *fuzz_index_chunk_region(size_t *len);

#endif /* ACEPACK_FUZZ_WRAP_H */
