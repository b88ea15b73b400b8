/*
 * events.c - the columnar event section (spec 3.3): structural checks at
 * open (R-EVT-1..9) and O(1) access straight from the columns.  A segmented
 * file (flag bit 16, spec 3.7) is opened by segments.c instead (acepack_open
 * chooses), which checks each of its segments with ap_check_section() below.
 *
 * The only per-event work at open is the loop that checks payload bounds
 * (R-EVT-7) and, in strict, ts range and pool packing (R-EVT-8, R-EVT-6).
 */
#include "internal.h"

acepack_status ap_check_section(const acepack_reader *r, uint64_t sec_off, uint64_t len,
                                int check_evt_count, uint32_t *count_out, acepack__columns *c,
                                acepack_error *err)
{
    const uint8_t *sec;
    uint64_t n, pad, fixed, pool_len, limit, pay_at, expect = 0;
    uint32_t i, count;
    int strict = r->profile == ACEPACK_STRICT;

    /* The caller checked that the section is inside the file (R-LAY-2,
     * R-SEG-3), so it fits size_t, and that len >= 4. */
    sec = r->data + (size_t)sec_off;
    count = ap_be32(sec);
    n = count;
    pad = (4u - n % 4u) % 4u;
    fixed = 8u + 19u * n + pad; /* 19 * (2^32-1) fits in 64 bits */
    if (fixed > len)
        return ap_fail(err, ACEPACK_INVALID, "R-EVT-3", sec_off,
                       "event count exceeds the event section");

    /* From here every column lies inside the section (R-EVT-3). */
    c->ts = sec + 4;
    c->kind = sec + 4 + 8 * (size_t)n;
    c->source = sec + 4 + 9 * (size_t)n;
    c->flags = sec + 4 + 10 * (size_t)n;
    c->pay_off = sec + 4 + 11 * (size_t)n + (size_t)pad;
    c->pay_len = c->pay_off + 4 * (size_t)n;
    c->pool = sec + (size_t)fixed;
    pool_len = ap_be32(sec + (size_t)fixed - 4);
    limit = len - fixed; /* bytes available to payloads */

    if (strict) {
        const uint8_t *padp = c->flags + n;
        uint64_t k;
        for (k = 0; k < pad; k++)
            if (padp[k] != 0) /* spec 7.2: the first non-zero pad byte */
                return ap_fail(err, ACEPACK_INVALID, "R-EVT-5", sec_off + 4 + 11 * n + k,
                               "event section pad bytes are not zero");
        if (len != fixed + pool_len)
            return ap_fail(err, ACEPACK_INVALID, "R-EVT-4", sec_off,
                           "evt_length differs from the section's own length");
        if (check_evt_count && r->evt_count_field != count)
            return ap_fail(err, ACEPACK_INVALID, "R-EVT-9", 56,
                           "header evt_count differs from the section count");
    }

    /* Offsets in the file for the faults, from sec_off: a pointer difference
     * such as c->pay_off - r->data overflows ptrdiff_t on a 32-bit target
     * once the section lies 2 GiB into a mapping (machdep x86_32, tools/prove). */
    pay_at = sec_off + 4u + 11u * n + pad;
    for (i = 0; i < count; i++) {
        uint64_t off = ap_be32(c->pay_off + 4 * (size_t)i);
        uint64_t plen = ap_be32(c->pay_len + 4 * (size_t)i);
        if (off + plen > limit)
            return ap_fail(err, ACEPACK_INVALID, "R-EVT-7", pay_at + 4u * (uint64_t)i,
                           "event payload extends past the event section");
        if (strict) {
            if (ap_be64(c->ts + 8 * (size_t)i) > AP_MAX_SAFE_INT)
                return ap_fail(err, ACEPACK_INVALID, "R-EVT-8", sec_off + 4u + 8u * (uint64_t)i,
                               "event timestamp above 2^53-1");
            if (off != expect)
                return ap_fail(err, ACEPACK_INVALID, "R-EVT-6", pay_at + 4u * (uint64_t)i,
                               "event payloads are not packed in event order");
            expect += plen;
        }
    }
    if (strict && expect != pool_len)
        return ap_fail(err, ACEPACK_INVALID, "R-EVT-6", sec_off + fixed - 4u,
                       "pool_length differs from the sum of the payload lengths");
    *count_out = count;
    return ACEPACK_OK;
}

acepack_status ap_open_events(acepack_reader *r, acepack_error *err)
{
    uint64_t len = r->evt_length;
    uint32_t count = 0; /* set on success only; 0 so no path reads it unset (tools/prove) */
    acepack_status st;
    int strict = r->profile == ACEPACK_STRICT;

    if (r->version != 2)
        return ACEPACK_OK; /* v1 files have no event section (spec 6) */
    if (len < 8) {
        if (strict)
            return ap_fail(err, ACEPACK_INVALID, "R-EVT-1", 48, "evt_length is below 8");
        if (len < 4)
            return ACEPACK_OK; /* R-EVT-2: no events */
    }
    /* R-LAY-2 holds, so the section is inside the file and fits size_t. */
    if (ap_be32(r->data + (size_t)r->evt_offset) == 0 && !strict)
        return ACEPACK_OK; /* R-EVT-2 */
    st = ap_check_section(r, r->evt_offset, len, 1, &count, &r->priv.col, err);
    if (st == ACEPACK_OK)
        r->event_count = count;
    return st;
}
