/*
 * glue_native.c - src/glue.c (the WebAssembly module's exports) built for
 * the host and driven the way lib/core.js drives it, so that ASan, UBSan
 * and LeakSanitizer see that layer too (a .wasm has no sanitizers).
 *
 * Reads a plan on stdin (made from corpus/manifest.json and the expected
 * dumps, which come from the Python implementation, by glue_native.py),
 * one line per (file, profile), tab-separated:
 *   PATH PROFILE(0 strict, 1 compat) accept|reject RULE|- OFFSET|-1
 *   NKV VALUE_BYTES NEVENTS SUM_ID SUM_TS SUM_KSF PAYLOAD_BYTES DUMP|-
 * (NKV..PAYLOAD_BYTES from the expected dump DUMP, 0 when rejected; sums
 * modulo 2^64, KSF = kind + 256 source + 65536 flags).  For each line:
 * allocate + copy + open as JS does, check the verdict, then every other
 * export: fields, the dump (bytes = DUMP), keys and get, every event
 * accessor and the columns, reopen under the other profile, errors on
 * rejected files, out-of-range indexes, close.
 * Exit 0 when every line passed, 1 otherwise (each failure printed).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/glue.h"

static int failures;

#define CHECK(cond, ...)                                               \
    do {                                                               \
        if (!(cond)) {                                                 \
            fprintf(stderr, "FAIL %s@%d: %s: ", path, profile, #cond); \
            fprintf(stderr, __VA_ARGS__);                              \
            fputc('\n', stderr);                                       \
            failures++;                                                \
        }                                                              \
    } while (0)

typedef struct plan {
    char path[4096];
    int profile;
    char expect[16];
    char rule[64];
    long long offset;
    uint64_t nkv, value_bytes, nevents, sum_id, sum_ts, sum_ksf, payload_bytes;
    char dump[4096];
} plan;

/* The file's bytes in a buffer from apw_alloc, as core.js copies them. */
static uint8_t *load(const char *path, size_t *size);

/* The output buffer (apw_dump's) has the bytes of the file `want`. */
static int same_as_file(const uint8_t *p, size_t n, const char *want)
{
    size_t wn = 0;
    uint8_t *w = load(want, &wn);
    int same = w != NULL && wn == n && (n == 0 || memcmp(p, w, n) == 0);
    apw_free(w);
    return same;
}

static uint8_t *load(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    uint8_t *p = NULL;
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        p = apw_alloc((size_t)n);
        if (p != NULL && fread(p, 1, (size_t)n, fp) != (size_t)n) {
            apw_free(p);
            p = NULL;
        }
    }
    fclose(fp);
    *size = (size_t)n;
    return p;
}

static void check_rejected(const plan *t, apw_file *f)
{
    const char *path = t->path;
    int profile = t->profile;
    int s = apw_status(f);
    CHECK(s != 0, "accepted, the manifest says reject");
    if (s == 0)
        return;
    const char *rule = apw_err_rule(f);
    const char *msg = apw_err_message(f);
    CHECK(msg != NULL && msg[0] != '\0', "no message");
    CHECK(apw_status_name(s) != NULL, "status %d has no name", s);
    /* As the conformance runner: the offset counts when the rule is the
     * manifest's (a file may break several rules). */
    if (strcmp(t->rule, "-") != 0 && rule != NULL && strcmp(rule, t->rule) == 0)
        CHECK((long long)apw_err_offset(f) == t->offset, "offset %.0f, want %lld",
              apw_err_offset(f), t->offset);
    /* What JS may still call on a rejected file: all refuse, none crash. */
    CHECK(apw_dump(f) != 0, "dump of a rejected file");
    CHECK(apw_get(f, (const uint8_t *)"a", 1) != 0, "get on a rejected file");
    CHECK(apw_event_count(f) == 0, "events of a rejected file");
    CHECK(apw_event_kind(f, 0) == -1 && apw_event_ts(f, 0) == -1.0, "event 0 of a rejected file");
    CHECK(apw_event_payload_ptr(f, 0) == NULL && apw_event_payload_len(f, 0) == 0, "payload 0");
    CHECK(apw_event_column(f, 0, NULL) != 0 && apw_event_ts_column(f, NULL) != 0, "columns");
    CHECK(apw_err_offset(f) >= 0.0, "negative offset");
}

static void check_keys(const plan *t, apw_file *f)
{
    const char *path = t->path;
    int profile = t->profile;
    uint64_t n = 0, bytes = 0;
    apw_iter_reset(f);
    int r;
    while ((r = apw_iter_next(f)) == 1) {
        n++;
        size_t klen = apw_out_len(f);
        const uint8_t *v = apw_val_ptr(f);
        size_t vlen = apw_val_len(f);
        bytes += vlen;
        CHECK(apw_entry_offset(f) > 0.0 && apw_entry_chunk(f) >= 0.0, "entry offsets");
        /* get() of the decoded key finds the value iteration gave: JS copies
         * the key into module memory first, so do we. */
        uint8_t *k = apw_alloc(klen);
        CHECK(k != NULL, "alloc");
        if (k == NULL)
            return;
        if (klen > 0)
            memcpy(k, apw_out_ptr(f), klen);
        int g = apw_get(f, k, klen);
        CHECK(g == 0, "get of an iterated key: %d", g);
        if (g == 0)
            CHECK(apw_val_len(f) == vlen && (vlen == 0 || memcmp(apw_val_ptr(f), v, vlen) == 0),
                  "get gives another value than the iteration");
        apw_free(k);
    }
    CHECK(r == 0, "iteration ended with %d", r);
    CHECK(n == t->nkv, "%" PRIu64 " keys, the dump has %" PRIu64, n, t->nkv);
    CHECK(bytes == t->value_bytes, "%" PRIu64 " value bytes, the dump has %" PRIu64, bytes,
          t->value_bytes);
    static const uint8_t missing[] = "\0no such key\0";
    CHECK(apw_get(f, missing, sizeof missing) == 8 /* ACEPACK_NOT_FOUND */, "a missing key");
}

static void check_events(const plan *t, apw_file *f)
{
    const char *path = t->path;
    int profile = t->profile;
    uint32_t n = apw_event_count(f);
    CHECK(n == t->nevents, "%" PRIu32 " events, the dump has %" PRIu64, n, t->nevents);
    uint8_t *col[3];
    double *ts = apw_alloc((size_t)n * sizeof *ts);
    for (int c = 0; c < 3; c++) {
        col[c] = apw_alloc(n);
        CHECK(col[c] != NULL && apw_event_column(f, c, col[c]) == 0, "column %d", c);
    }
    CHECK(ts != NULL && apw_event_ts_column(f, ts) == 0, "ts column");
    CHECK(apw_event_column(f, 3, col[0]) != 0 && apw_event_column(f, -1, col[0]) != 0, "column 3");
    uint64_t sid = 0, sts = 0, sksf = 0, pbytes = 0;
    for (uint32_t i = 0; i < n; i++) {
        int k = apw_event_kind(f, i), s = apw_event_source(f, i), fl = apw_event_flags(f, i);
        CHECK(k >= 0 && s >= 0 && fl >= 0, "event %" PRIu32, i);
        sksf += (uint64_t)k + 256u * (uint64_t)s + 65536u * (uint64_t)fl;
        sid += (uint64_t)apw_event_id(f, i);
        uint64_t t64 = apw_event_ts64(f, i);
        sts += t64;
        if (t64 <= (1ull << 53))
            CHECK(apw_event_ts(f, i) == (double)t64 && ts[i] == (double)t64, "ts %" PRIu32, i);
        CHECK(col[0][i] == k && col[1][i] == s && col[2][i] == fl, "columns at %" PRIu32, i);
        size_t len = apw_event_payload_len(f, i);
        const uint8_t *p = apw_event_payload_ptr(f, i);
        CHECK(p != NULL || len == 0, "payload %" PRIu32, i);
        pbytes += len;
    }
    CHECK(sid == t->sum_id && sts == t->sum_ts && sksf == t->sum_ksf && pbytes == t->payload_bytes,
          "event sums id %" PRIu64 "/%" PRIu64 " ts %" PRIu64 "/%" PRIu64 " ksf %" PRIu64
          "/%" PRIu64 " payload %" PRIu64 "/%" PRIu64,
          sid, t->sum_id, sts, t->sum_ts, sksf, t->sum_ksf, pbytes, t->payload_bytes);
    /* Out of range, as JS may ask (i >>> 0 makes any index a u32). */
    CHECK(apw_event_kind(f, n) == -1 && apw_event_source(f, n) == -1 &&
              apw_event_flags(f, n) == -1 && apw_event_ts(f, n) == -1.0 &&
              apw_event_ts64(f, n) == 0 && apw_event_id(f, n) == -1.0 &&
              apw_event_payload_ptr(f, n) == NULL && apw_event_payload_len(f, n) == 0 &&
              apw_event_kind(f, UINT32_MAX) == -1,
          "index %" PRIu32 " out of range", n);
    for (int c = 0; c < 3; c++)
        apw_free(col[c]);
    apw_free(ts);
}

static void check_accepted(const plan *t, apw_file *f)
{
    const char *path = t->path;
    int profile = t->profile;
    int s = apw_status(f);
    CHECK(s == 0, "rejected: %s at %.0f: %s", apw_err_rule(f) ? apw_err_rule(f) : "-",
          apw_err_offset(f), apw_err_message(f) ? apw_err_message(f) : "-");
    if (s != 0)
        return;
    CHECK(apw_err_rule(f) == NULL && apw_err_message(f) == NULL, "error details on success");
    CHECK(apw_field(f, 0) == 1.0 || apw_field(f, 0) == 2.0, "version %.0f", apw_field(f, 0));
    for (int i = 1; i < 11; i++)
        CHECK(apw_field(f, i) >= 0.0, "field %d", i);
    CHECK(apw_field(f, 11) == -1.0 && apw_field(f, -1) == -1.0, "unknown fields");
    /* Twice: the second reuses the output buffer. */
    for (int round = 0; round < 2; round++) {
        int d = apw_dump(f);
        CHECK(d == 0, "dump: %d", d);
        if (strcmp(t->dump, "-") != 0)
            CHECK(same_as_file(apw_out_ptr(f), apw_out_len(f), t->dump), "dump differs from %s",
                  t->dump);
    }
    check_keys(t, f);
    check_events(t, f);
    CHECK(apw_dump(f) == 0, "dump after the keys");
}

static void run(const plan *t)
{
    const char *path = t->path;
    int profile = t->profile;
    size_t size = 0;
    uint8_t *bytes = load(path, &size);
    CHECK(bytes != NULL, "cannot read");
    if (bytes == NULL)
        return;
    apw_file *f = apw_open(bytes, size, profile);
    CHECK(f != NULL, "open returned no handle");
    if (f == NULL)
        return;
    CHECK(apw_data_ptr(f) == bytes, "the bytes were not taken over");
    if (strcmp(t->expect, "accept") == 0)
        check_accepted(t, f);
    else
        check_rejected(t, f);
    /* The other profile over the same bytes (the page's reopen), closed
     * in both orders: the bytes live until the last close. */
    apw_file *g = apw_reopen(f, 1 - profile);
    CHECK(g != NULL && apw_data_ptr(g) == bytes, "reopen");
    if (g == NULL) {
        apw_close(f);
        return;
    }
    if (profile == 0) {
        apw_close(f);
        (void)apw_dump(g); /* reads the shared bytes after f is gone */
        apw_close(g);
    } else {
        apw_close(g);
        (void)apw_dump(f);
        apw_close(f);
    }
}

int main(void)
{
    char line[8192];
    unsigned long lines = 0;
    /* An empty file through the same path JS takes (apw_alloc(0)). */
    apw_file *e = apw_open(apw_alloc(0), 0, 0);
    if (e == NULL || apw_status(e) == 0 || apw_err_rule(e) == NULL) {
        fprintf(stderr, "FAIL: an empty file is not rejected with a rule\n");
        failures++;
    }
    apw_close(e);
    apw_close(NULL);
    while (fgets(line, sizeof line, stdin) != NULL) {
        plan t;
        memset(&t, 0, sizeof t);
        if (sscanf(line,
                   "%4095[^\t]\t%d\t%15s\t%63s\t%lld\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64
                   "\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64 "\t%" SCNu64 "\t%4095[^\t\n]",
                   t.path, &t.profile, t.expect, t.rule, &t.offset, &t.nkv, &t.value_bytes,
                   &t.nevents, &t.sum_id, &t.sum_ts, &t.sum_ksf, &t.payload_bytes, t.dump) != 13 ||
            (t.profile != 0 && t.profile != 1)) {
            fprintf(stderr, "FAIL: bad plan line %lu: %s", lines + 1, line);
            return 2;
        }
        run(&t);
        lines++;
    }
    if (lines == 0) {
        fprintf(stderr, "FAIL: an empty plan\n");
        return 2;
    }
    printf("%lu (file, profile) pairs, %d failures\n", lines, failures);
    return failures ? 1 : 0;
}
