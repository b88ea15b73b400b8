/*
 * fuzz_events.c - the event section (spec 3.3).
 *
 * Input: the bytes of an event section.  The harness wraps them in an
 * otherwise strict-valid v2 file (fuzz_wrap.h): three bytes of dead space
 * before the section, so that it starts at an odd file offset (spec 3.3.2:
 * no column may be assumed aligned), the header's evt_count equal to the
 * section's own count (R-EVT-9), an evt_base_id near 2^32 (ids need 33 bits,
 * R-EVT-10), and the index "{}".
 * Checks: the harness decodes the columns itself and compares every event,
 * every column accessor and every payload span (inside the section, where
 * pay_off/pay_len say); payload validation against acepack_json_check; and
 * everything fuzz_check_file checks.
 */
#include "fuzz_checks.h"
#include "fuzz_wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t dead[3] = {0, 0, 0};
    fuzz_wrap_parts parts = {0};
    parts.chunks = dead;
    parts.chunks_len = sizeof dead;
    parts.events = data;
    parts.events_len = size;
    parts.evt_count = size >= 4 ? fuzz_get_be32(data) : 0;
    parts.evt_base_id = UINT32_C(0xFFFFFFF0);
    parts.index = (const uint8_t *)"{}";
    parts.index_len = 2;
    size_t fsize = 0;
    uint8_t *file = fuzz_wrap_v2(&parts, &fsize);
    (void)fuzz_check_file(file, fsize);
    free(file);
    return 0;
}
