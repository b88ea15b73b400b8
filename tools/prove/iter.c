/* iter.c - Eva driver: acepack_open, then every entry of the index through
 * acepack_index_iter_next: its value (acepack_entry_value, acepack_value),
 * its decoded key (count mode) and acepack_key_equals / acepack_key_compare
 * against the previous entry, in profile PROVE_PROFILE. */
#include "acepack.h"
#include "prove_input.h"

int main(void)
{
    size_t size, needed;
    const uint8_t *data;
    acepack_reader r;
    acepack_error e;
    acepack_index_iter it;
    acepack_entry ent, prev;
    acepack_span v, w;
    int have_prev = 0;
    unsigned acc = 0; /* unsigned: it counts in a loop, and Eva widens the count */
    PROVE_INPUT(data, size);
    if (acepack_open(&r, data, size, (acepack_profile)PROVE_PROFILE, &e) != ACEPACK_OK)
        return 1;
    acepack_index_iter_init(&it, &r);
    while (acepack_index_iter_next(&it, &ent)) {
        v = acepack_entry_value(&r, &ent);
        /*@ assert \valid_read(v.ptr + (0 .. v.len - 1)); */
        if (acepack_value(&r, ent.chunk_offset, ent.value_length, &w) == ACEPACK_OK) {
            /*@ assert \valid_read(w.ptr + (0 .. w.len - 1)); */
        }
        acc += acepack_key_decode(&ent, NULL, 0, &needed) == ACEPACK_OK;
        acc += acepack_key_equals(&ent, "k", 1);
        if (have_prev)
            acc += acepack_key_compare(&prev, &ent) < 0;
        prev = ent;
        have_prev = 1;
    }
    /* a chunk offset and length the caller made up */
    acc += acepack_value(&r, Frama_C_unsigned_long_long_interval(0, UINT64_MAX),
                         Frama_C_unsigned_long_long_interval(0, UINT64_MAX), &w) == ACEPACK_OK;
    return (int)(acc & 1u);
}
