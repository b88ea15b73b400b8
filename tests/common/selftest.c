/*
 * selftest.c - the harness can fail: a table with a passing and a failing
 * test goes through t_main_tables, and the exit codes, the failure count
 * and the profile a test receives are checked here by hand (ctest
 * unit.harness.selftest), so a runner that reported every test as passed
 * would be caught.
 */
#include <stdlib.h>

#include "testlib.h"

static acepack_profile seen;

static void passes(void)
{
    CHECK(1 + 1 == 2);
}

static void fails(void)
{
    CHECK(1 + 1 == 3);
    CHECK_U64(2, 3);
}

static void profiled(acepack_profile p)
{
    seen = p;
}

static int expect(int got, int want, const char *what)
{
    if (got == want)
        return 0;
    fprintf(stderr, "selftest: %s: %d, expected %d\n", what, got, want);
    return 1;
}

int main(void)
{
    static const t_test table[] = {T_TEST("passes", passes),
                                   T_TEST("fails", fails),
                                   {"profiled", NULL, profiled, ACEPACK_COMPAT},
                                   T_END};
    static const t_test *const tables[] = {table, NULL};
    char prog[] = "selftest", a_passes[] = "passes", a_fails[] = "fails", a_profiled[] = "profiled",
         a_none[] = "nosuch", a_list[] = "--list";
    char *run_passes[] = {prog, a_passes, NULL}, *run_fails[] = {prog, a_fails, NULL},
         *run_profiled[] = {prog, a_profiled, NULL}, *run_none[] = {prog, a_none, NULL},
         *run_list[] = {prog, a_list, NULL}, *run_all[] = {prog, NULL};
    int bad = 0, before;

    bad += expect(t_main_tables(tables, 2, run_passes), 0, "a passing test");
    bad += expect(t_failures, 0, "failures after a passing test");
    before = t_failures;
    bad += expect(t_main_tables(tables, 2, run_fails), 1, "a failing test");
    bad += expect(t_failures - before, 2, "failed checks of the failing test");
    bad += expect(t_main_tables(tables, 2, run_profiled), 0, "a test with a profile");
    bad += expect((int)seen, (int)ACEPACK_COMPAT, "the profile it received");
    bad += expect(t_main_tables(tables, 2, run_none), 2, "an unknown name");
    bad += expect(t_main_tables(tables, 2, run_list), 0, "--list");
    bad += expect(t_main(table, 1, run_all), 1, "every test (one fails)");
    printf("%s\n", bad ? "selftest FAILED" : "selftest ok (the FAIL lines above are expected)");
    return bad ? 1 : 0;
}
