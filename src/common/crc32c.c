/*
 * crc32c.c - CRC32C over a byte range (crc32c.h): portable slicing-by-8 and a
 * hardware path (x86-64 SSE4.2 `crc32`, ARMv8 CRC32C instructions) chosen per
 * call from the CPU's feature bits.
 *
 * No state: the tables are constant (generated, crc32c_tables.h) and the CPU
 * check reads what the C runtime recorded at start-up (__builtin_cpu_supports,
 * getauxval), so there is nothing to initialise and no race.  The reader
 * library holds no writable static data (ctest unit.noalloc.nm_libacepack_read).
 *
 * The CRC register of a concatenation is linear in its parts: with reg(c, X)
 * the register after X from register c, reg(c, A B) = shift(reg(c, A), |B|)
 * xor reg(0, B), where shift(r, n) feeds n zero bytes.  The hardware path uses
 * it to run three independent chains at once (the instruction's latency is
 * about three times its issue interval, so one chain leaves the unit idle two
 * cycles in three) and joins them with the shift tables of crc32c_tables.h.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__FRAMAC__)
#define AP_CRC_HW 1
#define AP_CRC_X86 1
#elif defined(__aarch64__) && defined(__linux__) && defined(__GNUC__) && !defined(__FRAMAC__)
#define AP_CRC_HW 1
#define AP_CRC_ARM 1
#endif

#include "crc32c.h"

#include <string.h>

#include "crc32c_tables.h"

#define T ap_crc32c_table

/* The register over n bytes, table path: eight bytes per step, each through
 * the table of its distance to the step's end. */
static uint32_t portable_reg(uint32_t c, const uint8_t *p, size_t n)
{
    while (n >= 8) {
        /* bytes composed little-endian by shifts: the same on every host */
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                           (uint32_t)p[3] << 24);
        uint32_t hi =
            (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        c = T[7][lo & 0xFF] ^ T[6][(lo >> 8) & 0xFF] ^ T[5][(lo >> 16) & 0xFF] ^ T[4][lo >> 24] ^
            T[3][hi & 0xFF] ^ T[2][(hi >> 8) & 0xFF] ^ T[1][(hi >> 16) & 0xFF] ^ T[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--)
        c = (c >> 8) ^ T[0][(c ^ *p++) & 0xFF];
    return c;
}

uint32_t ap_crc32c_portable(uint32_t crc, const void *p, size_t n)
{
    return ~portable_reg(~crc, (const uint8_t *)p, n);
}

/* a * b modulo the polynomial, reflected: bit 31 is x^0, and multiplying by
 * x is a right shift that folds x^32 back in. */
static uint32_t gf2_mul(uint32_t a, uint32_t b)
{
    uint32_t m = 0x80000000u, p = 0;
    while (m) {
        if (a & m)
            p ^= b;
        b = (b & 1u) ? (b >> 1) ^ 0x82F63B78u : b >> 1;
        m >>= 1;
    }
    return p;
}

uint32_t ap_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
    /* x^(8 len_b) by squaring: base runs through x^8, x^16, x^32, ... */
    uint32_t power = 0x80000000u, base = 0x00800000u; /* x^0, x^8 */
    while (len_b) {
        if (len_b & 1u)
            power = gf2_mul(power, base);
        base = gf2_mul(base, base);
        len_b >>= 1;
    }
    /* the initial register and the final xor cancel: CRC(A B) xor CRC(B) is
     * CRC(A) shifted over |B| zero bytes, whatever A and B are */
    return gf2_mul(power, crc_a) ^ crc_b;
}

#ifdef AP_CRC_HW

#if defined(AP_CRC_X86)
#include <nmmintrin.h>
#define AP_TARGET __attribute__((target("sse4.2")))
#define AP_CRC8(c, w) ((uint32_t)_mm_crc32_u64((c), (w)))
#define AP_CRC1(c, b) _mm_crc32_u8((c), (b))
static int hw_present(void)
{
    return __builtin_cpu_supports("sse4.2");
}
#else
#include <sys/auxv.h>
#define AP_TARGET __attribute__((target("+crc")))
#if defined(__clang__)
/* clang's arm_acle.h declares the intrinsics only for a +crc translation unit */
#define AP_CRC8(c, w) __builtin_arm_crc32cd((c), (w))
#define AP_CRC1(c, b) __builtin_arm_crc32cb((c), (b))
#else
#include <arm_acle.h>
#define AP_CRC8(c, w) __crc32cd((c), (w))
#define AP_CRC1(c, b) __crc32cb((c), (b))
#endif
#define AP_HWCAP_CRC32 (1ul << 7) /* asm/hwcap.h HWCAP_CRC32 on aarch64 */
static int hw_present(void)
{
    return (getauxval(AT_HWCAP) & AP_HWCAP_CRC32) != 0;
}
#endif

/* Eight bytes little-endian: both targets are little-endian hosts here, and
 * the reflected CRC consumes the lowest byte first. */
static inline uint64_t load8(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint32_t shift_by(const uint32_t z[4][256], uint32_t c)
{
    return z[0][c & 0xFF] ^ z[1][(c >> 8) & 0xFF] ^ z[2][(c >> 16) & 0xFF] ^ z[3][c >> 24];
}

/* Three chains over three consecutive blocks of `len` bytes (a multiple of 8),
 * joined: reg(c, A B C) = shift(shift(reg(c, A)) ^ reg(0, B)) ^ reg(0, C). */
#define AP_CRC_THREE_WAY(len, ztab)                      \
    while (n >= 3 * (size_t)(len)) {                     \
        uint32_t c1 = 0, c2 = 0;                         \
        const uint8_t *end = p + (len);                  \
        do {                                             \
            c = AP_CRC8(c, load8(p));                    \
            c1 = AP_CRC8(c1, load8(p + (len)));          \
            c2 = AP_CRC8(c2, load8(p + 2 * (len)));      \
            p += 8;                                      \
        } while (p < end);                               \
        c = shift_by(ztab, shift_by(ztab, c) ^ c1) ^ c2; \
        p += 2 * (size_t)(len);                          \
        n -= 3 * (size_t)(len);                          \
    }

AP_TARGET static uint32_t hw_reg(uint32_t c, const uint8_t *p, size_t n)
{
    AP_CRC_THREE_WAY(AP_CRC32C_LONG, ap_crc32c_shift_long)
    AP_CRC_THREE_WAY(AP_CRC32C_SHORT, ap_crc32c_shift_short)
    while (n >= 8) {
        c = AP_CRC8(c, load8(p));
        p += 8;
        n -= 8;
    }
    while (n--)
        c = AP_CRC1(c, *p++);
    return c;
}
#endif /* AP_CRC_HW */

int ap_crc32c_hw_available(void)
{
#ifdef AP_CRC_HW
    return hw_present();
#else
    return 0;
#endif
}

uint32_t ap_crc32c_hw(uint32_t crc, const void *p, size_t n)
{
#ifdef AP_CRC_HW
    if (hw_present())
        return ~hw_reg(~crc, (const uint8_t *)p, n);
#endif
    return ap_crc32c_portable(crc, p, n);
}

uint32_t ap_crc32c(uint32_t crc, const void *p, size_t n)
{
    return ap_crc32c_hw(crc, p, n);
}
