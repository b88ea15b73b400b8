/*
 * write_store_stream.c - acepack_store_put_stream: a value of any size
 * (up to 2^32-1 bytes) read from a callback and written straight into the
 * store file, after everything that is committed or pending there, through
 * one fixed buffer.  Memory does not depend on the value's size and the
 * value is written once (a memory put would be copied, then written).
 *
 * The staged chunk lies beyond the committed extent, where a commit may
 * write (W-COMMIT-1): until a commit references it it is tail (W-COMMIT-3),
 * and the next commit writes its own bytes after it (s->stage_end).
 */
#include <errno.h>

#include "write_store_model.h"

#define STREAM_BUF ((size_t)1 << 20)
/* Start writeback every this many bytes (acepack_io.writeback), so that
 * the commit's fdatasync does not find the whole value dirty. */
#define STREAM_HINT ((uint64_t)8 << 20)

acepack_status acepack_store_put_stream(acepack_store *s, const void *key, size_t key_len,
                                        acepack_read_fn read, void *ctx, acepack_error *err)
{
    if (!s || !read || (!key && key_len > 0))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    if (aw_gt(key_len, AW_U32_MAX))
        return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "key longer than 2^32-1 bytes");
    size_t bad = acepack_utf8_check(key_len ? key : "", key_len);
    if (bad != key_len)
        return aw_fail(err, ACEPACK_INVALID, "W-IDX-2", bad, "key is not valid UTF-8");
    uint8_t *buf = aw_malloc(&s->a, STREAM_BUF);
    if (!buf)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    uint64_t at = s->stage_end > s->floor ? s->stage_end : s->floor;
    uint64_t len = 0, hinted = 0;
    acepack_status st = ACEPACK_OK;
    for (;;) {
        size_t got = 0;
        int r = read(ctx, buf, STREAM_BUF, &got);
        if (r != 0) {
            if (err) {
                err->status = ACEPACK_CALLBACK;
                err->rule = NULL;
                err->offset = len;
                err->message = "reading the value failed";
                err->sys_errno = r;
            }
            st = ACEPACK_CALLBACK;
            break;
        }
        if (got == 0)
            break;
        if (got > STREAM_BUF || got > AW_U32_MAX - len) {
            st = aw_fail(err, ACEPACK_UNSUPPORTED, "W-CHK-1", 0, "value longer than 2^32-1 bytes");
            break;
        }
        uint64_t off = at + 4u + len;
        if (off + got > AW_MAX_SAFE) {
            st = aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "store would exceed 2^53-1 bytes");
            break;
        }
        int e = aw_pwrite_all(&s->io, s->fd, buf, got, off);
        if (off + got > s->file_end)
            s->file_end = off + got; /* even a partial write leaves bytes there */
        if (e) {
            st = aw_fail_io(err, e, "cannot write the value to the store file");
            break;
        }
        len += got;
        if (len - hinted >= STREAM_HINT && s->io.writeback) {
            (void)s->io.writeback(s->io.ctx, s->fd, at + 4u + hinted, len - hinted);
            hinted = len;
        }
    }
    aw_free(&s->a, buf, STREAM_BUF);
    if (st != ACEPACK_OK)
        return st;
    uint8_t h[4];
    aw_put32(h, (uint32_t)len);
    int e = aw_pwrite_all(&s->io, s->fd, h, 4, at);
    if (at + 4u > s->file_end)
        s->file_end = at + 4u;
    if (e)
        return aw_fail_io(err, e, "cannot write the value to the store file");
    size_t x = aw_key_add(s, key_len ? key : "", key_len);
    if (x == SIZE_MAX || aw_pend_list_add(s, x) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    aw_entry *ent = &s->ent[x];
    ent->pend = AW_PEND_PUT;
    ent->pend_file = 1;
    ent->pend_off = at;
    ent->pend_len = (uint32_t)len;
    s->stage_end = at + 4u + len;
    return ACEPACK_OK;
}
