/*
 * test_build.c - the canonical builder (spec 8.3) against the byte examples of
 * the spec, its validation (W-EVT-2, W-EVT-4, W-IDX-2, W-HDR-2), the key order
 * (W-CAN-1), the index escaping (4.1), and the dump parser (spec 11).
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "wtest.h"

/* Appendix B: its dump. */
static const char APPB_DUMP[] =
    "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
    "{\"key\":\"42\",\"value_hex\":\"78\",\"value_utf8\":\"x\"},\n"
    "{\"key\":\"a\",\"value_hex\":\"79\",\"value_utf8\":\"y\"}\n"
    "],\"events\":[\n"
    "{\"id\":\"1\",\"ts\":\"1700000000000\",\"kind\":1,\"source\":2,\"flags\":0,"
    "\"payload_hex\":\"7b226b6579223a226b227d\",\"payload_utf8\":\"{\\\"key\\\":\\\"k\\\"}\"}\n"
    "]}\n";

static const char EMPTY_DUMP[] =
    "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],\"events\":[]}\n";

static acepack_kv kv_s(const char *k, const char *v)
{
    acepack_kv x = {(const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v)};
    return x;
}

static acepack_event_in ev_s(uint64_t ts, uint32_t kind, uint32_t src, uint32_t flags,
                             const char *payload)
{
    acepack_event_in e = {ts, kind, src, flags, (const uint8_t *)payload, strlen(payload)};
    return e;
}

static acepack_content content(const acepack_kv *kv, size_t nkv, const acepack_event_in *ev,
                               size_t nev)
{
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    c.kv = kv;
    c.kv_count = nkv;
    c.events = ev;
    c.event_count = nev;
    return c;
}

static uint8_t out[1 << 16];

/* The three sizing/building entry points must agree on the spec's bytes:
 * acepack_build writes exactly `want`, acepack_build_size says its length
 * and acepack_build_bound is no smaller. */
static void expect_built_at(const acepack_content *c, const uint8_t *want, size_t wn, int line)
{
    size_t n = 0;
    acepack_status st = acepack_build(c, NULL, out, sizeof out, &n, NULL);
    if (st != ACEPACK_OK || n != wn || memcmp(out, want, wn) != 0)
        t_fail(__FILE__, line, "build gave %s, %zu bytes (expected %zu)%s", acepack_status_name(st),
               n, wn, n == wn ? " that differ" : "");
    uint64_t size = 0, bound = 0;
    st = acepack_build_size(c, NULL, &size, NULL);
    if (st != ACEPACK_OK || size != wn)
        t_fail(__FILE__, line, "build_size gave %s and %llu, expected %zu", acepack_status_name(st),
               (unsigned long long)size, wn);
    st = acepack_build_bound(c, &bound);
    if (st != ACEPACK_OK || bound < wn)
        t_fail(__FILE__, line, "build_bound gave %s and %llu, below %zu", acepack_status_name(st),
               (unsigned long long)bound, wn);
}
#define expect_built(c, want, wn) expect_built_at((c), (want), (wn), __LINE__)

static void test_empty_store(void)
{
    uint8_t want[256];
    size_t wn = w_hex(W_EMPTY_STORE_HEX, want, sizeof want);
    CHECK_U64(wn, 138);
    acepack_content c = content(NULL, 0, NULL, 0);
    expect_built(&c, want, wn);
}

static void test_worked_example(void)
{
    uint8_t want[512];
    size_t wn = w_hex(W_APPENDIX_B_HEX, want, sizeof want);
    CHECK_U64(wn, 241);
    /* Given in non-canonical order on purpose: W-CAN-1 puts "42" first. */
    acepack_kv kv[2] = {kv_s("a", "y"), kv_s("42", "x")};
    acepack_event_in ev[1] = {ev_s(1700000000000ull, 1, 2, 0, "{\"key\":\"k\"}")};
    acepack_content c = content(kv, 2, ev, 1);
    expect_built(&c, want, wn);

    /* Too small a buffer: NOMEM, and the size needed. */
    acepack_error e;
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, out, 240, &n, &e), ACEPACK_NOMEM);
    CHECK_U64(n, 241);

    /* Dump text -> content -> the same bytes. */
    acepack_parsed_dump d;
    CHECK_ST(acepack_dump_parse(APPB_DUMP, strlen(APPB_DUMP), NULL, &d, &e), ACEPACK_OK);
    expect_built(&d.content, want, wn);
    acepack_parsed_dump_free(&d);

    CHECK_ST(acepack_dump_parse(EMPTY_DUMP, strlen(EMPTY_DUMP), NULL, &d, &e), ACEPACK_OK);
    uint8_t empty[256];
    size_t en = w_hex(W_EMPTY_STORE_HEX, empty, sizeof empty);
    expect_built(&d.content, empty, en);
    acepack_parsed_dump_free(&d);
}

typedef struct collect {
    uint8_t b[1 << 16];
    size_t n;
    int calls;
} collect;

static int collect_fn(void *ctx, const void *p, size_t n)
{
    collect *c = ctx;
    if (n > sizeof c->b - c->n)
        return 1;
    memcpy(c->b + c->n, p, n);
    c->n += n;
    c->calls++;
    return 0;
}

static int fail_fn(void *ctx, const void *p, size_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
    return 1;
}

static void test_streams_agree(void)
{
    acepack_kv kv[3] = {kv_s("b", "2"), kv_s("a", "1"), kv_s("c", "")};
    acepack_event_in ev[5];
    for (int i = 0; i < 5; i++)
        ev[i] = ev_s((uint64_t)i, (uint32_t)i, 7, 0, "{}");
    acepack_content c = content(kv, 3, ev, 5);
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);

    static collect col;
    col.n = 0;
    CHECK_ST(acepack_build_write(&c, NULL, collect_fn, &col, NULL), ACEPACK_OK);
    CHECK(col.n == n && memcmp(col.b, out, n) == 0);
    CHECK_ST(acepack_build_write(&c, NULL, fail_fn, NULL, NULL), ACEPACK_CALLBACK);

    char dir[256], path[300];
    w_mkdir(dir, sizeof dir, "build");
    snprintf(path, sizeof path, "%s/f.ace", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_ST(acepack_build_fd(&c, NULL, NULL, fd, NULL), ACEPACK_OK);
    close(fd);
    CHECK(w_file_equals(path, out, n));
    w_rmdir(dir);

    /* pad = (4 - N mod 4) mod 4 with N = 5: pay_off starts at section position 62 (3.3.2). */
    acepack_reader r;
    CHECK_ST(acepack_open(&r, out, n, ACEPACK_STRICT, NULL), ACEPACK_OK);
    CHECK_U64(r.evt_length, 8 + 19 * 5 + 3 + 10);
}

/* W-CAN-1: integer-like keys numerically first, the rest by UTF-8 bytes. */
static void test_key_order(void)
{
    const char *given[] = {"b",          "a", "10",       "9",   "01", "-1",    "4294967295",
                           "4294967294", "",  "\xc3\xa4", "1.5", "0",  "a\x7f", "A"};
    const char *want[] = {"0",   "9",          "10", "4294967294", "",      "-1", "01",
                          "1.5", "4294967295", "A",  "a",          "a\x7f", "b",  "\xc3\xa4"};
    enum { N = sizeof given / sizeof given[0] };
    acepack_kv kv[N];
    for (size_t i = 0; i < N; i++)
        kv[i] = kv_s(given[i], "v");
    acepack_content c = content(kv, N, NULL, 0);
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    /* Expected index text, offsets per W-CAN-2: chunk i at 128 + 5 i. */
    char idx[4096];
    size_t k = 0;
    k += (size_t)snprintf(idx + k, sizeof idx - k, "{");
    for (size_t i = 0; i < N; i++)
        k += (size_t)snprintf(idx + k, sizeof idx - k, "%s\"%s\":{\"offset\":%zu,\"length\":1}",
                              i ? "," : "", want[i], 128 + 5 * i);
    k += (size_t)snprintf(idx + k, sizeof idx - k, "}");
    uint64_t chunk_end = 128 + 5 * N;
    CHECK_U64(n, chunk_end + 8 + k);
    CHECK(memcmp(out + chunk_end + 8, idx, k) == 0);
    for (size_t i = 0; i < N; i++)
        CHECK(out[128 + 5 * i + 4] == 'v');
}

/* Spec 4.1: short escapes, \u00xx lowercase for other controls, the rest as is. */
static void test_index_escaping(void)
{
    static const char key[] = "q\"b\\n\nt\tc\x01\x1f"
                              "d\x7f"
                              "e\xe2\x80\xa8"
                              "f\b\f\r";
    acepack_kv kv[1] = {{(const uint8_t *)key, sizeof key - 1, (const uint8_t *)"", 0}};
    acepack_content c = content(kv, 1, NULL, 0);
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    static const char want[] = "{\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001fd\x7f"
                               "e\xe2\x80\xa8"
                               "f\\b\\f\\r\":{\"offset\":128,\"length\":0}}";
    CHECK_U64(n, 128 + 4 + 8 + sizeof want - 1);
    CHECK(memcmp(out + 140, want, sizeof want - 1) == 0);
    acepack_reader r;
    CHECK_ST(acepack_open(&r, out, n, ACEPACK_STRICT, NULL), ACEPACK_OK);
}

static void expect_refused(const acepack_content *c, acepack_status st, const char *rule,
                           uint64_t offset, int line)
{
    acepack_error e;
    memset(&e, 0, sizeof e);
    size_t n = 12345;
    static collect col;
    col.n = 0;
    col.calls = 0;
    acepack_status got = acepack_build(c, NULL, out, sizeof out, &n, &e);
    if (got != st || (rule && (!e.rule || strcmp(e.rule, rule) != 0)) || e.offset != offset)
        t_fail(__FILE__, line, "build gave %s %s @%llu, expected %s %s @%llu",
               acepack_status_name(got), e.rule ? e.rule : "-", (unsigned long long)e.offset,
               acepack_status_name(st), rule ? rule : "-", (unsigned long long)offset);
    /* Nothing at all is written for refused content. */
    got = acepack_build_write(c, NULL, collect_fn, &col, NULL);
    if (got != st || col.calls != 0)
        t_fail(__FILE__, line, "build_write gave %s after %d writes", acepack_status_name(got),
               col.calls);
}

static void test_refusals(void)
{
    acepack_kv kv[2] = {kv_s("a", "1"), kv_s("b", "2")};
    acepack_event_in ev[3] = {ev_s(1, 1, 1, 0, "{}"), ev_s(2, 1, 1, 0, "{}"),
                              ev_s(3, 1, 1, 0, "{}")};
    acepack_content c = content(kv, 2, ev, 3);

    ev[1].ts = 9007199254740992ull; /* 2^53 */
    expect_refused(&c, ACEPACK_INVALID, "W-EVT-2", 1, __LINE__);
    ev[1].ts = 9007199254740991ull; /* 2^53-1 is fine */
    size_t n;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    ev[2].kind = 256;
    expect_refused(&c, ACEPACK_INVALID, "W-EVT-2", 2, __LINE__);
    ev[2].kind = 255;
    ev[2].source = 300;
    expect_refused(&c, ACEPACK_INVALID, "W-EVT-2", 2, __LINE__);
    ev[2].source = 0;
    ev[2].flags = 0xFFFFFFFFu; /* -1 from a caller */
    expect_refused(&c, ACEPACK_INVALID, "W-EVT-2", 2, __LINE__);
    ev[2].flags = 255;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);

    /* W-EVT-4: R-PAY-1..3. */
    const char *bad_payloads[] = {"[]", "", "{", "{} x", "\"s\"", "{\"a\":\xff}", "{\"a\":01}"};
    for (size_t i = 0; i < sizeof bad_payloads / sizeof bad_payloads[0]; i++) {
        ev[0] = ev_s(1, 1, 1, 0, bad_payloads[i]);
        expect_refused(&c, ACEPACK_INVALID, "W-EVT-4", 0, __LINE__);
    }
    /* R-PAY-3: {"x":[[...]]} with the object at level 1. */
    static char deep[2 * 513 + 8];
    for (int levels = 513; levels >= 512; levels--) {
        size_t k = 0;
        memcpy(deep, "{\"x\":", 5);
        k = 5;
        for (int i = 1; i < levels; i++)
            deep[k++] = '[';
        for (int i = 1; i < levels; i++)
            deep[k++] = ']';
        deep[k++] = '}';
        deep[k] = 0;
        ev[0] = ev_s(1, 1, 1, 0, deep);
        if (levels == 513)
            expect_refused(&c, ACEPACK_INVALID, "W-EVT-4", 0, __LINE__);
        else
            CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    }
    ev[0] = ev_s(1, 1, 1, 0, "{\"key\":\"k\",\"payload\":{\"x\":[1,2,{}]},\"d\":\"\\ud800\"}");
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);

    /* W-IDX-2. */
    kv[1] = kv_s("\xff", "2");
    expect_refused(&c, ACEPACK_INVALID, "W-IDX-2", 1, __LINE__);
    kv[1] = kv_s("\xed\xa0\x80", "2"); /* an encoded surrogate is not UTF-8 */
    expect_refused(&c, ACEPACK_INVALID, "W-IDX-2", 1, __LINE__);
    kv[1] = kv_s("a", "2");
    expect_refused(&c, ACEPACK_INVALID, "W-IDX-2", 1, __LINE__);
    kv[1] = kv_s("b", "2");

    /* W-HDR-2: incompatible bits refused, compatible ones cleared. */
    c.flags = 0x00010000u;
    expect_refused(&c, ACEPACK_UNSUPPORTED_FEATURE, "W-HDR-2", 0, __LINE__);
    c.flags = 0x00000001u;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    CHECK(out[12] == 0 && out[13] == 0 && out[14] == 0 && out[15] == 0);
    c.flags = 0;

    c.evt_base_id = 4294967296ull;
    expect_refused(&c, ACEPACK_INVALID, "W-HDR-1", 0, __LINE__);
    c.evt_base_id = 4294967295ull;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    c.evt_base_id = 0;

    c.format_version = 1; /* a v1 file has no events */
    expect_refused(&c, ACEPACK_ARG, NULL, 0, __LINE__);
    c.format_version = 3;
    expect_refused(&c, ACEPACK_ARG, NULL, 0, __LINE__);
}

/* W-V1-1: the canonical v1 file (test files only). */
static void test_v1(void)
{
    acepack_kv kv[2] = {kv_s("b", "yz"), kv_s("a", "x")};
    acepack_content c = content(kv, 2, NULL, 0);
    c.format_version = 1;
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    static const char idx[] =
        "{\"a\":{\"offset\":64,\"length\":1},\"b\":{\"offset\":69,\"length\":2}}";
    uint8_t want[256];
    size_t wn = w_hex("41 43 45 50 41 43 4b 00 00 00 00 01 00 00 00 00"
                      "00 00 00 00 00 00 00 4b 00 00 00 00 00 00 00 3b"
                      "0000000000000000000000000000000000000000000000000000000000000000"
                      "00 00 00 01 78 00 00 00 02 79 7a",
                      want, sizeof want);
    memcpy(want + wn, idx, sizeof idx - 1);
    wn += sizeof idx - 1;
    CHECK_U64(n, wn);
    CHECK(memcmp(out, want, wn) == 0);
}

static void expect_dump_refused_at(const char *text, const char *rule, int line)
{
    acepack_parsed_dump d;
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = acepack_dump_parse(text, strlen(text), NULL, &d, &e);
    if (st != ACEPACK_INVALID || !e.rule || strcmp(e.rule, rule) != 0)
        t_fail(__FILE__, line, "dump_parse gave %s %s, expected invalid %s",
               acepack_status_name(st), e.rule ? e.rule : "-", rule);
    if (st == ACEPACK_OK)
        acepack_parsed_dump_free(&d);
}

#define expect_dump_refused(t, r) expect_dump_refused_at((t), (r), __LINE__)
#define HEAD "{\"format_version\":2,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":"
static void test_dump_parse(void)
{
    acepack_parsed_dump d;
    acepack_error e;
    /* Escapes: the short forms and \u00xx for other controls. */
    static const char ok1[] = HEAD "[\n{\"key\":\"a\\n\\u0001\\\"\",\"value_hex\":\"00ff\"},\n"
                                   "{\"key\":\"b\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n"
                                   "],\"events\":[]}\n";
    CHECK_ST(acepack_dump_parse(ok1, strlen(ok1), NULL, &d, &e), ACEPACK_OK);
    CHECK_U64(d.content.kv_count, 2);
    CHECK(d.content.kv[0].key_len == 4 && memcmp(d.content.kv[0].key, "a\n\x01\"", 4) == 0);
    CHECK(d.content.kv[0].value_len == 2 && d.content.kv[0].value[1] == 0xff);
    acepack_parsed_dump_free(&d);

    /* A v1 dump. */
    static const char v1[] = "{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],"
                             "\"events\":[]}\n";
    CHECK_ST(acepack_dump_parse(v1, strlen(v1), NULL, &d, &e), ACEPACK_OK);
    CHECK_U64(d.content.format_version, 1);
    acepack_parsed_dump_free(&d);

    /* Values the builder must refuse still parse (the dump shows them). */
    static const char bigts[] =
        HEAD "[],\"events\":[\n{\"id\":\"1\",\"ts\":\"18446744073709551615\","
             "\"kind\":255,\"source\":0,\"flags\":0,\"payload_hex\":\"7b7d\","
             "\"payload_utf8\":\"{}\"}\n]}\n";
    CHECK_ST(acepack_dump_parse(bigts, strlen(bigts), NULL, &d, &e), ACEPACK_OK);
    CHECK(d.content.event_count == 1 && d.content.events[0].ts == UINT64_MAX);
    size_t n;
    CHECK_ST(acepack_build(&d.content, NULL, out, sizeof out, &n, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "W-EVT-2");
    acepack_parsed_dump_free(&d);

    expect_dump_refused(HEAD "[], \"events\":[]}\n", "D-1");
    expect_dump_refused(HEAD "[],\"events\":[]}", "D-1");
    expect_dump_refused(HEAD "[],\"events\":[]}\n\n", "D-1");
    expect_dump_refused(HEAD "[\n],\"events\":[]}\n", "D-1");
    expect_dump_refused("{\"format_version\":02,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],"
                        "\"events\":[]}\n",
                        "D-3");
    expect_dump_refused("{\"format_version\":3,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],"
                        "\"events\":[]}\n",
                        "D-3");
    expect_dump_refused(HEAD "[\n{\"key\":\"a\",\"value_hex\":\"7A\",\"value_utf8\":\"z\"}\n],"
                             "\"events\":[]}\n",
                        "D-4");
    expect_dump_refused(HEAD "[\n{\"key\":\"a\",\"value_hex\":\"7a\"}\n],\"events\":[]}\n", "D-2");
    expect_dump_refused(HEAD "[\n{\"key\":\"a\",\"value_hex\":\"ff\",\"value_utf8\":\"x\"}\n],"
                             "\"events\":[]}\n",
                        "D-2");
    expect_dump_refused(HEAD "[\n{\"key\":\"a\",\"value_hex\":\"7a\",\"value_utf8\":\"y\"}\n],"
                             "\"events\":[]}\n",
                        "D-2");
    expect_dump_refused(HEAD "[\n{\"key\":\"b\",\"value_hex\":\"\",\"value_utf8\":\"\"},\n"
                             "{\"key\":\"a\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "D-6");
    expect_dump_refused(HEAD "[\n{\"key\":\"a\",\"value_hex\":\"\",\"value_utf8\":\"\"},\n"
                             "{\"key\":\"a\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "W-IDX-2");
    expect_dump_refused(HEAD "[\n{\"key\":\"\\ud800\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "W-IDX-2");
    expect_dump_refused(HEAD
                        "[\n{\"key\":\"\\ud83d\\ude00\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                        "\"events\":[]}\n",
                        "D-5");
    expect_dump_refused(HEAD "[\n{\"key\":\"\\u0041\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "D-5");
    expect_dump_refused(HEAD "[\n{\"key\":\"\\u000a\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "D-5");
    expect_dump_refused(HEAD "[\n{\"key\":\"\\/\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "D-5");
    expect_dump_refused(HEAD "[\n{\"key\":\"\\u001F\",\"value_hex\":\"\",\"value_utf8\":\"\"}\n],"
                             "\"events\":[]}\n",
                        "D-5");
    expect_dump_refused(HEAD "[],\"events\":[\n{\"id\":\"2\",\"ts\":\"1\",\"kind\":1,\"source\":2,"
                             "\"flags\":0,\"payload_hex\":\"7b7d\",\"payload_utf8\":\"{}\"}\n]}\n",
                        "D-6");
    expect_dump_refused(HEAD
                        "[],\"events\":[\n{\"id\":\"1\",\"ts\":\"1\",\"kind\":256,\"source\":2,"
                        "\"flags\":0,\"payload_hex\":\"7b7d\",\"payload_utf8\":\"{}\"}\n]}\n",
                        "D-3");
    expect_dump_refused("{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"5\",\"kv\":[],"
                        "\"events\":[]}\n",
                        "D-7");
    expect_dump_refused(HEAD "[],\"events\":[]}\n\xff", "D-1");
}

/* dump(read(build(c))) parses back to content that builds the same bytes. */
static void test_dump_round_trip(void)
{
    acepack_kv kv[4] = {kv_s("z", "\xff\x00 binary"), kv_s("7", "seven"), kv_s("ctl\x01\n", "v\t"),
                        kv_s("\xe2\x82\xac", "")};
    kv[0].value_len = 9;
    acepack_event_in ev[3] = {ev_s(0, 0, 0, 1, "{\"acepack\":\"gap\"}"),
                              ev_s(9007199254740991ull, 255, 255, 255, " { } "),
                              ev_s(5, 1, 2, 0, "{\"s\":\"\\ud800\"}")};
    acepack_content c = content(kv, 4, ev, 3);
    c.evt_base_id = 41;
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, out, sizeof out, &n, NULL), ACEPACK_OK);
    acepack_reader r;
    CHECK_ST(acepack_open(&r, out, n, ACEPACK_STRICT, NULL), ACEPACK_OK);
    size_t ws = 0;
    acepack_dump_workspace_size(&r, &ws);
    void *w = malloc(ws ? ws : 1);
    static collect col;
    col.n = 0;
    CHECK_ST(acepack_dump(&r, w, ws, collect_fn, &col, NULL), ACEPACK_OK);
    free(w);
    acepack_parsed_dump d;
    acepack_error e;
    CHECK_ST(acepack_dump_parse(col.b, col.n, NULL, &d, &e), ACEPACK_OK);
    static uint8_t again[1 << 16];
    size_t n2 = 0;
    CHECK_ST(acepack_build(&d.content, NULL, again, sizeof again, &n2, NULL), ACEPACK_OK);
    CHECK(n2 == n && memcmp(again, out, n) == 0);
    acepack_parsed_dump_free(&d);
}

/* The allocator hook: every allocation goes through it, failures are NOMEM. */
typedef struct counting {
    long allocs, frees, fail_at;
    size_t live;
} counting;

static void *c_alloc(void *ctx, size_t n)
{
    counting *c = ctx;
    if (c->fail_at >= 0 && c->allocs == c->fail_at)
        return NULL;
    c->allocs++;
    c->live += n;
    return malloc(n);
}

static void *c_realloc(void *ctx, void *p, size_t old, size_t n)
{
    counting *c = ctx;
    if (c->fail_at >= 0 && c->allocs == c->fail_at)
        return NULL;
    c->allocs++;
    c->live += n - old;
    return realloc(p, n);
}

static void c_free(void *ctx, void *p, size_t n)
{
    counting *c = ctx;
    c->frees++;
    c->live -= n;
    free(p);
}

static void test_allocator(void)
{
    acepack_kv kv[3] = {kv_s("b", "2"), kv_s("a", "1"), kv_s("c", "3")};
    acepack_event_in ev[1] = {ev_s(1, 1, 1, 0, "{}")};
    acepack_content c = content(kv, 3, ev, 1);
    counting cnt = {0, 0, -1, 0};
    acepack_allocator a = {c_alloc, c_realloc, c_free, &cnt};
    static collect col;
    col.n = 0;
    CHECK_ST(acepack_build_write(&c, &a, collect_fn, &col, NULL), ACEPACK_OK);
    CHECK(cnt.allocs > 0);
    CHECK_U64(cnt.live, 0);
    long total = cnt.allocs;
    for (long k = 0; k < total; k++) {
        counting f = {0, 0, k, 0};
        acepack_allocator fa = {c_alloc, c_realloc, c_free, &f};
        col.n = 0;
        CHECK_ST(acepack_build_write(&c, &fa, collect_fn, &col, NULL), ACEPACK_NOMEM);
        CHECK_U64(f.live, 0);
    }
    acepack_allocator broken = {c_alloc, NULL, c_free, &cnt};
    CHECK_ST(acepack_build_write(&c, &broken, collect_fn, &col, NULL), ACEPACK_ARG);
}

int main(int argc, char **argv)
{
    static const t_test tests[] = {
        T_TEST("empty_store", test_empty_store),
        T_TEST("worked_example", test_worked_example),
        T_TEST("streams_agree", test_streams_agree),
        T_TEST("key_order", test_key_order),
        T_TEST("index_escaping", test_index_escaping),
        T_TEST("refusals", test_refusals),
        T_TEST("v1", test_v1),
        T_TEST("dump_parse", test_dump_parse),
        T_TEST("dump_round_trip", test_dump_round_trip),
        T_TEST("allocator", test_allocator),
        T_END,
    };
    return t_main(tests, argc, argv);
}
