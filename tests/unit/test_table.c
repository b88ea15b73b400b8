/* test_table.c - the lookup table: hits, misses, duplicates, sizes. */
#include <stdlib.h>

#include "tfile.h"

static acepack_reader R;
static acepack_table T;
static void *MEM;

/* acepack_table_size() for a reader of n entries (it reads only the
 * count), 0 when it reports that the size does not fit. */
static size_t table_size_of(uint64_t n)
{
    acepack_reader r;
    size_t size = 0;
    memset(&r, 0, sizeof r);
    r.entry_count = n;
    return acepack_table_size(&r, &size) == ACEPACK_OK ? size : 0;
}

static acepack_status build(acepack_profile p, uint64_t seed, int seeded)
{
    size_t size;
    free(MEM);
    MEM = NULL;
    if (acepack_open(&R, F.d, F.n, p, NULL) != ACEPACK_OK)
        return ACEPACK_INVALID;
    if (acepack_table_size(&R, &size) != ACEPACK_OK)
        return ACEPACK_UNSUPPORTED;
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
    static const tkv kv[] = {{"b", "v1"},
                             {"q\\\"\\n\\u0001", ""},
                             {"a", "xyz"},
                             {"\xc3\xa9", "e-acute"},
                             {"", "empty key"},
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
    /* a key's raw body ends at its first '"': the bytes after it in the
     * index (":{"offset"...) are no part of it */
    MISS("a\":{");
    MISS("a\":{\"offset\":138,\"length\":3}");
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
    CHECK(table_size_of(0) > 0);
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

/* 8 keys for the minimum 16 slots: whatever the hash, several share a home
 * slot, and keys that differ only late or only by escapes must still be told
 * apart. */
static const tkv CLOSE_KEYS[8] = {{"aaaaaaaaaaaaaaaa1", "1"},
                                  {"aaaaaaaaaaaaaaaa2", "2"},
                                  {"aaaaaaaaaaaaaaaa", "3"},
                                  {"aaaaaaaa", "4"},
                                  {"\\u0000", "5"},
                                  {"\\u0000\\u0000", "6"},
                                  {"\\t", "7"},
                                  {"\\\\", "8"}};

static void collisions(acepack_profile p)
{
    tf_store(&F, CLOSE_KEYS, 8, NULL, 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.priv.mask + 1, 16);
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
    MISS("aaaaaaaa\":{");
    MISS("aaaaaaaaaaaaaaaa\":{\"offset\":1");
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
    CHECK(acepack_table_size(&R, &need) == ACEPACK_OK);
    CHECK(acepack_table_size(NULL, &need) == ACEPACK_ARG);
    CHECK(acepack_table_size(&R, NULL) == ACEPACK_ARG);
    CHECK(need >= 16 * 8 && need <= sizeof mem - 8);
    /* need includes 7 bytes of alignment slack */
    CHECK(acepack_table_build(&T, &R, mem, need - 8, &e) == ACEPACK_NOMEM);
    CHECK(acepack_table_build(&T, &R, mem + 1, need - 1, &e) == ACEPACK_NOMEM);
    CHECK(acepack_table_build(&T, &R, mem, need - 7, &e) == ACEPACK_OK);
    CHECK(acepack_table_build(&T, &R, NULL, 0, &e) == ACEPACK_NOMEM);
    CHECK(acepack_table_build(&T, &R, mem + 1, need, &e) == ACEPACK_OK); /* unaligned */
    HIT("a", "hi");
    CHECK(acepack_table_build(NULL, &R, mem, need, &e) == ACEPACK_ARG);
    /* 8-byte slots, load <= 1/2: sizes grow with the entry count, stay
     * within 32 bytes per entry, and overflow is reported */
    CHECK(table_size_of(1000) >= 2000 * 8 && table_size_of(1000) <= 32000 + 7);
    CHECK_U64(table_size_of(100000), 262144 * 8 + 7);
    CHECK(table_size_of(UINT64_MAX) == 0);
    CHECK(table_size_of(UINT64_MAX / 16) == 0);
    if (sizeof(size_t) == 4) { /* 2^27 entries would need 2^32 + 7 bytes */
        CHECK_U64(table_size_of((UINT64_C(1) << 27) - 1), (UINT64_C(1) << 31) + 7);
        CHECK(table_size_of(UINT64_C(1) << 27) == 0);
    } else {
        CHECK_U64(table_size_of((UINT64_C(1) << 59) - 1), (UINT64_C(1) << 63) + 7);
        CHECK(table_size_of(UINT64_C(1) << 59) == 0);
    }
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
            CHECK(acepack_table_size(&R, &size) == ACEPACK_OK);
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

/* ---- acepack_table_get_many: the same answers as acepack_table_get ---- */

#define QMAX 16384
static acepack_span Q[QMAX];
static size_t QN;
static uint8_t QBYTES[1u << 20];
static size_t QUSED;

static void q_add(const void *p, size_t n)
{
    if (QN >= QMAX || n > sizeof QBYTES - QUSED) {
        t_fail(__FILE__, __LINE__, "query arena full");
        return;
    }
    if (n)
        memcpy(QBYTES + QUSED, p, n);
    Q[QN].ptr = QBYTES + QUSED;
    Q[QN].len = n;
    QUSED += n;
    QN++;
}

/* Queries for the table of R: every decoded key, near misses of each (one
 * byte shorter, one longer, last byte changed, the raw escaped form, the
 * key followed by the index text after it), the empty key, a NULL empty
 * key. */
static void q_collect(void)
{
    acepack_index_iter it;
    acepack_entry e;
    static uint8_t dec[4096];
    QN = QUSED = 0;
    acepack_index_iter_init(&it, &R);
    while (acepack_index_iter_next(&it, &e)) {
        size_t n;
        CHECK(acepack_key_decode(&e, dec, sizeof dec - 8, &n) == ACEPACK_OK);
        q_add(dec, n);
        if (n > 0)
            q_add(dec, n - 1);
        dec[n] = 'x';
        q_add(dec, n + 1);
        if (n > 0) {
            dec[n - 1] ^= 1;
            q_add(dec, n);
        }
        if (e.has_escapes)
            q_add(e.key.ptr, e.key.len);
        q_add(e.key.ptr, e.key.len + 4); /* key":{ */
    }
    q_add("", 0);
    q_add("", 0);
    Q[QN - 1].ptr = NULL;
}

/* get_many over Q[at, at + n) against get for each key: statuses, value
 * spans, untouched values on misses, the summary status. */
static void many_vs_get(const char *file, int line, size_t at, size_t n, int with_values)
{
    static acepack_span v[QMAX];
    static acepack_status st[QMAX];
    static const uint8_t mark[1] = {0};
    acepack_status want = ACEPACK_OK, got;
    size_t i;
    for (i = 0; i < n; i++) {
        v[i].ptr = mark;
        v[i].len = 12345;
        st[i] = ACEPACK_IO;
    }
    got = acepack_table_get_many(&T, Q + at, n, with_values ? v : NULL, st);
    for (i = 0; i < n; i++) {
        acepack_span g;
        acepack_status s;
        g.ptr = mark;
        g.len = 12345;
        s = acepack_table_get(&T, Q[at + i].ptr, Q[at + i].len, &g);
        if (s == ACEPACK_NOT_FOUND && want == ACEPACK_OK)
            want = s;
        if (st[i] != s)
            t_fail(file, line, "query %zu: get_many %d, get %d", at + i, (int)st[i], (int)s);
        if (with_values && (v[i].ptr != g.ptr || v[i].len != g.len))
            t_fail(file, line, "query %zu: get_many and get give different values", at + i);
        if (!with_values && (v[i].ptr != mark || v[i].len != 12345))
            t_fail(file, line, "query %zu: values written with values NULL", at + i);
    }
    if (got != want)
        t_fail(file, line, "get_many returned %d, expected %d", (int)got, (int)want);
}

/* Every query at once, then in batches of sizes around the pipeline's
 * distances (1 .. 40), then without values. */
static void check_many(const char *file, int line)
{
    static const size_t sizes[] = {1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 33, 40};
    size_t k, at;
    many_vs_get(file, line, 0, QN, 1);
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (at = 0; at < QN; at += sizes[k])
            many_vs_get(file, line, at, QN - at < sizes[k] ? QN - at : sizes[k], 1);
    many_vs_get(file, line, 0, QN, 0);
}

/* find and is_current agree with the iterator on every entry: the current
 * occurrence is found as the iterator yields it. */
static void check_find(const char *file, int line)
{
    acepack_index_iter it;
    acepack_entry e, f;
    static uint8_t dec[4096];
    uint64_t current = 0;
    acepack_index_iter_init(&it, &R);
    while (acepack_index_iter_next(&it, &e)) {
        size_t n;
        CHECK(acepack_key_decode(&e, dec, sizeof dec, &n) == ACEPACK_OK);
        if (acepack_table_find(&T, dec, n, &f) != ACEPACK_OK) {
            t_fail(file, line, "find misses an indexed key");
            continue;
        }
        if (acepack_table_is_current(&T, &e)) {
            current++;
            if (f.entry_offset != e.entry_offset || f.key.ptr != e.key.ptr ||
                f.key.len != e.key.len || f.has_escapes != e.has_escapes ||
                f.chunk_offset != e.chunk_offset || f.value_length != e.value_length)
                t_fail(file, line, "find differs from the iterator's entry at %llu",
                       (unsigned long long)e.entry_offset);
        } else if (f.entry_offset <= e.entry_offset) {
            t_fail(file, line, "a superseded entry's key finds an earlier entry");
        }
    }
    if (current != T.key_count)
        t_fail(file, line, "%llu current entries, %llu keys", (unsigned long long)current,
               (unsigned long long)T.key_count);
}
#define CHECK_MANY() (q_collect(), check_many(__FILE__, __LINE__), check_find(__FILE__, __LINE__))

static void get_many_equals_get(acepack_profile p)
{
    static const tkv mixed[] = {{"b", "v1"},
                                {"q\\\"\\n\\u0001", ""},
                                {"a", "xyz"},
                                {"\xc3\xa9", "e-acute"},
                                {"", "empty key"},
                                {"a much longer key that spans several words", "long"},
                                {"escaped\\tand long: 0123456789abcdef\\u0001", "esc-long"},
                                {"\\\\", "backslash"},
                                {"\\u001f\\\"", "ctl quote"}};
    static tkv kv[2000];
    static char keys[2000][48], vals[2000][4];
    size_t i;

    tf_store(&F, mixed, sizeof mixed / sizeof mixed[0], NULL, 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_MANY();
    tf_store(&F, CLOSE_KEYS, 8, NULL, 0);
    CHECK(build(p, 7, 1) == ACEPACK_OK);
    CHECK_MANY();
    /* keys shaped like a real store's, values of varied lengths */
    for (i = 0; i < 2000; i++) {
        sprintf(keys[i], "knowledge/agent-%04zu/skill-%07zu.md", i / 100, i);
        sprintf(vals[i], "%zu", i % 1000);
        kv[i].key_json = keys[i];
        kv[i].value = vals[i];
    }
    tf_store(&F, kv, 2000, NULL, 0);
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.key_count, 2000);
    CHECK_MANY();
    tf_s1();
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    CHECK_MANY();
    {
        static const uint8_t sec[8] = {0};
        tf_v2(&F, NULL, 0, sec, 8, "{}");
        CHECK(build(p, 0, 0) == ACEPACK_OK);
        CHECK_MANY();
    }
}

static void get_many_compat_duplicates(acepack_profile p)
{
    static const uint8_t chunks[12] = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 2, 'y', 'o'};
    static const uint8_t sec[8] = {0};
    (void)p;
    /* repeated keys (one escaped), whitespace, an extra member, numbers in
     * other forms: the compat walk reads the last occurrence's entry */
    tf_v2(&F, chunks, 12, sec, 8,
          " {\"k\":{\"offset\":128,\"length\":2}, \"j\" : {\"offset\":128,\"length\":1},\n"
          "\"\\u006b\":{\"length\":2,\"x\":[{\"offset\":1}],\"offset\":1.34e2},"
          "\"j\":{\"offset\":134,\"length\":1.0},\"\\/\":{\"offset\":128,\"length\":0}}");
    CHECK(build(ACEPACK_COMPAT, 0, 0) == ACEPACK_OK);
    CHECK_U64(T.key_count, 3);
    HIT("k", "yo");
    HIT("j", "y");
    HIT("/", "");
    CHECK_MANY();
}

static void get_many_arguments(acepack_profile p)
{
    acepack_span keys[3], v[3];
    acepack_status st[3];
    acepack_table unbuilt;
    const uint8_t *marker = (const uint8_t *)"m";
    tf_s1();
    CHECK(build(p, 0, 0) == ACEPACK_OK);
    memset(&unbuilt, 0, sizeof unbuilt);
    keys[0].ptr = (const uint8_t *)"a";
    keys[0].len = 1;
    keys[1].ptr = NULL; /* invalid: NULL with a length */
    keys[1].len = 3;
    keys[2].ptr = (const uint8_t *)"zz";
    keys[2].len = 2;
    st[0] = st[1] = st[2] = ACEPACK_IO;
    /* nothing is written when the call itself is invalid */
    CHECK(acepack_table_get_many(NULL, keys, 3, v, st) == ACEPACK_ARG);
    CHECK(acepack_table_get_many(&unbuilt, keys, 3, v, st) == ACEPACK_ARG);
    CHECK(acepack_table_get_many(&T, NULL, 3, v, st) == ACEPACK_ARG);
    CHECK(acepack_table_get_many(&T, keys, 3, v, NULL) == ACEPACK_ARG);
    CHECK(st[0] == ACEPACK_IO && st[1] == ACEPACK_IO && st[2] == ACEPACK_IO);
    /* n = 0: nothing to do, any pointers */
    CHECK(acepack_table_get_many(&T, NULL, 0, NULL, NULL) == ACEPACK_OK);
    CHECK(acepack_table_get_many(&T, keys, 0, v, st) == ACEPACK_OK);
    CHECK(st[0] == ACEPACK_IO);
    /* one invalid key: its status says so, the others are answered */
    v[0].ptr = v[1].ptr = v[2].ptr = marker;
    CHECK(acepack_table_get_many(&T, keys, 3, v, st) == ACEPACK_ARG);
    CHECK(st[0] == ACEPACK_OK && v[0].len == 2 && memcmp(v[0].ptr, "hi", 2) == 0);
    CHECK(st[1] == ACEPACK_ARG && v[1].ptr == marker);
    CHECK(st[2] == ACEPACK_NOT_FOUND && v[2].ptr == marker);
    CHECK(acepack_table_get(&T, NULL, 3, NULL) == ACEPACK_ARG);
    /* summaries without an invalid key; a NULL empty key is the empty key */
    CHECK(acepack_table_get_many(&T, keys, 1, NULL, st) == ACEPACK_OK && st[0] == ACEPACK_OK);
    CHECK(acepack_table_get_many(&T, keys + 2, 1, v, st) == ACEPACK_NOT_FOUND);
    keys[1].len = 0;
    CHECK(acepack_table_get_many(&T, keys, 2, v, st) == ACEPACK_NOT_FOUND);
    CHECK(st[0] == ACEPACK_OK && st[1] == ACEPACK_NOT_FOUND);
}

/* Offsets and lengths of 8 and 9 digits, read from the index text on a hit
 * (a v1 file of ~112 MB, mostly zero pages that nothing reads). */
static void long_numbers(acepack_profile p)
{
    static const char index[] = "{\"eight\":{\"offset\":64,\"length\":12345678},"
                                "\"nine\":{\"offset\":12345746,\"length\":100000000},"
                                "\"small\":{\"offset\":112345750,\"length\":3}}";
    const size_t chunk_end = 112345757, ilen = sizeof index - 1;
    uint8_t *d = calloc(chunk_end + ilen, 1);
    acepack_span v;
    size_t size;
    void *mem;
    if (d == NULL) {
        t_fail(__FILE__, __LINE__, "no memory for the 112 MB file");
        return;
    }
    tf_v1(&F, NULL, 0, "{}"); /* the header's constant fields */
    memcpy(d, F.d, 64);
    be64_at(d + 16, chunk_end);
    be64_at(d + 24, ilen);
    be32_at(d + 64, 12345678);
    be32_at(d + 12345746, 100000000);
    be32_at(d + 112345750, 3);
    memcpy(d + 112345754, "abc", 3);
    memcpy(d + chunk_end, index, ilen);
    CHECK(acepack_open(&R, d, chunk_end + ilen, p, NULL) == ACEPACK_OK);
    CHECK(acepack_table_size(&R, &size) == ACEPACK_OK);
    mem = malloc(size);
    CHECK(acepack_table_build(&T, &R, mem, size, NULL) == ACEPACK_OK);
    CHECK(acepack_table_get(&T, "eight", 5, &v) == ACEPACK_OK && v.ptr == d + 68 &&
          v.len == 12345678);
    CHECK(acepack_table_get(&T, "nine", 4, &v) == ACEPACK_OK && v.ptr == d + 12345750 &&
          v.len == 100000000);
    CHECK(acepack_table_get(&T, "small", 5, &v) == ACEPACK_OK && v.ptr == d + 112345754 &&
          v.len == 3);
    CHECK_MANY();
    free(mem);
    free(d);
}

/* Implementation limit (spec 3.6, 13): a slot keeps the key's position in
 * the index in 40 bits, so an index of 2^40 bytes or more is unsupported.
 * No test can hold such an index: the check is on kv_index_length, so the
 * reader of a small file is given that length (the walk itself stops at
 * the real end of the index). */
static void index_length_limit(acepack_profile p)
{
    _Alignas(8) static uint8_t mem[4096];
    acepack_error e;
    tf_s1();
    CHECK(acepack_open(&R, F.d, F.n, p, NULL) == ACEPACK_OK);
    R.index_length = (UINT64_C(1) << 40) - 1;
    CHECK(acepack_table_build(&T, &R, mem, sizeof mem, &e) == ACEPACK_OK);
    HIT("a", "hi");
    R.index_length = UINT64_C(1) << 40;
    CHECK(acepack_table_build(&T, &R, mem, sizeof mem, &e) == ACEPACK_UNSUPPORTED);
    CHECK(e.status == ACEPACK_UNSUPPORTED && e.rule == NULL);
    CHECK_U64(e.offset, 166);
    R.index_length = UINT64_MAX;
    CHECK(acepack_table_build_seeded(&T, &R, mem, sizeof mem, 1, &e) == ACEPACK_UNSUPPORTED);
}

/* A slot whose 23-bit tag matches the key but that holds another key (rare
 * by chance, so the slots are set by hand, with the layout of table.c:
 * position bits 0..39, escape bit 40, tag bits 41..63).  The lookup must
 * compare, see the other key, and go on probing: for a hit and for a miss,
 * in get and in get_many. */
static void tag_fallback(acepack_profile p)
{
    static const tkv kv[] = {{"a", "x"}, {"b", "yz"}};
    const uint64_t pos_mask = (UINT64_C(1) << 40) - 1;
    uint64_t *slots, wa = 0, wb = 0, seed;
    size_t ia = 0, ib = 0, i, cap;
    acepack_span key, v;
    acepack_status st;
    tf_store(&F, kv, 2, NULL, 0);
    /* a seed where "b" is not right after "a": then "b" is in its home slot */
    for (seed = 1; seed < 100; seed++) {
        CHECK(build(p, seed, 1) == ACEPACK_OK);
        slots = (uint64_t *)T.priv.slots;
        cap = (size_t)T.priv.mask + 1;
        for (i = 0; i < cap; i++) {
            if (slots[i] == 0)
                continue;
            if (R.data[R.index_offset + (slots[i] & pos_mask)] == 'a')
                ia = i, wa = slots[i];
            else
                ib = i, wb = slots[i];
        }
        if (wa != 0 && wb != 0 && ib != ((ia + 1) & T.priv.mask))
            break;
    }
    CHECK(wa != 0 && wb != 0 && seed < 100);
    slots = (uint64_t *)T.priv.slots;
    memset(slots, 0, (size_t)(T.priv.mask + 1) * 8);
    /* home of "b": b's tag, a's position; "b" itself in the next slot */
    slots[ib] = (wb & ~pos_mask) | (wa & pos_mask);
    slots[(ib + 1) & T.priv.mask] = wb;
    HIT("b", "yz");
    key.ptr = (const uint8_t *)"b";
    key.len = 1;
    CHECK(acepack_table_get_many(&T, &key, 1, &v, &st) == ACEPACK_OK && st == ACEPACK_OK &&
          v.len == 2 && memcmp(v.ptr, "yz", 2) == 0);
    q_collect();
    check_many(__FILE__, __LINE__);
    /* without "b": the chain ends after the false match */
    slots[(ib + 1) & T.priv.mask] = 0;
    MISS("b");
    CHECK(acepack_table_get_many(&T, &key, 1, &v, &st) == ACEPACK_NOT_FOUND &&
          st == ACEPACK_NOT_FOUND);
    check_many(__FILE__, __LINE__);
}

/* F holds a plain key P whose body is followed in the index by the text of
 * `query` after P, and the key `query` itself (escaped in the file).  The
 * slot of `query` (its tag) is made to point at P (set by hand as above):
 * the lookup of `query` must still miss. */
static void quote_case(const char *file, int line, acepack_profile p, const char *query)
{
    const uint64_t pos_mask = (UINT64_C(1) << 40) - 1, esc_bit = UINT64_C(1) << 40;
    uint64_t *slots = NULL, wa = 0, wq = 0, seed;
    size_t i, ia = 0, iq = 0, qlen = strlen(query);
    acepack_span key, v;
    acepack_status st;
    /* a seed where the escaped key is in its home slot (not right after
     * the plain one) */
    for (seed = 1; seed < 100; seed++) {
        CHECK(build(p, seed, 1) == ACEPACK_OK);
        slots = (uint64_t *)T.priv.slots;
        for (i = 0; i <= T.priv.mask; i++) {
            if (slots[i] & esc_bit)
                iq = i, wq = slots[i];
            else if (slots[i] != 0)
                ia = i, wa = slots[i];
        }
        if (wa != 0 && wq != 0 && iq != ((ia + 1) & T.priv.mask))
            break;
    }
    if (wa == 0 || wq == 0 || seed == 100 || slots == NULL) {
        t_fail(file, line, "no table with the layout wanted");
        return;
    }
    hit(file, line, query, qlen, "q");
    /* the plain key's body is followed by the query's suffix in the file */
    if (memcmp(R.data + R.index_offset + (wa & pos_mask), query, qlen) != 0 ||
        R.data[R.index_offset + (wa & pos_mask) + qlen] != '"')
        t_fail(file, line, "the file does not hold the query after the plain key");
    memset(slots, 0, (size_t)(T.priv.mask + 1) * 8);
    slots[iq] = (wq & ~(pos_mask | esc_bit)) | (wa & pos_mask);
    if (acepack_table_get(&T, query, qlen, NULL) != ACEPACK_NOT_FOUND)
        t_fail(file, line, "get found the plain key's entry for a longer key");
    key.ptr = (const uint8_t *)query;
    key.len = qlen;
    if (acepack_table_get_many(&T, &key, 1, &v, &st) != ACEPACK_NOT_FOUND)
        t_fail(file, line, "get_many found the plain key's entry for a longer key");
}

/* A plain key's raw body ends at its first '"', so a caller's key made of
 * it and the index text after it ("a" and `a":{`) is another key, even when
 * the tags match.  Key lengths for the byte loop, the word loop and its
 * last word; in compat, whitespace puts the only quotes of the query in an
 * early word. */
static void plain_key_quote(acepack_profile p)
{
    static const char *const plain[3] = {"a", "aaaaaaaa", "aaaaaaaaaaaaaaaaa"};
    static const uint8_t chunks[14] = {0, 0, 0, 5, 'p', 'l', 'a', 'i', 'n', 0, 0, 0, 1, 'q'};
    static const uint8_t sec[8] = {0};
    size_t k;
    for (k = 0; k < 3; k++) {
        char esc_json[64], query[64];
        tkv kv[2];
        sprintf(esc_json, "%s\\\":{", plain[k]);
        sprintf(query, "%s\":{", plain[k]);
        kv[0].key_json = plain[k];
        kv[0].value = "plain";
        kv[1].key_json = esc_json;
        kv[1].value = "q";
        tf_store(&F, kv, 2, NULL, 0);
        quote_case(__FILE__, __LINE__, p, query);
    }
    if (p == ACEPACK_COMPAT) {
        tf_v2(&F, chunks, 14, sec, 8,
              "{\"aaaaaaaa\":{\"offset\":128,\"length\":5}        ,"
              "\"aaaaaaaa\\\":{\\\"offset\\\":128,\\\"length\\\":5}        ,\":"
              "{\"offset\":137,\"length\":1}}");
        quote_case(__FILE__, __LINE__, p, "aaaaaaaa\":{\"offset\":128,\"length\":5}        ,");
    }
}

const t_test TESTS_TABLE[] = {
    T_BOTH("R-IDX-7.table_duplicate_positions", duplicate_positions),
    T_BOTH("table.hits_and_misses", hits_and_misses),
    T_BOTH("table.zero_keys", zero_keys),
    T_BOTH("table.many_keys", many_keys),
    T_BOTH("table.collisions", collisions),
    T_COMPAT("R-IDX-12.table_last_wins", compat_last_wins),
    T_BOTH("table.memory_and_sizes", memory_and_sizes),
    T_BOTH("table.get_many_equals_get", get_many_equals_get),
    T_COMPAT("R-IDX-12.table_get_many_last_wins", get_many_compat_duplicates),
    T_BOTH("table.get_many_arguments", get_many_arguments),
    T_BOTH("table.long_numbers", long_numbers),
    T_BOTH("table.index_length_limit", index_length_limit),
    T_BOTH("table.tag_fallback", tag_fallback),
    T_BOTH("table.plain_key_quote", plain_key_quote),
    T_END};
