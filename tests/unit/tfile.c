/* tfile.c - see tfile.h. */
#include "tfile.h"

#include <stdlib.h>

#include "../../src/common/bytes.h"

tfile F;

/* The project's one copy of the big-endian stores (src/common/bytes.h), under
 * the names the unit tests use. */
void be32_at(uint8_t *p, uint32_t v)
{
    ap_put_be32(p, v);
}

void be64_at(uint8_t *p, uint64_t v)
{
    ap_put_be64(p, v);
}

size_t tf_events(uint8_t *out, const tev *ev, uint32_t n)
{
    size_t pad = (4u - n % 4u) % 4u, pos = 0, i, pool = 0;
    be32_at(out, n);
    pos = 4;
    for (i = 0; i < n; i++, pos += 8)
        be64_at(out + pos, ev[i].ts);
    for (i = 0; i < n; i++)
        out[pos++] = ev[i].kind;
    for (i = 0; i < n; i++)
        out[pos++] = ev[i].source;
    for (i = 0; i < n; i++)
        out[pos++] = ev[i].flags;
    for (i = 0; i < pad; i++)
        out[pos++] = 0;
    for (i = 0; i < n; i++, pos += 4) {
        be32_at(out + pos, (uint32_t)pool);
        pool += strlen(ev[i].payload);
    }
    for (i = 0; i < n; i++, pos += 4)
        be32_at(out + pos, (uint32_t)strlen(ev[i].payload));
    be32_at(out + pos, (uint32_t)pool);
    pos += 4;
    for (i = 0; i < n; i++) {
        size_t l = strlen(ev[i].payload);
        memcpy(out + pos, ev[i].payload, l);
        pos += l;
    }
    return pos;
}

static const uint8_t MAGIC[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};

void tf_v2(tfile *f, const void *chunks, size_t clen, const void *evsec, size_t elen,
           const char *index)
{
    size_t ilen = strlen(index);
    memset(f->d, 0, 128);
    memcpy(f->d, MAGIC, 8);
    be32_at(f->d + 8, 2);
    be64_at(f->d + 16, 128 + clen + elen);
    be64_at(f->d + 24, ilen);
    be64_at(f->d + 32, 128 + clen);
    be64_at(f->d + 40, 128 + clen);
    be64_at(f->d + 48, elen);
    if (elen >= 4)
        memcpy(f->d + 56, evsec, 4);
    if (clen)
        memcpy(f->d + 128, chunks, clen);
    if (elen)
        memcpy(f->d + 128 + clen, evsec, elen);
    memcpy(f->d + 128 + clen + elen, index, ilen);
    f->n = 128 + clen + elen + ilen;
}

void tf_v1(tfile *f, const void *chunks, size_t clen, const char *index)
{
    size_t ilen = strlen(index);
    memset(f->d, 0, 64);
    memcpy(f->d, MAGIC, 8);
    be32_at(f->d + 8, 1);
    be64_at(f->d + 16, 64 + clen);
    be64_at(f->d + 24, ilen);
    if (clen)
        memcpy(f->d + 64, chunks, clen);
    memcpy(f->d + 64 + clen, index, ilen);
    f->n = 64 + clen + ilen;
}

void tf_store(tfile *f, const tkv *kv, size_t nkv, const tev *ev, uint32_t nev)
{
    static uint8_t chunks[TF_CAP / 2], evsec[TF_CAP / 4];
    static char index[TF_CAP / 4];
    size_t clen = 0, elen, i, il = 0;
    il += (size_t)sprintf(index + il, "{");
    for (i = 0; i < nkv; i++) {
        size_t vl = strlen(kv[i].value);
        il += (size_t)sprintf(index + il, "%s\"%s\":{\"offset\":%zu,\"length\":%zu}", i ? "," : "",
                              kv[i].key_json, 128 + clen, vl);
        be32_at(chunks + clen, (uint32_t)vl);
        memcpy(chunks + clen + 4, kv[i].value, vl);
        clen += 4 + vl;
    }
    sprintf(index + il, "}");
    elen = tf_events(evsec, ev, nev);
    tf_v2(f, chunks, clen, evsec, elen, index);
}

void tf_insert(size_t pos, const void *bytes, size_t n)
{
    memmove(F.d + pos + n, F.d + pos, F.n - pos);
    memcpy(F.d + pos, bytes, n);
    F.n += n;
}

void tf_s1(void)
{
    static const tkv kv[] = {{"a", "hi"}};
    static const tev ev[] = {{1000, 1, 2, 0, "{}"}};
    tf_store(&F, kv, 1, ev, 1);
}

void expect_open_at(const char *file, int line, const void *d, size_t n, acepack_profile p,
                    acepack_status st, const char *rule, uint64_t off)
{
    acepack_reader r;
    acepack_error e;
    acepack_status got;
    memset(&e, 0, sizeof e);
    got = acepack_open(&r, d, n, p, &e);
    if (got != st) {
        t_fail(file, line, "open: status %s (%s at %llu: %s), expected %s",
               acepack_status_name(got), got ? (e.rule ? e.rule : "-") : "",
               (unsigned long long)e.offset, got ? e.message : "", acepack_status_name(st));
        return;
    }
    if (st == ACEPACK_OK)
        return;
    if (rule == NULL ? e.rule != NULL : (e.rule == NULL || strcmp(rule, e.rule) != 0))
        t_fail(file, line, "open: rule %s, expected %s", e.rule ? e.rule : "(null)",
               rule ? rule : "(null)");
    if (e.offset != off)
        t_fail(file, line, "open: offset %llu, expected %llu", (unsigned long long)e.offset,
               (unsigned long long)off);
}

acepack_status full_check(const void *d, size_t n, acepack_profile p, acepack_error *e)
{
    acepack_reader r;
    acepack_status st;
    size_t need;
    void *ws;
    st = acepack_open(&r, d, n, p, e);
    if (st != ACEPACK_OK)
        return st;
    if (acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) != ACEPACK_OK)
        return ACEPACK_UNSUPPORTED;
    ws = malloc(need ? need : 1);
    st = acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need, e);
    free(ws);
    return st;
}

void expect_full_at(const char *file, int line, acepack_profile p, acepack_status st,
                    const char *rule, uint64_t off)
{
    acepack_error e;
    acepack_status got;
    memset(&e, 0, sizeof e);
    got = full_check(F.d, F.n, p, &e);
    if (got != st) {
        t_fail(file, line, "validate: status %s (%s at %llu: %s), expected %s",
               acepack_status_name(got), got ? (e.rule ? e.rule : "-") : "",
               (unsigned long long)e.offset, got ? e.message : "", acepack_status_name(st));
        return;
    }
    if (st == ACEPACK_OK)
        return;
    if (rule == NULL ? e.rule != NULL : (e.rule == NULL || strcmp(rule, e.rule) != 0))
        t_fail(file, line, "validate: rule %s, expected %s", e.rule ? e.rule : "(null)",
               rule ? rule : "(null)");
    if (e.offset != off)
        t_fail(file, line, "validate: offset %llu, expected %llu", (unsigned long long)e.offset,
               (unsigned long long)off);
}

typedef struct sink {
    char *p;
    size_t n, cap;
} sink;

static int sink_write(void *ctx, const void *p, size_t n)
{
    sink *s = (sink *)ctx;
    if (s->cap - s->n < n + 1)
        return -1;
    memcpy(s->p + s->n, p, n);
    s->n += n;
    s->p[s->n] = 0;
    return 0;
}

acepack_status dump_to_string(acepack_profile p, const char **text, size_t *len, acepack_error *e)
{
    static char buf[4 * TF_CAP];
    acepack_reader r;
    acepack_status st;
    sink s;
    size_t need;
    void *ws;
    s.p = buf;
    s.n = 0;
    s.cap = sizeof buf;
    buf[0] = 0;
    *text = buf;
    *len = 0;
    st = acepack_open(&r, F.d, F.n, p, e);
    if (st != ACEPACK_OK)
        return st;
    if (acepack_dump_workspace_size(&r, &need) != ACEPACK_OK)
        return ACEPACK_UNSUPPORTED;
    ws = malloc(need ? need : 1);
    st = acepack_dump(&r, ws, need, sink_write, &s, e);
    free(ws);
    *len = s.n;
    return st;
}

void expect_dump_at(const char *file, int line, acepack_profile p, const char *lit, size_t n)
{
    const char *text;
    size_t len;
    acepack_error e;
    acepack_status st = dump_to_string(p, &text, &len, &e);
    if (st != ACEPACK_OK) {
        t_fail(file, line, "dump: status %s (%s at %llu: %s)", acepack_status_name(st),
               e.rule ? e.rule : "-", (unsigned long long)e.offset, e.message);
        return;
    }
    if (len != n || memcmp(text, lit, n) != 0)
        t_fail(file, line, "dump differs:\n--- got ---\n%s--- expected ---\n%s", text, lit);
}
