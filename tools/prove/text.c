/* text.c - Eva driver: acepack_utf8_check and acepack_json_check over an
 * unknown input of every size up to PROVE_N. */
#include "acepack.h"
#include "prove_input.h"

int main(void)
{
    size_t size;
    const uint8_t *data;
    acepack_error e;
    PROVE_INPUT(data, size);
    return (int)(acepack_utf8_check(data, size) & 1u) + (int)acepack_json_check(data, size, &e);
}
