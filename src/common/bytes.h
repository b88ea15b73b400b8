/*
 * bytes.h - byte-level helpers shared by the reader and the writer.
 *
 * Loads are big-endian by byte shifts: no field of an ACEPACK file is aligned
 * (spec 3.3.2), so nothing here casts a byte pointer to a wider type.
 * Range checks are written in the overflow-free form `off <= size &&
 * len <= size - off` (spec 13).
 */
#ifndef ACEPACK_BYTES_H
#define ACEPACK_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AP_MAX_SAFE_INT 9007199254740991ull /* 2^53-1, spec 1.2 */

/* The ACSL contracts below (comments to a compiler) are proven by Frama-C's
 * WP with CVC4 (tools/prove.sh --wp): the loads read exactly their bytes,
 * and ap_range_ok is exactly off + len <= size in mathematical integers. */
/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing; */
static inline uint32_t ap_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing; */
static inline uint64_t ap_be64(const uint8_t *p)
{
    return ((uint64_t)ap_be32(p) << 32) | (uint64_t)ap_be32(p + 4);
}

static inline void ap_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void ap_put_be64(uint8_t *p, uint64_t v)
{
    ap_put_be32(p, (uint32_t)(v >> 32));
    ap_put_be32(p + 4, (uint32_t)v);
}

/* 1 when [off, off + len) lies inside [0, size). */
/* Index of the first non-zero byte of p[0..n), or n: spec 7.2 reports a
 * reserved field that is not zero at its first non-zero byte. */
static inline size_t ap_first_nonzero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n && p[i] == 0; i++)
        ;
    return i;
}

/*@ assigns \nothing;
    ensures \result != 0 <==> off + len <= size; */
static inline int ap_range_ok(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/* The offset of p from base (p points into the object at base, p >= base),
 * computed in unsigned arithmetic: `p - base` is a ptrdiff_t, which
 * overflows on a 32-bit target for a position past 2 GiB in a mapping. */
static inline uint64_t ap_offset_in(const uint8_t *base, const uint8_t *p)
{
    return (uint64_t)((uintptr_t)p - (uintptr_t)base);
}

/* Native-order 8-byte load for SWAR scans (any alignment). */
static inline uint64_t ap_load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#define AP_ONES 0x0101010101010101ull
#define AP_HIGHS 0x8080808080808080ull

/* Nonzero when some byte of x is below n (n <= 128; bytes >= 0x80 never
 * count).  The classic "haszero(x - n)" refinement that is exact. */
static inline uint64_t ap_has_less(uint64_t x, unsigned n)
{
    return (x - AP_ONES * n) & ~x & AP_HIGHS;
}

/* Nonzero when some byte of x equals b. */
static inline uint64_t ap_has_byte(uint64_t x, unsigned b)
{
    return ap_has_less(x ^ (AP_ONES * b), 1);
}

/* How many leading bytes (in memory order) of a word loaded by ap_load64
 * certainly carry no flag of mask m (m != 0, from ap_has_less/ap_has_byte).
 * Exact on little-endian targets: the borrows that can set false flags run
 * from lower to higher addresses there, so the lowest flagged byte is a true
 * hit.  Elsewhere 0, and the caller rescans the word byte by byte. */
static inline size_t ap_clean_prefix(uint64_t m)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(m) >> 3;
#else
    (void)m;
    return 0;
#endif
}

static inline int ap_is_ws(uint8_t c)
{
    return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D;
}

static inline int ap_is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/* The value of a hex digit (either case), or -1. */
static inline int ap_hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif /* ACEPACK_BYTES_H */
