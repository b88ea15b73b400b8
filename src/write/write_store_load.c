/*
 * write_store_load.c - fills the model of a store from a validated v2 file:
 * the keys from the index, the event columns copied as they are (no per-event
 * decoding), the index text kept for commits that change no key.
 */
#include "write_store_load.h"

#include "../common/crc32c.h"

static int copy_col(acepack_store *s, aw_buf *b, const uint8_t *p, size_t n)
{
    return aw_buf_append(&s->a, b, p, n);
}

static int order_cmp(void *ctx, size_t x, size_t y)
{
    const acepack_store *s = ctx;
    const aw_entry *a = &s->ent[x], *b = &s->ent[y];
    return aw_key_canonical_cmp(aw_key_bytes(s, a), a->key_len, aw_key_bytes(s, b), b->key_len);
}

static acepack_status load_rest(acepack_store *s, const acepack_reader *r, acepack_error *err);

/* Each column gets its whole size before the first segment is copied: one
 * allocation per column, where appending segment by segment would grow it up
 * to 64 times and let realloc move it each time.  A moved column is not only
 * a copy: on the CI machine (a paravirtualized VM) a page at its new address
 * is slow on its first touch (compaction of the bench's 64-segment store:
 * 230-540 ms before, 136-168 ms after this, tools/bench/README.md). */
static int reserve_columns(acepack_store *s, const acepack_reader *r)
{
    uint64_t n = r->event_count, pool = 0;
    uint32_t ns = acepack_event_segment_count(r);
    for (uint32_t g = 0; g < ns; g++) {
        acepack_reader v;
        acepack_event_segment(r, g, NULL, &v);
        pool += aw_get32(v.priv.col.pool - 4);
    }
    /* n < 2^32 (u32 evt_count) and pool < 2^53 (inside the mapped file). */
    if (n > SIZE_MAX / 8 || pool > SIZE_MAX)
        return -1;
    size_t k = (size_t)n;
    return aw_buf_reserve(&s->a, &s->ts, 8 * k) || aw_buf_reserve(&s->a, &s->kind, k) ||
           aw_buf_reserve(&s->a, &s->src, k) || aw_buf_reserve(&s->a, &s->flg, k) ||
           aw_buf_reserve(&s->a, &s->poff, 4 * k) || aw_buf_reserve(&s->a, &s->plen, 4 * k) ||
           aw_buf_reserve(&s->a, &s->pool, (size_t)pool);
}

/* A segmented file (spec 3.7): the columns of every segment appended in
 * order; pay_off becomes relative to the whole pool (the model's columns are
 * those of one section), and the table is remembered for the next commit. */
static acepack_status load_segments(acepack_store *s, const acepack_reader *r, acepack_error *err)
{
    uint32_t ns = acepack_event_segment_count(r);
    if (reserve_columns(s, r) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    for (uint32_t g = 0; g < ns; g++) {
        acepack_segment info;
        acepack_reader v;
        acepack_event_segment(r, g, &info, &v);
        size_t n = info.count;
        const acepack__columns *c = &v.priv.col;
        uint64_t pool_at = s->pool.len;
        uint32_t pool_len = aw_get32(c->pool - 4);
        if (copy_col(s, &s->ts, c->ts, 8 * n) || copy_col(s, &s->kind, c->kind, n) ||
            copy_col(s, &s->src, c->source, n) || copy_col(s, &s->flg, c->flags, n) ||
            copy_col(s, &s->plen, c->pay_len, 4 * n) || copy_col(s, &s->pool, c->pool, pool_len) ||
            aw_buf_reserve(&s->a, &s->poff, 4 * n) != 0)
            return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; i < n; i++) /* < 2^32: the pool total fits u32 (W-EVT-3) */
            aw_put32(s->poff.p + s->poff.len + 4 * i,
                     (uint32_t)(aw_get32(c->pay_off + 4 * i) + pool_at));
        s->poff.len += 4 * n;
        if (g < AW_MAX_SEGMENTS) {
            s->seg_off[g] = info.offset;
            s->seg_len[g] = info.length;
            s->seg_first[g] = info.first_event;
            /* W-SEG-5: the next commit rewrites the table with every
             * segment's CRC when the store has or starts checksums; from
             * the bytes, whatever the field holds (it is 0 without bit 0). */
            if (s->crc || (r->flags & 1u))
                s->seg_crc[g] = ap_crc32c(0, r->data + info.offset, (size_t)info.length);
        }
        s->seg_bytes += info.length;
    }
    s->n_seg = ns;
    s->n_evt = s->n_committed = r->event_count;
    s->pool_committed = s->pool.len;
    return load_rest(s, r, err);
}

acepack_status aw_store_load(acepack_store *s, const acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;

    /* Keys.  The file validated (no duplicates, R-IDX-7), so every key is new. */
    acepack_index_iter it;
    acepack_entry e;
    aw_buf tmp = {NULL, 0, 0};
    acepack_index_iter_init(&it, r);
    while (acepack_index_iter_next(&it, &e)) {
        size_t need = 0;
        acepack_key_decode(&e, NULL, 0, &need);
        if (aw_buf_reserve(&s->a, &tmp, need ? need : 1) != 0)
            goto nomem;
        if (acepack_key_decode(&e, tmp.p, tmp.cap, &need) != ACEPACK_OK)
            goto nomem;
        if (aw_gt(need, AW_U32_MAX)) {
            aw_buf_free(&s->a, &tmp);
            return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, e.entry_offset,
                           "key longer than 2^32-1 bytes");
        }
        size_t x = aw_key_add(s, tmp.p, need);
        if (x == SIZE_MAX)
            goto nomem;
        aw_entry *w = &s->ent[x];
        w->live = 1;
        w->ordered = 1;
        w->chunk_off = e.chunk_offset;
        w->val_len = (uint32_t)e.value_length;
        s->live_keys++;
        s->live_kv_bytes += 4u + e.value_length;
    }
    aw_buf_free(&s->a, &tmp);

    size_t bytes = aw_mul(s->n_ent ? s->n_ent : 1, sizeof(size_t));
    s->order = bytes ? aw_malloc(&s->a, bytes) : NULL;
    if (!s->order)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    s->cap_order = s->n_ent ? s->n_ent : 1;
    for (size_t i = 0; i < s->n_ent; i++)
        s->order[i] = i;
    s->n_order = s->n_ent;
    if (aw_sort(&s->a, s->order, s->n_order, order_cmp, s) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");

    if (r->flags & ACEPACK_FLAG_SEGMENTED)
        return load_segments(s, r, err);

    /* Event columns (spec 3.3.1), copied as the file's bytes. */
    size_t n = r->event_count;
    size_t pad = aw_evt_pad(n);
    const uint8_t *sec = d + r->evt_offset;
    const uint8_t *ts = sec + 4;
    const uint8_t *kind = ts + 8 * n;
    const uint8_t *src = kind + n;
    const uint8_t *flg = src + n;
    const uint8_t *poff = flg + n + pad;
    const uint8_t *plen = poff + 4 * n;
    uint32_t pool_len = aw_get32(plen + 4 * n);
    const uint8_t *pool = plen + 4 * n + 4;
    if (copy_col(s, &s->ts, ts, 8 * n) || copy_col(s, &s->kind, kind, n) ||
        copy_col(s, &s->src, src, n) || copy_col(s, &s->flg, flg, n) ||
        copy_col(s, &s->poff, poff, 4 * n) || copy_col(s, &s->plen, plen, 4 * n) ||
        copy_col(s, &s->pool, pool, pool_len))
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    s->n_evt = s->n_committed = n;
    s->pool_committed = pool_len;
    return load_rest(s, r, err);

nomem:
    aw_buf_free(&s->a, &tmp);
    return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
}

static acepack_status load_rest(acepack_store *s, const acepack_reader *r, acepack_error *err)
{
    const uint8_t *d = r->data;
    s->base = r->evt_base_id;
    if (aw_buf_append(&s->a, &s->index, d + r->index_offset, (size_t)r->index_length) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    s->index_off = r->index_offset;
    s->index_len = r->index_length;
    s->evt_off = r->evt_offset;
    s->evt_len = r->evt_length;
    s->extent = r->index_offset + r->index_length;
    s->floor = s->extent;
    /* Flag bit 0 (spec 3.8): a store that has it keeps it (W-CRC-1); strict
     * validation has checked the fields.  A store asked to start writing
     * checksums computes them once here; later commits extend them. */
    s->crc_in_file = (r->flags & 1u) != 0;
    if (r->flags & 1u) {
        s->crc = 1;
        s->crc_chunks = aw_get32(d + 68);
        s->crc_events = aw_get32(d + 72);
        s->crc_index = aw_get32(d + 76);
    } else if (s->crc) {
        s->crc_chunks = ap_crc32c(0, d + 128, (size_t)(r->evt_offset - 128));
        s->crc_events = ap_crc32c(0, d + r->evt_offset, (size_t)r->evt_length);
        s->crc_index = ap_crc32c(0, d + r->index_offset, (size_t)r->index_length);
    }
    s->file_end = r->size;
    return ACEPACK_OK;
}
