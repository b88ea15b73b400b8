/*
 * bench_stores.c - writes the benchmark stores with the library's canonical
 * builder (acepack_build_fd, W-CAN-1..4), v2 and v1 alike.
 *
 * A store that already exists is reused when it opens under strict with the
 * expected counts (generation of the 100 MB stores takes seconds, and they
 * are deterministic anyway); anything else is regenerated.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

/* 1 when `path` holds a strict-valid store of `version` with these counts. */
static int store_matches(const char *path, uint32_t version, uint64_t events, uint64_t entries)
{
    acepack_mapping m;
    acepack_reader r;
    int ok;
    if (acepack_map_file(path, &m, NULL) != ACEPACK_OK)
        return 0;
    ok = acepack_open(&r, m.data, m.size, ACEPACK_STRICT, NULL) == ACEPACK_OK &&
         r.version == version && r.event_count == events && r.entry_count == entries;
    acepack_unmap(&m);
    return ok;
}

/* Allocates and fills the KV pairs 0..keys-1 (keys and values in one block). */
static acepack_kv *make_kv(uint32_t keys, uint8_t **block_out)
{
    acepack_kv *kv = bench_xmalloc(sizeof *kv * (keys ? keys : 1u));
    uint8_t *block = bench_xmalloc((size_t)keys * (BENCH_KEY_MAX + BENCH_VALUE_MAX));
    uint8_t *p = block;
    uint32_t i;
    for (i = 0; i < keys; i++) {
        kv[i].key = p;
        kv[i].key_len = bench_kv_key(i, (char *)p);
        p += kv[i].key_len;
        kv[i].value = p;
        kv[i].value_len = bench_kv_value(i, p);
        p += kv[i].value_len;
    }
    *block_out = block;
    return kv;
}

static void build_to(const char *path, const acepack_content *c)
{
    char tmp[4096];
    acepack_error e;
    int fd;
    snprintf(tmp, sizeof tmp, "%s.gen-tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        bench_die("%s: %s", tmp, strerror(errno));
    bench_check(acepack_build_fd(c, NULL, NULL, fd, &e), &e, "acepack_build_fd");
    if (fsync(fd) != 0 || close(fd) != 0)
        bench_die("%s: %s", tmp, strerror(errno));
    if (rename(tmp, path) != 0)
        bench_die("rename %s: %s", path, strerror(errno));
}

void bench_gen_v2(const char *path, uint32_t events, uint32_t keys)
{
    acepack_content c;
    acepack_event_in *ev;
    uint8_t *kv_block, *pool, *p;
    acepack_kv *kv;
    uint32_t i;

    if (store_matches(path, 2, events, keys))
        return;
    fprintf(stderr, "generating %s (%u events, %u keys)\n", path, (unsigned)events, (unsigned)keys);
    kv = make_kv(keys, &kv_block);
    ev = bench_xmalloc(sizeof *ev * (events ? events : 1u));
    pool = bench_xmalloc((size_t)events * BENCH_PAYLOAD_MAX + 1u);
    for (i = 0, p = pool; i < events; i++) {
        bench_event x;
        bench_make_event(i, &x);
        memcpy(p, x.payload, x.payload_len);
        ev[i].ts = x.ts;
        ev[i].kind = x.kind;
        ev[i].source = x.source;
        ev[i].flags = x.flags;
        ev[i].payload = p;
        ev[i].payload_len = x.payload_len;
        p += x.payload_len;
    }
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    c.kv = kv;
    c.kv_count = keys;
    c.events = ev;
    c.event_count = events;
    build_to(path, &c);
    free(pool);
    free(ev);
    free(kv_block);
    free(kv);
}

void bench_gen_v1(const char *path, uint32_t entries, uint32_t keys)
{
    /* the KV keys, then the log entries, then meta/log_entry_seq (spec 6.1) */
    size_t total = (size_t)keys + entries + 1u;
    acepack_content c;
    acepack_kv *kv, *user;
    uint8_t *user_block, *log_block, *p;
    static char seq[24];
    uint32_t i;

    if (store_matches(path, 1, 0, total))
        return;
    fprintf(stderr, "generating %s (v1, %u log entries, %u keys)\n", path, (unsigned)entries,
            (unsigned)keys);
    user = make_kv(keys, &user_block);
    kv = bench_xmalloc(sizeof *kv * total);
    memcpy(kv, user, sizeof *kv * keys);
    log_block = bench_xmalloc((size_t)entries * (24u + 2u * BENCH_PAYLOAD_MAX));
    for (i = 0, p = log_block; i < entries; i++) {
        acepack_kv *e = &kv[keys + i];
        int n = snprintf((char *)p, 24, "core/log/%012u", (unsigned)i + 1u);
        e->key = p;
        e->key_len = (size_t)n;
        p += n;
        e->value = p;
        e->value_len = bench_v1_log_value(i, (char *)p, 2u * BENCH_PAYLOAD_MAX);
        p += e->value_len;
    }
    snprintf(seq, sizeof seq, "%u", (unsigned)entries);
    kv[total - 1u].key = (const uint8_t *)"meta/log_entry_seq";
    kv[total - 1u].key_len = strlen("meta/log_entry_seq");
    kv[total - 1u].value = (const uint8_t *)seq;
    kv[total - 1u].value_len = strlen(seq);
    memset(&c, 0, sizeof c);
    c.format_version = 1;
    c.kv = kv;
    c.kv_count = total;
    build_to(path, &c);
    free(log_block);
    free(user_block);
    free(user);
    free(kv);
}
