/* test_dump.c - the conformance dump (spec 11): D-1..D-7.  Every expected
 * text below is written by hand from the spec. */
#include <stdlib.h>

#include "tfile.h"

static void empty_store(acepack_profile p)
{
    static const uint8_t sec[8] = {0};
    tf_v2(&F, NULL, 0, sec, 8, "{}");
    CHECK_U64(F.n, 138);
    EXPECT_DUMP(
        p, "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],\"events\":[]}\n");
}

static void s1(acepack_profile p)
{
    tf_s1();
    EXPECT_DUMP(p, "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
                   "{\"key\":\"a\",\"value_hex\":\"6869\",\"value_utf8\":\"hi\"}\n"
                   "],\"events\":[\n"
                   "{\"id\":\"1\",\"ts\":\"1000\",\"kind\":1,\"source\":2,\"flags\":0,"
                   "\"payload_hex\":\"7b7d\",\"payload_utf8\":\"{}\"}\n"
                   "]}\n");
}

static void sorted_and_escaped(acepack_profile p)
{
    static const tkv kv[] = {
        {"b", "\x1f\x08\x0c\r"},
        {"\xc3\xa9", "\xc3"},
        {"Z", "\xff"},
        {"ab", ""},
        {"a", "line\nbreak\t\"q\"\\ \x7f"},
        {"\\u0001", "\x01\x02"},
        {"q\\\"\\\\", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
    };
    static const tev ev[] = {{0, 255, 0, 1, "{\"a\":\"\\u00e9\"}"},
                             {9007199254740991ull, 7, 8, 9, "{}"}};
    tf_store(&F, kv, 7, ev, 2);
    be32_at(F.d + 60, 41); /* evt_base_id */
    EXPECT_DUMP(p,
                "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"41\",\"kv\":[\n"
                "{\"key\":\"\\u0001\",\"value_hex\":\"0102\",\"value_utf8\":\"\\u0001\\u0002\"},\n"
                "{\"key\":\"Z\",\"value_hex\":\"ff\"},\n"
                "{\"key\":\"a\",\"value_hex\":\"6c696e650a627265616b092271225c207f\","
                "\"value_utf8\":\"line\\nbreak\\t\\\"q\\\"\\\\ \x7f\"},\n"
                "{\"key\":\"ab\",\"value_hex\":\"\",\"value_utf8\":\"\"},\n"
                "{\"key\":\"b\",\"value_hex\":\"1f080c0d\",\"value_utf8\":\"\\u001f\\b\\f\\r\"},\n"
                "{\"key\":\"q\\\"\\\\\",\"value_hex\":\"c3a9e282acf09f9880\","
                "\"value_utf8\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"},\n"
                "{\"key\":\"\xc3\xa9\",\"value_hex\":\"c3\"}\n"
                "],\"events\":[\n"
                "{\"id\":\"42\",\"ts\":\"0\",\"kind\":255,\"source\":0,\"flags\":1,"
                "\"payload_hex\":\"7b2261223a225c7530306539227d\","
                "\"payload_utf8\":\"{\\\"a\\\":\\\"\\\\u00e9\\\"}\"},\n"
                "{\"id\":\"43\",\"ts\":\"9007199254740991\",\"kind\":7,\"source\":8,\"flags\":9,"
                "\"payload_hex\":\"7b7d\",\"payload_utf8\":\"{}\"}\n"
                "]}\n");
}

static void compat_duplicates_and_escapes(acepack_profile p)
{
    static const uint8_t chunks[12] = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 2, 'y', 'o'};
    static const uint8_t sec[8] = {0};
    (void)p;
    tf_v2(&F, chunks, 12, sec, 8,
          "{\"k\":{\"offset\":128,\"length\":2},"
          "\"\\/\\u0041\\ud83d\\ude00\\u000A\\u001F\\u007f\":{\"offset\":128,\"length\":1},"
          "\"\\u006b\":{\"offset\":134,\"length\":2}}");
    EXPECT_DUMP(
        ACEPACK_COMPAT,
        "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
        "{\"key\":\"/A\xf0\x9f\x98\x80\\n\\u001f\x7f\",\"value_hex\":\"68\",\"value_utf8\":\"h\"},\n"
        "{\"key\":\"k\",\"value_hex\":\"796f\",\"value_utf8\":\"yo\"}\n"
        "],\"events\":[]}\n");
}

static void compat_garbage_payload(acepack_profile p)
{
    static const tev ev[] = {{5, 1, 1, 0, "\xff\xfe"}, {6, 1, 1, 0, ""}};
    uint8_t sec[64];
    size_t elen = tf_events(sec, ev, 2);
    tf_v2(&F, NULL, 0, sec, elen, "{}");
    be32_at(F.d + 12, 0x00000003); /* compatible flag bits are dumped */
    EXPECT_DUMP(
        p,
        "{\"format_version\":2,\"flags\":3,\"evt_base_id\":\"0\",\"kv\":[],\"events\":[\n"
        "{\"id\":\"1\",\"ts\":\"5\",\"kind\":1,\"source\":1,\"flags\":0,\"payload_hex\":\"fffe\"},\n"
        "{\"id\":\"2\",\"ts\":\"6\",\"kind\":1,\"source\":1,\"flags\":0,\"payload_hex\":\"\","
        "\"payload_utf8\":\"\"}\n"
        "]}\n");
}

static void strict_duplicate(acepack_profile p)
{
    static const tkv kv[] = {{"x", "1"}, {"y", "2"}, {"y", "3"}, {"x", "4"}};
    const char *text;
    size_t len;
    acepack_error e;
    tf_store(&F, kv, 4, NULL, 0);
    if (p == ACEPACK_STRICT) {
        /* index at 128 + 20 + 8 = 156; members at 157, +30, +30, +30 */
        CHECK(dump_to_string(p, &text, &len, &e) == ACEPACK_INVALID);
        CHECK_STR(e.rule, "R-IDX-7");
        CHECK_U64(e.offset, 157 + 2 * 30);
        CHECK_U64(len, 0); /* nothing written before the error */
    } else {
        EXPECT_DUMP(p, "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
                       "{\"key\":\"x\",\"value_hex\":\"34\",\"value_utf8\":\"4\"},\n"
                       "{\"key\":\"y\",\"value_hex\":\"33\",\"value_utf8\":\"3\"}\n"
                       "],\"events\":[]}\n");
    }
}

static int fail_second(void *ctx, const void *p, size_t n)
{
    int *calls = (int *)ctx;
    (void)p;
    (void)n;
    return ++*calls >= 2;
}

static void large_value_and_callback_failure(acepack_profile p)
{
    static char big[10001], expect[40000];
    static const char hex[] = "0123456789abcdef";
    static tkv kv[1];
    const char *text;
    size_t len, i, n = 0;
    acepack_error e;
    acepack_reader r;
    int calls = 0;
    static uint8_t ws[64];
    for (i = 0; i < 10000; i++)
        big[i] = (char)('a' + i % 26);
    kv[0].key_json = "big";
    kv[0].value = big;
    tf_store(&F, kv, 1, NULL, 0);
    n +=
        (size_t)sprintf(expect, "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
                                "{\"key\":\"big\",\"value_hex\":\"");
    for (i = 0; i < 10000; i++) {
        expect[n++] = hex[(uint8_t)big[i] >> 4];
        expect[n++] = hex[(uint8_t)big[i] & 15];
    }
    n += (size_t)sprintf(expect + n, "\",\"value_utf8\":\"%s\"}\n],\"events\":[]}\n", big);
    CHECK(dump_to_string(p, &text, &len, &e) == ACEPACK_OK);
    CHECK(len == n && memcmp(text, expect, n) == 0);
    /* a failing callback stops the dump */
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK(acepack_dump(&r, ws, sizeof ws, fail_second, &calls, &e) == ACEPACK_CALLBACK);
    CHECK(calls == 2);
    /* too little workspace */
    CHECK(acepack_dump(&r, ws, 8, fail_second, &calls, &e) == ACEPACK_NOMEM);
    CHECK(acepack_dump(&r, NULL, 0, fail_second, &calls, &e) == ACEPACK_NOMEM);
}

const t_test TESTS_DUMP[] = {
    T_BOTH("D-1.empty_store", empty_store),
    T_BOTH("D-1.D-2.D-3.one_key_one_event", s1),
    T_BOTH("D-4.D-5.D-6.sorted_and_escaped", sorted_and_escaped),
    T_COMPAT("D-5.R-IDX-12.duplicates_and_escapes", compat_duplicates_and_escapes),
    T_COMPAT("D-2.garbage_payload", compat_garbage_payload),
    T_BOTH("R-IDX-7.D-6.duplicate_keys", strict_duplicate),
    T_BOTH("D-4.large_value_and_callback", large_value_and_callback_failure),
    T_END};
