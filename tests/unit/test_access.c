/* test_access.c - index iteration, keys and values (spec 3.4, 4). */
#include "tfile.h"

/* Three keys, the second with escapes:
 *   128: "v1"  (chunk 128..133)   key "b"
 *   134: ""    (chunk 134..137)   key "q\"\n\u0001" (decoded 71 22 0a 01)
 *   138: "xyz" (chunk 138..144)   key "a"  */
static void three_keys(void)
{
    static const tkv kv[] = {{"b", "v1"}, {"q\\\"\\n\\u0001", ""}, {"a", "xyz"}};
    tf_store(&F, kv, 3, NULL, 0);
}

static void iterate(acepack_profile p)
{
    acepack_reader r;
    acepack_index_iter it;
    acepack_entry e;
    acepack_span v;
    three_keys();
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK_U64(r.entry_count, 3);
    CHECK_U64(r.index_offset, 145 + 8);
    acepack_index_iter_init(&it, &r);
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    CHECK_MEM(e.key.ptr, e.key.len, "b");
    CHECK(e.has_escapes == 0);
    CHECK_U64(e.chunk_offset, 128);
    CHECK_U64(e.value_length, 2);
    CHECK_U64(e.entry_offset, 154); /* index at 153, member after '{' */
    v = acepack_entry_value(&r, &e);
    CHECK_MEM(v.ptr, v.len, "v1");
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    CHECK_MEM(e.key.ptr, e.key.len, "q\\\"\\n\\u0001");
    CHECK(e.has_escapes == 1);
    CHECK_U64(e.chunk_offset, 134);
    CHECK_U64(e.value_length, 0);
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    CHECK_MEM(e.key.ptr, e.key.len, "a");
    CHECK_U64(e.chunk_offset, 138);
    CHECK_U64(e.value_length, 3);
    v = acepack_entry_value(&r, &e);
    CHECK_MEM(v.ptr, v.len, "xyz");
    CHECK(acepack_index_iter_next(&it, &e) == 0);
    CHECK(acepack_index_iter_next(&it, &e) == 0); /* stays at the end */
}

static void iterate_compat_whitespace(acepack_profile p)
{
    static const uint8_t chunks[12] = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 2, 'y', 'o'};
    static const uint8_t sec[8] = {0};
    acepack_reader r;
    acepack_index_iter it;
    acepack_entry e;
    tf_v2(&F, chunks, 12, sec, 8,
          "\xef\xbb\xbf { \"x\" : { \"n\" : [ {\"offset\":1} ] , \"length\" : 2.0 ,"
          " \"o\\u0066fset\" : 134 } ,\n\"y\":{\"offset\":128,\"length\":2,\"z\":\"}\"} }  ");
    (void)p;
    CHECK(acepack_open(&r, F.d, F.n, ACEPACK_COMPAT, NULL) == ACEPACK_OK);
    acepack_index_iter_init(&it, &r);
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    CHECK_MEM(e.key.ptr, e.key.len, "x");
    CHECK_U64(e.chunk_offset, 134);
    CHECK_U64(e.value_length, 2);
    CHECK_U64(e.entry_offset, 148 + 6); /* BOM 148..150, " {" 151..152, " " 153 */
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    CHECK_MEM(e.key.ptr, e.key.len, "y");
    CHECK_U64(e.chunk_offset, 128);
    CHECK_U64(e.value_length, 2);
    CHECK(acepack_index_iter_next(&it, &e) == 0);
}

static void key_decode(acepack_profile p)
{
    acepack_reader r;
    acepack_index_iter it;
    acepack_entry e;
    uint8_t buf[16];
    size_t need = 99;
    three_keys();
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    acepack_index_iter_init(&it, &r);
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    CHECK(acepack_key_decode(&e, NULL, 0, &need) == ACEPACK_OK);
    CHECK_U64(need, 1);
    CHECK(acepack_key_decode(&e, buf, 0, &need) == ACEPACK_NOMEM);
    CHECK(acepack_key_decode(&e, buf, 1, &need) == ACEPACK_OK && buf[0] == 'b');
    CHECK(acepack_index_iter_next(&it, &e) == 1);
    /* count mode */
    CHECK(acepack_key_decode(&e, NULL, 0, &need) == ACEPACK_OK);
    CHECK_U64(need, 4);
    memset(buf, 0xAA, sizeof buf);
    CHECK(acepack_key_decode(&e, buf, 3, &need) == ACEPACK_NOMEM);
    CHECK_U64(need, 4);
    CHECK(buf[3] == 0xAA);
    CHECK(acepack_key_decode(&e, buf, 4, &need) == ACEPACK_OK);
    CHECK_MEM(buf, 4, "q\"\n\x01");
    CHECK(buf[4] == 0xAA);
    CHECK(acepack_key_decode(&e, buf, 4, NULL) == ACEPACK_ARG);
    /* equality and order */
    CHECK(acepack_key_equals(&e, "q\"\n\x01", 4) == 1);
    CHECK(acepack_key_equals(&e, "q\"\n", 3) == 0);
    CHECK(acepack_key_equals(&e, "q\"\n\x01\x01", 5) == 0);
    CHECK(acepack_key_equals(&e, "q\\\"\\n\\u0001", 10) == 0);
    {
        acepack_entry a;
        CHECK(acepack_index_iter_next(&it, &a) == 1);
        CHECK(acepack_key_equals(&a, "a", 1) == 1);
        CHECK(acepack_key_equals(&a, "", 0) == 0);
        CHECK(acepack_key_compare(&a, &e) < 0);
        CHECK(acepack_key_compare(&e, &a) > 0);
        CHECK(acepack_key_compare(&e, &e) == 0);
    }
}

static void key_compare_decoded(acepack_profile p)
{
    /* compat keys whose raw forms order differently from their decoded bytes:
     * "\u00e9" (C3 A9) > "z" (7A) although '\\' (5C) < 'z'; "\u0041" == "A" */
    static const uint8_t chunks[6] = {0, 0, 0, 2, 'h', 'i'};
    static const uint8_t sec[8] = {0};
    acepack_reader r;
    acepack_index_iter it;
    acepack_entry e1, e2, e3, e4;
    tf_v2(
        &F, chunks, 6, sec, 8,
        "{\"\\u00e9\":{\"offset\":128,\"length\":2},\"z\":{\"offset\":128,\"length\":2},"
        "\"\\u0041b\":{\"offset\":128,\"length\":2},\"Ab\\ud83d\\ude00\":{\"offset\":128,\"length\":2}}");
    (void)p;
    CHECK(acepack_open(&r, F.d, F.n, ACEPACK_COMPAT, NULL) == ACEPACK_OK);
    acepack_index_iter_init(&it, &r);
    CHECK(acepack_index_iter_next(&it, &e1) && acepack_index_iter_next(&it, &e2) &&
          acepack_index_iter_next(&it, &e3) && acepack_index_iter_next(&it, &e4));
    CHECK(acepack_key_compare(&e1, &e2) > 0);
    CHECK(acepack_key_compare(&e3, &e4) < 0); /* "Ab" is a proper prefix */
    CHECK(acepack_key_compare(&e4, &e1) < 0);
    CHECK(acepack_key_equals(&e1, "\xc3\xa9", 2));
    CHECK(acepack_key_equals(&e3, "Ab", 2));
    CHECK(acepack_key_equals(&e4, "Ab\xf0\x9f\x98\x80", 6));
}

static void checked_value(acepack_profile p)
{
    acepack_reader r;
    acepack_span s;
    tf_s1();
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK(acepack_value(&r, 128, 2, &s) == ACEPACK_OK);
    CHECK_MEM(s.ptr, s.len, "hi");
    CHECK(acepack_value(&r, 193, 0, &s) == ACEPACK_OK); /* 193 + 4 = 197 */
    CHECK_U64(s.len, 0);
    CHECK(acepack_value(&r, 194, 0, &s) == ACEPACK_ARG);
    CHECK(acepack_value(&r, 128, 66, &s) == ACEPACK_ARG);
    CHECK(acepack_value(&r, UINT64_MAX - 2, 8, &s) == ACEPACK_ARG);
    CHECK(acepack_value(&r, 128, UINT64_MAX - 2, &s) == ACEPACK_ARG);
}

static void status_names(acepack_profile p)
{
    (void)p;
    CHECK_STR(acepack_status_name(ACEPACK_OK), "ok");
    CHECK_STR(acepack_status_name(ACEPACK_TRUNCATED), "truncated");
    CHECK_STR(acepack_status_name(ACEPACK_UNSUPPORTED), "unsupported");
    CHECK_STR(acepack_status_name((acepack_status)99), "unknown");
    CHECK_U64(ACEPACK_OK, 0);
    CHECK_U64(ACEPACK_TRUNCATED, 1);
    CHECK_U64(ACEPACK_INVALID, 5);
    CHECK_U64(ACEPACK_UNSUPPORTED, 6);
    CHECK_U64(ACEPACK_NOMEM, 7);
    CHECK(acepack_status_is_invalid(ACEPACK_BAD_MAGIC));
    CHECK(acepack_status_is_invalid(ACEPACK_INVALID));
    CHECK(!acepack_status_is_invalid(ACEPACK_UNSUPPORTED));
    CHECK(!acepack_status_is_invalid(ACEPACK_OK));
    CHECK_STR(acepack_version_string(), ACEPACK_VERSION_STRING);
}

const t_test TESTS_ACCESS[] = {
    T_BOTH("R-IDX.iterate_entries", iterate),
    T_COMPAT("R-IDX-8.R-IDX-9.iterate_whitespace_and_extra_members", iterate_compat_whitespace),
    T_BOTH("R-IDX-11.key_decode_and_equals", key_decode),
    T_COMPAT("D-6.key_compare_decoded", key_compare_decoded),
    T_BOTH("R-CHK-1.checked_value", checked_value),
    T_ANY("api.status_names", status_names),
    T_END};
