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
        while (a < n && (p[a] == ' ' || p[a] == '\t' || p[a] == '\n' || p[a] == '\r'))
            a++;
        while (b > a &&
               (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\n' || p[b - 1] == '\r'))
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

/* The events [first, first + n) of one event section (the file's, or a
 * segment of a segmented file, spec 3.7) at sec_off, len bytes, decoded
 * here from spec 3.3.1 and compared with every accessor. */
static void check_run(const acepack_reader *r, uint64_t sec_off, uint64_t len, uint32_t first,
                      uint32_t n, fuzz_events_report *rep)
{
    const int strict = r->profile == ACEPACK_STRICT;
    FUZZ_ASSERT(sec_off <= r->size && len <= r->size - sec_off);
    const uint8_t *sec = r->data + (size_t)sec_off;
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
    acepack_event ev;
    if (strict) {
        for (uint64_t i = 0; i < pad; i++)
            FUZZ_ASSERT_MSG(flags[n + i] == 0, "R-EVT-5");
        FUZZ_ASSERT_MSG(len == pool + pool_length, "R-EVT-4");
    }

    uint64_t packed = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t i = first + j;
        uint64_t t = fuzz_get_be64(ts + 8u * (size_t)j);
        uint32_t off = fuzz_get_be32(pay_off + 4u * (size_t)j);
        uint32_t pl = fuzz_get_be32(pay_len + 4u * (size_t)j);
        FUZZ_ASSERT_MSG(pool + off + pl <= len, "R-EVT-7: payload outside the section");
        if (strict) {
            FUZZ_ASSERT_MSG(t <= FUZZ_MAX53, "R-EVT-8");
            FUZZ_ASSERT_MSG(off == packed, "R-EVT-6: pool not packed in event order");
            packed += pl;
        }

        memset(&ev, 0xA5, sizeof ev);
        FUZZ_ASSERT(acepack_event_get(r, i, &ev) == ACEPACK_OK);
        FUZZ_ASSERT(ev.id == (uint64_t)r->evt_base_id + i + 1u); /* R-EVT-10 */
        FUZZ_ASSERT(ev.ts == t && ev.kind == kind[j] && ev.source == source[j] &&
                    ev.flags == flags[j]);
        FUZZ_ASSERT_MSG(ev.payload.ptr == sec + pool + off && ev.payload.len == pl,
                        "payload span is not the one the columns give");
        FUZZ_ASSERT(fuzz_inside(ev.payload.ptr, ev.payload.len, sec, (size_t)len));

        /* The inline column accessors agree with acepack_event_get. */
        FUZZ_ASSERT(acepack_event_ts(r, i) == t);
        FUZZ_ASSERT(acepack_event_kind(r, i) == kind[j]);
        FUZZ_ASSERT(acepack_event_source(r, i) == source[j]);
        FUZZ_ASSERT(acepack_event_flags(r, i) == flags[j]);
        FUZZ_ASSERT(acepack_event_id(r, i) == ev.id);
        acepack_span s = acepack_event_payload(r, i);
        FUZZ_ASSERT(s.ptr == ev.payload.ptr && s.len == ev.payload.len);

        uint64_t at = 0; /* json_check's position inside the payload */
        if (!check_payload_text(ev.payload.ptr, ev.payload.len, &at))
            rep->bad_offsets[rep->bad_payloads++] = (uint64_t)(ev.payload.ptr - r->data);
    }
    if (strict)
        FUZZ_ASSERT_MSG(packed == pool_length, "R-EVT-6: pool_length is not the sum");
}

/* A segmented file (flag bit 16): the table decoded here (spec 3.7), the
 * invariants an accepted file must have (R-SEG-1, 3..7), every segment's
 * events, and the segment views of the library against the same decode. */
static void check_segments(const acepack_reader *r, uint32_t n, fuzz_events_report *rep)
{
    const int strict = r->profile == ACEPACK_STRICT;
    const uint8_t *t = r->data + (size_t)r->evt_offset;
    const uint64_t s = fuzz_get_be32(t);
    FUZZ_ASSERT_MSG(s >= 1 && s <= 65536 && r->evt_length == 8u + 32u * s, "R-SEG-1");
    FUZZ_ASSERT(acepack_event_segment_count(r) == s);
    uint64_t total = 0, prev_end = 0;
    for (uint64_t k = 0; k < s; k++) {
        const uint8_t *e = t + 8 + 32 * (size_t)k;
        uint64_t so = fuzz_get_be64(e), sl = fuzz_get_be64(e + 8), fe = fuzz_get_be64(e + 16);
        FUZZ_ASSERT_MSG(so >= 128 && sl <= r->evt_offset && so <= r->evt_offset - sl, "R-SEG-3");
        FUZZ_ASSERT_MSG(k == 0 || so >= prev_end, "R-SEG-4");
        FUZZ_ASSERT_MSG(sl >= 8, "R-SEG-5");
        FUZZ_ASSERT_MSG(fe == total, "R-SEG-6");
        uint32_t cnt = fuzz_get_be32(r->data + (size_t)so);
        FUZZ_ASSERT_MSG(!strict || cnt > 0, "R-SEG-7");
        FUZZ_ASSERT(total + cnt <= n);
        check_run(r, so, sl, (uint32_t)total, cnt, rep);
        acepack_segment info;
        acepack_reader v;
        FUZZ_ASSERT(acepack_event_segment(r, (uint32_t)k, &info, &v) == ACEPACK_OK);
        FUZZ_ASSERT(info.offset == so && info.length == sl && info.first_event == fe &&
                    info.count == cnt && info.crc == fuzz_get_be32(e + 24));
        FUZZ_ASSERT(acepack_event_count(&v) == cnt);
        for (uint32_t j = 0; j < cnt; j++) {
            FUZZ_ASSERT(acepack_event_ts(&v, j) == acepack_event_ts(r, (uint32_t)total + j));
            FUZZ_ASSERT(acepack_event_id(&v, j) == acepack_event_id(r, (uint32_t)total + j));
        }
        total += cnt;
        prev_end = so + sl;
    }
    FUZZ_ASSERT_MSG(total == n && total == r->evt_count_field, "R-SEG-6: evt_count");
    FUZZ_ASSERT(acepack_event_segment(r, (uint32_t)s, NULL, NULL) == ACEPACK_ARG);
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
    if (r->version == 2 && (r->flags & 0x00010000u)) {
        rep->bad_offsets = (uint64_t *)fuzz_malloc(sizeof(uint64_t) * (n ? n : 1));
        check_segments(r, n, rep);
        return;
    }
    if (n == 0)
        return;

    FUZZ_ASSERT(r->version == 2);
    rep->bad_offsets = (uint64_t *)fuzz_malloc(sizeof(uint64_t) * n);
    check_run(r, r->evt_offset, r->evt_length, 0, n, rep);
}

void fuzz_events_report_free(fuzz_events_report *rep)
{
    free(rep->bad_offsets);
    rep->bad_offsets = NULL;
}
