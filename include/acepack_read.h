/*
 * acepack_read.h - the reader of ACEPACK files (library `acepack_read`).
 *
 * libacepack_read reads ACEPACK files as specified by spec/ACEPACK.md
 * (specification version ACEPACK_SPEC_VERSION).  Rule identifiers such as
 * R-EVT-3 refer to that document.  The writer (library `acepack`, which
 * contains the reader too) is declared in acepack_write.h; acepack.h
 * includes both.  A program linked with acepack_read alone includes this
 * header only.
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
 * Compatibility policy (what a program built against this header may rely
 * on across versions with the same ACEPACK_VERSION_MAJOR):
 *   - Functions and their signatures stay; new ones are added.  Status codes
 *     are never renumbered (ACEPACK_STATUS_LAST is the highest one).
 *   - Opaque objects (acepack_store) are only ever used through pointers:
 *     their layout may change at any release.
 *   - Structs the caller allocates (acepack_reader, acepack_table,
 *     acepack_index_iter, acepack_mapping; the writer's acepack_parsed_dump)
 *     may only be filled by the library; their size may change at a major
 *     version only.  Private fields are marked one way only: they are the
 *     members of a nested struct named `priv`, which a caller never reads
 *     or writes and which may change at any release.  Every other field is
 *     documented and read-only for the caller.
 *   - Option and description structs the caller fills (acepack_content,
 *     acepack_migrate_options, acepack_store_options, ...) must be zeroed
 *     before use (memset or `= {0}`), so that a field added at the end in a
 *     later version reads as 0 = the old behaviour.
 *   - A table of functions the caller fills (the writer's acepack_io) starts
 *     with a `version` member (SQLite's iVersion): the library reads only
 *     the members that version has, so a table built against an older,
 *     smaller header stays valid; members are only appended.
 *   - Sizes are asked for in one shape:
 *         acepack_status acepack_<what>_size(<object>, [options,] *size)
 *     ACEPACK_OK with *size set; ACEPACK_UNSUPPORTED when the size does not
 *     fit its type (a 32-bit size_t); ACEPACK_ARG.  Memory the caller
 *     provides is asked for that way first (acepack_table_size,
 *     acepack_validate_workspace_size, acepack_dump_workspace_size; the
 *     writer's acepack_build_size, which validates the content and so also
 *     takes the allocator and an acepack_error, and acepack_build_bound).
 *     A function that copies a result of variable length into a caller
 *     buffer takes (buf, cap, size_t *needed) instead: *needed always
 *     receives the whole length, buf NULL only counts, and cap < *needed is
 *     ACEPACK_NOMEM (acepack_key_decode; the writer's acepack_store_get).
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
#ifndef ACEPACK_READ_H
#define ACEPACK_READ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ACEPACK_API marks the exported symbols of the shared library. */
#if defined(ACEPACK_STATIC_DEFINE)
#define ACEPACK_API
#elif defined(_WIN32)
#if defined(ACEPACK_BUILDING_LIBRARY)
#define ACEPACK_API __declspec(dllexport)
#else
#define ACEPACK_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define ACEPACK_API __attribute__((visibility("default")))
#else
#define ACEPACK_API
#endif

/* ------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------ */

#define ACEPACK_VERSION_MAJOR 0
#define ACEPACK_VERSION_MINOR 1
#define ACEPACK_VERSION_PATCH 0
#define ACEPACK_VERSION_STRING "0.1.0"
/* Version of spec/ACEPACK.md this library implements. */
#define ACEPACK_SPEC_VERSION "1.1.0"

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

/* The highest status code of this version (loops over every code use it, so
 * that an appended code is not missed).  A later version may raise it. */
#define ACEPACK_STATUS_LAST ACEPACK_CALLBACK

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

/* Private: the column starts of one event section or segment (spec 3.3.1). */
typedef struct acepack__columns {
    const uint8_t *ts, *kind, *source, *flags, *pay_off, *pay_len, *pool;
} acepack__columns;

/*! acepack_reader :
 *  Keep it anywhere (usually on the stack); it holds no resources, so there
 *  is no close function.  Fields are filled by acepack_open() and are
 *  read-only for the caller; `priv` is private to the library.
 *  For a version 1 file the event fields are 0 and chunk_end = index_offset. */
typedef struct acepack_reader {
    const uint8_t *data; /* the file bytes given to acepack_open() */
    size_t size;         /* file size */
    acepack_profile profile;
    uint32_t version;      /* 1 or 2 (R-HDR-3) */
    uint32_t flags;        /* header flags word (R-HDR-4) */
    uint64_t index_offset; /* kv_index_offset (v2) / index_offset (v1) */
    uint64_t index_length; /* kv_index_length / index_length */
    uint64_t chunk_end;    /* kv_chunk_end (v2) / index_offset (v1) */
    uint64_t evt_offset;   /* v2 header fields (0 for v1) */
    uint64_t evt_length;
    uint32_t evt_count_field; /* the header's evt_count (R-EVT-9) */
    uint32_t evt_base_id;     /* R-EVT-10 */
    uint32_t event_count;     /* N, the events the file has (R-EVT-2: 0 in compat for a
                                  short or empty section) */
    uint64_t entry_count;     /* members of the index, in file order.  In compat this
                                  counts duplicate keys once per occurrence (R-IDX-12), so
                                  the number of distinct keys may be smaller. */
    struct {                  /* private: precomputed positions */
        acepack__columns col; /* the event section's columns (unsegmented files, views) */
        const uint8_t *segs;  /* segmented (bit 16): entry 0 of the segment table */
        uint32_t seg_count;   /* S when segmented, else 0 */
        uint64_t id_base;     /* id of event 0 minus 1 (evt_base_id; a view adds its first) */
        size_t index_begin;   /* first byte of the index JSON value (after BOM/ws) */
        size_t index_end;     /* index_offset + index_length */
    } priv;
} acepack_reader;

/*! acepack_open() :
 *  Opens `size` bytes at `data` (NULL allowed when size is 0) under `profile`
 *  and performs the structural validation, in one pass without allocation:
 *    - header: R-HDR-1..6, R-V1-1, R-V1-2; with flag bit 0 in strict, the
 *      CRC32C of the header and of each region (R-CRC-1..5, O(file size));
 *    - layout: R-LAY-1..5;
 *    - segment table (flag bit 16, spec 3.7): R-SEG-1..8, then every
 *      segment as an event section (R-EVT-3..8);
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

/* Feature flag bits of the header's flags word that this library implements
 * (spec R-HDR-4). */
#define ACEPACK_FLAG_CHECKSUMS 0x00000001u /* compatible bit 0: CRC32C fields, spec 3.8 */
#define ACEPACK_FLAG_SEGMENTED 0x00010000u /* incompatible bit 16: segmented event log, spec 3.7 */

/*! acepack_crc32c() :
 *  The CRC32C (Castagnoli) of spec 3.8 over `size` bytes at `data`,
 *  continuing from `crc`, the CRC of the bytes before them (0 for none):
 *  acepack_crc32c(acepack_crc32c(0, a, na), b, nb) is the CRC of a then b.
 *  Uses the CPU's CRC32C instruction when it has one. */
ACEPACK_API uint32_t acepack_crc32c(uint32_t crc, const void *data, size_t size);

/* ------------------------------------------------------------------------
 * Full validation
 * ------------------------------------------------------------------------ */

/* Bits of the `what` argument of acepack_validate(). */
#define ACEPACK_CHECK_PAYLOADS 0x1u /* R-PAY-1..3 on every payload (strict only) */
#define ACEPACK_CHECK_KEYS 0x2u     /* R-IDX-7 duplicate keys, R-CHK-4 overlap (strict only) */
#define ACEPACK_CHECK_ALL (ACEPACK_CHECK_PAYLOADS | ACEPACK_CHECK_KEYS)

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
ACEPACK_API acepack_status acepack_validate(const acepack_reader *r, unsigned what, void *workspace,
                                            size_t ws_size, acepack_error *err);

/* ------------------------------------------------------------------------
 * Events (format v2; a v1 file has none)
 * ------------------------------------------------------------------------ */

/*! acepack_event : one event, read straight from the columns. */
typedef struct acepack_event {
    uint64_t id; /* evt_base_id + i + 1 (R-EVT-10) */
    uint64_t ts; /* <= 2^53-1 in strict; any u64 in compat */
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

/* Private: for a segmented file (spec 3.7), finds the segment of event i
 * (binary search over first_event), fills *c with its columns and returns the
 * position of the event inside it.  Precondition: i < acepack_event_count(r).
 * Kept for binaries built against earlier headers; the accessors below use
 * acepack__event_segment_of(). */
ACEPACK_API uint32_t acepack__event_locate(const acepack_reader *r, uint32_t i,
                                           acepack__columns *c);

/* Private: the segment k of event i of a segmented file (the last table entry
 * whose first_event <= i).  It only reads memory, so it is declared pure:
 * then an accessor called in a loop stores nothing, and the compiler may
 * keep r->priv.seg_count and the column pointers of an unsegmented reader or
 * of a view (acepack_event_segment) in registers for the whole loop instead
 * of reloading them per event. */
#if defined(__GNUC__)
#define ACEPACK__PURE __attribute__((pure))
#else
#define ACEPACK__PURE
#endif
ACEPACK_API uint32_t acepack__event_segment_of(const acepack_reader *r, uint32_t i) ACEPACK__PURE;

/* Private: the columns of the event section at sec holding n events (spec
 * 3.3.1: ts, kind, source, flags, pad to 4, pay_off, pay_len, pool length,
 * pool). */
static inline void acepack__columns_of(const uint8_t *sec, uint32_t n, acepack__columns *c)
{
    size_t pad = (size_t)((4u - n % 4u) % 4u);
    c->ts = sec + 4;
    c->kind = sec + 4 + 8 * (size_t)n;
    c->source = sec + 4 + 9 * (size_t)n;
    c->flags = sec + 4 + 10 * (size_t)n;
    c->pay_off = sec + 4 + 11 * (size_t)n + pad;
    c->pay_len = c->pay_off + 4 * (size_t)n;
    c->pool = sec + 8 + 19 * (size_t)n + pad;
}

/* Column accessors.  Precondition: i < acepack_event_count(r) (NOT checked).
 * O(1), inline, for a file with one event section; for a segmented file
 * (spec 3.7) each call locates the segment (O(log S)): scans should go
 * segment by segment through acepack_event_segment() views, whose accessors
 * are O(1) again.  The segmented path writes only the caller's temporary
 * (no memory the compiler must assume changed), see acepack__event_segment_of. */
static inline const acepack__columns *acepack__cols(const acepack_reader *r, uint32_t *i,
                                                    acepack__columns *tmp)
{
    const uint8_t *e, *sec;
    if (r->priv.seg_count == 0)
        return &r->priv.col;
    e = r->priv.segs + 32 * (size_t)acepack__event_segment_of(r, *i);
    sec = r->data + (size_t)acepack__be64(e); /* segment_offset, checked at open (R-SEG-3) */
    *i -= (uint32_t)acepack__be64(e + 16);    /* first_event (R-SEG-6) */
    acepack__columns_of(sec, acepack__be32(sec), tmp);
    return tmp;
}
static inline uint64_t acepack_event_ts(const acepack_reader *r, uint32_t i)
{
    acepack__columns t;
    const acepack__columns *c = acepack__cols(r, &i, &t);
    return acepack__be64(c->ts + (size_t)i * 8u);
}
static inline uint8_t acepack_event_kind(const acepack_reader *r, uint32_t i)
{
    acepack__columns t;
    return acepack__cols(r, &i, &t)->kind[i];
}
static inline uint8_t acepack_event_source(const acepack_reader *r, uint32_t i)
{
    acepack__columns t;
    return acepack__cols(r, &i, &t)->source[i];
}
static inline uint8_t acepack_event_flags(const acepack_reader *r, uint32_t i)
{
    acepack__columns t;
    return acepack__cols(r, &i, &t)->flags[i];
}
static inline uint64_t acepack_event_id(const acepack_reader *r, uint32_t i)
{
    return r->priv.id_base + (uint64_t)i + 1u;
}
static inline acepack_span acepack_event_payload(const acepack_reader *r, uint32_t i)
{
    acepack__columns t;
    const acepack__columns *c = acepack__cols(r, &i, &t);
    acepack_span s;
    s.ptr = c->pool + acepack__be32(c->pay_off + (size_t)i * 4u);
    s.len = acepack__be32(c->pay_len + (size_t)i * 4u);
    return s;
}

/*! acepack_segment : one event section of the file (spec 3.7).  A file
 *  without bit 16 has one: its event section. */
typedef struct acepack_segment {
    uint64_t offset;      /* segment_offset (evt_offset for an unsegmented file) */
    uint64_t length;      /* segment_length (evt_length) */
    uint64_t first_event; /* index of its first event in the whole list */
    uint32_t count;       /* its events */
    uint32_t crc;         /* segment_crc (0 for an unsegmented file) */
} acepack_segment;

/*! acepack_event_segment_count() :
 *  @return S for a segmented file, 1 for any other v2 file (its one event
 *          section, possibly empty), 0 for a v1 file.  O(1). */
ACEPACK_API uint32_t acepack_event_segment_count(const acepack_reader *r);

/*! acepack_event_segment() :
 *  Describes segment `s` (< acepack_event_segment_count(r)) in `*info` (may
 *  be NULL) and, when `view` is not NULL, fills `*view` with a reader whose
 *  events are exactly those of the segment: acepack_event_count(view) is its
 *  count, and the event accessors (ids included: event j of the view is
 *  event info->first_event + j of r) run at the speed of an unsegmented
 *  file.  Only the event functions may be used on a view; it shares r's
 *  bytes.  @return ACEPACK_OK or ACEPACK_ARG (s out of range).  O(1). */
ACEPACK_API acepack_status acepack_event_segment(const acepack_reader *r, uint32_t s,
                                                 acepack_segment *info, acepack_reader *view);

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

/*! acepack_index_iter : iteration state, caller-owned, no resources; every
 *  field is private (`priv`). */
typedef struct acepack_index_iter {
    struct { /* private */
        const acepack_reader *r;
        size_t pos; /* next byte of the index to read */
    } priv;
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
 *  must the reader.  key_count is read-only for the caller; `priv` is
 *  private to the library.
 *  A slot is 8 bytes: a hash tag and the position of the key in the index.
 *  The chunk offset and value length are read from the index text after the
 *  key on a hit, so a hit reads the slot and the key's entry in the file, a
 *  miss (almost always) the slot only. */
typedef struct acepack_table {
    uint64_t key_count; /* distinct keys */
    struct {            /* private */
        const acepack_reader *r;
        void *slots;
        uint64_t mask; /* capacity - 1 */
        uint64_t seed;
    } priv;
} acepack_table;

/*! acepack_table_size() :
 *  @param size  receives the bytes acepack_table_build() needs for the
 *               reader's index (open addressing, load factor <= 1/2, 8-byte
 *               slots: at most 32 bytes per entry, at least 16 slots, plus 7
 *               bytes of alignment slack).  Never 0.
 *  @return ACEPACK_OK, ACEPACK_UNSUPPORTED when the size does not fit in
 *          size_t, ACEPACK_ARG. */
ACEPACK_API acepack_status acepack_table_size(const acepack_reader *r, size_t *size);

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
 *          offset = kv_index_offset; or acepack_table_size() fails),
 *          ACEPACK_ARG.
 *  Complexity: O(index length) expected; one random access into the table
 *  per entry (overlapped with the walk of the next entries). */
ACEPACK_API acepack_status acepack_table_build(acepack_table *t, const acepack_reader *r, void *mem,
                                               size_t size, acepack_error *err);
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
    uint64_t id; /* the key's id, UINT64_MAX when it exceeds 2^64-1 (such a
                         file cannot be migrated: M-8) */
    uint64_t ts; /* [0, 2^53-1] */
    uint8_t kind;
    uint8_t source;    /* content_source */
    uint8_t flags;     /* 0 when absent or null */
    uint8_t has_flags; /* 1 when a numeric flags member is present */
} acepack_v1_entry;

/*! acepack_v1_log_entry() :
 *  Classifies the KV entry (decoded key, value bytes) of a v1 file.
 *  @return ACEPACK_NOT_FOUND: the key is not a log key (M-3);
 *          ACEPACK_OK: a well-formed log entry (M-4), `*out` filled;
 *          ACEPACK_INVALID: a malformed log entry (it stays in the KV map,
 *          M-7); err->rule = "M-4", err->offset relative to the value.
 *  No allocation; O(value length). */
ACEPACK_API acepack_status acepack_v1_log_entry(const void *key, size_t key_len, const void *value,
                                                size_t value_len, acepack_v1_entry *out,
                                                acepack_error *err);

/*! acepack_v1_log_seq() :
 *  Is the value of `meta/log_entry_seq` exactly a `uint` (spec 4.1: "0" or a
 *  nonzero digit followed by digits, at most 2^53-1; no other byte)? (M-6)
 *  @return ACEPACK_OK with *seq set, or ACEPACK_NOT_FOUND. */
ACEPACK_API acepack_status acepack_v1_log_seq(const void *value, size_t len, uint64_t *seq);

/* ------------------------------------------------------------------------
 * Mapping a file (POSIX mmap; no heap)
 * ------------------------------------------------------------------------ */

/*! acepack_mapping : a read-only mapping of a whole file.  data and size
 *  are read-only for the caller; `priv` is private to the library. */
typedef struct acepack_mapping {
    const uint8_t *data; /* NULL for an empty file */
    size_t size;
    struct { /* private */
        void *base;
        size_t map_len;
    } priv;
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

#ifdef __cplusplus
}
#endif

#endif /* ACEPACK_READ_H */
