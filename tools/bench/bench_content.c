/*
 * bench_content.c - the deterministic content of the benchmark stores.
 *
 * Every key, value and event is a pure function of its index (a PRNG seeded
 * with the index and a fixed constant), so any store size can be generated
 * in any order and is identical on every machine.  Shapes follow the
 * JavaScript store's real use: keys like `knowledge/agent-0001/skill-...md`
 * with ~1 KiB text values, events with `{key, payload, parent_id}` payloads
 * of ~60 bytes (spec 5).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "bench.h"

#define SEED_VALUE 0xACE0000000000001ull
#define SEED_EVENT 0xACE0000000000002ull
#define TS_BASE 1700000000000ull

static bench_rng rng_for(uint64_t seed, uint32_t i)
{
    bench_rng r;
    r.s = seed ^ ((uint64_t)i * 0xD1B54A32D192ED03ull);
    (void)bench_rand(&r);
    return r;
}

/* Zero-padded fields with a non-decreasing prefix: bytewise order = i order,
 * and no key is integer-like (W-CAN-1). */
size_t bench_kv_key(uint32_t i, char *buf)
{
    int n = snprintf(buf, BENCH_KEY_MAX, "knowledge/agent-%04u/skill-%07u.md", (unsigned)(i / 100u),
                     (unsigned)i);
    return (size_t)n;
}

size_t bench_kv_missing_key(uint32_t i, char *buf)
{
    int n = snprintf(buf, BENCH_KEY_MAX, "knowledge/agent-%04u/skill-%07u.mdx",
                     (unsigned)(i / 100u), (unsigned)i);
    return (size_t)n;
}

size_t bench_kv_value(uint32_t i, uint8_t *buf)
{
    static const char alphabet[65] = "abcdefghijklmnopqrstuvwxyz   eeeeaaoo  ,.\n"
                                     "ABCDEFGHIJ0123456789-#";
    bench_rng r = rng_for(SEED_VALUE, i);
    size_t len =
        BENCH_VALUE_MIN + (size_t)(bench_rand(&r) % (BENCH_VALUE_MAX - BENCH_VALUE_MIN + 1u));
    size_t k = 0;
    while (k < len) {
        uint64_t x = bench_rand(&r);
        int b;
        for (b = 0; b < 10 && k < len; b++, x >>= 6)
            buf[k++] = (uint8_t)alphabet[x & 63u];
    }
    return len;
}

void bench_make_event(uint32_t i, bench_event *ev)
{
    bench_rng r = rng_for(SEED_EVENT, i);
    uint64_t x = bench_rand(&r);
    int n;
    ev->ts = TS_BASE + (uint64_t)i * 37u + x % 37u;
    x /= 37u;
    ev->kind = (uint8_t)(1u + x % 6u);
    x /= 6u;
    ev->source = (uint8_t)(1u + x % 3u);
    x /= 3u;
    ev->flags = (uint8_t)(x % 128u == 0); /* ~1% deleted */
    x /= 128u;
    n = snprintf(ev->payload, sizeof ev->payload,
                 "{\"key\":\"state/%c/%u\",\"payload\":{\"n\":%u},\"parent_id\":%u}",
                 (char)('a' + (int)(x % 26u)), (unsigned)i + 1u, (unsigned)i + 1u, (unsigned)i);
    ev->payload_len = (size_t)n;
}

size_t bench_v1_log_value(uint32_t i, char *buf, size_t cap)
{
    bench_event ev;
    int n;
    bench_make_event(i, &ev);
    /* 0.1.0 appendEntry: the caller's members, then id and ts (spec 6.1).  The
     * payload members are spliced in from the v2 payload (without its braces). */
    n = snprintf(buf, cap, "{\"kind\":%u,\"content_source\":%u,%.*s%s,\"id\":%u,\"ts\":%llu}",
                 (unsigned)ev.kind, (unsigned)ev.source, (int)(ev.payload_len - 2u), ev.payload + 1,
                 ev.flags ? ",\"flags\":1" : "", (unsigned)i + 1u, (unsigned long long)ev.ts);
    return (size_t)n;
}
