/*
 * test_crc32c.c - CRC32C (src/common/crc32c.c) against published check values
 * and against a bit-at-a-time reference written here, on both paths: the
 * portable tables (forced through ap_crc32c_portable) and the hardware path
 * (ap_crc32c_hw, when the CPU has one).
 *
 *   acepack_crc32c_test --list | --all | NAME
 */
#include <stdio.h>
#include <string.h>

#include "crc32c.h"

static int failures;

#define CHECK_X(got, want)                                                                        \
    do {                                                                                          \
        unsigned long g_ = (unsigned long)(got), w_ = (unsigned long)(want);                      \
        if (g_ != w_) {                                                                           \
            failures++;                                                                           \
            fprintf(stderr, "%s:%d: %s == 0x%08lx, expected 0x%08lx\n", __FILE__, __LINE__, #got, \
                    g_, w_);                                                                      \
        }                                                                                         \
    } while (0)

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

/* The definition, one bit at a time (reflected, polynomial 0x82F63B78). */
static uint32_t crc_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t c = ~crc;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

#define BIG (3 * 8192 * 2 + 3 * 256 + 77) /* both three-way block sizes, then a tail */
static uint8_t buf[BIG + 16];

static void fill(uint32_t seed)
{
    size_t i;
    for (i = 0; i < sizeof buf; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(seed >> 16);
    }
}

/* RFC 3720 B.4 (iSCSI) and the customary check value; the RFC lists the CRC
 * bytes as stored little-endian, so 0x8a9136aa is "aa 36 91 8a". */
static void known_values(crc_fn f)
{
    uint8_t b[48];
    int i;
    CHECK_X(f(0, "123456789", 9), 0xE3069283u);
    CHECK_X(f(0, "", 0), 0x00000000u);
    memset(b, 0, 32);
    CHECK_X(f(0, b, 32), 0x8A9136AAu);
    memset(b, 0xFF, 32);
    CHECK_X(f(0, b, 32), 0x62A8AB43u);
    for (i = 0; i < 32; i++)
        b[i] = (uint8_t)i;
    CHECK_X(f(0, b, 32), 0x46DD794Eu);
    for (i = 0; i < 32; i++)
        b[i] = (uint8_t)(31 - i);
    CHECK_X(f(0, b, 32), 0x113FDB5Cu);
    {
        static const uint8_t pdu[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                        0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                        0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        CHECK_X(f(0, pdu, 48), 0xD9963A56u);
    }
}

/* Every length up to 1100 and a few large ones, at every alignment. */
static void against_bitwise(crc_fn f)
{
    static const size_t big[] = {3 * 256 - 1, 3 * 256, 3 * 8192 - 8, 3 * 8192, 3 * 8192 + 1, BIG};
    size_t off, n, i;
    fill(20261204u);
    for (off = 0; off < 8; off++) {
        for (n = 0; n <= 1100; n++)
            CHECK_X(f(0, buf + off, n), crc_bitwise(0, buf + off, n));
        for (i = 0; i < sizeof big / sizeof big[0]; i++)
            CHECK_X(f(0x12345678u, buf + off, big[i]), crc_bitwise(0x12345678u, buf + off, big[i]));
    }
}

/* crc(A B) == crc(crc(A), B) for every split of a buffer spanning the blocks. */
static void chaining(crc_fn f)
{
    size_t cut, n = 3 * 8192 + 3 * 256 + 40;
    uint32_t whole;
    fill(7u);
    whole = crc_bitwise(0, buf, n);
    for (cut = 0; cut <= n; cut += (cut < 64 || n - cut < 64) ? 1 : 97)
        CHECK_X(f(f(0, buf, cut), buf + cut, n - cut), whole);
}

/* combine(crc(A), crc(B), |B|) == crc(A B), lengths 0..3 x 8192 + 41. */
static void combine(crc_fn f)
{
    size_t cut, n = 3 * 8192 + 41;
    uint32_t whole;
    (void)f;
    fill(5u);
    whole = crc_bitwise(0, buf, n);
    for (cut = 0; cut <= n; cut += (cut < 40 || n - cut < 40) ? 1 : 331)
        CHECK_X(ap_crc32c_combine(crc_bitwise(0, buf, cut), crc_bitwise(0, buf + cut, n - cut),
                                  n - cut),
                whole);
}

/* The reference itself: a wrong reference must not pass unnoticed. */
static void reference_selfcheck(crc_fn f)
{
    (void)f;
    CHECK_X(crc_bitwise(0, (const uint8_t *)"123456789", 9), 0xE3069283u);
}

static void hw_reports(crc_fn f)
{
    (void)f;
    if (!ap_crc32c_hw_available())
        printf("note: no hardware CRC32C on this CPU; the hw tests ran the portable path\n");
    /* the dispatching entry point is one of the two paths, so it agrees too */
    fill(99u);
    CHECK_X(ap_crc32c(0, buf, BIG), ap_crc32c_portable(0, buf, BIG));
}

typedef struct tcase {
    const char *name;
    void (*fn)(crc_fn);
    crc_fn f;
} tcase;

static const tcase TESTS[] = {
    {"unit.crc32c.reference", reference_selfcheck, ap_crc32c_portable},
    {"unit.crc32c.known_values.portable", known_values, ap_crc32c_portable},
    {"unit.crc32c.known_values.hw", known_values, ap_crc32c_hw},
    {"unit.crc32c.bitwise.portable", against_bitwise, ap_crc32c_portable},
    {"unit.crc32c.bitwise.hw", against_bitwise, ap_crc32c_hw},
    {"unit.crc32c.chaining.portable", chaining, ap_crc32c_portable},
    {"unit.crc32c.chaining.hw", chaining, ap_crc32c_hw},
    {"unit.crc32c.dispatch", hw_reports, ap_crc32c},
    {"unit.crc32c.combine", combine, ap_crc32c},
    {NULL, NULL, NULL},
};

int main(int argc, char **argv)
{
    const tcase *t;
    int found = 0, failed = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s --list | --all | TEST-NAME\n", argv[0]);
        return 2;
    }
    for (t = TESTS; t->name; t++) {
        if (strcmp(argv[1], "--list") == 0) {
            printf("%s\n", t->name);
        } else if (strcmp(argv[1], "--all") == 0 || strcmp(argv[1], t->name) == 0) {
            found++;
            failures = 0;
            t->fn(t->f);
            if (failures) {
                fprintf(stderr, "FAIL %s (%d)\n", t->name, failures);
                failed++;
            }
        }
    }
    if (strcmp(argv[1], "--list") == 0)
        return 0;
    if (!found) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 1;
    }
    return failed ? 1 : 0;
}
