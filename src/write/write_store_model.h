/*
 * write_store_model.h - the in-memory model of an open store (private): the
 * bottom layer of the store.  write_store_model.c keeps the keys (entries,
 * hash table, W-CAN-1 order) and the pending list; write_store_load.c and
 * write_store_commit.c build on it; write_store.c (the public store
 * operations) is on top.
 *
 * Lean by design: keys live in one arena with a hash table of entry numbers;
 * the event columns are kept exactly as the file's bytes (big-endian
 * columns, payload pool) and a commit appends to them and writes them out
 * whole, so nothing is decoded per event.  Values stay in the file (read back
 * with pread by compaction and get); pending values are kept as ready-made
 * chunks ([u32 length][bytes]) in one buffer that a commit writes in one
 * piece.
 */
#ifndef ACEPACK_WRITE_STORE_MODEL_H
#define ACEPACK_WRITE_STORE_MODEL_H

#include "write_internal.h"

enum { AW_PEND_NONE = 0, AW_PEND_PUT = 1, AW_PEND_DEL = 2 };

#define AW_MAX_SEGMENTS 64 /* W-SEG-3: compact before S would exceed this */

typedef struct aw_entry {
    uint64_t key_off;   /* key bytes in s->keys */
    uint64_t chunk_off; /* committed chunk (its length field), when live */
    uint64_t pend_off;  /* pending chunk in s->pend, when pend == AW_PEND_PUT; in the
                           file at this offset when pend_file (staged by put_stream) */
    uint32_t key_len;
    uint32_t val_len;  /* committed value length, when live */
    uint32_t pend_len; /* pending value length */
    uint32_t hash;
    uint8_t live;      /* present in the committed content */
    uint8_t pend;      /* AW_PEND_* */
    uint8_t listed;    /* in pend_list */
    uint8_t ordered;   /* in order[] (live, or was live at the last commit) */
    uint8_t pend_file; /* the pending chunk is staged in the store file */
} aw_entry;

struct acepack_store {
    acepack_allocator a;
    acepack_io io;
    char *path;
    char *dir;
    int fd;
    double ratio;  /* W-COMPACT-2 R */
    uint32_t mode; /* for temporary files */

    /* The committed header (W-LAY-1: kv_chunk_end = evt_off). */
    uint64_t index_off, index_len, evt_off, evt_len;
    uint32_t base;
    uint64_t extent;    /* committed extent: index_off + index_len */
    uint64_t floor;     /* a commit writes at or after this (see commit_failed) */
    uint64_t file_end;  /* bytes at or beyond this were never written */
    uint64_t stage_end; /* end of chunks staged by put_stream (0: none); a commit
                           writes at or after max(floor, stage_end) */
    /* Flag bit 0 (spec 3.8): write checksums, and the CRC32C of the committed
     * header's chunk region, event section and index (valid when crc is set). */
    int crc;
    int crc_in_file; /* the committed header has bit 0 */
    uint32_t crc_chunks, crc_events, crc_index;

    /* Keys. */
    aw_entry *ent;
    size_t n_ent, cap_ent;
    uint32_t *slots; /* open addressing: entry number + 1, 0 = empty */
    size_t slot_cap; /* power of two */
    aw_buf keys;     /* key arena */
    uint32_t seed;
    size_t *order; /* committed live keys in W-CAN-1 order */
    size_t n_order, cap_order;
    uint64_t live_keys;
    uint64_t live_kv_bytes; /* sum over committed keys of 4 + length */

    /* Pending key changes. */
    aw_buf pend;       /* chunks of pending puts */
    size_t *pend_list; /* entries with pend != NONE */
    size_t n_pend, cap_pend;

    /* Events: the columns as file bytes; [0, n_committed) are committed. */
    aw_buf ts, kind, src, flg, poff, plen, pool;
    uint64_t n_evt, n_committed, pool_committed;

    aw_buf index; /* the committed index text, reused while no key changes */

    /* The segmented event log (spec 3.7).  n_seg is S of the committed file
     * (0: a plain event section at evt_off); the arrays hold the entries
     * while S <= AW_MAX_SEGMENTS (a file of another writer may have more: the
     * next commit then compacts, W-SEG-3). */
    int seg_opt; /* configured to append segments (W-SEG-1) */
    uint32_t n_seg;
    uint64_t seg_off[AW_MAX_SEGMENTS], seg_len[AW_MAX_SEGMENTS], seg_first[AW_MAX_SEGMENTS];
    uint64_t seg_bytes;                /* sum of the segments' lengths: live data (W-COMPACT-2) */
    uint32_t seg_crc[AW_MAX_SEGMENTS]; /* each segment's CRC32C while crc (W-SEG-5) */

    uint64_t commits, compactions;
};

/* write_store_model.c */
const uint8_t *aw_key_bytes(const acepack_store *s, const aw_entry *e);
/* Entry number of key, or SIZE_MAX. */
size_t aw_key_find(const acepack_store *s, const uint8_t *k, size_t n);
/* Finds or adds (not live, nothing pending) the entry of key.  SIZE_MAX on
 * allocation failure. */
size_t aw_key_add(acepack_store *s, const uint8_t *k, size_t n);
/* Adds entry e to the pending list.  0 or -1. */
int aw_pend_list_add(acepack_store *s, size_t e);
/* After-commit state of an entry: 1 when the key exists, with its length. */
static inline int aw_entry_after(const aw_entry *e, uint32_t *len)
{
    if (e->pend == AW_PEND_PUT) {
        *len = e->pend_len;
        return 1;
    }
    if (e->pend == AW_PEND_DEL || !e->live)
        return 0;
    *len = e->val_len;
    return 1;
}
/* The W-CAN-1 order of the keys that exist after the pending changes:
 * committed order[] without deleted keys, merged with the new keys.
 * *out is allocated (free with aw_free(.., *out, cap * sizeof(size_t))). */
int aw_order_after(acepack_store *s, size_t **out, size_t *n, size_t *cap);
/* Drops entries of deleted keys when they dominate (after a compaction). */
void aw_keys_gc(acepack_store *s);
void aw_keys_free(acepack_store *s);

#endif /* ACEPACK_WRITE_STORE_MODEL_H */
