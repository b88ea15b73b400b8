/*
 * acepack_write.h - the writer of ACEPACK files (library `acepack`).
 *
 * The library `acepack` holds the reader too, so this header includes
 * acepack_read.h: the status codes, acepack_error and every reader function
 * are declared there.  acepack.h includes both headers.
 */
#ifndef ACEPACK_WRITE_H
#define ACEPACK_WRITE_H

#include "acepack_read.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The writer builds canonical files (spec 8.3), updates stores in place
 * (spec 9: commit protocol, locking, compaction) and migrates v1 files
 * (spec 10).  Unlike the reader it allocates, always through an
 * acepack_allocator (NULL: malloc/realloc/free), and it performs every
 * system call through an acepack_io table (NULL: POSIX), so that tests can
 * inject faults.  A store object is not thread safe: use it from one thread
 * at a time.
 */

/* ------------------------------------------------------------------------
 * Allocator and I/O hooks
 * ------------------------------------------------------------------------ */

/*! acepack_allocator :
 *  alloc(ctx, size) returns size bytes (size > 0) or NULL;
 *  realloc(ctx, p, old_size, new_size) resizes a block (p never NULL, new_size
 *  > 0) or returns NULL leaving it intact; free(ctx, p, size) releases a block
 *  (p never NULL; size is the size it was allocated with).  Alignment: as
 *  malloc.  All three must be set. */
typedef struct acepack_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *p, size_t old_size, size_t new_size);
    void (*free)(void *ctx, void *p, size_t size);
    void *ctx;
} acepack_allocator;

/* Flags of acepack_io.open. */
#define ACEPACK_IO_RDONLY 0x1u      /* read only */
#define ACEPACK_IO_RDWR 0x2u        /* read and write */
#define ACEPACK_IO_CREATE_EXCL 0x4u /* with RDWR: create, fail with EEXIST if it exists */
#define ACEPACK_IO_DIRECTORY 0x8u   /* with RDONLY: a directory (opened to fsync it) */

/* Operations of acepack_io.flock. */
#define ACEPACK_IO_LOCK_EX_NB 1 /* exclusive, non-blocking: EWOULDBLOCK when held */
#define ACEPACK_IO_UNLOCK 2

/*! acepack_file_info : what the writer needs from fstat/stat. */
typedef struct acepack_file_info {
    uint64_t dev;
    uint64_t ino;
    uint64_t size;
    uint32_t mode;  /* permission bits (st_mode & 07777) */
    int is_regular; /* 1 for a regular file */
} acepack_file_info;

/*! acepack_io :
 *  Every system call of the writer goes through this table.  Each function
 *  returns 0 on success or an errno value (> 0) on failure; results come back
 *  through out parameters.  pread/pwrite/write may transfer fewer bytes than
 *  asked (*done < n): the writer continues where they stopped, except for the
 *  128-byte header write of a commit, which must be one call (W-COMMIT-2
 *  step 3; a short header write is treated as a failure).  `map` maps `size`
 *  bytes of a file read-only (size > 0); the map of an empty file is never
 *  asked for.  acepack_io_posix() is the default.  Custom tables (fault
 *  injection) may wrap it: copy it (`acepack_io t = *acepack_io_posix();`)
 *  and replace members.
 *  `version` (SQLite's iVersion) says which members the table has, so that a
 *  table built against an older header, smaller than this struct, is read
 *  correctly: the library reads the members of that version only and takes
 *  those added later as NULL.  A table written from scratch sets
 *  ACEPACK_IO_VERSION; version 0 is refused (ACEPACK_ARG); a version above
 *  this header's is read as this header's.  Members are only ever added at
 *  the end, each with a new version:
 *    1: open .. ctx;
 *    2: writeback.
 *  `writeback` is optional (NULL: not called) and only a hint: it asks the
 *  system to start writing [off, off + len) of a file to the device without
 *  waiting (POSIX table, Linux: sync_file_range with
 *  SYNC_FILE_RANGE_WRITE; elsewhere a no-op), so that the device works while
 *  the writer still produces the file and the final fsync/fdatasync waits
 *  less.  Its result is ignored; durability never depends on it. */
#define ACEPACK_IO_VERSION 2u
typedef struct acepack_io {
    unsigned version; /* ACEPACK_IO_VERSION, see above */
    int (*open)(void *ctx, const char *path, unsigned flags, uint32_t mode, int *fd);
    int (*close)(void *ctx, int fd);
    int (*pread)(void *ctx, int fd, void *buf, size_t n, uint64_t off, size_t *done);
    int (*pwrite)(void *ctx, int fd, const void *buf, size_t n, uint64_t off, size_t *done);
    int (*write)(void *ctx, int fd, const void *buf, size_t n, size_t *done);
    int (*fsync)(void *ctx, int fd); /* data and metadata; also used on directories */
    int (*fdatasync)(void *ctx, int fd);
    int (*ftruncate)(void *ctx, int fd, uint64_t size);
    int (*flock)(void *ctx, int fd, int op);
    int (*fstat)(void *ctx, int fd, acepack_file_info *out);
    int (*stat)(void *ctx, const char *path, acepack_file_info *out); /* ENOENT if absent */
    int (*rename)(void *ctx, const char *from, const char *to);       /* replaces `to` */
    int (*link)(void *ctx, const char *from, const char *to);         /* EEXIST if `to` exists */
    int (*unlink)(void *ctx, const char *path);
    int (*map)(void *ctx, int fd, uint64_t size, const void **addr);
    void (*unmap)(void *ctx, const void *addr, uint64_t size);
    void *ctx;
    /* version 2 */
    int (*writeback)(void *ctx, int fd, uint64_t off, uint64_t len); /* optional hint */
} acepack_io;

/*! acepack_io_posix() : @return the POSIX table (static storage, ctx NULL). */
ACEPACK_API const acepack_io *acepack_io_posix(void);

/* ------------------------------------------------------------------------
 * Content and the canonical builder (spec 8.3)
 * ------------------------------------------------------------------------ */

/*! acepack_kv : one key and its value (key: UTF-8 bytes, not escaped). */
typedef struct acepack_kv {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
} acepack_kv;

/*! acepack_event_in : one event to write.  The fields are wider than the
 *  file's so that out-of-range input is refused instead of wrapped (W-EVT-2):
 *  ts must be <= 2^53-1 and kind, source, flags <= 255. */
typedef struct acepack_event_in {
    uint64_t ts;
    uint32_t kind;
    uint32_t source;
    uint32_t flags;
    const uint8_t *payload; /* a JSON object text (R-PAY-1..3, W-EVT-4) */
    size_t payload_len;
} acepack_event_in;

/*! acepack_content : the content of a file (spec 2).
 *  - format_version: 2, or 1 to build a v1 file (W-V1-1; test files only,
 *    which then must have no events and evt_base_id 0).
 *  - flags: the content's flags word.  An incompatible bit (16..31) makes the
 *    content unwritable (ACEPACK_UNSUPPORTED_FEATURE, W-HDR-2); compatible
 *    bits are cleared, the canonical flags word is 0 (W-CAN-4).
 *  - evt_base_id: at most 2^32-1.
 *  Keys must be valid UTF-8 (W-IDX-2) and distinct; their order in `kv`
 *  does not matter (the builder sorts them, W-CAN-1). */
typedef struct acepack_content {
    uint32_t format_version;
    uint32_t flags;
    uint64_t evt_base_id;
    const acepack_kv *kv;
    size_t kv_count;
    const acepack_event_in *events;
    size_t event_count;
} acepack_content;

/*! acepack_build_bound() :
 *  An upper bound of the canonical file size of `c`, without allocation or
 *  validation (offsets counted at their widest).  O(kv + events + key bytes).
 *  @return ACEPACK_OK or ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_build_bound(const acepack_content *c, uint64_t *bound);

/*! acepack_build_size() :
 *  Validates `c` (below) and gives the exact size of its canonical file.
 *  @return as acepack_build(). */
ACEPACK_API acepack_status acepack_build_size(const acepack_content *c,
                                              const acepack_allocator *alloc, uint64_t *size,
                                              acepack_error *err);

/*! acepack_build() :
 *  Writes the canonical file (W-CAN-1..4) of `c` into buf.  The content is
 *  validated first and refused (nothing written) when a writer may not write
 *  it: ts > 2^53-1 or kind/source/flags > 255 (W-EVT-2, rule "W-EVT-2"), a
 *  payload that breaks R-PAY-1..3 ("W-EVT-4"), a key that is not valid UTF-8
 *  or occurs twice ("W-IDX-2"), evt_base_id > 2^32-1 ("W-HDR-1"): all
 *  ACEPACK_INVALID; an incompatible flag: ACEPACK_UNSUPPORTED_FEATURE
 *  ("W-HDR-2"); the size limits of spec 3.6 / W-EVT-3 (a value or the
 *  payloads beyond 2^32-1 bytes, a file beyond 2^53-1): ACEPACK_UNSUPPORTED.
 *  err->offset is the index of the offending kv pair or event (not a file
 *  offset).
 *  @param written  receives the file size (also on ACEPACK_NOMEM: the size
 *                  needed).
 *  @return ACEPACK_OK, ACEPACK_INVALID, ACEPACK_UNSUPPORTED_FEATURE,
 *          ACEPACK_UNSUPPORTED, ACEPACK_NOMEM (cap too small, or allocation
 *          failed), ACEPACK_ARG.
 *  Memory: O(kv_count) words for sorting, through alloc. */
ACEPACK_API acepack_status acepack_build(const acepack_content *c, const acepack_allocator *alloc,
                                         void *buf, size_t cap, size_t *written,
                                         acepack_error *err);

/*! acepack_build_write() : as acepack_build(), streamed through `write` in
 *  pieces (nothing is written when validation fails).  A write failure gives
 *  ACEPACK_CALLBACK. */
ACEPACK_API acepack_status acepack_build_write(const acepack_content *c,
                                               const acepack_allocator *alloc,
                                               acepack_write_fn write, void *ctx,
                                               acepack_error *err);

/*! acepack_build_options : how the builder writes a content (zeroed by the
 *  caller: a later field reads as 0, the old behaviour; NULL = all zero).
 *  - checksums: nonzero writes the checksummed canonical file of a v2
 *    content (spec 3.8, W-CRC-1): the canonical file with flag bit 0 set and
 *    the CRC32C fields (bytes 64..79) filled, no other byte different.  No
 *    effect on a v1 content (W-V1-1: no writer sets bit 0 in a v1 file).
 *    The builder never writes a segmented file (W-SEG-1). */
typedef struct acepack_build_options {
    int checksums;
} acepack_build_options;

/*! acepack_build_write_opts() : acepack_build_write() with options.  With
 *  checksums the content is produced twice (the header, written first,
 *  holds the CRCs of what follows); no more memory. */
ACEPACK_API acepack_status acepack_build_write_opts(const acepack_content *c,
                                                    const acepack_build_options *opts,
                                                    const acepack_allocator *alloc,
                                                    acepack_write_fn write, void *ctx,
                                                    acepack_error *err);

/*! acepack_build_fd() : as acepack_build_write(), written to the file
 *  descriptor `fd` with io->write (io NULL: POSIX) at its current position.
 *  Does not fsync.  ACEPACK_IO on a write error (err->sys_errno). */
ACEPACK_API acepack_status acepack_build_fd(const acepack_content *c,
                                            const acepack_allocator *alloc, const acepack_io *io,
                                            int fd, acepack_error *err);

/*! acepack_build_path() : the canonical file of c installed at `path` as a
 *  store's commit installs a file (W-COMMIT-9): a symbolic link at path is
 *  followed (W-COMMIT-6); an existing file there must be a regular file
 *  whose writer lock is free (ACEPACK_LOCKED, W-LOCK-1, otherwise), and it
 *  is locked until replaced; the file is written to a locked temporary file
 *  in the same directory, fsync, rename over path, fsync of the directory.
 *  Any failure leaves an existing file unchanged and creates none.
 *  io NULL: POSIX.  file_mode 0: that of the file replaced, else 0644.
 *  @return ACEPACK_OK, the builder's refusals, ACEPACK_LOCKED, ACEPACK_IO,
 *          ACEPACK_NOMEM, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_build_path(const acepack_content *c, const char *path,
                                              const acepack_allocator *alloc, const acepack_io *io,
                                              uint32_t file_mode, acepack_error *err);

/*! acepack_build_path_opts() : acepack_build_path() with options. */
ACEPACK_API acepack_status acepack_build_path_opts(const acepack_content *c, const char *path,
                                                   const acepack_build_options *opts,
                                                   const acepack_allocator *alloc,
                                                   const acepack_io *io, uint32_t file_mode,
                                                   acepack_error *err);

/* ------------------------------------------------------------------------
 * The conformance dump, parsed back (spec 11)
 * ------------------------------------------------------------------------ */

/*! acepack_parsed_dump : the content of a dump; `content` points into memory
 *  owned by this struct (release it with acepack_parsed_dump_free).
 *  content is read-only for the caller; `priv` is private to the library. */
typedef struct acepack_parsed_dump {
    acepack_content content;
    struct {       /* private */
        void *mem; /* the arena: decoded keys, values, payloads */
        size_t size;
        void *arrays; /* the kv and event arrays */
        size_t arrays_size;
        acepack_allocator alloc;
    } priv;
} acepack_parsed_dump;

/*! acepack_dump_parse() :
 *  Parses a conformance dump in exactly the layout of D-1..D-7 (as
 *  acepack_dump() and every conformant dumper write it; a JSON text with any
 *  other layout is refused): numbers and escapes in their one allowed form,
 *  value_utf8 / payload_utf8 present exactly when the bytes are UTF-8 and
 *  equal to them, kv sorted and unique (D-6), event ids consecutive from
 *  evt_base_id + 1, no events in a v1 dump (D-7).
 *  It does not apply the writer's checks (a dump may show ts 2^64-1 or a
 *  payload that is not JSON: acepack_build refuses those), except that a
 *  key that cannot be content at all is refused here: a duplicate key or an
 *  unpaired surrogate escape (rule "W-IDX-2").
 *  @return ACEPACK_OK, ACEPACK_INVALID (err->rule "D-1".."D-7" or "W-IDX-2",
 *          err->offset into the text), ACEPACK_NOMEM, ACEPACK_ARG.  On
 *          failure `out` owns nothing. */
ACEPACK_API acepack_status acepack_dump_parse(const void *text, size_t n,
                                              const acepack_allocator *alloc,
                                              acepack_parsed_dump *out, acepack_error *err);

/*! acepack_parsed_dump_free() : releases it (no-op on a zeroed struct). */
ACEPACK_API void acepack_parsed_dump_free(acepack_parsed_dump *d);

/* ------------------------------------------------------------------------
 * Migration from v1 to v2 (spec 10)
 * ------------------------------------------------------------------------ */

/* M-8: the gap-event limit of this implementation: a migration that would
 * create more gap events than max(ACEPACK_GAP_LIMIT_MIN,
 * ACEPACK_GAP_LIMIT_FACTOR * well-formed entries) is refused with
 * ACEPACK_UNSUPPORTED. */
#define ACEPACK_GAP_LIMIT_MIN 1048576u
#define ACEPACK_GAP_LIMIT_FACTOR 16u

/*! acepack_migrate_report : what a migration did (M-10). */
typedef struct acepack_migrate_report {
    uint64_t events_from_entries; /* well-formed log entries that became events */
    uint64_t gap_events;          /* gap events created (M-6) */
    uint64_t malformed_entries;   /* malformed log entries kept in the KV map (M-7) */
    int log_entry_seq_consumed;   /* 1 when meta/log_entry_seq left the KV map */
    uint32_t evt_base_id;         /* of the output */
    uint64_t events;              /* events in the output */
    uint64_t kv_count;            /* keys in the output */
} acepack_migrate_report;

/*! acepack_key_fn : receives one key (UTF-8 bytes, not NUL-terminated). */
typedef void (*acepack_key_fn)(void *ctx, const uint8_t *key, size_t len);

/*! acepack_migrate_options : zero-initialise, then set what you need. */
typedef struct acepack_migrate_options {
    acepack_profile profile;        /* M-1: profile the input must validate under */
    const acepack_allocator *alloc; /* NULL: malloc */
    const acepack_io *io;           /* NULL: POSIX (acepack_migrate_path only) */
    acepack_key_fn malformed_key;   /* NULL, or called once per malformed entry kept in
                                          the KV map, in key byte order (M-10) */
    void *malformed_ctx;
    uint32_t file_mode; /* mode of a created file; 0: 0644 (before umask) */
} acepack_migrate_options;

/*! acepack_migrate_bytes() :
 *  Migrates the v1 file `v1` (n bytes) and streams the canonical v2 file
 *  (M-9) through `write`.  Nothing is written when the migration is refused.
 *  @param opts    NULL: strict, malloc.
 *  @param report  NULL or filled on success.
 *  @return ACEPACK_OK; a file status when the input does not validate under
 *          opts->profile (M-1; a v2 file: ACEPACK_INVALID, rule "M-1",
 *          offset 8); ACEPACK_INVALID, rule "M-8", offset = the file size,
 *          when the result cannot be represented (evt_base_id or the event
 *          count beyond 2^32-1, sizes beyond spec 3.6); ACEPACK_UNSUPPORTED,
 *          rule "M-8", for more gap events than ACEPACK_GAP_LIMIT_* (spec
 *          7.2: only that limit is "unsupported"); ACEPACK_NOMEM;
 *          ACEPACK_CALLBACK; ACEPACK_ARG.
 *  Memory: O(keys + log entries + events) words plus the decoded keys. */
ACEPACK_API acepack_status acepack_migrate_bytes(const void *v1, size_t n,
                                                 const acepack_migrate_options *opts,
                                                 acepack_write_fn write, void *ctx,
                                                 acepack_migrate_report *report,
                                                 acepack_error *err);

/*! acepack_migrate_path() :
 *  Migrates the v1 file at `in`.  With out NULL it replaces `in` in place,
 *  holding the writer lock on it (W-LOCK-1; ACEPACK_LOCKED when a writer has
 *  it); otherwise it writes `out` (replacing it) and never touches `in`.
 *  Either way the v2 file is written to a temporary file in the target's
 *  directory, made durable, locked, renamed over the target, and the
 *  directory is made durable (M-2): the target holds the old file or the
 *  complete new one at every instant.
 *  @return as acepack_migrate_bytes(), plus ACEPACK_IO. */
ACEPACK_API acepack_status acepack_migrate_path(const char *in, const char *out,
                                                const acepack_migrate_options *opts,
                                                acepack_migrate_report *report, acepack_error *err);

/* ------------------------------------------------------------------------
 * The in-place store (spec 9)
 * ------------------------------------------------------------------------ */

/*! acepack_store : an open store file, private. */
typedef struct acepack_store acepack_store;

/* Flags of acepack_store_open(). */
#define ACEPACK_STORE_CREATE 0x1u /* create the canonical empty store when absent */

/* W-COMPACT-2: default growth ratio R and the smallest allowed. */
#define ACEPACK_COMPACT_RATIO_DEFAULT 2.0
#define ACEPACK_COMPACT_RATIO_MIN 1.25

/*! acepack_store_options : zero-initialise, then set what you need. */
typedef struct acepack_store_options {
    const acepack_allocator *alloc;         /* NULL: malloc */
    const acepack_io *io;                   /* NULL: acepack_io_posix() */
    double compact_ratio;                   /* W-COMPACT-2 R; 0: ACEPACK_COMPACT_RATIO_DEFAULT;
                                         below ACEPACK_COMPACT_RATIO_MIN: ACEPACK_ARG */
    uint32_t file_mode;                     /* mode of a created store; 0: 0644 (before umask) */
    acepack_migrate_report *migrate_report; /* NULL, or filled when a v1 file was migrated
                                               at open (else zeroed) */
    int checksums;                          /* nonzero: set flag bit 0 and write the CRC32C fields
                                         (spec 3.8) on every commit and compaction; a store
                                         whose file has the bit keeps it either way (W-CRC-1) */
    int segmented;                          /* 1: every commit with new events appends one segment
                                         (spec 3.7, W-SEG-1..3; flag bit 16, which readers
                                         of spec 1.0 reject); compacts to a plain file before
                                         S would exceed 64.  0: a segmented store becomes
                                         plain at the next commit that changes it (the whole
                                         event section appended, bit 16 cleared: W-SEG-4). */
} acepack_store_options;

/*! acepack_store_open() :
 *  Opens the store at `path` for writing:
 *    - with ACEPACK_STORE_CREATE and no file at path, first writes the
 *      canonical empty store (spec 8.3, 138 bytes) to a temporary file, makes
 *      it durable and links it to `path` without replacing anything that
 *      appeared there meanwhile, then makes the directory durable;
 *    - locks the file (flock LOCK_EX|LOCK_NB, W-LOCK-1: ACEPACK_LOCKED at
 *      once when another writer holds it) and checks that the locked file is
 *      still the one at path, else reopens (W-LOCK-2); no other file is
 *      created next to the store (W-LOCK-3);
 *    - a symbolic link at path (a chain, relative links) is followed: the
 *      store is its target, compaction renames over the target and the link
 *      stays (W-COMMIT-6); a dangling link or a loop is ACEPACK_IO (ENOENT,
 *      ELOOP) and nothing is created;
 *    - holding the lock, removes the temporary files that crashed writers of
 *      this store left (W-LOCK-4: only those no live writer has locked);
 *    - validates the whole file under strict, payloads and keys included
 *      (spec 13): a file that does not validate is refused with its
 *      validation error (status, rule, offset) and is not modified;
 *    - migrates a v1 file (spec 10, as acepack_migrate_path in place);
 *    - truncates the tail (W-COMMIT-4).
 *  @return ACEPACK_OK (*out set), a file status, ACEPACK_LOCKED,
 *          ACEPACK_IO, ACEPACK_NOMEM, ACEPACK_UNSUPPORTED, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_open(const char *path, unsigned flags,
                                              const acepack_store_options *opts,
                                              acepack_store **out, acepack_error *err);

/*! acepack_store_put() : sets key (valid UTF-8, W-IDX-2) to value (at most
 *  2^32-1 bytes), pending until the next commit.  The value is copied.
 *  @return ACEPACK_OK, ACEPACK_INVALID (rule "W-IDX-2"), ACEPACK_UNSUPPORTED,
 *          ACEPACK_NOMEM, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_put(acepack_store *s, const void *key, size_t key_len,
                                             const void *value, size_t value_len,
                                             acepack_error *err);

/*! acepack_read_fn : input callback: reads at most cap bytes into buf and
 *  sets *got (0 = end of the input).  @return 0, or an errno value (the
 *  caller then gets ACEPACK_CALLBACK with err->sys_errno set to it). */
typedef int (*acepack_read_fn)(void *ctx, void *buf, size_t cap, size_t *got);

/*! acepack_store_put_stream() : as acepack_store_put(), the value being
 *  everything `read` returns until it reports the end.  The bytes go
 *  straight into the store file beyond its committed extent through one
 *  1 MiB buffer (memory does not depend on the value's size); they become
 *  part of the store at the next commit, and are tail (W-COMMIT-3) if the
 *  change is rolled back or never committed.  On failure nothing is pending
 *  for the key beyond what was before.
 *  @return ACEPACK_OK, ACEPACK_INVALID (W-IDX-2), ACEPACK_UNSUPPORTED (more
 *          than 2^32-1 bytes), ACEPACK_CALLBACK (read failed), ACEPACK_IO,
 *          ACEPACK_NOMEM, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_put_stream(acepack_store *s, const void *key,
                                                    size_t key_len, acepack_read_fn read, void *ctx,
                                                    acepack_error *err);

/*! acepack_store_delete() : removes key, pending until the next commit.
 *  @return ACEPACK_OK, ACEPACK_NOT_FOUND, ACEPACK_NOMEM, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_delete(acepack_store *s, const void *key, size_t key_len,
                                                acepack_error *err);

/*! acepack_store_get() : the current value of key (pending changes
 *  included), copied to buf.  Count mode (as acepack_key_decode): buf NULL
 *  sets only *needed.
 *  @param needed  receives the value's length (may not be NULL).
 *  @return ACEPACK_OK, ACEPACK_NOT_FOUND, ACEPACK_NOMEM (cap < *needed),
 *          ACEPACK_IO, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_get(acepack_store *s, const void *key, size_t key_len,
                                             void *buf, size_t cap, size_t *needed,
                                             acepack_error *err);

/*! acepack_store_append() : appends an event, pending until the next commit.
 *  Validated as W-EVT-2 / W-EVT-4 (rules "W-EVT-2", "W-EVT-4"; the payload is
 *  copied unchanged).
 *  @param id  NULL or receives the event's id (R-EVT-10).
 *  @return ACEPACK_OK, ACEPACK_INVALID, ACEPACK_UNSUPPORTED (W-EVT-3: 2^32-1
 *          events or 2^32-1 payload bytes), ACEPACK_NOMEM, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_append(acepack_store *s, uint64_t ts, uint32_t kind,
                                                uint32_t source, uint32_t flags,
                                                const void *payload, size_t payload_len,
                                                uint64_t *id, acepack_error *err);

/*! acepack_store_event() : event i (0-based, committed and pending) of the
 *  store; the payload span is valid until the next call that modifies the
 *  store.  @return ACEPACK_OK or ACEPACK_ARG (i out of range). */
ACEPACK_API acepack_status acepack_store_event(const acepack_store *s, uint64_t i,
                                               acepack_event *out);

/*! acepack_store_commit() :
 *  Makes the pending changes durable (W-COMMIT-1..3): the new chunks, the
 *  whole new event section and the new index are written after the
 *  committed extent, fdatasync, the 128-byte header in one pwrite at 0,
 *  fdatasync.  When the file would then exceed R times its live size
 *  (W-COMPACT-2) it compacts instead (as acepack_store_compact).  No pending
 *  change: nothing is written.
 *  On failure (ACEPACK_IO, ACEPACK_NOMEM, ACEPACK_UNSUPPORTED) no header is
 *  written afterwards, the store keeps the last committed content as its
 *  committed state and the pending changes stay pending (a later commit
 *  writes them again, never over bytes that a header written by the failed
 *  commit may reference).  The file holds the last committed content, or the
 *  new one when the failure came after the new header was written.
 *  Exception: a compaction whose rename succeeded but whose directory fsync
 *  failed has replaced the file: the store then holds the new content (no
 *  longer pending) and still reports ACEPACK_IO. */
ACEPACK_API acepack_status acepack_store_commit(acepack_store *s, acepack_error *err);

/*! acepack_store_compact() :
 *  Commits the pending changes into a canonical rewrite of the store
 *  (W-COMPACT-1): temporary file in the same directory (O_EXCL), fsync,
 *  flock, rename over the store, fsync of the directory.  Failure before the
 *  rename leaves the store as it was (the temporary file is removed).
 *  @return as acepack_store_commit(). */
ACEPACK_API acepack_status acepack_store_compact(acepack_store *s, acepack_error *err);

/*! acepack_store_rollback() : discards the pending changes. */
ACEPACK_API void acepack_store_rollback(acepack_store *s);

/*! acepack_store_info : counters of an open store. */
typedef struct acepack_store_info {
    uint64_t key_count;   /* keys, pending changes included */
    uint64_t event_count; /* events, pending ones included */
    uint64_t pending_events;
    uint64_t pending_kv; /* pending put/delete operations */
    uint32_t evt_base_id;
    uint64_t file_size;   /* committed extent (the file size after a commit) */
    uint64_t live_size;   /* W-COMPACT-2 live size of the committed content */
    uint64_t commits;     /* successful commits since open (compacting ones included) */
    uint64_t compactions; /* compactions since open (automatic or explicit) */
} acepack_store_info;

/*! acepack_store_get_info() : fills *out.  O(1). */
ACEPACK_API void acepack_store_get_info(const acepack_store *s, acepack_store_info *out);

/*! acepack_store_close() :
 *  Releases the store: closes the file (which drops the lock) and frees the
 *  memory.  Pending changes are DISCARDED: commit first.  s may be NULL.
 *  @return ACEPACK_OK, or ACEPACK_IO when close() failed (the store is freed
 *          anyway). */
ACEPACK_API acepack_status acepack_store_close(acepack_store *s, acepack_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ACEPACK_WRITE_H */
