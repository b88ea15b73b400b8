/*
 * table.c - the key lookup table: open addressing with linear probing in
 * caller memory, capacity a power of two >= 2 x entries (load <= 1/2).
 *
 * A slot is 32 bytes and holds everything a lookup needs except the key
 * bytes themselves, which stay in the file: the position and raw length of
 * the key's JSON string body, the chunk, and 32 bits of the hash to skip
 * most key comparisons.  Keys are hashed by their decoded bytes, so a lookup
 * hashes the caller's key directly.
 */
#include "internal.h"

typedef struct slot {
    uint64_t key_pos; /* file offset of the raw key body; 0 = empty slot */
    uint64_t chunk_offset;
    uint64_t value_length;
    uint32_t tag;      /* high 32 bits of the hash */
    uint32_t key_info; /* raw key length | ESC_FLAG */
} slot;

#define ESC_FLAG 0x80000000u
#define MAX_RAW_KEY 0x7FFFFFFFu

static uint64_t capacity_for(uint64_t n)
{
    uint64_t cap = 16;
    while (cap < n * 2u)
        cap <<= 1;
    return cap;
}

size_t acepack_table_size(uint64_t entry_count)
{
    uint64_t cap;
    if (entry_count > ((uint64_t)SIZE_MAX - 8u) / (2u * sizeof(slot)) / 2u)
        return 0;
    cap = capacity_for(entry_count);
    return (size_t)(cap * sizeof(slot) + 7u);
}

static int slot_key_equals(const acepack_table *t, const slot *s, const uint8_t *k, size_t kn)
{
    return ap_str_equals(t->r->data + (size_t)s->key_pos, s->key_info & MAX_RAW_KEY,
                         (s->key_info & ESC_FLAG) != 0, k, kn);
}

static int slot_same_key(const acepack_table *t, const slot *s, const acepack_entry *e)
{
    return ap_str_compare(t->r->data + (size_t)s->key_pos, s->key_info & MAX_RAW_KEY,
                          (s->key_info & ESC_FLAG) != 0, e->key.ptr, e->key.len,
                          e->has_escapes) == 0;
}

#if defined(__GNUC__)
#define PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define PREFETCH_W(p) ((void)(p))
#endif

/* Inserts one entry; its hash is known. */
static acepack_status insert(acepack_table *t, const acepack_entry *e, uint64_t h, uint64_t *distinct,
                             acepack_error *err)
{
    slot *slots = (slot *)t->slots;
    uint32_t tag = (uint32_t)(h >> 32);
    uint64_t i;
    for (i = h & t->mask;; i = (i + 1u) & t->mask) {
        slot *s = &slots[i];
        if (s->key_pos == 0) {
            ++*distinct;
            break;
        }
        if (s->tag == tag && slot_same_key(t, s, e)) {
            if (t->r->profile == ACEPACK_STRICT)
                return ap_fail(err, ACEPACK_INVALID, "R-IDX-7", e->entry_offset,
                               "duplicate key in the index");
            break; /* R-IDX-12: the later occurrence replaces it */
        }
    }
    slots[i].key_pos = e->entry_offset + 1u;
    slots[i].chunk_offset = e->chunk_offset;
    slots[i].value_length = e->value_length;
    slots[i].tag = tag;
    slots[i].key_info = (uint32_t)e->key.len | (e->has_escapes ? ESC_FLAG : 0u);
    return ACEPACK_OK;
}

/* Entries are hashed AHEAD positions before they are inserted, and their
 * home slots prefetched meanwhile: in a large table every insert is a cache
 * miss, and this overlaps them.  Insertion stays in index order, so the
 * duplicate reported (the earliest second occurrence) does not change. */
#define AHEAD 8u

acepack_status acepack_table_build_seeded(acepack_table *t, const acepack_reader *r, void *mem,
                                          size_t size, uint64_t seed, acepack_error *err)
{
    acepack_index_iter it;
    acepack_entry ring[AHEAD];
    uint64_t hashes[AHEAD];
    slot *slots;
    size_t need;
    uint64_t mask, distinct = 0, n = 0, k;
    acepack_status st;

    if (t == NULL || r == NULL)
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    need = acepack_table_size(r->entry_count);
    if (need == 0)
        return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "table size exceeds the address space");
    slots = (slot *)ap_align8(mem, size, need - 7u);
    if (slots == NULL)
        return ap_fail(err, ACEPACK_NOMEM, NULL, 0, "table memory too small");
    mask = capacity_for(r->entry_count) - 1u;
    memset(slots, 0, (size_t)(mask + 1u) * sizeof(slot));
    t->r = r;
    t->slots = slots;
    t->mask = mask;
    t->seed = seed;
    t->key_count = 0;

    acepack_index_iter_init(&it, r);
    for (;;) {
        acepack_entry *e = &ring[n % AHEAD];
        int more;
        if (n >= AHEAD) { /* the slot of the entry parsed AHEAD ago is in cache by now */
            if ((st = insert(t, e, hashes[n % AHEAD], &distinct, err)) != ACEPACK_OK)
                return st;
        }
        more = acepack_index_iter_next(&it, e);
        if (!more)
            break;
        if (e->key.len > MAX_RAW_KEY)
            return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, e->entry_offset,
                           "key longer than 2^31-1 bytes");
        hashes[n % AHEAD] = ap_hash_key(e->key.ptr, e->key.len, e->has_escapes, seed);
        PREFETCH_W(&slots[hashes[n % AHEAD] & mask]);
        n++;
    }
    /* drain: the last min(n, AHEAD) entries, in order */
    for (k = n >= AHEAD ? n - AHEAD + 1u : 0u; k < n; k++)
        if ((st = insert(t, &ring[k % AHEAD], hashes[k % AHEAD], &distinct, err)) != ACEPACK_OK)
            return st;
    t->key_count = distinct;
    return ACEPACK_OK;
}

/* A per-call seed from addresses that ASLR randomizes (the caller's memory
 * and this stack frame), so that a file cannot be crafted offline to collide
 * in the table.  Not cryptographic, and no static state: only where things
 * are in memory. */
static uint64_t address_seed(const void *mem)
{
    int here = 0;
    uint64_t a = (uint64_t)(uintptr_t)mem, b = (uint64_t)(uintptr_t)&here;
    return ap_hash_bytes((const uint8_t *)&here, sizeof here,
                         AP_DEFAULT_SEED ^ (a * 0x9E3779B97F4A7C15ull) ^ ((b << 17) | (b >> 47)));
}

acepack_status acepack_table_build(acepack_table *t, const acepack_reader *r, void *mem,
                                   size_t size, acepack_error *err)
{
    return acepack_table_build_seeded(t, r, mem, size, address_seed(mem), err);
}

static const slot *lookup(const acepack_table *t, const void *key, size_t len)
{
    const slot *slots = (const slot *)t->slots;
    uint64_t h = ap_hash_bytes((const uint8_t *)key, len, t->seed), i;
    uint32_t tag = (uint32_t)(h >> 32);
    for (i = h & t->mask;; i = (i + 1u) & t->mask) {
        const slot *s = &slots[i];
        if (s->key_pos == 0)
            return NULL;
        if (s->tag == tag && slot_key_equals(t, s, (const uint8_t *)key, len))
            return s;
    }
}

acepack_status acepack_table_get(const acepack_table *t, const void *key, size_t len,
                                 acepack_span *value)
{
    const slot *s;
    if (t == NULL || t->slots == NULL || (key == NULL && len > 0))
        return ACEPACK_ARG;
    s = lookup(t, key, len);
    if (s == NULL)
        return ACEPACK_NOT_FOUND;
    if (value) {
        value->ptr = t->r->data + (size_t)s->chunk_offset + 4;
        value->len = (size_t)s->value_length;
    }
    return ACEPACK_OK;
}

acepack_status acepack_table_find(const acepack_table *t, const void *key, size_t len,
                                  acepack_entry *out)
{
    const slot *s;
    if (t == NULL || t->slots == NULL || out == NULL || (key == NULL && len > 0))
        return ACEPACK_ARG;
    s = lookup(t, key, len);
    if (s == NULL)
        return ACEPACK_NOT_FOUND;
    out->key.ptr = t->r->data + (size_t)s->key_pos;
    out->key.len = s->key_info & MAX_RAW_KEY;
    out->has_escapes = (s->key_info & ESC_FLAG) != 0;
    out->chunk_offset = s->chunk_offset;
    out->value_length = s->value_length;
    out->entry_offset = s->key_pos - 1u;
    return ACEPACK_OK;
}

int acepack_table_is_current(const acepack_table *t, const acepack_entry *e)
{
    const slot *slots;
    uint64_t h, i, pos;
    uint32_t tag;
    if (t == NULL || t->slots == NULL || e == NULL)
        return 0;
    slots = (const slot *)t->slots;
    pos = e->entry_offset + 1u;
    h = ap_hash_key(e->key.ptr, e->key.len, e->has_escapes, t->seed);
    tag = (uint32_t)(h >> 32);
    for (i = h & t->mask;; i = (i + 1u) & t->mask) {
        const slot *s = &slots[i];
        if (s->key_pos == 0)
            return 0;
        if (s->key_pos == pos)
            return 1;
        if (s->tag == tag && slot_same_key(t, s, e))
            return 0; /* the same key, from a later member */
    }
}
