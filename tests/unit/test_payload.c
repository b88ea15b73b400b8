/* test_payload.c - event payloads (spec 5): R-PAY-1..3, acepack_json_check. */
#include <stdlib.h>

#include "tfile.h"

/* One event with payload p: section at 128, N = 1, pool at 128 + 30 = 158.
 * Validation reports the payload's first byte (spec 7.2); acepack_json_check
 * the position inside it. */
static void one_event(const char *payload, size_t n)
{
    static uint8_t sec[8192];
    static char copy[8192];
    tev ev = {7, 1, 1, 0, copy};
    size_t elen;
    memcpy(copy, payload, n);
    copy[n] = 0;
    elen = tf_events(sec, &ev, 1);
    tf_v2(&F, NULL, 0, sec, elen, "{}");
}
#define ONE_EVENT(lit) one_event(lit, sizeof(lit) - 1)

static void expect_json(const char *file, int line, const char *p, size_t n, const char *rule,
                        uint64_t off)
{
    acepack_error e;
    acepack_status st;
    memset(&e, 0, sizeof e);
    st = acepack_json_check(p, n, &e);
    if (rule == NULL) {
        if (st != ACEPACK_OK)
            t_fail(file, line, "json_check(%.*s): %s at %llu", (int)n, p, e.rule,
                   (unsigned long long)e.offset);
        return;
    }
    if (st != ACEPACK_INVALID || e.rule == NULL || strcmp(e.rule, rule) != 0 || e.offset != off)
        t_fail(file, line, "json_check(%.*s): %s %s at %llu, expected %s at %llu", (int)n, p,
               acepack_status_name(st), e.rule ? e.rule : "-", (unsigned long long)e.offset, rule,
               (unsigned long long)off);
}
#define JSON_OK(lit) expect_json(__FILE__, __LINE__, lit, sizeof(lit) - 1, NULL, 0)
#define JSON_BAD(lit, rule, off) expect_json(__FILE__, __LINE__, lit, sizeof(lit) - 1, rule, off)

static void valid_payloads(acepack_profile p)
{
    ONE_EVENT(" {\"a\" : [1, 2.5e-3, -0, 0.0E+0, true, false, null, \"x\\u0000\\ud800\\/\"] ,"
              " \"a\": {}, \"\": \"\\uDEAD\\\"\\\\\\b\\f\\n\\r\\t\" }\r\n\t");
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    ONE_EVENT("{}");
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    ONE_EVENT("{\"k\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f\"}");
    EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    (void)p;
}

static void invalid_utf8(acepack_profile p)
{
    ONE_EVENT("{\"a\":\"\xff\"}");
    EXPECT_OK(p); /* payloads are not read at open */
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-PAY-1", 158);
    else
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0); /* compat: payloads are bytes */
    JSON_BAD("{\"a\":\"\xff\"}", "R-PAY-1", 6);
    JSON_BAD("{\"a\":\"\xed\xa0\x80\"}", "R-PAY-1", 6);
    JSON_BAD("{\"a\":\"\xc1\xbf\"}", "R-PAY-1", 6);
    JSON_BAD("{\"a\":\"\xe2\x82\"}", "R-PAY-1", 6);
    JSON_BAD("{\"a\":1}\x80", "R-PAY-1", 7);
    JSON_BAD("\xef\xbb\xbf{}", "R-PAY-2", 0); /* a BOM is valid UTF-8 but not JSON */
}

static void not_json_object(acepack_profile p)
{
    static const struct {
        const char *text;
        uint64_t off;
    } bad[] = {
        {"", 0},
        {"   ", 3},
        {"[]", 0},
        {"\"a\"", 0},
        {"1", 0},
        {"{", 1},
        {"{\"a\":1", 6},
        {"{\"a\":1}x", 7},
        {"{}{}", 2},
        {"{\"a\":01}", 6},
        {"{'a':1}", 1},
        {"{\"a\":1,}", 7},
        {"{\"a\" 1}", 5},
        {"{\"\x01\":1}", 2},
        {"{\"a\":tru}", 8},
        {"{\"a\":\"\\x\"}", 7},
        {"{\"a\":\"\\u12G4\"}", 10},
        {"{\"a\":1.}", 7},
        {"{\"a\":.5}", 5},
        {"{\"a\":-}", 6},
        {"{\"a\":1e}", 7},
        {"{\"a\":[1,]}", 8},
        {"{\"a\":NaN}", 5},
        {"{\"a\":+1}", 5},
        {"{\"a\":[1}", 7},
        {"{\"a\":{]}", 6},
        {"{1:2}", 1},
        {"{\"a\":\"x}", 8},
        {"{\"a\":nul}", 8},
        {"{\"a\"::1}", 5},
        {"{,}", 1},
        {"{\"a\":1 2}", 7},
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_json(__FILE__, __LINE__, bad[i].text, strlen(bad[i].text), "R-PAY-2", bad[i].off);
    ONE_EVENT("[]");
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-PAY-2", 158);
    else
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    ONE_EVENT("");
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-PAY-2", 158);
}

static void depth_limit(acepack_profile p)
{
    static char text[2048];
    size_t k;
    /* the top-level object is level 1: 511 arrays inside reach 512 */
    for (k = 511; k <= 512; k++) {
        size_t n = 0;
        n += (size_t)sprintf(text, "{\"a\":");
        memset(text + n, '[', k);
        memset(text + n + k, ']', k);
        n += 2 * k;
        text[n++] = '}';
        if (k == 511) {
            expect_json(__FILE__, __LINE__, text, n, NULL, 0);
            one_event(text, n);
            EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
        } else {
            expect_json(__FILE__, __LINE__, text, n, "R-PAY-3", 5 + 511);
            one_event(text, n);
            if (p == ACEPACK_STRICT)
                EXPECT_FULL(p, ACEPACK_INVALID, "R-PAY-3", 158);
            else
                EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
        }
    }
    /* deep objects too, and far deeper input costs no stack */
    {
        static char deep[200000];
        size_t n = 0, i;
        for (i = 0; i < 40000; i++) {
            memcpy(deep + n, "{\"a\":", 5);
            n += 5;
        }
        expect_json(__FILE__, __LINE__, deep, n, "R-PAY-3", 512 * 5);
    }
}

static void second_event_reported(acepack_profile p)
{
    /* two events: the second payload is bad.  N = 2 at 128: pool at
     * 128 + 8 + 38 + 2 = 176; payload 1 at 178. */
    static const tev ev[] = {{1, 0, 0, 0, "{}"}, {2, 0, 0, 0, "{]"}};
    uint8_t sec[128];
    size_t elen = tf_events(sec, ev, 2);
    tf_v2(&F, NULL, 0, sec, elen, "{}");
    if (p == ACEPACK_STRICT)
        EXPECT_FULL(p, ACEPACK_INVALID, "R-PAY-2", 178);
    else
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
}

const t_test TESTS_PAYLOAD[] = {T_BOTH("R-PAY-2.valid_payloads", valid_payloads),
                                T_BOTH("R-PAY-1.invalid_utf8", invalid_utf8),
                                T_BOTH("R-PAY-2.not_a_json_object", not_json_object),
                                T_BOTH("R-PAY-3.depth_limit_512", depth_limit),
                                T_BOTH("R-PAY-2.offset_of_second_payload", second_event_reported),
                                T_END};
