/*
 * header.c - the fixed header and the placement of the regions.
 * v2: spec 3.2 and 3.5 (R-HDR-1..6, R-LAY-1..5); v1: spec 6 (R-V1-1, R-V1-2).
 * Offsets reported are those of the header field at fault (spec 7.2); for
 * reserved bytes the first non-zero one.  Flag bit 0 (spec 3.8): the header's
 * checksum before its fields are used, the regions' once they are placed.
 */
#include "internal.h"

static const uint8_t MAGIC[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};

static acepack_status open_v1(acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;
    int strict = r->profile == ACEPACK_STRICT;
    r->index_offset = ap_be64(d + 16);
    r->index_length = ap_be64(d + 24);
    r->chunk_end = r->index_offset;
    if (strict && (r->flags & 0xFFFFu) == 0 && ap_first_nonzero(d + 32, 32) < 32)
        return ap_fail(err, ACEPACK_INVALID, "R-V1-1", 32 + ap_first_nonzero(d + 32, 32),
                       "reserved header bytes 32..63 are not zero");
    if (!ap_range_ok(r->index_offset, r->index_length, r->size))
        return ap_fail(err, ACEPACK_TRUNCATED, "R-LAY-1", 16,
                       "index extends past the end of the file");
    if (strict && r->index_offset < 64)
        return ap_fail(err, ACEPACK_INVALID, "R-V1-2", 16, "index_offset is below 64");
    return ACEPACK_OK;
}

static acepack_status open_v2(acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;
    int strict = r->profile == ACEPACK_STRICT;
    if (r->size < 128)
        return ap_fail(err, ACEPACK_TRUNCATED, "R-HDR-5", r->size,
                       "a version 2 file is shorter than 128 bytes");
    r->index_offset = ap_be64(d + 16);
    r->index_length = ap_be64(d + 24);
    r->chunk_end = ap_be64(d + 32);
    r->evt_offset = ap_be64(d + 40);
    r->evt_length = ap_be64(d + 48);
    r->evt_count_field = ap_be32(d + 56);
    r->evt_base_id = ap_be32(d + 60);
    if (strict && (r->flags & AP_FLAG_CHECKSUMS)) {
        acepack_status st = ap_check_header_crc(r, err);
        if (st != ACEPACK_OK)
            return st;
    }
    r->priv.id_base = r->evt_base_id; /* R-EVT-10: event i has id id_base + i + 1 */
    /* R-HDR-6: a compatible feature bit may give the reserved bytes a meaning. */
    if (strict && (r->flags & 0xFFFFu) == 0 && ap_first_nonzero(d + 64, 64) < 64)
        return ap_fail(err, ACEPACK_INVALID, "R-HDR-6", 64 + ap_first_nonzero(d + 64, 64),
                       "reserved header bytes 64..127 are not zero");
    if (!ap_range_ok(r->index_offset, r->index_length, r->size))
        return ap_fail(err, ACEPACK_TRUNCATED, "R-LAY-1", 16,
                       "index extends past the end of the file");
    if (!ap_range_ok(r->evt_offset, r->evt_length, r->size))
        return ap_fail(err, ACEPACK_TRUNCATED, "R-LAY-2", 40,
                       "event section extends past the end of the file");
    if (strict) {
        if (r->chunk_end < 128)
            return ap_fail(err, ACEPACK_INVALID, "R-LAY-3", 32, "kv_chunk_end is below 128");
        if (r->evt_offset != r->chunk_end)
            return ap_fail(err, ACEPACK_INVALID, "R-LAY-4", 40,
                           "evt_offset differs from kv_chunk_end");
        /* no overflow: both are inside the file (R-LAY-2) */
        if (r->index_offset != r->evt_offset + r->evt_length)
            return ap_fail(err, ACEPACK_INVALID, "R-LAY-5", 16,
                           "the index does not directly follow the event section");
        if (r->flags & AP_FLAG_CHECKSUMS)
            return ap_check_region_crcs(r, err);
    }
    return ACEPACK_OK;
}

acepack_status ap_open_header(acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;
    if (r->size < 64)
        return ap_fail(err, ACEPACK_TRUNCATED, "R-HDR-1", r->size, "file is shorter than 64 bytes");
    if (memcmp(d, MAGIC, 8) != 0)
        return ap_fail(err, ACEPACK_BAD_MAGIC, "R-HDR-2", 0, "bad magic (not an ACEPACK file)");
    r->version = ap_be32(d + 8);
    if (r->version != 1 && r->version != 2)
        return ap_fail(err, ACEPACK_BAD_VERSION, "R-HDR-3", 8, "unknown format version");
    r->flags = ap_be32(d + 12);
    /* bit 16 (spec 3.7) is defined for version 2 files only */
    if (r->flags & 0xFFFF0000u & ~(r->version == 2 ? (uint32_t)ACEPACK_FLAG_SEGMENTED : 0u))
        return ap_fail(err, ACEPACK_UNSUPPORTED_FEATURE, "R-HDR-4", 12,
                       "an incompatible feature flag is set");
    return r->version == 1 ? open_v1(r, err) : open_v2(r, err);
}

acepack_status acepack_open(acepack_reader *r, const void *data, size_t size,
                            acepack_profile profile, acepack_error *err)
{
    acepack_status st;
    if (r == NULL || (data == NULL && size > 0) ||
        (profile != ACEPACK_STRICT && profile != ACEPACK_COMPAT))
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    memset(r, 0, sizeof *r);
    r->data = (const uint8_t *)data;
    r->size = size;
    r->profile = profile;
    {
        uint64_t size64 = size; /* a variable: on 32-bit targets the test is moot */
        if (size64 > AP_MAX_SAFE_INT)
            return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, size64, "file larger than 2^53-1 bytes");
    }
    st = ap_open_header(r, err);
    if (st == ACEPACK_OK) /* bit 16: a segment table instead of a section (spec 3.7) */
        st =
            (r->flags & ACEPACK_FLAG_SEGMENTED) ? ap_open_segments(r, err) : ap_open_events(r, err);
    if (st == ACEPACK_OK)
        st = ap_scan_index(r, err);
    return st;
}
