/* table.c - Eva driver: acepack_open, acepack_table_build in exactly
 * acepack_table_size() bytes, then acepack_table_get, _get_many, _find and
 * _is_current with unknown keys of up to PROVE_KEY_N bytes and with every
 * key of the index, in profile PROVE_PROFILE. */
#include "acepack.h"
#include "prove_input.h"

#ifndef PROVE_KEY_N
#define PROVE_KEY_N 8
#endif

static uint8_t mem_storage[32u * PROVE_N + 64u];
static uint8_t key_storage[PROVE_KEY_N];

int main(void)
{
    size_t size, need, klen;
    const uint8_t *data, *key;
    acepack_reader r;
    acepack_error e;
    acepack_table t;
    acepack_span value, keys[3], values[3];
    acepack_status status[3];
    acepack_entry ent;
    acepack_index_iter it;
    void *mem;
    unsigned acc = 0; /* unsigned: it counts in a loop, and Eva widens the count */
    PROVE_INPUT(data, size);
    if (acepack_open(&r, data, size, (acepack_profile)PROVE_PROFILE, &e) != ACEPACK_OK)
        return 1;
    PROVE_ENTRIES(r, size);
    if (acepack_table_size(&r, &need) != ACEPACK_OK)
        return 1;
    /*@ assert need <= sizeof(mem_storage); */
    PROVE_BUFFER(mem, need, mem_storage);
    if (acepack_table_build(&t, &r, mem, need, &e) != ACEPACK_OK)
        return 2;
    /* An unknown key of every length up to PROVE_KEY_N (not split: the
     * lookup reads it only through [key, key + klen)). */
    klen = Frama_C_interval(0, PROVE_KEY_N);
    Frama_C_make_unknown((char *)key_storage, PROVE_KEY_N);
    key = key_storage + (PROVE_KEY_N - klen);
    acc += acepack_table_get(&t, key, klen, &value) == ACEPACK_OK;
    acc += acepack_table_find(&t, key, klen, &ent) == ACEPACK_OK;
    keys[0].ptr = key;
    keys[0].len = klen;
    keys[1].ptr = NULL;
    keys[1].len = Frama_C_interval(0, 1); /* NULL with len 1: ACEPACK_ARG */
    keys[2].ptr = NULL;                   /* an empty key when the index is empty */
    keys[2].len = 0;
    acepack_index_iter_init(&it, &r);
    while (acepack_index_iter_next(&it, &ent)) {
        acepack_span v = acepack_entry_value(&r, &ent);
        /*@ assert \valid_read(v.ptr + (0 .. v.len - 1)); */
        acc += acepack_table_is_current(&t, &ent);
        /* every key of the index, looked up by its decoded bytes */
        keys[2] = ent.key; /* raw: equal to the decoded key when unescaped */
    }
    acc += acepack_table_get_many(&t, keys, 3, values, status) == ACEPACK_OK;
    acc += acepack_table_get_many(&t, keys, 3, NULL, status) == ACEPACK_OK;
    return (int)(acc & 1u);
}
