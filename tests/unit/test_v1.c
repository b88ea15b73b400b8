/* test_v1.c - version 1 files (spec 6) and the migration helpers (spec 10:
 * M-3, M-4, M-6). */
#include <stdlib.h>

#include "tfile.h"

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
    sprintf(index,
            "{\"meta/log_entry_seq\":{\"offset\":%zu,\"length\":1},"
            "\"core/log/000000000001\":{\"offset\":64,\"length\":%zu}}",
            68 + vl, vl);
    tf_v1(&F, chunks, 9 + vl, index);
    EXPECT_DUMP(
        p,
        "{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[\n"
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
    EXPECT_DUMP(
        p, "{\"format_version\":1,\"flags\":0,\"evt_base_id\":\"0\",\"kv\":[],\"events\":[]}\n");
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

/* R-CHK-4 in a v1 file (spec 6: the rules of 3.4 with H = 64).  Chunks at
 * 64 (length 8), 68 (length 4) and 72 (length 0) all end at 76, each length
 * field inside the values of the chunks before it.  Sorted by start the
 * first chunk that starts before the end of an earlier one is "b", at 68,
 * whatever the index order: an index whose chunk starts do not decrease is
 * checked in one pass, any other order is sorted first, and both must
 * report the same entry. */
static void v1_chunks_overlap_any_order(acepack_profile p)
{
    static const uint8_t chunks[12] = {0, 0, 0, 8, 0, 0, 0, 4, 0, 0, 0, 0};
    static const char *const indexes[] = {
        /* in chunk order */
        "{\"a\":{\"offset\":64,\"length\":8},\"b\":{\"offset\":68,\"length\":4},"
        "\"c\":{\"offset\":72,\"length\":0}}",
        /* b and c in order and overlapping, then a, which sorts before both */
        "{\"b\":{\"offset\":68,\"length\":4},\"c\":{\"offset\":72,\"length\":0},"
        "\"a\":{\"offset\":64,\"length\":8}}",
        /* reversed */
        "{\"c\":{\"offset\":72,\"length\":0},\"b\":{\"offset\":68,\"length\":4},"
        "\"a\":{\"offset\":64,\"length\":8}}",
    };
    size_t i;
    for (i = 0; i < sizeof indexes / sizeof indexes[0]; i++) {
        tf_v1(&F, chunks, sizeof chunks, indexes[i]);
        EXPECT_OK(p); /* structural validation has no memory for R-CHK-4 */
        if (p == ACEPACK_STRICT)
            EXPECT_FULL(p, ACEPACK_INVALID, "R-CHK-4",
                        76 + (uint64_t)(strstr(indexes[i], "\"b\"") - indexes[i]));
        else
            EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    }
    {
        /* Two chunks with the same start: the later member is reported. */
        static const char same[] =
            "{\"c\":{\"offset\":72,\"length\":0},\"d\":{\"offset\":72,\"length\":0}}";
        tf_v1(&F, chunks, sizeof chunks, same);
        if (p == ACEPACK_STRICT)
            EXPECT_FULL(p, ACEPACK_INVALID, "R-CHK-4",
                        76 + (uint64_t)(strstr(same, "\"d\"") - same));
    }
    {
        /* Adjacent chunks in decreasing order: sorted, no overlap. */
        static const uint8_t empty2[8] = {0};
        tf_v1(&F, empty2, sizeof empty2,
              "{\"y\":{\"offset\":68,\"length\":0},\"x\":{\"offset\":64,\"length\":0}}");
        EXPECT_FULL(p, ACEPACK_OK, NULL, 0);
    }
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
    CHECK(entry(K1,
                "{\"kind\":1,\"content_source\":2,\"key\":\"k\",\"payload\":{\"x\":1},"
                "\"id\":1,\"ts\":1700000000000}",
                &o, &e) == ACEPACK_OK);
    CHECK_U64(o.id, 1);
    CHECK_U64(o.ts, 1700000000000ull);
    CHECK_U64(o.kind, 1);
    CHECK_U64(o.source, 2);
    CHECK_U64(o.flags, 0);
    CHECK_U64(o.has_flags, 0);
    CHECK(entry(K1,
                " { \"flags\" : 5 , \"id\":1.0,\"ts\":1.7e12,\"kind\":2.55e2,"
                "\"content_source\":0 , \"payload\":{\"id\":9,\"ts\":\"x\"}} ",
                &o, &e) == ACEPACK_OK);
    CHECK_U64(o.flags, 5);
    CHECK_U64(o.has_flags, 1);
    CHECK_U64(o.ts, 1700000000000ull);
    CHECK_U64(o.kind, 255);
    CHECK(entry(K1, "{\"flags\":null,\"id\":0.1e1,\"ts\":-0,\"kind\":0,\"content_source\":255}", &o,
                &e) == ACEPACK_OK);
    CHECK_U64(o.flags, 0);
    CHECK_U64(o.has_flags, 0);
    CHECK_U64(o.ts, 0);
    CHECK_U64(o.source, 255);
    /* names compare after decoding */
    CHECK(entry(K1, "{\"\\u0069d\":1,\"t\\u0073\":2,\"kind\":3,\"content_source\":4}", &o, &e) ==
          ACEPACK_OK);
    CHECK_U64(o.ts, 2);
    /* a 13-digit id and one beyond 2^64-1 */
    CHECK(entry("core/log/1000000000000", "{\"id\":1e12,\"ts\":1,\"kind\":1,\"content_source\":1}",
                &o, &e) == ACEPACK_OK);
    CHECK_U64(o.id, 1000000000000ull);
    CHECK(entry("core/log/100000000000000000000000",
                "{\"id\":100000000000000000000000,\"ts\":1,\"kind\":1,\"content_source\":1}", &o,
                &e) == ACEPACK_OK);
    CHECK_U64(o.id, UINT64_MAX);
    CHECK(entry("core/log/100000000000000000000000",
                "{\"id\":1e23,\"ts\":1,\"kind\":1,\"content_source\":1}", &o, &e) == ACEPACK_OK);
    CHECK(entry("core/log/000000000120", "{\"id\":12e1,\"ts\":1,\"kind\":1,\"content_source\":1}",
                &o, &e) == ACEPACK_OK);
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

/* ---- M-4: the classifier against a reference of its definition ----
 *
 * ref_entry() follows M-4 literally and slowly, sharing no code with the
 * library beyond acepack_json_check (R-PAY-1..3) and acepack_v1_log_key
 * (M-3): it walks the checked text member by member, decodes each member
 * name, and compares exact decimal values as digit strings.  The library's
 * one-pass classifier must agree with it on the status, rule, offset,
 * message and fields of every entry, tricky ones and generated ones. */

typedef struct ref_member {
    unsigned count;
    size_t name, vs, ve;
} ref_member;

static const char *const REF_FIELDS[5] = {"id", "ts", "kind", "content_source", "flags"};

static size_t ref_ws(const char *d, size_t i, size_t n)
{
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
        i++;
    return i;
}

/* Past the string whose opening quote is d[i] (the text is valid JSON). */
static size_t ref_string_end(const char *d, size_t i)
{
    for (i++; d[i] != '"'; i++)
        if (d[i] == '\\')
            i++;
    return i + 1;
}

/* Past the value at d[i] of valid JSON text. */
static size_t ref_value_end(const char *d, size_t i, size_t n)
{
    size_t depth = 0;
    do {
        if (d[i] == '"') {
            i = ref_string_end(d, i);
            continue;
        }
        if (d[i] == '{' || d[i] == '[')
            depth++;
        else if (d[i] == '}' || d[i] == ']')
            depth--;
        else if (depth == 0) {
            while (i < n && strchr(",}] \t\r\n", d[i]) == NULL)
                i++;
            return i;
        }
        i++;
    } while (depth > 0);
    return i;
}

/* The decoded member name of the string at d[i] (every byte of it, U+0000
 * included); its length, or SIZE_MAX when it is not ASCII (no field name
 * is then). */
static size_t ref_name(const char *d, size_t i, char *out, size_t cap)
{
    size_t k = 0;
    int ascii = 1;
    for (i++; d[i] != '"'; i++) {
        unsigned c = (unsigned char)d[i];
        if (c == '\\') {
            char e = d[++i];
            if (e == 'u') {
                char hex[5] = {d[i + 1], d[i + 2], d[i + 3], d[i + 4], 0};
                c = (unsigned)strtoul(hex, NULL, 16);
                i += 4;
            } else {
                c = (unsigned char)(e == 'b'   ? '\b'
                                    : e == 'f' ? '\f'
                                    : e == 'n' ? '\n'
                                    : e == 'r' ? '\r'
                                    : e == 't' ? '\t'
                                               : e);
            }
        }
        if (c >= 0x80)
            ascii = 0;
        if (k < cap)
            out[k] = (char)c;
        k++;
    }
    return ascii && k <= cap ? k : SIZE_MAX;
}

/* The exact value of the number token [p, p+n) as the decimal digits of
 * an integer (no leading zero, "0" for zero) in out; 0 when it is not a
 * non-negative integer or has more than `cap` - 1 digits. */
static int ref_integer(const char *p, size_t n, char *out, size_t cap)
{
    char m[512];
    size_t mn = 0, i = 0, k, first;
    long exp = 0;
    int neg = 0;
    if (p[0] == '-') {
        neg = 1;
        i++;
    }
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
        if (mn < sizeof m)
            m[mn++] = p[i];
    if (i < n && p[i] == '.')
        for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
            if (mn < sizeof m) {
                m[mn++] = p[i];
                exp--;
            }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        long e = 0;
        int eneg = 0;
        i++;
        if (p[i] == '+' || p[i] == '-')
            eneg = p[i++] == '-';
        for (; i < n; i++)
            e = e < 100000000L ? e * 10 + (p[i] - '0') : e;
        exp += eneg ? -e : e;
    }
    for (first = 0; first < mn && m[first] == '0'; first++)
        ;
    if (first == mn) { /* zero, whatever the sign */
        strcpy(out, "0");
        return 1;
    }
    while (m[mn - 1] == '0') {
        mn--;
        exp++;
    }
    if (neg || exp < 0 || (long)(mn - first) + exp >= (long)cap)
        return 0;
    for (k = 0; first + k < mn; k++)
        out[k] = m[first + k];
    for (; exp > 0; exp--)
        out[k++] = '0';
    out[k] = 0;
    return 1;
}

/* 1 when the value token is a number whose exact value is an integer in
 * [0, max], *v set. */
static int ref_uint(const char *d, const ref_member *m, uint64_t max, uint64_t *v)
{
    char digits[32];
    if (d[m->vs] != '-' && (d[m->vs] < '0' || d[m->vs] > '9'))
        return 0;
    if (!ref_integer(d + m->vs, m->ve - m->vs, digits, 17))
        return 0;
    *v = strtoull(digits, NULL, 10);
    return *v <= max;
}

static acepack_status ref_entry(const char *key, size_t kn, const char *d, size_t n,
                                acepack_v1_entry *out, acepack_error *err)
{
    ref_member m[5];
    acepack_error e;
    size_t i;
    unsigned f;
    uint64_t v;
    char id_digits[64], big[600];
    static const char *const type_msg[4] = {
        "log entry ts is not an integer in [0, 2^53-1]",
        "log entry kind is not an integer in [0, 255]",
        "log entry content_source is not an integer in [0, 255]",
        "log entry flags is not null or in [0, 255]"};
    if (acepack_v1_log_key(key, kn, &out->id) == ACEPACK_NOT_FOUND)
        return ACEPACK_NOT_FOUND;
    /* the key's id as digits without the zero padding (M-3) */
    for (i = 9; key[i] == '0'; i++)
        ;
    memcpy(id_digits, key + i, kn - i);
    id_digits[kn - i] = 0;
#define REF_BAD(at, msg)               \
    do {                               \
        err->status = ACEPACK_INVALID; \
        err->rule = "M-4";             \
        err->offset = (at);            \
        err->message = (msg);          \
        return ACEPACK_INVALID;        \
    } while (0)
    if (acepack_json_check(n ? d : "", n, &e) != ACEPACK_OK)
        REF_BAD(e.offset, e.message);
    memset(m, 0, sizeof m);
    i = ref_ws(d, ref_ws(d, 0, n) + 1, n);
    while (d[i] != '}') {
        char name[64];
        size_t nb = i, vs, name_len = ref_name(d, i, name, sizeof name);
        i = ref_ws(d, ref_string_end(d, i), n) + 1; /* ':' */
        vs = ref_ws(d, i, n);
        i = ref_value_end(d, vs, n);
        for (f = 0; f < 5; f++) {
            if (name_len == strlen(REF_FIELDS[f]) && memcmp(name, REF_FIELDS[f], name_len) == 0) {
                m[f].count++;
                if (m[f].count <= 2)
                    m[f].name = nb;
                if (m[f].count == 1) {
                    m[f].vs = vs;
                    m[f].ve = i;
                }
            }
        }
        i = ref_ws(d, i, n);
        if (d[i] == ',')
            i = ref_ws(d, i + 1, n);
    }
    for (f = 0; f < 5; f++) {
        if (m[f].count > 1)
            REF_BAD(m[f].name, "log entry repeats a member");
        if (m[f].count == 0 && f != 4)
            REF_BAD(0, "log entry lacks id, ts, kind or content_source");
    }
    if ((d[m[0].vs] != '-' && (d[m[0].vs] < '0' || d[m[0].vs] > '9')) ||
        !ref_integer(d + m[0].vs, m[0].ve - m[0].vs, big, sizeof big) ||
        strcmp(big, id_digits) != 0)
        REF_BAD(m[0].vs, "log entry id differs from its key");
    if (!ref_uint(d, &m[1], 9007199254740991ull, &out->ts))
        REF_BAD(m[1].vs, type_msg[0]);
    if (!ref_uint(d, &m[2], 255, &v))
        REF_BAD(m[2].vs, type_msg[1]);
    out->kind = (uint8_t)v;
    if (!ref_uint(d, &m[3], 255, &v))
        REF_BAD(m[3].vs, type_msg[2]);
    out->source = (uint8_t)v;
    out->flags = 0;
    out->has_flags = 0;
    if (m[4].count == 1 && d[m[4].vs] != 'n') {
        if (!ref_uint(d, &m[4], 255, &v))
            REF_BAD(m[4].vs, type_msg[3]);
        out->flags = (uint8_t)v;
        out->has_flags = 1;
    }
#undef REF_BAD
    return ACEPACK_OK;
}

/* Compares the library with the reference on one entry; 1 when they agree. */
static int same_as_ref(const char *key, const char *value, size_t vn, int line)
{
    acepack_v1_entry a, b;
    acepack_error ea, eb;
    acepack_status sa, sb;
    size_t kn = strlen(key);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&ea, 0, sizeof ea);
    memset(&eb, 0, sizeof eb);
    sa = acepack_v1_log_entry(key, kn, vn ? value : NULL, vn, &a, &ea);
    sb = ref_entry(key, kn, value, vn, &b, &eb);
    if (sa != sb ||
        (sa == ACEPACK_INVALID && (ea.offset != eb.offset || strcmp(ea.rule, eb.rule) != 0 ||
                                   strcmp(ea.message, eb.message) != 0)) ||
        (sa != ACEPACK_NOT_FOUND && a.id != b.id) ||
        (sa == ACEPACK_OK && (a.ts != b.ts || a.kind != b.kind || a.source != b.source ||
                              a.flags != b.flags || a.has_flags != b.has_flags))) {
        t_fail(__FILE__, line, "%s %.*s: library %s %s@%llu (%s), reference %s %s@%llu (%s)", key,
               (int)vn, value, acepack_status_name(sa), ea.rule ? ea.rule : "-",
               (unsigned long long)ea.offset, ea.message ? ea.message : "-",
               acepack_status_name(sb), eb.rule ? eb.rule : "-", (unsigned long long)eb.offset,
               eb.message ? eb.message : "-");
        return 0;
    }
    return 1;
}

static void classifier_tricky(acepack_profile p)
{
    static const char *const values[] = {
        /* 0.1.0's own shape, and the same with escapes, whitespace, reordering */
        "{\"kind\":1,\"content_source\":2,\"key\":\"k\",\"payload\":{\"x\":1},\"parent_id\":0,"
        "\"id\":1,\"ts\":1700000000000}",
        "{\"kin\\u0064\":1,\"content_sourc\\u0065\":2,\"\\u0069\\u0064\":1,\"t\\u0073\":5}",
        "{\"k\\ind\":1,\"content_source\":2,\"id\":1,\"ts\":5}",
        "{\"id\\u0000\":1,\"id\":1,\"ts\":5,\"kind\":1,\"content_source\":1}",
        "{\"\\ud800\":1,\"id\":1,\"ts\":5,\"kind\":1,\"content_source\":1}",
        "{\"\\u00e9\":1,\"id\":1,\"ts\":5,\"kind\":1,\"content_source\":1}",
        "\t{ \"id\" :1 ,\"ts\":\r\n5,\"kind\" : 1,\"content_source\":1 } \n",
        "{\"ts\":5,\"content_source\":1,\"kind\":1,\"id\":1,\"flags\":null}",
        /* names that start like field names */
        "{\"idx\":9,\"tss\":9,\"kinds\":9,\"content_sourcex\":9,\"flag\":9,\"id\":1,\"ts\":5,"
        "\"kind\":1,\"content_source\":1}",
        "{\"i\":9,\"t\":9,\"\":9,\"key\":9,\"payload\":9,\"parent_id\":9,\"id\":1,\"ts\":5,"
        "\"kind\":1,\"content_source\":1}",
        "{\"keys\":1,\"payloads\":1,\"parent_ids\":1,\"kind\":1,\"content_source\":1,\"id\":1,"
        "\"ts\":5}",
        /* duplicates: the second occurrence is reported, fields in M-4 order */
        "{\"ts\":1,\"id\":1,\"ts\":2,\"id\":1,\"kind\":1,\"content_source\":1}",
        "{\"flags\":1,\"flags\":2,\"flags\":3,\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"t\\u0073\":1}",
        /* numbers */
        "{\"id\":1,\"ts\":1e3,\"kind\":1E0,\"content_source\":1e+0,\"flags\":10e-1}",
        "{\"id\":1,\"ts\":-0,\"kind\":-0.0e5,\"content_source\":0e999999999999999999999}",
        "{\"id\":1.0,\"ts\":1.0,\"kind\":2.55e2,\"content_source\":25.5e1,\"flags\":255.000}",
        "{\"id\":1,\"ts\":9007199254740991,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":9007199254740992,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":9007199254740993,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":90071992547409910e-1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":12345678901234567,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1111111111111111111111111,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1e400,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1e-400,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":0.00000000000000000000000000000001e32,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":256,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":255,\"content_source\":-1}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1.5}",
        "{\"id\":01,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1.,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":.5,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1e,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":-,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":12x,\"kind\":1,\"content_source\":1}",
        "{\"id\":-1,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":2,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":0.1e1,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":10e-1,\"ts\":1,\"kind\":1,\"content_source\":1}",
        /* non-number and nested values */
        "{\"id\":\"1\",\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":[1],\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":{\"ts\":1},\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":true,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":false}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":nul}",
        "{\"p\":{\"id\":2,\"ts\":-1,\"a\":[{\"kind\":999}]},\"id\":1,\"ts\":1,\"kind\":1,"
        "\"content_source\":1}",
        /* not an object text */
        "",
        " ",
        "{",
        "}",
        "[]",
        "1",
        "\"x\"",
        "null",
        "{}",
        "{} {}",
        "{,}",
        "{\"id\"}",
        "{\"id\":}",
        "{\"id\":1,}",
        "{\"id\":1 \"ts\":1}",
        "{\"id\" 1}",
        "{\"id\":1]",
        "[{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}]",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}x",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"s\":\"\xff\"}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"\xc3\xa9\":1}",
        "{\"\xc3\":1}",
        "{\"a\x01\":1}",
        "{\"a\":\"\x01\"}",
        "{\"\\x\":1}",
        "{\"\\u12\":1}",
        "{\"id",
        "\xef\xbb\xbf{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}",
    };
    static const char *const keys[] = {
        "core/log/000000000001",
        "core/log/000000000010",
        "core/log/1000000000000",
        "core/log/100000000000000000000000",
        "core/log/7",
        "k",
    };
    size_t i, k;
    (void)p;
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (i = 0; i < sizeof values / sizeof values[0]; i++)
            same_as_ref(keys[k], values[i], strlen(values[i]), __LINE__);
    {
        /* 512 levels are allowed (the entry is level 1), 513 are not (R-PAY-3) */
        static char deep[2048];
        size_t levels, j, n;
        for (levels = 511; levels <= 512; levels++) {
            n = (size_t)sprintf(deep, "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":");
            for (j = 0; j < levels; j++)
                deep[n++] = '[';
            for (j = 0; j < levels; j++)
                deep[n++] = ']';
            deep[n++] = '}';
            same_as_ref("core/log/000000000001", deep, n, __LINE__);
        }
    }
}

/* xorshift64: a fixed sequence, the same on every platform */
static unsigned rnd(uint64_t *x, unsigned n)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return (unsigned)(*x % n);
}

/* Entries put together at random from pieces that stress the walk and the
 * numbers, with now and then a byte cut or changed (fixed seed). */
static void classifier_generated(acepack_profile p)
{
    static const char *const names[] = {
        "\"id\"",       "\"ts\"",       "\"kind\"",        "\"content_source\"",
        "\"flags\"",    "\"key\"",      "\"payload\"",     "\"parent_id\"",
        "\"\\u0069d\"", "\"t\\u0073\"", "\"fl\\u0061gs\"", "\"i\"",
        "\"idx\"",      "\"\"",         "\"\\\"id\"",      "\"id\\u0000\"",
        "\"\\ud800\"",  "\"\xc3\xa9\"", "\"kindx\"",       "\"content_sourc\""};
    static const char *const vals[] = {"0",
                                       "1",
                                       "7",
                                       "12",
                                       "255",
                                       "256",
                                       "1700000000000",
                                       "9007199254740991",
                                       "9007199254740992",
                                       "12345678901234567",
                                       "1.0",
                                       "1e0",
                                       "10e-1",
                                       "0.1e1",
                                       "-0",
                                       "-1",
                                       "1.5",
                                       "1e3",
                                       "2.55e2",
                                       "1e400",
                                       "1e-400",
                                       "00",
                                       "01",
                                       "1.",
                                       "-",
                                       "1e",
                                       "null",
                                       "true",
                                       "false",
                                       "\"s\"",
                                       "{}",
                                       "[]",
                                       "{\"a\":[1,{\"b\":null}]}",
                                       "\"\\ud800\"",
                                       "[1,]",
                                       "nul"};
    static const char *const ws[] = {"", "", "", "", " ", "\n", "\t\r"};
    static const char *const keys[] = {"core/log/000000000001", "core/log/000000000012",
                                       "core/log/000000000255", "core/log/7"};
    static char v[4096];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    unsigned t, fails = 0;
    (void)p;
#define RND(n) rnd(&x, (n))
    for (t = 0; t < 20000 && fails < 5; t++) {
        size_t n = 0, members = RND(8), j;
        n += (size_t)sprintf(v + n, "%s{", ws[RND(7)]);
        for (j = 0; j < members; j++) {
            const char *name = names[RND(sizeof names / sizeof names[0])];
            const char *val = vals[RND(sizeof vals / sizeof vals[0])];
            if (j < 4 && RND(3) != 0) { /* mostly the four required fields, mostly sane */
                name = names[j];
                val = RND(4) ? vals[RND(7)] : val;
            }
            n += (size_t)sprintf(v + n, "%s%s%s:%s%s%s", j ? "," : "", ws[RND(7)], name, ws[RND(7)],
                                 val, ws[RND(7)]);
        }
        n += (size_t)sprintf(v + n, "}%s", ws[RND(7)]);
        switch (RND(16)) {
        case 0:
            n = RND((unsigned)n + 1); /* cut */
            break;
        case 1:
            v[RND((unsigned)n)] = (char)RND(256); /* one byte changed */
            break;
        default:
            break;
        }
        if (!same_as_ref(keys[RND(4)], v, n, __LINE__))
            fails++;
    }
#undef RND
}

static void log_seq(acepack_profile p)
{
    static const struct {
        const char *v;
        acepack_status st;
        uint64_t seq;
    } cases[] = {
        {"7", ACEPACK_OK, 7},
        {"0", ACEPACK_OK, 0},
        {"9007199254740991", ACEPACK_OK, 9007199254740991ull},
        {"9007199254740992", ACEPACK_NOT_FOUND, 0},
        {"07", ACEPACK_NOT_FOUND, 0},
        {"", ACEPACK_NOT_FOUND, 0},
        {" 7", ACEPACK_NOT_FOUND, 0},
        {"7 ", ACEPACK_NOT_FOUND, 0},
        {"7.0", ACEPACK_NOT_FOUND, 0},
        {"-1", ACEPACK_NOT_FOUND, 0},
        {"1e3", ACEPACK_NOT_FOUND, 0},
        {"\"7\"", ACEPACK_NOT_FOUND, 0},
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

const t_test TESTS_V1[] = {
    T_BOTH("R-V1.read_v1", read_v1),
    T_BOTH("D-7.v1_log_entries_are_kv", log_entries_are_kv),
    T_BOTH("R-V1-1.reserved_nonzero", reserved_nonzero),
    T_BOTH("R-V1-2.index_offset_below_64", index_offset_below_64),
    T_BOTH("R-LAY-1.R-HDR-1.v1_layout", v1_layout),
    T_BOTH("R-CHK-2.R-CHK-3.v1_chunk_region", v1_chunk_region),
    T_BOTH("R-CHK-4.v1_chunks_overlap_any_order", v1_chunks_overlap_any_order),
    T_ANY("M-3.log_keys", log_keys),
    T_ANY("M-4.well_formed_entries", well_formed),
    T_ANY("M-4.malformed_entries", malformed),
    T_ANY("M-4.classifier_tricky_entries", classifier_tricky),
    T_ANY("M-4.classifier_generated_entries", classifier_generated),
    T_ANY("M-6.log_entry_seq_uint", log_seq),
    T_END};
