/*
 * test_main.c - the reader's unit tests, one table per file, run by the
 * harness (tests/common/testlib.h):
 *   acepack_unit --list     one test name per line (ctest registers them)
 *   acepack_unit NAME       run NAME; exit 0 on success, 1 on failure
 *   acepack_unit --all      run every test
 */
#include "tfile.h"

extern const t_test TESTS_HEADER[], TESTS_EVENTS[], TESTS_INDEX[], TESTS_CHUNKS[], TESTS_PAYLOAD[],
    TESTS_ACCESS[], TESTS_TABLE[], TESTS_DUMP[], TESTS_V1[], TESTS_TEXT[];

int main(int argc, char **argv)
{
    static const t_test *const tables[] = {TESTS_HEADER,  TESTS_EVENTS, TESTS_INDEX, TESTS_CHUNKS,
                                           TESTS_PAYLOAD, TESTS_ACCESS, TESTS_TABLE, TESTS_DUMP,
                                           TESTS_V1,      TESTS_TEXT,   NULL};
    return t_main_tables(tables, argc, argv);
}
