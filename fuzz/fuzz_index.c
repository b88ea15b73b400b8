/*
 * fuzz_index.c - the JSON key index (spec 4).
 *
 * Input: the bytes of an index.  The harness wraps them in an otherwise
 * strict-valid v2 file (fuzz_wrap.h) whose chunk region holds
 * FUZZ_ZERO_REGION zero bytes (any {"offset":O,"length":0} with
 * 128 <= O <= 1148 is a strict-valid chunk) and the chunks "hello" (offset
 * 1152, length 5) and "abc" (offset 1161, length 3), and an empty event
 * section.
 * Checks: iteration (count, spans, order), every key decoded by the oracle,
 * then by acepack_key_decode in count mode and into an exact buffer (and one
 * byte short: NOMEM), key_equals(decoded) == 1 and its near misses, strict
 * keys in canonical escaping, key_compare against bytewise order, the table
 * (every key found with the value of its last occurrence), validation with
 * exact workspace, and the dump: everything fuzz_check_file checks.
 */
#include "fuzz_checks.h"
#include "fuzz_wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_wrap_parts parts = {0};
    parts.chunks = fuzz_index_chunk_region(&parts.chunks_len);
    parts.events = fuzz_empty_events;
    parts.events_len = sizeof fuzz_empty_events;
    parts.index = data;
    parts.index_len = size;
    size_t fsize = 0;
    uint8_t *file = fuzz_wrap_v2(&parts, &fsize);
    (void)fuzz_check_file(file, fsize);
    free(file);
    return 0;
}
