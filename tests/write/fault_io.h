/*
 * fault_io.h - an acepack_io that counts the writer's mutating system calls
 * and injects one fault at the k-th of them.
 *
 * Counted calls: open, pwrite, write, fsync, fdatasync, ftruncate, flock,
 * rename, link, unlink.  (close, pread, fstat, stat, map, unmap are passed
 * through uncounted.)  Faults:
 *   FAULT_EIO     the call fails with EIO and has no effect.
 *   FAULT_ENOSPC  a write writes half its bytes and returns the short count;
 *                 from then on every write or ftruncate fails with ENOSPC
 *                 (the disk is full) until faults are disarmed.  Other calls
 *                 fail with ENOSPC without effect.
 *   FAULT_SHORT   a write writes a prefix and returns the short count; later
 *                 calls work (the writer must continue).  No effect on other
 *                 calls.
 *   FAULT_CRASH   the process dies just before the call: it and every later
 *                 call fail without effect (close still releases the fd).
 *                 The files keep every byte written so far (page cache).
 *   FAULT_POWER   as FAULT_CRASH, then a power loss: every byte written
 *                 since the last fsync/fdatasync of its file is lost.
 *   FAULT_POWER_HDR  as FAULT_POWER, except that writes at offset 0 (headers)
 *                 survive: the adversarial order for a writer that would
 *                 write its header before its data is durable.
 * The 128-byte header write of a commit (pwrite at 0 of 128 bytes on the
 * store file) is all-or-nothing under every fault, as spec 9.1 assumes.
 * Namespace operations (rename, link, unlink) are durable at once.
 */
#ifndef ACEPACK_FAULT_IO_H
#define ACEPACK_FAULT_IO_H

#include "acepack.h"

typedef enum fault_kind {
    FAULT_NONE = 0,
    FAULT_EIO,
    FAULT_ENOSPC,
    FAULT_SHORT,
    FAULT_CRASH,
    FAULT_POWER,
    FAULT_POWER_HDR,
    FAULT_KINDS
} fault_kind;

const char *fault_name(fault_kind k);

#define FIO_MAX_FD 1024
#define FIO_MAX_SNAP 16

typedef struct fio_snap fio_snap;

typedef struct fault_io {
    acepack_io io; /* give this to the writer; io.ctx points back here */
    long calls;    /* counted calls so far */
    long fail_at;  /* 1-based call number of the fault; 0: none */
    fault_kind kind;
    int fired;              /* the fault happened */
    const char *fired_call; /* name of the call that got it */
    int crashed;
    int disk_full;
    int real_sync;          /* pass fsync/fdatasync to the kernel (default: 0, faster) */
    const char *store_path; /* the file whose header/rename marks "new state visible" */
    int new_visible;        /* a header write to store_path, or a rename/link onto it, succeeded */
    char *fd_path[FIO_MAX_FD];
    fio_snap *snaps[FIO_MAX_SNAP];
    int verbose;
} fault_io;

void fault_io_init(fault_io *f, const char *store_path);
/* Arms a fault at call k (1-based); k = 0 disarms. Resets fired/new_visible. */
void fault_io_arm(fault_io *f, fault_kind kind, long k);
/* Stops injecting (the disk is no longer full); counting continues. */
void fault_io_disarm(fault_io *f);
/* After FAULT_POWER*: undoes the writes that were not durable.  Call after the
 * writer's objects are released.  Also frees the snapshots (call always). */
void fault_io_power_loss(fault_io *f);
void fault_io_free(fault_io *f);

#endif /* ACEPACK_FAULT_IO_H */
