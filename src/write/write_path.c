/*
 * write_path.c - which file a writer replaces, and what it may remove:
 * symbolic links resolved to the file the user means (W-COMMIT-6), stale
 * temporary files of crashed writers removed (W-LOCK-4), and the install of
 * a produced file (build, migrate OUT) under the lock of its target
 * (W-COMMIT-9).
 *
 * Path resolution and the directory scan use the system calls directly:
 * acepack_io covers the bytes and the namespace operations a commit makes
 * (faults are injected there); a link's target and a directory's names are
 * only read.
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* readlink, lstat with -std=c11 */
#endif

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "write_internal.h"

/* Linux's own limit for a chain of links (MAXSYMLINKS). */
#define LINK_HOPS 40

/* `target` of a link found at `link`: absolute as is, relative to the
 * link's directory otherwise. */
static char *join_link(const acepack_allocator *a, const char *link, const char *target)
{
    if (target[0] == '/')
        return aw_strdup(a, target);
    const char *slash = strrchr(link, '/');
    size_t d = slash ? (size_t)(slash - link) + 1 : 0;
    size_t t = strlen(target);
    char *p = aw_malloc(a, d + t + 1);
    if (p) {
        memcpy(p, link, d);
        memcpy(p + d, target, t + 1);
    }
    return p;
}

acepack_status aw_resolve_path(const acepack_allocator *a, const char *path, char **out,
                               acepack_error *err)
{
    *out = NULL;
    char *cur = aw_strdup(a, path);
    if (!cur)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    for (int hop = 0;; hop++) {
        struct stat st;
        if (lstat(cur, &st) != 0) {
            int e = errno;
            if (e == ENOENT && hop > 0) {
                aw_strfree(a, cur);
                return aw_fail_io(err, ENOENT,
                                  "the path is a dangling symbolic link (its target does not "
                                  "exist; create the target or remove the link)");
            }
            if (e == ENOENT) { /* not there yet: the path itself is meant */
                *out = cur;
                return ACEPACK_OK;
            }
            aw_strfree(a, cur);
            return aw_fail_io(err, e, "cannot inspect the path");
        }
        if (!S_ISLNK(st.st_mode)) {
            *out = cur;
            return ACEPACK_OK;
        }
        if (hop >= LINK_HOPS) {
            aw_strfree(a, cur);
            return aw_fail_io(err, ELOOP, "too many symbolic links in a chain");
        }
        /* st_size of a link is its target's length, 0 for some /proc links. */
        size_t cap =
            st.st_size > 0 && (uint64_t)st.st_size < 65536u ? (size_t)st.st_size + 1 : 4096u;
        char *t = aw_malloc(a, cap);
        if (!t) {
            aw_strfree(a, cur);
            return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
        }
        ssize_t n = readlink(cur, t, cap);
        if (n < 0 || (size_t)n >= cap) {
            int e = n < 0 ? errno : ENAMETOOLONG;
            aw_free(a, t, cap);
            aw_strfree(a, cur);
            return aw_fail_io(err, e, "cannot read the symbolic link");
        }
        t[n] = '\0';
        char *next = join_link(a, cur, t);
        aw_free(a, t, cap);
        aw_strfree(a, cur);
        if (!next)
            return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
        cur = next;
    }
}

int aw_is_temp_name(const char *name, const char *base)
{
    static const char suffix[] = AW_TEMP_SUFFIX;
    size_t b = strlen(base), s = sizeof suffix - 1;
    if (strncmp(name, base, b) != 0 || strncmp(name + b, suffix, s) != 0)
        return 0;
    const char *h = name + b + s;
    for (int i = 0; i < 16; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return 0;
    return h[16] == '\0';
}

/* Removes `p` when nobody holds its lock (W-LOCK-4): every writer locks its
 * temporary file from creation to rename, so an unlocked one has no owner.
 * A temporary name of the store file itself (a creation that linked it and
 * died before removing the name) is locked by us: it is only a second name. */
static void remove_if_stale(const acepack_io *io, const char *p, const acepack_file_info *store)
{
    int fd = -1;
    if (io->open(io->ctx, p, ACEPACK_IO_RDONLY, 0, &fd) != 0)
        return;
    acepack_file_info x, y;
    int ok = io->fstat(io->ctx, fd, &x) == 0 && x.is_regular;
    int is_store = ok && store && x.dev == store->dev && x.ino == store->ino;
    if (ok && (is_store || io->flock(io->ctx, fd, ACEPACK_IO_LOCK_EX_NB) == 0) &&
        io->stat(io->ctx, p, &y) == 0 && x.dev == y.dev && x.ino == y.ino)
        io->unlink(io->ctx, p);
    io->close(io->ctx, fd);
}

void aw_clean_temps(const acepack_allocator *a, const acepack_io *io, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = aw_dirname(a, path);
    if (!dir)
        return;
    acepack_file_info st;
    int have_store = io->stat(io->ctx, path, &st) == 0;
    DIR *d = opendir(dir);
    if (d) {
        size_t dl = strlen(dir);
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!aw_is_temp_name(de->d_name, base))
                continue;
            size_t n = dl + 1 + strlen(de->d_name) + 1;
            char *p = aw_malloc(a, n);
            if (!p)
                break;
            memcpy(p, dir, dl);
            p[dl] = '/';
            memcpy(p + dl + 1, de->d_name, n - dl - 1);
            remove_if_stale(io, p, have_store ? &st : NULL);
            aw_free(a, p, n);
        }
        closedir(d);
    }
    aw_strfree(a, dir);
}

/* ---- produced files (W-COMMIT-9) ---- */

acepack_status aw_output_begin(aw_output *o, const acepack_allocator *a, const acepack_io *io,
                               const char *path, uint32_t mode, acepack_error *err)
{
    memset(o, 0, sizeof *o);
    o->a = a;
    o->io = io;
    o->tfd = o->lock_fd = -1;
    acepack_status st = aw_resolve_path(a, path, &o->target, err);
    if (st != ACEPACK_OK)
        return st;
    o->dir = aw_dirname(a, o->target);
    if (!o->dir) {
        aw_output_end(o);
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    }
    /* An existing OUT is a store somebody may be writing: take its lock
     * (W-LOCK-1) and keep it until the new file is at the path. */
    int fd = -1;
    int e = io->open(io->ctx, o->target, ACEPACK_IO_RDONLY, 0, &fd);
    if (e == 0) {
        acepack_file_info fi;
        e = io->fstat(io->ctx, fd, &fi);
        if (e || !fi.is_regular) {
            io->close(io->ctx, fd);
            aw_output_end(o);
            return e ? aw_fail_io(err, e, "fstat of the output failed")
                     : aw_fail(err, ACEPACK_ARG, NULL, 0,
                               "the output exists and is not a regular file");
        }
        e = io->flock(io->ctx, fd, ACEPACK_IO_LOCK_EX_NB);
        if (e) {
            io->close(io->ctx, fd);
            aw_output_end(o);
            if (e == EWOULDBLOCK || e == EAGAIN)
                return aw_fail(err, ACEPACK_LOCKED, "W-LOCK-1", 0,
                               "another writer holds the lock on the output file");
            return aw_fail_io(err, e, "cannot lock the output file");
        }
        o->lock_fd = fd;
        if (mode == 0)
            mode = fi.mode;
        aw_clean_temps(a, io, o->target); /* we hold its lock: W-LOCK-4 */
    } else if (e != ENOENT) {
        aw_output_end(o);
        return aw_fail_io(err, e, "cannot open the output file");
    }
    return aw_create_temp(a, io, o->target, mode ? mode : 0644u, &o->tfd, &o->tmp, err);
}

acepack_status aw_output_install(aw_output *o, acepack_error *err)
{
    int renamed = 0;
    acepack_status st = aw_install_temp(o->io, o->tfd, o->tmp, o->target, o->dir, &renamed, err);
    if (renamed) {
        aw_strfree(o->a, o->tmp);
        o->tmp = NULL; /* nothing to remove any more */
        /* The file at the target is ours and locked (tfd): W-LOCK-4 lets us
         * remove what crashed writers of this path left, also when the
         * target did not exist before. */
        aw_clean_temps(o->a, o->io, o->target);
    }
    return st;
}

void aw_output_end(aw_output *o)
{
    if (o->tmp)
        o->io->unlink(o->io->ctx, o->tmp);
    if (o->tfd >= 0)
        o->io->close(o->io->ctx, o->tfd);
    if (o->lock_fd >= 0)
        o->io->close(o->io->ctx, o->lock_fd);
    aw_strfree(o->a, o->tmp);
    aw_strfree(o->a, o->target);
    aw_strfree(o->a, o->dir);
    memset(o, 0, sizeof *o);
    o->tfd = o->lock_fd = -1;
}
