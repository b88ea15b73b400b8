/*
 * write_store_commit.c - commit (spec 9.1, W-COMMIT-1..4) and compaction
 * (W-COMPACT-1, W-COMPACT-2) of a store.
 *
 * An appending commit writes, at or after the committed extent: the pending
 * chunks, the whole event section, the whole index; fdatasync; the 128-byte
 * header with one pwrite at 0; fdatasync.  The in-memory model changes only
 * after the last step succeeded.  When the file would grow beyond R times its
 * live size, the commit compacts instead: the canonical file of the new
 * content goes to a temporary file that replaces the store.
 *
 * Flag bit 0 (spec 3.8, W-CRC-2): the header of either path carries the CRC32C
 * of the regions it references.  The event section and the index are CRCed
 * from memory; an appending commit joins the old chunks_crc with the old
 * section's and index's CRCs (they become chunk region) and extends it over
 * the bytes it adds, so it reads nothing back but bytes a failed commit or
 * put_stream left between the extent and its own writes.
 */
#include <errno.h>

#include "write_store_commit.h"

#include "../common/crc32c.h"

/* Everything a commit computes before it writes. */
typedef struct commit_plan {
    size_t *order; /* keys after the commit, W-CAN-1 order */
    size_t n_order, cap_order;
    aw_buf index; /* new index text (empty when reusing s->index) */
    int reuse_index;
    uint64_t live_kv_bytes;
    uint64_t live_keys;
    uint64_t evt_len;
} commit_plan;

static void plan_free(acepack_store *s, commit_plan *p)
{
    aw_free(&s->a, p->order, p->cap_order * sizeof(size_t));
    aw_buf_free(&s->a, &p->index);
    p->order = NULL;
}

static acepack_status buf_sink(void *ctx, const void *p, size_t n, acepack_error *err)
{
    void **c = ctx; /* {allocator, buffer} */
    if (aw_buf_append(c[0], c[1], p, n) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    return ACEPACK_OK;
}

/* The index text (W-IDX-1) of plan->order, the chunk of each key found by
 * `where`: 1 = its pending chunk at `pend_base + pend_off`, else its
 * committed chunk; offsets[] (when not NULL) overrides both. */
static acepack_status make_index(acepack_store *s, commit_plan *p, uint64_t pend_base,
                                 const uint64_t *offsets, acepack_error *err)
{
    void *ctx[2] = {&s->a, &p->index};
    aw_out o;
    memset(&o, 0, sizeof o);
    o.sink = buf_sink;
    o.ctx = ctx;
    o.status = ACEPACK_OK;
    o.err = err;
    aw_out_put(&o, "{", 1);
    for (size_t k = 0; k < p->n_order; k++) {
        const aw_entry *e = &s->ent[p->order[k]];
        uint32_t len = 0;
        aw_entry_after(e, &len);
        uint64_t off = offsets                  ? offsets[k]
                       : e->pend != AW_PEND_PUT ? e->chunk_off
                       : e->pend_file           ? e->pend_off
                                                : pend_base + e->pend_off;
        if (k > 0)
            aw_out_put(&o, ",", 1);
        aw_out_json_string(&o, aw_key_bytes(s, e), e->key_len);
        aw_out_put(&o, ":{\"offset\":", 11);
        aw_out_dec(&o, off);
        aw_out_put(&o, ",\"length\":", 10);
        aw_out_dec(&o, len);
        aw_out_put(&o, "}", 1);
    }
    aw_out_put(&o, "}", 1);
    return aw_out_flush(&o);
}

static acepack_status plan_make(acepack_store *s, commit_plan *p, acepack_error *err)
{
    memset(p, 0, sizeof *p);
    p->live_kv_bytes = s->live_kv_bytes;
    p->live_keys = s->live_keys;
    for (size_t i = 0; i < s->n_pend; i++) {
        const aw_entry *e = &s->ent[s->pend_list[i]];
        if (e->live) {
            p->live_kv_bytes -= 4u + (uint64_t)e->val_len;
            p->live_keys--;
        }
        if (e->pend == AW_PEND_PUT) {
            p->live_kv_bytes += 4u + (uint64_t)e->pend_len;
            p->live_keys++;
        } else if (e->pend == AW_PEND_NONE && e->live) {
            p->live_kv_bytes += 4u + (uint64_t)e->val_len; /* put then deleted again: unchanged */
            p->live_keys++;
        }
    }
    if (aw_order_after(s, &p->order, &p->n_order, &p->cap_order) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    p->evt_len = aw_evt_section_len(s->n_evt, s->pool.len);
    return ACEPACK_OK;
}

/* The event section of all events (W-EVT-1), from the columns. */
static void put_section(aw_out *o, const acepack_store *s)
{
    aw_out_u32(o, (uint32_t)s->n_evt);
    aw_out_put(o, s->ts.p, s->ts.len);
    aw_out_put(o, s->kind.p, s->kind.len);
    aw_out_put(o, s->src.p, s->src.len);
    aw_out_put(o, s->flg.p, s->flg.len);
    aw_out_zeros(o, aw_evt_pad(s->n_evt));
    aw_out_put(o, s->poff.p, s->poff.len);
    aw_out_put(o, s->plen.p, s->plen.len);
    aw_out_u32(o, (uint32_t)s->pool.len);
    aw_out_put(o, s->pool.p, s->pool.len);
}

/* The CRC32C of the bytes put_section() writes, from the columns. */
static uint32_t section_crc(const acepack_store *s)
{
    static const uint8_t zeros[3] = {0, 0, 0};
    uint8_t u[4];
    aw_put32(u, (uint32_t)s->n_evt);
    uint32_t c = ap_crc32c(0, u, 4);
    c = ap_crc32c(c, s->ts.p, s->ts.len);
    c = ap_crc32c(c, s->kind.p, s->kind.len);
    c = ap_crc32c(c, s->src.p, s->src.len);
    c = ap_crc32c(c, s->flg.p, s->flg.len);
    c = ap_crc32c(c, zeros, aw_evt_pad(s->n_evt));
    c = ap_crc32c(c, s->poff.p, s->poff.len);
    c = ap_crc32c(c, s->plen.p, s->plen.len);
    aw_put32(u, (uint32_t)s->pool.len);
    c = ap_crc32c(c, u, 4);
    return ap_crc32c(c, s->pool.p, s->pool.len);
}

/* A pwrite sink that also CRCs the bytes it writes inside [from, to) of the
 * file: compaction's chunk region, which it copies from the old file. */
typedef struct crc_sink {
    aw_fd_sink *fs;
    uint64_t from, to;
    uint32_t crc;
} crc_sink;

static acepack_status sink_crc_pwrite(void *ctx, const void *p, size_t n, acepack_error *err)
{
    crc_sink *c = ctx;
    uint64_t pos = c->fs->off, a = pos > c->from ? pos : c->from;
    uint64_t b = pos + n < c->to ? pos + n : c->to;
    if (a < b)
        c->crc = ap_crc32c(c->crc, (const uint8_t *)p + (a - pos), (size_t)(b - a));
    return aw_sink_pwrite(c->fs, p, n, err);
}

/* Extends crc over `len` bytes at `off` of the store file. */
static acepack_status crc_file_range(acepack_store *s, uint32_t *crc, uint64_t off, uint64_t len,
                                     acepack_error *err)
{
    uint8_t buf[16384];
    while (len > 0) {
        size_t k = len < sizeof buf ? (size_t)len : sizeof buf;
        int e = aw_pread_all(&s->io, s->fd, buf, k, off);
        if (e)
            return aw_fail_io(err, e, "cannot read the store file");
        *crc = ap_crc32c(*crc, buf, k);
        off += k;
        len -= k;
    }
    return ACEPACK_OK;
}

/* The model after a commit that placed pending chunk i at pend_base +
 * pend_off (offsets NULL) or every key k of p->order at offsets[k]. */
static void apply(acepack_store *s, commit_plan *p, uint64_t pend_base, const uint64_t *offsets)
{
    for (size_t i = 0; i < s->n_pend; i++) {
        aw_entry *e = &s->ent[s->pend_list[i]];
        if (e->pend == AW_PEND_PUT) {
            e->chunk_off = e->pend_file ? e->pend_off : pend_base + e->pend_off;
            e->val_len = e->pend_len;
            e->live = 1;
        } else if (e->pend == AW_PEND_DEL) {
            e->live = 0;
        }
        e->pend = AW_PEND_NONE;
        e->pend_file = 0;
        e->listed = 0;
        e->ordered = 0; /* set again below for the keys that remain */
    }
    for (size_t k = 0; k < p->n_order; k++) {
        aw_entry *e = &s->ent[p->order[k]];
        e->ordered = 1;
        if (offsets)
            e->chunk_off = offsets[k];
    }
    for (size_t k = 0; k < s->n_order; k++) {
        aw_entry *e = &s->ent[s->order[k]];
        if (!e->live)
            e->ordered = 0;
    }
    s->n_pend = 0;
    s->pend.len = 0;
    s->stage_end = 0;
    aw_free(&s->a, s->order, s->cap_order * sizeof(size_t));
    s->order = p->order;
    s->n_order = p->n_order;
    s->cap_order = p->cap_order;
    p->order = NULL;
    if (!p->reuse_index) {
        aw_buf_free(&s->a, &s->index);
        s->index = p->index;
        memset(&p->index, 0, sizeof p->index);
    }
    s->live_kv_bytes = p->live_kv_bytes;
    s->live_keys = p->live_keys;
    s->n_committed = s->n_evt;
    s->pool_committed = s->pool.len;
    s->commits++;
}

/* Copies `len` bytes at `off` of the store file to o, through buf. */
static void copy_range(aw_out *o, acepack_store *s, uint8_t *buf, size_t cap, uint64_t off,
                       uint64_t len)
{
    while (len > 0 && o->status == ACEPACK_OK) {
        size_t k = len < cap ? (size_t)len : cap;
        int e = aw_pread_all(&s->io, s->fd, buf, k, off);
        if (e) {
            o->status = aw_fail_io(o->err, e, "cannot read the store file");
            return;
        }
        aw_out_put(o, buf, k);
        off += k;
        len -= k;
    }
}

/* W-COMPACT-1: the canonical file of the content after the pending changes,
 * written to a temporary file that then replaces the store. */
static acepack_status compact(acepack_store *s, commit_plan *p, acepack_error *err)
{
    size_t off_bytes = aw_mul(p->n_order ? p->n_order : 1, sizeof(uint64_t));
    uint64_t *offsets = off_bytes ? aw_malloc(&s->a, off_bytes) : NULL;
    if (!offsets)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    uint64_t pos = AW_HEADER_V2;
    for (size_t k = 0; k < p->n_order; k++) {
        uint32_t len = 0;
        aw_entry_after(&s->ent[p->order[k]], &len);
        offsets[k] = pos;
        pos += 4u + (uint64_t)len;
    }
    uint64_t chunk_end = pos;
    acepack_status st = make_index(s, p, 0, offsets, err);
    if (st != ACEPACK_OK)
        goto out;
    uint64_t idx_off = chunk_end + p->evt_len;
    uint64_t size = idx_off + p->index.len;
    if (size > AW_MAX_SAFE) {
        st = aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "store would exceed 2^53-1 bytes");
        goto out;
    }

    int tfd = -1;
    char *tmp = NULL;
    st = aw_create_temp(&s->a, &s->io, s->path, s->mode, &tfd, &tmp, err);
    if (st != ACEPACK_OK)
        goto out;
    aw_fd_sink fs = {&s->io, tfd, 0, 0};
    crc_sink cs = {&fs, AW_HEADER_V2, chunk_end, 0};
    aw_out o;
    /* Committed ranges pass through this buffer: never more bytes than the
     * chunks, so a small store's compaction needs no 1 MiB of it. */
    size_t copy_cap = chunk_end < ((uint64_t)1 << 20) ? (size_t)chunk_end : (size_t)1 << 20;
    uint8_t *copy = aw_malloc(&s->a, copy_cap);
    uint32_t sec_crc = 0, idx_crc = 0;
    st = copy ? aw_out_init(&o, &s->a, sink_crc_pwrite, &cs, err)
              : aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    if (st == ACEPACK_OK) {
        uint8_t h[128];
        aw_header_v2(h, idx_off, p->index.len, chunk_end, p->evt_len, (uint32_t)s->n_evt, s->base);
        aw_out_put(&o, h, sizeof h);
        /* Chunks in key order (W-CAN-2).  Committed values are copied from
         * the file; neighbouring chunks are copied as one range. */
        uint64_t run_off = 0, run_len = 0;
        for (size_t k = 0; k < p->n_order && o.status == ACEPACK_OK; k++) {
            const aw_entry *e = &s->ent[p->order[k]];
            if (e->pend == AW_PEND_PUT) {
                copy_range(&o, s, copy, copy_cap, run_off, run_len);
                run_len = 0;
                if (e->pend_file) /* staged by put_stream */
                    copy_range(&o, s, copy, copy_cap, e->pend_off, 4u + (uint64_t)e->pend_len);
                else
                    aw_out_put(&o, s->pend.p + e->pend_off, 4u + (size_t)e->pend_len);
                continue;
            }
            uint64_t len = 4u + (uint64_t)e->val_len;
            if (run_len > 0 && e->chunk_off == run_off + run_len) {
                run_len += len;
                continue;
            }
            copy_range(&o, s, copy, copy_cap, run_off, run_len);
            run_off = e->chunk_off;
            run_len = len;
        }
        copy_range(&o, s, copy, copy_cap, run_off, run_len);
        put_section(&o, s);
        aw_out_put(&o, p->index.p, p->index.len);
        st = aw_out_flush(&o);
        aw_out_free(&o);
        if (st == ACEPACK_OK && s->crc) {
            /* W-CRC-2: the header again, with the CRCs, before the file is
             * made durable and renamed (nobody sees it before). */
            size_t done = 0;
            sec_crc = section_crc(s);
            idx_crc = ap_crc32c(0, p->index.p, p->index.len);
            aw_header_sign(h, cs.crc, sec_crc, idx_crc);
            int e = s->io.pwrite(s->io.ctx, tfd, h, sizeof h, 0, &done);
            if (!e && done != sizeof h)
                e = EIO;
            if (e)
                st = aw_fail_io(err, e, "cannot write the header of the compacted file");
        }
    }
    aw_free(&s->a, copy, copy_cap);

    int renamed = 0;
    if (st == ACEPACK_OK)
        st = aw_install_temp(&s->io, tfd, tmp, s->path, s->dir, &renamed, err);
    else
        s->io.unlink(s->io.ctx, tmp);
    aw_strfree(&s->a, tmp);
    if (!renamed) {
        s->io.close(s->io.ctx, tfd);
        goto out;
    }
    /* The new file is at the path (even if the directory fsync failed, in
     * which case st reports it): from now on it is the store. */
    s->io.close(s->io.ctx, s->fd);
    s->fd = tfd;
    apply(s, p, 0, offsets);
    s->index_off = idx_off;
    s->index_len = s->index.len;
    s->evt_off = chunk_end;
    s->evt_len = p->evt_len;
    s->n_seg = 0; /* the canonical form is plain (W-SEG-1) */
    s->seg_bytes = 0;
    s->extent = s->floor = s->file_end = size;
    s->crc_chunks = cs.crc;
    s->crc_events = sec_crc;
    s->crc_index = idx_crc;
    s->crc_in_file = s->crc;
    s->compactions++;
    aw_keys_gc(s);
out:
    aw_free(&s->a, offsets, off_bytes);
    return st;
}

/* The columns of events [s->n_committed, s->n_evt) as one segment (spec
 * 3.7, W-EVT-1): pay_off made relative to the segment's own pool. */
static void put_segment(aw_out *o, const acepack_store *s)
{
    /* The events and the pool are arrays in memory: their counts fit a size_t. */
    size_t a = (size_t)s->n_committed, k = (size_t)(s->n_evt - s->n_committed);
    size_t pool_committed = (size_t)s->pool_committed;
    aw_out_u32(o, (uint32_t)k);
    aw_out_put(o, s->ts.p + 8 * a, 8 * k);
    aw_out_put(o, s->kind.p + a, k);
    aw_out_put(o, s->src.p + a, k);
    aw_out_put(o, s->flg.p + a, k);
    aw_out_zeros(o, aw_evt_pad(k));
    for (size_t i = 0; i < k; i++) {
        uint8_t b[4];
        aw_put32(b, (uint32_t)(aw_get32(s->poff.p + 4 * (a + i)) - pool_committed));
        aw_out_put(o, b, 4);
    }
    aw_out_put(o, s->plen.p + 4 * a, 4 * k);
    aw_out_u32(o, (uint32_t)(s->pool.len - pool_committed));
    aw_out_put(o, s->pool.p + pool_committed, s->pool.len - pool_committed);
}

/* Steps 2..4 of W-COMMIT-2 after step 1 wrote [.., end): fdatasync, the
 * header with one write, fdatasync.  On failure after the header write
 * began, `floor` moves past the commit's bytes (W-COMMIT-3). */
static acepack_status sync_header(acepack_store *s, const uint8_t h[128], uint64_t end,
                                  acepack_error *err)
{
    int e = s->io.fdatasync(s->io.ctx, s->fd);
    if (e)
        return aw_fail_io(err, e, "fdatasync before the header write failed");
    size_t done = 0;
    e = s->io.pwrite(s->io.ctx, s->fd, h, 128, 0, &done);
    if (!e && done != 128)
        e = EIO;
    if (!e)
        e = s->io.fdatasync(s->io.ctx, s->fd);
    if (e) {
        s->floor = end;
        return aw_fail_io(err, e, "header write or its fdatasync failed");
    }
    return ACEPACK_OK;
}

/* compact() with the plan's index dropped: the compacted file has other
 * offsets, so compact() makes its own. */
static acepack_status compact_fresh(acepack_store *s, commit_plan *p, acepack_error *err)
{
    p->reuse_index = 0;
    aw_buf_free(&s->a, &p->index);
    return compact(s, p, err);
}

/* W-SEG-2: a commit that appends one segment (when there are new events)
 * and a new segment table; earlier segments stay in place.  A plain file's
 * section becomes segment 0 when it holds events.  Compacts instead when S
 * would exceed AW_MAX_SEGMENTS (W-SEG-3) or the file R times its live size
 * (W-COMPACT-2). */
static acepack_status commit_segment(acepack_store *s, commit_plan *p, uint64_t base,
                                     const aw_buf *index, acepack_error *err)
{
    uint64_t off[AW_MAX_SEGMENTS], len[AW_MAX_SEGMENTS], first[AW_MAX_SEGMENTS];
    uint64_t k = s->n_evt - s->n_committed, seg_bytes = 0;
    uint32_t n = 0;
    if (s->n_seg > AW_MAX_SEGMENTS)
        return compact_fresh(s, p, err);
    if (s->n_seg > 0) {
        for (n = 0; n < s->n_seg; n++) {
            off[n] = s->seg_off[n];
            len[n] = s->seg_len[n];
            first[n] = s->seg_first[n];
        }
    } else if (s->n_committed > 0) {
        off[0] = s->evt_off;
        len[0] = s->evt_len;
        first[0] = 0;
        n = 1;
    }
    if (k > 0 && n == AW_MAX_SEGMENTS)
        return compact_fresh(s, p, err);
    uint64_t seg_at = base + s->pend.len;
    if (k > 0) {
        off[n] = seg_at;
        len[n] = aw_evt_section_len(k, s->pool.len - s->pool_committed);
        first[n] = s->n_committed;
        n++;
    }
    for (uint32_t g = 0; g < n; g++)
        seg_bytes += len[g];
    uint64_t tab_off = seg_at + (k > 0 ? len[n - 1] : 0);
    uint64_t tab_len = 8u + 32u * (uint64_t)n;
    uint64_t idx_off = tab_off + tab_len;
    uint64_t end = idx_off + index->len;
    uint64_t live = AW_HEADER_V2 + p->live_kv_bytes + seg_bytes + tab_len + index->len;
    if (end > AW_MAX_SAFE || (double)end > s->ratio * (double)live)
        return compact_fresh(s, p, err);

    /* W-SEG-5: with checksums, every entry carries its segment's CRC32C: the
     * earlier segments' from the model, the new one as it is written, and a
     * plain section that becomes segment 0 has it already: events_crc of a
     * plain file is the CRC32C of [evt_offset, evt_offset + evt_length)
     * (spec 3.8), the very bytes R-SEG-10 covers for segment 0 (off[0] =
     * evt_off, len[0] = evt_len above).  s->crc_events holds it whenever
     * s->crc is set (read from the header or computed at load, set by every
     * commit and compaction), so the section is not read back. */
    uint32_t crc[AW_MAX_SEGMENTS] = {0};
    uint32_t pre_chunks = 0;
    acepack_status st = ACEPACK_OK;
    if (s->crc) {
        for (uint32_t g = 0; g < s->n_seg; g++)
            crc[g] = s->seg_crc[g];
        if (s->n_seg == 0 && s->n_committed > 0)
            crc[0] = s->crc_events;
        /* W-CRC-2: the chunk region [128, tab_off) = the old one, the old
         * event section or table and index, the bytes between the extent and
         * base, then the new chunks and segment (added below). */
        pre_chunks = ap_crc32c_combine(ap_crc32c_combine(s->crc_chunks, s->crc_events, s->evt_len),
                                       s->crc_index, s->index_len);
        if (st == ACEPACK_OK)
            st = crc_file_range(s, &pre_chunks, s->extent, base - s->extent, err);
        if (st != ACEPACK_OK)
            return st;
        pre_chunks = ap_crc32c(pre_chunks, s->pend.p, s->pend.len);
    }

    /* Step 1 of W-COMMIT-2, all after the extent (W-COMMIT-1).  The stage is
     * sized to what is staged (chunks, segment, table: a few KiB for a small
     * commit), so the index, which every commit rewrites (W-SEG-2: directly
     * after the table) and which is the bulk of a small commit's bytes (~72
     * bytes a key), goes from s->index to the file without a copy. */
    aw_fd_sink fs = {&s->io, s->fd, base, 0};
    crc_sink cs = {&fs, seg_at, tab_off, 0}; /* the new segment's CRC */
    aw_out o;
    uint64_t staged = s->pend.len + (k > 0 ? len[n - 1] : 0) + tab_len;
    st = aw_out_init_cap(&o, &s->a, sink_crc_pwrite, &cs,
                         staged < AW_STAGE_SIZE ? (size_t)staged : AW_STAGE_SIZE, err);
    if (st != ACEPACK_OK)
        return st;
    aw_out_put(&o, s->pend.p, s->pend.len);
    if (k > 0)
        put_segment(&o, s);
    if (s->crc) {
        /* The table below carries the new segment's CRC (W-SEG-5): the
         * segment must have passed through the sink first.  Without
         * checksums the segment, table and index go out together. */
        st = aw_out_flush(&o); /* cs.crc now covers the new segment */
        if (st == ACEPACK_OK && k > 0)
            crc[n - 1] = cs.crc;
    }
    uint8_t tab[8 + 32 * AW_MAX_SEGMENTS];
    aw_put32(tab, n);
    aw_put32(tab + 4, 0);
    for (uint32_t g = 0; g < n; g++) {
        uint8_t *e = tab + 8 + 32 * (size_t)g;
        aw_put64(e, off[g]);
        aw_put64(e + 8, len[g]);
        aw_put64(e + 16, first[g]);
        aw_put32(e + 24, s->crc ? crc[g] : 0); /* segment_crc (W-SEG-5) */
        aw_put32(e + 28, 0);
    }
    aw_out_put(&o, tab, (size_t)tab_len);
    aw_out_put(&o, index->p, index->len);
    if (st == ACEPACK_OK)
        st = aw_out_flush(&o);
    aw_out_free(&o);
    if (fs.off > s->file_end)
        s->file_end = fs.off;
    if (st != ACEPACK_OK)
        return st; /* W-COMMIT-3: tail */
    uint8_t h[128];
    uint32_t chunks_crc = 0, tab_crc = 0, idx_crc = 0;
    aw_header_v2(h, idx_off, index->len, tab_off, tab_len, (uint32_t)s->n_evt, s->base);
    aw_put32(h + 12, ACEPACK_FLAG_SEGMENTED); /* W-SEG-1 */
    if (s->crc) {                             /* after the flags: the signature covers them */
        chunks_crc = k > 0 ? ap_crc32c_combine(pre_chunks, crc[n - 1], len[n - 1]) : pre_chunks;
        tab_crc = ap_crc32c(0, tab, (size_t)tab_len);
        idx_crc = ap_crc32c(0, index->p, index->len);
        aw_header_sign(h, chunks_crc, tab_crc, idx_crc);
    }
    if ((st = sync_header(s, h, end, err)) != ACEPACK_OK)
        return st;
    apply(s, p, base, NULL);
    for (uint32_t g = 0; g < n; g++) {
        s->seg_off[g] = off[g];
        s->seg_len[g] = len[g];
        s->seg_first[g] = first[g];
        s->seg_crc[g] = s->crc ? crc[g] : 0;
    }
    s->crc_chunks = chunks_crc;
    s->crc_events = tab_crc;
    s->crc_index = idx_crc;
    s->crc_in_file = s->crc;
    s->n_seg = n;
    s->seg_bytes = seg_bytes;
    s->index_off = idx_off;
    s->index_len = s->index.len;
    s->evt_off = tab_off;
    s->evt_len = tab_len;
    s->extent = s->floor = end;
    if (s->file_end > end && s->io.ftruncate(s->io.ctx, s->fd, end) == 0)
        s->file_end = end;
    return ACEPACK_OK;
}

acepack_status aw_store_commit(acepack_store *s, int force_compact, acepack_error *err)
{
    /* A store asked for checksums whose file has none yet: the first commit
     * writes them, pending changes or not (W-CRC-1). */
    int pending = s->n_pend > 0 || s->n_evt > s->n_committed || (s->crc && !s->crc_in_file);
    if (!pending && !force_compact)
        return ACEPACK_OK; /* W-COMMIT-2: a commit that changes nothing writes nothing */

    commit_plan p;
    acepack_status st = plan_make(s, &p, err);
    if (st != ACEPACK_OK)
        return st;

    if (force_compact) {
        st = compact(s, &p, err);
        goto out;
    }

    /* After the committed extent and after any chunk staged by put_stream. */
    uint64_t base = s->stage_end > s->floor ? s->stage_end : s->floor;
    if (s->n_pend > 0) {
        st = make_index(s, &p, base, NULL, err);
        if (st != ACEPACK_OK)
            goto out;
    } else {
        p.reuse_index = 1;
    }
    const aw_buf *index = p.reuse_index ? &s->index : &p.index;
    /* W-SEG-4: without the option, a segmented store becomes plain: the
     * appending commit below writes the whole event section, flags 0. */
    if (s->seg_opt && (s->n_seg > 0 || s->n_evt > s->n_committed)) {
        st = commit_segment(s, &p, base, index, err);
        goto out;
    }
    uint64_t evt_off = base + s->pend.len;
    uint64_t idx_off = evt_off + p.evt_len;
    uint64_t end = idx_off + index->len;
    uint64_t live = AW_HEADER_V2 + p.live_kv_bytes + p.evt_len + index->len;

    /* W-COMPACT-2: compact instead of appending when the file would exceed R
     * times its live size (or the format's size limit). */
    if (end > AW_MAX_SAFE || (double)end > s->ratio * (double)live) {
        /* The compacted file has other offsets: compact() makes its index. */
        p.reuse_index = 0;
        aw_buf_free(&s->a, &p.index);
        st = compact(s, &p, err);
        goto out;
    }

    /* Step 1: chunks, event section, index, all after the committed extent
     * (W-COMMIT-1). */
    aw_fd_sink fs = {&s->io, s->fd, base, 0};
    aw_out o;
    st = aw_out_init(&o, &s->a, aw_sink_pwrite, &fs, err);
    if (st != ACEPACK_OK)
        goto out;
    aw_out_put(&o, s->pend.p, s->pend.len);
    put_section(&o, s);
    aw_out_put(&o, index->p, index->len);
    st = aw_out_flush(&o);
    aw_out_free(&o);
    if (fs.off > s->file_end)
        s->file_end = fs.off;
    if (st != ACEPACK_OK)
        goto out; /* W-COMMIT-3: nothing references these bytes: tail */
    /* Step 2. */
    int e = s->io.fdatasync(s->io.ctx, s->fd);
    if (e) {
        st = aw_fail_io(err, e, "fdatasync before the header write failed");
        goto out;
    }
    /* Step 3: the header, one write call. */
    uint8_t h[128];
    aw_header_v2(h, idx_off, index->len, evt_off, p.evt_len, (uint32_t)s->n_evt, s->base);
    uint32_t chunks_crc = 0, sec_crc = 0, idx_crc = 0;
    if (s->crc) {
        /* W-CRC-2: the chunk region now also holds the old section and index
         * ([evt_off, extent) of the old header), whatever lies between the
         * extent and base, and the new chunks. */
        chunks_crc = ap_crc32c_combine(ap_crc32c_combine(s->crc_chunks, s->crc_events, s->evt_len),
                                       s->crc_index, s->index_len);
        st = crc_file_range(s, &chunks_crc, s->extent, base - s->extent, err);
        if (st != ACEPACK_OK)
            goto out;
        chunks_crc = ap_crc32c(chunks_crc, s->pend.p, s->pend.len);
        sec_crc = section_crc(s);
        idx_crc = ap_crc32c(0, index->p, index->len);
        aw_header_sign(h, chunks_crc, sec_crc, idx_crc);
    }
    size_t done = 0;
    e = s->io.pwrite(s->io.ctx, s->fd, h, sizeof h, 0, &done);
    if (!e && done != sizeof h)
        e = EIO;
    if (!e) /* Step 4. */
        e = s->io.fdatasync(s->io.ctx, s->fd);
    if (e) {
        /* The new header may be in the file (or become durable later): it
         * references [base, end), so no later commit may write there.  The
         * model stays at the last commit (W-COMMIT-3). */
        s->floor = end;
        st = aw_fail_io(err, e, "header write or its fdatasync failed");
        goto out;
    }
    apply(s, &p, base, NULL);
    s->crc_chunks = chunks_crc;
    s->crc_events = sec_crc;
    s->crc_index = idx_crc;
    s->crc_in_file = s->crc;
    s->index_off = idx_off;
    s->index_len = s->index.len;
    s->evt_off = evt_off;
    s->evt_len = aw_evt_section_len(s->n_evt, s->pool.len);
    s->extent = s->floor = end;
    /* W-COMMIT-4: drop a tail left by failed commits (harmless if it fails). */
    if (s->file_end > end && s->io.ftruncate(s->io.ctx, s->fd, end) == 0)
        s->file_end = end;
out:
    plan_free(s, &p);
    return st;
}
