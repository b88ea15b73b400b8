/*
 * acepack.h - the one public header of libacepack.
 *
 * libacepack reads (and, in the writer section, writes) ACEPACK files as
 * specified by spec/ACEPACK.md (specification version ACEPACK_SPEC_VERSION).
 * Rule identifiers such as R-EVT-3 refer to that document.
 *
 * Reader design (library `acepack_read`):
 *   - No heap allocation, ever.  Every piece of memory proportional to the
 *     input (lookup table, sort workspace) is supplied by the caller, whose
 *     size is given by a size query first (like zstd's estimate*Size() or
 *     jsmn's count mode).
 *   - Bounded stack, no recursion driven by the input.
 *   - No mutable static state: every function is thread safe as long as
 *     threads do not share an object that one of them modifies.  An opened
 *     acepack_reader and a built acepack_table are immutable and may be
 *     shared by any number of threads.
 *   - The reader never copies the file: spans point into the caller's bytes,
 *     which must stay valid and unchanged while the reader is used.
 *   - Every error is (status, rule id, byte offset): see acepack_error.
 *
 * Typical use:
 *
 *     acepack_mapping m; acepack_reader r; acepack_error e;
 *     if (acepack_map_file(path, &m, &e) != ACEPACK_OK) ...;
 *     if (acepack_open(&r, m.data, m.size, ACEPACK_STRICT, &e) != ACEPACK_OK) ...;
 *     size_t need;
 *     acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need);
 *     ... get `need` bytes ws ...
 *     if (acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need, &e) != ACEPACK_OK) ...;
 *     for (uint32_t i = 0; i < acepack_event_count(&r); i++) {
 *         acepack_event ev; acepack_event_get(&r, i, &ev); ...
 *     }
 *     acepack_unmap(&m);
 */
#ifndef ACEPACK_H
#define ACEPACK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ACEPACK_API marks the exported symbols of the shared library. */
#if defined(ACEPACK_STATIC_DEFINE)
#  define ACEPACK_API
#elif defined(_WIN32)
#  if defined(ACEPACK_BUILDING_LIBRARY)
#    define ACEPACK_API __declspec(dllexport)
#  else
#    define ACEPACK_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define ACEPACK_API __attribute__((visibility("default")))
#else
#  define ACEPACK_API
#endif

/* ------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------ */

#define ACEPACK_VERSION_MAJOR 0
#define ACEPACK_VERSION_MINOR 1
#define ACEPACK_VERSION_PATCH 0
#define ACEPACK_VERSION_STRING "0.1.0"
/* Version of spec/ACEPACK.md this library implements. */
#define ACEPACK_SPEC_VERSION "1.0.0"

/*! acepack_version_string() :
 *  @return the library version, ACEPACK_VERSION_STRING of the built library
 *          (static storage). */
ACEPACK_API const char *acepack_version_string(void);

/* ------------------------------------------------------------------------
 * Status codes and errors
 * ------------------------------------------------------------------------ */

/*! acepack_status :
 *  The numbers are stable: they are never renumbered; new codes are appended.
 *  Codes 1..5 mean "the file is invalid" (CLI exit 1), 6 means "beyond a limit
 *  of this implementation" (spec 3.6, 7.2; CLI exit 3).  Codes >= 7 report a
 *  problem with the call, not with the file. */
typedef enum acepack_status {
    ACEPACK_OK = 0,
    ACEPACK_TRUNCATED = 1,           /* a region or field extends past the end of the file */
    ACEPACK_BAD_MAGIC = 2,           /* R-HDR-2 */
    ACEPACK_BAD_VERSION = 3,         /* R-HDR-3 */
    ACEPACK_UNSUPPORTED_FEATURE = 4, /* R-HDR-4: an incompatible flag bit is set */
    ACEPACK_INVALID = 5,             /* any other rule */
    ACEPACK_UNSUPPORTED = 6,         /* an implementation limit (spec 3.6) */
    ACEPACK_NOMEM = 7,               /* a caller-supplied buffer is too small */
    ACEPACK_NOT_FOUND = 8,           /* lookup miss (not an error of the file) */
    ACEPACK_ARG = 9,                 /* invalid argument (NULL, index out of range, ...) */
    ACEPACK_IO = 10,                 /* an operating system call failed (see sys_errno) */
    ACEPACK_LOCKED = 11,             /* W-LOCK-1: another writer holds the lock */
    ACEPACK_CALLBACK = 12            /* a caller callback reported failure */
} acepack_status;

/*! acepack_status_name() :
 *  @return a short lowercase name ("ok", "truncated", "bad_magic", ...) in
 *          static storage; "unknown" for a value not listed above. */
ACEPACK_API const char *acepack_status_name(acepack_status status);

/*! acepack_status_is_invalid() :
 *  @return 1 when `status` says the input file is invalid (codes 1..5), else 0. */
ACEPACK_API int acepack_status_is_invalid(acepack_status status);

/*! acepack_error :
 *  Filled by every function that takes an `acepack_error *` (which may be
 *  NULL when the caller does not want details).  On success the struct is
 *  left as it was.  All strings are static: never free them.
 *  - rule:    the spec rule that the input breaks ("R-EVT-3"), or NULL when
 *             no rule applies (ARG, NOMEM, IO, ...).
 *  - offset:  byte offset from the start of the file (spec 7.2): the first
 *             byte of the field, index entry, JSON token or payload at
 *             fault; the file size for a rule about the whole file.  For
 *             functions that check a standalone buffer (acepack_json_check,
 *             acepack_v1_log_entry) it is relative to that buffer.
 *  - message: a short English description (no trailing newline).
 *  - sys_errno: errno of the failed system call for ACEPACK_IO, else 0. */
typedef struct acepack_error {
    acepack_status status;
    const char *rule;
    uint64_t offset;
    const char *message;
    int sys_errno;
} acepack_error;

/* ------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------ */

/*! acepack_profile : reader profile (spec 1.4). */
typedef enum acepack_profile {
    ACEPACK_STRICT = 0, /* exactly what a conformant writer produces (default) */
    ACEPACK_COMPAT = 1  /* what the JavaScript 0.2.0 store reads, same meaning */
} acepack_profile;

/*! acepack_span : a byte range inside the caller's file bytes (never owned). */
typedef struct acepack_span {
    const uint8_t *ptr;
    size_t len;
} acepack_span;

/* ------------------------------------------------------------------------
 * Opening a file: structural validation
 * ------------------------------------------------------------------------ */

/*! acepack_reader :
 *  Keep it anywhere (usually on the stack); it holds no resources, so there
 *  is no close function.  Fields are filled by acepack_open() and are
 *  read-only for the caller.  The `priv` part is private to the library.
 *  For a version 1 file the event fields are 0 and chunk_end = index_offset. */
typedef struct acepack_reader {
    const uint8_t *data;       /* the file bytes given to acepack_open() */
    size_t size;               /* file size */
    acepack_profile profile;
    uint32_t version;          /* 1 or 2 (R-HDR-3) */
    uint32_t flags;            /* header flags word (R-HDR-4) */
    uint64_t index_offset;     /* kv_index_offset (v2) / index_offset (v1) */
    uint64_t index_length;     /* kv_index_length / index_length */
    uint64_t chunk_end;        /* kv_chunk_end (v2) / index_offset (v1) */
    uint64_t evt_offset;       /* v2 header fields (0 for v1) */
    uint64_t evt_length;
    uint32_t evt_count_field;  /* the header's evt_count (R-EVT-9) */
    uint32_t evt_base_id;      /* R-EVT-10 */
    uint32_t event_count;      /* N, the events the file has (R-EVT-2: 0 in compat for a
                                  short or empty section) */
    uint64_t entry_count;      /* members of the index, in file order.  In compat this
                                  counts duplicate keys once per occurrence (R-IDX-12), so
                                  the number of distinct keys may be smaller. */
    struct {                   /* private: precomputed positions */
        const uint8_t *ts, *kind, *source, *flags, *pay_off, *pay_len, *pool;
        size_t index_begin;    /* first byte of the index JSON value (after BOM/ws) */
        size_t index_end;      /* index_offset + index_length */
    } priv;
} acepack_reader;

/*! acepack_open() :
 *  Opens `size` bytes at `data` (NULL allowed when size is 0) under `profile`
 *  and performs the structural validation, in one pass without allocation:
 *    - header: R-HDR-1..6, R-V1-1, R-V1-2;
 *    - layout: R-LAY-1..5;
 *    - event section: R-EVT-1..9 (column bounds before any column is read,
 *      per-event payload bounds, strict packed pool and ts range);
 *    - the index JSON: R-IDX-1..6 (strict) or R-IDX-1, 2, 8..11 (compat),
 *      and for every entry R-CHK-1, R-CHK-2 (strict), R-CHK-3 (strict); in
 *      compat every occurrence of a repeated key too (R-IDX-12, spec 1.4
 *      item 5), so that one pass without memory suffices.
 *  It does NOT check payload contents (R-PAY-1..3), duplicate keys (R-IDX-7)
 *  or chunk overlap (R-CHK-4): call acepack_validate() for those.  Until
 *  then a strict file must not be called valid (spec 7.2).
 *  @param r       the reader to fill (overwritten; on failure its contents
 *                 are unspecified and it must not be used).
 *  @param err     NULL or where to store the error.
 *  @return ACEPACK_OK, a file status (1..6), or ACEPACK_ARG (r NULL, or data
 *          NULL with size > 0).
 *  Complexity: O(N + index length) time, O(1) stack; reads only inside
 *  [data, data + size). */
ACEPACK_API acepack_status acepack_open(acepack_reader *r, const void *data, size_t size,
                                        acepack_profile profile, acepack_error *err);

/* ------------------------------------------------------------------------
 * Full validation
 * ------------------------------------------------------------------------ */

/* Bits of the `what` argument of acepack_validate(). */
#define ACEPACK_CHECK_PAYLOADS 0x1u /* R-PAY-1..3 on every payload (strict only) */
#define ACEPACK_CHECK_KEYS     0x2u /* R-IDX-7 duplicate keys, R-CHK-4 overlap (strict only) */
#define ACEPACK_CHECK_ALL      (ACEPACK_CHECK_PAYLOADS | ACEPACK_CHECK_KEYS)

/*! acepack_validate_workspace_size() :
 *  @param size  receives the number of workspace bytes acepack_validate()
 *               needs for `what` (0 when none: payload checks need none, and
 *               in compat nothing needs any).
 *  @return ACEPACK_OK, or ACEPACK_UNSUPPORTED when the size does not fit in
 *          size_t (possible on 32-bit targets). */
ACEPACK_API acepack_status acepack_validate_workspace_size(const acepack_reader *r, unsigned what,
                                                           size_t *size);

/*! acepack_validate() :
 *  The checks acepack_open() leaves out.  In compat they do not apply
 *  (payloads are bytes; duplicates are legal and the last one wins) and the
 *  call returns ACEPACK_OK at once.
 *  - ACEPACK_CHECK_PAYLOADS: every payload is UTF-8 (R-PAY-1) JSON text whose
 *    value is an object (R-PAY-2) nested at most 512 levels (R-PAY-3).  The
 *    reported offset is the first byte of the payload at fault (spec 7.2);
 *    acepack_json_check() on the payload gives the position inside it.
 *  - ACEPACK_CHECK_KEYS: no two entries have the same decoded key (R-IDX-7,
 *    offset of the later member in index order, as acepack_table_build) and
 *    no two chunks overlap (R-CHK-4, offset of the member, in index order, of
 *    the entry whose chunk starts later; equal starts: the later member).
 *  @param workspace  caller memory of at least the size given by
 *                    acepack_validate_workspace_size() (any alignment); its
 *                    contents are scratch.  May be NULL when the size is 0.
 *  @return ACEPACK_OK, a file status, ACEPACK_NOMEM (workspace too small:
 *          the caller MAY then skip the check but MUST say so, spec 7.2),
 *          ACEPACK_ARG.
 *  Complexity: payloads O(total payload bytes); keys O(n log n) worst case. */
ACEPACK_API acepack_status acepack_validate(const acepack_reader *r, unsigned what,
                                            void *workspace, size_t ws_size, acepack_error *err);

/* ------------------------------------------------------------------------
 * Events (format v2; a v1 file has none)
 * ------------------------------------------------------------------------ */

/*! acepack_event : one event, read straight from the columns. */
typedef struct acepack_event {
    uint64_t id;          /* evt_base_id + i + 1 (R-EVT-10) */
    uint64_t ts;          /* <= 2^53-1 in strict; any u64 in compat */
    uint8_t kind;
    uint8_t source;
    uint8_t flags;        /* bit 0: deleted */
    acepack_span payload; /* points into the file */
} acepack_event;

/* Internal: unaligned big-endian loads by byte shifts (spec 3.3.2). */
static inline uint32_t acepack__be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint64_t acepack__be64(const uint8_t *p)
{
    return ((uint64_t)acepack__be32(p) << 32) | (uint64_t)acepack__be32(p + 4);
}

/*! acepack_event_count() : @return N (0 for v1 files). O(1). */
static inline uint32_t acepack_event_count(const acepack_reader *r)
{
    return r->event_count;
}

/*! acepack_event_get() :
 *  Fills `*out` with event `i` (0-based, section order).
 *  @return ACEPACK_OK, or ACEPACK_ARG when i >= acepack_event_count().
 *  Complexity: O(1), no validation (done by acepack_open). */
ACEPACK_API acepack_status acepack_event_get(const acepack_reader *r, uint32_t i,
                                             acepack_event *out);

/* Column accessors for scans.  Precondition: i < acepack_event_count(r)
 * (NOT checked).  O(1), inline. */
static inline uint64_t acepack_event_ts(const acepack_reader *r, uint32_t i)
{
    return acepack__be64(r->priv.ts + (size_t)i * 8u);
}
static inline uint8_t acepack_event_kind(const acepack_reader *r, uint32_t i)
{
    return r->priv.kind[i];
}
static inline uint8_t acepack_event_source(const acepack_reader *r, uint32_t i)
{
    return r->priv.source[i];
}
static inline uint8_t acepack_event_flags(const acepack_reader *r, uint32_t i)
{
    return r->priv.flags[i];
}
static inline uint64_t acepack_event_id(const acepack_reader *r, uint32_t i)
{
    return (uint64_t)r->evt_base_id + (uint64_t)i + 1u;
}
static inline acepack_span acepack_event_payload(const acepack_reader *r, uint32_t i)
{
    acepack_span s;
    s.ptr = r->priv.pool + acepack__be32(r->priv.pay_off + (size_t)i * 4u);
    s.len = acepack__be32(r->priv.pay_len + (size_t)i * 4u);
    return s;
}

/* ------------------------------------------------------------------------
 * The KV index: iteration and keys
 * ------------------------------------------------------------------------ */

/*! acepack_entry : one member of the index, as it is in the file.
 *  - key:          the raw bytes of the key's JSON string between the quotes
 *                  (still escaped when has_escapes is 1).  Use
 *                  acepack_key_decode() / acepack_key_equals() for the key.
 *  - chunk_offset: the offset of the chunk's u32 length field (spec 3.4);
 *                  the value is [chunk_offset + 4, chunk_offset + 4 + value_length).
 *  - entry_offset: file offset of the member (its key's opening quote), the
 *                  offset reported for errors about this entry. */
typedef struct acepack_entry {
    acepack_span key;
    int has_escapes;
    uint64_t chunk_offset;
    uint64_t value_length;
    uint64_t entry_offset;
} acepack_entry;

/*! acepack_index_iter : iteration state, caller-owned, no resources. */
typedef struct acepack_index_iter {
    const acepack_reader *r;
    size_t pos;
} acepack_index_iter;

/*! acepack_index_iter_init() / acepack_index_iter_next() :
 *  Iterate over the index members in file order.  In compat a key may occur
 *  several times: every occurrence is yielded, and the LAST occurrence is the
 *  one that counts (R-IDX-12); use acepack_table_is_current() (or a table
 *  lookup) to skip superseded ones.
 *  @return (next) 1 when `*out` was filled, 0 at the end.
 *  Complexity: O(length of the member) per call; no validation (done by
 *  acepack_open). */
ACEPACK_API void acepack_index_iter_init(acepack_index_iter *it, const acepack_reader *r);
ACEPACK_API int acepack_index_iter_next(acepack_index_iter *it, acepack_entry *out);

/*! acepack_key_decode() :
 *  Writes the decoded key (UTF-8, escapes resolved, surrogate pairs combined)
 *  of `e` to `buf`.  Count mode (like jsmn): with buf NULL only `*needed` is
 *  set.  The output is not NUL-terminated (keys may contain U+0000).
 *  @param needed  receives the decoded length (always set, may not be NULL).
 *  @return ACEPACK_OK, ACEPACK_NOMEM when cap < *needed (buf untouched
 *          beyond cap), ACEPACK_ARG.
 *  Complexity: O(raw key length). */
ACEPACK_API acepack_status acepack_key_decode(const acepack_entry *e, uint8_t *buf, size_t cap,
                                              size_t *needed);

/*! acepack_key_equals() :
 *  @return 1 when the decoded key of `e` is exactly the `len` bytes at
 *          `key`, else 0.  No allocation; escapes are decoded on the fly. */
ACEPACK_API int acepack_key_equals(const acepack_entry *e, const void *key, size_t len);

/*! acepack_key_compare() :
 *  Compares the decoded keys of two entries by their UTF-8 bytes (unsigned,
 *  a proper prefix first; the order of D-6).  @return <0, 0, >0. */
ACEPACK_API int acepack_key_compare(const acepack_entry *a, const acepack_entry *b);

/*! acepack_entry_value() :
 *  @return the value bytes of an entry yielded by this reader (bounds were
 *          checked by acepack_open: R-CHK-1).  O(1). */
ACEPACK_API acepack_span acepack_entry_value(const acepack_reader *r, const acepack_entry *e);

/*! acepack_value() :
 *  The value of the chunk at `chunk_offset` with `length` value bytes, with
 *  the bounds checked against the file (R-CHK-1).
 *  @return ACEPACK_OK, or ACEPACK_ARG when the chunk is not inside the file. */
ACEPACK_API acepack_status acepack_value(const acepack_reader *r, uint64_t chunk_offset,
                                         uint64_t length, acepack_span *out);

/* ------------------------------------------------------------------------
 * Lookup table: O(1) lookups by key, in caller memory
 * ------------------------------------------------------------------------ */

/*! acepack_table : caller-owned handle; the slots live in the caller's
 *  memory given to acepack_table_build(), which must outlive the table, as
 *  must the reader.  Fields are private except key_count.
 *  A slot is 8 bytes: a hash tag and the position of the key in the index.
 *  The chunk offset and value length are read from the index text after the
 *  key on a hit, so a hit reads the slot and the key's entry in the file, a
 *  miss (almost always) the slot only. */
typedef struct acepack_table {
    const acepack_reader *r;
    void *slots;
    uint64_t mask;      /* capacity - 1 */
    uint64_t key_count; /* distinct keys (read-only) */
    uint64_t seed;
} acepack_table;

/*! acepack_table_size() :
 *  @param entry_count  reader->entry_count.
 *  @return the bytes acepack_table_build() needs (open addressing, load
 *          factor <= 1/2, 8-byte slots: at most 32 bytes per entry, at least
 *          16 slots, plus 7 bytes of alignment slack), or 0 when that does
 *          not fit in size_t.  Never 0 otherwise. */
ACEPACK_API size_t acepack_table_size(uint64_t entry_count);

/*! acepack_table_build() :
 *  Builds the table of the reader's index in `mem` (any alignment).  Keys
 *  are hashed by their decoded bytes.  Duplicate keys (R-IDX-7): in strict
 *  the build fails with ACEPACK_INVALID, offset = the member of the second
 *  occurrence (the earliest such member in index order); in compat the last
 *  occurrence wins (R-IDX-12).
 *  acepack_table_build() seeds the hash from addresses that ASLR randomizes,
 *  so that a file cannot be crafted in advance to collide (which would make
 *  the build quadratic); results never depend on the seed, only the slot
 *  layout does.  acepack_table_build_seeded() takes the seed, for
 *  reproducible layouts (benchmarks); a caller that passes a fixed seed for
 *  untrusted files gives up that protection.  (Not a cryptographic defense.)
 *  Limit of this implementation (spec 3.6, 13): a slot holds the key's
 *  position in the index in 40 bits, so the index (kv_index_length) must be
 *  shorter than 2^40 bytes (1 TiB).
 *  @return ACEPACK_OK, ACEPACK_INVALID (strict duplicate), ACEPACK_NOMEM
 *          (the slots do not fit in `size` bytes once `mem` is aligned;
 *          acepack_table_size() bytes always suffice, whatever the alignment
 *          of `mem`), ACEPACK_UNSUPPORTED (an index of 2^40 bytes or more,
 *          offset = kv_index_offset; or acepack_table_size() is 0),
 *          ACEPACK_ARG.
 *  Complexity: O(index length) expected; one random access into the table
 *  per entry (overlapped with the walk of the next entries). */
ACEPACK_API acepack_status acepack_table_build(acepack_table *t, const acepack_reader *r,
                                               void *mem, size_t size, acepack_error *err);
ACEPACK_API acepack_status acepack_table_build_seeded(acepack_table *t, const acepack_reader *r,
                                                      void *mem, size_t size, uint64_t seed,
                                                      acepack_error *err);

/*! acepack_table_get() :
 *  Looks up the decoded key `key` (`len` bytes, any bytes; NULL only when
 *  len is 0).
 *  @param value  receives the value bytes on success (may be NULL); left
 *                untouched otherwise.
 *  @return ACEPACK_OK, ACEPACK_NOT_FOUND, or ACEPACK_ARG (t not built, key
 *          NULL with len > 0).
 *  Complexity: O(1) expected.  Latency: a key that is not in the caches
 *  costs two dependent random memory reads (the slot, then the key and its
 *  entry in the file), about 2 memory latencies; a miss costs one.  For
 *  many keys, acepack_table_get_many() overlaps those reads. */
ACEPACK_API acepack_status acepack_table_get(const acepack_table *t, const void *key, size_t len,
                                             acepack_span *value);

/*! acepack_table_get_many() :
 *  Looks up `n` keys: the results are exactly those of
 *  acepack_table_get(t, keys[i].ptr, keys[i].len, &values[i]) for each i,
 *  in that order, but the lookups overlap their memory reads: they run as a
 *  pipeline in which key i is hashed and its slot prefetched while key i-8
 *  has its probe chain walked and its key line in the file prefetched, and
 *  key i-16 is compared and its value read.  It exists for throughput: a
 *  single lookup's latency is bounded by memory latency (see
 *  acepack_table_get()), while in a batch of cold keys the reads of about
 *  16 lookups are in flight at once.  Use it whenever the keys are known in
 *  advance; batches of a few dozen keys and more get the whole benefit (the
 *  first and last 16 keys of a call overlap less).
 *  @param keys    n decoded keys; keys[i].ptr may be NULL only when
 *                 keys[i].len is 0.  May be NULL when n is 0.
 *  @param values  NULL, or n spans: values[i] receives the value of keys[i]
 *                 when status[i] is ACEPACK_OK, and is left untouched
 *                 otherwise (as acepack_table_get() does).
 *  @param status  n statuses (not NULL when n > 0): status[i] is what
 *                 acepack_table_get() returns for keys[i] (ACEPACK_OK,
 *                 ACEPACK_NOT_FOUND, or ACEPACK_ARG for a NULL ptr with
 *                 len > 0).
 *  The three arrays must not overlap.
 *  @return ACEPACK_OK when every key was found (and when n is 0);
 *          ACEPACK_NOT_FOUND when some key was not found and no key was
 *          invalid; ACEPACK_ARG when some keys[i] is invalid (its status[i]
 *          says so; the others are filled), or when t is not built or keys
 *          or status is NULL with n > 0 (then nothing is written).
 *  Complexity: O(n) expected; O(1) stack, no allocation. */
ACEPACK_API acepack_status acepack_table_get_many(const acepack_table *t, const acepack_span *keys,
                                                  size_t n, acepack_span *values,
                                                  acepack_status *status);

/*! acepack_table_find() : as acepack_table_get(), but returns the whole
 *  entry that counts for the key (as acepack_index_iter_next() yields it). */
ACEPACK_API acepack_status acepack_table_find(const acepack_table *t, const void *key, size_t len,
                                              acepack_entry *out);

/*! acepack_table_is_current() :
 *  @return 1 when `e` (yielded by acepack_index_iter_next on the table's
 *          reader) is the occurrence that counts for its key, 0 when a
 *          later occurrence supersedes it (compat, R-IDX-12).  O(1) expected. */
ACEPACK_API int acepack_table_is_current(const acepack_table *t, const acepack_entry *e);

/* ------------------------------------------------------------------------
 * The conformance dump (spec section 11)
 * ------------------------------------------------------------------------ */

/*! acepack_write_fn : output callback.  @return 0 on success; any other
 *  value stops the dump with ACEPACK_CALLBACK. */
typedef int (*acepack_write_fn)(void *ctx, const void *p, size_t n);

/*! acepack_dump_workspace_size() :
 *  @param size  receives the workspace bytes acepack_dump() needs (32 bytes
 *               per index entry).
 *  @return ACEPACK_OK or ACEPACK_UNSUPPORTED (does not fit in size_t). */
ACEPACK_API acepack_status acepack_dump_workspace_size(const acepack_reader *r, size_t *size);

/*! acepack_dump() :
 *  Writes the conformance dump (D-1..D-7) of the opened file through
 *  `write`: kv sorted by decoded key bytes (D-6), duplicates resolved
 *  last-wins in compat (R-IDX-12), events in section order.  The output goes
 *  through a small stack buffer, in pieces of at most a few KiB.
 *  It does not validate payloads or check overlap: call acepack_validate()
 *  first for a strict verdict.  In strict it does detect duplicate keys
 *  (R-IDX-7, same offset as acepack_table_build) because it sorts them.
 *  @param workspace  at least acepack_dump_workspace_size() bytes, any
 *                    alignment (NULL allowed when that size is 0).
 *  @return ACEPACK_OK, ACEPACK_INVALID (strict duplicate), ACEPACK_NOMEM,
 *          ACEPACK_CALLBACK, ACEPACK_ARG.
 *  Complexity: O(n log n) key comparisons (iterative heapsort, no
 *  recursion) + O(output). */
ACEPACK_API acepack_status acepack_dump(const acepack_reader *r, void *workspace, size_t ws_size,
                                        acepack_write_fn write, void *ctx, acepack_error *err);

/* ------------------------------------------------------------------------
 * Text checks (exposed for the writer, the migrator and tools)
 * ------------------------------------------------------------------------ */

/*! acepack_utf8_check() :
 *  @return n when the n bytes at p are valid UTF-8 (spec 1.2), else the
 *          offset of the first byte of the first invalid sequence.
 *  Complexity: O(n), 8 ASCII bytes per step. */
ACEPACK_API size_t acepack_utf8_check(const void *p, size_t n);

/*! acepack_json_check() :
 *  Checks that the n bytes at p satisfy R-PAY-1..3: valid UTF-8, one JSON
 *  text (RFC 8259, whitespace allowed) whose value is an object, nesting at
 *  most 512 levels.  Any syntactically valid escape is allowed (also unpaired
 *  surrogates) and duplicate member names are allowed (R-PAY-2).
 *  @return ACEPACK_OK or ACEPACK_INVALID; err->rule is "R-PAY-1", "R-PAY-2"
 *          or "R-PAY-3" and err->offset is relative to p: the first byte of
 *          the invalid UTF-8 sequence, or the first byte that cannot continue
 *          a JSON text, or the bracket that opens level 513.
 *  Complexity: O(n), no recursion, 64-byte depth bitset on the stack. */
ACEPACK_API acepack_status acepack_json_check(const void *p, size_t n, acepack_error *err);

/* ------------------------------------------------------------------------
 * Version 1 event log helpers for migration (spec 6.1, 10)
 * ------------------------------------------------------------------------ */

/*! acepack_v1_log_key() :
 *  Is the decoded key `key` (`len` bytes) a log key (M-3)?
 *  @param id  receives the entry id (UINT64_MAX when it exceeds 2^64-1).
 *  @return ACEPACK_OK (log key), ACEPACK_NOT_FOUND (not a log key),
 *          ACEPACK_UNSUPPORTED (a log key whose id exceeds 2^64-1). */
ACEPACK_API acepack_status acepack_v1_log_key(const void *key, size_t len, uint64_t *id);

/*! acepack_v1_entry : the fields of a well-formed v1 log entry (M-4, M-5). */
typedef struct acepack_v1_entry {
    uint64_t id;      /* the key's id, UINT64_MAX when it exceeds 2^64-1 (such a
                         file cannot be migrated: M-8) */
    uint64_t ts;      /* [0, 2^53-1] */
    uint8_t kind;
    uint8_t source;   /* content_source */
    uint8_t flags;    /* 0 when absent or null */
    uint8_t has_flags;/* 1 when a numeric flags member is present */
} acepack_v1_entry;

/*! acepack_v1_log_entry() :
 *  Classifies the KV entry (decoded key, value bytes) of a v1 file.
 *  @return ACEPACK_NOT_FOUND: the key is not a log key (M-3);
 *          ACEPACK_OK: a well-formed log entry (M-4), `*out` filled;
 *          ACEPACK_INVALID: a malformed log entry (it stays in the KV map,
 *          M-7); err->rule = "M-4", err->offset relative to the value.
 *  No allocation; O(value length). */
ACEPACK_API acepack_status acepack_v1_log_entry(const void *key, size_t key_len,
                                                const void *value, size_t value_len,
                                                acepack_v1_entry *out, acepack_error *err);

/*! acepack_v1_log_seq() :
 *  Is the value of `meta/log_entry_seq` exactly a `uint` (spec 4.1: "0" or a
 *  nonzero digit followed by digits, at most 2^53-1; no other byte)? (M-6)
 *  @return ACEPACK_OK with *seq set, or ACEPACK_NOT_FOUND. */
ACEPACK_API acepack_status acepack_v1_log_seq(const void *value, size_t len, uint64_t *seq);

/* ------------------------------------------------------------------------
 * Mapping a file (POSIX mmap; no heap)
 * ------------------------------------------------------------------------ */

/*! acepack_mapping : a read-only mapping of a whole file. */
typedef struct acepack_mapping {
    const uint8_t *data; /* NULL for an empty file */
    size_t size;
    void *base_;         /* private */
    size_t map_len_;     /* private */
} acepack_mapping;

/*! acepack_map_file() :
 *  Maps the file at `path` read-only (mmap, MAP_PRIVATE).  The descriptor is
 *  closed before returning.  An empty file gives data NULL, size 0 (which
 *  acepack_open rejects under R-HDR-1).
 *  @return ACEPACK_OK, ACEPACK_IO (open/fstat/mmap failed, or not a regular
 *          file; err->sys_errno set), ACEPACK_UNSUPPORTED (larger than
 *          SIZE_MAX, or 2^53-1), ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_map_file(const char *path, acepack_mapping *m,
                                            acepack_error *err);

/*! acepack_unmap() : releases a mapping (no-op for an empty or zeroed one). */
ACEPACK_API void acepack_unmap(acepack_mapping *m);

/* ========================================================================
 * Writer section (library `acepack` only) - added by the writer.
 * ======================================================================== */

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
#define ACEPACK_IO_RDONLY      0x1u /* read only */
#define ACEPACK_IO_RDWR        0x2u /* read and write */
#define ACEPACK_IO_CREATE_EXCL 0x4u /* with RDWR: create, fail with EEXIST if it exists */
#define ACEPACK_IO_DIRECTORY   0x8u /* with RDONLY: a directory (opened to fsync it) */

/* Operations of acepack_io.flock. */
#define ACEPACK_IO_LOCK_EX_NB 1 /* exclusive, non-blocking: EWOULDBLOCK when held */
#define ACEPACK_IO_UNLOCK     2

/*! acepack_file_info : what the writer needs from fstat/stat. */
typedef struct acepack_file_info {
    uint64_t dev;
    uint64_t ino;
    uint64_t size;
    uint32_t mode;      /* permission bits (st_mode & 07777) */
    int is_regular;     /* 1 for a regular file */
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
 *  injection) may wrap it.
 *  `writeback` is optional (NULL: not called) and only a hint: it asks the
 *  system to start writing [off, off + len) of a file to the device without
 *  waiting (POSIX table, Linux: sync_file_range with
 *  SYNC_FILE_RANGE_WRITE; elsewhere a no-op), so that the device works while
 *  the writer still produces the file and the final fsync/fdatasync waits
 *  less.  Its result is ignored; durability never depends on it.  It comes
 *  after `ctx` so that tables written without it stay valid. */
typedef struct acepack_io {
    int (*open)(void *ctx, const char *path, unsigned flags, uint32_t mode, int *fd);
    int (*close)(void *ctx, int fd);
    int (*pread)(void *ctx, int fd, void *buf, size_t n, uint64_t off, size_t *done);
    int (*pwrite)(void *ctx, int fd, const void *buf, size_t n, uint64_t off, size_t *done);
    int (*write)(void *ctx, int fd, const void *buf, size_t n, size_t *done);
    int (*fsync)(void *ctx, int fd);     /* data and metadata; also used on directories */
    int (*fdatasync)(void *ctx, int fd);
    int (*ftruncate)(void *ctx, int fd, uint64_t size);
    int (*flock)(void *ctx, int fd, int op);
    int (*fstat)(void *ctx, int fd, acepack_file_info *out);
    int (*stat)(void *ctx, const char *path, acepack_file_info *out); /* ENOENT if absent */
    int (*rename)(void *ctx, const char *from, const char *to);      /* replaces `to` */
    int (*link)(void *ctx, const char *from, const char *to);        /* EEXIST if `to` exists */
    int (*unlink)(void *ctx, const char *path);
    int (*map)(void *ctx, int fd, uint64_t size, const void **addr);
    void (*unmap)(void *ctx, const void *addr, uint64_t size);
    void *ctx;
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

/*! acepack_build_fd() : as acepack_build_write(), written to the file
 *  descriptor `fd` with io->write (io NULL: POSIX) at its current position.
 *  Does not fsync.  ACEPACK_IO on a write error (err->sys_errno). */
ACEPACK_API acepack_status acepack_build_fd(const acepack_content *c,
                                            const acepack_allocator *alloc,
                                            const acepack_io *io, int fd, acepack_error *err);

/* ------------------------------------------------------------------------
 * The conformance dump, parsed back (spec 11)
 * ------------------------------------------------------------------------ */

/*! acepack_parsed_dump : the content of a dump; `content` points into memory
 *  owned by this struct (release it with acepack_parsed_dump_free). */
typedef struct acepack_parsed_dump {
    acepack_content content;
    void *priv_mem_;           /* private */
    size_t priv_size_;
    void *priv_arrays_;
    size_t priv_arrays_size_;
    acepack_allocator priv_alloc_;
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
    acepack_profile profile;           /* M-1: profile the input must validate under */
    const acepack_allocator *alloc;    /* NULL: malloc */
    const acepack_io *io;              /* NULL: POSIX (acepack_migrate_path only) */
    acepack_key_fn malformed_key;      /* NULL, or called once per malformed entry kept in
                                          the KV map, in key byte order (M-10) */
    void *malformed_ctx;
    uint32_t file_mode;                /* mode of a created file; 0: 0644 (before umask) */
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
                                                acepack_migrate_report *report,
                                                acepack_error *err);

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
    const acepack_allocator *alloc;   /* NULL: malloc */
    const acepack_io *io;             /* NULL: acepack_io_posix() */
    double compact_ratio;             /* W-COMPACT-2 R; 0: ACEPACK_COMPACT_RATIO_DEFAULT;
                                         below ACEPACK_COMPACT_RATIO_MIN: ACEPACK_ARG */
    uint32_t file_mode;               /* mode of a created store; 0: 0644 (before umask) */
    acepack_migrate_report *migrate_report; /* NULL, or filled when a v1 file was migrated
                                               at open (else zeroed) */
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

/*! acepack_store_delete() : removes key, pending until the next commit.
 *  @return ACEPACK_OK, ACEPACK_NOT_FOUND, ACEPACK_NOMEM, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_delete(acepack_store *s, const void *key,
                                                size_t key_len, acepack_error *err);

/*! acepack_store_get() : the current value of key (pending changes
 *  included), copied to buf.  Count mode: buf NULL sets only *len.
 *  @return ACEPACK_OK, ACEPACK_NOT_FOUND, ACEPACK_NOMEM (cap < *len),
 *          ACEPACK_IO, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_store_get(acepack_store *s, const void *key, size_t key_len,
                                             void *buf, size_t cap, size_t *len,
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
    uint64_t key_count;       /* keys, pending changes included */
    uint64_t event_count;     /* events, pending ones included */
    uint64_t pending_events;
    uint64_t pending_kv;      /* pending put/delete operations */
    uint32_t evt_base_id;
    uint64_t file_size;       /* committed extent (the file size after a commit) */
    uint64_t live_size;       /* W-COMPACT-2 live size of the committed content */
    uint64_t commits;         /* successful commits since open (compacting ones included) */
    uint64_t compactions;     /* compactions since open (automatic or explicit) */
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

#endif /* ACEPACK_H */
