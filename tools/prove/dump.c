/* dump.c - Eva driver: acepack_open, then acepack_dump with a workspace of
 * exactly acepack_dump_workspace_size() bytes and a callback that checks
 * every piece it is given is readable, in profile PROVE_PROFILE. */
#include "acepack.h"
#include "prove_input.h"

static uint8_t ws_storage[32u * PROVE_N + 64u];

int main(void)
{
    size_t size, need;
    const uint8_t *data;
    acepack_reader r;
    acepack_error e;
    void *ws;
    PROVE_INPUT(data, size);
    if (acepack_open(&r, data, size, (acepack_profile)PROVE_PROFILE, &e) != ACEPACK_OK)
        return 1;
    PROVE_ENTRIES(r, size);
    if (acepack_dump_workspace_size(&r, &need) != ACEPACK_OK)
        return 2;
    /*@ assert need <= sizeof(ws_storage); */
    PROVE_BUFFER(ws, need, ws_storage);
    return (int)acepack_dump(&r, need ? ws : NULL, need, prove_sink, NULL, &e);
}
