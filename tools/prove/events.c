/* events.c - Eva driver: acepack_open, then for any event i < N
 * acepack_event_get() and every inline column accessor, in profile
 * PROVE_PROFILE; the payload span must be readable.  For a segmented file
 * also acepack__event_locate(), exported for binaries built against earlier
 * headers (the accessors no longer call it). */
#include "acepack.h"
#include "prove_input.h"

int main(void)
{
    size_t size;
    const uint8_t *data;
    acepack_reader r;
    acepack_error e;
    acepack_event ev;
    acepack_span p;
    uint32_t n, i;
    uint64_t acc;
    PROVE_INPUT(data, size);
    if (acepack_open(&r, data, size, (acepack_profile)PROVE_PROFILE, &e) != ACEPACK_OK)
        return 1;
    n = acepack_event_count(&r);
    /* Out of range: ACEPACK_ARG, nothing read. */
    if (acepack_event_get(&r, n, &ev) != ACEPACK_ARG)
        return 2;
    if (n == 0)
        return 0;
    i = Frama_C_unsigned_int_interval(0, n - 1);
    if (acepack_event_get(&r, i, &ev) != ACEPACK_OK)
        return 3;
    /*@ assert \valid_read(ev.payload.ptr + (0 .. ev.payload.len - 1)); */
    acc = acepack_event_ts(&r, i) + acepack_event_kind(&r, i) + acepack_event_source(&r, i) +
          acepack_event_flags(&r, i) + acepack_event_id(&r, i);
    p = acepack_event_payload(&r, i);
    /*@ assert \valid_read(p.ptr + (0 .. p.len - 1)); */
    if (r.priv.seg_count != 0) {
        acepack__columns c;
        acc += acepack__event_locate(&r, i, &c); /* its precondition: segmented, i < n */
    }
    return (int)(acc & 1u) + (int)(p.len & 1u);
}
