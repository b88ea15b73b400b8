/*
 * tfile.h - hand-made ACEPACK files for the reader's unit tests, and the
 * expectations on them (the harness is tests/common/testlib.h).
 *
 * The builders write bytes exactly as spec/ACEPACK.md lays them out (header
 * 3.2, event section 3.3.1, chunks 3.4, index 4.1); they share no code with
 * the library.  Tests then patch single fields to break single rules.
 */
#ifndef ACEPACK_TFILE_H
#define ACEPACK_TFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acepack_read.h"
#include "testlib.h"

/* ---- test tables (the runner is tests/common/testlib.h) ---- */

/* ctest names: unit.<RULE>.<what>[.<profile>] */
#define T_STRICT(name, fn)                               \
    {                                                    \
        "unit." name ".strict", NULL, fn, ACEPACK_STRICT \
    }
#define T_COMPAT(name, fn)                               \
    {                                                    \
        "unit." name ".compat", NULL, fn, ACEPACK_COMPAT \
    }
#define T_BOTH(name, fn) T_STRICT(name, fn), T_COMPAT(name, fn)
#define T_ANY(name, fn)                        \
    {                                          \
        "unit." name, NULL, fn, ACEPACK_STRICT \
    }

/* ---- byte builders ---- */

#define TF_CAP (1u << 20)
typedef struct tfile {
    uint8_t d[TF_CAP];
    size_t n;
} tfile;

extern tfile F; /* the file most tests build */

void be32_at(uint8_t *p, uint32_t v);
void be64_at(uint8_t *p, uint64_t v);

typedef struct tev {
    uint64_t ts;
    uint8_t kind, source, flags;
    const char *payload; /* NUL-terminated */
} tev;

/* Canonical event section of spec 3.3.1; returns its length. */
size_t tf_events(uint8_t *out, const tev *ev, uint32_t n);

/* A v2 file from raw parts laid out per W-LAY-1: header, chunk bytes at 128,
 * event section, index text.  evt_count = the section's count. */
void tf_v2(tfile *f, const void *chunks, size_t clen, const void *evsec, size_t elen,
           const char *index);

/* A v1 file: 64-byte header, chunk bytes at 64, index. */
void tf_v1(tfile *f, const void *chunks, size_t clen, const char *index);

typedef struct tkv {
    const char *key_json; /* key as written between the quotes in the index */
    const char *value;    /* NUL-terminated */
} tkv;

/* A canonical-looking v2 file: chunks in the given order from 128, the
 * given events, the index in the given order (strict grammar). */
void tf_store(tfile *f, const tkv *kv, size_t nkv, const tev *ev, uint32_t nev);

/* Inserts n bytes at pos of F (moves the rest). */
void tf_insert(size_t pos, const void *bytes, size_t n);

/* The small store most tests start from (S1), laid out by hand:
 *   0..127   header
 *   128..133 chunk of key "a": 00 00 00 02 'h' 'i'   (kv_chunk_end 134)
 *   134..165 event section, N = 1, pad 3: count 134, ts 138, kind 146,
 *            source 147, flags 148, pad 149..151, pay_off 152, pay_len 156,
 *            pool_length 160, pool 164..165 = "{}"       (evt_length 32)
 *   166..196 index {"a":{"offset":128,"length":2}}      (31 bytes)
 * Event: ts 1000, kind 1, source 2, flags 0. */
void tf_s1(void);

/* ---- expectations ---- */

/* Opens F (or any bytes) and checks the status, rule and offset. */
void expect_open_at(const char *file, int line, const void *d, size_t n, acepack_profile p,
                    acepack_status st, const char *rule, uint64_t off);
#define EXPECT_OPEN(p, st, rule, off) expect_open_at(__FILE__, __LINE__, F.d, F.n, p, st, rule, off)
#define EXPECT_OK(p) expect_open_at(__FILE__, __LINE__, F.d, F.n, p, ACEPACK_OK, NULL, 0)

/* open + acepack_validate(CHECK_ALL) with enough workspace. */
acepack_status full_check(const void *d, size_t n, acepack_profile p, acepack_error *e);
void expect_full_at(const char *file, int line, acepack_profile p, acepack_status st,
                    const char *rule, uint64_t off);
#define EXPECT_FULL(p, st, rule, off) expect_full_at(__FILE__, __LINE__, p, st, rule, off)

/* The dump of F under p into a static buffer (NUL-terminated). */
acepack_status dump_to_string(acepack_profile p, const char **text, size_t *len, acepack_error *e);
#define EXPECT_DUMP(p, lit) expect_dump_at(__FILE__, __LINE__, p, lit, sizeof(lit) - 1)
void expect_dump_at(const char *file, int line, acepack_profile p, const char *lit, size_t n);

#endif
