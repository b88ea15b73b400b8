/* test_chunks.c - chunks (spec 3.4): R-CHK-1..4. */
#include <stdlib.h>

#include "tfile.h"

#define IDX 142u /* as in test_index.c: chunk "hi" 128..133, empty section 134..141 */
static const uint8_t CHUNK[6] = {0, 0, 0, 2, 'h', 'i'};
static const uint8_t EMPTY_SEC[8] = {0};

static void idx(const char *text)
{
    tf_v2(&F, CHUNK, 6, EMPTY_SEC, 8, text);
}

static void value_is(const char *file, int line, acepack_profile p, const char *expect, size_t n)
{
    acepack_reader r;
    acepack_index_iter it;
    acepack_entry e;
    acepack_span v;
    if (acepack_open(&r, F.d, F.n, p, NULL) != ACEPACK_OK) {
        t_fail(file, line, "open failed");
        return;
    }
    acepack_index_iter_init(&it, &r);
    if (!acepack_index_iter_next(&it, &e)) {
        t_fail(file, line, "no entry");
        return;
    }
    v = acepack_entry_value(&r, &e);
    if (v.len != n || memcmp(v.ptr, expect, n) != 0)
        t_fail(file, line, "value differs (length %zu)", v.len);
}
#define VALUE_IS(p, lit) value_is(__FILE__, __LINE__, p, lit, sizeof(lit) - 1)

static void value_past_file_end(acepack_profile p)
{
    idx("{\"a\":{\"offset\":128,\"length\":2000}}");
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-CHK-1", IDX + 1);
    idx("{\"a\":{\"offset\":2000,\"length\":0}}");
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-CHK-1", IDX + 1);
    /* the last possible byte: 142 + 31 = 173 bytes; offset 169 + 4 + 0 = 173 */
    idx("{\"a\":{\"offset\":169,\"length\":0}}");
    CHECK_U64(F.n, 173);
    if (p == ACEPACK_COMPAT)
        EXPECT_OK(p);
    idx("{\"a\":{\"offset\":170,\"length\":0}}");
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-CHK-1", IDX + 1);
}

static void chunk_outside_region(acepack_profile p)
{
    /* inside the event section: 134..137 is the count (0) */
    idx("{\"a\":{\"offset\":134,\"length\":0}}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-2", IDX + 1);
    } else {
        EXPECT_OK(p);
        VALUE_IS(p, "");
    }
    /* inside the header (reserved zero bytes) */
    idx("{\"a\":{\"offset\":64,\"length\":0}}");
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-2", IDX + 1);
    else
        EXPECT_OK(p);
    /* crossing kv_chunk_end */
    idx("{\"a\":{\"offset\":128,\"length\":3}}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-2", IDX + 1);
    } else {
        EXPECT_OK(p);
        VALUE_IS(p, "hi\0");
    }
}

static void length_field_differs(acepack_profile p)
{
    idx("{\"a\":{\"offset\":128,\"length\":1}}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-CHK-3", IDX + 1);
    } else {
        EXPECT_OK(p); /* the index length wins */
        VALUE_IS(p, "h");
    }
}

static void overlap_file(const char *index)
{
    /* 128: 00 00 00 06 | 00 00 00 02 'h' 'i': a 6-byte chunk holding a 2-byte one */
    static const uint8_t chunks[10] = {0, 0, 0, 6, 0, 0, 0, 2, 'h', 'i'};
    tf_v2(&F, chunks, 10, EMPTY_SEC, 8, index);
}

static void chunks_overlap(acepack_profile p)
{
    const char *text = "{\"a\":{\"offset\":128,\"length\":6},\"b\":{\"offset\":132,\"length\":2}}";
    overlap_file(text);
    EXPECT_OK(p); /* structural validation has no memory for R-CHK-4 */
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-CHK-4",
                    146 + (uint64_t)(strstr(text, ",\"b\"") + 1 - text));
    else
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    /* reversed index order: still the chunk that starts later is reported */
    text = "{\"b\":{\"offset\":132,\"length\":2},\"a\":{\"offset\":128,\"length\":6}}";
    overlap_file(text);
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-CHK-4", 147);
    /* the same chunk twice: the later member */
    text = "{\"a\":{\"offset\":132,\"length\":2},\"b\":{\"offset\":132,\"length\":2}}";
    overlap_file(text);
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-CHK-4",
                    146 + (uint64_t)(strstr(text, ",\"b\"") + 1 - text));
    else
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
}

static void chunks_adjacent(acepack_profile p)
{
    /* 128..133 and 134..139 touch but do not overlap */
    static const uint8_t chunks[12] = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 2, 'y', 'o'};
    tf_v2(&F, chunks, 12, EMPTY_SEC, 8,
          "{\"b\":{\"offset\":134,\"length\":2},\"a\":{\"offset\":128,\"length\":2}}");
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
}

static void workspace_too_small(acepack_profile p)
{
    acepack_reader r;
    acepack_error e;
    size_t need;
    static uint8_t ws[8192];
    overlap_file("{\"a\":{\"offset\":128,\"length\":6},\"b\":{\"offset\":132,\"length\":2}}");
    CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
    CHECK(acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) == ACEPACK_OK);
    if (p == ACEPACK_STRICT) {
        CHECK(need > 0 && need <= sizeof ws);
        CHECK(acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need - 1, &e) == ACEPACK_NOMEM);
        CHECK(acepack_validate(&r, ACEPACK_CHECK_ALL, NULL, 0, &e) == ACEPACK_NOMEM);
        /* payload checks alone need no workspace */
        CHECK(acepack_validate_workspace_size(&r, ACEPACK_CHECK_PAYLOADS, &need) == ACEPACK_OK);
        CHECK_U64(need, 0);
        CHECK(acepack_validate(&r, ACEPACK_CHECK_PAYLOADS, NULL, 0, &e) == ACEPACK_OK);
        /* an unaligned workspace of exactly the size works */
        CHECK(acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) == ACEPACK_OK);
        CHECK(acepack_validate(&r, ACEPACK_CHECK_ALL, ws + 3, need, &e) == ACEPACK_INVALID);
        CHECK_STR(e.rule, "R-CHK-4");
    } else {
        CHECK_U64(need, 0); /* nothing to check in compat */
        CHECK(acepack_validate(&r, ACEPACK_CHECK_ALL, NULL, 0, &e) == ACEPACK_OK);
    }
}

const t_test TESTS_CHUNKS[] = {T_BOTH("R-CHK-1.value_past_file_end", value_past_file_end),
                               T_BOTH("R-CHK-2.chunk_outside_region", chunk_outside_region),
                               T_BOTH("R-CHK-3.length_field_differs", length_field_differs),
                               T_BOTH("R-CHK-4.chunks_overlap", chunks_overlap),
                               T_BOTH("R-CHK-4.chunks_adjacent", chunks_adjacent),
                               T_BOTH("R-CHK-4.workspace_too_small", workspace_too_small),
                               T_END};
