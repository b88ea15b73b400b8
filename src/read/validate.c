/*
 * validate.c - the checks that acepack_open() leaves out because they read
 * every payload byte (R-PAY-1..3) or need memory per key (R-IDX-7, R-CHK-4),
 * and R-SEG-9 (chunks against segments), which goes with R-CHK-4.
 * All of them are strict-only rules (spec 7.1).
 */
#include "internal.h"

/* Overlap records: a = chunk start, b = chunk end, c = member offset. */
static int cmp_chunk(const ap_rec *x, const ap_rec *y, const void *ctx)
{
    (void)ctx;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->c < y->c ? -1 : x->c > y->c;
}

static acepack_status records_size(uint64_t n, size_t *size)
{
    if (n > ((uint64_t)SIZE_MAX - 8u) / sizeof(ap_rec))
        return ACEPACK_UNSUPPORTED;
    *size = (size_t)(n * sizeof(ap_rec) + 7u);
    return ACEPACK_OK;
}

acepack_status acepack_validate_workspace_size(const acepack_reader *r, unsigned what, size_t *size)
{
    size_t t, rec;
    if (r == NULL || size == NULL)
        return ACEPACK_ARG;
    *size = 0;
    if (r->profile != ACEPACK_STRICT || !(what & ACEPACK_CHECK_KEYS))
        return ACEPACK_OK;
    if (acepack_table_size(r, &t) != ACEPACK_OK || records_size(r->entry_count, &rec) != ACEPACK_OK)
        return ACEPACK_UNSUPPORTED;
    *size = t > rec ? t : rec;
    return ACEPACK_OK;
}

/* Segment by segment (spec 3.7): a view's accessors are O(1). */
static acepack_status check_payloads(const acepack_reader *r, acepack_error *err)
{
    uint32_t s, ns = acepack_event_segment_count(r);
    for (s = 0; s < ns; s++) {
        acepack_reader v;
        uint32_t i, n;
        acepack_event_segment(r, s, NULL, &v);
        n = v.event_count;
        for (i = 0; i < n; i++) {
            acepack_span p = acepack_event_payload(&v, i);
            acepack_error e;
            if (acepack_json_check(p.ptr, p.len, &e) != ACEPACK_OK)
                /* spec 7.2: the first byte of the payload at fault */
                return ap_fail(err, ACEPACK_INVALID, e.rule, ap_offset_in(r->data, p.ptr),
                               e.message);
        }
    }
    return ACEPACK_OK;
}

/* R-SEG-9: no chunk overlaps a segment.  Segments are in file order and do
 * not overlap (R-SEG-4), so each chunk needs a binary search for the last
 * segment starting before its end; no memory.  The reported entry is the
 * first at fault in the order of R-CHK-4 (start offset, then index order). */
static acepack_status check_segments_vs_chunks(const acepack_reader *r, acepack_error *err)
{
    acepack_index_iter it;
    acepack_entry e;
    uint64_t best_start = 0, best_member = 0;
    int found = 0;
    if (r->priv.seg_count == 0)
        return ACEPACK_OK;
    acepack_index_iter_init(&it, r);
    while (acepack_index_iter_next(&it, &e)) {
        uint64_t a = e.chunk_offset, b = e.chunk_offset + 4u + e.value_length;
        uint32_t lo = 0, hi = r->priv.seg_count; /* first segment with offset >= b */
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (ap_be64(r->priv.segs + 32 * (size_t)mid) < b)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > 0) { /* segment lo-1 starts before b: does it end after a? */
            const uint8_t *g = r->priv.segs + 32 * (size_t)(lo - 1);
            if (ap_be64(g) + ap_be64(g + 8) > a &&
                (!found || a < best_start || (a == best_start && e.entry_offset < best_member))) {
                found = 1;
                best_start = a;
                best_member = e.entry_offset;
            }
        }
    }
    if (found)
        return ap_fail(err, ACEPACK_INVALID, "R-SEG-9", best_member,
                       "the chunk of an index entry overlaps an event segment");
    return ACEPACK_OK;
}

static acepack_status overlap_fault(uint64_t entry_offset, acepack_error *err)
{
    return ap_fail(err, ACEPACK_INVALID, "R-CHK-4", entry_offset,
                   "chunks of two index entries overlap");
}

/* R-CHK-4 when the chunk starts do not decrease in index order (the usual
 * case: writers put the chunks in index order).  Entry offsets grow in index
 * order too, so index order is then the order of cmp_chunk, and one pass
 * without memory finds what the sorted scan below would find.  Returns 0 as
 * soon as a chunk starts before the previous one (nothing reported). */
static int check_overlap_in_order(const acepack_reader *r, acepack_status *st, acepack_error *err)
{
    acepack_index_iter it;
    acepack_entry e;
    uint64_t prev = 0, max_end = 0, fault = 0;
    int first = 1, found = 0;
    acepack_index_iter_init(&it, r);
    while (acepack_index_iter_next(&it, &e)) {
        if (!first && e.chunk_offset < prev)
            return 0;
        /* the first overlap is reported only once the whole index is known
         * to be in order: a chunk further on could sort before it */
        if (!first && !found && e.chunk_offset < max_end) {
            found = 1;
            fault = e.entry_offset;
        }
        if (e.chunk_offset + 4u + e.value_length > max_end)
            max_end = e.chunk_offset + 4u + e.value_length;
        prev = e.chunk_offset;
        first = 0;
    }
    *st = found ? overlap_fault(fault, err) : ACEPACK_OK;
    return 1;
}

static acepack_status check_overlap(const acepack_reader *r, void *ws, size_t ws_size,
                                    acepack_error *err)
{
    acepack_index_iter it;
    acepack_entry e;
    acepack_status st;
    ap_rec *v;
    size_t need, n = 0, i;
    uint64_t max_end = 0;
    if (records_size(r->entry_count, &need) != ACEPACK_OK)
        return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "workspace exceeds the address space");
    v = (ap_rec *)ap_align8(ws, ws_size, need - 7u);
    if (v == NULL && r->entry_count > 0)
        return ap_fail(err, ACEPACK_NOMEM, NULL, 0, "workspace too small for R-CHK-4");
    if (check_overlap_in_order(r, &st, err))
        return st;
    /* Any other order: sort the chunks by start (then entry offset). */
    acepack_index_iter_init(&it, r);
    /* entry_count members (acepack_dump's bound, dump.c) */
    while (n < r->entry_count && acepack_index_iter_next(&it, &e)) {
        v[n].a = e.chunk_offset;
        v[n].b = e.chunk_offset + 4u + e.value_length;
        v[n].c = e.entry_offset;
        v[n].d = 0;
        n++;
    }
    ap_heapsort(v, n, cmp_chunk, NULL);
    for (i = 0; i < n; i++) {
        if (i > 0 && v[i].a < max_end)
            return overlap_fault(v[i].c, err);
        if (v[i].b > max_end)
            max_end = v[i].b;
    }
    return ACEPACK_OK;
}

acepack_status acepack_validate(const acepack_reader *r, unsigned what, void *workspace,
                                size_t ws_size, acepack_error *err)
{
    acepack_status st;
    if (r == NULL)
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    if (r->profile != ACEPACK_STRICT)
        return ACEPACK_OK; /* R-PAY, R-IDX-7 and R-CHK-4 are strict rules */
    if (what & ACEPACK_CHECK_PAYLOADS) {
        if ((st = check_payloads(r, err)) != ACEPACK_OK)
            return st;
    }
    if (what & ACEPACK_CHECK_KEYS) {
        acepack_table t;
        size_t need;
        if ((st = acepack_validate_workspace_size(r, what, &need)) != ACEPACK_OK)
            return ap_fail(err, st, NULL, 0, "workspace exceeds the address space");
        if (ws_size < need)
            return ap_fail(err, ACEPACK_NOMEM, NULL, 0, "workspace too small for R-IDX-7/R-CHK-4");
        /* R-IDX-7: the table build reports strict duplicates. */
        if ((st = acepack_table_build(&t, r, workspace, ws_size, err)) != ACEPACK_OK)
            return st;
        if ((st = check_overlap(r, workspace, ws_size, err)) != ACEPACK_OK)
            return st;
        if ((st = check_segments_vs_chunks(r, err)) != ACEPACK_OK)
            return st;
    }
    return ACEPACK_OK;
}
