/*
 * fuzz_check_keys.c - index iteration, keys and the lookup table against
 * the oracles (see fuzz_checks.h).
 */
#include <string.h>

#include "fuzz_checks.h"
#include "fuzz_oracles.h"

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* Checks one entry yielded by the iterator and decodes its key into kk. */
static void check_entry(const acepack_reader *r, const acepack_entry *e, fuzz_key *kk)
{
    const int strict = r->profile == ACEPACK_STRICT;
    const uint8_t *data = r->data;
    const size_t size = r->size;
    const uint8_t *idx = data + (size_t)r->index_offset;
    const size_t idx_len = (size_t)r->index_length;

    /* Where the member is: its key's opening quote, and the raw key after it. */
    FUZZ_ASSERT_MSG(fuzz_inside(e->key.ptr, e->key.len, idx, idx_len), "key outside the index");
    FUZZ_ASSERT(e->entry_offset >= r->index_offset &&
                e->entry_offset < r->index_offset + r->index_length);
    FUZZ_ASSERT_MSG(data[e->entry_offset] == '"', "entry_offset is not the key's quote");
    FUZZ_ASSERT(e->key.ptr == data + e->entry_offset + 1);
    FUZZ_ASSERT_MSG(e->key.ptr + e->key.len < idx + idx_len && e->key.ptr[e->key.len] == '"',
                    "raw key not followed by its closing quote");
    FUZZ_ASSERT(e->has_escapes == 0 || e->has_escapes == 1);
    if (e->key.len && memchr(e->key.ptr, '\\', e->key.len) != NULL)
        FUZZ_ASSERT_MSG(e->has_escapes, "escaped key with has_escapes 0");

    /* The chunk (R-CHK-1 in both profiles; R-CHK-2, R-CHK-3 in strict). */
    FUZZ_ASSERT_MSG(e->chunk_offset <= size && 4u <= size - e->chunk_offset &&
                        e->value_length <= size - e->chunk_offset - 4u,
                    "R-CHK-1: value outside the file");
    if (strict) {
        uint64_t low = r->version == 2 ? 128u : 64u;
        FUZZ_ASSERT_MSG(e->chunk_offset >= low &&
                            e->chunk_offset + 4u + e->value_length <= r->chunk_end,
                        "R-CHK-2: chunk outside the chunk region");
        FUZZ_ASSERT_MSG(fuzz_get_be32(data + e->chunk_offset) == e->value_length,
                        "R-CHK-3: chunk length field");
    }
    acepack_span v = acepack_entry_value(r, e);
    FUZZ_ASSERT(v.ptr == data + e->chunk_offset + 4 && v.len == e->value_length);
    acepack_span v2;
    FUZZ_ASSERT(acepack_value(r, e->chunk_offset, e->value_length, &v2) == ACEPACK_OK);
    FUZZ_ASSERT(v2.ptr == v.ptr && v2.len == v.len);

    /* Decoding: the oracle first, then count mode, then an exact buffer. */
    fuzz_buf ref = {0};
    FUZZ_ASSERT_MSG(fuzz_ref_json_unescape(e->key.ptr, e->key.len, &ref) == 0,
                    "the reader accepted a key that is not a valid JSON string of Unicode text");
    if (strict) {
        fuzz_buf esc = {0};
        fuzz_ref_json_escape(ref.ptr, ref.len, &esc);
        FUZZ_ASSERT_MSG(esc.len == e->key.len &&
                            (esc.len == 0 || memcmp(esc.ptr, e->key.ptr, esc.len) == 0),
                        "R-IDX-6: strict accepted a key not in the canonical escaping");
        fuzz_buf_free(&esc);
    }
    if (!e->has_escapes)
        FUZZ_ASSERT(ref.len == e->key.len &&
                    (ref.len == 0 || memcmp(ref.ptr, e->key.ptr, ref.len) == 0));

    size_t needed = SIZE_MAX;
    FUZZ_ASSERT(acepack_key_decode(e, NULL, 0, &needed) == ACEPACK_OK);
    FUZZ_ASSERT_MSG(needed == ref.len, "key_decode count mode gives a wrong length");
    uint8_t *dec = (uint8_t *)fuzz_malloc(needed);
    size_t got = SIZE_MAX;
    FUZZ_ASSERT(acepack_key_decode(e, dec, needed, &got) == ACEPACK_OK);
    FUZZ_ASSERT(got == needed);
    FUZZ_ASSERT_MSG(needed == 0 || memcmp(dec, ref.ptr, needed) == 0, "key_decode bytes differ");
    if (needed > 0) {
        /* One byte short: NOMEM, and (ASan) nothing written past the cap. */
        uint8_t *small = (uint8_t *)fuzz_malloc(needed - 1);
        size_t got2 = 0;
        FUZZ_ASSERT(acepack_key_decode(e, small, needed - 1, &got2) == ACEPACK_NOMEM);
        FUZZ_ASSERT(got2 == needed);
        free(small);
    }
    fuzz_buf_free(&ref);

    /* key_equals: itself, one byte shorter, one longer, last byte changed. */
    FUZZ_ASSERT_MSG(acepack_key_equals(e, dec, needed) == 1, "key_equals(decoded) != 1");
    uint8_t *longer = (uint8_t *)fuzz_malloc(needed + 1);
    if (needed)
        memcpy(longer, dec, needed);
    longer[needed] = 'x';
    FUZZ_ASSERT(acepack_key_equals(e, longer, needed + 1) == 0);
    if (needed > 0) {
        FUZZ_ASSERT(acepack_key_equals(e, dec, needed - 1) == 0);
        longer[needed - 1] ^= 0x01;
        FUZZ_ASSERT(acepack_key_equals(e, longer, needed) == 0);
    }
    free(longer);
    FUZZ_ASSERT(acepack_key_compare(e, e) == 0);

    kk->e = *e;
    kk->dec = dec;
    kk->dec_len = needed;
}

static const fuzz_key *g_sort_keys; /* qsort has no context argument */

static int by_key_then_pos(const void *a, const void *b)
{
    const fuzz_key *x = &g_sort_keys[*(const size_t *)a];
    const fuzz_key *y = &g_sort_keys[*(const size_t *)b];
    int c = fuzz_ref_bytes_compare(x->dec, x->dec_len, y->dec, y->dec_len);
    if (c)
        return c;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

void fuzz_collect_keys(const acepack_reader *r, fuzz_keys *k)
{
    memset(k, 0, sizeof *k);
    acepack_index_iter it;
    acepack_index_iter_init(&it, r);
    acepack_entry e;
    size_t cap = 0;
    uint64_t prev_offset = 0;
    while (acepack_index_iter_next(&it, &e)) {
        FUZZ_ASSERT_MSG(k->n < r->entry_count, "iterator yields more than entry_count");
        if (k->n == cap) {
            cap = cap ? cap * 2 : 16;
            fuzz_key *v = (fuzz_key *)realloc(k->v, cap * sizeof *v);
            FUZZ_ASSERT(v != NULL);
            k->v = v;
        }
        fuzz_key *kk = &k->v[k->n];
        memset(kk, 0, sizeof *kk);
        kk->pos = k->n;
        check_entry(r, &e, kk);
        FUZZ_ASSERT_MSG(k->n == 0 || e.entry_offset > prev_offset, "members not in file order");
        prev_offset = e.entry_offset;
        k->n++;
    }
    FUZZ_ASSERT_MSG(k->n == r->entry_count, "iterator yields fewer than entry_count");
    FUZZ_ASSERT(acepack_index_iter_next(&it, &e) == 0); /* stays at the end */
    if (r->profile == ACEPACK_STRICT && k->n == 0)
        FUZZ_ASSERT(r->index_length == 2); /* "{}" is the only strict empty index */

    /* key_compare against the oracle on neighbours and against entry 0. */
    for (size_t i = 1; i < k->n; i++) {
        const fuzz_key *a = &k->v[i - 1], *b = &k->v[i], *z = &k->v[0];
        FUZZ_ASSERT_MSG(sign(acepack_key_compare(&a->e, &b->e)) ==
                            fuzz_ref_bytes_compare(a->dec, a->dec_len, b->dec, b->dec_len),
                        "key_compare disagrees with bytewise order (D-6)");
        FUZZ_ASSERT(sign(acepack_key_compare(&b->e, &z->e)) ==
                    fuzz_ref_bytes_compare(b->dec, b->dec_len, z->dec, z->dec_len));
    }

    /* Groups of equal keys: the last occurrence counts (R-IDX-12). */
    k->sorted = (size_t *)fuzz_malloc(sizeof(size_t) * k->n);
    for (size_t i = 0; i < k->n; i++)
        k->sorted[i] = i;
    g_sort_keys = k->v;
    if (k->n > 1)
        qsort(k->sorted, k->n, sizeof(size_t), by_key_then_pos);
    g_sort_keys = NULL;
    for (size_t s = 0; s < k->n;) {
        size_t t = s + 1;
        const fuzz_key *first = &k->v[k->sorted[s]];
        while (t < k->n) {
            const fuzz_key *x = &k->v[k->sorted[t]];
            if (fuzz_ref_bytes_compare(first->dec, first->dec_len, x->dec, x->dec_len) != 0)
                break;
            uint64_t off = x->e.entry_offset; /* a second (or later) occurrence */
            if (!k->has_dup || off < k->first_dup_offset)
                k->first_dup_offset = off;
            k->has_dup = 1;
            t++;
        }
        k->v[k->sorted[t - 1]].current = 1;
        k->distinct++;
        s = t;
    }
}

void fuzz_keys_free(fuzz_keys *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i].dec);
    free(k->v);
    free(k->sorted);
    memset(k, 0, sizeof *k);
}

const fuzz_key *fuzz_keys_find(const fuzz_keys *k, const uint8_t *needle, size_t len)
{
    for (size_t i = 0; i < k->n; i++) {
        const fuzz_key *x = &k->v[i];
        if (x->current && fuzz_ref_bytes_compare(x->dec, x->dec_len, needle, len) == 0)
            return x;
    }
    return NULL;
}

/* Every key is found, with the entry and value of its current occurrence. */
static void check_lookups(const acepack_table *t, const acepack_reader *r, const fuzz_keys *k)
{
    FUZZ_ASSERT(t->key_count == k->distinct);
    for (size_t i = 0; i < k->n; i++) {
        const fuzz_key *x = &k->v[i];
        acepack_entry f;
        FUZZ_ASSERT_MSG(acepack_table_find(t, x->dec, x->dec_len, &f) == ACEPACK_OK,
                        "a key of the index is not found in the table");
        FUZZ_ASSERT(acepack_key_equals(&f, x->dec, x->dec_len) == 1);
        FUZZ_ASSERT_MSG(acepack_table_is_current(t, &x->e) == x->current,
                        "table_is_current disagrees with last-occurrence-wins (R-IDX-12)");
        if (x->current) {
            FUZZ_ASSERT(f.entry_offset == x->e.entry_offset &&
                        f.chunk_offset == x->e.chunk_offset && f.value_length == x->e.value_length);
        }
        acepack_span v;
        FUZZ_ASSERT(acepack_table_get(t, x->dec, x->dec_len, &v) == ACEPACK_OK);
        acepack_span want = acepack_entry_value(r, &f);
        FUZZ_ASSERT(v.ptr == want.ptr && v.len == want.len);
        FUZZ_ASSERT(acepack_table_get(t, x->dec, x->dec_len, NULL) == ACEPACK_OK);
    }
    /* A key with an invalid UTF-8 byte can be in no index. */
    static const uint8_t never[2] = {'k', 0xFF};
    FUZZ_ASSERT(acepack_table_get(t, never, sizeof never, NULL) == ACEPACK_NOT_FOUND);
    acepack_span v;
    const fuzz_key *empty = fuzz_keys_find(k, (const uint8_t *)"", 0);
    FUZZ_ASSERT((acepack_table_get(t, "", 0, &v) == ACEPACK_OK) == (empty != NULL));
}

acepack_status fuzz_check_table(const acepack_reader *r, const fuzz_keys *k)
{
    acepack_reader huge = *r;
    size_t need = 0;
    huge.entry_count = UINT64_MAX;
    FUZZ_ASSERT(acepack_table_size(&huge, &need) == ACEPACK_UNSUPPORTED);
    FUZZ_ASSERT_MSG(acepack_table_size(r, &need) == ACEPACK_OK && need != 0,
                    "no table size for a file that opened");
    acepack_table t;
    acepack_error err;
    memset(&err, 0, sizeof err);

    /* One byte short: the size includes alignment slack, so the build may
     * still fit (then it must work, and ASan sees any write past the end) or
     * report NOMEM.  (The header says NOMEM for any size < table_size().) */
    const int dup = r->profile == ACEPACK_STRICT && k->has_dup;
    uint8_t *small = (uint8_t *)fuzz_malloc(need - 1);
    acepack_status ss = acepack_table_build(&t, r, small, need - 1, &err);
    FUZZ_ASSERT(ss == ACEPACK_NOMEM || ss == (dup ? ACEPACK_INVALID : ACEPACK_OK));
    if (ss == ACEPACK_OK)
        check_lookups(&t, r, k);
    free(small);

    uint8_t *mem = (uint8_t *)fuzz_malloc(need);
    acepack_status st = acepack_table_build(&t, r, mem, need, &err);
    if (dup) {
        FUZZ_ASSERT_MSG(st == ACEPACK_INVALID, "strict table accepted a duplicate key (R-IDX-7)");
        FUZZ_ASSERT(err.rule != NULL && strcmp(err.rule, "R-IDX-7") == 0);
        FUZZ_ASSERT_MSG(err.offset == k->first_dup_offset,
                        "R-IDX-7 offset is not the earliest second occurrence");
        free(mem);
        return st;
    }
    FUZZ_ASSERT_MSG(st == ACEPACK_OK, "table build failed on a file without duplicates");
    check_lookups(&t, r, k);
    free(mem);

    /* Another seed: same answers (the seed changes slots, never results). */
    mem = (uint8_t *)fuzz_malloc(need);
    FUZZ_ASSERT(acepack_table_build_seeded(&t, r, mem, need, UINT64_C(0x9E3779B97F4A7C15) ^ k->n,
                                           &err) == ACEPACK_OK);
    check_lookups(&t, r, k);
    free(mem);
    return st;
}
