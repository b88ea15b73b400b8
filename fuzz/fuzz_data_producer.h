/*
 * fuzz_data_producer.h - parameters for a harness, taken from the END of the
 * fuzz input.
 *
 * Why the end: the front of the input is the "document" the harness hands
 * to the library (a file, an index, a key), and mutations there should keep
 * their meaning; parameters consumed from the back leave the front intact,
 * and a seed file stays a useful seed when a few parameter bytes are added.
 * When the bytes run out, every request returns its minimum, so any input
 * (also the empty one) is a valid input.
 *
 * Usage:
 *     fuzz_dp dp = fuzz_dp_init(data, size);
 *     uint32_t n = fuzz_dp_range(&dp, 0, 100);   // consumes bytes at the end
 *     ... fuzz_dp_rest(&dp) is what is left at the front ...
 */
#ifndef ACEPACK_FUZZ_DATA_PRODUCER_H
#define ACEPACK_FUZZ_DATA_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fuzz_dp {
    const uint8_t *data;
    size_t size; /* bytes not consumed yet: [data, data + size) */
} fuzz_dp;

static inline fuzz_dp fuzz_dp_init(const uint8_t *data, size_t size)
{
    fuzz_dp dp;
    dp.data = data;
    dp.size = size;
    return dp;
}

/* A value in [min, max] (min <= max).  Consumes only as many bytes from the
 * end as the width of the range needs (0 for a one-value range, 1 for a
 * range of at most 256 values, ...), big-endian in reading order. */
static inline uint32_t fuzz_dp_range(fuzz_dp *dp, uint32_t min, uint32_t max)
{
    uint32_t span = max - min;
    uint64_t v = 0;
    uint32_t width = 0;
    while ((span >> width) != 0 && dp->size > 0) {
        v = (v << 8) | dp->data[dp->size - 1];
        dp->size--;
        width += 8;
        if (width >= 32)
            break;
    }
    if (span == UINT32_MAX)
        return (uint32_t)v;
    return min + (uint32_t)(v % ((uint64_t)span + 1u));
}

static inline uint32_t fuzz_dp_u32(fuzz_dp *dp)
{
    return fuzz_dp_range(dp, 0, UINT32_MAX);
}

static inline int fuzz_dp_bool(fuzz_dp *dp)
{
    return (int)fuzz_dp_range(dp, 0, 1);
}

/* Takes n bytes (fewer when fewer remain) from the end, as a block in their
 * original order.  *got receives the count taken. */
static inline const uint8_t *fuzz_dp_take_tail(fuzz_dp *dp, size_t n, size_t *got)
{
    if (n > dp->size)
        n = dp->size;
    dp->size -= n;
    *got = n;
    return dp->data + dp->size;
}

static inline size_t fuzz_dp_remaining(const fuzz_dp *dp)
{
    return dp->size;
}

/* What is left at the front (shares memory with the input). */
static inline const uint8_t *fuzz_dp_rest(const fuzz_dp *dp)
{
    return dp->data;
}

#endif /* ACEPACK_FUZZ_DATA_PRODUCER_H */
