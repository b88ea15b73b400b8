/*
 * segments.c - the segmented event log (flag bit 16, spec 3.7): the segment
 * table's checks at open (R-SEG-1..8, and R-EVT-3..8 per segment through
 * ap_check_section), locating event i by a binary search over first_event,
 * and per-segment views for scans.
 *
 * The table is checked in one pass without memory: segments must be in file
 * order (R-SEG-4), so overlap is a comparison with the previous entry.
 * R-SEG-10 (segment_crc, with flag bit 0) is a second pass once the whole
 * table holds, as R-CRC-2..4 wait for the layout rules (spec 3.8).
 */
#include "internal.h"

#include "../common/crc32c.h"

#define AP_MAX_SEGMENTS 65536u /* R-SEG-1 */

/* One entry of the table: R-SEG-2, 8, 3, 4, 5, 6, the section, R-SEG-7. */
static acepack_status check_entry(acepack_reader *r, uint32_t k, uint64_t *prev_end,
                                  uint64_t *total, acepack_error *err)
{
    const uint8_t *e = r->priv.segs + 32 * (size_t)k;
    uint64_t eoff = r->evt_offset + 8u + 32u * (uint64_t)k;
    uint64_t so = ap_be64(e), sl = ap_be64(e + 8), fe = ap_be64(e + 16);
    uint64_t iend = r->index_offset + r->index_length; /* R-LAY-1: no overflow */
    int strict = r->profile == ACEPACK_STRICT;
    acepack__columns c;
    acepack_status st;
    uint32_t count = 0; /* set on success only; 0 so no path reads it unset (tools/prove) */

    if (strict && ap_first_nonzero(e + 28, 4) < 4)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-2", eoff + 28 + ap_first_nonzero(e + 28, 4),
                       "segment table reserved bytes are not zero");
    if (strict && (r->flags & 0xFFFFu) == 0 && ap_be32(e + 24) != 0)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-8", eoff + 24,
                       "segment_crc is not zero and no compatible flag bit is set");
    /* 128 <= so and so + sl <= evt_offset, without overflow */
    if (so < 128 || sl > r->evt_offset || so > r->evt_offset - sl)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-3", eoff,
                       "segment is not between the header and the segment table");
    if (r->index_length > 0 && so < iend && r->index_offset < so + sl)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-3", eoff, "segment overlaps the index");
    if (k > 0 && so < *prev_end)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-4", eoff,
                       "segment starts before the end of the previous segment");
    if (sl < 8)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-5", eoff + 8, "segment_length is below 8");
    if (fe != *total)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-6", eoff + 16,
                       "first_event differs from the events of the earlier segments");
    if ((st = ap_check_section(r, so, sl, 0, &count, &c, err)) != ACEPACK_OK)
        return st;
    if (strict && count == 0)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-7", so, "segment holds no event");
    *total += count;
    *prev_end = so + sl;
    return ACEPACK_OK;
}

acepack_status ap_open_segments(acepack_reader *r, acepack_error *err)
{
    const uint8_t *tab;
    uint64_t s, prev_end = 0, total = 0;
    uint32_t k;
    acepack_status st;

    if (r->evt_length < 8)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-1", 48, "segment table shorter than 8 bytes");
    tab = r->data + (size_t)r->evt_offset; /* inside the file: R-LAY-2 */
    s = ap_be32(tab);
    if (s == 0 || s > AP_MAX_SEGMENTS)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-1", r->evt_offset,
                       "segment count is not in 1..65536");
    if (r->evt_length != 8u + 32u * s)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-1", 48, "evt_length differs from 8 + 32 S");
    if (r->profile == ACEPACK_STRICT && ap_first_nonzero(tab + 4, 4) < 4)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-2",
                       r->evt_offset + 4 + ap_first_nonzero(tab + 4, 4),
                       "segment table reserved bytes are not zero");
    r->priv.segs = tab + 8;
    for (k = 0; k < s; k++)
        if ((st = check_entry(r, k, &prev_end, &total, err)) != ACEPACK_OK)
            return st;
    if (total != r->evt_count_field)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-6", 56,
                       "header evt_count differs from the events of the segments");
    /* R-SEG-10: every segment lies inside the file now (R-SEG-3). */
    if (r->profile == ACEPACK_STRICT && (r->flags & AP_FLAG_CHECKSUMS)) {
        for (k = 0; k < s; k++) {
            const uint8_t *e = r->priv.segs + 32 * (size_t)k;
            uint64_t so = ap_be64(e);
            if (ap_be32(e + 24) != ap_crc32c(0, r->data + (size_t)so, (size_t)ap_be64(e + 8)))
                return ap_fail(err, ACEPACK_INVALID, "R-SEG-10", so,
                               "segment_crc does not match the segment (it is damaged)");
        }
    }
    r->priv.seg_count = (uint32_t)s;
    r->event_count = (uint32_t)total;
    return ACEPACK_OK;
}

uint32_t acepack__event_segment_of(const acepack_reader *r, uint32_t i)
{
    /* The last entry whose first_event <= i (empty compat segments share
     * their first_event with the next one; the last of them holds i). */
    uint32_t lo = 0, hi = r->priv.seg_count; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ap_be64(r->priv.segs + 32 * (size_t)mid + 16) <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

uint32_t acepack__event_locate(const acepack_reader *r, uint32_t i, acepack__columns *c)
{
    const uint8_t *e = r->priv.segs + 32 * (size_t)acepack__event_segment_of(r, i);
    const uint8_t *sec = r->data + (size_t)ap_be64(e);
    acepack__columns_of(sec, ap_be32(sec), c); /* count checked at open */
    return i - (uint32_t)ap_be64(e + 16);
}

uint32_t acepack_event_segment_count(const acepack_reader *r)
{
    if (r == NULL || r->version != 2)
        return 0;
    return r->priv.seg_count ? r->priv.seg_count : 1u;
}

acepack_status acepack_event_segment(const acepack_reader *r, uint32_t s, acepack_segment *info,
                                     acepack_reader *view)
{
    acepack_segment g;
    acepack__columns c;
    if (r == NULL || s >= acepack_event_segment_count(r))
        return ACEPACK_ARG;
    if (r->priv.seg_count == 0) {
        g.offset = r->evt_offset;
        g.length = r->evt_length;
        g.first_event = 0;
        g.count = r->event_count;
        g.crc = 0;
        c = r->priv.col;
    } else {
        const uint8_t *e = r->priv.segs + 32 * (size_t)s;
        const uint8_t *sec;
        g.offset = ap_be64(e);
        g.length = ap_be64(e + 8);
        g.first_event = ap_be64(e + 16);
        g.crc = ap_be32(e + 24);
        sec = r->data + (size_t)g.offset;
        g.count = ap_be32(sec);
        acepack__columns_of(sec, g.count, &c);
    }
    if (info != NULL)
        *info = g;
    if (view != NULL) {
        *view = *r;
        view->priv.seg_count = 0;
        view->priv.segs = NULL;
        view->priv.col = c;
        view->event_count = g.count;
        view->priv.id_base = r->priv.id_base + g.first_event;
    }
    return ACEPACK_OK;
}

/* Here rather than in events.c: it goes through the accessors, which may
 * locate a segment (events.c stays below this file, tools/check_layers.py). */
acepack_status acepack_event_get(const acepack_reader *r, uint32_t i, acepack_event *out)
{
    if (r == NULL || out == NULL || i >= r->event_count)
        return ACEPACK_ARG;
    out->id = acepack_event_id(r, i);
    out->ts = acepack_event_ts(r, i);
    out->kind = acepack_event_kind(r, i);
    out->source = acepack_event_source(r, i);
    out->flags = acepack_event_flags(r, i);
    out->payload = acepack_event_payload(r, i);
    return ACEPACK_OK;
}
