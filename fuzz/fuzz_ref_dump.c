/*
 * fuzz_ref_dump.c - the conformance dump (spec 11, D-1..D-7) rebuilt by the
 * harness from its own decoded keys and the event accessors it has already
 * checked against its own column decode.  acepack_dump must produce exactly
 * these bytes.
 */
#include <inttypes.h>
#include <string.h>

#include "fuzz_checks.h"
#include "fuzz_oracles.h"

static void put(fuzz_buf *out, const char *s)
{
    fuzz_buf_append(out, s, strlen(s));
}

static void put_u64(fuzz_buf *out, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRIu64, v);
    fuzz_buf_append(out, tmp, (size_t)n);
}

/* D-4 hex, then D-2's optional utf8 member with the D-5 escaping. */
static void put_bytes(fuzz_buf *out, const char *hex_name, const char *utf8_name, const uint8_t *p,
                      size_t n)
{
    static const char hex[] = "0123456789abcdef";
    put(out, ",\"");
    put(out, hex_name);
    put(out, "\":\"");
    for (size_t i = 0; i < n; i++) {
        char h[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        fuzz_buf_append(out, h, 2);
    }
    put(out, "\"");
    if (fuzz_ref_utf8_check(p, n) == n) {
        put(out, ",\"");
        put(out, utf8_name);
        put(out, "\":\"");
        fuzz_ref_json_escape(p, n, out);
        put(out, "\"");
    }
}

void fuzz_ref_dump(const acepack_reader *r, const fuzz_keys *k, fuzz_buf *out)
{
    put(out, "{\"format_version\":");
    put_u64(out, r->version);
    put(out, ",\"flags\":");
    put_u64(out, r->flags & ~UINT32_C(0x00010000)); /* D-3: bit 16 is placement (spec 3.7) */
    put(out, ",\"evt_base_id\":\"");
    put_u64(out, r->evt_base_id);
    put(out, "\",\"kv\":[");
    /* D-6: sorted by key bytes; `sorted` orders equal keys by position, so the
     * current (last) occurrence is the last of its run. */
    int first = 1;
    for (size_t s = 0; s < k->n; s++) {
        const fuzz_key *x = &k->v[k->sorted[s]];
        if (!x->current)
            continue;
        put(out, first ? "\n" : ",\n");
        first = 0;
        put(out, "{\"key\":\"");
        fuzz_ref_json_escape(x->dec, x->dec_len, out);
        put(out, "\"");
        acepack_span v = acepack_entry_value(r, &x->e);
        put_bytes(out, "value_hex", "value_utf8", v.ptr, v.len);
        put(out, "}");
    }
    put(out, first ? "]" : "\n]");
    put(out, ",\"events\":[");
    uint32_t n = acepack_event_count(r);
    for (uint32_t i = 0; i < n; i++) {
        acepack_event ev;
        FUZZ_ASSERT(acepack_event_get(r, i, &ev) == ACEPACK_OK);
        put(out, i == 0 ? "\n" : ",\n");
        put(out, "{\"id\":\"");
        put_u64(out, ev.id);
        put(out, "\",\"ts\":\"");
        put_u64(out, ev.ts);
        put(out, "\",\"kind\":");
        put_u64(out, ev.kind);
        put(out, ",\"source\":");
        put_u64(out, ev.source);
        put(out, ",\"flags\":");
        put_u64(out, ev.flags);
        put_bytes(out, "payload_hex", "payload_utf8", ev.payload.ptr, ev.payload.len);
        put(out, "}");
    }
    put(out, n == 0 ? "]" : "\n]");
    put(out, "}\n");
}

static int append_cb(void *ctx, const void *p, size_t n)
{
    fuzz_buf_append((fuzz_buf *)ctx, p, n);
    return 0;
}

acepack_status fuzz_run_dump(const acepack_reader *r, fuzz_buf *out, acepack_error *err)
{
    size_t ws = SIZE_MAX;
    FUZZ_ASSERT(acepack_dump_workspace_size(r, &ws) == ACEPACK_OK);
    void *mem = fuzz_malloc(ws);
    acepack_status st = acepack_dump(r, mem, ws, append_cb, out, err);
    free(mem);
    return st;
}
