/*
 * write_store.c - opening a store for writing (create, lock W-LOCK-1..3,
 * validate, migrate, truncate the tail W-COMMIT-4) and the operations that
 * only change the in-memory model: put, delete, append, rollback.
 */
#include <errno.h>

#include "write_store_commit.h"
#include "write_store_load.h"

/* W-LOCK-2: how many times the file may be replaced under us before we give up. */
#define OPEN_ATTEMPTS 32

static acepack_status create_empty(acepack_store *s, acepack_error *err)
{
    /* The canonical empty store (spec 8.3), 138 bytes. */
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    uint8_t bytes[160];
    size_t n = 0;
    acepack_status st = acepack_build(&c, &s->a, bytes, sizeof bytes, &n, err);
    if (st != ACEPACK_OK)
        return st;
    int tfd = -1;
    char *tmp = NULL;
    st = aw_create_temp(&s->a, &s->io, s->path, s->mode, &tfd, &tmp, err);
    if (st != ACEPACK_OK)
        return st;
    int e = aw_pwrite_all(&s->io, tfd, bytes, n, 0);
    const char *what = "cannot write the new store";
    if (!e) {
        e = s->io.fsync(s->io.ctx, tfd);
        what = "fsync of the new store failed";
    }
    if (!e) {
        /* link, not rename: never replace a store that appeared meanwhile. */
        e = s->io.link(s->io.ctx, tmp, s->path);
        what = "cannot link the new store to its path";
        if (e == EEXIST)
            e = 0;
    }
    int u = s->io.unlink(s->io.ctx, tmp);
    if (u == ENOENT)
        u = 0; /* a writer that opened the new store removed the second name (W-LOCK-4) */
    if (!e && u) {
        e = u;
        what = "cannot remove the temporary file of the new store";
    }
    if (!e) {
        e = aw_fsync_dir(&s->io, s->dir);
        what = "fsync of the directory failed";
    }
    s->io.close(s->io.ctx, tfd);
    aw_strfree(&s->a, tmp);
    return e ? aw_fail_io(err, e, what) : ACEPACK_OK;
}

/* Opens and locks the file at s->path (W-LOCK-1, W-LOCK-2). */
static acepack_status open_locked(acepack_store *s, unsigned flags, acepack_error *err)
{
    for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        int fd = -1;
        int e = s->io.open(s->io.ctx, s->path, ACEPACK_IO_RDWR, 0, &fd);
        if (e == ENOENT && (flags & ACEPACK_STORE_CREATE)) {
            acepack_status st = create_empty(s, err);
            if (st != ACEPACK_OK)
                return st;
            continue;
        }
        if (e)
            return aw_fail_io(err, e, "cannot open the store");
        e = s->io.flock(s->io.ctx, fd, ACEPACK_IO_LOCK_EX_NB);
        if (e) {
            s->io.close(s->io.ctx, fd);
            if (e == EWOULDBLOCK || e == EAGAIN)
                return aw_fail(err, ACEPACK_LOCKED, "W-LOCK-1", 0,
                               "another writer holds the lock on the store");
            return aw_fail_io(err, e, "cannot lock the store");
        }
        acepack_file_info a, b;
        e = s->io.fstat(s->io.ctx, fd, &a);
        if (e) {
            s->io.close(s->io.ctx, fd);
            return aw_fail_io(err, e, "fstat of the store failed");
        }
        e = s->io.stat(s->io.ctx, s->path, &b);
        if (e == 0 && a.dev == b.dev && a.ino == b.ino) {
            s->fd = fd;
            /* W-LOCK-4: holding the lock, no other writer of this store is
             * alive; what its crashed predecessors left can go. */
            aw_clean_temps(&s->a, &s->io, s->path);
            return ACEPACK_OK;
        }
        /* W-LOCK-2: we locked a file that a compaction has replaced. */
        s->io.close(s->io.ctx, fd);
        if (e && e != ENOENT)
            return aw_fail_io(err, e, "stat of the store path failed");
    }
    return aw_fail_io(err, EAGAIN, "the store file keeps being replaced");
}

/* Validates the mapped file completely (spec 13: refuse to modify a file
 * that does not validate). */
static acepack_status validate_all(acepack_store *s, acepack_reader *r, const void *data,
                                   size_t size, acepack_error *err)
{
    acepack_status st = acepack_open(r, data, size, ACEPACK_STRICT, err);
    if (st != ACEPACK_OK)
        return st;
    size_t need = 0;
    st = acepack_validate_workspace_size(r, ACEPACK_CHECK_ALL, &need);
    if (st != ACEPACK_OK)
        return aw_fail(err, st, NULL, 0, "validation workspace does not fit in memory");
    void *ws = need ? aw_malloc(&s->a, need) : NULL;
    if (need && !ws)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    st = acepack_validate(r, ACEPACK_CHECK_ALL, ws, need, err);
    aw_free(&s->a, ws, need);
    return st;
}

static void store_free(acepack_store *s)
{
    aw_keys_free(s);
    aw_buf *bufs[] = {&s->pend, &s->ts,   &s->kind, &s->src,  &s->flg,
                      &s->poff, &s->plen, &s->pool, &s->index};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        aw_buf_free(&s->a, bufs[i]);
    aw_strfree(&s->a, s->path);
    aw_strfree(&s->a, s->dir);
    acepack_allocator a = s->a;
    aw_free(&a, s, sizeof *s);
}

/* Everything after the lock: map, validate, migrate a v1 file, load, trim. */
static acepack_status open_file(acepack_store *s, const acepack_store_options *opts,
                                acepack_error *err)
{
    for (int round = 0; round < 2; round++) {
        acepack_file_info fi;
        int e = s->io.fstat(s->io.ctx, s->fd, &fi);
        if (e)
            return aw_fail_io(err, e, "fstat of the store failed");
        if (!fi.is_regular)
            return aw_fail(err, ACEPACK_ARG, NULL, 0, "the store is not a regular file");
        if (fi.size > (uint64_t)SIZE_MAX || fi.size > AW_MAX_SAFE)
            return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, fi.size,
                           "the store is too large for this platform");
        s->mode = fi.mode ? fi.mode : s->mode;
        const void *data = NULL;
        if (fi.size > 0) {
            e = s->io.map(s->io.ctx, s->fd, fi.size, &data);
            if (e)
                return aw_fail_io(err, e, "cannot map the store");
        }
        acepack_reader r;
        acepack_status st = validate_all(s, &r, data, (size_t)fi.size, err);
        if (st == ACEPACK_OK && r.version == 1) {
            if (round > 0) {
                st = aw_fail(err, ACEPACK_INVALID, "M-9", 8, "migration did not produce v2");
            } else {
                /* Spec 10 in place: the v1 file stays intact (and locked by us)
                 * until the v2 file is durable and renamed over it (M-2). */
                acepack_migrate_options mo;
                memset(&mo, 0, sizeof mo);
                mo.profile = ACEPACK_STRICT;
                mo.alloc = &s->a;
                mo.io = &s->io;
                mo.file_mode = s->mode;
                int nfd = -1;
                st = aw_migrate_to_path(data, (size_t)fi.size, &mo, s->path, 1, &nfd,
                                        opts ? opts->migrate_report : NULL, err);
                if (data)
                    s->io.unmap(s->io.ctx, data, fi.size);
                if (st != ACEPACK_OK)
                    return st;
                s->io.close(s->io.ctx, s->fd);
                s->fd = nfd;
                continue;
            }
        }
        if (st == ACEPACK_OK)
            st = aw_store_load(s, &r, err);
        if (data)
            s->io.unmap(s->io.ctx, data, fi.size);
        if (st != ACEPACK_OK)
            return st;
        /* W-COMMIT-4: the tail is what interrupted commits left. */
        if (s->file_end > s->extent && s->io.ftruncate(s->io.ctx, s->fd, s->extent) == 0)
            s->file_end = s->extent;
        return ACEPACK_OK;
    }
    return aw_fail(err, ACEPACK_INVALID, "M-9", 8, "migration did not produce v2");
}

acepack_status acepack_store_open(const char *path, unsigned flags,
                                  const acepack_store_options *opts, acepack_store **out,
                                  acepack_error *err)
{
    if (!out)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "out is NULL");
    *out = NULL;
    if (!path || !*path || (flags & ~ACEPACK_STORE_CREATE))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid path or flags");
    double ratio =
        opts && opts->compact_ratio != 0.0 ? opts->compact_ratio : ACEPACK_COMPACT_RATIO_DEFAULT;
    if (!(ratio >= ACEPACK_COMPACT_RATIO_MIN))
        return aw_fail(err, ACEPACK_ARG, "W-COMPACT-2", 0, "compact_ratio below 1.25");
    if (opts && !aw_alloc_valid(opts->alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "allocator with a NULL function");
    if (opts && opts->migrate_report)
        memset(opts->migrate_report, 0, sizeof *opts->migrate_report);
    const acepack_allocator *a = aw_alloc_or_default(opts ? opts->alloc : NULL);
    acepack_store *s = aw_malloc(a, sizeof *s);
    if (!s)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    memset(s, 0, sizeof *s);
    s->a = *a;
    acepack_status as = aw_io_adopt(opts ? opts->io : NULL, &s->io, err);
    if (as != ACEPACK_OK) {
        aw_free(a, s, sizeof *s);
        return as;
    }
    s->fd = -1;
    s->ratio = ratio;
    s->mode = opts && opts->file_mode ? opts->file_mode : 0644u;
    s->crc = opts && opts->checksums;     /* load sets it too when the file has bit 0 */
    s->seg_opt = opts && opts->segmented; /* W-SEG-1 */
    s->seed = (uint32_t)((uintptr_t)s >> 4) * 2654435761u;
    /* W-COMMIT-6: a symbolic link names the store it points to; the store
     * is that file, so compaction renames over the link's target. */
    acepack_status rs = aw_resolve_path(a, path, &s->path, err);
    if (rs != ACEPACK_OK) {
        store_free(s);
        return rs;
    }
    s->dir = aw_dirname(a, s->path);
    if (!s->path || !s->dir) {
        store_free(s);
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    }
    acepack_status st = open_locked(s, flags, err);
    if (st == ACEPACK_OK)
        st = open_file(s, opts, err);
    if (st != ACEPACK_OK) {
        if (s->fd >= 0)
            s->io.close(s->io.ctx, s->fd);
        store_free(s);
        return st;
    }
    *out = s;
    return ACEPACK_OK;
}

acepack_status acepack_store_close(acepack_store *s, acepack_error *err)
{
    if (!s)
        return ACEPACK_OK;
    int e = s->fd >= 0 ? s->io.close(s->io.ctx, s->fd) : 0;
    store_free(s);
    return e ? aw_fail_io(err, e, "close of the store failed") : ACEPACK_OK;
}

static acepack_status check_key(const void *key, size_t key_len, acepack_error *err)
{
    if (!key && key_len > 0)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "key is NULL");
    if (aw_gt(key_len, AW_U32_MAX))
        return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "key longer than 2^32-1 bytes");
    size_t bad = acepack_utf8_check(key_len ? key : "", key_len);
    if (bad != key_len)
        return aw_fail(err, ACEPACK_INVALID, "W-IDX-2", bad, "key is not valid UTF-8");
    return ACEPACK_OK;
}

acepack_status acepack_store_put(acepack_store *s, const void *key, size_t key_len,
                                 const void *value, size_t value_len, acepack_error *err)
{
    if (!s || (!value && value_len > 0))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    acepack_status st = check_key(key, key_len, err);
    if (st != ACEPACK_OK)
        return st;
    if (aw_gt(value_len, AW_U32_MAX))
        return aw_fail(err, ACEPACK_UNSUPPORTED, "W-CHK-1", 0, "value longer than 2^32-1 bytes");
    size_t x = aw_key_add(s, key_len ? key : "", key_len);
    if (x == SIZE_MAX || aw_buf_reserve(&s->a, &s->pend, 4u + value_len) != 0 ||
        aw_pend_list_add(s, x) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    aw_entry *e = &s->ent[x];
    e->pend = AW_PEND_PUT;
    e->pend_file = 0;
    e->pend_off = s->pend.len;
    e->pend_len = (uint32_t)value_len;
    aw_put32(s->pend.p + s->pend.len, (uint32_t)value_len);
    if (value_len)
        memcpy(s->pend.p + s->pend.len + 4, value, value_len);
    s->pend.len += 4u + value_len;
    return ACEPACK_OK;
}

acepack_status acepack_store_delete(acepack_store *s, const void *key, size_t key_len,
                                    acepack_error *err)
{
    if (!s || (!key && key_len > 0))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    size_t x = aw_key_find(s, key_len ? key : "", key_len);
    uint32_t len;
    if (x == SIZE_MAX || !aw_entry_after(&s->ent[x], &len))
        return aw_fail(err, ACEPACK_NOT_FOUND, NULL, 0, "no such key");
    if (aw_pend_list_add(s, x) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    s->ent[x].pend = s->ent[x].live ? AW_PEND_DEL : AW_PEND_NONE;
    return ACEPACK_OK;
}

acepack_status acepack_store_get(acepack_store *s, const void *key, size_t key_len, void *buf,
                                 size_t cap, size_t *needed, acepack_error *err)
{
    if (!s || !needed || (!key && key_len > 0))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    size_t x = aw_key_find(s, key_len ? key : "", key_len);
    uint32_t n;
    if (x == SIZE_MAX || !aw_entry_after(&s->ent[x], &n))
        return aw_fail(err, ACEPACK_NOT_FOUND, NULL, 0, "no such key");
    *needed = n;
    if (!buf)
        return ACEPACK_OK;
    if (cap < n)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "buffer smaller than the value");
    const aw_entry *e = &s->ent[x];
    if (e->pend == AW_PEND_PUT && !e->pend_file) {
        if (n)
            memcpy(buf, s->pend.p + e->pend_off + 4, n);
        return ACEPACK_OK;
    }
    uint64_t at = e->pend == AW_PEND_PUT ? e->pend_off : e->chunk_off;
    int r = aw_pread_all(&s->io, s->fd, buf, n, at + 4u);
    return r ? aw_fail_io(err, r, "cannot read the value") : ACEPACK_OK;
}

acepack_status acepack_store_append(acepack_store *s, uint64_t ts, uint32_t kind, uint32_t source,
                                    uint32_t flags, const void *payload, size_t payload_len,
                                    uint64_t *id, acepack_error *err)
{
    if (!s)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "store is NULL");
    acepack_status st =
        aw_check_event(ts, kind, source, flags, payload, payload_len, s->n_evt, err);
    if (st != ACEPACK_OK)
        return st;
    if (s->n_evt >= AW_U32_MAX)
        return aw_fail(err, ACEPACK_UNSUPPORTED, "W-EVT-3", s->n_evt, "2^32-1 events");
    if (aw_gt(payload_len, AW_U32_MAX - (uint64_t)s->pool.len))
        return aw_fail(err, ACEPACK_UNSUPPORTED, "W-EVT-3", s->n_evt,
                       "payloads would exceed 2^32-1 bytes (u32 pay_off)");
    /* Reserve everything first, so that a failed append changes nothing. */
    if (aw_buf_reserve(&s->a, &s->ts, 8) || aw_buf_reserve(&s->a, &s->kind, 1) ||
        aw_buf_reserve(&s->a, &s->src, 1) || aw_buf_reserve(&s->a, &s->flg, 1) ||
        aw_buf_reserve(&s->a, &s->poff, 4) || aw_buf_reserve(&s->a, &s->plen, 4) ||
        aw_buf_reserve(&s->a, &s->pool, payload_len))
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    aw_put64(s->ts.p + s->ts.len, ts);
    s->ts.len += 8;
    s->kind.p[s->kind.len++] = (uint8_t)kind;
    s->src.p[s->src.len++] = (uint8_t)source;
    s->flg.p[s->flg.len++] = (uint8_t)flags;
    aw_put32(s->poff.p + s->poff.len, (uint32_t)s->pool.len);
    s->poff.len += 4;
    aw_put32(s->plen.p + s->plen.len, (uint32_t)payload_len);
    s->plen.len += 4;
    if (payload_len)
        memcpy(s->pool.p + s->pool.len, payload, payload_len);
    s->pool.len += payload_len;
    s->n_evt++;
    if (id)
        *id = (uint64_t)s->base + s->n_evt; /* R-EVT-10 */
    return ACEPACK_OK;
}

acepack_status acepack_store_event(const acepack_store *s, uint64_t i, acepack_event *out)
{
    if (!s || !out || i >= s->n_evt)
        return ACEPACK_ARG;
    size_t k = (size_t)i;
    out->id = (uint64_t)s->base + i + 1u;
    out->ts = aw_get64(s->ts.p + 8 * k);
    out->kind = s->kind.p[k];
    out->source = s->src.p[k];
    out->flags = s->flg.p[k];
    out->payload.ptr = s->pool.p ? s->pool.p + aw_get32(s->poff.p + 4 * k) : NULL;
    out->payload.len = aw_get32(s->plen.p + 4 * k);
    return ACEPACK_OK;
}

acepack_status acepack_store_commit(acepack_store *s, acepack_error *err)
{
    if (!s)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "store is NULL");
    return aw_store_commit(s, 0, err);
}

acepack_status acepack_store_compact(acepack_store *s, acepack_error *err)
{
    if (!s)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "store is NULL");
    return aw_store_commit(s, 1, err);
}

void acepack_store_rollback(acepack_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_pend; i++) {
        aw_entry *e = &s->ent[s->pend_list[i]];
        e->pend = AW_PEND_NONE;
        e->pend_file = 0;
        e->listed = 0;
    }
    s->n_pend = 0;
    s->pend.len = 0;
    s->stage_end = 0; /* staged chunks are tail now */
    size_t n = (size_t)s->n_committed;
    s->ts.len = 8 * n;
    s->kind.len = s->src.len = s->flg.len = n;
    s->poff.len = s->plen.len = 4 * n;
    s->pool.len = (size_t)s->pool_committed;
    s->n_evt = s->n_committed;
}

void acepack_store_get_info(const acepack_store *s, acepack_store_info *out)
{
    if (!s || !out)
        return;
    memset(out, 0, sizeof *out);
    uint64_t keys = s->live_keys;
    for (size_t i = 0; i < s->n_pend; i++) {
        const aw_entry *e = &s->ent[s->pend_list[i]];
        uint32_t len;
        int after = aw_entry_after(e, &len);
        if (e->live && !after)
            keys--;
        else if (!e->live && after)
            keys++;
    }
    out->key_count = keys;
    out->event_count = s->n_evt;
    out->pending_events = s->n_evt - s->n_committed;
    out->pending_kv = s->n_pend;
    out->evt_base_id = s->base;
    out->file_size = s->extent;
    out->live_size = AW_HEADER_V2 + s->live_kv_bytes + s->seg_bytes + s->evt_len + s->index_len;
    out->commits = s->commits;
    out->compactions = s->compactions;
}
