/*
 * fuzz_lookup.c - key lookup: acepack_key_equals (escapes decoded on the
 * fly, surrogate pairs) and the lookup table, with arbitrary needles.
 *
 * Input layout (fuzz/make_assets.py writes seeds in it):
 *     [ file bytes ][ needle bytes ][ L: u16 big-endian ]
 * L is the needle length (clamped to what precedes it).  More parameter
 * bytes, taken from the end of the file part by fuzz_data_producer.h, pick
 * further needles derived from the file's own keys (a key, a key one byte
 * shorter or longer, a key with one byte changed), so that near misses
 * against escaped keys are tried on every input.
 * Checks, for every needle and both profiles: for every entry,
 * key_equals(entry, needle) == (decoded key == needle) with the oracle's
 * decode; the table finds the needle exactly when the oracle's linear scan
 * does, with the entry of the last occurrence (R-IDX-12).  Then
 * acepack_table_get_many over the needle and every key of the index (and
 * each key one byte shorter), in one call and in batches of a size taken
 * from the input (1..40), gives exactly what acepack_table_get gives for
 * each.
 */
#include <string.h>

#include "fuzz_checks.h"
#include "fuzz_data_producer.h"
#include "fuzz_oracles.h"

static void check_needle(const acepack_reader *r, const fuzz_keys *k, const acepack_table *t,
                         const uint8_t *needle, size_t len)
{
    for (size_t i = 0; i < k->n; i++) {
        const fuzz_key *x = &k->v[i];
        int want = fuzz_ref_bytes_compare(x->dec, x->dec_len, needle, len) == 0;
        FUZZ_ASSERT_MSG(acepack_key_equals(&x->e, needle, len) == want,
                        "key_equals disagrees with the decoded key");
    }
    const fuzz_key *hit = fuzz_keys_find(k, needle, len);
    if (t == NULL)
        return;
    acepack_entry f;
    acepack_status st = acepack_table_find(t, needle, len, &f);
    if (hit == NULL) {
        FUZZ_ASSERT_MSG(st == ACEPACK_NOT_FOUND, "table found a key the index does not have");
        FUZZ_ASSERT(acepack_table_get(t, needle, len, NULL) == ACEPACK_NOT_FOUND);
        return;
    }
    FUZZ_ASSERT_MSG(st == ACEPACK_OK, "table missed a key of the index");
    FUZZ_ASSERT_MSG(f.entry_offset == hit->e.entry_offset, "table found a superseded entry");
    acepack_span v, want = acepack_entry_value(r, &hit->e);
    FUZZ_ASSERT(acepack_table_get(t, needle, len, &v) == ACEPACK_OK);
    FUZZ_ASSERT(v.ptr == want.ptr && v.len == want.len);
}

/* get_many over q[0, n) (n > 0) in batches of `batch` keys against get per
 * key: statuses, values, untouched values on misses, the summary status. */
static void check_many(const acepack_table *t, const acepack_span *q, size_t n, size_t batch)
{
    static const uint8_t mark[1] = {0};
    acepack_span *v = (acepack_span *)fuzz_malloc(sizeof *v * n);
    acepack_status *st = (acepack_status *)fuzz_malloc(sizeof *st * n);
    for (size_t at = 0; at < n; at += batch) {
        size_t m = n - at < batch ? n - at : batch;
        acepack_status want = ACEPACK_OK;
        for (size_t i = 0; i < m; i++) {
            v[at + i].ptr = mark;
            v[at + i].len = 7;
        }
        acepack_status got = acepack_table_get_many(t, q + at, m, v + at, st + at);
        for (size_t i = 0; i < m; i++) {
            acepack_span g = {mark, 7};
            acepack_status s = acepack_table_get(t, q[at + i].ptr, q[at + i].len, &g);
            if (s == ACEPACK_NOT_FOUND && want == ACEPACK_OK)
                want = s;
            FUZZ_ASSERT_MSG(st[at + i] == s, "get_many and get disagree on a key");
            FUZZ_ASSERT_MSG(v[at + i].ptr == g.ptr && v[at + i].len == g.len,
                            "get_many and get give different values");
        }
        FUZZ_ASSERT_MSG(got == want, "get_many summary status");
    }
    free(st);
    free(v);
}

/* An index in [0, n-1] (n > 0). */
static size_t pick(fuzz_dp *dp, size_t n)
{
    size_t max = n - 1 > UINT32_MAX ? UINT32_MAX : n - 1;
    return fuzz_dp_range(dp, 0, (uint32_t)max);
}

static void run_profile(const uint8_t *file, size_t fsize, acepack_profile p, const uint8_t *needle,
                        size_t nlen, fuzz_dp *dp)
{
    acepack_reader r;
    acepack_error err;
    acepack_status st = acepack_open(&r, file, fsize, p, &err);
    if (st != ACEPACK_OK) {
        fuzz_check_open_error(st, &err, fsize, p);
        return;
    }
    fuzz_keys k;
    fuzz_collect_keys(&r, &k);
    size_t need = 0;
    FUZZ_ASSERT(acepack_table_size(&r, &need) == ACEPACK_OK && need != 0);
    uint8_t *mem = (uint8_t *)fuzz_malloc(need);
    acepack_table t;
    st = acepack_table_build_seeded(&t, &r, mem, need, fuzz_dp_u32(dp), &err);
    FUZZ_ASSERT(st == ACEPACK_OK || (p == ACEPACK_STRICT && k.has_dup && st == ACEPACK_INVALID));
    const acepack_table *tp = st == ACEPACK_OK ? &t : NULL;

    check_needle(&r, &k, tp, needle, nlen);
    if (tp != NULL) {
        /* the needle, every key, every key one byte shorter */
        size_t nq = 0;
        acepack_span *q = (acepack_span *)fuzz_malloc(sizeof *q * (2 * k.n + 1));
        q[nq].ptr = needle;
        q[nq++].len = nlen;
        for (size_t i = 0; i < k.n; i++) {
            q[nq].ptr = k.v[i].dec;
            q[nq++].len = k.v[i].dec_len;
            if (k.v[i].dec_len > 0) {
                q[nq].ptr = k.v[i].dec;
                q[nq++].len = k.v[i].dec_len - 1;
            }
        }
        check_many(tp, q, nq, nq);
        /* batch size from the needle, not the data producer: the needles
         * derived below stay what they were for existing inputs */
        check_many(tp, q, nq, 1u + (nlen ? needle[0] : nq) % 40u);
        free(q);
    }
    if (k.n > 0) {
        const fuzz_key *x = &k.v[pick(dp, k.n)];
        size_t n = x->dec_len;
        uint8_t *var = (uint8_t *)fuzz_malloc(n + 1);
        if (n)
            memcpy(var, x->dec, n);
        check_needle(&r, &k, tp, var, n);
        if (n > 0)
            check_needle(&r, &k, tp, var, n - 1);
        var[n] = nlen ? needle[0] : (uint8_t)fuzz_dp_range(dp, 0, 255);
        check_needle(&r, &k, tp, var, n + 1);
        if (n > 0) {
            size_t at = pick(dp, n);
            var[at] = (uint8_t)(var[at] ^ fuzz_dp_range(dp, 1, 255));
            check_needle(&r, &k, tp, var, n);
        }
        free(var);
    }
    free(mem);
    fuzz_keys_free(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t nlen = ((size_t)data[size - 2] << 8) | data[size - 1];
    size_t rest = size - 2;
    if (nlen > rest)
        nlen = rest;
    const uint8_t *needle_src = data + rest - nlen;
    size_t fsize = rest - nlen;
    /* Exact-size copies, so that ASan sees any read past either part. */
    uint8_t *file = fuzz_dup(data, fsize);
    uint8_t *needle = fuzz_dup(needle_src, nlen);
    fuzz_dp dp = fuzz_dp_init(data, fsize);
    run_profile(file, fsize, ACEPACK_STRICT, needle, nlen, &dp);
    run_profile(file, fsize, ACEPACK_COMPAT, needle, nlen, &dp);
    free(needle);
    free(file);
    return 0;
}
