/*
 * hash.c - the key hash of the lookup table.
 *
 * One multiply and one xor-shift per 8 bytes, then a full 64-bit finalizer
 * (murmur3 fmix64).  The length is mixed in at the end, so the same function
 * works streaming (keys with escapes are hashed piece by piece as they are
 * decoded) and in one shot, with identical results.  Seeded; not a
 * cryptographic defense against crafted collisions (see acepack_read.h).
 */
#include "internal.h"

#define K_MUL 0x9E3779B97F4A7C15ull

static inline uint64_t mix_word(uint64_t h, uint64_t w)
{
    h = (h ^ w) * K_MUL;
    return h ^ (h >> 32);
}

static inline uint64_t finish(uint64_t h, uint64_t len)
{
    h ^= len * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return h;
}

/* The last 1..7 bytes [i, n) of p as memcpy() would put them in a zeroed
 * word (what ap_hash_final does with its buffer), without a call to memcpy
 * for a variable length: on little-endian targets a key of 8 bytes or more
 * is read by one load that ends at its last byte, shifted down. */
static inline uint64_t tail_word(const uint8_t *p, size_t i, size_t n)
{
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t k;
    if (n >= 8)
        return ap_load64(p + n - 8) >> (8u * (8u - (n - i)));
    for (k = i; k < n; k++)
        w |= (uint64_t)p[k] << (8u * (k - i));
#else
    memcpy(&w, p + i, n - i);
#endif
    return w;
}

uint64_t ap_hash_bytes(const uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t h = seed;
    size_t i = 0;
    for (; n - i >= 8; i += 8)
        h = mix_word(h, ap_load64(p + i));
    if (i < n)
        h = mix_word(h, tail_word(p, i, n));
    return finish(h, (uint64_t)n);
}

void ap_hash_init(ap_hasher *s, uint64_t seed)
{
    s->h = seed;
    s->len = 0;
    s->n = 0;
}

void ap_hash_update(ap_hasher *s, const uint8_t *p, size_t n)
{
    s->len += n;
    if (s->n) {
        while (n && s->n < 8) {
            s->buf[s->n++] = *p++;
            n--;
        }
        if (s->n < 8)
            return;
        s->h = mix_word(s->h, ap_load64(s->buf));
        s->n = 0;
    }
    for (; n >= 8; n -= 8, p += 8)
        s->h = mix_word(s->h, ap_load64(p));
    if (n) {
        memcpy(s->buf, p, n);
        s->n = (unsigned)n;
    }
}

uint64_t ap_hash_final(ap_hasher *s)
{
    uint64_t h = s->h;
    if (s->n) {
        uint64_t w = 0;
        memcpy(&w, s->buf, s->n);
        h = mix_word(h, w);
    }
    return finish(h, s->len);
}

uint64_t ap_hash_key(const uint8_t *raw, size_t n, int esc, uint64_t seed)
{
    ap_hasher s;
    ap_strdec d;
    const uint8_t *piece = NULL; /* set with every nonzero length (tools/prove) */
    size_t len;
    if (!esc)
        return ap_hash_bytes(raw, n, seed);
    ap_hash_init(&s, seed);
    ap_strdec_init(&d, raw, n);
    while ((len = ap_strdec_next(&d, &piece)) != 0)
        ap_hash_update(&s, piece, len);
    return ap_hash_final(&s);
}
