/*
 * fuzz_v1.c - format v1 (spec 6) and its event log helpers (spec 6.1, 10).
 *
 * Two modes, chosen by the first 8 bytes:
 *  - input starts with the magic "ACEPACK\0": file mode.  The version field
 *    is forced to 1 (so that mutations stay in v1), then the file goes
 *    through fuzz_check_file, and every KV entry of each profile that opens
 *    goes through acepack_v1_log_key / acepack_v1_log_entry (and
 *    acepack_v1_log_seq for meta/log_entry_seq).
 *  - otherwise: entry mode.  The input (minus parameter bytes taken from its
 *    end) is one log entry VALUE; the key is a well-formed log key
 *    "core/log/" + 12 digits of an id picked by the parameters, or a raw
 *    key cut from the front.  This reaches the entry parser (M-4) without
 *    building a file first.
 * Oracles: M-3 (log key grammar, fuzz_ref_v1_log_key), M-4 consequences a
 * well-formed entry must have (R-PAY-1..3 via acepack_json_check, ts range,
 * flags 0 when absent), the `uint` grammar for log_seq (M-6).
 *
 * Built with the writer (ACEPACK_FUZZ_WITH_WRITER), file mode also migrates
 * every v1 file a profile accepts (acepack_migrate_bytes, spec 10) and checks
 * the result against M-1..M-10 computed here: refused exactly when M-1 or
 * M-8 says so; otherwise the output is canonical and strict-valid (M-9),
 * every KV pair that is not a consumed log entry / log_entry_seq keeps its
 * value (M-7), every well-formed entry is the event with its id and its
 * value bytes as payload (M-5, M-6), gaps are {"acepack":"gap"} events with
 * flags 0x01, evt_base_id is lo - 1 (or S), and the report counts agree
 * (M-10).
 */
#include <string.h>

#include "fuzz_checks.h"
#include "fuzz_data_producer.h"
#include "fuzz_oracles.h"
#if ACEPACK_FUZZ_WITH_WRITER
#include "fuzz_build_check.h"
#endif

static void check_log_entry(const uint8_t *key, size_t klen, const uint8_t *value, size_t vlen)
{
    uint64_t id = 0, ref_id = 0;
    int ref = fuzz_ref_v1_log_key(key, klen, &ref_id);
    acepack_status sk = acepack_v1_log_key(key, klen, &id);
    if (ref == 0) {
        FUZZ_ASSERT_MSG(sk == ACEPACK_NOT_FOUND, "v1_log_key accepted a key M-3 rejects");
    } else if (ref == 1) {
        FUZZ_ASSERT_MSG(sk == ACEPACK_OK && id == ref_id, "v1_log_key missed an M-3 log key");
    } else {
        FUZZ_ASSERT_MSG(sk == ACEPACK_UNSUPPORTED && id == UINT64_MAX,
                        "v1_log_key: an id beyond 2^64-1");
    }

    acepack_v1_entry out;
    acepack_error err;
    memset(&out, 0xA5, sizeof out);
    memset(&err, 0, sizeof err);
    acepack_status se = acepack_v1_log_entry(key, klen, value, vlen, &out, &err);
    if (ref == 0) {
        FUZZ_ASSERT_MSG(se == ACEPACK_NOT_FOUND, "v1_log_entry on a key that is not a log key");
        return;
    }
    if (se == ACEPACK_OK) {
        FUZZ_ASSERT(out.id == ref_id);
        FUZZ_ASSERT_MSG(out.ts <= FUZZ_MAX53, "M-4: ts beyond 2^53-1");
        FUZZ_ASSERT(out.has_flags == 0 || out.has_flags == 1);
        if (!out.has_flags)
            FUZZ_ASSERT_MSG(out.flags == 0, "M-5: flags 0 when absent or null");
        acepack_error je;
        FUZZ_ASSERT_MSG(acepack_json_check(value, vlen, &je) == ACEPACK_OK,
                        "M-4.1: a well-formed entry must satisfy R-PAY-1..3");
    } else {
        FUZZ_ASSERT_MSG(se == ACEPACK_INVALID, "v1_log_entry: unexpected status");
        FUZZ_ASSERT(err.rule != NULL && strcmp(err.rule, "M-4") == 0);
        FUZZ_ASSERT(err.message != NULL && err.offset <= vlen);
    }
}

static void check_log_seq(const uint8_t *value, size_t vlen)
{
    uint64_t seq = UINT64_MAX, ref = 0;
    acepack_status st = acepack_v1_log_seq(value, vlen, &seq);
    if (fuzz_ref_parse_uint53(value, vlen, &ref))
        FUZZ_ASSERT_MSG(st == ACEPACK_OK && seq == ref, "v1_log_seq missed a uint (M-6)");
    else
        FUZZ_ASSERT_MSG(st == ACEPACK_NOT_FOUND, "v1_log_seq accepted a non-uint (M-6)");
}

#if ACEPACK_FUZZ_WITH_WRITER
/* Outputs beyond this many events are not built (a hostile file may ask
 * for up to ACEPACK_GAP_LIMIT_MIN gap events; that is a cost, not a bug). */
#define FUZZ_MIGRATE_MAX_EVENTS 65536u

typedef struct wf_entry {
    uint64_t id;
    acepack_v1_entry e;
    acepack_span value;
} wf_entry;

static int by_id(const void *a, const void *b)
{
    uint64_t x = ((const wf_entry *)a)->id, y = ((const wf_entry *)b)->id;
    return (x > y) - (x < y);
}

static int append_cb(void *ctx, const void *p, size_t n)
{
    fuzz_buf_append((fuzz_buf *)ctx, p, n);
    return 0;
}

static void check_migration(const acepack_reader *r, const fuzz_keys *k, int input_valid)
{
    static const char seq_key[] = "meta/log_entry_seq";
    static const char gap[] = "{\"acepack\":\"gap\"}";
    wf_entry *wf = (wf_entry *)fuzz_malloc(sizeof(wf_entry) * (k->n ? k->n : 1));
    uint8_t *kept = (uint8_t *)fuzz_malloc(k->n ? k->n : 1);
    size_t nwf = 0, malformed = 0, seq_at = SIZE_MAX;
    uint64_t seq = 0;
    int has_seq = 0;
    for (size_t i = 0; i < k->n; i++) {
        const fuzz_key *x = &k->v[i];
        kept[i] = 0;
        if (!x->current)
            continue;
        kept[i] = 1;
        acepack_span v = acepack_entry_value(r, &x->e);
        acepack_v1_entry e;
        acepack_error err;
        acepack_status st = acepack_v1_log_entry(x->dec, x->dec_len, v.ptr, v.len, &e, &err);
        if (st == ACEPACK_OK) {
            wf[nwf].id = e.id;
            wf[nwf].e = e;
            wf[nwf].value = v;
            nwf++;
            kept[i] = 0;
        } else if (st == ACEPACK_INVALID) {
            malformed++;
        }
        if (x->dec_len == sizeof seq_key - 1 && memcmp(x->dec, seq_key, x->dec_len) == 0) {
            seq_at = i;
            has_seq = acepack_v1_log_seq(v.ptr, v.len, &seq) == ACEPACK_OK;
        }
    }
    if (nwf > 1)
        qsort(wf, nwf, sizeof *wf, by_id);
    /* M-6 */
    const uint64_t hi_id = nwf ? wf[nwf - 1].id : 0;
    const int s_defined = has_seq && seq >= hi_id;
    uint64_t base = 0, n_events = 0;
    int refuse = 0;
    if (nwf) {
        uint64_t lo = wf[0].id, top = s_defined && seq > hi_id ? seq : hi_id;
        base = lo - 1;
        n_events = top - lo + 1; /* top < 2^64 - 1: ids come from <= 20 digits */
        uint64_t gaps = n_events - nwf;
        uint64_t limit = (uint64_t)ACEPACK_GAP_LIMIT_FACTOR * nwf;
        if (limit < ACEPACK_GAP_LIMIT_MIN)
            limit = ACEPACK_GAP_LIMIT_MIN;
        if (hi_id == UINT64_MAX || base > UINT32_MAX || n_events > UINT32_MAX || gaps > limit)
            refuse = 1; /* M-8 */
    } else if (s_defined) {
        base = seq;
        if (base > UINT32_MAX)
            refuse = 1;
    }
    if (s_defined && seq_at != SIZE_MAX)
        kept[seq_at] = 0; /* M-7 */
    if (!refuse && n_events > FUZZ_MIGRATE_MAX_EVENTS)
        goto done;

    acepack_migrate_options opts;
    memset(&opts, 0, sizeof opts);
    opts.profile = r->profile;
    acepack_migrate_report rep;
    memset(&rep, 0, sizeof rep);
    fuzz_buf out = {0};
    acepack_error err;
    memset(&err, 0, sizeof err);
    acepack_status st = acepack_migrate_bytes(r->data, r->size, &opts, append_cb, &out, &rep, &err);
    if (!input_valid) {
        FUZZ_ASSERT_MSG(st != ACEPACK_OK && out.len == 0,
                        "M-1: migrated a file that does not validate");
        goto done_out;
    }
    if (refuse) {
        /* The header says UNSUPPORTED; the library gives INVALID for the
         * limits of the format and the corpus expects "reject" (exit 1):
         * either status, but rule M-8. */
        FUZZ_ASSERT_MSG((st == ACEPACK_UNSUPPORTED || st == ACEPACK_INVALID) && err.rule &&
                            strcmp(err.rule, "M-8") == 0,
                        "M-8: an unrepresentable migration was not refused");
        FUZZ_ASSERT(out.len == 0);
        goto done_out;
    }
    FUZZ_ASSERT_MSG(st == ACEPACK_OK, "migration refused a valid, representable v1 file");
    size_t kept_n = 0;
    for (size_t i = 0; i < k->n; i++)
        kept_n += kept[i];
    FUZZ_ASSERT_MSG(rep.events_from_entries == nwf && rep.gap_events == n_events - nwf &&
                        rep.malformed_entries == malformed &&
                        rep.log_entry_seq_consumed == s_defined && rep.evt_base_id == base &&
                        rep.events == n_events && rep.kv_count == kept_n,
                    "M-10: the migration report disagrees");

    fuzz_check_canonical(out.ptr, out.len, NULL); /* M-9 */
    acepack_reader o;
    FUZZ_ASSERT(acepack_open(&o, out.ptr, out.len, ACEPACK_STRICT, &err) == ACEPACK_OK);
    FUZZ_ASSERT(o.version == 2 && o.flags == 0 && o.evt_base_id == base);
    FUZZ_ASSERT(o.entry_count == kept_n && acepack_event_count(&o) == n_events);
    size_t tn = 0;
    FUZZ_ASSERT(acepack_table_size(&o, &tn) == ACEPACK_OK);
    uint8_t *mem = (uint8_t *)fuzz_malloc(tn);
    acepack_table t;
    FUZZ_ASSERT(acepack_table_build(&t, &o, mem, tn, &err) == ACEPACK_OK);
    for (size_t i = 0; i < k->n; i++) {
        if (!kept[i])
            continue;
        acepack_span want = acepack_entry_value(r, &k->v[i].e), got;
        FUZZ_ASSERT_MSG(acepack_table_get(&t, k->v[i].dec, k->v[i].dec_len, &got) == ACEPACK_OK &&
                            got.len == want.len &&
                            (got.len == 0 || memcmp(got.ptr, want.ptr, got.len) == 0),
                        "M-7: a KV pair was lost or changed by migration");
    }
    free(mem);
    size_t w = 0;
    for (uint32_t i = 0; i < (uint32_t)n_events; i++) {
        acepack_event ev;
        FUZZ_ASSERT(acepack_event_get(&o, i, &ev) == ACEPACK_OK);
        if (w < nwf && wf[w].id == ev.id) {
            const wf_entry *x = &wf[w++];
            FUZZ_ASSERT_MSG(ev.ts == x->e.ts && ev.kind == x->e.kind && ev.source == x->e.source &&
                                ev.flags == x->e.flags && ev.payload.len == x->value.len &&
                                memcmp(ev.payload.ptr, x->value.ptr, x->value.len) == 0,
                            "M-5: an entry's event differs from the entry");
        } else {
            FUZZ_ASSERT_MSG(ev.ts == 0 && ev.kind == 0 && ev.source == 0 && ev.flags == 1 &&
                                ev.payload.len == sizeof gap - 1 &&
                                memcmp(ev.payload.ptr, gap, sizeof gap - 1) == 0,
                            "M-6: a gap event is not {\"acepack\":\"gap\"} deleted");
        }
    }
    FUZZ_ASSERT_MSG(w == nwf, "M-6: a well-formed entry has no event");
done_out:
    fuzz_buf_free(&out);
done:
    free(kept);
    free(wf);
}
#endif

static void file_mode(const uint8_t *data, size_t size)
{
    uint8_t *file = fuzz_dup(data, size);
    if (size >= 12)
        fuzz_put_be32(file + 8, 1);
    (void)fuzz_check_file(file, size);

    for (int i = 0; i < 2; i++) {
        acepack_profile p = i == 0 ? ACEPACK_STRICT : ACEPACK_COMPAT;
        acepack_reader r;
        acepack_error err;
        if (acepack_open(&r, file, size, p, &err) != ACEPACK_OK)
            continue;
        FUZZ_ASSERT(r.version == 1 && acepack_event_count(&r) == 0);
        fuzz_keys k;
        fuzz_collect_keys(&r, &k);
#if ACEPACK_FUZZ_WITH_WRITER
        int valid = 1;
        if (p == ACEPACK_STRICT) {
            size_t ws = 0;
            FUZZ_ASSERT(acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &ws) == ACEPACK_OK);
            void *mem = fuzz_malloc(ws);
            valid = acepack_validate(&r, ACEPACK_CHECK_ALL, mem, ws, &err) == ACEPACK_OK;
            free(mem);
        }
        check_migration(&r, &k, valid);
#endif
        for (size_t j = 0; j < k.n; j++) {
            const fuzz_key *x = &k.v[j];
            acepack_span v = acepack_entry_value(&r, &x->e);
            check_log_entry(x->dec, x->dec_len, v.ptr, v.len);
            static const char seq_key[] = "meta/log_entry_seq";
            if (x->dec_len == sizeof seq_key - 1 && memcmp(x->dec, seq_key, x->dec_len) == 0)
                check_log_seq(v.ptr, v.len);
        }
        fuzz_keys_free(&k);
    }
    free(file);
}

static void entry_mode(const uint8_t *data, size_t size)
{
    fuzz_dp dp = fuzz_dp_init(data, size);
    char key[64];
    size_t klen;
    const uint8_t *rest;
    size_t rest_len;
    if (fuzz_dp_bool(&dp)) {
        /* A log key; ids around 10^12 switch from padded to unpadded, ids
         * around 2^64 leave 64 bits (the last two digits picked here). */
        uint64_t id = fuzz_dp_u32(&dp);
        uint32_t where = fuzz_dp_range(&dp, 0, 3);
        if (where == 1)
            id += UINT64_C(999999999990);
        if (where == 2)
            klen = (size_t)snprintf(key, sizeof key, "core/log/184467440737095516%02u",
                                    (unsigned)(id % 100u));
        else
            klen = (size_t)snprintf(key, sizeof key, "core/log/%012llu", (unsigned long long)id);
        rest = fuzz_dp_rest(&dp);
        rest_len = fuzz_dp_remaining(&dp);
    } else {
        size_t want = fuzz_dp_range(&dp, 0, 40);
        rest = fuzz_dp_rest(&dp);
        rest_len = fuzz_dp_remaining(&dp);
        klen = want < rest_len ? want : rest_len;
        memcpy(key, rest, klen);
        rest += klen;
        rest_len -= klen;
    }
    uint8_t *k = fuzz_dup(key, klen);
    uint8_t *v = fuzz_dup(rest, rest_len);
    check_log_entry(k, klen, v, rest_len);
    check_log_seq(v, rest_len);
    free(v);
    free(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t magic[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};
    if (size >= 8 && memcmp(data, magic, 8) == 0)
        file_mode(data, size);
    else
        entry_mode(data, size);
    return 0;
}
