/*
 * wtest.h - helpers of the writer tests: files, the spec's example files,
 * and the model (the harness is tests/common/testlib.h).
 *
 * The expected content of every store a test writes is kept in a `model`:
 * plain arrays maintained by the test itself (put/delete/append), never read
 * back from the writer.  model_check_*() compares a file with a model through
 * the reader (strict, full validation), which shares no code with the writer.
 */
#ifndef ACEPACK_WTEST_H
#define ACEPACK_WTEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acepack.h"
#include "testlib.h"

/* ---- files ---- */

/* A fresh empty directory (under $TMPDIR or /tmp), removed by w_rmdir. */
void w_mkdir(char *out, size_t cap, const char *tag);
void w_rmdir(const char *dir);
/* Number of directory entries other than . and .. */
int w_count_files(const char *dir);
/* Whole file into malloc'd memory (*n set); NULL if it cannot be read. */
uint8_t *w_read_file(const char *path, size_t *n);
/* The same into one buffer kept for the next call (do not free; valid until
 * the next call): the checks that read a file after every step allocate
 * nothing, which under AddressSanitizer is most of their cost. */
const uint8_t *w_read_file_shared(const char *path, size_t *n);

/* Flag bits model_check_bytes() accepts in a file (default 0: none; the
 * checksums workloads allow bit 0, spec 3.8, whose fields they check). */
extern uint32_t w_flags_allowed;
int w_write_file(const char *path, const void *p, size_t n);
/* Parses hex text (whitespace ignored) into out; returns the byte count. */
size_t w_hex(const char *hex, uint8_t *out, size_t cap);
/* 1 when the file holds exactly the n bytes at `want`. */
int w_file_equals(const char *path, const uint8_t *want, size_t n);

/* A growing buffer and the acepack_write_fn that appends to it (for the
 * streaming builder, dump and migration). */
typedef struct w_buf {
    uint8_t *p;
    size_t n, cap;
} w_buf;
int w_buf_write(void *ctx, const void *p, size_t n);

/* ---- files of the spec, as hex for w_hex() (written out from its text) ---- */

/* Spec 8.3: the canonical empty store, 138 bytes. */
extern const char W_EMPTY_STORE_HEX[];
/* Spec Appendix B, the worked example: keys "42" = "x", "a" = "y", one
 * event; 241 bytes. */
extern const char W_APPENDIX_B_HEX[];

/* Writes the canonical v1 file (W-V1-1) of the pairs to `path`, for the
 * tests that start from a v1 store.  @return its bytes (malloc'd, *n set),
 * or NULL when it cannot be built or written. */
uint8_t *w_write_v1_file(const char *path, const acepack_kv *kv, size_t nkv, size_t *n);

/* ---- the model ---- */

typedef struct m_kv {
    uint8_t *k;
    size_t kn;
    uint8_t *v;
    size_t vn;
} m_kv;

typedef struct m_ev {
    uint64_t ts;
    uint8_t kind, src, flags;
    uint8_t *p;
    size_t pn;
} m_ev;

typedef struct model {
    m_kv *kv;
    size_t nkv, capkv;
    m_ev *ev;
    size_t nev, capev;
    uint32_t base;
} model;

void model_init(model *m);
void model_free(model *m);
void model_copy(model *dst, const model *src);
void model_put(model *m, const void *k, size_t kn, const void *v, size_t vn);
int model_del(model *m, const void *k, size_t kn); /* 1 when it existed */
void model_append(model *m, uint64_t ts, uint8_t kind, uint8_t src, uint8_t flags, const void *p,
                  size_t pn);
#define model_put_s(m, k, v) model_put((m), (k), strlen(k), (v), strlen(v))
/* The content of a model (pointers into it) for the builder. */
acepack_content model_content(const model *m, acepack_kv *kv, acepack_event_in *ev);

/* 1 when the bytes are a strict-valid (fully validated) v2 file with exactly
 * the model's content; otherwise 0 and a reason in why. */
int model_check_bytes(const uint8_t *d, size_t n, const model *m, char *why, size_t cap);
int model_check_file(const char *path, const model *m, char *why, size_t cap);
#define CHECK_MODEL(path, m)                                                            \
    do {                                                                                \
        char why_[256];                                                                 \
        if (!model_check_file((path), (m), why_, sizeof why_))                          \
            t_fail(__FILE__, __LINE__, "%s does not hold the model: %s", (path), why_); \
    } while (0)

/* The W-COMPACT-2 live size of a valid v2 file, computed from its bytes. */
uint64_t w_live_size(const uint8_t *d, size_t n);

/* An acepack_io that wraps POSIX and skips fsync/fdatasync (for tests that
 * check layout, not durability, thousands of times). */
const acepack_io *w_io_nosync(void);

/* The plain halves of a test allocator (acepack_allocator) whose alloc, or
 * alloc and realloc, count or fail: realloc and free as malloc's, ctx unused. */
void *w_realloc_plain(void *ctx, void *p, size_t old_size, size_t new_size);
void w_free_plain(void *ctx, void *p, size_t size);

#endif /* ACEPACK_WTEST_H */
