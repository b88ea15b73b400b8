/* write_section.c - the v2 header (W-HDR-1) and the per-event checks (W-EVT-2, W-EVT-4). */
#include "write_internal.h"

#include "../common/crc32c.h"

void aw_header_sign(uint8_t h[128], uint32_t chunks_crc, uint32_t events_crc, uint32_t index_crc)
{
    static const uint8_t zero4[4] = {0, 0, 0, 0};
    aw_put32(h + 12, aw_get32(h + 12) | 1u);
    aw_put32(h + 68, chunks_crc);
    aw_put32(h + 72, events_crc);
    aw_put32(h + 76, index_crc);
    /* header_crc: bytes 0..127 with its own field taken as zero */
    uint32_t c = ap_crc32c(0, h, 64);
    c = ap_crc32c(c, zero4, 4);
    aw_put32(h + 64, ap_crc32c(c, h + 68, 60));
}

void aw_header_v2(uint8_t out[128], uint64_t index_offset, uint64_t index_length,
                  uint64_t evt_offset, uint64_t evt_length, uint32_t evt_count,
                  uint32_t evt_base_id)
{
    static const uint8_t magic[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};
    memset(out, 0, 128); /* flags 0 (W-HDR-2), reserved bytes zero (W-HDR-1) */
    memcpy(out, magic, 8);
    aw_put32(out + 8, 2);
    aw_put64(out + 16, index_offset);
    aw_put64(out + 24, index_length);
    aw_put64(out + 32, evt_offset); /* kv_chunk_end = evt_offset (W-LAY-1) */
    aw_put64(out + 40, evt_offset);
    aw_put64(out + 48, evt_length);
    aw_put32(out + 56, evt_count);
    aw_put32(out + 60, evt_base_id);
}

acepack_status aw_check_event_fields(uint64_t ts, uint32_t kind, uint32_t source, uint32_t flags,
                                     const void *payload, size_t len, uint64_t which,
                                     acepack_error *err)
{
    if (ts > AW_MAX_SAFE)
        return aw_fail(err, ACEPACK_INVALID, "W-EVT-2", which,
                       "event ts is not an integer in [0, 2^53-1]");
    if (kind > 255 || source > 255 || flags > 255)
        return aw_fail(err, ACEPACK_INVALID, "W-EVT-2", which,
                       "event kind, source or flags is not an integer in [0, 255]");
    if (len > 0 && payload == NULL)
        return aw_fail(err, ACEPACK_ARG, NULL, which, "payload is NULL");
    if (aw_gt(len, AW_U32_MAX))
        return aw_fail(err, ACEPACK_UNSUPPORTED, "W-EVT-3", which,
                       "payload longer than 2^32-1 bytes");
    return ACEPACK_OK;
}

acepack_status aw_check_event(uint64_t ts, uint32_t kind, uint32_t source, uint32_t flags,
                              const void *payload, size_t len, uint64_t which, acepack_error *err)
{
    acepack_status st = aw_check_event_fields(ts, kind, source, flags, payload, len, which, err);
    if (st != ACEPACK_OK)
        return st;
    acepack_error je;
    memset(&je, 0, sizeof je);
    if (acepack_json_check(len ? payload : "", len, &je) != ACEPACK_OK) {
        const char *m = "payload is not a JSON object text (R-PAY-2)";
        if (je.rule && strcmp(je.rule, "R-PAY-1") == 0)
            m = "payload is not valid UTF-8 (R-PAY-1)";
        else if (je.rule && strcmp(je.rule, "R-PAY-3") == 0)
            m = "payload nests deeper than 512 levels (R-PAY-3)";
        return aw_fail(err, ACEPACK_INVALID, "W-EVT-4", which, m);
    }
    return ACEPACK_OK;
}
