/* test_header.c - header and layout rules (spec 3.2, 3.5): R-HDR-*, R-LAY-*. */
#include "tfile.h"

static void s1_is_valid(acepack_profile p)
{
    acepack_reader r;
    tf_s1();
    CHECK_U64(F.n, 197);
    EXPECT_OK(p);
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK_U64(r.version, 2);
    CHECK_U64(r.flags, 0);
    CHECK_U64(r.index_offset, 166);
    CHECK_U64(r.index_length, 31);
    CHECK_U64(r.chunk_end, 134);
    CHECK_U64(r.evt_offset, 134);
    CHECK_U64(r.evt_length, 32);
    CHECK_U64(r.evt_count_field, 1);
    CHECK_U64(r.evt_base_id, 0);
    CHECK_U64(r.event_count, 1);
    CHECK_U64(r.entry_count, 1);
}

/* The empty store of spec 8.3, byte for byte. */
static void empty_store(acepack_profile p)
{
    static const uint8_t bytes[138] = {
        0x41,        0x43, 0x45, 0x50, 0x41, 0x43, 0x4b, 0x00, 0,    0, 0,    2, 0,
        0,           0,    0,    0,    0,    0,    0,    0,    0,    0, 0x88, 0, 0,
        0,           0,    0,    0,    0,    2,    0,    0,    0,    0, 0,    0, 0,
        0x80,        0,    0,    0,    0,    0,    0,    0,    0x80, 0, 0,    0, 0,
        0,           0,    0,    8,    0,    0,    0,    0,    0,    0, 0,    0, [136] = 0x7b,
        [137] = 0x7d};
    acepack_reader r;
    expect_open_at(__FILE__, __LINE__, bytes, sizeof bytes, p, ACEPACK_OK, NULL, 0);
    CHECK(acepack_open(&r, bytes, sizeof bytes, p, NULL) == ACEPACK_OK);
    CHECK_U64(r.event_count, 0);
    CHECK_U64(r.entry_count, 0);
}

static void short_file(acepack_profile p)
{
    tf_s1();
    F.n = 63;
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-HDR-1", 63);
    expect_open_at(__FILE__, __LINE__, NULL, 0, p, ACEPACK_TRUNCATED, "R-HDR-1", 0);
}

static void bad_magic(acepack_profile p)
{
    tf_s1();
    F.d[7] = 0x01;
    EXPECT_OPEN(p, ACEPACK_BAD_MAGIC, "R-HDR-2", 0);
    tf_s1();
    F.d[0] = 'a';
    EXPECT_OPEN(p, ACEPACK_BAD_MAGIC, "R-HDR-2", 0);
}

static void bad_version(acepack_profile p)
{
    tf_s1();
    F.d[11] = 3;
    EXPECT_OPEN(p, ACEPACK_BAD_VERSION, "R-HDR-3", 8);
    F.d[11] = 0;
    EXPECT_OPEN(p, ACEPACK_BAD_VERSION, "R-HDR-3", 8);
    F.d[11] = 2;
    F.d[8] = 1; /* 0x01000002 */
    EXPECT_OPEN(p, ACEPACK_BAD_VERSION, "R-HDR-3", 8);
}

static void incompatible_flag(acepack_profile p)
{
    tf_s1();
    F.d[13] = 0x02; /* bit 17 (bit 16 is defined: spec 3.7) */
    EXPECT_OPEN(p, ACEPACK_UNSUPPORTED_FEATURE, "R-HDR-4", 12);
    tf_s1();
    F.d[12] = 0x80; /* bit 31 */
    EXPECT_OPEN(p, ACEPACK_UNSUPPORTED_FEATURE, "R-HDR-4", 12);
}

static void compatible_flag_ignored(acepack_profile p)
{
    acepack_reader r;
    tf_s1();
    F.d[15] = 0x02; /* bit 1 (bit 0 is `checksums` from spec 1.1.0: R-CRC-*) */
    F.d[14] = 0x80; /* bit 15 */
    EXPECT_OK(p);
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK_U64(r.flags, 0x8002);
}

static void v2_short(acepack_profile p)
{
    tf_s1();
    F.n = 100;
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-HDR-5", 100);
    F.n = 127;
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-HDR-5", 127);
}

static void reserved_nonzero(acepack_profile p)
{
    tf_s1();
    F.d[127] = 0x01;
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-HDR-6", 127); /* the first non-zero byte */
    else
        EXPECT_OK(p);
}

static void reserved_with_compatible_flag(acepack_profile p)
{
    tf_s1();
    F.d[64] = 0xFF;
    F.d[15] = 0x04; /* a compatible bit: the reserved bytes may have a meaning */
    EXPECT_OK(p);
}

static void index_past_end(acepack_profile p)
{
    tf_s1();
    F.d[31] = 32; /* kv_index_length 31 -> 32 */
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-LAY-1", 16);
    tf_s1();
    be64_at(F.d + 16, UINT64_MAX); /* offset + length wraps around */
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-LAY-1", 16);
    tf_s1();
    be64_at(F.d + 24, UINT64_MAX - 100);
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-LAY-1", 16);
}

static void events_past_end(acepack_profile p)
{
    tf_s1();
    be64_at(F.d + 48, 64); /* evt_offset 134 + 64 > 197 */
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-LAY-2", 40);
    tf_s1();
    be64_at(F.d + 40, UINT64_MAX - 7);
    be64_at(F.d + 48, 32);
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-LAY-2", 40);
}

static void chunk_end_below_128(acepack_profile p)
{
    tf_s1();
    be64_at(F.d + 32, 100);
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-LAY-3", 32);
    else
        EXPECT_OK(p); /* compat does not use kv_chunk_end */
}

static void evt_offset_not_chunk_end(acepack_profile p)
{
    /* chunk 128..133, 2 dead bytes, event section at 136; kv_chunk_end says 134 */
    static const uint8_t chunks[8] = {0, 0, 0, 2, 'h', 'i', 0xEE, 0xEE};
    static const tev ev[] = {{1000, 1, 2, 0, "{}"}};
    uint8_t sec[64];
    size_t elen = tf_events(sec, ev, 1);
    tf_v2(&F, chunks, 8, sec, elen, "{\"a\":{\"offset\":128,\"length\":2}}");
    be64_at(F.d + 32, 134);
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-LAY-4", 40);
    else
        EXPECT_OK(p);
}

static void index_not_after_events(acepack_profile p)
{
    tf_s1();
    tf_insert(166, "\0\0\0", 3);
    be64_at(F.d + 16, 169);
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-LAY-5", 16);
    else
        EXPECT_OK(p);
}

static void compat_regions_anywhere(acepack_profile p)
{
    /* compat: index before the event section, overlapping nothing in order */
    acepack_reader r;
    tf_s1();
    /* move the index to the front of the dead space: copy it after the file
     * end, point the header at it; the old index becomes tail-like garbage */
    memcpy(F.d + F.n, F.d + 166, 31);
    be64_at(F.d + 16, F.n);
    F.n += 31;
    memset(F.d + 166, 'x', 31); /* now unreferenced, between events and index */
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-LAY-5", 16);
    } else {
        EXPECT_OK(p);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(r.entry_count, 1);
    }
}

static void tail_allowed(acepack_profile p)
{
    tf_s1();
    memcpy(F.d + F.n, "tail bytes {", 12);
    F.n += 12;
    EXPECT_OK(p);
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
}

static void bad_args(acepack_profile p)
{
    acepack_error e;
    tf_s1();
    CHECK(acepack_open(NULL, F.d, F.n, p, &e) == ACEPACK_ARG);
    expect_open_at(__FILE__, __LINE__, NULL, 5, p, ACEPACK_ARG, NULL, 0);
    CHECK(acepack_open(NULL, F.d, F.n, (acepack_profile)7, NULL) == ACEPACK_ARG);
}

const t_test TESTS_HEADER[] = {
    T_BOTH("R-HDR.s1_fields", s1_is_valid),
    T_BOTH("R-HDR.empty_store_of_spec_8_3", empty_store),
    T_BOTH("R-HDR-1.shorter_than_64", short_file),
    T_BOTH("R-HDR-2.bad_magic", bad_magic),
    T_BOTH("R-HDR-3.unknown_version", bad_version),
    T_BOTH("R-HDR-4.incompatible_flag", incompatible_flag),
    T_BOTH("R-HDR-4.compatible_flag_ignored", compatible_flag_ignored),
    T_BOTH("R-HDR-5.v2_shorter_than_128", v2_short),
    T_BOTH("R-HDR-6.reserved_nonzero", reserved_nonzero),
    T_BOTH("R-HDR-6.reserved_with_compatible_flag", reserved_with_compatible_flag),
    T_BOTH("R-LAY-1.index_past_end", index_past_end),
    T_BOTH("R-LAY-2.events_past_end", events_past_end),
    T_BOTH("R-LAY-3.chunk_end_below_128", chunk_end_below_128),
    T_BOTH("R-LAY-4.evt_offset_not_chunk_end", evt_offset_not_chunk_end),
    T_BOTH("R-LAY-5.index_not_after_events", index_not_after_events),
    T_BOTH("R-LAY-5.index_moved_after_garbage", compat_regions_anywhere),
    T_BOTH("R-LAY.tail_allowed", tail_allowed),
    T_BOTH("api.open_bad_arguments", bad_args),
    T_END};
