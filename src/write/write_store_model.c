/*
 * write_store_model.c - the bottom layer of a store: its key table (an arena
 * of key bytes, an array of entries and an open-addressing hash table of
 * entry numbers), the pending list, and the W-CAN-1 order of the committed
 * keys, which lets a commit emit its index in canonical order with a merge
 * instead of a sort.
 */
#include "write_store_model.h"

static uint32_t key_hash(const uint8_t *p, size_t n, uint32_t seed)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed << 1) ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)p[i] << (8 * i);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

const uint8_t *aw_key_bytes(const acepack_store *s, const aw_entry *e)
{
    return s->keys.p ? s->keys.p + e->key_off : (const uint8_t *)"";
}

size_t aw_key_find(const acepack_store *s, const uint8_t *k, size_t n)
{
    if (s->slot_cap == 0 || aw_gt(n, AW_U32_MAX))
        return SIZE_MAX;
    uint32_t h = key_hash(k, n, s->seed);
    size_t mask = s->slot_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t v = s->slots[i];
        if (v == 0)
            return SIZE_MAX;
        const aw_entry *e = &s->ent[v - 1];
        if (e->hash == h && e->key_len == n && (n == 0 || memcmp(aw_key_bytes(s, e), k, n) == 0))
            return v - 1;
    }
}

static void slots_insert(uint32_t *slots, size_t cap, uint32_t h, size_t entry)
{
    size_t mask = cap - 1;
    size_t i = h & mask;
    while (slots[i] != 0)
        i = (i + 1) & mask;
    slots[i] = (uint32_t)(entry + 1);
}

static int slots_grow(acepack_store *s, size_t want_entries)
{
    /* Load factor <= 1/2. */
    size_t cap = s->slot_cap ? s->slot_cap : 64;
    while (cap / 2 < want_entries) {
        if (cap > SIZE_MAX / 2 / sizeof(uint32_t))
            return -1;
        cap *= 2;
    }
    if (cap == s->slot_cap)
        return 0;
    uint32_t *n = aw_malloc(&s->a, cap * sizeof(uint32_t));
    if (!n)
        return -1;
    memset(n, 0, cap * sizeof(uint32_t));
    for (size_t e = 0; e < s->n_ent; e++)
        slots_insert(n, cap, s->ent[e].hash, e);
    aw_free(&s->a, s->slots, s->slot_cap * sizeof(uint32_t));
    s->slots = n;
    s->slot_cap = cap;
    return 0;
}

static int grow_array(const acepack_allocator *a, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / size)
            return -1;
        c *= 2;
    }
    void *n = *p ? a->realloc(a->ctx, *p, *cap * size, c * size) : aw_malloc(a, c * size);
    if (!n)
        return -1;
    *p = n;
    *cap = c;
    return 0;
}

size_t aw_key_add(acepack_store *s, const uint8_t *k, size_t n)
{
    size_t e = aw_key_find(s, k, n);
    if (e != SIZE_MAX)
        return e;
    if (aw_gt(n, AW_U32_MAX) || s->n_ent >= (size_t)UINT32_MAX - 1)
        return SIZE_MAX;
    void *p = s->ent;
    if (grow_array(&s->a, &p, &s->cap_ent, s->n_ent + 1, sizeof(aw_entry)) != 0)
        return SIZE_MAX;
    s->ent = p;
    if (slots_grow(s, s->n_ent + 1) != 0)
        return SIZE_MAX;
    if (aw_buf_append(&s->a, &s->keys, k, n) != 0)
        return SIZE_MAX;
    aw_entry *x = &s->ent[s->n_ent];
    memset(x, 0, sizeof *x);
    x->key_off = s->keys.len - n;
    x->key_len = (uint32_t)n;
    x->hash = key_hash(k, n, s->seed);
    slots_insert(s->slots, s->slot_cap, x->hash, s->n_ent);
    return s->n_ent++;
}

int aw_pend_list_add(acepack_store *s, size_t e)
{
    if (s->ent[e].listed)
        return 0;
    void *p = s->pend_list;
    if (grow_array(&s->a, &p, &s->cap_pend, s->n_pend + 1, sizeof(size_t)) != 0)
        return -1;
    s->pend_list = p;
    s->pend_list[s->n_pend++] = e;
    s->ent[e].listed = 1;
    return 0;
}

static int entry_cmp(void *ctx, size_t x, size_t y)
{
    const acepack_store *s = ctx;
    const aw_entry *a = &s->ent[x], *b = &s->ent[y];
    return aw_key_canonical_cmp(aw_key_bytes(s, a), a->key_len, aw_key_bytes(s, b), b->key_len);
}

int aw_order_after(acepack_store *s, size_t **out, size_t *n, size_t *cap)
{
    size_t n_new = 0;
    for (size_t i = 0; i < s->n_pend; i++) {
        const aw_entry *e = &s->ent[s->pend_list[i]];
        if (e->pend == AW_PEND_PUT && !e->ordered)
            n_new++;
    }
    size_t total = s->n_order + n_new;
    size_t c = total ? total : 1;
    size_t bytes = aw_mul(c, sizeof(size_t));
    size_t *res = bytes ? aw_malloc(&s->a, bytes) : NULL;
    if (!res)
        return -1;
    /* The new keys, sorted, at the end of res; then merge from the front. */
    size_t *fresh = res + s->n_order;
    size_t k = 0;
    for (size_t i = 0; i < s->n_pend; i++) {
        size_t x = s->pend_list[i];
        if (s->ent[x].pend == AW_PEND_PUT && !s->ent[x].ordered)
            fresh[k++] = x;
    }
    if (aw_sort(&s->a, fresh, n_new, entry_cmp, s) != 0) {
        aw_free(&s->a, res, bytes);
        return -1;
    }
    /* Merging in place is safe: the write position never passes the read
     * position of the new keys (it advances at most once per item read). */
    size_t w = 0, i = 0, j = 0;
    uint32_t len;
    while (i < s->n_order || j < n_new) {
        if (i < s->n_order && !aw_entry_after(&s->ent[s->order[i]], &len)) {
            i++;
            continue;
        }
        int take_old;
        if (i >= s->n_order)
            take_old = 0;
        else if (j >= n_new)
            take_old = 1;
        else
            take_old = entry_cmp(s, s->order[i], fresh[j]) < 0;
        size_t v = take_old ? s->order[i++] : fresh[j++];
        res[w++] = v;
    }
    *out = res;
    *n = w;
    *cap = c;
    return 0;
}

void aw_keys_free(acepack_store *s)
{
    aw_free(&s->a, s->ent, s->cap_ent * sizeof(aw_entry));
    aw_free(&s->a, s->slots, s->slot_cap * sizeof(uint32_t));
    aw_free(&s->a, s->order, s->cap_order * sizeof(size_t));
    aw_free(&s->a, s->pend_list, s->cap_pend * sizeof(size_t));
    aw_buf_free(&s->a, &s->keys);
    s->ent = NULL;
    s->slots = NULL;
    s->order = NULL;
    s->pend_list = NULL;
    s->n_ent = s->cap_ent = s->slot_cap = s->n_order = s->cap_order = s->n_pend = s->cap_pend = 0;
}

void aw_keys_gc(acepack_store *s)
{
    /* Only with nothing pending (right after a commit) and when deleted keys
     * make up most entries; a failed allocation simply skips the cleanup. */
    if (s->n_pend != 0 || s->n_ent < 1024 || s->n_ent / 2 < s->live_keys)
        return;
    size_t n = s->n_order;
    size_t ent_bytes = aw_mul(n ? n : 1, sizeof(aw_entry));
    aw_entry *ne = ent_bytes ? aw_malloc(&s->a, ent_bytes) : NULL;
    aw_buf nk = {NULL, 0, 0};
    size_t slot_cap = 64;
    while (slot_cap / 2 < n)
        slot_cap *= 2;
    uint32_t *ns = aw_malloc(&s->a, slot_cap * sizeof(uint32_t));
    uint64_t key_bytes = 0;
    for (size_t i = 0; i < n; i++)
        key_bytes += s->ent[s->order[i]].key_len;
    if (!ne || !ns || (key_bytes > 0 && aw_buf_reserve(&s->a, &nk, (size_t)key_bytes) != 0)) {
        aw_free(&s->a, ne, ent_bytes);
        aw_free(&s->a, ns, slot_cap * sizeof(uint32_t));
        aw_buf_free(&s->a, &nk);
        return;
    }
    memset(ns, 0, slot_cap * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        const aw_entry *old = &s->ent[s->order[i]];
        ne[i] = *old;
        ne[i].key_off = nk.len;
        if (old->key_len)
            memcpy(nk.p + nk.len, aw_key_bytes(s, old), old->key_len);
        nk.len += old->key_len;
        slots_insert(ns, slot_cap, ne[i].hash, i);
        s->order[i] = i;
    }
    aw_free(&s->a, s->ent, s->cap_ent * sizeof(aw_entry));
    aw_free(&s->a, s->slots, s->slot_cap * sizeof(uint32_t));
    aw_buf_free(&s->a, &s->keys);
    s->ent = ne;
    s->n_ent = n;
    s->cap_ent = n ? n : 1;
    s->slots = ns;
    s->slot_cap = slot_cap;
    s->keys = nk;
}
