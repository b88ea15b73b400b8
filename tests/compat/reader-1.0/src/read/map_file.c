/*
 * map_file.c - read-only mapping of a whole file with mmap (POSIX), so that
 * reading a file needs no heap either.
 *
 * The mapping reflects later changes to the file.  ACEPACK writers only
 * append and rewrite the header (spec 9), but W-COMMIT-4 lets them truncate
 * the tail: a reader that must survive that should copy the file instead.
 */
#define _POSIX_C_SOURCE 200809L
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static acepack_status io_fail(acepack_error *err, const char *msg, int e)
{
    acepack_status st = ap_fail(err, ACEPACK_IO, NULL, 0, msg);
    if (err)
        err->sys_errno = e;
    return st;
}

acepack_status acepack_map_file(const char *path, acepack_mapping *m, acepack_error *err)
{
    struct stat st;
    int fd, e;
    void *p;
    if (path == NULL || m == NULL)
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    m->data = NULL;
    m->size = 0;
    m->base_ = NULL;
    m->map_len_ = 0;
    do {
        fd = open(path, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return io_fail(err, "cannot open the file", errno);
    if (fstat(fd, &st) != 0) {
        e = errno;
        close(fd);
        return io_fail(err, "cannot stat the file", e);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return io_fail(err, "not a regular file", EINVAL);
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)SIZE_MAX ||
        (uint64_t)st.st_size > AP_MAX_SAFE_INT) {
        close(fd);
        return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "file too large to map");
    }
    if (st.st_size == 0) { /* mmap cannot map 0 bytes; acepack_open reports R-HDR-1 */
        close(fd);
        return ACEPACK_OK;
    }
    p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    e = errno;
    close(fd);
    if (p == MAP_FAILED)
        return io_fail(err, "cannot map the file", e);
    m->base_ = p;
    m->map_len_ = (size_t)st.st_size;
    m->data = (const uint8_t *)p;
    m->size = (size_t)st.st_size;
    return ACEPACK_OK;
}

void acepack_unmap(acepack_mapping *m)
{
    if (m == NULL)
        return;
    if (m->base_ != NULL)
        munmap(m->base_, m->map_len_);
    m->data = NULL;
    m->size = 0;
    m->base_ = NULL;
    m->map_len_ = 0;
}
