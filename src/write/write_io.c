/*
 * write_io.c - the POSIX acepack_io table and the loops and file-replacing
 * steps built on any acepack_io (temporary files, W-COMPACT-1, M-2).
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* flock, fdatasync, O_DIRECTORY, pread with -std=c11 */
#endif
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE 1 /* sync_file_range */
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "write_internal.h"

/* One system call transfers at most this much (Linux caps at ~2 GiB anyway). */
#define IO_MAX_CHUNK ((size_t)1 << 30)

/* A signal that arrives before anything happened fails the call with EINTR;
 * that is no error, the call is made again. */
#define RETRY_ON_EINTR(r, call) \
    do {                        \
        (r) = (call);           \
    } while ((r) < 0 && errno == EINTR)

static size_t one_call(size_t n)
{
    return n < IO_MAX_CHUNK ? n : IO_MAX_CHUNK;
}

/* The acepack_io convention for a transfer: 0 and the byte count, or errno. */
static int transferred(ssize_t r, size_t *done)
{
    if (r < 0)
        return errno;
    *done = (size_t)r;
    return 0;
}

static int px_open(void *ctx, const char *path, unsigned flags, uint32_t mode, int *fd)
{
    (void)ctx;
    int f = O_CLOEXEC;
    if (flags & ACEPACK_IO_RDWR)
        f |= O_RDWR;
    else
        f |= O_RDONLY;
    if (flags & ACEPACK_IO_CREATE_EXCL)
        f |= O_CREAT | O_EXCL;
    if (flags & ACEPACK_IO_DIRECTORY)
        f |= O_DIRECTORY;
    int r;
    RETRY_ON_EINTR(r, open(path, f, (mode_t)mode));
    if (r < 0)
        return errno;
    *fd = r;
    return 0;
}

static int px_close(void *ctx, int fd)
{
    (void)ctx;
    /* Never retry close() on EINTR: the descriptor is gone either way on Linux. */
    return close(fd) == 0 ? 0 : (errno == EINTR ? 0 : errno);
}

static int px_pread(void *ctx, int fd, void *buf, size_t n, uint64_t off, size_t *done)
{
    (void)ctx;
    if (off > (uint64_t)INT64_MAX)
        return EINVAL;
    ssize_t r;
    RETRY_ON_EINTR(r, pread(fd, buf, one_call(n), (off_t)off));
    return transferred(r, done);
}

static int px_pwrite(void *ctx, int fd, const void *buf, size_t n, uint64_t off, size_t *done)
{
    (void)ctx;
    if (off > (uint64_t)INT64_MAX)
        return EINVAL;
    ssize_t r;
    RETRY_ON_EINTR(r, pwrite(fd, buf, one_call(n), (off_t)off));
    return transferred(r, done);
}

static int px_write(void *ctx, int fd, const void *buf, size_t n, size_t *done)
{
    (void)ctx;
    ssize_t r;
    RETRY_ON_EINTR(r, write(fd, buf, one_call(n)));
    return transferred(r, done);
}

static int px_fsync(void *ctx, int fd)
{
    (void)ctx;
#if defined(__APPLE__) && defined(F_FULLFSYNC)
    if (fcntl(fd, F_FULLFSYNC) == 0)
        return 0;
#endif
    return fsync(fd) == 0 ? 0 : errno;
}

static int px_fdatasync(void *ctx, int fd)
{
#if defined(__APPLE__)
    return px_fsync(ctx, fd); /* no fdatasync; F_FULLFSYNC is what makes data durable */
#else
    (void)ctx;
    return fdatasync(fd) == 0 ? 0 : errno;
#endif
}

static int px_ftruncate(void *ctx, int fd, uint64_t size)
{
    (void)ctx;
    if (size > (uint64_t)INT64_MAX)
        return EINVAL;
    int r;
    RETRY_ON_EINTR(r, ftruncate(fd, (off_t)size));
    return r == 0 ? 0 : errno;
}

static int px_flock(void *ctx, int fd, int op)
{
    (void)ctx;
    int o = op == ACEPACK_IO_UNLOCK ? LOCK_UN : (LOCK_EX | LOCK_NB);
    int r;
    RETRY_ON_EINTR(r, flock(fd, o));
    return r == 0 ? 0 : errno;
}

static void fill_info(const struct stat *st, acepack_file_info *out)
{
    out->dev = (uint64_t)st->st_dev;
    out->ino = (uint64_t)st->st_ino;
    out->size = st->st_size < 0 ? 0 : (uint64_t)st->st_size;
    out->mode = (uint32_t)(st->st_mode & 07777);
    out->is_regular = S_ISREG(st->st_mode) ? 1 : 0;
}

static int px_fstat(void *ctx, int fd, acepack_file_info *out)
{
    (void)ctx;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return errno;
    fill_info(&st, out);
    return 0;
}

static int px_stat(void *ctx, const char *path, acepack_file_info *out)
{
    (void)ctx;
    struct stat st;
    if (stat(path, &st) != 0)
        return errno;
    fill_info(&st, out);
    return 0;
}

static int px_rename(void *ctx, const char *from, const char *to)
{
    (void)ctx;
    return rename(from, to) == 0 ? 0 : errno;
}

static int px_link(void *ctx, const char *from, const char *to)
{
    (void)ctx;
    return link(from, to) == 0 ? 0 : errno;
}

static int px_unlink(void *ctx, const char *path)
{
    (void)ctx;
    return unlink(path) == 0 ? 0 : errno;
}

static int px_map(void *ctx, int fd, uint64_t size, const void **addr)
{
    (void)ctx;
    if (size == 0 || size > (uint64_t)SIZE_MAX)
        return EINVAL;
    void *p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return errno;
    *addr = p;
    return 0;
}

static void px_unmap(void *ctx, const void *addr, uint64_t size)
{
    (void)ctx;
    void *p;
    memcpy(&p, &addr, sizeof p); /* drop const without a cast warning */
    munmap(p, (size_t)size);
}

/* A hint (acepack_io.writeback): start writing the range, do not wait. */
static int px_writeback(void *ctx, int fd, uint64_t off, uint64_t len)
{
    (void)ctx;
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    if (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off ||
        (sizeof(off_t) < 8 && off + len > (uint64_t)INT32_MAX))
        return EINVAL;
    return sync_file_range(fd, (off_t)off, (off_t)len, SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
#else
    (void)fd;
    (void)off;
    (void)len;
    return 0;
#endif
}

static const acepack_io posix_io = {
    ACEPACK_IO_VERSION, px_open,      px_close, px_pread, px_pwrite,   px_write,  px_fsync,
    px_fdatasync,       px_ftruncate, px_flock, px_fstat, px_stat,     px_rename, px_link,
    px_unlink,          px_map,       px_unmap, NULL,     px_writeback};

const acepack_io *acepack_io_posix(void)
{
    return &posix_io;
}

/* The end of the members each version of acepack_io has: a table of an
 * older version may be exactly that long (a program built against an older
 * header), so nothing past it is read. */
static size_t io_extent(unsigned version)
{
    if (version == 1)
        return offsetof(acepack_io, ctx) + sizeof(void *);
    return sizeof(acepack_io);
}

acepack_status aw_io_adopt(const acepack_io *io, acepack_io *out, acepack_error *err)
{
    if (!io) {
        *out = posix_io;
        return ACEPACK_OK;
    }
    if (io->version == 0)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "acepack_io.version is 0");
    memset(out, 0, sizeof *out);
    memcpy(out, io, io_extent(io->version));
    out->version = ACEPACK_IO_VERSION;
    return ACEPACK_OK;
}

typedef enum transfer_kind { T_PREAD, T_PWRITE, T_WRITE } transfer_kind;

/* The loop behind the *_all functions: an acepack_io call may move fewer
 * bytes than asked (a signal, a pipe, an injected short write).  A call that
 * moves nothing would loop forever: for a read it means the file is shorter
 * than its header says (it changed under us), for a write a device that
 * takes nothing; both are EIO, as is a count larger than asked. */
static int transfer_all(const acepack_io *io, transfer_kind kind, int fd, uint8_t *in,
                        const uint8_t *out, size_t n, uint64_t off)
{
    size_t pos = 0;
    while (pos < n) {
        size_t done = 0;
        int e;
        if (kind == T_PREAD)
            e = io->pread(io->ctx, fd, in + pos, n - pos, off + pos, &done);
        else if (kind == T_PWRITE)
            e = io->pwrite(io->ctx, fd, out + pos, n - pos, off + pos, &done);
        else
            e = io->write(io->ctx, fd, out + pos, n - pos, &done);
        if (e)
            return e;
        if (done == 0 || done > n - pos)
            return EIO;
        pos += done;
    }
    return 0;
}

int aw_pwrite_all(const acepack_io *io, int fd, const void *p, size_t n, uint64_t off)
{
    return transfer_all(io, T_PWRITE, fd, NULL, p, n, off);
}

int aw_pread_all(const acepack_io *io, int fd, void *p, size_t n, uint64_t off)
{
    return transfer_all(io, T_PREAD, fd, p, NULL, n, off);
}

int aw_write_all(const acepack_io *io, int fd, const void *p, size_t n)
{
    return transfer_all(io, T_WRITE, fd, NULL, p, n, 0);
}

int aw_fsync_dir(const acepack_io *io, const char *dir)
{
    int fd = -1;
    int e = io->open(io->ctx, dir, ACEPACK_IO_RDONLY | ACEPACK_IO_DIRECTORY, 0, &fd);
    if (e)
        return e;
    e = io->fsync(io->ctx, fd);
    int c = io->close(io->ctx, fd);
    return e ? e : c;
}

char *aw_strdup(const acepack_allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = aw_malloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void aw_strfree(const acepack_allocator *a, char *s)
{
    if (s)
        aw_free(a, s, strlen(s) + 1);
}

char *aw_dirname(const acepack_allocator *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return aw_strdup(a, ".");
    size_t n = (size_t)(slash - path);
    if (n == 0)
        n = 1; /* "/name": the root directory */
    char *p = aw_malloc(a, n + 1);
    if (p) {
        memcpy(p, path, n);
        p[n] = '\0';
    }
    return p;
}

/* A name that differs between processes and between calls; collisions are
 * harmless (O_EXCL refuses them and we try again). */
static uint64_t temp_name_bits(uint64_t salt)
{
    static const char anchor = 0;
    uint64_t x = (uint64_t)(uintptr_t)&anchor ^ ((uint64_t)getpid() << 32) ^ (uint64_t)time(NULL);
    x ^= (uint64_t)clock() * 0x9E3779B97F4A7C15ull;
    x ^= salt * 0xD1B54A32D192ED03ull;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return x;
}

acepack_status aw_create_temp(const acepack_allocator *a, const acepack_io *io, const char *path,
                              uint32_t mode, int *fd, char **tmp_path, acepack_error *err)
{
    /* "<path>.acepack-tmp-" + 16 hex digits.  It lives only while a compaction,
     * migration or creation runs (W-LOCK-3 forbids lasting sidecar files). */
    static const char suffix[] = AW_TEMP_SUFFIX;
    size_t plen = strlen(path);
    size_t n = plen + sizeof suffix - 1 + 16 + 1;
    char *name = aw_malloc(a, n);
    if (!name)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    uint64_t salt = (uint64_t)(uintptr_t)name;
    for (int attempt = 0; attempt < 64; attempt++) {
        uint64_t bits = temp_name_bits(salt + (uint64_t)attempt);
        memcpy(name, path, plen);
        memcpy(name + plen, suffix, sizeof suffix - 1);
        char *h = name + plen + sizeof suffix - 1;
        for (int i = 0; i < 16; i++)
            h[i] = "0123456789abcdef"[(bits >> (60 - 4 * i)) & 15u];
        h[16] = '\0';
        int f = -1;
        int e = io->open(io->ctx, name, ACEPACK_IO_RDWR | ACEPACK_IO_CREATE_EXCL, mode, &f);
        if (e == EEXIST)
            continue;
        if (e) {
            aw_free(a, name, n);
            return aw_fail_io(err, e, "cannot create a temporary file next to the store");
        }
        /* W-LOCK-4: locked from now until renamed or removed, so that no
         * writer cleaning up takes it for a crashed writer's.  A cleaner that
         * got here between the open and the flock holds the lock or has
         * removed the name: then this file is not ours to use, try another. */
        acepack_file_info x, y;
        e = io->flock(io->ctx, f, ACEPACK_IO_LOCK_EX_NB);
        if (!e)
            e = io->fstat(io->ctx, f, &x);
        if (!e)
            e = io->stat(io->ctx, name, &y);
        if (!e && (x.dev != y.dev || x.ino != y.ino))
            e = ENOENT;
        if (e == EWOULDBLOCK || e == EAGAIN || e == ENOENT) {
            io->close(io->ctx, f);
            continue;
        }
        if (e) {
            io->close(io->ctx, f);
            io->unlink(io->ctx, name);
            aw_free(a, name, n);
            return aw_fail_io(err, e, "cannot lock the temporary file");
        }
        *fd = f;
        *tmp_path = name;
        return ACEPACK_OK;
    }
    aw_free(a, name, n);
    return aw_fail_io(err, EEXIST, "cannot find a free temporary file name");
}

acepack_status aw_install_temp(const acepack_io *io, int fd, const char *tmp, const char *target,
                               const char *dir, int *renamed, acepack_error *err)
{
    *renamed = 0;
    int e = io->fsync(io->ctx, fd);
    if (e) {
        io->unlink(io->ctx, tmp);
        return aw_fail_io(err, e, "fsync of the temporary file failed");
    }
    /* The file is locked since aw_create_temp, so it is never visible at the
     * path without a writer's lock on it (W-COMPACT-1). */
    e = io->rename(io->ctx, tmp, target);
    if (e) {
        io->unlink(io->ctx, tmp);
        return aw_fail_io(err, e, "rename of the temporary file failed");
    }
    *renamed = 1;
    e = aw_fsync_dir(io, dir);
    if (e)
        return aw_fail_io(err, e, "fsync of the directory failed after the rename");
    return ACEPACK_OK;
}
