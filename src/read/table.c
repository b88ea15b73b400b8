/*
 * table.c - the key lookup table: open addressing with linear probing in
 * caller memory, capacity a power of two >= 2 x entries (load <= 1/2).
 *
 * A slot is one 64-bit word, so that the table stays small enough to keep
 * in the caches that matter (16 to 32 bytes per entry):
 *
 *     bits  0..39  where the key's JSON string body starts, relative to
 *                  kv_index_offset; never 0 (the index starts with '{'),
 *                  so 0 is an empty slot
 *     bit   40     the raw body holds escapes
 *     bits 41..63  the top 23 bits of the key's hash: a tag that skips the
 *                  other keys of a probe chain without touching the file
 *
 * Everything else is read from the index text on a hit: the key bytes to
 * compare, then the chunk offset and value length that follow the key (in
 * strict the exact form of spec 4.1, on the key's cache line or the next;
 * in compat the entry is walked again from the key).  A miss reads one
 * slot line and nothing else.  Keys are hashed by their decoded bytes, so a
 * lookup hashes the caller's key directly.
 *
 * Limit (spec 3.6, 13): the index must be shorter than 2^40 bytes (1 TiB);
 * beyond, the build reports ACEPACK_UNSUPPORTED.
 *
 * acepack_table_get_many() overlaps the memory accesses of a group of
 * lookups: a lookup of a cold key is two dependent random reads (the slot,
 * then the key bytes), each a full memory latency, and only independent
 * lookups can share that wait.
 */
#include "internal.h"

#define POS_BITS 40
#define POS_MASK ((UINT64_C(1) << POS_BITS) - 1u)
#define ESC_BIT (UINT64_C(1) << POS_BITS)
#define TAG_SHIFT (POS_BITS + 1)

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch((p), 0)
#define PREFETCH_W(p) __builtin_prefetch((p), 1)
#else
#define PREFETCH(p) ((void)(p))
#define PREFETCH_W(p) ((void)(p))
#endif

static inline int tag_matches(uint64_t s, uint64_t h)
{
    return ((s ^ h) >> TAG_SHIFT) == 0;
}

/* File offset of the raw key body of slot word s. */
static inline size_t body_of(const acepack_table *t, uint64_t s)
{
    return (size_t)(t->priv.r->index_offset + (s & POS_MASK));
}

static uint64_t capacity_for(uint64_t n)
{
    uint64_t cap = 16;
    while (cap < n * 2u)
        cap <<= 1;
    return cap;
}

acepack_status acepack_table_size(const acepack_reader *r, size_t *size)
{
    uint64_t cap;
    if (r == NULL || size == NULL)
        return ACEPACK_ARG;
    /* cap < 4 x entry_count (and >= 16), so cap * 8 + 7 <= 32 x entry_count + 7 */
    if (r->entry_count > ((uint64_t)SIZE_MAX - 8u) / 32u)
        return ACEPACK_UNSUPPORTED;
    cap = capacity_for(r->entry_count);
    *size = (size_t)(cap * sizeof(uint64_t) + 7u);
    return ACEPACK_OK;
}

/* 1 when the key of slot word s is the raw body b (b_len bytes, b_esc). */
static int same_key(const acepack_table *t, uint64_t s, const uint8_t *b, size_t b_len, int b_esc)
{
    const uint8_t *d = t->priv.r->data;
    size_t a = body_of(t, s), end = t->priv.r->priv.index_end, a_end;
    int esc;
    if (!(s & ESC_BIT) && !b_esc) {
        /* Neither body holds a '\\' and b holds no '"' (it is a whole body),
         * so they are equal exactly when a's closing quote follows b_len
         * bytes that match. */
        return b_len < end - a && d[a + b_len] == '"' && memcmp(d + a, b, b_len) == 0;
    }
    a_end = ap_json_string_end_valid(d, a, end, &esc);
    return ap_str_compare(d + a, a_end - 1 - a, (s & ESC_BIT) != 0, b, b_len, b_esc) == 0;
}

/* 1 when the raw bytes f[0, len) are k[0, len) and hold no '"'.  One pass,
 * a word at a time (the last word overlaps the previous one). */
static inline int plain_equals(const uint8_t *f, const uint8_t *k, size_t len)
{
    size_t i = 0;
    uint64_t x;
    if (len < 8) {
        for (; i < len; i++)
            if (f[i] != k[i] || f[i] == '"')
                return 0;
        return 1;
    }
    for (; len - i > 8; i += 8) {
        x = ap_load64(f + i);
        if (x != ap_load64(k + i) || ap_has_byte(x, '"'))
            return 0;
    }
    x = ap_load64(f + len - 8);
    return x == ap_load64(k + len - 8) && !ap_has_byte(x, '"');
}

/* 1 when the decoded key of slot word s is the caller's `len` bytes at k;
 * then *after = the file offset just past the key's closing quote. */
static int key_matches(const acepack_table *t, uint64_t s, const uint8_t *k, size_t len,
                       size_t *after)
{
    const uint8_t *d = t->priv.r->data;
    size_t a = body_of(t, s), end = t->priv.r->priv.index_end, a_end;
    int esc;
    if (!(s & ESC_BIT)) {
        /* The raw body is the key and ends at its first '"'.  A caller's
         * key that holds a '"' can therefore never match it, whatever the
         * bytes that follow the body in the file. */
        if (len >= end - a || d[a + len] != '"' || !plain_equals(d + a, k, len))
            return 0;
        *after = a + len + 1;
        return 1;
    }
    a_end = ap_json_string_end_valid(d, a, end, &esc);
    if (!ap_str_equals(d + a, a_end - 1 - a, 1, k, len))
        return 0;
    *after = a_end;
    return 1;
}

/* The value of the entry whose key is in slot word s and ends before
 * `after`.  Strict: the entry is exactly {"offset":U,"length":U} (spec 4.1,
 * checked by acepack_open) and is read in place by the function that checked
 * it (strict_entry.c).  Compat: the
 * entry is walked again from its key (whitespace, extra members, numbers
 * such as 1.28e2: R-IDX-8..10). */
static acepack_span value_of(const acepack_table *t, uint64_t s, size_t after)
{
    const acepack_reader *r = t->priv.r;
    acepack_span v;
    uint64_t off, len;
    if (r->profile == ACEPACK_STRICT) {
        size_t i = after + 1u; /* ':' */
        if (ap_strict_entry(r->data, r->priv.index_end, &i, body_of(t, s) - 1u, &off, &len, NULL) !=
            ACEPACK_OK)
            off = len = 0; /* not an index acepack_open accepted: an empty value */
    } else {
        acepack_index_iter it;
        acepack_entry e;
        ap_index_iter_at(&it, r, body_of(t, s) - 1u);
        e.chunk_offset = 0;
        e.value_length = 0;
        /* every occurrence of a key was checked by acepack_open (R-IDX-12):
         * the walk yields the entry; a fault would give an empty value */
        (void)ap_index_next(&it, &e, NULL);
        off = e.chunk_offset;
        len = e.value_length;
    }
    v.ptr = r->data + (size_t)off + 4;
    v.len = (size_t)len;
    return v;
}

/* Starts loading the first line of the key of slot word s.  Only that one:
 * measured on the bench's store (~75-byte entries), also prefetching the
 * line where the entry ends made batches 3x slower, apparently because the
 * prefetches in flight then exceed what the core keeps (they are dropped),
 * and the line after the key mostly arrives in time anyway. */
static inline void prefetch_key(const acepack_table *t, uint64_t s)
{
    PREFETCH(t->priv.r->data + body_of(t, s));
}

/* ---- build ---- */

/* Walks the keys of the index in member order: body offset, raw length,
 * escapes.  Strict: the key is scanned here, its entry read by
 * ap_strict_entry (strict_entry.c) to find where the next member starts;
 * compat indexes go through the general walk. */
typedef struct key_walk {
    acepack_index_iter it;
    const uint8_t *d;
    size_t end;
    int strict;
} key_walk;

static int next_key(key_walk *w, size_t *body, size_t *len, int *esc)
{
    const uint8_t *d = w->d, *q;
    size_t i = w->it.priv.pos, b, after;
    uint64_t off, vlen;
    if (!w->strict) {
        acepack_entry e;
        if (!acepack_index_iter_next(&w->it, &e))
            return 0;
        *body = (size_t)e.entry_offset + 1u;
        *len = e.key.len;
        *esc = e.has_escapes;
        return 1;
    }
    if (i >= w->end || d[i] == '}')
        return 0;
    b = i + 1;
    q = (const uint8_t *)memchr(d + b, '"', w->end - b);
    /* offsets in unsigned arithmetic (ap_offset_in): `q - d` is a ptrdiff_t,
     * which overflows on a 32-bit target past 2 GiB into the mapping */
    if (q != NULL && memchr(d + b, '\\', (size_t)ap_offset_in(d + b, q)) == NULL) {
        after = (size_t)ap_offset_in(d, q) + 1u;
        *esc = 0;
    } else {
        after = ap_json_string_end_valid(d, b, w->end, esc);
    }
    *body = b;
    *len = after - 1u - b;
    i = after + 1u; /* ':' */
    if (ap_strict_entry(d, w->end, &i, b - 1u, &off, &vlen, NULL) != ACEPACK_OK)
        i = w->end; /* not an index acepack_open accepted: no key after this one */
    if (i < w->end && d[i] == ',')
        i++;
    w->it.priv.pos = i;
    return 1;
}

/* One key waiting for its slot: hash, slot word without the tag, raw length. */
typedef struct pending {
    uint64_t h;
    uint64_t word;
    size_t len;
} pending;

/* Inserts one key in index order; strict duplicates fail (R-IDX-7) and in
 * compat the later occurrence replaces the earlier (R-IDX-12). */
static acepack_status insert(acepack_table *t, const pending *p, uint64_t *distinct,
                             acepack_error *err)
{
    uint64_t *slots = (uint64_t *)t->priv.slots, i;
    const uint8_t *key = t->priv.r->data + body_of(t, p->word);
    for (i = p->h & t->priv.mask;; i = (i + 1u) & t->priv.mask) {
        uint64_t s = slots[i];
        if (s == 0) {
            ++*distinct;
            break;
        }
        if (tag_matches(s, p->h) && same_key(t, s, key, p->len, (p->word & ESC_BIT) != 0)) {
            if (t->priv.r->profile == ACEPACK_STRICT)
                return ap_fail(err, ACEPACK_INVALID, "R-IDX-7", (uint64_t)body_of(t, p->word) - 1u,
                               "duplicate key in the index");
            break;
        }
    }
    slots[i] = (p->h >> TAG_SHIFT << TAG_SHIFT) | p->word;
    return ACEPACK_OK;
}

/* Keys are hashed AHEAD positions before they are inserted, and their home
 * slots prefetched meanwhile: in a large table every insert is a cache
 * miss, and this overlaps them.  Insertion stays in index order, so the
 * duplicate reported (the earliest second occurrence) does not change. */
#define AHEAD 8u

acepack_status acepack_table_build_seeded(acepack_table *t, const acepack_reader *r, void *mem,
                                          size_t size, uint64_t seed, acepack_error *err)
{
    key_walk w;
    pending ring[AHEAD];
    uint64_t *slots;
    size_t need, body, len;
    uint64_t mask, distinct = 0, n = 0, k;
    int esc;
    acepack_status st;

    if (t == NULL || r == NULL)
        return ap_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    if (r->index_length > POS_MASK)
        return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, r->index_offset,
                       "index of 2^40 bytes or more: beyond the lookup table's limit");
    if (acepack_table_size(r, &need) != ACEPACK_OK)
        return ap_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "table size exceeds the address space");
    slots = (uint64_t *)ap_align8(mem, size, need - 7u);
    if (slots == NULL)
        return ap_fail(err, ACEPACK_NOMEM, NULL, 0, "table memory too small");
    mask = capacity_for(r->entry_count) - 1u;
    memset(slots, 0, (size_t)(mask + 1u) * sizeof(uint64_t));
    t->priv.r = r;
    t->priv.slots = slots;
    t->priv.mask = mask;
    t->priv.seed = seed;
    t->key_count = 0;

    acepack_index_iter_init(&w.it, r);
    w.d = r->data;
    w.end = r->priv.index_end;
    w.strict = r->profile == ACEPACK_STRICT;
    for (;;) {
        pending *p = &ring[n % AHEAD];
        if (n >= AHEAD) { /* the slot of the key walked AHEAD ago is in cache by now */
            if ((st = insert(t, p, &distinct, err)) != ACEPACK_OK)
                return st;
        }
        if (!next_key(&w, &body, &len, &esc))
            break;
        p->h = ap_hash_key(r->data + body, len, esc, seed);
        /* body - index_offset < index_length <= POS_MASK, and >= 1 */
        p->word = (uint64_t)(body - (size_t)r->index_offset) | (esc ? ESC_BIT : 0u);
        p->len = len;
        PREFETCH_W(&slots[p->h & mask]);
        n++;
    }
    /* drain: the last min(n, AHEAD) keys, in order */
    for (k = n >= AHEAD ? n - AHEAD + 1u : 0u; k < n; k++)
        if ((st = insert(t, &ring[k % AHEAD], &distinct, err)) != ACEPACK_OK)
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
    uint64_t a = AP_ADDRESS_BITS(mem), b = AP_ADDRESS_BITS(&here);
    return ap_hash_bytes((const uint8_t *)&here, sizeof here,
                         AP_DEFAULT_SEED ^ (a * 0x9E3779B97F4A7C15ull) ^ ((b << 17) | (b >> 47)));
}

acepack_status acepack_table_build(acepack_table *t, const acepack_reader *r, void *mem,
                                   size_t size, acepack_error *err)
{
    return acepack_table_build_seeded(t, r, mem, size, address_seed(mem), err);
}

/* ---- lookups ---- */

/* Probes for the key from slot i on; returns its slot word (0: absent) and
 * sets *after as key_matches() does. */
static uint64_t probe(const acepack_table *t, uint64_t h, uint64_t i, const uint8_t *k, size_t len,
                      size_t *after)
{
    const uint64_t *slots = (const uint64_t *)t->priv.slots;
    for (;; i = (i + 1u) & t->priv.mask) {
        uint64_t s = slots[i];
        if (s == 0)
            return 0;
        if (tag_matches(s, h) && key_matches(t, s, k, len, after))
            return s;
    }
}

static uint64_t lookup(const acepack_table *t, const void *key, size_t len, size_t *after)
{
    uint64_t h = ap_hash_bytes((const uint8_t *)key, len, t->priv.seed);
    return probe(t, h, h & t->priv.mask, (const uint8_t *)key, len, after);
}

acepack_status acepack_table_get(const acepack_table *t, const void *key, size_t len,
                                 acepack_span *value)
{
    uint64_t s;
    size_t after;
    if (t == NULL || t->priv.slots == NULL || (key == NULL && len > 0))
        return ACEPACK_ARG;
    s = lookup(t, key, len, &after);
    if (s == 0)
        return ACEPACK_NOT_FOUND;
    if (value)
        *value = value_of(t, s, after);
    return ACEPACK_OK;
}

/* The lookups of acepack_table_get_many() run as a pipeline of three
 * stages over the keys, each stage issuing the memory reads of the next one
 * DIST keys ahead of their use: (1) hash the key and prefetch its home
 * slot; (2) walk the probe chain to the first tag match (or an empty slot:
 * a miss, done) and prefetch that key's line in the index; (3) compare the
 * key and read the value.  So DIST keys' worth of work separates a read
 * from its use, which hides the memory latency when that work takes longer
 * than the latency.  DIST 8 measured best on the bench (100,000 keys): 4
 * leaves latency exposed, 16 puts more prefetches in flight than the core
 * keeps and is 2x slower.  A tag that matches another key (rare: 23 bits)
 * falls back to the plain probe from the next slot. */
#define DIST 8u
#define RING 32u /* > 2 x DIST, a power of 2 */

typedef struct stage {
    uint64_t h, at, word;
} stage;

acepack_status acepack_table_get_many(const acepack_table *t, const acepack_span *keys, size_t n,
                                      acepack_span *values, acepack_status *status)
{
    const uint64_t *slots;
    stage ring[RING];
    acepack_status worst = ACEPACK_OK;
    size_t i, j, after;
    if (t == NULL || t->priv.slots == NULL || (n > 0 && (keys == NULL || status == NULL)))
        return ACEPACK_ARG;
    slots = (const uint64_t *)t->priv.slots;
    for (i = 0; i < n + 2u * DIST; i++) {
        if (i < n) {
            stage *g = &ring[i % RING];
            if (keys[i].ptr == NULL && keys[i].len > 0) {
                status[i] = ACEPACK_ARG;
                worst = ACEPACK_ARG;
            } else {
                status[i] = ACEPACK_OK; /* pending */
                g->h = ap_hash_bytes(keys[i].ptr, keys[i].len, t->priv.seed);
                PREFETCH(&slots[g->h & t->priv.mask]);
            }
        }
        if (i >= DIST && (j = i - DIST) < n && status[j] == ACEPACK_OK) {
            stage *g = &ring[j % RING];
            uint64_t k, s;
            for (k = g->h & t->priv.mask;; k = (k + 1u) & t->priv.mask) {
                s = slots[k];
                if (s == 0 || tag_matches(s, g->h))
                    break;
            }
            g->at = k;
            g->word = s;
            if (s != 0)
                prefetch_key(t, s);
        }
        if (i >= 2u * DIST && (j = i - 2u * DIST) < n && status[j] == ACEPACK_OK) {
            const stage *g = &ring[j % RING];
            uint64_t s = g->word;
            if (s != 0 && !key_matches(t, s, keys[j].ptr, keys[j].len, &after))
                s = probe(t, g->h, (g->at + 1u) & t->priv.mask, keys[j].ptr, keys[j].len, &after);
            if (s == 0) {
                status[j] = ACEPACK_NOT_FOUND;
                if (worst == ACEPACK_OK)
                    worst = ACEPACK_NOT_FOUND;
            } else if (values != NULL) {
                values[j] = value_of(t, s, after);
            }
        }
    }
    return worst;
}

acepack_status acepack_table_find(const acepack_table *t, const void *key, size_t len,
                                  acepack_entry *out)
{
    acepack_index_iter it;
    uint64_t s;
    size_t after;
    if (t == NULL || t->priv.slots == NULL || out == NULL || (key == NULL && len > 0))
        return ACEPACK_ARG;
    s = lookup(t, key, len, &after);
    if (s == 0)
        return ACEPACK_NOT_FOUND;
    /* the member as the iterator yields it (both profiles) */
    ap_index_iter_at(&it, t->priv.r, body_of(t, s) - 1u);
    (void)ap_index_next(&it, out, NULL);
    return ACEPACK_OK;
}

int acepack_table_is_current(const acepack_table *t, const acepack_entry *e)
{
    const uint64_t *slots;
    uint64_t h, i, base, rel = 0;
    if (t == NULL || t->priv.slots == NULL || e == NULL)
        return 0;
    slots = (const uint64_t *)t->priv.slots;
    /* the slot word's position of e; 0 (matches no slot) for an entry that
     * is not in this index */
    base = t->priv.r->index_offset;
    if (e->entry_offset >= base && e->entry_offset - base < POS_MASK)
        rel = e->entry_offset - base + 1u;
    h = ap_hash_key(e->key.ptr, e->key.len, e->has_escapes, t->priv.seed);
    for (i = h & t->priv.mask;; i = (i + 1u) & t->priv.mask) {
        uint64_t s = slots[i];
        if (s == 0)
            return 0;
        if ((s & POS_MASK) == rel)
            return 1;
        if (tag_matches(s, h) && same_key(t, s, e->key.ptr, e->key.len, e->has_escapes))
            return 0; /* the same key, from a later member */
    }
}
