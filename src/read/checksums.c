/*
 * checksums.c - flag bit 0, `checksums` (spec 3.8): the CRC32C fields of a v2
 * header, R-CRC-1..5.  Strict only: compat ignores them as it ignores the
 * reserved bytes (spec 3.8 "Compat").  Offsets reported are those of the
 * damaged region's first byte (64 for the header, spec 7.2).
 */
#include "internal.h"

#include "../common/crc32c.h"

uint32_t acepack_crc32c(uint32_t crc, const void *data, size_t size)
{
    return ap_crc32c(crc, data, size);
}

uint32_t ap_header_crc(const uint8_t *h)
{
    static const uint8_t zero4[4] = {0, 0, 0, 0};
    uint32_t c = ap_crc32c(0, h, 64);
    c = ap_crc32c(c, zero4, 4);
    return ap_crc32c(c, h + 68, 60);
}

acepack_status ap_check_header_crc(const acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;
    size_t i;
    if (ap_be32(d + 64) != ap_header_crc(d))
        return ap_fail(err, ACEPACK_INVALID, "R-CRC-1", 64,
                       "header_crc does not match the header (the header is damaged)");
    /* R-CRC-5: another compatible bit may give bytes 80..127 a meaning */
    if ((r->flags & 0xFFFEu) == 0 && (i = ap_first_nonzero(d + 80, 48)) < 48)
        return ap_fail(err, ACEPACK_INVALID, "R-CRC-5", 80 + i,
                       "reserved header bytes 80..127 are not zero");
    return ACEPACK_OK;
}

/* The three regions; the caller has checked that each lies inside the file
 * (R-LAY-1..5 in strict). */
acepack_status ap_check_region_crcs(const acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;
    if (ap_be32(d + 68) != ap_crc32c(0, d + 128, (size_t)(r->chunk_end - 128)))
        return ap_fail(err, ACEPACK_INVALID, "R-CRC-2", 128,
                       "chunks_crc does not match the chunk region (it is damaged)");
    if (ap_be32(d + 72) != ap_crc32c(0, d + r->evt_offset, (size_t)r->evt_length))
        return ap_fail(err, ACEPACK_INVALID, "R-CRC-3", r->evt_offset,
                       "events_crc does not match the event section (it is damaged)");
    if (ap_be32(d + 76) != ap_crc32c(0, d + r->index_offset, (size_t)r->index_length))
        return ap_fail(err, ACEPACK_INVALID, "R-CRC-4", r->index_offset,
                       "index_crc does not match the index (it is damaged)");
    return ACEPACK_OK;
}
