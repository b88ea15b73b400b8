/*
 * fuzz_check_events.c - the event section against the harness's own decode
 * of spec 3.3.1 (see fuzz_checks.h).
 */
#include <string.h>

#include "fuzz_checks.h"
#include "fuzz_oracles.h"

/* One payload through acepack_json_check and acepack_utf8_check.
 * @return 1 when json_check accepts it; else 0 and *at = its error offset
 *         (relative to the payload). */
static int check_payload_text(const uint8_t *p, size_t n, uint64_t *at)
{
    size_t ref_utf8 = fuzz_ref_utf8_check(p, n);
    FUZZ_ASSERT_MSG(acepack_utf8_check(p, n) == ref_utf8, "acepack_utf8_check disagrees");
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = acepack_json_check(p, n, &e);
    if (st == ACEPACK_OK) {
        FUZZ_ASSERT_MSG(ref_utf8 == n, "json_check accepted invalid UTF-8 (R-PAY-1)");
        /* An object: the first non-whitespace byte is '{' and the last '}'. */
        size_t a = 0, b = n;
        while (a < n && (p[a] == ' ' || p[a] == '\t' || p[a] == '\n' || p[a] == '\r')) a++;
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\n' ||
                         p[b - 1] == '\r'))
            b--;
        FUZZ_ASSERT_MSG(b - a >= 2 && p[a] == '{' && p[b - 1] == '}',
                        "json_check accepted a text that is not an object (R-PAY-2)");
        return 1;
    }
    FUZZ_ASSERT(st == ACEPACK_INVALID && e.status == ACEPACK_INVALID);
    *at = e.offset;
    FUZZ_ASSERT(e.rule != NULL && e.message != NULL);
    FUZZ_ASSERT(e.offset <= n);
    if (strcmp(e.rule, "R-PAY-1") == 0) {
        FUZZ_ASSERT_MSG(e.offset == ref_utf8, "R-PAY-1 offset is not the first invalid sequence");
    } else {
        FUZZ_ASSERT_MSG(strcmp(e.rule, "R-PAY-2") == 0 || strcmp(e.rule, "R-PAY-3") == 0,
                        "json_check cites a rule other than R-PAY-1..3");
        /* A JSON error is found at or before the first invalid UTF-8 byte. */
        FUZZ_ASSERT(e.offset <= ref_utf8);
    }
    if (strcmp(e.rule, "R-PAY-3") == 0)
        FUZZ_ASSERT_MSG(p[e.offset] == '{' || p[e.offset] == '[',
                        "R-PAY-3 offset is not an opening bracket");
    return 0;
}

void fuzz_check_events(const acepack_reader *r, fuzz_events_report *rep)
{
    memset(rep, 0, sizeof *rep);
    const uint32_t n = acepack_event_count(r);
    FUZZ_ASSERT(n == r->event_count);
    rep->count = n;
    acepack_event ev;
    FUZZ_ASSERT(acepack_event_get(r, n, &ev) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_event_get(r, UINT32_MAX, &ev) == ACEPACK_ARG);
    if (n == 0) return;

    FUZZ_ASSERT(r->version == 2);
    const int strict = r->profile == ACEPACK_STRICT;
    const uint8_t *sec = r->data + (size_t)r->evt_offset;
    const uint64_t len = r->evt_length;
    const uint64_t pad = (4u - n % 4u) % 4u;
    const uint64_t pool = 8u + 19u * (uint64_t)n + pad;
    FUZZ_ASSERT_MSG(pool <= len, "R-EVT-3: columns outside the section");
    const uint8_t *ts = sec + 4;
    const uint8_t *kind = ts + 8u * (size_t)n;
    const uint8_t *source = kind + n;
    const uint8_t *flags = source + n;
    const uint8_t *pay_off = flags + n + (size_t)pad;
    const uint8_t *pay_len = pay_off + 4u * (size_t)n;
    const uint32_t pool_length = fuzz_get_be32(pay_len + 4u * (size_t)n);
    if (strict) {
        for (uint64_t i = 0; i < pad; i++) FUZZ_ASSERT_MSG(flags[n + i] == 0, "R-EVT-5");
        FUZZ_ASSERT_MSG(len == pool + pool_length, "R-EVT-4");
    }

    rep->bad_offsets = (uint64_t *)fuzz_malloc(sizeof(uint64_t) * n);
    uint64_t packed = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t t = fuzz_get_be64(ts + 8u * (size_t)i);
        uint32_t off = fuzz_get_be32(pay_off + 4u * (size_t)i);
        uint32_t pl = fuzz_get_be32(pay_len + 4u * (size_t)i);
        FUZZ_ASSERT_MSG(pool + off + pl <= len, "R-EVT-7: payload outside the section");
        if (strict) {
            FUZZ_ASSERT_MSG(t <= FUZZ_MAX53, "R-EVT-8");
            FUZZ_ASSERT_MSG(off == packed, "R-EVT-6: pool not packed in event order");
            packed += pl;
        }

        memset(&ev, 0xA5, sizeof ev);
        FUZZ_ASSERT(acepack_event_get(r, i, &ev) == ACEPACK_OK);
        FUZZ_ASSERT(ev.id == (uint64_t)r->evt_base_id + i + 1u); /* R-EVT-10 */
        FUZZ_ASSERT(ev.ts == t && ev.kind == kind[i] && ev.source == source[i] &&
                    ev.flags == flags[i]);
        FUZZ_ASSERT_MSG(ev.payload.ptr == sec + pool + off && ev.payload.len == pl,
                        "payload span is not the one the columns give");
        FUZZ_ASSERT(fuzz_inside(ev.payload.ptr, ev.payload.len, sec, (size_t)len));

        /* The inline column accessors agree with acepack_event_get. */
        FUZZ_ASSERT(acepack_event_ts(r, i) == t);
        FUZZ_ASSERT(acepack_event_kind(r, i) == kind[i]);
        FUZZ_ASSERT(acepack_event_source(r, i) == source[i]);
        FUZZ_ASSERT(acepack_event_flags(r, i) == flags[i]);
        FUZZ_ASSERT(acepack_event_id(r, i) == ev.id);
        acepack_span s = acepack_event_payload(r, i);
        FUZZ_ASSERT(s.ptr == ev.payload.ptr && s.len == ev.payload.len);

        uint64_t at = 0; /* json_check's position inside the payload */
        if (!check_payload_text(ev.payload.ptr, ev.payload.len, &at))
            rep->bad_offsets[rep->bad_payloads++] = (uint64_t)(ev.payload.ptr - r->data);
    }
    if (strict) FUZZ_ASSERT_MSG(packed == pool_length, "R-EVT-6: pool_length is not the sum");
}

void fuzz_events_report_free(fuzz_events_report *rep)
{
    free(rep->bad_offsets);
    rep->bad_offsets = NULL;
}
