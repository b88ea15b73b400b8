/* test_table.c - the lookup table: hits, misses, duplicates, sizes. */
#include <stdlib.h>

#include "testlib.h"

static acepack_reader R;
static acepack_table T;
static void *MEM;

static acepack_status build(acepack_profile p, uint64_t seed, int seeded)
{
    size_t size;
    free(MEM);
    MEM = NULL;
    if (acepack_open(&R, F.d, F.n, p, NULL) != ACEPACK_OK)
        return ACEPACK_INVALID;
    size = acepack_table_size(R.entry_count);
    MEM = malloc(size);
    return seeded ? acepack_table_build_seeded(&T, &R, MEM, size, seed, NULL)
                  : acepack_table_build(&T, &R, MEM, size, NULL);
}

static void hit(const char *file, int line, const char *key, size_t kn, const char *val)
{
    acepack_span v;
    if (acepack_table_get(&T, key, kn, &v) != ACEPACK_OK) {
        t_fail(file, line, "key %.*s not found", (int)kn, key);
        return;
    }
    if (v.len != strlen(val) || memcmp(v.ptr, val, v.len) != 0)
        t_fail(file, line, "key %.*s: value differs", (int)kn, key);
}
#define HIT(key, val) hit(__FILE__, __LINE__, key, sizeof(key) - 1, val)
#define MISS(key) CHECK(acepack_table_get(&T, key, sizeof(key) - 1, NULL) == ACEPACK_NOT_FOUND)

static void hits_and_misses(acepack_profile p)
{
    static const tkv kv[] = {{"b", "v1"}, {"q\\\"\\n\\u0001", ""}, {"a", "xyz"},
                             {"\xc3\xa9", "e-acute"}, {"", "empty key"},
                             {"a much longer key that spans several words", "long"},
                             {"escaped\\tand long: 0123456789abcdef\\u0001", "esc-long"}};
    acepack_entry e;
    tf_store(&F, kv, 7, NULL, 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.key_count, 7);
    HIT("escaped\tand long: 0123456789abcdef\x01", "esc-long"); /* streamed hash */
    MISS("escaped\tand long: 0123456789abcdef");
    HIT("b", "v1");
    HIT("q\"\n\x01", "");
    HIT("a", "xyz");
    HIT("\xc3\xa9", "e-acute");
    HIT("", "empty key");
    HIT("a much longer key that spans several words", "long");
    MISS("c");
    MISS("q\\\"\\n\\u0001"); /* the raw form is not the key */
    MISS("a much longer key that spans several word");
    MISS("a much longer key that spans several words!");
    MISS("\xc3");
    MISS("B");
    CHECK(acepack_table_find(&T, "a", 1, &e) == ACEPACK_OK);
    CHECK_U64(e.chunk_offset, 138);
    CHECK_U64(e.value_length, 3);
    CHECK(acepack_key_equals(&e, "a", 1));
    CHECK(acepack_table_find(&T, "zz", 2, &e) == ACEPACK_NOT_FOUND);
    /* every entry of a strict file is current */
    {
        acepack_index_iter it;
        acepack_index_iter_init(&it, &R);
        while (acepack_index_iter_next(&it, &e))
            CHECK(acepack_table_is_current(&T, &e) == 1);
    }
    /* a seed changes the hash, not the answers */
    CHECK(build(p, 12345, 1) == ACEPACK_OK);
    HIT("q\"\n\x01", "");
    HIT("a", "xyz");
    MISS("c");
}

static void zero_keys(acepack_profile p)
{
    static const uint8_t sec[8] = {0};
    tf_v2(&F, NULL, 0, sec, 8, "{}");
    CHECK(acepack_table_size(0) > 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.key_count, 0);
    MISS("");
    MISS("a");
}

static void many_keys(acepack_profile p)
{
    /* 3000 keys "k0".."k2999" with 1-byte values: enough to exercise probe
     * chains and wrap-around; every key is found, near misses are not. */
    static tkv kv[3000];
    static char keys[3000][8], vals[3000][2];
    size_t i;
    for (i = 0; i < 3000; i++) {
        sprintf(keys[i], "k%zu", i);
        vals[i][0] = (char)('A' + i % 26);
        vals[i][1] = 0;
        kv[i].key_json = keys[i];
        kv[i].value = vals[i];
    }
    tf_store(&F, kv, 3000, NULL, 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.key_count, 3000);
    for (i = 0; i < 3000; i++) {
        acepack_span v;
        char miss[16];
        CHECK(acepack_table_get(&T, keys[i], strlen(keys[i]), &v) == ACEPACK_OK && v.len == 1 &&
              v.ptr[0] == (uint8_t)('A' + i % 26));
        sprintf(miss, "k%zu", i + 3000);
        CHECK(acepack_table_get(&T, miss, strlen(miss), NULL) == ACEPACK_NOT_FOUND);
    }
}

static void collisions(acepack_profile p)
{
    /* 8 keys in the minimum 16 slots: whatever the hash, several share a
     * home slot, and keys that differ only late or only by escapes must
     * still be told apart. */
    static const tkv kv[] = {
        {"aaaaaaaaaaaaaaaa1", "1"}, {"aaaaaaaaaaaaaaaa2", "2"}, {"aaaaaaaaaaaaaaaa", "3"},
        {"aaaaaaaa", "4"}, {"\\u0000", "5"}, {"\\u0000\\u0000", "6"}, {"\\t", "7"}, {"\\\\", "8"}};
    tf_store(&F, kv, 8, NULL, 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.mask + 1, 16);
    HIT("aaaaaaaaaaaaaaaa1", "1");
    HIT("aaaaaaaaaaaaaaaa2", "2");
    HIT("aaaaaaaaaaaaaaaa", "3");
    HIT("aaaaaaaa", "4");
    HIT("\0", "5");
    HIT("\0\0", "6");
    HIT("\t", "7");
    HIT("\\", "8");
    MISS("aaaaaaaaaaaaaaaa3");
    MISS("aaaaaaa");
    MISS("\0\0\0");
    MISS("\\t");
}

static void compat_last_wins(acepack_profile p)
{
    static const uint8_t chunks[12] = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 2, 'y', 'o'};
    static const uint8_t sec[8] = {0};
    acepack_index_iter it;
    acepack_entry e[4];
    int n = 0;
    (void)p;
    tf_v2(&F, chunks, 12, sec, 8,
          "{\"k\":{\"offset\":128,\"length\":2},\"j\":{\"offset\":128,\"length\":1},"
          "\"\\u006b\":{\"offset\":134,\"length\":2},\"j\":{\"offset\":134,\"length\":1}}");
    CHECK(build(ACEPACK_COMPAT, 0, 0) == ACEPACK_OK);
    CHECK_U64(R.entry_count, 4);
    CHECK_U64(T.key_count, 2);
    HIT("k", "yo");
    HIT("j", "y");
    acepack_index_iter_init(&it, &R);
    while (n < 4 && acepack_index_iter_next(&it, &e[n]))
        n++;
    CHECK(n == 4);
    CHECK(acepack_table_is_current(&T, &e[0]) == 0);
    CHECK(acepack_table_is_current(&T, &e[1]) == 0);
    CHECK(acepack_table_is_current(&T, &e[2]) == 1);
    CHECK(acepack_table_is_current(&T, &e[3]) == 1);
    /* the same file in strict: R-IDX-6 for the escape at open */
    CHECK(acepack_open(&R, F.d, F.n, ACEPACK_STRICT, NULL) == ACEPACK_INVALID);
}

static void memory_and_sizes(acepack_profile p)
{
    _Alignas(8) static uint8_t mem[4096];
    acepack_error e;
    size_t need;
    tf_s1();
    CHECK(acepack_open(&R, F.d, F.n, p, NULL) == ACEPACK_OK);
    need = acepack_table_size(R.entry_count);
    CHECK(need >= 16 * 32 && need <= sizeof mem - 8);
    /* need includes 7 bytes of alignment slack */
    CHECK(acepack_table_build(&T, &R, mem, need - 8, &e) == ACEPACK_NOMEM);
    CHECK(acepack_table_build(&T, &R, mem + 1, need - 1, &e) == ACEPACK_NOMEM);
    CHECK(acepack_table_build(&T, &R, mem, need - 7, &e) == ACEPACK_OK);
    CHECK(acepack_table_build(&T, &R, NULL, 0, &e) == ACEPACK_NOMEM);
    CHECK(acepack_table_build(&T, &R, mem + 1, need, &e) == ACEPACK_OK); /* unaligned */
    HIT("a", "hi");
    CHECK(acepack_table_build(NULL, &R, mem, need, &e) == ACEPACK_ARG);
    /* sizes grow with the entry count, and overflow gives 0 */
    CHECK(acepack_table_size(1000) >= 2000 * 32);
    CHECK(acepack_table_size(UINT64_MAX) == 0);
    CHECK(acepack_table_size(UINT64_MAX / 64) == 0);
    if (sizeof(size_t) == 4)
        CHECK(acepack_table_size(100000000) == 0);
}

/* Duplicates are found in index order whatever the build's internal
 * pipelining: far from the first occurrence, and among the last entries. */
static void duplicate_positions(acepack_profile p)
{
    static tkv kv[40];
    static char keys[40][8];
    acepack_error e;
    size_t i, n, dup_at[3] = {20, 39, 9};
    const char *dup_of[3] = {"k3", "k38", "k8"};
    for (n = 0; n < 3; n++) {
        size_t count = dup_at[n] + 1, member;
        for (i = 0; i < count; i++) {
            sprintf(keys[i], "k%zu", i);
            kv[i].key_json = keys[i];
            kv[i].value = "v";
        }
        kv[dup_at[n]].key_json = dup_of[n];
        tf_store(&F, kv, count, NULL, 0);
        /* members after '{' at 128 + 5 * count + 8 + 1; each is
         * "kN":{"offset":O,"length":1} (3-digit offsets) plus a comma */
        member = 128 + 5 * count + 9;
        for (i = 0; i < dup_at[n]; i++)
            member += strlen(keys[i]) + 29; /* "kN": + {"offset":O + ,"length":1} + , */
        if (p == ACEPACK_STRICT) {
            size_t size;
            void *mem;
            CHECK(acepack_open(&R, F.d, F.n, p, NULL) == ACEPACK_OK);
            size = acepack_table_size(R.entry_count);
            mem = malloc(size);
            CHECK(acepack_table_build(&T, &R, mem, size, &e) == ACEPACK_INVALID);
            CHECK_STR(e.rule, "R-IDX-7");
            CHECK_U64(e.offset, member);
            free(mem);
        } else {
            CHECK(build(p, 0, 0) == ACEPACK_OK);
            CHECK_U64(T.key_count, count - 1);
        }
    }
}

const test_case TESTS_TABLE[] = {
    T_BOTH("R-IDX-7.table_duplicate_positions", duplicate_positions),
    T_BOTH("table.hits_and_misses", hits_and_misses),
    T_BOTH("table.zero_keys", zero_keys),
    T_BOTH("table.many_keys", many_keys),
    T_BOTH("table.collisions", collisions),
    T_COMPAT("R-IDX-12.table_last_wins", compat_last_wins),
    T_BOTH("table.memory_and_sizes", memory_and_sizes),
    T_END};
