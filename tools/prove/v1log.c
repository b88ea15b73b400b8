/* v1log.c - Eva driver: the v1 log helpers over an unknown input of every
 * size up to PROVE_N: acepack_v1_log_key(input), acepack_v1_log_seq(input),
 * and acepack_v1_log_entry(log key, input) and (input, input). */
#include "acepack.h"
#include "prove_input.h"

int main(void)
{
    size_t size;
    const uint8_t *data;
    uint64_t id, seq;
    acepack_v1_entry ent;
    acepack_error e;
    /* a well-formed log key (M-3: 12 digits, zero padded): with a
     * malformed one, acepack_v1_log_entry returns before it reads the value */
    static const char key[] = "core/log/000000000042";
    int acc = 0;
    PROVE_INPUT(data, size);
    acc += acepack_v1_log_key(data, size, &id) == ACEPACK_OK;
    acc += acepack_v1_log_seq(data, size, &seq) == ACEPACK_OK;
    acc += acepack_v1_log_entry(key, sizeof key - 1, data, size, &ent, &e) == ACEPACK_OK;
    acc += acepack_v1_log_entry(data, size, "{}", 2, &ent, &e) == ACEPACK_OK;
    return acc;
}
