/*
 * test_migrate.c - migration from v1 to v2 (spec 10, M-1..M-10).  Every
 * expected result is written out by hand from the spec's rules.
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <stdlib.h>
#include <sys/stat.h>

#include "../../src/common/bytes.h"
#include "wtest.h"

typedef struct buf {
    uint8_t *p;
    size_t n, cap;
} buf;

static int buf_write(void *ctx, const void *p, size_t n)
{
    buf *b = ctx;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

typedef struct kvs {
    acepack_kv kv[64];
    size_t n;
} kvs;

static void add(kvs *k, const char *key, const char *value)
{
    acepack_kv *x = &k->kv[k->n++];
    x->key = (const uint8_t *)key;
    x->key_len = strlen(key);
    x->value = (const uint8_t *)value;
    x->value_len = strlen(value);
}

/* The canonical v1 file of kvs (W-V1-1). */
static uint8_t *v1_of(const kvs *k, size_t *n)
{
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 1;
    c.kv = k->kv;
    c.kv_count = k->n;
    uint64_t size = 0;
    if (acepack_build_size(&c, NULL, &size, NULL) != ACEPACK_OK)
        abort();
    uint8_t *d = malloc((size_t)size);
    if (acepack_build(&c, NULL, d, (size_t)size, n, NULL) != ACEPACK_OK)
        abort();
    return d;
}

typedef struct keys_seen {
    char list[1024];
} keys_seen;

static void on_malformed(void *ctx, const uint8_t *key, size_t len)
{
    keys_seen *k = ctx;
    strncat(k->list, (const char *)key, len);
    strcat(k->list, ";");
}

/* Migrates the v1 file [v1, v1+n); on success checks the output against
 * `want` (content by the reader, and canonical bytes by the builder, M-9). */
static acepack_status migrate_bytes_check(const uint8_t *v1, size_t n, acepack_profile profile,
                                          const model *want, acepack_migrate_report *rep,
                                          keys_seen *seen, acepack_error *e, int line)
{
    buf out = {NULL, 0, 0};
    acepack_migrate_options o;
    memset(&o, 0, sizeof o);
    o.profile = profile;
    o.malformed_key = seen ? on_malformed : NULL;
    o.malformed_ctx = seen;
    acepack_status st = acepack_migrate_bytes(v1, n, &o, buf_write, &out, rep, e);
    if (st == ACEPACK_OK && want) {
        char why[256];
        if (!model_check_bytes(out.p, out.n, want, why, sizeof why))
            t_fail(__FILE__, line, "migrated file: %s", why);
        acepack_kv kv[64];
        acepack_event_in *ev = malloc((want->nev + 1) * sizeof *ev);
        acepack_content c = model_content(want, kv, ev);
        uint64_t size = 0;
        acepack_build_size(&c, NULL, &size, NULL);
        uint8_t *canon = malloc((size_t)size);
        size_t cn = 0;
        acepack_build(&c, NULL, canon, (size_t)size, &cn, NULL);
        if (cn != out.n || memcmp(canon, out.p, cn) != 0)
            t_fail(__FILE__, line, "migrated file is not canonical (M-9)");
        free(canon);
        free(ev);
    }
    if (st != ACEPACK_OK && out.n != 0)
        t_fail(__FILE__, line, "a refused migration wrote %zu bytes", out.n);
    free(out.p);
    return st;
}

/* Migrates the canonical v1 file of kvs (W-V1-1) as above. */
static acepack_status migrate_check(const kvs *in, acepack_profile profile, const model *want,
                                    acepack_migrate_report *rep, keys_seen *seen, acepack_error *e,
                                    int line)
{
    size_t n = 0;
    uint8_t *v1 = v1_of(in, &n);
    acepack_status st = migrate_bytes_check(v1, n, profile, want, rep, seen, e, line);
    free(v1);
    return st;
}

typedef struct raw_member {
    const char *key_json; /* the key as written between the quotes of the index */
    const char *value;
} raw_member;

/* A v1 file (spec 6) laid out by hand: the index members in the given
 * order, their chunks from offset 64 in the same order or, with
 * `reverse_chunks`, in the opposite order (valid either way: R-CHK-4 is
 * about overlap, not order).  Returns its size. */
static size_t v1_raw(uint8_t *d, size_t cap, const raw_member *m, size_t n, int reverse_chunks)
{
    char index[2048];
    size_t off[16], pos = 64, il = 0;
    if (n > 16)
        abort();
    memset(d, 0, 64);
    memcpy(d, "ACEPACK", 8);
    d[11] = 1; /* version 1 */
    for (size_t k = 0; k < n; k++) {
        size_t i = reverse_chunks ? n - 1 - k : k, vl = strlen(m[i].value);
        if (pos + 4 + vl > cap)
            abort();
        off[i] = pos;
        ap_put_be32(d + pos, (uint32_t)vl);
        memcpy(d + pos + 4, m[i].value, vl);
        pos += 4 + vl;
    }
    il += (size_t)snprintf(index + il, sizeof index - il, "{");
    for (size_t i = 0; i < n; i++)
        il += (size_t)snprintf(index + il, sizeof index - il,
                               "%s\"%s\":{\"offset\":%zu,\"length\":%zu}", i ? "," : "",
                               m[i].key_json, off[i], strlen(m[i].value));
    il += (size_t)snprintf(index + il, sizeof index - il, "}");
    if (pos + il > cap)
        abort();
    for (int b = 0; b < 8; b++) {
        d[16 + b] = (uint8_t)((uint64_t)pos >> (56 - 8 * b)); /* index_offset */
        d[24 + b] = (uint8_t)((uint64_t)il >> (56 - 8 * b));  /* index_length */
    }
    memcpy(d + pos, index, il);
    return pos + il;
}

static const char GAP[] = "{\"acepack\":\"gap\"}";
#define GAPEV(m) model_append((m), 0, 0, 0, 1, GAP, sizeof GAP - 1)

static void test_ids_gaps_seq_malformed(void)
{
    static const char e2[] = "{\"kind\":1,\"content_source\":2,\"key\":\"k\",\"payload\":{\"x\":1},"
                             "\"parent_id\":1,\"id\":2,\"ts\":1700000000000}";
    static const char e5[] = "{\"id\":5,\"ts\":1e3,\"kind\":7,\"content_source\":8,\"flags\":null,"
                             "\"app\":\"kept\"}";
    static const char e6[] = "{\"id\":6,\"ts\":6,\"kind\":0,\"content_source\":255,\"flags\":1}";
    kvs in = {0};
    add(&in, "core/log/000000000002", e2);
    add(&in, "core/log/000000000005", e5);
    add(&in, "core/log/000000000006", e6);
    add(&in, "core/log/000000000003", "{\"id\":3,\"ts\":1,\"kind\":1}"); /* no content_source */
    add(&in, "core/log/000000000004", "not json");
    add(&in, "core/log/7",
        "{\"id\":7,\"ts\":1,\"kind\":1,\"content_source\":1}"); /* not a log key */
    add(&in, "core/log/__seq", "9");
    add(&in, "core/log/000000000000", "{}"); /* id 0: not a log key */
    add(&in, "meta/log_entry_seq", "8");
    add(&in, "agents/x", "y");

    /* lo = 2: evt_base_id 1; ids 2..8 (S = 8 >= hi = 6). */
    model want;
    model_init(&want);
    want.base = 1;
    model_append(&want, 1700000000000ull, 1, 2, 0, e2, sizeof e2 - 1); /* id 2 */
    GAPEV(&want);                                                      /* 3: malformed */
    GAPEV(&want);                                                      /* 4: malformed */
    model_append(&want, 1000, 7, 8, 0, e5, sizeof e5 - 1);             /* 5: 1e3 is exactly 1000 */
    model_append(&want, 6, 0, 255, 1, e6, sizeof e6 - 1);              /* 6 */
    GAPEV(&want); /* 7: "core/log/7" is no log key */
    GAPEV(&want); /* 8: up to S */
    model_put_s(&want, "core/log/000000000003", "{\"id\":3,\"ts\":1,\"kind\":1}");
    model_put_s(&want, "core/log/000000000004", "not json");
    model_put_s(&want, "core/log/7", "{\"id\":7,\"ts\":1,\"kind\":1,\"content_source\":1}");
    model_put_s(&want, "core/log/__seq", "9");
    model_put_s(&want, "core/log/000000000000", "{}");
    model_put_s(&want, "agents/x", "y");

    acepack_migrate_report rep;
    keys_seen seen;
    memset(&seen, 0, sizeof seen);
    acepack_error e;
    CHECK_ST(migrate_check(&in, ACEPACK_STRICT, &want, &rep, &seen, &e, __LINE__), ACEPACK_OK);
    CHECK_U64(rep.events_from_entries, 3);
    CHECK_U64(rep.gap_events, 4);
    CHECK_U64(rep.malformed_entries, 2);
    CHECK(rep.log_entry_seq_consumed == 1);
    CHECK_U64(rep.evt_base_id, 1);
    CHECK_U64(rep.events, 7);
    CHECK_U64(rep.kv_count, 6);
    CHECK(strcmp(seen.list, "core/log/000000000003;core/log/000000000004;") == 0);
    model_free(&want);
}

/* M-4: what makes an entry malformed; each stays a key, and its id a gap. */
static void test_malformed_variants(void)
{
    static const char *bad[] = {
        "{\"id\":1,\"ts\":-1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1.5,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":9007199254740992,\"kind\":1,\"content_source\":1}",
        "{\"id\":2,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":256,\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":\"1\",\"content_source\":1}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":256}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":true}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"flags\":1,\"flags\":1}",
        "[{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}]",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1} x",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"s\":\"\xff\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kvs in = {0};
        add(&in, "core/log/000000000001", bad[i]);
        add(&in, "core/log/000000000002", "{\"id\":2,\"ts\":2,\"kind\":1,\"content_source\":1}");
        model want;
        model_init(&want);
        want.base = 1; /* lo = 2 */
        static const char e2[] = "{\"id\":2,\"ts\":2,\"kind\":1,\"content_source\":1}";
        model_append(&want, 2, 1, 1, 0, e2, sizeof e2 - 1);
        model_put_s(&want, "core/log/000000000001", bad[i]);
        acepack_migrate_report rep;
        acepack_error e;
        if (migrate_check(&in, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__) != ACEPACK_OK ||
            rep.malformed_entries != 1)
            t_fail(__FILE__, __LINE__, "variant %zu: not treated as malformed", i);
        model_free(&want);
    }
    /* Well-formed edge cases: exact values (R-IDX-10), flags null, 13-digit ids. */
    kvs in = {0};
    static const char a[] = "{\"id\":1000000000000,\"ts\":12800e-2,\"kind\":-0,"
                            "\"content_source\":2.0,\"flags\":null}";
    add(&in, "core/log/1000000000000", a);
    model want;
    model_init(&want);
    acepack_migrate_report rep;
    acepack_error e;
    /* lo - 1 = 999999999999 does not fit a u32 evt_base_id: M-8, a rejection
     * (spec 7.2) at the file size. */
    CHECK_ST(migrate_check(&in, ACEPACK_STRICT, NULL, &rep, NULL, &e, __LINE__), ACEPACK_INVALID);
    CHECK_RULE(e, "M-8");
    size_t v1n = 0;
    free(v1_of(&in, &v1n));
    CHECK_U64(e.offset, v1n);
    kvs in2 = {0};
    static const char b[] = "{\"id\":4294967296,\"ts\":12800e-2,\"kind\":-0,"
                            "\"content_source\":2.0,\"flags\":null}";
    add(&in2, "core/log/004294967296", b);
    want.base = 4294967295u; /* the largest base that fits */
    model_append(&want, 128, 0, 2, 0, b, sizeof b - 1);
    CHECK_ST(migrate_check(&in2, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__), ACEPACK_OK);
    CHECK_U64(rep.malformed_entries, 0);
    model_free(&want);
}

static void test_seq_only(void)
{
    /* No well-formed entry: evt_base_id = S, and S leaves the KV map. */
    kvs in = {0};
    add(&in, "meta/log_entry_seq", "41");
    add(&in, "x", "1");
    model want;
    model_init(&want);
    want.base = 41;
    model_put_s(&want, "x", "1");
    acepack_migrate_report rep;
    acepack_error e;
    CHECK_ST(migrate_check(&in, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__), ACEPACK_OK);
    CHECK(rep.log_entry_seq_consumed == 1);
    CHECK_U64(rep.events, 0);
    model_free(&want);

    /* Not exactly a uint: S undefined, the key stays, base 0. */
    static const char *not_uint[] = {"07", "1.0", " 1", "1e2", "-1", "9007199254740992", ""};
    for (size_t i = 0; i < sizeof not_uint / sizeof not_uint[0]; i++) {
        kvs in2 = {0};
        add(&in2, "meta/log_entry_seq", not_uint[i]);
        model_init(&want);
        model_put_s(&want, "meta/log_entry_seq", not_uint[i]);
        CHECK_ST(migrate_check(&in2, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__), ACEPACK_OK);
        CHECK(rep.log_entry_seq_consumed == 0);
        model_free(&want);
    }

    /* S below the largest id: undefined; the events end at hi. */
    kvs in3 = {0};
    static const char e1[] = "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}";
    static const char e3[] = "{\"id\":3,\"ts\":3,\"kind\":1,\"content_source\":1}";
    add(&in3, "core/log/000000000001", e1);
    add(&in3, "core/log/000000000003", e3);
    add(&in3, "meta/log_entry_seq", "2");
    model_init(&want);
    model_append(&want, 1, 1, 1, 0, e1, sizeof e1 - 1);
    GAPEV(&want);
    model_append(&want, 3, 1, 1, 0, e3, sizeof e3 - 1);
    model_put_s(&want, "meta/log_entry_seq", "2");
    CHECK_ST(migrate_check(&in3, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__), ACEPACK_OK);
    CHECK(rep.log_entry_seq_consumed == 0);
    model_free(&want);

    /* S beyond u32 with no entries: M-8 (cannot be represented: invalid). */
    kvs in4 = {0};
    add(&in4, "meta/log_entry_seq", "4294967296");
    CHECK_ST(migrate_check(&in4, ACEPACK_STRICT, NULL, &rep, NULL, &e, __LINE__), ACEPACK_INVALID);
    CHECK_RULE(e, "M-8");
}

/* M-8: at most max(1,048,576, 16 x entries) gap events. */
static void test_gap_limit(void)
{
    static const char e1[] = "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}";
    kvs in = {0};
    add(&in, "core/log/000000000001", e1);
    add(&in, "meta/log_entry_seq", "1048578"); /* ids 1..1048578: 1,048,577 gaps */
    acepack_migrate_report rep;
    acepack_error e;
    CHECK_ST(migrate_check(&in, ACEPACK_STRICT, NULL, &rep, NULL, &e, __LINE__),
             ACEPACK_UNSUPPORTED);
    CHECK_RULE(e, "M-8");
    /* Exactly at the limit: migrates. */
    in.kv[1].value = (const uint8_t *)"1048577";
    in.kv[1].value_len = 7;
    size_t n = 0;
    uint8_t *v1 = v1_of(&in, &n);
    buf out = {NULL, 0, 0};
    CHECK_ST(acepack_migrate_bytes(v1, n, NULL, buf_write, &out, &rep, &e), ACEPACK_OK);
    CHECK_U64(rep.gap_events, 1048576);
    CHECK_U64(rep.events, 1048577);
    acepack_reader r;
    CHECK_ST(acepack_open(&r, out.p, out.n, ACEPACK_STRICT, NULL), ACEPACK_OK);
    CHECK_U64(acepack_event_count(&r), 1048577);
    acepack_event ev;
    acepack_event_get(&r, 1048576, &ev);
    CHECK(ev.id == 1048577 && ev.flags == 1 && ev.payload.len == 17 &&
          memcmp(ev.payload.ptr, GAP, 17) == 0);
    free(out.p);
    free(v1);
}

static void test_refused_inputs(void)
{
    /* M-1: a v2 file is not migrated. */
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    uint8_t v2[256];
    size_t n = 0;
    CHECK_ST(acepack_build(&c, NULL, v2, sizeof v2, &n, NULL), ACEPACK_OK);
    buf out = {NULL, 0, 0};
    acepack_error e;
    CHECK_ST(acepack_migrate_bytes(v2, n, NULL, buf_write, &out, NULL, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "M-1");
    CHECK_U64(out.n, 0);

    /* M-1: a v1 file valid only under compat (index with whitespace, R-IDX-3)
     * migrates only when compat is asked for. */
    static const char idx[] = "{ \"a\" : {\"offset\":64,\"length\":1} }";
    uint8_t v1[256];
    memset(v1, 0, 64);
    memcpy(v1, "ACEPACK", 8);
    v1[11] = 1;
    v1[23] = 69; /* index_offset */
    v1[31] = (uint8_t)(sizeof idx - 1);
    memcpy(v1 + 64, "\0\0\0\1x", 5);
    memcpy(v1 + 69, idx, sizeof idx - 1);
    size_t v1n = 69 + sizeof idx - 1;
    CHECK_ST(acepack_migrate_bytes(v1, v1n, NULL, buf_write, &out, NULL, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "R-IDX-3");
    CHECK_U64(out.n, 0);
    acepack_migrate_options o;
    memset(&o, 0, sizeof o);
    o.profile = ACEPACK_COMPAT;
    CHECK_ST(acepack_migrate_bytes(v1, v1n, &o, buf_write, &out, NULL, &e), ACEPACK_OK);
    model want;
    model_init(&want);
    model_put_s(&want, "a", "x");
    char why[256];
    CHECK(model_check_bytes(out.p, out.n, &want, why, sizeof why));
    model_free(&want);
    free(out.p);

    /* Compat: a duplicated key, the last occurrence wins (R-IDX-12). */
    static const char idx2[] =
        "{\"a\":{\"offset\":64,\"length\":1},\"a\":{\"offset\":69,\"length\":1}}";
    memcpy(v1 + 64, "\0\0\0\1x\0\0\0\1y", 10);
    memcpy(v1 + 74, idx2, sizeof idx2 - 1);
    v1[23] = 74;
    v1[31] = (uint8_t)(sizeof idx2 - 1);
    out.p = NULL;
    out.n = out.cap = 0;
    CHECK_ST(acepack_migrate_bytes(v1, 74 + sizeof idx2 - 1, &o, buf_write, &out, NULL, &e),
             ACEPACK_OK);
    model_init(&want);
    model_put_s(&want, "a", "y");
    CHECK(model_check_bytes(out.p, out.n, &want, why, sizeof why));
    model_free(&want);
    free(out.p);
}

static void test_paths(void)
{
    char dir[256], in_path[320], out_path[320];
    w_mkdir(dir, sizeof dir, "migpath");
    snprintf(in_path, sizeof in_path, "%s/old.ace", dir);
    snprintf(out_path, sizeof out_path, "%s/new.ace", dir);
    kvs in = {0};
    static const char e1[] = "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}";
    add(&in, "core/log/000000000001", e1);
    add(&in, "k", "v");
    size_t n = 0;
    uint8_t *v1 = v1_of(&in, &n);
    CHECK(w_write_file(in_path, v1, n) == 0);
    model want;
    model_init(&want);
    model_append(&want, 1, 1, 1, 0, e1, sizeof e1 - 1);
    model_put_s(&want, "k", "v");

    acepack_migrate_report rep;
    acepack_error e;
    CHECK_ST(acepack_migrate_path(in_path, out_path, NULL, &rep, &e), ACEPACK_OK);
    size_t n2 = 0;
    uint8_t *still = w_read_file(in_path, &n2);
    CHECK(still && n2 == n && memcmp(still, v1, n) == 0); /* M-2: input untouched */
    free(still);
    CHECK_MODEL(out_path, &want);
    CHECK_U64(w_count_files(dir), 2);

    struct stat st0, st1;
    CHECK(stat(in_path, &st0) == 0);
    CHECK_ST(acepack_migrate_path(in_path, NULL, NULL, &rep, &e), ACEPACK_OK);
    CHECK(stat(in_path, &st1) == 0 && st0.st_ino != st1.st_ino);
    CHECK_MODEL(in_path, &want);
    CHECK_U64(w_count_files(dir), 2);
    /* Migrating it again is refused: it is v2 now (M-1). */
    CHECK_ST(acepack_migrate_path(in_path, NULL, NULL, &rep, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "M-1");
    model_free(&want);
    free(v1);
    w_rmdir(dir);
}

/* The index need not list the log entries in id order, nor the chunks in
 * index order, and keys may need escapes: the result is the same canonical
 * file (M-9) as for the canonical input. */
static void test_index_order_chunks_escapes(void)
{
    static const char e1[] = "{\"id\":1,\"ts\":10,\"kind\":1,\"content_source\":1}";
    static const char e3[] = "{\"id\":3,\"ts\":30,\"kind\":3,\"content_source\":3,\"flags\":1}";
    static const char e4[] = "{\"id\":4,\"ts\":40,\"kind\":4,\"content_source\":4}";
    static const raw_member members[] = {
        {"core/log/000000000004", e4},
        {"k\\u0001\\\"q", "escaped"},
        {"core/log/000000000001", e1},
        {"meta/log_entry_seq", "5"},
        {"core/log/000000000003", e3},
        {"core/log/000000000002", "{\"id\":2}"}, /* malformed: stays, its id a gap */
    };
    model want;
    model_init(&want);
    model_append(&want, 10, 1, 1, 0, e1, sizeof e1 - 1);
    GAPEV(&want);
    model_append(&want, 30, 3, 3, 1, e3, sizeof e3 - 1);
    model_append(&want, 40, 4, 4, 0, e4, sizeof e4 - 1);
    GAPEV(&want); /* 5: up to S */
    model_put_s(&want, "k\x01\"q", "escaped");
    model_put_s(&want, "core/log/000000000002", "{\"id\":2}");
    static uint8_t v1[4096];
    for (int reverse = 0; reverse <= 1; reverse++) {
        size_t n = v1_raw(v1, sizeof v1, members, sizeof members / sizeof members[0], reverse);
        for (int pr = 0; pr <= 1; pr++) {
            acepack_migrate_report rep;
            keys_seen seen;
            memset(&seen, 0, sizeof seen);
            acepack_error e;
            CHECK_ST(migrate_bytes_check(v1, n, pr ? ACEPACK_COMPAT : ACEPACK_STRICT, &want, &rep,
                                         &seen, &e, __LINE__),
                     ACEPACK_OK);
            CHECK_U64(rep.events_from_entries, 3);
            CHECK_U64(rep.gap_events, 2);
            CHECK_U64(rep.malformed_entries, 1);
            CHECK(rep.log_entry_seq_consumed == 1);
            CHECK_U64(rep.evt_base_id, 0);
            CHECK_U64(rep.kv_count, 2);
            CHECK(strcmp(seen.list, "core/log/000000000002;") == 0);
        }
    }
    model_free(&want);

    /* Without gaps and out of order: ids 2, 1. */
    static const char f1[] = "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1}";
    static const char f2[] = "{\"id\":2,\"ts\":2,\"kind\":2,\"content_source\":2}";
    static const raw_member two[] = {{"core/log/000000000002", f2}, {"core/log/000000000001", f1}};
    model_init(&want);
    model_append(&want, 1, 1, 1, 0, f1, sizeof f1 - 1);
    model_append(&want, 2, 2, 2, 0, f2, sizeof f2 - 1);
    size_t n = v1_raw(v1, sizeof v1, two, 2, 0);
    acepack_migrate_report rep;
    acepack_error e;
    CHECK_ST(migrate_bytes_check(v1, n, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__),
             ACEPACK_OK);
    CHECK_U64(rep.gap_events, 0);
    model_free(&want);

    /* A log key written with an escape (compat only, R-IDX-6 in strict) is
     * a log key once decoded (M-3 is about the decoded key). */
    static const raw_member esc[] = {{"core/log/00000000000\\u0031", f1}};
    n = v1_raw(v1, sizeof v1, esc, 1, 0);
    CHECK_ST(migrate_bytes_check(v1, n, ACEPACK_STRICT, NULL, &rep, NULL, &e, __LINE__),
             ACEPACK_INVALID);
    CHECK_RULE(e, "R-IDX-6");
    model_init(&want);
    model_append(&want, 1, 1, 1, 0, f1, sizeof f1 - 1);
    CHECK_ST(migrate_bytes_check(v1, n, ACEPACK_COMPAT, &want, &rep, NULL, &e, __LINE__),
             ACEPACK_OK);
    CHECK_U64(rep.events_from_entries, 1);
    model_free(&want);
}

/* The builder does not check the payloads of migrated events again: those
 * are the entries M-4 (1) has checked.  Every entry that fails R-PAY-1..3
 * must therefore stay a KV entry, and every one that passes must become an
 * event whose payload is exactly its bytes. */
/* A well-formed entry whose member x nests `levels` arrays (the entry
 * itself is level 1). */
static const char *nested_entry(char *text, int levels)
{
    size_t n = (size_t)sprintf(text, "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":");
    for (int j = 0; j < levels; j++)
        text[n++] = '[';
    for (int j = 0; j < levels; j++)
        text[n++] = ']';
    text[n++] = '}';
    text[n] = 0;
    return text;
}

static void test_payload_checks(void)
{
    static char deep512[1200], deep513[1200];
    const char *fails[] = {
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":\"\\ud800\"",       /* cut */
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":\"\xed\xa0\x80\"}", /* UTF-8 */
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":[1,]}",
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,\"x\":01}",
        nested_entry(deep513, 512), /* 513 levels (R-PAY-3) */
    };
    for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++) {
        kvs in = {0};
        add(&in, "core/log/000000000001", fails[i]);
        model want;
        model_init(&want);
        model_put_s(&want, "core/log/000000000001", fails[i]);
        acepack_migrate_report rep;
        acepack_error e;
        if (migrate_check(&in, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__) != ACEPACK_OK ||
            rep.malformed_entries != 1 || rep.events != 0)
            t_fail(__FILE__, __LINE__, "entry %zu: not kept as a malformed entry", i);
        model_free(&want);
    }
    /* 512 levels, escapes and a lone surrogate escape are fine (R-PAY-2). */
    const char *oks[] = {
        "{\"id\":1,\"ts\":1,\"kind\":1,\"content_source\":1,"
        "\"x\":\"\\ud800\\n\\u00e9\xc3\xa9\",\"y\":[{},[],null]}",
        nested_entry(deep512, 511),
    };
    for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++) {
        kvs in = {0};
        add(&in, "core/log/000000000001", oks[i]);
        model want;
        model_init(&want);
        model_append(&want, 1, 1, 1, 0, oks[i], strlen(oks[i]));
        acepack_migrate_report rep;
        acepack_error e;
        CHECK_ST(migrate_check(&in, ACEPACK_STRICT, &want, &rep, NULL, &e, __LINE__), ACEPACK_OK);
        CHECK_U64(rep.events_from_entries, 1);
        model_free(&want);
    }
}

/* Allocation failures (M-10): every allocation of a migration in turn
 * fails.  The migration then either refuses with ACEPACK_NOMEM, having
 * written nothing, or succeeds and reports every malformed entry kept in the
 * KV map, in key byte order.  More than 16 malformed keys, so that sorting
 * them needs memory of its own (write_sort.c sorts runs of 16 in place). */
typedef struct failing_alloc {
    long n, fail_at;
} failing_alloc;

static void *fa_alloc(void *ctx, size_t n)
{
    failing_alloc *f = ctx;
    return ++f->n == f->fail_at ? NULL : malloc(n);
}

static void *fa_realloc(void *ctx, void *p, size_t o, size_t n)
{
    failing_alloc *f = ctx;
    (void)o;
    return ++f->n == f->fail_at ? NULL : realloc(p, n);
}

static void test_allocation_failures(void)
{
    enum { N_BAD = 20 };
    static char keys[N_BAD][32];
    kvs in;
    memset(&in, 0, sizeof in);
    char want_list[1024] = "";
    /* Listed in reverse so that the report's order is the sort's doing. */
    for (int i = N_BAD - 1; i >= 0; i--) {
        snprintf(keys[i], sizeof keys[i], "core/log/%012d", i + 1);
        add(&in, keys[i], "not json");
    }
    for (int i = 0; i < N_BAD; i++) {
        strcat(want_list, keys[i]);
        strcat(want_list, ";");
    }
    add(&in, "other", "v");
    size_t n = 0;
    uint8_t *v1 = v1_of(&in, &n);
    long points = 0;
    for (long k = 1; k < 10000; k++) {
        failing_alloc f = {0, k};
        acepack_allocator a = {fa_alloc, fa_realloc, w_free_plain, &f};
        acepack_migrate_options o;
        memset(&o, 0, sizeof o);
        o.alloc = &a;
        o.malformed_key = on_malformed;
        keys_seen seen;
        memset(&seen, 0, sizeof seen);
        o.malformed_ctx = &seen;
        buf out = {NULL, 0, 0};
        acepack_migrate_report rep;
        acepack_status st = acepack_migrate_bytes(v1, n, &o, buf_write, &out, &rep, NULL);
        if (st == ACEPACK_OK) {
            CHECK_U64(rep.malformed_entries, N_BAD);
            if (strcmp(seen.list, want_list) != 0)
                t_fail(__FILE__, __LINE__,
                       "allocation %ld failed: malformed keys reported: "
                       "\"%s\"",
                       k, seen.list);
        } else {
            CHECK_ST(st, ACEPACK_NOMEM);
            if (out.n != 0)
                t_fail(__FILE__, __LINE__, "allocation %ld failed: NOMEM after %zu bytes written",
                       k, out.n);
        }
        free(out.p);
        if (f.n < k) { /* the fault was never reached: every allocation was covered */
            points = k - 1;
            break;
        }
    }
    CHECK(points > 3);
    printf("allocation failures: %ld allocation points covered\n", points);
    free(v1);
}

int main(int argc, char **argv)
{
    static const t_test tests[] = {
        T_TEST("ids_gaps_seq_malformed", test_ids_gaps_seq_malformed),
        T_TEST("malformed_variants", test_malformed_variants),
        T_TEST("seq_only", test_seq_only),
        T_TEST("gap_limit", test_gap_limit),
        T_TEST("refused_inputs", test_refused_inputs),
        T_TEST("paths", test_paths),
        T_TEST("index_order_chunks_escapes", test_index_order_chunks_escapes),
        T_TEST("payload_checks", test_payload_checks),
        T_TEST("allocation_failures", test_allocation_failures),
        T_END,
    };
    return t_main(tests, argc, argv);
}
