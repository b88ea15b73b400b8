/*
 * fuzz_check_header.c - header fields and open errors (see fuzz_checks.h).
 */
#include <string.h>

#include "fuzz_checks.h"

static const uint8_t kMagic[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};

/* Rules that spec 7.1 lists for strict only / compat only. */
static int rule_is(const char *rule, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(rule, *list) == 0)
            return 1;
    return 0;
}
static const char *const kStrictOnly[] = {
    "R-HDR-6", "R-LAY-3", "R-LAY-4", "R-LAY-5", "R-CHK-2", "R-CHK-3", "R-CHK-4", "R-EVT-1",
    "R-EVT-4", "R-EVT-5", "R-EVT-6", "R-EVT-8", "R-EVT-9", "R-PAY-1", "R-PAY-2", "R-PAY-3",
    "R-IDX-3", "R-IDX-4", "R-IDX-5", "R-IDX-6", "R-IDX-7", "R-V1-1",  "R-V1-2",  "R-CRC-1",
    "R-CRC-2", "R-CRC-3", "R-CRC-4", "R-CRC-5", NULL};
static const char *const kCompatOnly[] = {"R-EVT-2",  "R-IDX-8",  "R-IDX-9", "R-IDX-10",
                                          "R-IDX-11", "R-IDX-12", NULL};

void fuzz_check_open_error(acepack_status st, const acepack_error *e, size_t size,
                           acepack_profile profile)
{
    FUZZ_ASSERT_MSG(st >= ACEPACK_TRUNCATED && st <= ACEPACK_UNSUPPORTED,
                    "open failed with a status that is not about the file");
    FUZZ_ASSERT(e->status == st);
    FUZZ_ASSERT(acepack_status_is_invalid(st) == (st != ACEPACK_UNSUPPORTED));
    FUZZ_ASSERT(strcmp(acepack_status_name(st), "unknown") != 0);
    FUZZ_ASSERT_MSG(e->message != NULL, "error without a message");
    FUZZ_ASSERT_MSG(e->offset <= (uint64_t)size, "error offset past the end of the file");
    if (st == ACEPACK_UNSUPPORTED)
        return; /* a limit, not necessarily a rule */
    FUZZ_ASSERT_MSG(e->rule != NULL, "rejection without a rule id (spec 7.2)");
    FUZZ_ASSERT_MSG(strncmp(e->rule, "R-", 2) == 0, "reader error cites a non-reader rule");
    if (profile == ACEPACK_STRICT)
        FUZZ_ASSERT_MSG(!rule_is(e->rule, kCompatOnly), "strict rejection under a compat rule");
    else
        FUZZ_ASSERT_MSG(!rule_is(e->rule, kStrictOnly), "compat rejection under a strict rule");
    /* The named classes of spec 7.2 go with their rules, both ways. */
    FUZZ_ASSERT((st == ACEPACK_BAD_MAGIC) == (strcmp(e->rule, "R-HDR-2") == 0));
    FUZZ_ASSERT((st == ACEPACK_BAD_VERSION) == (strcmp(e->rule, "R-HDR-3") == 0));
    FUZZ_ASSERT((st == ACEPACK_UNSUPPORTED_FEATURE) == (strcmp(e->rule, "R-HDR-4") == 0));
    if (strcmp(e->rule, "R-HDR-1") == 0)
        FUZZ_ASSERT(size < 64 && e->offset == size);
    if (strcmp(e->rule, "R-HDR-5") == 0)
        FUZZ_ASSERT(size < 128 && e->offset == size);
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

/* CRC32C of spec 3.8 one bit at a time: the oracle shares nothing with
 * src/common/crc32c.c (tables, hardware path). */
static uint32_t oracle_crc32c(uint32_t c, const uint8_t *p, size_t n)
{
    c = ~c;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

/* A strict v2 file with flag bit 0 that the reader accepted: its four CRC
 * fields match (R-CRC-1..4) and bytes 80..127 are zero unless another
 * compatible bit is set (R-CRC-5).  The regions lie in the file (R-LAY-*). */
static void check_checksums(const acepack_reader *r, const uint8_t *data)
{
    static const uint8_t zero4[4] = {0, 0, 0, 0};
    uint32_t h = oracle_crc32c(oracle_crc32c(oracle_crc32c(0, data, 64), zero4, 4), data + 68, 60);
    FUZZ_ASSERT_MSG(fuzz_get_be32(data + 64) == h, "R-CRC-1");
    FUZZ_ASSERT_MSG(fuzz_get_be32(data + 68) ==
                        oracle_crc32c(0, data + 128, (size_t)(r->chunk_end - 128)),
                    "R-CRC-2");
    FUZZ_ASSERT_MSG(fuzz_get_be32(data + 72) ==
                        oracle_crc32c(0, data + (size_t)r->evt_offset, (size_t)r->evt_length),
                    "R-CRC-3");
    FUZZ_ASSERT_MSG(fuzz_get_be32(data + 76) ==
                        oracle_crc32c(0, data + (size_t)r->index_offset, (size_t)r->index_length),
                    "R-CRC-4");
    if ((r->flags & 0xFFFEu) == 0)
        FUZZ_ASSERT_MSG(all_zero(data + 80, 48), "R-CRC-5");
}

void fuzz_check_header(const acepack_reader *r, const uint8_t *data, size_t size)
{
    const int strict = r->profile == ACEPACK_STRICT;
    FUZZ_ASSERT(r->data == data && r->size == size);
    FUZZ_ASSERT_MSG(size >= 64, "R-HDR-1");
    FUZZ_ASSERT_MSG(memcmp(data, kMagic, 8) == 0, "R-HDR-2");
    FUZZ_ASSERT_MSG(r->version == fuzz_get_be32(data + 8), "version field");
    FUZZ_ASSERT_MSG(r->version == 1 || r->version == 2, "R-HDR-3");
    FUZZ_ASSERT_MSG(r->flags == fuzz_get_be32(data + 12), "flags field");
    /* bit 16 (segmented event log, spec 3.7) is defined for version 2 only */
    FUZZ_ASSERT_MSG((r->flags & 0xFFFF0000u & ~(r->version == 2 ? 0x00010000u : 0u)) == 0,
                    "R-HDR-4");
    FUZZ_ASSERT(r->index_offset == fuzz_get_be64(data + 16));
    FUZZ_ASSERT(r->index_length == fuzz_get_be64(data + 24));
    FUZZ_ASSERT_MSG(r->index_offset <= size && r->index_length <= size - r->index_offset,
                    "R-LAY-1");
    const int reserved_checked = strict && (r->flags & 0xFFFFu) == 0;

    if (r->version == 1) {
        FUZZ_ASSERT(r->chunk_end == r->index_offset);
        FUZZ_ASSERT(r->evt_offset == 0 && r->evt_length == 0 && r->evt_count_field == 0);
        FUZZ_ASSERT(r->evt_base_id == 0 && r->event_count == 0);
        if (strict)
            FUZZ_ASSERT_MSG(r->index_offset >= 64, "R-V1-2");
        if (reserved_checked)
            FUZZ_ASSERT_MSG(all_zero(data + 32, 32), "R-V1-1");
        return;
    }

    FUZZ_ASSERT_MSG(size >= 128, "R-HDR-5");
    FUZZ_ASSERT(r->chunk_end == fuzz_get_be64(data + 32));
    FUZZ_ASSERT(r->evt_offset == fuzz_get_be64(data + 40));
    FUZZ_ASSERT(r->evt_length == fuzz_get_be64(data + 48));
    FUZZ_ASSERT(r->evt_count_field == fuzz_get_be32(data + 56));
    FUZZ_ASSERT(r->evt_base_id == fuzz_get_be32(data + 60));
    FUZZ_ASSERT_MSG(r->evt_offset <= size && r->evt_length <= size - r->evt_offset, "R-LAY-2");
    if (reserved_checked)
        FUZZ_ASSERT_MSG(all_zero(data + 64, 64), "R-HDR-6");

    const uint8_t *sec = data + (size_t)r->evt_offset;
    if (r->flags & 0x00010000u) { /* a segment table (spec 3.7): fuzz_check_events decodes it */
        if (strict) {
            FUZZ_ASSERT_MSG(r->chunk_end >= 128, "R-LAY-3");
            FUZZ_ASSERT_MSG(r->evt_offset == r->chunk_end, "R-LAY-4");
            FUZZ_ASSERT_MSG(r->index_offset == r->evt_offset + r->evt_length, "R-LAY-5");
        }
        FUZZ_ASSERT_MSG(r->evt_count_field == r->event_count, "R-SEG-6");
        return;
    }
    if (strict) {
        FUZZ_ASSERT_MSG(r->chunk_end >= 128, "R-LAY-3");
        FUZZ_ASSERT_MSG(r->evt_offset == r->chunk_end, "R-LAY-4");
        FUZZ_ASSERT_MSG(r->index_offset == r->evt_offset + r->evt_length, "R-LAY-5");
        FUZZ_ASSERT_MSG(r->evt_length >= 8, "R-EVT-1");
        FUZZ_ASSERT(r->event_count == fuzz_get_be32(sec));
        FUZZ_ASSERT_MSG(r->evt_count_field == r->event_count, "R-EVT-9");
        if (r->flags & 1u)
            check_checksums(r, data);
    } else if (r->evt_length < 4) {
        FUZZ_ASSERT_MSG(r->event_count == 0, "R-EVT-2 short section");
    } else {
        FUZZ_ASSERT_MSG(r->event_count == fuzz_get_be32(sec), "R-EVT-2 count");
    }
}
