/*
 * write_internal.h - declarations shared by the writer sources (src/write/).
 *
 * The writer is part of libacepack only, never of libacepack_read: it may
 * allocate (always through an acepack_allocator) and it performs system calls
 * (always through an acepack_io).  It uses the reader only through the public
 * API in acepack_read.h.  Internal names start with aw_.
 */
#ifndef ACEPACK_WRITE_INTERNAL_H
#define ACEPACK_WRITE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "acepack_write.h"
#include "../common/common.h"

#define AW_MAX_SAFE 9007199254740991ull /* 2^53-1: largest offset or length (spec 3.6) */
#define AW_U32_MAX 4294967295ull
#define AW_HEADER_V2 128u
#define AW_HEADER_V1 64u
#define AW_INCOMPATIBLE_FLAGS 0xFFFF0000u /* R-HDR-4 */

/* v > max for a size_t (or any) v: a function so that 32-bit builds, where
 * size_t can never exceed 2^32-1, do not warn about an always-false test. */
static inline int aw_gt(uint64_t v, uint64_t max)
{
    return v > max;
}

/* ---- errors (write_util.c) ---- */

/* Stores the error when err is not NULL; returns status.  The one error
 * helper of both libraries (src/common/status.c). */
static inline acepack_status aw_fail(acepack_error *err, acepack_status status, const char *rule,
                                     uint64_t offset, const char *message)
{
    return ap_fail(err, status, rule, offset, message);
}
/* ACEPACK_IO with sys_errno = e. */
acepack_status aw_fail_io(acepack_error *err, int e, const char *message);

/* ---- big-endian loads and stores: src/common/bytes.h ---- */

#define aw_put32 ap_put_be32
#define aw_put64 ap_put_be64
#define aw_get32 ap_be32
#define aw_get64 ap_be64

/* ---- allocation (write_alloc.c) ---- */

/* The allocator to use: `a` itself, or the malloc-based default for NULL. */
const acepack_allocator *aw_alloc_or_default(const acepack_allocator *a);
/* 1 when all three functions of a are set. */
int aw_alloc_valid(const acepack_allocator *a);

void *aw_malloc(const acepack_allocator *a, size_t n);
void aw_free(const acepack_allocator *a, void *p, size_t n);
/* n * size, 0 on overflow (callers treat 0 as "cannot allocate"). */
size_t aw_mul(size_t n, size_t size);

/* A growable byte buffer.  Zero-initialised is empty. */
typedef struct aw_buf {
    uint8_t *p;
    size_t len;
    size_t cap;
} aw_buf;

/* Ensures room for `extra` more bytes (amortised doubling).  0 or -1. */
int aw_buf_reserve(const acepack_allocator *a, aw_buf *b, size_t extra);
int aw_buf_append(const acepack_allocator *a, aw_buf *b, const void *p, size_t n);
void aw_buf_free(const acepack_allocator *a, aw_buf *b);

/* ---- I/O helpers (write_io.c) ---- */

/* The caller's table (NULL: POSIX) as one of this version in *out: the
 * members its `version` has, the later ones NULL.  Every public function
 * that takes an acepack_io goes through this before it calls any member.
 * ACEPACK_OK, or ACEPACK_ARG for version 0. */
acepack_status aw_io_adopt(const acepack_io *io, acepack_io *out, acepack_error *err);
/* Whole-buffer loops over io->pwrite / io->pread / io->write (continue after
 * short transfers).  Return 0 or an errno value (EIO for a transfer of 0). */
int aw_pwrite_all(const acepack_io *io, int fd, const void *p, size_t n, uint64_t off);
int aw_pread_all(const acepack_io *io, int fd, void *p, size_t n, uint64_t off);
int aw_write_all(const acepack_io *io, int fd, const void *p, size_t n);
/* fsync of the directory holding `path` (open RDONLY|DIRECTORY, fsync, close). */
int aw_fsync_dir(const acepack_io *io, const char *dir);

/* Path helpers (allocate through a).  aw_dirname: "." for a bare name. */
char *aw_strdup(const acepack_allocator *a, const char *s);
void aw_strfree(const acepack_allocator *a, char *s);
char *aw_dirname(const acepack_allocator *a, const char *path);

/* Creates a new temporary file next to `path` (same directory) with
 * O_CREAT|O_EXCL, retrying with another name on EEXIST, and locks it
 * (W-LOCK-4: a temporary file is locked by its writer from creation until it
 * is renamed or removed).  On success *fd is open read-write and *tmp_path
 * holds its name (free with aw_strfree). */
acepack_status aw_create_temp(const acepack_allocator *a, const acepack_io *io, const char *path,
                              uint32_t mode, int *fd, char **tmp_path, acepack_error *err);

/* The name of a temporary file: "<path>" AW_TEMP_SUFFIX "<16 hex digits>". */
#define AW_TEMP_SUFFIX ".acepack-tmp-"

/* ---- paths (write_path.c) ---- */

/* W-COMMIT-6: `path` with every symbolic link of its last component
 * followed (chains and relative links); a path that does not exist is
 * returned as is, a dangling link is ACEPACK_IO (ENOENT) with a message that
 * says so, a loop ACEPACK_IO (ELOOP).  *out: free with aw_strfree. */
acepack_status aw_resolve_path(const acepack_allocator *a, const char *path, char **out,
                               acepack_error *err);
/* 1 when `name` (a directory entry) is a temporary file name of the file
 * whose last path component is `base`. */
int aw_is_temp_name(const char *name, const char *base);
/* W-LOCK-4: removes the temporary files of `path` that no process has
 * locked.  Call only while holding the lock of `path`.  Best effort. */
void aw_clean_temps(const acepack_allocator *a, const acepack_io *io, const char *path);

/* W-COMMIT-9: a produced file (build OUT, migrate OUT).  begin resolves the
 * path, locks an existing target (ACEPACK_LOCKED when held; ACEPACK_ARG when
 * it is not a regular file), removes stale temporary files and creates the
 * (locked) temporary file `tfd`; install fsyncs, renames and fsyncs the
 * directory; end removes the temporary file unless installed and releases
 * everything (call it always after begin, whatever begin returned). */
typedef struct aw_output {
    const acepack_allocator *a;
    const acepack_io *io;
    char *target, *dir, *tmp;
    int tfd, lock_fd;
} aw_output;
acepack_status aw_output_begin(aw_output *o, const acepack_allocator *a, const acepack_io *io,
                               const char *path, uint32_t mode, acepack_error *err);
acepack_status aw_output_install(aw_output *o, acepack_error *err);
void aw_output_end(aw_output *o);

/* Makes a finished temporary file (fd, tmp) the file at `target`:
 * fsync(fd) (locked since its creation: W-COMPACT-1, M-2), rename(tmp, target), fsync of
 * `dir`.  *renamed is set to 1 once the rename succeeded.  On a failure
 * before the rename the temporary file is unlinked (fd stays open: the
 * caller closes it). */
acepack_status aw_install_temp(const acepack_io *io, int fd, const char *tmp, const char *target,
                               const char *dir, int *renamed, acepack_error *err);

/* ---- output with a staging buffer (write_out.c) ---- */

/* A sink consumes bytes in order; returns ACEPACK_OK or an error (filling err). */
typedef acepack_status (*aw_sink_fn)(void *ctx, const void *p, size_t n, acepack_error *err);

/* Output stream: small pieces are gathered in `stage`, pieces up to
 * AW_STAGE_SIZE go straight to the sink, larger ones through a full stage.
 * The first error sticks (later puts do nothing). */
typedef struct aw_out {
    const acepack_allocator *a; /* the stage's (it may grow, out_stream) */
    uint8_t *stage;
    size_t len;
    size_t cap;
    aw_sink_fn sink;
    void *ctx;
    uint64_t total; /* bytes put so far */
    acepack_status status;
    acepack_error *err;
} aw_out;

#define AW_STAGE_SIZE ((size_t)1 << 18)
#define AW_STAGE_MIN ((size_t)1 << 12)

/* Allocates the staging buffer (AW_STAGE_SIZE bytes).  ACEPACK_OK or ACEPACK_NOMEM. */
acepack_status aw_out_init(aw_out *o, const acepack_allocator *a, aw_sink_fn sink, void *ctx,
                           acepack_error *err);
/* The same with a stage of `cap` bytes, clamped to [AW_STAGE_MIN,
 * AW_STAGE_SIZE]: a writer that knows it stages little (a small commit) asks
 * for less, so that malloc serves it from its free lists (no brk, no fresh
 * pages to fault in), and a piece larger than half the stage (the index of a
 * small commit) goes to the sink without being copied. */
acepack_status aw_out_init_cap(aw_out *o, const acepack_allocator *a, aw_sink_fn sink, void *ctx,
                               size_t cap, acepack_error *err);
/* Frees the stage with the allocator aw_out_init was given. */
void aw_out_free(aw_out *o);
void aw_out_put(aw_out *o, const void *p, size_t n);
void aw_out_u32(aw_out *o, uint32_t v);
void aw_out_u64(aw_out *o, uint64_t v);
void aw_out_zeros(aw_out *o, size_t n);
/* Decimal digits of v (no sign, no leading zero). */
void aw_out_dec(aw_out *o, uint64_t v);
/* The JSON string of a key: quotes and the escaping of spec 4.1 (W-IDX-1). */
void aw_out_json_string(aw_out *o, const uint8_t *p, size_t n);
acepack_status aw_out_flush(aw_out *o);

/* Sinks. */
typedef struct aw_fd_sink {
    const acepack_io *io;
    int fd;
    uint64_t off;      /* next offset (pwrite sink) */
    uint64_t unhinted; /* bytes written since the last writeback hint */
} aw_fd_sink;
acepack_status aw_sink_pwrite(void *ctx, const void *p, size_t n, acepack_error *err);
acepack_status aw_sink_write(void *ctx, const void *p, size_t n, acepack_error *err);

typedef struct aw_cb_sink {
    acepack_write_fn fn;
    void *ctx;
} aw_cb_sink;
acepack_status aw_sink_callback(void *ctx, const void *p, size_t n, acepack_error *err);

typedef struct aw_mem_sink {
    uint8_t *p;
    size_t len;
    size_t cap;
} aw_mem_sink;
acepack_status aw_sink_mem(void *ctx, const void *p, size_t n, acepack_error *err);

/* ---- text helpers (write_text.c) ---- */

/* Length of the JSON string (with quotes) of a key under spec 4.1. */
uint64_t aw_json_string_len(const uint8_t *p, size_t n);
/* Number of decimal digits of v. */
unsigned aw_dec_len(uint64_t v);
/* Writes the digits of v at out (>= 20 bytes); returns the count. */
unsigned aw_dec_format(uint64_t v, char *out);

/* W-CAN-1: 1 when the key is integer-like (an ECMAScript array index). */
int aw_key_integer_like(const uint8_t *p, size_t n);
/* W-CAN-1 order: <0, 0, >0. */
int aw_key_canonical_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);
/* D-6 order (unsigned bytes, a proper prefix first). */
int aw_bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);

/* ---- sorting (write_sort.c) ---- */

/* Stable bottom-up merge sort of `n` size_t items with cmp(ctx, a, b).
 * Needs n words of scratch from `a`.  0, or -1 when allocation failed. */
int aw_sort(const acepack_allocator *a, size_t *items, size_t n,
            int (*cmp)(void *ctx, size_t x, size_t y), void *ctx);

/* ---- event section (write_section.c) ---- */

/* W-EVT-1 pad. */
static inline uint32_t aw_evt_pad(uint64_t n)
{
    return (uint32_t)((4u - (n & 3u)) & 3u);
}

/* Section length 8 + 19N + pad + M. */
static inline uint64_t aw_evt_section_len(uint64_t n, uint64_t pool)
{
    return 8u + 19u * n + aw_evt_pad(n) + pool;
}

/* Encodes the 128-byte v2 header (W-HDR-1: magic, version 2, flags 0,
 * reserved zero). */
/* Flag bit 0 (spec 3.8, W-CRC-2): sets the bit in a header of aw_header_v2
 * and writes the three region CRCs, then header_crc over the result. */
void aw_header_sign(uint8_t h[128], uint32_t chunks_crc, uint32_t events_crc, uint32_t index_crc);
void aw_header_v2(uint8_t out[128], uint64_t index_offset, uint64_t index_length,
                  uint64_t evt_offset, uint64_t evt_length, uint32_t evt_count,
                  uint32_t evt_base_id);

/* Checks one event for W-EVT-2, W-EVT-3 and W-EVT-4.  `which` is the offset
 * reported.  aw_check_event_fields() leaves out W-EVT-4 (the payload's JSON),
 * for payloads the caller has already checked against R-PAY-1..3. */
acepack_status aw_check_event_fields(uint64_t ts, uint32_t kind, uint32_t source, uint32_t flags,
                                     const void *payload, size_t len, uint64_t which,
                                     acepack_error *err);
acepack_status aw_check_event(uint64_t ts, uint32_t kind, uint32_t source, uint32_t flags,
                              const void *payload, size_t len, uint64_t which, acepack_error *err);

/* ---- the canonical builder core (write_build.c) ---- */

/* Streams the canonical file of c to o (validation included); checksums:
 * the checksummed canonical file of a v2 content (W-CRC-1).  Used by the
 * builder API. */
acepack_status aw_build_stream(const acepack_content *c, const acepack_allocator *a, int checksums,
                               aw_out *o, acepack_error *err);

/* As aw_build_stream, for content whose event payloads the caller (the
 * migrator, M-4) has already checked against R-PAY-1..3: W-EVT-4 is not
 * checked twice. */
acepack_status aw_build_stream_checked_payloads(const acepack_content *c,
                                                const acepack_allocator *a, aw_out *o,
                                                acepack_error *err);

/* ---- migration core (write_migrate.c) ---- */

/* Migrates the mapped v1 file into a temporary file next to `target` and
 * installs it there (M-2).  On success *new_fd is the locked fd of the
 * installed file when keep_fd is set (else closed).  o->io is a table
 * aw_io_adopt() made (never NULL). */
acepack_status aw_migrate_to_path(const void *v1, size_t n, const acepack_migrate_options *o,
                                  const char *target, int keep_fd, int *new_fd,
                                  acepack_migrate_report *report, acepack_error *err);

#endif /* ACEPACK_WRITE_INTERNAL_H */
