/* test_index.c - the KV index (spec 4): R-IDX-1..12. */
#include <stdlib.h>

#include "tfile.h"

/* Files here: chunk "hi" at 128..133, empty event section 134..141, the
 * index text at IDX = 142. */
#define IDX 142u
static const uint8_t CHUNK[6] = {0, 0, 0, 2, 'h', 'i'};
static const uint8_t EMPTY_SEC[8] = {0};
static const char *cur;

static void idx(const char *text)
{
    cur = text;
    tf_v2(&F, CHUNK, 6, EMPTY_SEC, 8, text);
}

/* File offset of the first occurrence of needle in the current index text. */
static uint64_t at(const char *needle)
{
    const char *p = strstr(cur, needle);
    if (p == NULL) {
        t_fail(__FILE__, __LINE__, "test bug: %s not in %s", needle, cur);
        return 0;
    }
    return IDX + (uint64_t)(p - cur);
}

#define E "{\"offset\":128,\"length\":2}"
/* R-IDX-4, R-IDX-9 and R-CHK-* are reported at the member: IDX + 1 for the
 * first one (spec 7.2). */

/* The value of key (decoded bytes) through a table, or NULL. */
static int value_of(acepack_profile p, const char *key, size_t klen, const char **v, size_t *vlen)
{
    acepack_reader r;
    acepack_table t;
    acepack_span s;
    void *mem;
    size_t size;
    int ok = 0;
    if (acepack_open(&r, F.d, F.n, p, NULL) != ACEPACK_OK)
        return 0;
    if (acepack_table_size(&r, &size) != ACEPACK_OK)
        return 0;
    mem = malloc(size);
    if (acepack_table_build(&t, &r, mem, size, NULL) == ACEPACK_OK &&
        acepack_table_get(&t, key, klen, &s) == ACEPACK_OK) {
        *v = (const char *)s.ptr;
        *vlen = s.len;
        ok = 1;
    }
    free(mem);
    return ok;
}

static void expect_value(const char *file, int line, acepack_profile p, const char *key,
                         size_t klen, const char *val)
{
    const char *v;
    size_t vl;
    if (!value_of(p, key, klen, &v, &vl)) {
        t_fail(file, line, "key not found");
        return;
    }
    if (vl != strlen(val) || memcmp(v, val, vl) != 0)
        t_fail(file, line, "value \"%.*s\", expected \"%s\"", (int)vl, v, val);
}
#define EXPECT_VALUE(p, key, val) expect_value(__FILE__, __LINE__, p, key, sizeof(key) - 1, val)

static void invalid_utf8(acepack_profile p)
{
    idx("{\"a\xff\":" E "}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-1", IDX + 3);
    idx("{\"a\xc0\x80\":" E "}"); /* overlong */
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-1", IDX + 3);
    idx("{\"\xed\xa0\x80\":" E "}"); /* encoded surrogate */
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-1", IDX + 2);
    idx("{\"\xf4\x90\x80\x80\":" E "}"); /* above U+10FFFF */
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-1", IDX + 2);
    idx("{\"ab\xe2\x82\":" E "}"); /* truncated sequence */
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-1", IDX + 4);
    idx("{\"a\":" E "}\x80");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-1", at("\x80"));
}

static void utf8_keys(acepack_profile p)
{
    idx("{\"\xc3\xa9\xf0\x9f\x98\x80\x7f\":" E "}");
    EXPECT_OK(p);
    EXPECT_VALUE(p, "\xc3\xa9\xf0\x9f\x98\x80\x7f", "hi");
}

static void not_json_object(acepack_profile p)
{
    idx("[]");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX);
    idx("\"a\"");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX);
    idx("");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX);
    idx("{\"a\":" E);
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + strlen(cur));
    idx("{\"a\":" E "}x");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", at("x"));
    idx("{\"a\":" E ",}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + strlen(cur) - 1);
    idx("{\"a\x01\":" E "}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 3);
    idx("{\"a\\x\":" E "}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 4);
    idx("{\"a\\u12\":" E "}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 7);
    idx("{\"a\"," E "}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 4);
    idx("{\"a");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 3);
}

static void depth_limit(acepack_profile p)
{
    /* top object = level 1, entry = level 2, so 510 nested arrays in an
     * ignored member reach level 512 exactly. */
    static char text[4096];
    size_t k, n;
    for (k = 510; k <= 511; k++) {
        n = (size_t)sprintf(text, "{\"a\":{\"offset\":128,\"length\":2,\"x\":");
        memset(text + n, '[', k);
        memset(text + n + k, ']', k);
        strcpy(text + n + 2 * k, "}}");
        idx(text);
        if (p == ACEPACK_STRICT)
            EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-4", IDX + 1);
        else if (k == 510)
            EXPECT_OK(p);
        else
            EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + n + 510);
    }
}

static void whitespace(acepack_profile p)
{
    static const char *const cases[][2] = {
        {"{ }", "{ "},
        {" {}", " "},
        {"{}\n", "\n"},
        {"{\"a\" :" E "}", " "},
        {"{\"a\":" E " }", " }"},
        {"{\"a\":{\"offset\":\t128,\"length\":2}}", "\t"},
        {"{\"a\":{\"offset\":128 ,\"length\":2}}", " ,"},
        {"{\"a\":{ \"offset\":128,\"length\":2}}", " \""},
        {"{\"a\":{\"offset\":128,\"length\":2\r}}", "\r"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        idx(cases[i][0]);
        if (p == ACEPACK_STRICT)
            EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-3",
                        cases[i][1][0] == '{' ? IDX + 1 : at(cases[i][1]));
        else
            EXPECT_OK(p);
    }
}

static void bom(acepack_profile p)
{
    idx("\xef\xbb\xbf{\"a\":" E "}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-3", IDX);
    } else {
        EXPECT_OK(p);
        EXPECT_VALUE(p, "a", "hi");
    }
    /* R-IDX-8: BOM, then whitespace of all four kinds between every token */
    idx("\xef\xbb\xbf \t\n\r{ \"a\" :\n{ \"offset\" : 128 ,\t\"length\" : 2 } } \r\n");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-3", IDX);
    } else {
        EXPECT_OK(p);
        EXPECT_VALUE(p, "a", "hi");
    }
    /* a BOM after whitespace is not a BOM but garbage */
    idx(" \xef\xbb\xbf{}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 1);
}

static void entry_shape(acepack_profile p)
{
    idx("{\"a\":{\"length\":2,\"offset\":128}}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-4", IDX + 1);
    } else {
        EXPECT_OK(p);
        EXPECT_VALUE(p, "a", "hi");
    }
    idx("{\"a\":{\"offset\":128,\"length\":2,\"x\":{\"offset\":\"no\"}}}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-4", IDX + 1);
    } else {
        EXPECT_OK(p); /* R-IDX-9: other members of any type are ignored */
        EXPECT_VALUE(p, "a", "hi");
    }
    idx("{\"a\":{\"offset\":128}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
    idx("{\"a\":{}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
    idx("{\"a\":5}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
    idx("{\"a\":[128,2]}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
    idx("{\"a\":{\"offset\":\"128\",\"length\":2}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
    idx("{\"a\":{\"offset\":128,\"length\":null}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
    idx("{\"a\":{\"offsex\":128,\"length\":2}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-9", IDX + 1);
}

static void repeated_entry_members(acepack_profile p)
{
    /* R-IDX-9: the last occurrence of a member name counts */
    idx("{\"a\":{\"offset\":\"x\",\"offset\":128,\"length\":2}}");
    if (p == ACEPACK_STRICT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-4", IDX + 1);
    else
        EXPECT_VALUE(p, "a", "hi");
    idx("{\"a\":{\"offset\":128,\"length\":2,\"length\":1}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_VALUE(p, "a", "h");
    idx("{\"a\":{\"offset\":128,\"offset\":\"x\",\"length\":2}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-9", IDX + 1);
    /* member names compare after decoding (R-IDX-11) */
    idx("{\"a\":{\"\\u006fffset\":128,\"l\\u0065ngth\":1}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_VALUE(p, "a", "h");
}

static void number_forms(acepack_profile p)
{
    /* {text, compat value of "a" or NULL when compat rejects, compat rule} */
    static const char *const ok_compat[][2] = {
        {"{\"a\":{\"offset\":128.0,\"length\":2}}", "hi"},
        {"{\"a\":{\"offset\":1.28e2,\"length\":2}}", "hi"},
        {"{\"a\":{\"offset\":1.28E+2,\"length\":2}}", "hi"},
        {"{\"a\":{\"offset\":12800e-2,\"length\":2}}", "hi"},
        {"{\"a\":{\"offset\":0.000128e6,\"length\":2}}", "hi"},
        {"{\"a\":{\"offset\":128,\"length\":-0}}", ""},
        {"{\"a\":{\"offset\":128,\"length\":0.0e99999999999999999999999}}", ""},
        {"{\"a\":{\"offset\":128,\"length\":1.000000000000000000000000000000}}", "h"},
        {"{\"a\":{\"offset\":128000000000000000000000e-20,\"length\":2}}", "ih"},
    };
    static const char *const bad_compat[] = {
        "{\"a\":{\"offset\":128,\"length\":1.5}}",
        "{\"a\":{\"offset\":128,\"length\":-1}}",
        "{\"a\":{\"offset\":128,\"length\":1e400}}",
        "{\"a\":{\"offset\":128,\"length\":1e-400}}",
        "{\"a\":{\"offset\":128,\"length\":9007199254740992}}",
        "{\"a\":{\"offset\":128,\"length\":9.007199254740992e15}}",
        "{\"a\":{\"offset\":128,\"length\":0.1}}",
        "{\"a\":{\"offset\":128,\"length\":25e-1}}",
    };
    size_t i;
    for (i = 0; i < sizeof ok_compat / sizeof ok_compat[0]; i++) {
        idx(ok_compat[i][0]);
        if (strcmp(ok_compat[i][1], "ih") == 0) {
            /* 128000000000000000000000e-20 is exactly 1280: past the file end */
            if (p == ACEPACK_COMPAT)
                EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-CHK-1", IDX + 1);
            else
                EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-5", at("128"));
            continue;
        }
        if (p == ACEPACK_STRICT) {
            const char *num = strstr(cur, "\"length\":");
            const char *off = strstr(cur, "\"offset\":") + 9;
            /* the non-uint number is the offset unless the offset is 128, */
            uint64_t pos = strncmp(off, "128,", 4) == 0 ? IDX + (uint64_t)(num + 9 - cur)
                                                        : IDX + (uint64_t)(off - cur);
            EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-5", pos);
        } else {
            EXPECT_OK(p);
            EXPECT_VALUE(p, "a", ok_compat[i][1]);
        }
    }
    for (i = 0; i < sizeof bad_compat / sizeof bad_compat[0]; i++) {
        idx(bad_compat[i]);
        EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-5" : "R-IDX-10",
                    IDX + (uint64_t)(strstr(cur, "\"length\":") + 9 - cur));
    }
    /* no JSON numbers at all: R-IDX-2 at the byte where JSON fails, in
     * both profiles (a JSON number in another form is R-IDX-5 / R-IDX-10) */
    idx("{\"a\":{\"offset\":0128,\"length\":2}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", at("0128") + 1);
    idx("{\"a\":{\"offset\":128.,\"length\":2}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", at(".,") + 1);
    idx("{\"a\":{\"offset\":128,\"length\":- 2}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", at("- ") + 1);
    idx("{\"a\":{\"offset\":128,\"length\":2e}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", at("e}") + 1);
    idx("{\"a\":}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 5);
    idx("{\"a\":{\"offset\":}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-2", IDX + 15);
    /* 2^53-1 is a uint; the chunk is then outside the file (R-CHK-1) */
    idx("{\"a\":{\"offset\":9007199254740991,\"length\":9007199254740991}}");
    EXPECT_OPEN(p, ACEPACK_TRUNCATED, "R-CHK-1", IDX + 1);
    idx("{\"a\":{\"offset\":128,\"length\":99999999999999999999999999}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-5" : "R-IDX-10", at("9999"));
}

static void key_escapes(acepack_profile p)
{
    /* {index key body, decoded key, strict-valid?} */
    static const struct {
        const char *body;
        const char *key;
        size_t klen;
        int strict_ok;
    } cases[] = {
        {"a\\\"b\\\\c", "a\"b\\c", 5, 1},
        {"\\b\\f\\n\\r\\t", "\b\f\n\r\t", 5, 1},
        {"\\u0000", "\0", 1, 1},
        {"\\u001f\\u0001\\u000b", "\x1f\x01\x0b", 3, 1},
        {"a\\/b", "a/b", 3, 0},
        {"\\u0041", "A", 1, 0},
        {"\\u000a", "\n", 1, 0},
        {"\\u001F", "\x1f", 1, 0},
        {"\\u00e9", "\xc3\xa9", 2, 0},
        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80", 4, 0},
        {"\\uD83D\\uDE00x", "\xf0\x9f\x98\x80x", 5, 0},
        {"\\u20ac", "\xe2\x82\xac", 3, 0},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static char text[256];
        sprintf(text, "{\"%s\":" E "}", cases[i].body);
        idx(text);
        if (p == ACEPACK_STRICT && !cases[i].strict_ok) {
            EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-6", IDX + 1);
        } else {
            EXPECT_OK(p);
            expect_value(__FILE__, __LINE__, p, cases[i].key, cases[i].klen, "hi");
        }
    }
}

static void lone_surrogates(acepack_profile p)
{
    static const char *const keys[] = {"\\ud800",        "a\\udbff",       "\\udc00",
                                       "\\ud800\\u0041", "\\ud800\\ud800", "\\ude00\\ud83d"};
    size_t i;
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        static char text[256];
        sprintf(text, "{\"x\":" E ",\"%s\":" E "}", keys[i]);
        idx(text);
        EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-6" : "R-IDX-11",
                    at("},\"") + 2);
    }
    /* in an entry member name too (compat), and in a name inside an ignored
     * member; a string value may hold one */
    idx("{\"a\":{\"\\ud800\":1,\"offset\":128,\"length\":2}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-11", at("\"\\ud800"));
    idx("{\"a\":{\"x\":[\"\\ud800\",{\"\\udc00\":1}],\"offset\":128,\"length\":2}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-11", at("\"\\udc00"));
    idx("{\"a\":{\"x\":[\"\\ud800\"],\"offset\":128,\"length\":2}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OK(p);
}

static void duplicate_keys(acepack_profile p)
{
    acepack_reader r;
    acepack_table t;
    acepack_error e;
    static uint8_t mem[4096];
    idx("{\"b\":" E ",\"a\":" E ",\"b\":" E "}");
    /* structural validation cannot see duplicates (no memory) */
    EXPECT_OK(p);
    if (p == ACEPACK_STRICT) {
        uint64_t second = at(",\"b\"") + 1;
        EXPECT_FULL(p, ACEPACK_INVALID, "R-IDX-7", second);
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK(acepack_table_build(&t, &r, mem, sizeof mem, &e) == ACEPACK_INVALID);
        CHECK_STR(e.rule, "R-IDX-7");
        CHECK_U64(e.offset, second);
    } else {
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
        EXPECT_VALUE(p, "b", "hi"); /* R-IDX-12: the last one wins */
        EXPECT_VALUE(p, "a", "hi");
    }
}

static void duplicate_keys_by_escape(acepack_profile p)
{
    /* compat: "a" and "\u0061" are the same key */
    idx("{\"a\":" E ",\"\\u0061\":{\"offset\":128,\"length\":1}}");
    if (p == ACEPACK_STRICT) {
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-6", at("},\"") + 2);
    } else {
        acepack_reader r;
        acepack_table t;
        acepack_index_iter it;
        acepack_entry e1, e2, e3;
        static uint8_t mem[4096];
        CHECK(acepack_open(&r, F.d, F.n, p, NULL) == ACEPACK_OK);
        CHECK_U64(r.entry_count, 2);
        CHECK(acepack_table_build(&t, &r, mem, sizeof mem, NULL) == ACEPACK_OK);
        CHECK_U64(t.key_count, 1);
        EXPECT_VALUE(p, "a", "h");
        acepack_index_iter_init(&it, &r);
        CHECK(acepack_index_iter_next(&it, &e1) == 1);
        CHECK(acepack_index_iter_next(&it, &e2) == 1);
        CHECK(acepack_index_iter_next(&it, &e3) == 0);
        CHECK(acepack_table_is_current(&t, &e1) == 0);
        CHECK(acepack_table_is_current(&t, &e2) == 1);
        CHECK_U64(e1.value_length, 2);
        CHECK_U64(e2.value_length, 1);
        CHECK(e2.has_escapes == 1);
    }
}

/* R-IDX-12: the last occurrence counts, but every occurrence must be a
 * valid entry (spec 1.4 item 5): one pass, no memory. */
static void every_occurrence_checked(acepack_profile p)
{
    static const struct {
        const char *text;
        const char *rule; /* in compat */
        const char *at;   /* the reported token, found in the text */
        int plus;         /* added to its position */
    } cases[] = {
        {"{\"a\":{\"offset\":\"x\"},\"a\":" E "}", "R-IDX-9", "{\"a\"", 1},
        {"{\"a\":5,\"b\":" E ",\"a\":" E "}", "R-IDX-9", "{\"a\"", 1},
        {"{\"a\":{\"offset\":999,\"length\":5},\"a\":" E "}", "R-CHK-1", "{\"a\"", 1},
        {"{\"a\":{\"offset\":1.5,\"length\":2},\"\\u0061\":" E "}", "R-IDX-10", "1.5", 0},
        {"{\"a\":" E ",\"a\":{\"offset\":999,\"length\":5}}", "R-CHK-1", "},\"a\"", 2},
        {"{\"b\":" E ",\"a\":[],\"a\":" E "}", "R-IDX-9", "},\"a\"", 2},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        idx(cases[i].text);
        if (p == ACEPACK_STRICT) {
            acepack_reader r;
            CHECK(acepack_open(&r, F.d, F.n, p, NULL) != ACEPACK_OK);
        } else {
            EXPECT_OPEN(p,
                        strcmp(cases[i].rule, "R-CHK-1") == 0 ? ACEPACK_TRUNCATED : ACEPACK_INVALID,
                        cases[i].rule, at(cases[i].at) + (uint64_t)cases[i].plus);
        }
    }
    /* valid repeated occurrences: the last one wins */
    idx("{\"a\":{\"offset\":128,\"length\":1},\"b\":" E ",\"a\":" E "}");
    if (p == ACEPACK_COMPAT) {
        const char *expect = "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
                             "{\"key\":\"a\",\"value_hex\":\"6869\",\"value_utf8\":\"hi\"},\n"
                             "{\"key\":\"b\",\"value_hex\":\"6869\",\"value_utf8\":\"hi\"}\n"
                             "],\"events\":[]}\n";
        EXPECT_OK(p);
        EXPECT_VALUE(p, "a", "hi");
        expect_dump_at(__FILE__, __LINE__, p, expect, strlen(expect));
    }
}

/* R-IDX-11: member names at any depth, also inside ignored members; string
 * values may hold unpaired surrogates. */
static void member_names_any_depth(acepack_profile p)
{
    idx("{\"a\":{\"x\":[{\"ok\":1},{\"\\ud800\":1}],\"offset\":128,\"length\":2}}");
    EXPECT_OPEN(p, ACEPACK_INVALID, p == ACEPACK_STRICT ? "R-IDX-4" : "R-IDX-11",
                p == ACEPACK_STRICT ? IDX + 1 : at("\"\\ud800"));
    idx("{\"a\":{\"x\":{\"y\":{\"z\\udfff\":null}},\"offset\":128,\"length\":2}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OPEN(p, ACEPACK_INVALID, "R-IDX-11", at("\"z\\udfff"));
    idx("{\"a\":{\"x\":{\"y\":\"\\ud800\",\"\\ud83d\\ude00\":[\"\\udc00\"]},\"offset\":128,\"length\":2}}");
    if (p == ACEPACK_COMPAT)
        EXPECT_OK(p);
}

const t_test TESTS_INDEX[] = {T_BOTH("R-IDX-12.every_occurrence_checked", every_occurrence_checked),
                              T_BOTH("R-IDX-11.member_names_any_depth", member_names_any_depth),
                              T_BOTH("R-IDX-1.invalid_utf8", invalid_utf8),
                              T_BOTH("R-IDX-1.utf8_keys", utf8_keys),
                              T_BOTH("R-IDX-2.not_a_json_object", not_json_object),
                              T_BOTH("R-IDX-2.depth_limit_512", depth_limit),
                              T_BOTH("R-IDX-3.whitespace", whitespace),
                              T_BOTH("R-IDX-3.R-IDX-8.byte_order_mark", bom),
                              T_BOTH("R-IDX-4.R-IDX-9.entry_shape", entry_shape),
                              T_BOTH("R-IDX-9.repeated_entry_members", repeated_entry_members),
                              T_BOTH("R-IDX-5.R-IDX-10.number_forms", number_forms),
                              T_BOTH("R-IDX-6.R-IDX-11.key_escapes", key_escapes),
                              T_BOTH("R-IDX-6.R-IDX-11.lone_surrogates", lone_surrogates),
                              T_BOTH("R-IDX-7.R-IDX-12.duplicate_keys", duplicate_keys),
                              T_BOTH("R-IDX-12.duplicate_keys_by_escape", duplicate_keys_by_escape),
                              T_END};
