/*
 * test_main.c - runs one named unit test (as ctest does) or lists them.
 *   acepack_unit --list     one test name per line
 *   acepack_unit NAME       run NAME; exit 0 on success, 1 on failure
 *   acepack_unit --all      run every test
 */
#include <stdlib.h>

#include "testlib.h"

extern const test_case TESTS_HEADER[], TESTS_EVENTS[], TESTS_INDEX[], TESTS_CHUNKS[],
    TESTS_PAYLOAD[], TESTS_ACCESS[], TESTS_TABLE[], TESTS_DUMP[], TESTS_V1[], TESTS_TEXT[];

static const test_case *const GROUPS[] = {TESTS_HEADER, TESTS_EVENTS, TESTS_INDEX, TESTS_CHUNKS,
                                          TESTS_PAYLOAD, TESTS_ACCESS, TESTS_TABLE, TESTS_DUMP,
                                          TESTS_V1, TESTS_TEXT};
#define NGROUPS (sizeof GROUPS / sizeof GROUPS[0])

static int run(const test_case *t)
{
    t_failures = 0;
    t->fn(t->profile);
    if (t_failures)
        fprintf(stderr, "FAIL %s (%d)\n", t->name, t_failures);
    return t_failures != 0;
}

int main(int argc, char **argv)
{
    size_t g;
    const test_case *t;
    int failed = 0, found = 0;
    if (argc != 2) {
        fprintf(stderr, "usage: %s --list | --all | TEST-NAME\n", argv[0]);
        return 2;
    }
    for (g = 0; g < NGROUPS; g++) {
        for (t = GROUPS[g]; t->name; t++) {
            if (strcmp(argv[1], "--list") == 0) {
                printf("%s\n", t->name);
            } else if (strcmp(argv[1], "--all") == 0 || strcmp(argv[1], t->name) == 0) {
                found++;
                failed += run(t);
            }
        }
    }
    if (strcmp(argv[1], "--list") == 0)
        return 0;
    if (!found) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 1;
    }
    if (strcmp(argv[1], "--all") == 0)
        fprintf(stderr, "%d of %d tests failed\n", failed, found);
    return failed ? 1 : 0;
}
