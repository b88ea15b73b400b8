/* validate.c - Eva driver: acepack_open, then acepack_validate with every
 * check mask (0..3, one state each) and a workspace of exactly the size
 * acepack_validate_workspace_size() asks for, in profile PROVE_PROFILE. */
#include "acepack.h"
#include "prove_input.h"

/* The largest workspace for PROVE_N bytes: at most PROVE_N entries, 32
 * bytes each, plus the table's alignment slack. */
static uint8_t ws_storage[32u * PROVE_N + 64u];

int main(void)
{
    size_t size, need;
    const uint8_t *data;
    acepack_reader r;
    acepack_error e;
    void *ws;
    unsigned what;
    PROVE_INPUT(data, size);
    /* After PROVE_INPUT: an annotation before a declaration (the one
     * PROVE_INPUT opens with) is refused by Frama-C (annot-error). */
    what = Frama_C_interval(0, ACEPACK_CHECK_ALL);
    /*@ split what; */
    if (acepack_open(&r, data, size, (acepack_profile)PROVE_PROFILE, &e) != ACEPACK_OK)
        return 1;
    PROVE_ENTRIES(r, size);
    if (acepack_validate_workspace_size(&r, what, &need) != ACEPACK_OK)
        return 2;
    /*@ assert need <= sizeof(ws_storage); */
    PROVE_BUFFER(ws, need, ws_storage);
    return (int)acepack_validate(&r, what, need ? ws : NULL, need, &e);
}
