/*
 * fuzz_writer.c - the writer API driven by the input bytes.
 *
 * The last input byte picks the mode (fuzz_data_producer.h):
 *  - even: DUMP mode.  The rest of the input is a conformance dump text for
 *    acepack_dump_parse (the `adapter write` input).  A text it accepts is
 *    content: the builder writes it (or refuses with a named fault), and the
 *    output's dump must be the input text again (with "flags":0, W-CAN-4),
 *    because a dump has exactly one form (spec 11).  A rejected text cites a
 *    D-* rule (or W-IDX-2: a duplicate or non-Unicode key) and an offset
 *    inside the text.
 *  - odd: CONTENT mode.  Parameters from the end of the input build an
 *    acepack_content: up to 8 keys and values and up to 6 events cut from the
 *    front of the input (keys may be invalid UTF-8 or repeated; ts, kind,
 *    source, flags may be out of range; payloads are input bytes, "{}", or
 *    input bytes inside {"p":...}), a flags word and evt_base_id.  The
 *    builder must write exactly the writable contents (fuzz_content_writable)
 *    and refuse the others naming the fault.  Output checks: strict-valid,
 *    canonical (idempotent), every key found with its value, every event as
 *    given with id evt_base_id + i + 1.  Destinations are small on purpose:
 *    a cap picked by the input (NOMEM, nothing written past it) and a write
 *    callback that fails part way (CALLBACK).
 */
#include <string.h>

#include "fuzz_build_check.h"
#include "fuzz_data_producer.h"

static void dump_mode(const uint8_t *text, size_t n, fuzz_dp *dp)
{
    acepack_parsed_dump pd;
    acepack_error err;
    memset(&pd, 0, sizeof pd);
    memset(&err, 0, sizeof err);
    acepack_status st = acepack_dump_parse(text, n, NULL, &pd, &err);
    if (st != ACEPACK_OK) {
        FUZZ_ASSERT(st == ACEPACK_INVALID);
        /* D-1..D-7, or W-IDX-2 for a key that is not Unicode text. */
        FUZZ_ASSERT_MSG(err.rule && ((err.rule[0] == 'D' && err.rule[1] == '-') ||
                                     strcmp(err.rule, "W-IDX-2") == 0),
                        "dump_parse rejection without a D-* / W-IDX-2 rule");
        FUZZ_ASSERT(err.offset <= n);
        return;
    }
    const acepack_content *c = &pd.content;
    uint8_t *out = NULL;
    size_t out_n = 0;
    st = fuzz_build(c, fuzz_dp_range(dp, 0, 4096), &out, &out_n, &err);
    if (st != ACEPACK_OK) {
        fuzz_check_build_refusal(c, st, &err);
        acepack_parsed_dump_free(&pd);
        return;
    }
    FUZZ_ASSERT_MSG(fuzz_content_writable(c), "the builder wrote content it must refuse");
    fuzz_buf got = {0};
    fuzz_check_canonical(out, out_n, &got);
    /* The expected text: the input with its flags number replaced by 0. */
    fuzz_buf want = {0};
    char pre[64];
    int pn = snprintf(pre, sizeof pre, "{\"format_version\":%u,\"flags\":%u,",
                      (unsigned)c->format_version, (unsigned)c->flags);
    FUZZ_ASSERT(pn > 0 && (size_t)pn <= n && memcmp(text, pre, (size_t)pn) == 0);
    char pre0[64];
    int p0 = snprintf(pre0, sizeof pre0, "{\"format_version\":%u,\"flags\":0,",
                      (unsigned)c->format_version);
    fuzz_buf_append(&want, pre0, (size_t)p0);
    fuzz_buf_append(&want, text + pn, n - (size_t)pn);
    FUZZ_ASSERT_MSG(fuzz_buf_equal(&got, &want), "dump(build(parse(text))) != text");
    fuzz_buf_free(&want);
    fuzz_buf_free(&got);
    free(out);
    acepack_parsed_dump_free(&pd);
}

/* Cuts up to max bytes from the front of the remaining input. */
static const uint8_t *cut(const uint8_t **front, size_t *left, size_t want, size_t *got)
{
    if (want > *left)
        want = *left;
    const uint8_t *p = *front;
    *front += want;
    *left -= want;
    *got = want;
    return p;
}

static uint64_t wide(fuzz_dp *dp)
{
    uint64_t hi = fuzz_dp_u32(dp);
    uint64_t lo = fuzz_dp_u32(dp);
    return hi << 32 | lo;
}

static void content_mode(fuzz_dp *dp)
{
    acepack_kv kv[8];
    acepack_event_in ev[6];
    fuzz_buf wrapped[6];
    memset(wrapped, 0, sizeof wrapped);
    acepack_content c;
    memset(&c, 0, sizeof c);

    uint32_t shape = fuzz_dp_range(dp, 0, 255);
    c.format_version = (shape & 0x7u) == 0 ? 1u : 2u;
    c.flags = (shape & 0x18u) == 0x18u ? fuzz_dp_u32(dp) : ((shape & 0x8u) ? 1u : 0u);
    c.evt_base_id = (shape & 0x20u) ? fuzz_dp_u32(dp) : 0u;
    if ((shape & 0xC0u) == 0xC0u)
        c.evt_base_id += UINT64_C(0x100000000);
    c.kv_count = fuzz_dp_range(dp, 0, 8);
    c.event_count = c.format_version == 1 && fuzz_dp_bool(dp) ? 0 : fuzz_dp_range(dp, 0, 6);

    /* Lengths and numbers first (from the end), then bytes from the front. */
    size_t key_len[8], val_len[6 + 8];
    for (size_t i = 0; i < c.kv_count; i++) {
        key_len[i] = fuzz_dp_range(dp, 0, 12);
        val_len[i] = fuzz_dp_range(dp, 0, 40);
    }
    uint32_t pay_mode[6];
    size_t pay_len[6];
    for (size_t i = 0; i < c.event_count; i++) {
        uint32_t ts_mode = fuzz_dp_range(dp, 0, 3);
        ev[i].ts = ts_mode == 0   ? fuzz_dp_u32(dp)
                   : ts_mode == 1 ? FUZZ_MAX53 - fuzz_dp_range(dp, 0, 1) + fuzz_dp_range(dp, 0, 1)
                   : ts_mode == 2 ? wide(dp)
                                  : UINT64_C(1700000000000);
        ev[i].kind = fuzz_dp_range(dp, 0, 256);
        ev[i].source = fuzz_dp_range(dp, 0, 256);
        ev[i].flags = fuzz_dp_bool(dp) ? fuzz_dp_range(dp, 0, 300) : 0;
        pay_mode[i] = fuzz_dp_range(dp, 0, 2);
        pay_len[i] = fuzz_dp_range(dp, 0, 64);
    }
    size_t short_cap = fuzz_dp_range(dp, 0, 1024);

    const uint8_t *front = fuzz_dp_rest(dp);
    size_t left = fuzz_dp_remaining(dp);
    for (size_t i = 0; i < c.kv_count; i++) {
        kv[i].key = cut(&front, &left, key_len[i], &kv[i].key_len);
        kv[i].value = cut(&front, &left, val_len[i], &kv[i].value_len);
    }
    for (size_t i = 0; i < c.event_count; i++) {
        size_t got = 0;
        const uint8_t *p = cut(&front, &left, pay_len[i], &got);
        if (pay_mode[i] == 0) {
            ev[i].payload = p;
            ev[i].payload_len = got;
        } else {
            fuzz_buf_append(&wrapped[i],
                            pay_mode[i] == 1 ? "{" : "{\"p\":", pay_mode[i] == 1 ? 1 : 5);
            if (pay_mode[i] == 2)
                fuzz_buf_append(&wrapped[i], p, got);
            fuzz_buf_append(&wrapped[i], "}", 1);
            ev[i].payload = wrapped[i].ptr;
            ev[i].payload_len = wrapped[i].len;
        }
    }
    c.kv = kv;
    c.events = ev;

    uint8_t *out = NULL;
    size_t out_n = 0;
    acepack_error err;
    acepack_status st = fuzz_build(&c, short_cap, &out, &out_n, &err);
    if (st != ACEPACK_OK) {
        fuzz_check_build_refusal(&c, st, &err);
    } else {
        FUZZ_ASSERT_MSG(fuzz_content_writable(&c), "the builder wrote content it must refuse");
        fuzz_check_canonical(out, out_n, NULL);
        /* The file holds exactly what was given. */
        acepack_reader r;
        FUZZ_ASSERT(acepack_open(&r, out, out_n, ACEPACK_STRICT, &err) == ACEPACK_OK);
        FUZZ_ASSERT(r.version == c.format_version && r.evt_base_id == c.evt_base_id);
        FUZZ_ASSERT(r.entry_count == c.kv_count && acepack_event_count(&r) == c.event_count);
        size_t tn = 0;
        FUZZ_ASSERT(acepack_table_size(&r, &tn) == ACEPACK_OK);
        uint8_t *mem = (uint8_t *)fuzz_malloc(tn);
        acepack_table t;
        FUZZ_ASSERT(acepack_table_build(&t, &r, mem, tn, &err) == ACEPACK_OK);
        for (size_t i = 0; i < c.kv_count; i++) {
            acepack_span v;
            FUZZ_ASSERT(acepack_table_get(&t, kv[i].key, kv[i].key_len, &v) == ACEPACK_OK);
            FUZZ_ASSERT_MSG(v.len == kv[i].value_len &&
                                (v.len == 0 || memcmp(v.ptr, kv[i].value, v.len) == 0),
                            "a value was not written as given");
        }
        free(mem);
        for (uint32_t i = 0; i < (uint32_t)c.event_count; i++) {
            acepack_event e;
            FUZZ_ASSERT(acepack_event_get(&r, i, &e) == ACEPACK_OK);
            FUZZ_ASSERT(e.id == c.evt_base_id + i + 1u);
            FUZZ_ASSERT_MSG(e.ts == ev[i].ts && e.kind == ev[i].kind && e.source == ev[i].source &&
                                e.flags == ev[i].flags && e.payload.len == ev[i].payload_len &&
                                (e.payload.len == 0 ||
                                 memcmp(e.payload.ptr, ev[i].payload, e.payload.len) == 0),
                            "an event was not written as given");
        }
        free(out);
    }
    for (int i = 0; i < 6; i++)
        fuzz_buf_free(&wrapped[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_dp dp = fuzz_dp_init(data, size);
    if (fuzz_dp_range(&dp, 0, 255) & 1u) {
        content_mode(&dp);
    } else {
        /* An exact-size copy of the text, so that ASan sees over-reads. */
        size_t n = fuzz_dp_remaining(&dp);
        uint8_t *text = fuzz_dup(fuzz_dp_rest(&dp), n);
        fuzz_dp params = fuzz_dp_init(text, n);
        dump_mode(text, n, &params);
        free(text);
    }
    return 0;
}
