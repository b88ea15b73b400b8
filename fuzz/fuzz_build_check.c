/*
 * fuzz_build_check.c - see fuzz_build_check.h.
 */
#include <string.h>

#include "fuzz_build_check.h"
#include "fuzz_oracles.h"

void fuzz_content_from_reader(const acepack_reader *r, fuzz_content *out)
{
    memset(out, 0, sizeof *out);
    fuzz_collect_keys(r, &out->keys);
    const fuzz_keys *k = &out->keys;
    out->kv = (acepack_kv *)fuzz_malloc(sizeof(acepack_kv) * (k->distinct ? k->distinct : 1));
    size_t n = 0;
    for (size_t i = 0; i < k->n; i++) {
        const fuzz_key *x = &k->v[i];
        if (!x->current)
            continue;
        acepack_span v = acepack_entry_value(r, &x->e);
        out->kv[n].key = x->dec;
        out->kv[n].key_len = x->dec_len;
        out->kv[n].value = v.ptr;
        out->kv[n].value_len = v.len;
        n++;
    }
    FUZZ_ASSERT(n == k->distinct);
    uint32_t ne = acepack_event_count(r);
    out->ev = (acepack_event_in *)fuzz_malloc(sizeof(acepack_event_in) * (ne ? ne : 1));
    for (uint32_t i = 0; i < ne; i++) {
        acepack_event e;
        FUZZ_ASSERT(acepack_event_get(r, i, &e) == ACEPACK_OK);
        out->ev[i].ts = e.ts;
        out->ev[i].kind = e.kind;
        out->ev[i].source = e.source;
        out->ev[i].flags = e.flags;
        out->ev[i].payload = e.payload.ptr;
        out->ev[i].payload_len = e.payload.len;
    }
    out->c.format_version = r->version;
    out->c.flags =
        r->flags & ~UINT32_C(0x00010000); /* bit 16 is placement, not content (spec 3.7) */
    out->c.evt_base_id = r->evt_base_id;
    out->c.kv = out->kv;
    out->c.kv_count = n;
    out->c.events = out->ev;
    out->c.event_count = ne;
}

void fuzz_content_free(fuzz_content *fc)
{
    free(fc->kv);
    free(fc->ev);
    fuzz_keys_free(&fc->keys);
    memset(fc, 0, sizeof *fc);
}

static int append_cb(void *ctx, const void *p, size_t n)
{
    fuzz_buf_append((fuzz_buf *)ctx, p, n);
    return 0;
}

static int key_ok(const acepack_kv *kv)
{
    return fuzz_ref_utf8_check(kv->key, kv->key_len) == kv->key_len;
}

static int key_is_dup(const acepack_content *c, size_t i)
{
    for (size_t j = 0; j < c->kv_count; j++)
        if (j != i && fuzz_ref_bytes_compare(c->kv[i].key, c->kv[i].key_len, c->kv[j].key,
                                             c->kv[j].key_len) == 0)
            return 1;
    return 0;
}

static int event_range_ok(const acepack_event_in *e)
{
    return e->ts <= FUZZ_MAX53 && e->kind <= 255 && e->source <= 255 && e->flags <= 255;
}

static int payload_ok(const acepack_event_in *e)
{
    acepack_error je;
    return acepack_json_check(e->payload, e->payload_len, &je) == ACEPACK_OK;
}

int fuzz_content_writable(const acepack_content *c)
{
    if (c->flags & 0xFFFF0000u)
        return 0;
    if (c->evt_base_id > UINT32_MAX)
        return 0;
    if (c->format_version == 1) {
        if (c->event_count != 0 || c->evt_base_id != 0)
            return 0;
    } else if (c->format_version != 2) {
        return 0;
    }
    for (size_t i = 0; i < c->kv_count; i++)
        if (!key_ok(&c->kv[i]) || key_is_dup(c, i))
            return 0;
    for (size_t i = 0; i < c->event_count; i++)
        if (!event_range_ok(&c->events[i]) || !payload_ok(&c->events[i]))
            return 0;
    return 1;
}

void fuzz_check_build_refusal(const acepack_content *c, acepack_status st, const acepack_error *err)
{
    FUZZ_ASSERT_MSG(!fuzz_content_writable(c), "the builder refused writable content");
    FUZZ_ASSERT(st != ACEPACK_OK && err->status == st);
    const char *rule = err->rule ? err->rule : "";
    if (strcmp(rule, "W-HDR-2") == 0) {
        FUZZ_ASSERT(st == ACEPACK_UNSUPPORTED_FEATURE && (c->flags & 0xFFFF0000u));
    } else if (strcmp(rule, "W-IDX-2") == 0) {
        FUZZ_ASSERT(st == ACEPACK_INVALID && err->offset < c->kv_count);
        size_t i = (size_t)err->offset;
        FUZZ_ASSERT_MSG(!key_ok(&c->kv[i]) || key_is_dup(c, i),
                        "W-IDX-2 names a valid, unique key");
    } else if (strcmp(rule, "W-EVT-2") == 0) {
        FUZZ_ASSERT(st == ACEPACK_INVALID && err->offset < c->event_count);
        FUZZ_ASSERT_MSG(!event_range_ok(&c->events[(size_t)err->offset]),
                        "W-EVT-2 names an event whose fields are in range");
    } else if (strcmp(rule, "W-EVT-4") == 0) {
        FUZZ_ASSERT(st == ACEPACK_INVALID && err->offset < c->event_count);
        FUZZ_ASSERT_MSG(!payload_ok(&c->events[(size_t)err->offset]),
                        "W-EVT-4 names a payload that satisfies R-PAY-1..3");
    } else {
        /* Not a rule of the bytes: an argument the builder does not take
         * (version, evt_base_id range, a v1 content with events). */
        const int arg_fault =
            c->evt_base_id > UINT32_MAX || (c->format_version != 1 && c->format_version != 2) ||
            (c->format_version == 1 && (c->event_count != 0 || c->evt_base_id != 0));
        FUZZ_ASSERT_MSG(arg_fault, "builder refusal without a writer rule");
    }
}

static void same_error(acepack_status a, const acepack_error *ea, acepack_status b,
                       const acepack_error *eb)
{
    FUZZ_ASSERT(a == b);
    FUZZ_ASSERT((ea->rule == NULL) == (eb->rule == NULL));
    if (ea->rule)
        FUZZ_ASSERT(strcmp(ea->rule, eb->rule) == 0 && ea->offset == eb->offset);
}

static int fail_after_cb(void *ctx, const void *p, size_t n)
{
    (void)p;
    size_t *left = (size_t *)ctx;
    if (n > *left)
        return 1;
    *left -= n;
    return 0;
}

acepack_status fuzz_build(const acepack_content *c, size_t short_cap, uint8_t **out, size_t *size,
                          acepack_error *err)
{
    *out = NULL;
    *size = 0;
    uint64_t bound = 0, exact = 0;
    acepack_status sb = acepack_build_bound(c, &bound);
    FUZZ_ASSERT(sb == ACEPACK_OK || sb == ACEPACK_ARG);
    memset(err, 0, sizeof *err);
    acepack_status st = acepack_build_size(c, NULL, &exact, err);

    fuzz_buf streamed = {0};
    acepack_error e2;
    memset(&e2, 0, sizeof e2);
    acepack_status sw = acepack_build_write(c, NULL, append_cb, &streamed, &e2);

    if (st != ACEPACK_OK) {
        same_error(st, err, sw, &e2);
        FUZZ_ASSERT_MSG(streamed.len == 0, "build_write wrote output for refused content");
        uint8_t one[1];
        size_t written = 0;
        acepack_error e3;
        memset(&e3, 0, sizeof e3);
        same_error(st, err, acepack_build(c, NULL, one, sizeof one, &written, &e3), &e3);
        fuzz_buf_free(&streamed);
        return st;
    }
    FUZZ_ASSERT(sb == ACEPACK_OK && exact <= bound);
    FUZZ_ASSERT(exact >= 128 || (c->format_version == 1 && exact >= 64));
    FUZZ_ASSERT(exact <= SIZE_MAX);
    size_t n = (size_t)exact;

    uint8_t *buf = (uint8_t *)fuzz_malloc(n);
    size_t written = 0;
    FUZZ_ASSERT(acepack_build(c, NULL, buf, n, &written, err) == ACEPACK_OK && written == n);
    FUZZ_ASSERT(sw == ACEPACK_OK && streamed.len == n && memcmp(streamed.ptr, buf, n) == 0);
    fuzz_buf_free(&streamed);

    /* Destinations too small: NOMEM, the size needed, and (ASan) nothing
     * written past the cap. */
    size_t caps[2] = {n - 1, short_cap < n ? short_cap : n - 1};
    for (int i = 0; i < 2; i++) {
        uint8_t *small = (uint8_t *)fuzz_malloc(caps[i]);
        size_t w = 0;
        acepack_error e4;
        FUZZ_ASSERT(acepack_build(c, NULL, small, caps[i], &w, &e4) == ACEPACK_NOMEM);
        FUZZ_ASSERT_MSG(w == n, "NOMEM without the size needed");
        free(small);
    }
    /* A writer callback that fails part way: CALLBACK. */
    size_t left = short_cap < n ? short_cap : n - 1;
    acepack_error e5;
    FUZZ_ASSERT(acepack_build_write(c, NULL, fail_after_cb, &left, &e5) == ACEPACK_CALLBACK);

    *out = buf;
    *size = n;
    return ACEPACK_OK;
}

void fuzz_check_canonical(const uint8_t *bytes, size_t size, fuzz_buf *dump)
{
    FUZZ_ASSERT_MSG(fuzz_check_file(bytes, size) == 1, "writer output is not strict-valid");
    acepack_reader r;
    acepack_error err;
    FUZZ_ASSERT(acepack_open(&r, bytes, size, ACEPACK_STRICT, &err) == ACEPACK_OK);
    FUZZ_ASSERT_MSG(r.flags == 0, "W-CAN-4: canonical flags word is 0");
    fuzz_content fc;
    fuzz_content_from_reader(&r, &fc);
    uint8_t *again = NULL;
    size_t again_n = 0;
    FUZZ_ASSERT(fuzz_build(&fc.c, size / 2, &again, &again_n, &err) == ACEPACK_OK);
    FUZZ_ASSERT_MSG(again_n == size && memcmp(again, bytes, size) == 0,
                    "canonical bytes are not idempotent: build(read(build(x))) != build(x)");
    free(again);
    fuzz_content_free(&fc);
    if (dump)
        FUZZ_ASSERT(fuzz_run_dump(&r, dump, &err) == ACEPACK_OK);
}
