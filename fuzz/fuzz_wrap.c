/*
 * fuzz_wrap.c - see fuzz_wrap.h.
 */
#include "fuzz_wrap.h"

#include <string.h>

#include "fuzz_helpers.h"

const uint8_t fuzz_empty_events[8] = {0, 0, 0, 0, 0, 0, 0, 0};

uint8_t *fuzz_wrap_v2(const fuzz_wrap_parts *parts, size_t *size)
{
    static const uint8_t magic[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};
    size_t total = 128;
    FUZZ_ASSERT(parts->chunks_len <= SIZE_MAX - total);
    total += parts->chunks_len;
    FUZZ_ASSERT(parts->events_len <= SIZE_MAX - total);
    total += parts->events_len;
    FUZZ_ASSERT(parts->index_len <= SIZE_MAX - total);
    total += parts->index_len;

    uint8_t *f = (uint8_t *)fuzz_malloc(total);
    memset(f, 0, 128);
    memcpy(f, magic, 8);
    fuzz_put_be32(f + 8, 2);
    uint64_t chunk_end = 128u + (uint64_t)parts->chunks_len;
    uint64_t index_off = chunk_end + (uint64_t)parts->events_len;
    fuzz_put_be64(f + 16, index_off);
    fuzz_put_be64(f + 24, (uint64_t)parts->index_len);
    fuzz_put_be64(f + 32, chunk_end);
    fuzz_put_be64(f + 40, chunk_end);
    fuzz_put_be64(f + 48, (uint64_t)parts->events_len);
    fuzz_put_be32(f + 56, parts->evt_count);
    fuzz_put_be32(f + 60, parts->evt_base_id);
    size_t at = 128;
    if (parts->chunks_len)
        memcpy(f + at, parts->chunks, parts->chunks_len);
    at += parts->chunks_len;
    if (parts->events_len)
        memcpy(f + at, parts->events, parts->events_len);
    at += parts->events_len;
    if (parts->index_len)
        memcpy(f + at, parts->index, parts->index_len);
    *size = total;
    return f;
}

const uint8_t *fuzz_index_chunk_region(size_t *len)
{
    /* Built on first use; the content is constant, so concurrent first uses
     * (not a case in the harnesses) would write the same bytes. */
    static uint8_t region[FUZZ_ZERO_REGION + 4 + 5 + 4 + 3];
    static int ready;
    if (!ready) {
        memset(region, 0, sizeof region);
        uint8_t *p = region + FUZZ_ZERO_REGION;
        fuzz_put_be32(p, 5);
        memcpy(p + 4, "hello", 5);
        p += 9;
        fuzz_put_be32(p, 3);
        memcpy(p + 4, "abc", 3);
        ready = 1;
    }
    *len = sizeof region;
    return region;
}
