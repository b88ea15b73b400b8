/* fault_io.c - fault injection around the POSIX acepack_io (see fault_io.h). */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include "fault_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fio_snap {
    uint64_t dev, ino;
    int dupfd;
    uint8_t *data; /* the durable content */
    size_t size;
    uint8_t hdr[8][128]; /* writes at offset 0 since then (FAULT_POWER_HDR) */
    size_t hdr_len[8];
    int n_hdr;
};

static const acepack_io *px(void)
{
    return acepack_io_posix();
}

const char *fault_name(fault_kind k)
{
    static const char *names[] = {"none", "eio", "enospc", "short", "crash", "power", "power_hdr"};
    return (unsigned)k < FAULT_KINDS ? names[k] : "?";
}

static int is_power(const fault_io *f)
{
    return f->kind == FAULT_POWER || f->kind == FAULT_POWER_HDR;
}

/* Counts a call; returns 1 when the fault hits it (and records that). */
static int hit(fault_io *f, const char *name)
{
    f->calls++;
    if (f->fail_at > 0 && f->calls == f->fail_at && f->kind != FAULT_NONE) {
        f->fired = 1;
        f->fired_call = name;
        if (f->verbose)
            fprintf(stderr, "  fault %s at call %ld (%s)\n", fault_name(f->kind), f->calls, name);
        if (f->kind == FAULT_CRASH || is_power(f))
            f->crashed = 1;
        if (f->kind == FAULT_ENOSPC)
            f->disk_full = 1;
        return 1;
    }
    return 0;
}

static void set_path(fault_io *f, int fd, const char *path)
{
    if (fd < 0 || fd >= FIO_MAX_FD)
        return;
    free(f->fd_path[fd]);
    f->fd_path[fd] = path ? strdup(path) : NULL;
}

static int is_store_fd(const fault_io *f, int fd)
{
    return f->store_path && fd >= 0 && fd < FIO_MAX_FD && f->fd_path[fd] &&
           strcmp(f->fd_path[fd], f->store_path) == 0;
}

static fio_snap *snap_find(fault_io *f, int fd, int *slot)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return NULL;
    for (int i = 0; i < FIO_MAX_SNAP; i++) {
        fio_snap *s = f->snaps[i];
        if (s && s->dev == (uint64_t)st.st_dev && s->ino == (uint64_t)st.st_ino) {
            if (slot)
                *slot = i;
            return s;
        }
    }
    return NULL;
}

static void snap_drop(fault_io *f, int i)
{
    fio_snap *s = f->snaps[i];
    if (!s)
        return;
    close(s->dupfd);
    free(s->data);
    free(s);
    f->snaps[i] = NULL;
}

/* Before a write to fd: remember the durable content of its file, once. */
static fio_snap *snap_before_write(fault_io *f, int fd)
{
    if (!is_power(f))
        return NULL;
    fio_snap *s = snap_find(f, fd, NULL);
    if (s)
        return s;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return NULL;
    for (int i = 0; i < FIO_MAX_SNAP; i++) {
        if (f->snaps[i])
            continue;
        s = calloc(1, sizeof *s);
        s->dev = (uint64_t)st.st_dev;
        s->ino = (uint64_t)st.st_ino;
        s->dupfd = dup(fd);
        s->size = (size_t)st.st_size;
        s->data = malloc(s->size ? s->size : 1);
        size_t got = 0;
        while (got < s->size) {
            ssize_t r = pread(fd, s->data + got, s->size - got, (off_t)got);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        f->snaps[i] = s;
        return s;
    }
    fprintf(stderr, "fault_io: too many files with unsynced writes\n");
    abort();
}

static void snap_synced(fault_io *f, int fd)
{
    int slot;
    if (snap_find(f, fd, &slot))
        snap_drop(f, slot);
}

static int f_open(void *ctx, const char *path, unsigned flags, uint32_t mode, int *fd)
{
    fault_io *f = ctx;
    if (f->crashed || hit(f, "open"))
        return f->kind == FAULT_ENOSPC && !f->crashed ? ENOSPC : EIO;
    int e = px()->open(NULL, path, flags, mode, fd);
    if (!e)
        set_path(f, *fd, path);
    return e;
}

static int f_close(void *ctx, int fd)
{
    fault_io *f = ctx;
    set_path(f, fd, NULL);
    return px()->close(NULL, fd);
}

static int f_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off, size_t *done)
{
    fault_io *f = ctx;
    if (f->crashed)
        return EIO;
    return px()->pread(NULL, fd, buf, n, off, done);
}

static int do_pwrite(fault_io *f, int fd, const void *buf, size_t n, uint64_t off, size_t *done)
{
    fio_snap *s = snap_before_write(f, fd);
    int e = px()->pwrite(NULL, fd, buf, n, off, done);
    if (!e && s && off == 0 && *done <= 128 && s->n_hdr < 8) {
        memcpy(s->hdr[s->n_hdr], buf, *done);
        s->hdr_len[s->n_hdr++] = *done;
    }
    return e;
}

static int f_pwrite(void *ctx, int fd, const void *buf, size_t n, uint64_t off, size_t *done)
{
    fault_io *f = ctx;
    int header = is_store_fd(f, fd) && off == 0 && n == 128;
    if (f->crashed)
        return EIO;
    if (hit(f, "pwrite")) {
        if (f->crashed)
            return EIO;
        if (f->kind == FAULT_EIO || header)
            return f->kind == FAULT_ENOSPC ? ENOSPC : EIO; /* headers: all or nothing */
        /* ENOSPC and SHORT: a prefix reaches the file. */
        size_t part = n / 2;
        if (part == 0)
            return f->kind == FAULT_ENOSPC ? ENOSPC : EIO;
        return do_pwrite(f, fd, buf, part, off, done);
    }
    if (f->disk_full)
        return ENOSPC;
    int e = do_pwrite(f, fd, buf, n, off, done);
    if (!e && header && *done == 128)
        f->new_visible = 1;
    return e;
}

static int f_write(void *ctx, int fd, const void *buf, size_t n, size_t *done)
{
    fault_io *f = ctx;
    if (f->crashed)
        return EIO;
    if (hit(f, "write")) {
        if (f->crashed || f->kind == FAULT_EIO)
            return EIO;
        size_t part = n / 2;
        if (part == 0)
            return f->kind == FAULT_ENOSPC ? ENOSPC : EIO;
        return px()->write(NULL, fd, buf, part, done);
    }
    if (f->disk_full)
        return ENOSPC;
    return px()->write(NULL, fd, buf, n, done);
}

static int sync_common(fault_io *f, int fd, const char *name, int data_only)
{
    if (f->crashed)
        return EIO;
    if (hit(f, name)) {
        if (f->crashed)
            return EIO;
        if (f->kind == FAULT_SHORT) /* no meaning for a sync: it just works */
            goto ok;
        return f->kind == FAULT_ENOSPC ? ENOSPC : EIO;
    }
ok:
    if (f->real_sync) {
        int e = data_only ? px()->fdatasync(NULL, fd) : px()->fsync(NULL, fd);
        if (e)
            return e;
    }
    snap_synced(f, fd);
    return 0;
}

static int f_fsync(void *ctx, int fd)
{
    return sync_common(ctx, fd, "fsync", 0);
}

static int f_fdatasync(void *ctx, int fd)
{
    return sync_common(ctx, fd, "fdatasync", 1);
}

static int f_ftruncate(void *ctx, int fd, uint64_t size)
{
    fault_io *f = ctx;
    if (f->crashed)
        return EIO;
    if (hit(f, "ftruncate")) {
        if (f->crashed)
            return EIO;
        if (f->kind != FAULT_SHORT)
            return f->kind == FAULT_ENOSPC ? ENOSPC : EIO;
    }
    if (f->disk_full)
        return ENOSPC;
    snap_before_write(f, fd);
    return px()->ftruncate(NULL, fd, size);
}

/* Namespace calls: EIO, ENOSPC fail without effect; SHORT has no meaning. */
#define NS_FAULT(f, name)                                    \
    do {                                                     \
        if ((f)->crashed)                                    \
            return EIO;                                      \
        if (hit((f), (name)) && (f)->kind != FAULT_SHORT) {  \
            if ((f)->crashed)                                \
                return EIO;                                  \
            return (f)->kind == FAULT_ENOSPC ? ENOSPC : EIO; \
        }                                                    \
    } while (0)

static int f_flock(void *ctx, int fd, int op)
{
    fault_io *f = ctx;
    NS_FAULT(f, "flock");
    return px()->flock(NULL, fd, op);
}

static int f_fstat(void *ctx, int fd, acepack_file_info *out)
{
    fault_io *f = ctx;
    if (f->crashed)
        return EIO;
    return px()->fstat(NULL, fd, out);
}

static int f_stat(void *ctx, const char *path, acepack_file_info *out)
{
    fault_io *f = ctx;
    if (f->crashed)
        return EIO;
    return px()->stat(NULL, path, out);
}

static int f_rename(void *ctx, const char *from, const char *to)
{
    fault_io *f = ctx;
    NS_FAULT(f, "rename");
    int e = px()->rename(NULL, from, to);
    if (!e) {
        for (int fd = 0; fd < FIO_MAX_FD; fd++)
            if (f->fd_path[fd] && strcmp(f->fd_path[fd], from) == 0)
                set_path(f, fd, to);
        if (f->store_path && strcmp(to, f->store_path) == 0)
            f->new_visible = 1;
    }
    return e;
}

static int f_link(void *ctx, const char *from, const char *to)
{
    fault_io *f = ctx;
    NS_FAULT(f, "link");
    int e = px()->link(NULL, from, to);
    if (!e && f->store_path && strcmp(to, f->store_path) == 0)
        f->new_visible = 1;
    return e;
}

static int f_unlink(void *ctx, const char *path)
{
    fault_io *f = ctx;
    NS_FAULT(f, "unlink");
    return px()->unlink(NULL, path);
}

static int f_map(void *ctx, int fd, uint64_t size, const void **addr)
{
    fault_io *f = ctx;
    if (f->crashed)
        return EIO;
    return px()->map(NULL, fd, size, addr);
}

static void f_unmap(void *ctx, const void *addr, uint64_t size)
{
    (void)ctx;
    px()->unmap(NULL, addr, size);
}

/* A hint whose failure the writer must ignore: it counts as a call, so a
 * schedule can fail it or crash at it, but it makes nothing durable. */
static int f_writeback(void *ctx, int fd, uint64_t off, uint64_t len)
{
    fault_io *f = ctx;
    NS_FAULT(f, "writeback");
    return px()->writeback(NULL, fd, off, len);
}

void fault_io_init(fault_io *f, const char *store_path)
{
    memset(f, 0, sizeof *f);
    acepack_io io = {
        ACEPACK_IO_VERSION, f_open,      f_close, f_pread, f_pwrite,   f_write,  f_fsync,
        f_fdatasync,        f_ftruncate, f_flock, f_fstat, f_stat,     f_rename, f_link,
        f_unlink,           f_map,       f_unmap, f,       f_writeback};
    f->io = io;
    f->store_path = store_path;
}

void fault_io_arm(fault_io *f, fault_kind kind, long k)
{
    f->kind = kind;
    f->fail_at = k;
    f->fired = 0;
    f->fired_call = NULL;
    f->new_visible = 0;
    f->disk_full = 0;
}

void fault_io_disarm(fault_io *f)
{
    f->fail_at = 0;
    f->disk_full = 0;
}

void fault_io_power_loss(fault_io *f)
{
    for (int i = 0; i < FIO_MAX_SNAP; i++) {
        fio_snap *s = f->snaps[i];
        if (!s)
            continue;
        if (f->kind == FAULT_POWER || f->kind == FAULT_POWER_HDR) {
            size_t done = 0;
            while (done < s->size) {
                ssize_t r = pwrite(s->dupfd, s->data + done, s->size - done, (off_t)done);
                if (r <= 0)
                    break;
                done += (size_t)r;
            }
            if (ftruncate(s->dupfd, (off_t)s->size) != 0)
                perror("ftruncate");
            if (f->kind == FAULT_POWER_HDR)
                for (int h = 0; h < s->n_hdr; h++)
                    if (pwrite(s->dupfd, s->hdr[h], s->hdr_len[h], 0) < 0)
                        perror("pwrite");
        }
        snap_drop(f, i);
    }
}

void fault_io_free(fault_io *f)
{
    for (int i = 0; i < FIO_MAX_SNAP; i++)
        snap_drop(f, i);
    for (int fd = 0; fd < FIO_MAX_FD; fd++)
        set_path(f, fd, NULL);
}
