/*
 * fuzz_file.c - a whole file, both profiles.
 *
 * Input: the file bytes.
 * Checks (fuzz_check_file): every accessor on what each profile accepts,
 * validation with exact workspace, the dump against the dump rebuilt from
 * spec 11; a file strict accepts is accepted by compat with the identical
 * dump (spec 1.4); tail bytes change nothing (spec 3.5).
 */
#include "fuzz_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)fuzz_check_file(data, size);
    return 0;
}
