/* open.c - Eva driver: acepack_open over every input of at most PROVE_N
 * bytes, in the profile PROVE_PROFILE (0 strict, 1 compat). */
#include "acepack.h"
#include "prove_input.h"

int main(void)
{
    size_t size;
    const uint8_t *data;
    PROVE_INPUT(data, size);
    acepack_reader r;
    acepack_error e;
    acepack_status st = acepack_open(&r, data, size, (acepack_profile)PROVE_PROFILE, &e);
    return (int)st;
}
