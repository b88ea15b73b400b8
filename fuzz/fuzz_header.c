/*
 * fuzz_header.c - acepack_open(): the header and layout (spec 3.2, 3.5, 6).
 *
 * Input: the file bytes.  Cheaper than fuzz_file: it opens under both
 * profiles and checks the reader's header fields against the bytes
 * (fuzz_check_header) or the error against spec 7.2 (fuzz_check_open_error),
 * without walking the index or the events.
 * Then, for a file that opened, single-fault mutations whose verdict the
 * spec fixes exactly:
 *   - an undefined incompatible flag bit (17..31; 16 in v1) -> R-HDR-4, offset 12, both profiles
 *   - version 3 / 0                      -> R-HDR-3, offset 8
 *   - a magic byte changed               -> R-HDR-2, offset 0
 *   - a compatible flag bit (1..15 in v2, 0..15 in v1) -> still opens (R-HDR-4,
 *     R-HDR-6), unless strict and the file has bit 0 (its header_crc then
 *     no longer matches);
 *   - strict, a v2 file with bit 0 (checksums, spec 3.8): header_crc or a
 *     byte of a region changed -> R-CRC-1 at 64 / R-CRC-2 at 128 / R-CRC-3 at
 *     evt_offset / R-CRC-4 at kv_index_offset
 *   - a reserved byte set (no compatible bit) -> strict R-HDR-6 / R-V1-1,
 *     compat still opens
 */
#include <string.h>

#include "fuzz_checks.h"
#include "fuzz_data_producer.h"

static acepack_status open_copy(const uint8_t *copy, size_t size, acepack_profile p,
                                acepack_error *err)
{
    acepack_reader r;
    memset(err, 0, sizeof *err);
    acepack_status st = acepack_open(&r, copy, size, p, err);
    if (st == ACEPACK_OK)
        fuzz_check_header(&r, copy, size);
    else
        fuzz_check_open_error(st, err, size, p);
    return st;
}

/* In compat the event section and the index may lie anywhere, even inside
 * the header (spec 3.5): a header byte they cover is also a byte of the
 * section or index, and changing it may break another rule too. */
static int in_region(const acepack_reader *r, size_t at, size_t len)
{
    uint64_t a = at, b = (uint64_t)at + len;
    if (a < r->index_offset + r->index_length && r->index_offset < b)
        return 1;
    if (r->version == 2 && a < r->evt_offset + r->evt_length && r->evt_offset < b)
        return 1;
    return 0;
}

/* The mutated file breaks `rule`: it must be rejected, under exactly that
 * rule and offset when the mutated bytes are the only fault (exact). */
static void expect_reject(const uint8_t *copy, size_t size, acepack_profile p, const char *rule,
                          uint64_t offset, int exact)
{
    acepack_error err;
    acepack_status st = open_copy(copy, size, p, &err);
    FUZZ_ASSERT_MSG(st != ACEPACK_OK, rule);
    if (!exact)
        return;
    FUZZ_ASSERT_MSG(err.rule && strcmp(err.rule, rule) == 0, rule);
    if (offset != UINT64_MAX)
        FUZZ_ASSERT_MSG(err.offset == offset, rule);
}

static void mutations(const uint8_t *data, size_t size, const acepack_reader *r, fuzz_dp *dp)
{
    const acepack_profile p = r->profile;
    uint8_t *c = fuzz_dup(data, size);
    acepack_error err;

    /* An incompatible bit this version does not define: never ignored
     * (R-HDR-4).  Bit 16 is defined for version 2 (spec 3.7). */
    uint32_t bit = fuzz_dp_range(dp, r->version == 2 ? 17 : 16, 31);
    fuzz_put_be32(c + 12, r->flags | (UINT32_C(1) << bit));
    expect_reject(c, size, p, "R-HDR-4", 12, !in_region(r, 12, 4));
    memcpy(c, data, size);

    /* An unknown version: never read as a known one (R-HDR-3). */
    fuzz_put_be32(c + 8, fuzz_dp_bool(dp) ? 3u : 0u);
    expect_reject(c, size, p, "R-HDR-3", 8, !in_region(r, 8, 4));
    memcpy(c, data, size);

    /* A magic byte (R-HDR-2). */
    uint32_t at = fuzz_dp_range(dp, 0, 7);
    c[at] ^= (uint8_t)fuzz_dp_range(dp, 1, 255);
    expect_reject(c, size, p, "R-HDR-2", 0, !in_region(r, 0, 8));
    memcpy(c, data, size);

    /* A compatible bit: must not cause a rejection; reserved bytes are then
     * not checked even in strict. */
    uint32_t cbit = fuzz_dp_range(dp, r->version == 2 ? 1 : 0, 15); /* v2 bit 0: 3.8 */
    fuzz_put_be32(c + 12, r->flags | (UINT32_C(1) << cbit));
    size_t res_at = r->version == 2 ? 64 : 32;
    size_t res_len = r->version == 2 ? 64 : 32;
    size_t which = res_at + fuzz_dp_range(dp, 0, (uint32_t)res_len - 1);
    c[which] = (uint8_t)(c[which] | 0x80u);
    const int sealed = r->version == 2 && p == ACEPACK_STRICT && (r->flags & 1u);
    const int free_bytes = !in_region(r, 12, 4) && !in_region(r, which, 1) && !sealed;
    if (free_bytes)
        FUZZ_ASSERT_MSG(open_copy(c, size, p, &err) == ACEPACK_OK,
                        "a compatible flag bit (with reserved bytes set) caused a rejection");
    memcpy(c, data, size);

    /* Checksums (spec 3.8): a damaged header_crc, then one byte of each
     * region, each found by the check of its own region. */
    if (sealed) {
        c[64] ^= (uint8_t)fuzz_dp_range(dp, 1, 255);
        expect_reject(c, size, p, "R-CRC-1", 64, 1);
        memcpy(c, data, size);
        const struct {
            uint64_t off, len;
            const char *rule;
        } reg[3] = {{128, r->chunk_end - 128, "R-CRC-2"},
                    {r->evt_offset, r->evt_length, "R-CRC-3"},
                    {r->index_offset, r->index_length, "R-CRC-4"}};
        for (int k = 0; k < 3; k++) {
            if (reg[k].len == 0)
                continue;
            uint32_t span = reg[k].len - 1 > 0xFFFFFFFEu ? 0xFFFFFFFEu : (uint32_t)(reg[k].len - 1);
            size_t b = (size_t)(reg[k].off + fuzz_dp_range(dp, 0, span));
            c[b] ^= (uint8_t)fuzz_dp_range(dp, 1, 255);
            expect_reject(c, size, p, reg[k].rule, k == 0 ? 128 : reg[k].off, 1);
            memcpy(c, data, size);
        }
    }

    /* A reserved byte with no compatible bit set. */
    if ((r->flags & 0xFFFFu) == 0 && !in_region(r, which, 1)) {
        c[which] = (uint8_t)(c[which] | 0x80u);
        if (p == ACEPACK_STRICT)
            expect_reject(c, size, p, r->version == 2 ? "R-HDR-6" : "R-V1-1", UINT64_MAX, 1);
        else
            FUZZ_ASSERT_MSG(open_copy(c, size, p, &err) == ACEPACK_OK,
                            "compat checked the reserved bytes");
    }
    free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The status names are total (stable numbers, "unknown" past the end). */
    for (int s = 0; s <= ACEPACK_STATUS_LAST; s++)
        FUZZ_ASSERT(strcmp(acepack_status_name((acepack_status)s), "unknown") != 0);
    acepack_status past = (acepack_status)(ACEPACK_STATUS_LAST + 1);
    FUZZ_ASSERT(strcmp(acepack_status_name(past), "unknown") == 0);
    FUZZ_ASSERT(acepack_version_string() != NULL);

    /* Parameters for the mutations come from the end of a copy of the input,
     * which is otherwise used whole as the file. */
    fuzz_dp dp = fuzz_dp_init(data, size);
    acepack_reader r[2];
    acepack_status st[2];
    for (int i = 0; i < 2; i++) {
        acepack_profile p = i == 0 ? ACEPACK_STRICT : ACEPACK_COMPAT;
        acepack_error err;
        memset(&err, 0, sizeof err);
        st[i] = acepack_open(&r[i], data, size, p, &err);
        if (st[i] == ACEPACK_OK)
            fuzz_check_header(&r[i], data, size);
        else
            fuzz_check_open_error(st[i], &err, size, p);
    }
    if (st[0] == ACEPACK_OK)
        FUZZ_ASSERT_MSG(st[1] == ACEPACK_OK, "strict opened a file that compat rejects (spec 1.4)");
    FUZZ_ASSERT(acepack_open(NULL, data, size, ACEPACK_STRICT, NULL) == ACEPACK_ARG);
    if (size > 0) {
        acepack_reader tmp;
        FUZZ_ASSERT(acepack_open(&tmp, NULL, size, ACEPACK_STRICT, NULL) == ACEPACK_ARG);
    }
    for (int i = 0; i < 2; i++)
        if (st[i] == ACEPACK_OK)
            mutations(data, size, &r[i], &dp);
    return 0;
}
