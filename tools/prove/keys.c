/* keys.c - Eva driver: acepack_key_decode (count mode, an exact buffer, a
 * buffer one byte short), acepack_key_equals and acepack_key_compare on a
 * key whose raw body is the whole input (any JSON string body of at most
 * PROVE_N - 1 bytes: the precondition of the key functions, established
 * by requiring that the input followed by nothing is one JSON string). */
#include "acepack.h"
#include "internal.h"
#include "prove_input.h"

static uint8_t out_storage[PROVE_N];

int main(void)
{
    size_t size, needed, n2, n3, end;
    const uint8_t *data;
    acepack_entry a, b;
    uint8_t *out;
    int esc, acc = 0;
    PROVE_INPUT(data, size);
    /* data[0 .. size-1) is a string body and data[size-1] its closing quote */
    if (ap_json_string(data, 0, size, 0, &end, &esc) != AP_JSON_OK || end != size)
        return 1;
    a.key.ptr = data;
    a.key.len = size - 1;
    a.has_escapes = esc;
    a.chunk_offset = a.value_length = a.entry_offset = 0;
    if (acepack_key_decode(&a, NULL, 0, &needed) != ACEPACK_OK)
        return 2;
    /*@ assert needed <= sizeof(out_storage); */
    PROVE_BUFFER(out, needed, out_storage);
    /* n2, n3: not `needed` again, which would lose the split (Eva does
     * not know the decoder answers the same count twice) */
    if (acepack_key_decode(&a, out, needed, &n2) != ACEPACK_OK)
        return 3;
    if (needed > 0)
        acc += acepack_key_decode(&a, out + 1, needed - 1, &n3) == ACEPACK_NOMEM;
    acc += acepack_key_equals(&a, out, needed);
    if (needed > 0)
        acc += acepack_key_equals(&a, out, needed - 1);
    /* b: the decoded key as an unescaped body (when it has no byte that
     * needs an escape, it is a valid body itself); else a compared to a.
     * The compare calls sit in each branch: after a join, Eva would see
     * b.key.ptr in {data, out} and p, end of one body on two bases.
     * A comparison counts by its sign (memcmp may return any int: summing
     * the results could overflow acc). */
    {
        size_t k;
        int plain = acepack_utf8_check(out, needed) == needed;
        for (k = 0; plain && k < needed; k++)
            if (out[k] < 0x20 || out[k] == '"' || out[k] == '\\')
                plain = 0;
        if (plain) {
            b = a;
            b.key.ptr = out;
            b.key.len = needed;
            b.has_escapes = 0;
            acc += acepack_key_compare(&a, &b) < 0;
            acc += acepack_key_compare(&b, &a) < 0;
        } else {
            acc += acepack_key_compare(&a, &a) < 0;
        }
    }
    return acc;
}
