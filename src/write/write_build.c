/*
 * write_build.c - the canonical builder (spec 8.3, W-CAN-1..4; v1 test files
 * per W-V1-1): validates content (W-EVT-2, W-EVT-3, W-EVT-4, W-IDX-2, W-HDR-2)
 * and streams its unique canonical bytes.
 */
#include "write_internal.h"

#include "../common/crc32c.h"

/* What validation computes once: key order and every size. */
typedef struct build_plan {
    size_t *order; /* kv indices in W-CAN-1 order */
    size_t order_bytes;
    uint64_t header; /* 128 (v2) or 64 (v1) */
    uint64_t chunk_end;
    uint64_t pool;    /* total payload bytes */
    uint64_t evt_len; /* 0 for v1 */
    uint64_t index_len;
    uint64_t size;
} build_plan;

static int kv_order_cmp(void *ctx, size_t x, size_t y)
{
    const acepack_kv *kv = ctx;
    return aw_key_canonical_cmp(kv[x].key, kv[x].key_len, kv[y].key, kv[y].key_len);
}

/* Length of one index member: "key":{"offset":O,"length":L} */
static uint64_t member_len(const acepack_kv *e, uint64_t offset)
{
    return aw_json_string_len(e->key, e->key_len) + 1u + 10u + aw_dec_len(offset) + 10u +
           aw_dec_len(e->value_len) + 1u;
}

static void plan_free(build_plan *p, const acepack_allocator *a)
{
    aw_free(a, p->order, p->order_bytes);
    p->order = NULL;
}

static acepack_status check_shape(const acepack_content *c, acepack_error *err)
{
    if (!c)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "content is NULL");
    if (c->format_version != 1 && c->format_version != 2)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "format_version must be 1 or 2");
    if ((c->kv_count > 0 && !c->kv) || (c->event_count > 0 && !c->events))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "kv or events array is NULL");
    if (c->format_version == 1 && (c->event_count > 0 || c->evt_base_id != 0))
        return aw_fail(err, ACEPACK_ARG, NULL, 0,
                       "a v1 file has no events and evt_base_id 0 (spec 6)");
    return ACEPACK_OK;
}

/* W-EVT-2, W-EVT-3 and W-EVT-4 for event i.  With payloads_checked the
 * caller has already checked every payload against R-PAY-1..3 (migration:
 * M-4 did, on the same bytes), so W-EVT-4 is not checked again. */
static acepack_status check_event(const acepack_event_in *ev, size_t i, int payloads_checked,
                                  acepack_error *err)
{
    return (payloads_checked ? aw_check_event_fields : aw_check_event)(
        ev->ts, ev->kind, ev->source, ev->flags, ev->payload, ev->payload_len, i, err);
}

static acepack_status plan_make(const acepack_content *c, const acepack_allocator *a,
                                int payloads_checked, build_plan *p, acepack_error *err)
{
    memset(p, 0, sizeof *p);
    acepack_status st = check_shape(c, err);
    if (st != ACEPACK_OK)
        return st;
    if (c->flags & AW_INCOMPATIBLE_FLAGS)
        return aw_fail(err, ACEPACK_UNSUPPORTED_FEATURE, "W-HDR-2", 0,
                       "content has an incompatible feature flag this writer does not implement");
    if (c->evt_base_id > AW_U32_MAX)
        return aw_fail(err, ACEPACK_INVALID, "W-HDR-1", 0, "evt_base_id does not fit a u32");
    if (aw_gt(c->event_count, AW_U32_MAX))
        return aw_fail(err, ACEPACK_UNSUPPORTED, "W-EVT-3", 0, "more than 2^32-1 events");
    if (aw_gt(c->kv_count, AW_U32_MAX))
        return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "more than 2^32-1 keys (spec 3.6)");

    p->header = c->format_version == 2 ? AW_HEADER_V2 : AW_HEADER_V1;
    uint64_t pos = p->header;
    for (size_t i = 0; i < c->kv_count; i++) {
        const acepack_kv *e = &c->kv[i];
        if ((e->key_len > 0 && !e->key) || (e->value_len > 0 && !e->value))
            return aw_fail(err, ACEPACK_ARG, NULL, i, "key or value pointer is NULL");
        if (acepack_utf8_check(e->key_len ? (const void *)e->key : "", e->key_len) != e->key_len)
            return aw_fail(err, ACEPACK_INVALID, "W-IDX-2", i, "key is not valid UTF-8");
        if (aw_gt(e->value_len, AW_U32_MAX))
            return aw_fail(err, ACEPACK_UNSUPPORTED, "W-CHK-1", i,
                           "value longer than 2^32-1 bytes");
        uint64_t chunk = 4u + (uint64_t)e->value_len;
        if (chunk > AW_MAX_SAFE - pos)
            return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, i, "file would exceed 2^53-1 bytes");
        pos += chunk;
    }
    p->chunk_end = pos;

    if (c->format_version == 2) {
        for (size_t i = 0; i < c->event_count; i++) {
            const acepack_event_in *ev = &c->events[i];
            st = check_event(ev, i, payloads_checked, err);
            if (st != ACEPACK_OK)
                return st;
            p->pool += ev->payload_len; /* each <= 2^32-1 and count <= 2^32-1: no overflow */
            if (p->pool > AW_U32_MAX)
                return aw_fail(err, ACEPACK_UNSUPPORTED, "W-EVT-3", i,
                               "payloads exceed 2^32-1 bytes (u32 pay_off)");
        }
        p->evt_len = aw_evt_section_len(c->event_count, p->pool);
        if (p->evt_len > AW_MAX_SAFE - pos)
            return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "file would exceed 2^53-1 bytes");
        pos += p->evt_len;
    }

    p->order_bytes = aw_mul(c->kv_count ? c->kv_count : 1, sizeof(size_t));
    p->order = p->order_bytes ? aw_malloc(a, p->order_bytes) : NULL;
    if (!p->order)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < c->kv_count; i++)
        p->order[i] = i;
    /* acepack_kv is const for the caller, the comparator only reads it. */
    void *kv_ctx;
    memcpy(&kv_ctx, &c->kv, sizeof kv_ctx);
    if (aw_sort(a, p->order, c->kv_count, kv_order_cmp, kv_ctx) != 0) {
        plan_free(p, a);
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    }

    /* W-IDX-2: equal keys are adjacent in the canonical order. */
    uint64_t idx = 2, off = p->header;
    for (size_t k = 0; k < c->kv_count; k++) {
        const acepack_kv *e = &c->kv[p->order[k]];
        if (k > 0) {
            const acepack_kv *prev = &c->kv[p->order[k - 1]];
            if (aw_bytes_cmp(prev->key, prev->key_len, e->key, e->key_len) == 0) {
                size_t later = p->order[k] > p->order[k - 1] ? p->order[k] : p->order[k - 1];
                plan_free(p, a);
                return aw_fail(err, ACEPACK_INVALID, "W-IDX-2", later, "duplicate key");
            }
            idx += 1; /* comma */
        }
        idx += member_len(e, off);
        off += 4u + (uint64_t)e->value_len;
        if (idx > AW_MAX_SAFE) {
            plan_free(p, a);
            return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "file would exceed 2^53-1 bytes");
        }
    }
    p->index_len = idx;
    if (idx > AW_MAX_SAFE - pos) {
        plan_free(p, a);
        return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "file would exceed 2^53-1 bytes");
    }
    p->size = pos + idx;
    return ACEPACK_OK;
}

/* crc: NULL for the canonical file, else the CRC32C of the chunk region,
 * the event section and the index: the checksummed canonical file (W-CRC-1:
 * flag bit 0 and bytes 64..79, no other byte differs). */
static void emit_header(aw_out *o, const acepack_content *c, const build_plan *p,
                        const uint32_t *crc)
{
    if (c->format_version == 2) {
        uint8_t h[128];
        aw_header_v2(h, p->chunk_end + p->evt_len, p->index_len, p->chunk_end, p->evt_len,
                     (uint32_t)c->event_count, (uint32_t)c->evt_base_id);
        if (crc != NULL)
            aw_header_sign(h, crc[0], crc[1], crc[2]);
        aw_out_put(o, h, sizeof h);
        return;
    }
    /* W-V1-1: magic, version 1, flags 0, index_offset, index_length, 32 zero bytes. */
    uint8_t h[64];
    static const uint8_t magic[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};
    memset(h, 0, sizeof h);
    memcpy(h, magic, 8);
    aw_put32(h + 8, 1);
    aw_put64(h + 16, p->chunk_end);
    aw_put64(h + 24, p->index_len);
    aw_out_put(o, h, sizeof h);
}

static void emit_events(aw_out *o, const acepack_content *c)
{
    size_t n = c->event_count;
    const acepack_event_in *ev = c->events;
    uint8_t blk[4096];
    size_t used;

    aw_out_u32(o, (uint32_t)n);
    used = 0;
    for (size_t i = 0; i < n; i++) {
        if (used + 8 > sizeof blk) {
            aw_out_put(o, blk, used);
            used = 0;
        }
        aw_put64(blk + used, ev[i].ts);
        used += 8;
    }
    aw_out_put(o, blk, used);
    /* kind, source, flags columns */
    for (int col = 0; col < 3; col++) {
        used = 0;
        for (size_t i = 0; i < n; i++) {
            if (used == sizeof blk) {
                aw_out_put(o, blk, used);
                used = 0;
            }
            uint32_t v = col == 0 ? ev[i].kind : (col == 1 ? ev[i].source : ev[i].flags);
            blk[used++] = (uint8_t)v;
        }
        aw_out_put(o, blk, used);
    }
    aw_out_zeros(o, aw_evt_pad(n));
    /* pay_off (packed pool, W-EVT-1), then pay_len */
    for (int col = 0; col < 2; col++) {
        uint32_t pos = 0;
        used = 0;
        for (size_t i = 0; i < n; i++) {
            if (used + 4 > sizeof blk) {
                aw_out_put(o, blk, used);
                used = 0;
            }
            uint32_t len = (uint32_t)ev[i].payload_len;
            aw_put32(blk + used, col == 0 ? pos : len);
            used += 4;
            pos += len;
        }
        aw_out_put(o, blk, used);
    }
    uint64_t pool = 0;
    for (size_t i = 0; i < n; i++)
        pool += ev[i].payload_len;
    aw_out_u32(o, (uint32_t)pool);
    for (size_t i = 0; i < n; i++)
        aw_out_put(o, ev[i].payload, ev[i].payload_len);
}

static void emit_index(aw_out *o, const acepack_content *c, const build_plan *p)
{
    aw_out_put(o, "{", 1);
    uint64_t off = p->header;
    for (size_t k = 0; k < c->kv_count; k++) {
        const acepack_kv *e = &c->kv[p->order[k]];
        if (k > 0)
            aw_out_put(o, ",", 1);
        aw_out_json_string(o, e->key, e->key_len);
        aw_out_put(o, ":{\"offset\":", 11);
        aw_out_dec(o, off);
        aw_out_put(o, ",\"length\":", 10);
        aw_out_dec(o, e->value_len);
        aw_out_put(o, "}", 1);
        off += 4u + (uint64_t)e->value_len;
    }
    aw_out_put(o, "}", 1);
}

/* Everything after the header: chunks, event section (v2), index. */
static void emit_body(aw_out *o, const acepack_content *c, const build_plan *p)
{
    for (size_t k = 0; k < c->kv_count; k++) { /* W-CAN-2: chunks in key order, no gaps */
        const acepack_kv *e = &c->kv[p->order[k]];
        aw_out_u32(o, (uint32_t)e->value_len);
        aw_out_put(o, e->value, e->value_len);
    }
    if (c->format_version == 2)
        emit_events(o, c); /* W-CAN-3 */
    emit_index(o, c, p);
}

/* An output without a staging buffer (no allocation): every piece goes
 * straight to the sink. */
static void out_unstaged(aw_out *o, aw_sink_fn sink, void *ctx, acepack_error *err)
{
    memset(o, 0, sizeof *o);
    o->sink = sink;
    o->ctx = ctx;
    o->status = ACEPACK_OK;
    o->err = err;
}

/* A sink that writes nothing and runs the CRC32C of each region over the
 * body's bytes, which start at file offset 128 and are contiguous in the
 * canonical file: [128, chunk_end), the event section, the index. */
typedef struct region_crc_sink {
    uint64_t pos, end[2]; /* end[0] = chunk_end, end[1] = the event section's end */
    uint32_t crc[3];
} region_crc_sink;

static acepack_status sink_region_crc(void *ctx, const void *p, size_t n, acepack_error *err)
{
    region_crc_sink *s = ctx;
    const uint8_t *b = p;
    (void)err;
    while (n > 0) {
        int r = s->pos < s->end[0] ? 0 : (s->pos < s->end[1] ? 1 : 2);
        uint64_t room = r < 2 ? s->end[r] - s->pos : UINT64_MAX;
        size_t k = (uint64_t)n < room ? n : (size_t)room;
        s->crc[r] = ap_crc32c(s->crc[r], b, k);
        s->pos += k;
        b += k;
        n -= k;
    }
    return ACEPACK_OK;
}

/* The header, then the body; with checksums (v2 only: W-V1-1) the body is
 * produced twice, first only for its CRCs, which the header must hold: the
 * file is streamed, so the header cannot be patched afterwards.  The first
 * pass needs no memory (no staging buffer). */
static acepack_status emit_all(aw_out *o, const acepack_content *c, const build_plan *p,
                               int checksums, acepack_error *err)
{
    region_crc_sink rs = {AW_HEADER_V2, {p->chunk_end, p->chunk_end + p->evt_len}, {0, 0, 0}};
    if (checksums && c->format_version == 2) {
        aw_out pass;
        out_unstaged(&pass, sink_region_crc, &rs, err);
        emit_body(&pass, c, p);
        acepack_status st = aw_out_flush(&pass);
        if (st != ACEPACK_OK)
            return st;
    }
    emit_header(o, c, p, checksums && c->format_version == 2 ? rs.crc : NULL);
    emit_body(o, c, p);
    return aw_out_flush(o);
}

static acepack_status build_stream(const acepack_content *c, const acepack_allocator *a,
                                   int payloads_checked, int checksums, aw_out *o,
                                   acepack_error *err)
{
    build_plan p;
    acepack_status st = plan_make(c, a, payloads_checked, &p, err);
    if (st != ACEPACK_OK)
        return st;
    st = emit_all(o, c, &p, checksums, err);
    plan_free(&p, a);
    return st;
}

acepack_status aw_build_stream(const acepack_content *c, const acepack_allocator *a, int checksums,
                               aw_out *o, acepack_error *err)
{
    return build_stream(c, a, 0, checksums, o, err);
}

acepack_status aw_build_stream_checked_payloads(const acepack_content *c,
                                                const acepack_allocator *a, aw_out *o,
                                                acepack_error *err)
{
    return build_stream(c, a, 1, 0, o, err); /* migration never sets bit 0 (M-9) */
}

acepack_status acepack_build_bound(const acepack_content *c, uint64_t *bound)
{
    if (!bound || check_shape(c, NULL) != ACEPACK_OK)
        return ACEPACK_ARG;
    /* Saturating sum: a bound of UINT64_MAX just means "too large". */
    uint64_t s = c->format_version == 2 ? AW_HEADER_V2 : AW_HEADER_V1;
    uint64_t index = 2;
#define AW_ADD(acc, v) ((acc) = (v) > UINT64_MAX - (acc) ? UINT64_MAX : (acc) + (v))
    for (size_t i = 0; i < c->kv_count; i++) {
        const acepack_kv *e = &c->kv[i];
        uint64_t chunk = 4u + (uint64_t)e->value_len;
        AW_ADD(s, chunk);
        /* comma + "key":{"offset":<16 digits>,"length":<digits>} */
        uint64_t m = 1u + aw_json_string_len(e->key, e->key_len) + 1u + 10u + 16u + 10u +
                     aw_dec_len(e->value_len) + 1u;
        AW_ADD(index, m);
    }
    if (c->format_version == 2) {
        uint64_t n = c->event_count, pool = 0;
        for (size_t i = 0; i < c->event_count; i++)
            AW_ADD(pool, (uint64_t)c->events[i].payload_len);
        uint64_t sec = n > (UINT64_MAX - 16u) / 19u ? UINT64_MAX : 8u + 19u * n + 3u;
        AW_ADD(s, sec);
        AW_ADD(s, pool);
    }
    AW_ADD(s, index);
#undef AW_ADD
    *bound = s;
    return ACEPACK_OK;
}

acepack_status acepack_build_size(const acepack_content *c, const acepack_allocator *alloc,
                                  uint64_t *size, acepack_error *err)
{
    if (!size || !aw_alloc_valid(alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    const acepack_allocator *a = aw_alloc_or_default(alloc);
    build_plan p;
    acepack_status st = plan_make(c, a, 0, &p, err);
    if (st != ACEPACK_OK)
        return st;
    *size = p.size;
    plan_free(&p, a);
    return ACEPACK_OK;
}

acepack_status acepack_build(const acepack_content *c, const acepack_allocator *alloc, void *buf,
                             size_t cap, size_t *written, acepack_error *err)
{
    if (!written || (!buf && cap > 0) || !aw_alloc_valid(alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    const acepack_allocator *a = aw_alloc_or_default(alloc);
    build_plan p;
    acepack_status st = plan_make(c, a, 0, &p, err);
    if (st != ACEPACK_OK)
        return st;
    if (p.size > (uint64_t)cap) {
        *written = p.size > (uint64_t)SIZE_MAX ? SIZE_MAX : (size_t)p.size;
        plan_free(&p, a);
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "buffer smaller than the file");
    }
    /* No staging buffer: every piece is copied straight into buf. */
    aw_mem_sink ms = {buf, 0, cap};
    aw_out o;
    out_unstaged(&o, aw_sink_mem, &ms, err);
    st = emit_all(&o, c, &p, 0, err);
    plan_free(&p, a);
    if (st == ACEPACK_OK)
        *written = ms.len;
    return st;
}

/* The canonical file of c through one buffered sink. */
static acepack_status build_to_sink(const acepack_content *c, const acepack_allocator *a,
                                    int checksums, aw_sink_fn sink, void *sink_ctx,
                                    acepack_error *err)
{
    aw_out o;
    acepack_status st = aw_out_init(&o, a, sink, sink_ctx, err);
    if (st != ACEPACK_OK)
        return st;
    st = aw_build_stream(c, a, checksums, &o, err);
    aw_out_free(&o);
    return st;
}

acepack_status acepack_build_write_opts(const acepack_content *c, const acepack_build_options *opts,
                                        const acepack_allocator *alloc, acepack_write_fn write,
                                        void *ctx, acepack_error *err)
{
    if (!write || !aw_alloc_valid(alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    aw_cb_sink cb = {write, ctx};
    return build_to_sink(c, aw_alloc_or_default(alloc), opts && opts->checksums, aw_sink_callback,
                         &cb, err);
}

acepack_status acepack_build_write(const acepack_content *c, const acepack_allocator *alloc,
                                   acepack_write_fn write, void *ctx, acepack_error *err)
{
    return acepack_build_write_opts(c, NULL, alloc, write, ctx, err);
}

acepack_status acepack_build_fd(const acepack_content *c, const acepack_allocator *alloc,
                                const acepack_io *io, int fd, acepack_error *err)
{
    if (fd < 0 || !aw_alloc_valid(alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    acepack_io fio;
    acepack_status st = aw_io_adopt(io, &fio, err);
    if (st != ACEPACK_OK)
        return st;
    aw_fd_sink fs = {&fio, fd, 0, 0};
    return build_to_sink(c, aw_alloc_or_default(alloc), 0, aw_sink_write, &fs, err);
}
