/*
 * fuzz_check_file.c - a whole opened reader, and a whole file under both
 * profiles (see fuzz_checks.h).
 */
#include <string.h>

#include "fuzz_checks.h"

/* Marks the entries whose chunk overlaps the chunk of an entry that starts
 * earlier (equal starts: an earlier member), which is the entry R-CHK-4
 * reports.  @return 1 when any two chunks overlap. */
static const fuzz_key *g_chunk_keys;
static int by_chunk_then_pos(const void *a, const void *b)
{
    const fuzz_key *x = &g_chunk_keys[*(const size_t *)a];
    const fuzz_key *y = &g_chunk_keys[*(const size_t *)b];
    if (x->e.chunk_offset != y->e.chunk_offset)
        return x->e.chunk_offset < y->e.chunk_offset ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static int mark_overlaps(const fuzz_keys *k, uint8_t *later)
{
    size_t *order = (size_t *)fuzz_malloc(sizeof(size_t) * k->n);
    for (size_t i = 0; i < k->n; i++)
        order[i] = i;
    g_chunk_keys = k->v;
    if (k->n > 1)
        qsort(order, k->n, sizeof(size_t), by_chunk_then_pos);
    g_chunk_keys = NULL;
    int any = 0;
    uint64_t max_end = 0;
    for (size_t s = 0; s < k->n; s++) {
        const fuzz_key *x = &k->v[order[s]];
        later[order[s]] = 0;
        if (s > 0 && x->e.chunk_offset < max_end) {
            later[order[s]] = 1;
            any = 1;
        }
        uint64_t end = x->e.chunk_offset + 4u + x->e.value_length;
        if (end > max_end)
            max_end = end;
    }
    free(order);
    return any;
}

static int offset_in(uint64_t off, const uint64_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == off)
            return 1;
    return 0;
}

static int append_cb(void *ctx, const void *p, size_t n)
{
    fuzz_buf_append((fuzz_buf *)ctx, p, n);
    return 0;
}

static int fail_cb(void *ctx, const void *p, size_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
    return 1;
}

/* R-SEG-9 (spec 3.7), decoded here: does the chunk of entry i overlap a
 * segment of the table?  O(keys x segments); `seg` marks the entries. */
static int mark_segment_overlaps(const acepack_reader *r, const fuzz_keys *k, uint8_t *seg)
{
    int any = 0;
    memset(seg, 0, k->n ? k->n : 1);
    if (r->version != 2 || !(r->flags & 0x00010000u))
        return 0;
    const uint8_t *t = r->data + (size_t)r->evt_offset;
    uint32_t s = fuzz_get_be32(t);
    for (size_t i = 0; i < k->n; i++) {
        uint64_t a = k->v[i].e.chunk_offset, b = a + 4u + k->v[i].e.value_length;
        for (uint32_t g = 0; g < s; g++) {
            uint64_t so = fuzz_get_be64(t + 8 + 32 * (size_t)g);
            uint64_t sl = fuzz_get_be64(t + 16 + 32 * (size_t)g);
            if (a < so + sl && so < b) {
                seg[i] = 1;
                any = 1;
            }
        }
    }
    return any;
}

static void check_validate(const acepack_reader *r, const fuzz_keys *k,
                           const fuzz_events_report *ev, fuzz_reader_report *rep)
{
    const int strict = r->profile == ACEPACK_STRICT;
    size_t ws_all = SIZE_MAX, ws_keys = SIZE_MAX, ws_pay = SIZE_MAX;
    FUZZ_ASSERT(acepack_validate_workspace_size(r, ACEPACK_CHECK_ALL, &ws_all) == ACEPACK_OK);
    FUZZ_ASSERT(acepack_validate_workspace_size(r, ACEPACK_CHECK_KEYS, &ws_keys) == ACEPACK_OK);
    FUZZ_ASSERT(acepack_validate_workspace_size(r, ACEPACK_CHECK_PAYLOADS, &ws_pay) == ACEPACK_OK);
    FUZZ_ASSERT_MSG(ws_pay == 0, "payload checks need no workspace");
    FUZZ_ASSERT(ws_all >= ws_keys);
    if (!strict)
        FUZZ_ASSERT_MSG(ws_all == 0, "compat validation needs no workspace");

    uint8_t *later = (uint8_t *)fuzz_malloc(k->n);
    const int overlap = strict && mark_overlaps(k, later);
    const int dup = strict && k->has_dup;
    const int bad_pay = strict && ev->bad_payloads > 0;
    uint8_t *on_seg = (uint8_t *)fuzz_malloc(k->n ? k->n : 1);
    const int segov = strict && mark_segment_overlaps(r, k, on_seg);

    acepack_error err;
    memset(&err, 0, sizeof err);
    void *ws = fuzz_malloc(ws_all);
    acepack_status st = acepack_validate(r, ACEPACK_CHECK_ALL, ws, ws_all, &err);
    rep->validate = st;
    if (st == ACEPACK_OK) {
        FUZZ_ASSERT_MSG(!dup, "validate accepted a duplicate key (R-IDX-7)");
        FUZZ_ASSERT_MSG(!overlap, "validate accepted overlapping chunks (R-CHK-4)");
        FUZZ_ASSERT_MSG(!bad_pay, "validate accepted a bad payload (R-PAY-1..3)");
        FUZZ_ASSERT_MSG(!segov, "validate accepted a chunk overlapping a segment (R-SEG-9)");
    } else {
        FUZZ_ASSERT(st == ACEPACK_INVALID && err.status == st);
        FUZZ_ASSERT(err.rule != NULL && err.message != NULL);
        if (strcmp(err.rule, "R-IDX-7") == 0) {
            FUZZ_ASSERT_MSG(dup && err.offset == k->first_dup_offset, "R-IDX-7 verdict/offset");
        } else if (strcmp(err.rule, "R-CHK-4") == 0) {
            FUZZ_ASSERT_MSG(overlap, "R-CHK-4 without overlapping chunks");
            int found = 0;
            for (size_t i = 0; i < k->n; i++)
                if (later[i] && k->v[i].e.entry_offset == err.offset)
                    found = 1;
            FUZZ_ASSERT_MSG(found, "R-CHK-4 offset is not a later-starting overlapping entry");
        } else if (strcmp(err.rule, "R-SEG-9") == 0) {
            int found = 0;
            for (size_t i = 0; i < k->n; i++)
                if (on_seg[i] && k->v[i].e.entry_offset == err.offset)
                    found = 1;
            FUZZ_ASSERT_MSG(segov && found, "R-SEG-9 offset is not an entry overlapping a segment");
        } else {
            FUZZ_ASSERT_MSG(strncmp(err.rule, "R-PAY-", 6) == 0,
                            "validate cites an unexpected rule");
            FUZZ_ASSERT_MSG(bad_pay && offset_in(err.offset, ev->bad_offsets, ev->bad_payloads),
                            "R-PAY offset is not the first byte of a payload json_check rejects");
        }
    }

    /* The parts one at a time, and a workspace one byte short. */
    acepack_status sp = acepack_validate(r, ACEPACK_CHECK_PAYLOADS, NULL, 0, &err);
    FUZZ_ASSERT(sp == (bad_pay ? ACEPACK_INVALID : ACEPACK_OK));
    acepack_status sk = acepack_validate(r, ACEPACK_CHECK_KEYS, ws, ws_keys, &err);
    FUZZ_ASSERT(sk == ((dup || overlap || segov) ? ACEPACK_INVALID : ACEPACK_OK));
    if (ws_keys > 0) {
        /* One byte short: NOMEM, or (alignment slack) the same verdict. */
        void *small = fuzz_malloc(ws_keys - 1);
        acepack_status s1 = acepack_validate(r, ACEPACK_CHECK_KEYS, small, ws_keys - 1, &err);
        FUZZ_ASSERT(s1 == ACEPACK_NOMEM || s1 == sk);
        free(small);
    }
    FUZZ_ASSERT(acepack_validate(r, 0, NULL, 0, &err) == ACEPACK_OK);
    FUZZ_ASSERT((st == ACEPACK_OK) == (sp == ACEPACK_OK && sk == ACEPACK_OK));
    free(ws);
    free(later);
    free(on_seg);
}

static void check_dump(const acepack_reader *r, const fuzz_keys *k, fuzz_reader_report *rep)
{
    acepack_error err;
    memset(&err, 0, sizeof err);
    rep->dump = fuzz_run_dump(r, &rep->dump_text, &err);
    const int dup = r->profile == ACEPACK_STRICT && k->has_dup;
    if (dup) {
        FUZZ_ASSERT_MSG(rep->dump == ACEPACK_INVALID, "strict dump of a file with a duplicate key");
        FUZZ_ASSERT(err.rule != NULL && strcmp(err.rule, "R-IDX-7") == 0);
        FUZZ_ASSERT(err.offset == k->first_dup_offset);
    } else {
        FUZZ_ASSERT_MSG(rep->dump == ACEPACK_OK, "dump failed on an opened file");
        fuzz_buf ref = {0};
        fuzz_ref_dump(r, k, &ref);
        FUZZ_ASSERT_MSG(fuzz_buf_equal(&ref, &rep->dump_text),
                        "acepack_dump differs from the dump rebuilt from spec 11");
        fuzz_buf_free(&ref);
    }

    /* A failing callback stops the dump; a short workspace is NOMEM. */
    size_t ws = 0;
    FUZZ_ASSERT(acepack_dump_workspace_size(r, &ws) == ACEPACK_OK);
    void *mem = fuzz_malloc(ws);
    acepack_status st = acepack_dump(r, mem, ws, fail_cb, NULL, &err);
    FUZZ_ASSERT(st == ACEPACK_CALLBACK || (dup && st == ACEPACK_INVALID));
    free(mem);
    if (ws > 0) {
        /* One byte short: NOMEM, or (alignment slack) the same dump. */
        void *small = fuzz_malloc(ws - 1);
        fuzz_buf sink = {0};
        acepack_status s1 = acepack_dump(r, small, ws - 1, append_cb, &sink, &err);
        FUZZ_ASSERT(s1 == ACEPACK_NOMEM || s1 == rep->dump);
        if (s1 == ACEPACK_OK)
            FUZZ_ASSERT(fuzz_buf_equal(&sink, &rep->dump_text));
        fuzz_buf_free(&sink);
        free(small);
    }
}

/* Edges of the API on an opened reader: bounds of acepack_value, caller
 * memory far too small (the one-byte-short checks may fit in alignment
 * slack), NULL arguments where the header documents ACEPACK_ARG. */
static void check_api_edges(const acepack_reader *r)
{
    const size_t size = r->size;
    acepack_span s;
    acepack_error err;
    FUZZ_ASSERT(acepack_value(r, (uint64_t)size, 0, &s) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_value(r, UINT64_MAX, 0, &s) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_value(r, 0, UINT64_MAX, &s) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_value(r, (uint64_t)size - 4u, 1, &s) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_value(r, (uint64_t)size - 4u, 0, &s) == ACEPACK_OK);
    FUZZ_ASSERT(s.ptr == r->data + size && s.len == 0);

    acepack_table t;
    uint8_t one[1];
    FUZZ_ASSERT(acepack_table_build(&t, r, one, 0, &err) == ACEPACK_NOMEM);
    FUZZ_ASSERT(acepack_table_build(NULL, r, one, 0, &err) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_table_build(&t, NULL, one, 0, &err) == ACEPACK_ARG);
    size_t ws = 0;
    FUZZ_ASSERT(acepack_dump_workspace_size(r, &ws) == ACEPACK_OK);
    if (ws > 0)
        FUZZ_ASSERT(acepack_dump(r, one, 0, fail_cb, NULL, &err) == ACEPACK_NOMEM);
    FUZZ_ASSERT(acepack_dump(r, NULL, 0, NULL, NULL, &err) == ACEPACK_ARG);
    FUZZ_ASSERT(acepack_validate_workspace_size(r, ACEPACK_CHECK_KEYS, &ws) == ACEPACK_OK);
    if (ws > 0)
        FUZZ_ASSERT(acepack_validate(r, ACEPACK_CHECK_KEYS, one, 0, &err) == ACEPACK_NOMEM);
    FUZZ_ASSERT(acepack_validate(NULL, ACEPACK_CHECK_ALL, NULL, 0, &err) == ACEPACK_ARG);
}

void fuzz_check_reader(const acepack_reader *r, fuzz_reader_report *rep)
{
    memset(rep, 0, sizeof *rep);
    fuzz_check_header(r, r->data, r->size);
    fuzz_events_report ev;
    fuzz_check_events(r, &ev);
    fuzz_keys k;
    fuzz_collect_keys(r, &k);
    rep->table = fuzz_check_table(r, &k);
    check_validate(r, &k, &ev, rep);
    check_dump(r, &k, rep);
    check_api_edges(r);
    fuzz_keys_free(&k);
    fuzz_events_report_free(&ev);
}

void fuzz_reader_report_free(fuzz_reader_report *rep)
{
    fuzz_buf_free(&rep->dump_text);
}

/* Tail bytes (spec 3.5) change neither the verdict nor the content. */
static void check_tail(const uint8_t *data, size_t size, acepack_profile profile,
                       const fuzz_reader_report *orig)
{
    static const uint8_t tail[3] = {0x00, 0x7B, 0xFF};
    uint8_t *copy = (uint8_t *)fuzz_malloc(size + sizeof tail);
    memcpy(copy, data, size);
    memcpy(copy + size, tail, sizeof tail);
    acepack_reader r;
    acepack_error err;
    FUZZ_ASSERT_MSG(acepack_open(&r, copy, size + sizeof tail, profile, &err) == ACEPACK_OK,
                    "appending tail bytes made an accepted file invalid");
    fuzz_buf d = {0};
    FUZZ_ASSERT(fuzz_run_dump(&r, &d, &err) == orig->dump);
    if (orig->dump == ACEPACK_OK)
        FUZZ_ASSERT_MSG(fuzz_buf_equal(&d, &orig->dump_text), "tail bytes changed the content");
    size_t ws = 0;
    FUZZ_ASSERT(acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &ws) == ACEPACK_OK);
    void *mem = fuzz_malloc(ws);
    FUZZ_ASSERT(acepack_validate(&r, ACEPACK_CHECK_ALL, mem, ws, &err) == orig->validate);
    free(mem);
    fuzz_buf_free(&d);
    free(copy);
}

int fuzz_check_file(const uint8_t *data, size_t size)
{
    acepack_reader rs, rc;
    acepack_error es, ec;
    memset(&es, 0, sizeof es);
    memset(&ec, 0, sizeof ec);
    fuzz_reader_report ps, pc;
    memset(&ps, 0, sizeof ps);
    memset(&pc, 0, sizeof pc);

    acepack_status st_s = acepack_open(&rs, data, size, ACEPACK_STRICT, &es);
    if (st_s == ACEPACK_OK) {
        fuzz_check_reader(&rs, &ps);
        check_tail(data, size, ACEPACK_STRICT, &ps);
    } else {
        fuzz_check_open_error(st_s, &es, size, ACEPACK_STRICT);
    }
    acepack_status st_c = acepack_open(&rc, data, size, ACEPACK_COMPAT, &ec);
    if (st_c == ACEPACK_OK) {
        fuzz_check_reader(&rc, &pc);
        check_tail(data, size, ACEPACK_COMPAT, &pc);
    } else {
        fuzz_check_open_error(st_c, &ec, size, ACEPACK_COMPAT);
    }

    /* Spec 1.4: compat accepts what strict accepts, with the same content. */
    if (st_s == ACEPACK_OK) {
        FUZZ_ASSERT_MSG(st_c == ACEPACK_OK, "strict opened a file that compat rejects (spec 1.4)");
        if (ps.dump == ACEPACK_OK)
            FUZZ_ASSERT_MSG(pc.dump == ACEPACK_OK && fuzz_buf_equal(&ps.dump_text, &pc.dump_text),
                            "strict and compat give different content (spec 1.4)");
    }
    int valid = st_s == ACEPACK_OK && ps.validate == ACEPACK_OK && ps.dump == ACEPACK_OK;
    fuzz_reader_report_free(&ps);
    fuzz_reader_report_free(&pc);
    return valid;
}
