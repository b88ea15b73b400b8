/* wtest.c - files and the model of the writer tests (see wtest.h). */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include "wtest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

void w_mkdir(char *out, size_t cap, const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(out, cap, "%s/acepack-wtest-%s-XXXXXX", base, tag);
    if (!mkdtemp(out)) {
        fprintf(stderr, "mkdtemp(%s): %s\n", out, strerror(errno));
        exit(2);
    }
}

void w_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

int w_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

uint8_t *w_read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    for (;;) {
        if (len == cap) {
            cap *= 2;
            b = realloc(b, cap);
        }
        size_t k = fread(b + len, 1, cap - len, f);
        if (k == 0)
            break;
        len += k;
    }
    fclose(f);
    *n = len;
    return b;
}

const uint8_t *w_read_file_shared(const char *path, size_t *n)
{
    static uint8_t *buf;
    static size_t cap;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 1u << 20;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb)
                abort();
            buf = nb;
            cap = ncap;
        }
        ssize_t k = read(fd, buf + len, cap - len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            close(fd);
            return NULL;
        }
        if (k == 0)
            break;
        len += (size_t)k;
    }
    close(fd);
    *n = len;
    return buf;
}

int w_write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t k = n ? fwrite(p, 1, n, f) : 0;
    return fclose(f) == 0 && k == n ? 0 : -1;
}

size_t w_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *c = hex; *c; c++) {
        int v;
        if (*c >= '0' && *c <= '9')
            v = *c - '0';
        else if (*c >= 'a' && *c <= 'f')
            v = *c - 'a' + 10;
        else if (*c >= 'A' && *c <= 'F')
            v = *c - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            if (n < cap)
                out[n] = (uint8_t)(hi * 16 + v);
            n++;
            hi = -1;
        }
    }
    return n;
}

int w_file_equals(const char *path, const uint8_t *want, size_t n)
{
    size_t got = 0;
    const uint8_t *d = w_read_file_shared(path, &got);
    return d && got == n && (n == 0 || memcmp(d, want, n) == 0);
}

int w_buf_write(void *ctx, const void *p, size_t n)
{
    w_buf *b = ctx;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    return 0;
}

const char W_EMPTY_STORE_HEX[] = "41 43 45 50 41 43 4b 00  00 00 00 02 00 00 00 00"
                                 "00 00 00 00 00 00 00 88  00 00 00 00 00 00 00 02"
                                 "00 00 00 00 00 00 00 80  00 00 00 00 00 00 00 80"
                                 "00 00 00 00 00 00 00 08  00 00 00 00 00 00 00 00"
                                 "00000000000000000000000000000000 00000000000000000000000000000000"
                                 "00000000000000000000000000000000 00000000000000000000000000000000"
                                 "00 00 00 00 00 00 00 00  7b 7d";

const char W_APPENDIX_B_HEX[] =
    "41 43 45 50 41 43 4b 00  00 00 00 02 00 00 00 00"
    "00 00 00 00 00 00 00 b3  00 00 00 00 00 00 00 3e"
    "00 00 00 00 00 00 00 8a  00 00 00 00 00 00 00 8a"
    "00 00 00 00 00 00 00 29  00 00 00 01 00 00 00 00"
    "00000000000000000000000000000000 00000000000000000000000000000000"
    "00000000000000000000000000000000 00000000000000000000000000000000"
    "00 00 00 01 78"
    "00 00 00 01 79"
    "00 00 00 01"
    "00 00 01 8b cf e5 68 00"
    "01 02 00"
    "00 00 00"
    "00 00 00 00  00 00 00 0b"
    "00 00 00 0b"
    "7b 22 6b 65 79 22 3a 22 6b 22 7d"
    /* {"42":{"offset":128,"length":1},"a":{"offset":133,"length":1}} */
    "7b 22 34 32 22 3a 7b 22 6f 66 66 73 65 74 22 3a 31 32 38 2c 22 6c 65 6e 67 74 68 22 3a 31 7d"
    "2c 22 61 22 3a 7b 22 6f 66 66 73 65 74 22 3a 31 33 33 2c 22 6c 65 6e 67 74 68 22 3a 31 7d 7d";

uint8_t *w_write_v1_file(const char *path, const acepack_kv *kv, size_t nkv, size_t *n)
{
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 1;
    c.kv = kv;
    c.kv_count = nkv;
    uint64_t size = 0;
    if (acepack_build_size(&c, NULL, &size, NULL) != ACEPACK_OK || size > SIZE_MAX)
        return NULL;
    uint8_t *d = malloc(size ? (size_t)size : 1);
    if (d && acepack_build(&c, NULL, d, (size_t)size, n, NULL) == ACEPACK_OK &&
        w_write_file(path, d, *n) == 0)
        return d;
    free(d);
    return NULL;
}

/* ---- model ---- */

static uint8_t *dup_bytes(const void *p, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    if (n)
        memcpy(b, p, n);
    return b;
}

void model_init(model *m)
{
    memset(m, 0, sizeof *m);
}

void model_free(model *m)
{
    for (size_t i = 0; i < m->nkv; i++) {
        free(m->kv[i].k);
        free(m->kv[i].v);
    }
    for (size_t i = 0; i < m->nev; i++)
        free(m->ev[i].p);
    free(m->kv);
    free(m->ev);
    memset(m, 0, sizeof *m);
}

void model_copy(model *dst, const model *src)
{
    model_init(dst);
    dst->base = src->base;
    for (size_t i = 0; i < src->nkv; i++)
        model_put(dst, src->kv[i].k, src->kv[i].kn, src->kv[i].v, src->kv[i].vn);
    for (size_t i = 0; i < src->nev; i++) {
        const m_ev *e = &src->ev[i];
        model_append(dst, e->ts, e->kind, e->src, e->flags, e->p, e->pn);
    }
}

static long kv_find(const model *m, const void *k, size_t kn)
{
    for (size_t i = 0; i < m->nkv; i++)
        if (m->kv[i].kn == kn && (kn == 0 || memcmp(m->kv[i].k, k, kn) == 0))
            return (long)i;
    return -1;
}

void model_put(model *m, const void *k, size_t kn, const void *v, size_t vn)
{
    long i = kv_find(m, k, kn);
    if (i >= 0) {
        free(m->kv[i].v);
        m->kv[i].v = dup_bytes(v, vn);
        m->kv[i].vn = vn;
        return;
    }
    if (m->nkv == m->capkv) {
        m->capkv = m->capkv ? m->capkv * 2 : 16;
        m->kv = realloc(m->kv, m->capkv * sizeof *m->kv);
    }
    m_kv *e = &m->kv[m->nkv++];
    e->k = dup_bytes(k, kn);
    e->kn = kn;
    e->v = dup_bytes(v, vn);
    e->vn = vn;
}

int model_del(model *m, const void *k, size_t kn)
{
    long i = kv_find(m, k, kn);
    if (i < 0)
        return 0;
    free(m->kv[i].k);
    free(m->kv[i].v);
    m->kv[i] = m->kv[m->nkv - 1];
    m->nkv--;
    return 1;
}

void model_append(model *m, uint64_t ts, uint8_t kind, uint8_t src, uint8_t flags, const void *p,
                  size_t pn)
{
    if (m->nev == m->capev) {
        m->capev = m->capev ? m->capev * 2 : 16;
        m->ev = realloc(m->ev, m->capev * sizeof *m->ev);
    }
    m_ev *e = &m->ev[m->nev++];
    e->ts = ts;
    e->kind = kind;
    e->src = src;
    e->flags = flags;
    e->p = dup_bytes(p, pn);
    e->pn = pn;
}

acepack_content model_content(const model *m, acepack_kv *kv, acepack_event_in *ev)
{
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    c.evt_base_id = m->base;
    for (size_t i = 0; i < m->nkv; i++) {
        kv[i].key = m->kv[i].k;
        kv[i].key_len = m->kv[i].kn;
        kv[i].value = m->kv[i].v;
        kv[i].value_len = m->kv[i].vn;
    }
    for (size_t i = 0; i < m->nev; i++) {
        ev[i].ts = m->ev[i].ts;
        ev[i].kind = m->ev[i].kind;
        ev[i].source = m->ev[i].src;
        ev[i].flags = m->ev[i].flags;
        ev[i].payload = m->ev[i].p;
        ev[i].payload_len = m->ev[i].pn;
    }
    c.kv = kv;
    c.kv_count = m->nkv;
    c.events = ev;
    c.event_count = m->nev;
    return c;
}

#define WHY(...)                         \
    do {                                 \
        snprintf(why, cap, __VA_ARGS__); \
        goto done;                       \
    } while (0)

uint32_t w_flags_allowed;

int model_check_bytes(const uint8_t *d, size_t n, const model *m, char *why, size_t cap)
{
    int ok = 0;
    void *ws = NULL, *tmem = NULL;
    acepack_reader r;
    acepack_error e;
    memset(&e, 0, sizeof e);
    if (acepack_open(&r, d, n, ACEPACK_STRICT, &e) != ACEPACK_OK)
        WHY("open: %s %s at %llu: %s", acepack_status_name(e.status), e.rule ? e.rule : "-",
            (unsigned long long)e.offset, e.message ? e.message : "");
    size_t need = 0;
    if (acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) != ACEPACK_OK)
        WHY("workspace size");
    ws = malloc(need ? need : 1);
    if (acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need, &e) != ACEPACK_OK)
        WHY("validate: %s %s at %llu", acepack_status_name(e.status), e.rule ? e.rule : "-",
            (unsigned long long)e.offset);
    if (r.version != 2)
        WHY("version %u", (unsigned)r.version);
    /* bit 16 (segmented event log, spec 3.7) is placement, not content */
    if ((r.flags & ~(w_flags_allowed | 0x10000u)) != 0)
        WHY("flags %u", (unsigned)r.flags);
    if (r.evt_base_id != m->base)
        WHY("evt_base_id %u, model %u", (unsigned)r.evt_base_id, (unsigned)m->base);
    if (acepack_event_count(&r) != m->nev)
        WHY("%u events, model %zu", (unsigned)acepack_event_count(&r), m->nev);
    for (uint32_t i = 0; i < acepack_event_count(&r); i++) {
        acepack_event ev;
        acepack_event_get(&r, i, &ev);
        const m_ev *x = &m->ev[i];
        if (ev.ts != x->ts || ev.kind != x->kind || ev.source != x->src || ev.flags != x->flags ||
            ev.payload.len != x->pn || (x->pn && memcmp(ev.payload.ptr, x->p, x->pn) != 0))
            WHY("event %u differs", (unsigned)i);
    }
    size_t tsize = 0;
    if (acepack_table_size(&r, &tsize) != ACEPACK_OK)
        WHY("table size");
    tmem = malloc(tsize);
    acepack_table t;
    if (acepack_table_build(&t, &r, tmem, tsize, &e) != ACEPACK_OK)
        WHY("table build");
    if (t.key_count != m->nkv)
        WHY("%llu keys, model %zu", (unsigned long long)t.key_count, m->nkv);
    for (size_t i = 0; i < m->nkv; i++) {
        acepack_span v;
        if (acepack_table_get(&t, m->kv[i].k, m->kv[i].kn, &v) != ACEPACK_OK)
            WHY("key %.*s missing", (int)m->kv[i].kn, (const char *)m->kv[i].k);
        if (v.len != m->kv[i].vn || (v.len && memcmp(v.ptr, m->kv[i].v, v.len) != 0))
            WHY("value of %.*s differs", (int)m->kv[i].kn, (const char *)m->kv[i].k);
    }
    ok = 1;
    if (cap)
        why[0] = '\0';
done:
    free(ws);
    free(tmem);
    return ok;
}

int model_check_file(const char *path, const model *m, char *why, size_t cap)
{
    size_t n = 0;
    const uint8_t *d = w_read_file_shared(path, &n);
    if (!d) {
        snprintf(why, cap, "cannot read %s", path);
        return 0;
    }
    return model_check_bytes(d, n, m, why, cap);
}

uint64_t w_live_size(const uint8_t *d, size_t n)
{
    acepack_reader r;
    if (acepack_open(&r, d, n, ACEPACK_STRICT, NULL) != ACEPACK_OK)
        return 0;
    uint64_t live = 128 + r.evt_length + r.index_length;
    acepack_index_iter it;
    acepack_entry e;
    acepack_index_iter_init(&it, &r);
    while (acepack_index_iter_next(&it, &e))
        live += 4 + e.value_length;
    return live;
}

/* ---- no-sync io ---- */

static int nosync(void *ctx, int fd)
{
    (void)ctx;
    (void)fd;
    return 0;
}

const acepack_io *w_io_nosync(void)
{
    static acepack_io io;
    static int init;
    if (!init) {
        io = *acepack_io_posix();
        io.fsync = nosync;
        io.fdatasync = nosync;
        init = 1;
    }
    return &io;
}

void *w_realloc_plain(void *ctx, void *p, size_t old_size, size_t new_size)
{
    (void)ctx;
    (void)old_size;
    return realloc(p, new_size);
}

void w_free_plain(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}
