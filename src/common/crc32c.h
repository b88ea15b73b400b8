/*
 * crc32c.h - CRC32C (Castagnoli): the checksum of spec 3.2.1 (flag bit 0,
 * `checksums`).  Reflected polynomial 0x82F63B78, initial register
 * 0xFFFFFFFF, final xor 0xFFFFFFFF; the CRC of "123456789" is 0xE3069283.
 *
 * Chaining: crc is the CRC of the bytes before p (0 for none), so the CRC
 * of a concatenation is ap_crc32c(ap_crc32c(0, a, na), b, nb).  The reader
 * and the writer both use it; it allocates nothing and keeps no state.
 */
#ifndef ACEPACK_CRC32C_H
#define ACEPACK_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The hardware path when the CPU has one (x86-64 SSE4.2, ARMv8 CRC), else the
 * portable tables.  Both give the same results (tests/unit/test_crc32c.c). */
uint32_t ap_crc32c(uint32_t crc, const void *p, size_t n);

/* The CRC of A B from crc_a = CRC(A), crc_b = CRC(B) and len_b = |B|, without
 * the bytes: crc_a times x^(8 len_b) modulo the polynomial, xor crc_b (zlib's
 * crc32_combine).  O(log len_b); the writer joins the CRCs of the regions the
 * chunk region gains at a commit with it (spec 3.8, cost of a commit). */
uint32_t ap_crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

/* The portable table path alone (slicing by 8): for tests and benches. */
uint32_t ap_crc32c_portable(uint32_t crc, const void *p, size_t n);

/* 1 when this CPU runs the hardware path (ap_crc32c uses it), else 0. */
int ap_crc32c_hw_available(void);

/* The hardware path alone; only when ap_crc32c_hw_available() (else it
 * falls back to the portable path). */
uint32_t ap_crc32c_hw(uint32_t crc, const void *p, size_t n);

#endif /* ACEPACK_CRC32C_H */
