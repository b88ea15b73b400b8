/* test_events.c - the event section (spec 3.3): R-EVT-1..10. */
#include "tfile.h"

static void no_index_events(const uint8_t *sec, size_t elen)
{
    tf_v2(&F, NULL, 0, sec, elen, "{}");
}

static void length_below_8(acepack_profile p)
{
    static const uint8_t four[4] = {0, 0, 0, 0};
    acepack_reader r;
    no_index_events(four, 4);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-1", 48);
    } else {
        EXPECT_OK(p);
    }
    no_index_events(four, 0);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-1", 48);
    } else {
        EXPECT_OK(p);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(r.event_count, 0);
    }
}

static void compat_short_or_empty_section(acepack_profile p)
{
    /* R-EVT-2: count 0 makes the rest of the section meaningless in compat */
    static const uint8_t sec[12] = {0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4};
    static const uint8_t two[2] = {0xFF, 0xFF};
    acepack_reader r;
    no_index_events(sec, 12);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-4", 128); /* the section start */
    } else {
        EXPECT_OK(p);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(r.event_count, 0);
    }
    /* evt_length 2 < 4: no events even though the bytes are not zero */
    no_index_events(two, 2);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-1", 48);
    } else {
        EXPECT_OK(p);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(r.event_count, 0);
    }
}

static void count_exceeds_section(acepack_profile p)
{
    tf_s1();
    be32_at(F.d + 134, 0xFFFFFFFFu);
    be32_at(F.d + 56, 0xFFFFFFFFu);
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-3", 134);
    /* N = 2 needs 8 + 38 + 2 = 48 > 32 bytes */
    tf_s1();
    be32_at(F.d + 134, 2);
    be32_at(F.d + 56, 2);
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-3", 134);
    /* compat: a section of 4..7 bytes with count > 0 */
    {
        static const uint8_t sec[6] = {0, 0, 0, 1, 0, 0};
        no_index_events(sec, 6);
        EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-EVT-1" : "R-EVT-3",
                    p == ACEPACK_STRICT ? 48 : 128);
    }
}

static void section_length_mismatch(acepack_profile p)
{
    tf_s1();
    tf_insert(166, "\0", 1); /* evt_length 33 = 8 + 19 + 3 + 2 + 1 */
    be64_at(F.d + 48, 33);
    be64_at(F.d + 16, 167);
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-4", 134); /* the section start */
    else
        EXPECT_OK(p);
}

static void pad_nonzero(acepack_profile p)
{
    tf_s1();
    F.d[150] = 0x01; /* pad is 149..151 */
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-5", 150); /* the first non-zero pad byte */
    else
        EXPECT_OK(p);
}

static void pool_not_packed(acepack_profile p)
{
    /* N = 2 at 128: pay_off at 128+28 = 156, pay_len at 164, pool_length 172,
     * pool 176..179 "{}{}".  Swapping the offsets keeps every payload inside. */
    static const tev ev[] = {{1, 0, 0, 0, "{}"}, {2, 0, 0, 0, "{}"}};
    uint8_t sec[64];
    acepack_reader r;
    size_t elen = tf_events(sec, ev, 2);
    CHECK_U64(elen, 52);
    no_index_events(sec, elen);
    EXPECT_OK(p);
    be32_at(F.d + 156, 2);
    be32_at(F.d + 160, 0);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-6", 156);
    } else {
        EXPECT_OK(p);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK(acepack_event_payload(&r, 0).ptr == F.d + 178);
    }
    /* overlapping payloads: both at 0 */
    no_index_events(sec, elen);
    be32_at(F.d + 160, 0);
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-6", 160);
    else
        EXPECT_OK(p);
}

static void pool_length_not_sum(acepack_profile p)
{
    tf_s1();
    tf_insert(166, "\0", 1); /* one pool byte more */
    be64_at(F.d + 48, 33);
    be64_at(F.d + 16, 167);
    be32_at(F.d + 160, 3); /* pool_length 3: R-EVT-4 holds, the sum is 2 */
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-6", 160);
    else
        EXPECT_OK(p);
}

static void payload_outside(acepack_profile p)
{
    tf_s1();
    be32_at(F.d + 156, 3); /* pay_len 3 > the 2 pool bytes */
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-7", 152);
    tf_s1();
    be32_at(F.d + 152, 0xFFFFFFFFu); /* pay_off far out; no 32-bit wrap */
    be32_at(F.d + 156, 0xFFFFFFFFu);
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-7", 152);
}

static void ts_above_2_53(acepack_profile p)
{
    acepack_reader r;
    tf_s1();
    be64_at(F.d + 138, 9007199254740991ull);
    EXPECT_OK(p);
    be64_at(F.d + 138, 9007199254740992ull);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-8", 138);
    } else {
        EXPECT_OK(p);
        be64_at(F.d + 138, UINT64_MAX);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(acepack_event_ts(&r, 0), UINT64_MAX);
    }
}

static void header_count_differs(acepack_profile p)
{
    tf_s1();
    be32_at(F.d + 56, 2);
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-EVT-9", 56);
    else
        EXPECT_OK(p);
}

static void event_ids(acepack_profile p)
{
    static const tev ev[] = {{10, 1, 2, 3, "{\"a\":1}"}, {20, 4, 5, 6, "{}"}};
    uint8_t sec[128];
    acepack_reader r;
    acepack_event e;
    size_t elen = tf_events(sec, ev, 2);
    no_index_events(sec, elen);
    be32_at(F.d + 60, 5);
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK(acepack_event_get(&r, 0, &e) == ACEPACK_OK);
    CHECK_U64(e.id, 6);
    CHECK(acepack_event_get(&r, 1, &e) == ACEPACK_OK);
    CHECK_U64(e.id, 7);
    /* 64-bit arithmetic: (2^32-1) + 1 + 1 */
    be32_at(F.d + 60, 0xFFFFFFFFu);
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK_U64(acepack_event_id(&r, 1), 0x100000001ull);
}

static void unaligned_columns(acepack_profile p)
{
    /* spec 3.3.2: pay_off starts at 18, 28, 38, 48, 62 for N = 1..5 */
    static const tev ev[5] = {{1, 11, 21, 31, "{\"n\":0}"},
                              {2, 12, 22, 32, "{\"n\":1}"},
                              {3, 13, 23, 33, "{\"n\":22}"},
                              {4, 14, 24, 34, "{}"},
                              {5, 15, 25, 35, "{\"n\":4444}"}};
    static const size_t pay_off_pos[5] = {18, 28, 38, 48, 62};
    uint32_t n, i;
    for (n = 1; n <= 5; n++) {
        uint8_t sec[256];
        static const uint8_t chunk[7] = {0, 0, 0, 3, 'x', 'y', 'z'}; /* odd section start 135 */
        acepack_reader r;
        size_t elen = tf_events(sec, ev, n), pool = 0;
        /* the builder's pay_off[0] is 0 at the spec's position */
        CHECK(sec[pay_off_pos[n - 1]] == 0 && sec[pay_off_pos[n - 1] + 3] == 0);
        for (i = 0; i < n; i++)
            pool += strlen(ev[i].payload);
        CHECK_U64(elen, 8 + 19 * n + (4 - n % 4) % 4 + pool);
        tf_v2(&F, chunk, 7, sec, elen, "{\"k\":{\"offset\":128,\"length\":3}}");
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(acepack_event_count(&r), n);
        for (i = 0; i < n; i++) {
            acepack_event e;
            CHECK(acepack_event_get(&r, i, &e) == ACEPACK_OK);
            CHECK_U64(e.ts, ev[i].ts);
            CHECK_U64(e.kind, ev[i].kind);
            CHECK_U64(e.source, ev[i].source);
            CHECK_U64(e.flags, ev[i].flags);
            CHECK_U64(e.payload.len, strlen(ev[i].payload));
            CHECK(memcmp(e.payload.ptr, ev[i].payload, e.payload.len) == 0);
            CHECK_U64(acepack_event_ts(&r, i), ev[i].ts);
            CHECK_U64(acepack_event_kind(&r, i), ev[i].kind);
            CHECK_U64(acepack_event_source(&r, i), ev[i].source);
            CHECK_U64(acepack_event_flags(&r, i), ev[i].flags);
            CHECK(acepack_event_payload(&r, i).ptr == e.payload.ptr);
        }
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    }
}

static void event_get_out_of_range(acepack_profile p)
{
    acepack_reader r;
    acepack_event e;
    tf_s1();
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK(acepack_event_get(&r, 1, &e) == ACEPACK_ARG);
    CHECK(acepack_event_get(&r, 0xFFFFFFFFu, &e) == ACEPACK_ARG);
    CHECK(acepack_event_get(&r, 0, NULL) == ACEPACK_ARG);
    CHECK(acepack_event_get(&r, 0, &e) == ACEPACK_OK);
    CHECK_U64(e.id, 1);
    CHECK_U64(e.ts, 1000);
    CHECK_U64(e.kind, 1);
    CHECK_U64(e.source, 2);
    CHECK_U64(e.flags, 0);
    CHECK_MEM(e.payload.ptr, e.payload.len, "{}");
}

const t_test TESTS_EVENTS[] = {
    T_BOTH("R-EVT-1.length_below_8", length_below_8),
    T_BOTH("R-EVT-2.short_or_empty_section", compat_short_or_empty_section),
    T_BOTH("R-EVT-3.count_exceeds_section", count_exceeds_section),
    T_BOTH("R-EVT-4.section_length_mismatch", section_length_mismatch),
    T_BOTH("R-EVT-5.pad_nonzero", pad_nonzero),
    T_BOTH("R-EVT-6.pool_not_packed", pool_not_packed),
    T_BOTH("R-EVT-6.pool_length_not_sum", pool_length_not_sum),
    T_BOTH("R-EVT-7.payload_outside_section", payload_outside),
    T_BOTH("R-EVT-8.ts_above_2_53", ts_above_2_53),
    T_BOTH("R-EVT-9.header_count_differs", header_count_differs),
    T_BOTH("R-EVT-10.event_ids", event_ids),
    T_BOTH("R-EVT.unaligned_columns_n1_to_n5", unaligned_columns),
    T_BOTH("api.event_get_out_of_range", event_get_out_of_range),
    T_END};
