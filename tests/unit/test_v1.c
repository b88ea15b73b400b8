/* test_v1.c - version 1 files (spec 6) and the migration helpers (spec 10:
 * M-3, M-4, M-6). */
#include "testlib.h"

/* chunk "v" at 64..68, index at 69 */
static void v1_basic(void)
{
    static const uint8_t chunk[5] = {0, 0, 0, 1, 'v'};
    tf_v1(&F, chunk, 5, "{\"k\":{\"offset\":64,\"length\":1}}");
}

static void read_v1(acepack_profile p)
{
    acepack_reader r;
    v1_basic();
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK_U64(r.version, 1);
    CHECK_U64(r.index_offset, 69);
    CHECK_U64(r.chunk_end, 69);
    CHECK_U64(r.event_count, 0);
    CHECK_U64(r.evt_base_id, 0);
    CHECK_U64(r.entry_count, 1);
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    EXPECT_DUMP(p, "{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
                   "{\"key\":\"k\",\"value_hex\":\"76\",\"value_utf8\":\"v\"}\n"
                   "],\"events\":[]}\n");
}

static void log_entries_are_kv(acepack_profile p)
{
    /* D-7: core/log/ entries stay KV entries of a v1 file */
    static const char v[] = "{\"kind\":1,\"content_source\":2,\"id\":1,\"ts\":5}";
    static uint8_t chunks[128];
    static char index[256];
    size_t vl = sizeof v - 1;
    be32_at(chunks, (uint32_t)vl);
    memcpy(chunks + 4, v, vl);
    be32_at(chunks + 4 + vl, 1);
    chunks[8 + vl] = '1';
    sprintf(index, "{\"meta/log_entry_seq\":{\"offset\":%zu,\"length\":1},"
                   "\"core/log/000000000001\":{\"offset\":64,\"length\":%zu}}", 68 + vl, vl);
    tf_v1(&F, chunks, 9 + vl, index);
    EXPECT_DUMP(p, "{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
                   "{\"key\":\"core/log/000000000001\",\"value_hex\":"
                   "\"7b226b696e64223a312c22636f6e74656e745f736f75726365223a322c226964223a312c227473223a357d\","
                   "\"value_utf8\":\"{\\\"kind\\\":1,\\\"content_source\\\":2,\\\"id\\\":1,\\\"ts\\\":5}\"},\n"
                   "{\"key\":\"meta/log_entry_seq\",\"value_hex\":\"31\",\"value_utf8\":\"1\"}\n"
                   "],\"events\":[]}\n");
}

static void reserved_nonzero(acepack_profile p)
{
    v1_basic();
    F.d[40] = 1;
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-V1-1", 40); /* the first non-zero byte */
    else
        EXPECT_OK(p);
    F.d[15] = 0x10; /* a compatible flag bit */
    EXPECT_OK(p);
}

static void index_offset_below_64(acepack_profile p)
{
    /* the index "{}" at 60..61, inside the reserved bytes, which a
     * compatible flag bit exempts from R-V1-1 */
    acepack_reader r;
    tf_v1(&F, NULL, 0, "");
    F.d[15] = 0x01;
    F.d[60] = '{';
    F.d[61] = '}';
    be64_at(F.d + 16, 60);
    be64_at(F.d + 24, 2);
    CHECK_U64(F.n, 64);
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-V1-2", 16);
    } else {
        EXPECT_OK(p);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(r.entry_count, 0);
    }
}

static void v1_layout(acepack_profile p)
{
    v1_basic();
    F.d[31] = 32; /* index_length 31 -> 32 */
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-LAY-1", 16);
    v1_basic();
    F.n = 63;
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-HDR-1", 63);
    /* a v1 file needs no 128 bytes (R-HDR-5 is about v2) */
    tf_v1(&F, NULL, 0, "{}");
    CHECK_U64(F.n, 66);
    EXPECT_OK(p);
    EXPECT_DUMP(p, "{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],\"events\":[]}\n");
    /* an empty index is no JSON text */
    tf_v1(&F, NULL, 0, "");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", 64);
}

static void v1_chunk_region(acepack_profile p)
{
    static const uint8_t chunk[5] = {0, 0, 0, 1, 'v'};
    tf_v1(&F, chunk, 5, "{\"k\":{\"offset\":32,\"length\":0}}"); /* in the header */
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-2", 70);
    else
        EXPECT_OK(p);
    tf_v1(&F, chunk, 5, "{\"k\":{\"offset\":64,\"length\":2}}"); /* past index_offset 69 */
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-2", 70);
    else
        EXPECT_OK(p);
    tf_v1(&F, chunk, 5, "{\"k\":{\"offset\":64,\"length\":0}}");
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-3", 70);
    else
        EXPECT_OK(p);
}

/* ---- M-3 ---- */

static void log_keys(acepack_profile p)
{
    static const struct {
        const char *key;
        acepack_status st;
        uint64_t id;
    } cases[] = {
        {"core/log/000000000001", ACEPACK_OK, 1},
        {"core/log/999999999999", ACEPACK_OK, 999999999999ull},
        {"core/log/000000012345", ACEPACK_OK, 12345},
        {"core/log/1000000000000", ACEPACK_OK, 1000000000000ull},
        {"core/log/18446744073709551615", ACEPACK_OK, UINT64_MAX},
        {"core/log/18446744073709551616", ACEPACK_UNSUPPORTED, UINT64_MAX},
        {"core/log/000000000000", ACEPACK_NOT_FOUND, 0},
        {"core/log/0000000000001", ACEPACK_NOT_FOUND, 0},
        {"core/log/00000000001", ACEPACK_NOT_FOUND, 0},
        {"core/log/7", ACEPACK_NOT_FOUND, 0},
        {"core/log/__seq", ACEPACK_NOT_FOUND, 0},
        {"core/log/", ACEPACK_NOT_FOUND, 0},
        {"core/log/00000000000a", ACEPACK_NOT_FOUND, 0},
        {"core/log/-00000000001", ACEPACK_NOT_FOUND, 0},
        {"Core/log/000000000001", ACEPACK_NOT_FOUND, 0},
        {"core/log/000000000001/x", ACEPACK_NOT_FOUND, 0},
        {"xcore/log/000000000001", ACEPACK_NOT_FOUND, 0},
    };
    size_t i;
    (void)p;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t id = 77;
        acepack_status st = acepack_v1_log_key(cases[i].key, strlen(cases[i].key), &id);
        if (st != cases[i].st)
            t_fail(__FILE__, __LINE__, "%s: %s", cases[i].key, acepack_status_name(st));
        else if (st != ACEPACK_NOT_FOUND && id != cases[i].id)
            t_fail(__FILE__, __LINE__, "%s: id %llu", cases[i].key, (unsigned long long)id);
    }
}

/* ---- M-4 ---- */

static acepack_status entry(const char *key, const char *value, acepack_v1_entry *out,
                            acepack_error *e)
{
    memset(out, 0xEE, sizeof *out);
    return acepack_v1_log_entry(key, strlen(key), value, strlen(value), out, e);
}

#define K1 "core/log/000000000001"

static void well_formed(acepack_profile p)
{
    acepack_v1_entry o;
    acepack_error e;
    (void)p;
    /* the byte sequence of spec 6.1 */
    CHECK(entry(K1, "{\"kind\":1,\"content_source\":2,\"key\":\"k\",\"payload\":{\"x\":1},"
                    "\"id\":1,\"ts\":1700000000000}", &o, &e) == ACEPACK_OK);
    CHECK_U64(o.id, 1);
    CHECK_U64(o.ts, 1700000000000ull);
    CHECK_U64(o.kind, 1);
    CHECK_U64(o.source, 2);
    CHECK_U64(o.flags, 0);
    CHECK_U64(o.has_flags, 0);
    CHECK(entry(K1, " { \"flags\" : 5 , \"id\":1.0,\"ts\":1.7e12,\"kind\":2.55e2,"
                    "\"content_source\":0 , \"payload\":{\"id\":9,\"ts\":\"x\"}} ", &o, &e) == ACEPACK_OK);
    CHECK_U64(o.flags, 5);
    CHECK_U64(o.has_flags, 1);
    CHECK_U64(o.ts, 1700000000000ull);
    CHECK_U64(o.kind, 255);
    CHECK(entry(K1, "{\"flags\":null,\"id\":0.1e1,\"ts\":-0,\"kind\":0,\"content_source\":255}",
                &o, &e) == ACEPACK_OK);
    CHECK_U64(o.flags, 0);
    CHECK_U64(o.has_flags, 0);
    CHECK_U64(o.ts, 0);
    CHECK_U64(o.source, 255);
    /* names compare after decoding */
    CHECK(entry(K1, "{\"\\u0069d\":1,\"t\\u0073\":2,\"kind\":3,\"content_source\":4}", &o, &e) ==
          ACEPACK_OK);
    CHECK_U64(o.ts, 2);
    /* a 13-digit id and one beyond 2^64-1 */
    CHECK(entry("core/log/1000000000000",
                "{\"id\":1e12,\"ts\":1,\"kind\":1,\"content_source\":1}", &o, &e) == ACEPACK_OK);
    CHECK_U64(o.id, 1000000000000ull);
    CHECK(entry("core/log/100000000000000000000000",
                "{\"id\":100000000000000000000000,\"ts\":1,\"kind\":1,\"content_source\":1}", &o,
                &e) == ACEPACK_OK);
    CHECK_U64(o.id, UINT64_MAX);
    CHECK(entry("core/log/100000000000000000000000",
                "{\"id\":1e23,\"ts\":1,\"kind\":1,\"content_source\":1}", &o, &e) == ACEPACK_OK);
    CHECK(entry("core/log/000000000120",
                "{\"id\":12e1,\"ts\":1,\"kind\":1,\"content_source\":1}", &o, &e) == ACEPACK_OK);
    CHECK_U64(o.id, 120);
}

static void malformed(acepack_profile p)
{
    static const struct {
        const char *value;
        uint64_t off; /* of the member value or name at fault */
    } cases[] = {
        {"{\"id\":2,\"ts\":1,\"kind\":1,\"content_source\":1}", 6},
        {"{\"id\":\"1\",\"ts\":1,\"kind\":1,\"content_source\":1}", 6},
        {"{\"id\":-1,\"ts\":1,\"kind\":1,\"content_source\":1}", 6},
        {"{\"id\":1.5,\"ts\":1,\"kind\":1,\"content_source\":1}", 6},
        {"{\"id\":10e-1,\"ts\":1.5,\"kind\":1,\"content_source\":1}", 17},
        {"{\"id\":1,\"ts\":9007199254740992,\"kind\":1,\"content_source\":1}", 13},
        {"{\"id\":1,\"ts\":-1,\"kind\":1,\"content_source\":1}", 13},
        {"{\"id\":1,\"ts\":null,\"kind\":1,\"content_source\":1}", 13},
        {"{\"id\":1,\"ts\":1,\"kind\":256,\"content_source\":1}", 22},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1e3}", 41},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":256}", 51},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":\"1\"}", 51},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":true}", 51},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"ts\":1}", 43},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":1,\"flags\":1}", 53},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"\\u0069d\":1}", 43},
        {"{\"id\":1,\"ts\":1,\"kind\":1}", 0},
        {"{\"ts\":1,\"kind\":1,\"content_source\":1}", 0},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1", 42},
        {"[{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}]", 0},
        {"{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":\"\xff\"}", 48},
    };
    size_t i;
    (void)p;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        acepack_v1_entry o;
        acepack_error e;
        acepack_status st;
        memset(&e, 0, sizeof e);
        st = entry(K1, cases[i].value, &o, &e);
        if (st != ACEPACK_INVALID || e.rule == NULL || strcmp(e.rule, "M-4") != 0 ||
            e.offset != cases[i].off)
            t_fail(__FILE__, __LINE__, "%s: %s %s at %llu, expected M-4 at %llu", cases[i].value,
                   acepack_status_name(st), e.rule ? e.rule : "-", (unsigned long long)e.offset,
                   (unsigned long long)cases[i].off);
    }
    {
        acepack_v1_entry o;
        CHECK(entry("core/log/7", "{\"id\":7,\"ts\":1,\"kind\":1,\"content_source\":1}", &o,
                    NULL) == ACEPACK_NOT_FOUND);
    }
}

static void log_seq(acepack_profile p)
{
    static const struct {
        const char *v;
        acepack_status st;
        uint64_t seq;
    } cases[] = {
        {"7", ACEPACK_OK, 7}, {"0", ACEPACK_OK, 0},
        {"9007199254740991", ACEPACK_OK, 9007199254740991ull},
        {"9007199254740992", ACEPACK_NOT_FOUND, 0}, {"07", ACEPACK_NOT_FOUND, 0},
        {"", ACEPACK_NOT_FOUND, 0}, {" 7", ACEPACK_NOT_FOUND, 0}, {"7 ", ACEPACK_NOT_FOUND, 0},
        {"7.0", ACEPACK_NOT_FOUND, 0}, {"-1", ACEPACK_NOT_FOUND, 0},
        {"1e3", ACEPACK_NOT_FOUND, 0}, {"\"7\"", ACEPACK_NOT_FOUND, 0},
        {"12345678901234567890", ACEPACK_NOT_FOUND, 0},
    };
    size_t i;
    (void)p;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t s = 99;
        acepack_status st = acepack_v1_log_seq(cases[i].v, strlen(cases[i].v), &s);
        if (st != cases[i].st || (st == ACEPACK_OK && s != cases[i].seq))
            t_fail(__FILE__, __LINE__, "\"%s\": %s %llu", cases[i].v, acepack_status_name(st),
                   (unsigned long long)s);
    }
}

const test_case TESTS_V1[] = {
    T_BOTH("R-V1.read_v1", read_v1),
    T_BOTH("D-7.v1_log_entries_are_kv", log_entries_are_kv),
    T_BOTH("R-V1-1.reserved_nonzero", reserved_nonzero),
    T_BOTH("R-V1-2.index_offset_below_64", index_offset_below_64),
    T_BOTH("R-LAY-1.R-HDR-1.v1_layout", v1_layout),
    T_BOTH("R-CHK-2.R-CHK-3.v1_chunk_region", v1_chunk_region),
    T_ANY("M-3.log_keys", log_keys),
    T_ANY("M-4.well_formed_entries", well_formed),
    T_ANY("M-4.malformed_entries", malformed),
    T_ANY("M-6.log_entry_seq_uint", log_seq),
    T_END};
