/*
 * testlib.h - the harness of the C test programs (tests/unit, tests/write):
 * failure counting, the CHECK macros, and the runner ctest calls.
 *
 * A check that fails reports file:line and goes on (a test reports every
 * difference it finds); a test fails when any of its checks failed.
 */
#ifndef ACEPACK_TESTLIB_H
#define ACEPACK_TESTLIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "acepack_read.h"

/* Failed checks so far (the runner compares it before and after a test). */
extern int t_failures;
void t_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define CHECK(c)                                         \
    do {                                                 \
        if (!(c))                                        \
            t_fail(__FILE__, __LINE__, "CHECK(%s)", #c); \
    } while (0)
#define CHECK_U64(a, b)                                                                    \
    do {                                                                                   \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);     \
        if (a_ != b_)                                                                      \
            t_fail(__FILE__, __LINE__, "%s == %llu, expected %s == %llu", #a, a_, #b, b_); \
    } while (0)
#define CHECK_STR(a, b)                                                                         \
    do {                                                                                        \
        const char *a_ = (a), *b_ = (b);                                                        \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                                    \
            t_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, a_ ? a_ : "(null)", \
                   b_ ? b_ : "(null)");                                                         \
    } while (0)
/* The n bytes at p are the string literal lit (without its NUL). */
#define CHECK_MEM(p, n, lit) \
    check_mem(__FILE__, __LINE__, (const void *)(p), (n), (lit), sizeof(lit) - 1)
void check_mem(const char *file, int line, const void *p, size_t n, const char *lit, size_t ln);
#define CHECK_ST(call, want)                                                 \
    do {                                                                     \
        acepack_status s_ = (call);                                          \
        if (s_ != (want))                                                    \
            t_fail(__FILE__, __LINE__, "%s returned %s, expected %s", #call, \
                   acepack_status_name(s_), acepack_status_name(want));      \
    } while (0)
#define CHECK_RULE(e, r)                                                                 \
    do {                                                                                 \
        const char *r_ = (e).rule;                                                       \
        if (r_ == NULL || strcmp(r_, (r)) != 0)                                          \
            t_fail(__FILE__, __LINE__, "rule %s, expected %s", r_ ? r_ : "(null)", (r)); \
    } while (0)

/* One test: a function without parameter (fn), or one run under a profile
 * (pfn, profile).  A table ends with a NULL name (T_END). */
typedef struct t_test {
    const char *name; /* the ctest name (or the argument ctest passes) */
    void (*fn)(void);
    void (*pfn)(acepack_profile p);
    acepack_profile profile;
} t_test;

/* Table entries: a test without parameter, and the end of a table. */
#define T_TEST(name, fn)               \
    {                                  \
        name, fn, NULL, ACEPACK_STRICT \
    }
#define T_END                            \
    {                                    \
        NULL, NULL, NULL, ACEPACK_STRICT \
    }

/* The runner of a test program:
 *   PROG --list        the test names, one a line
 *   PROG [--all]       every test
 *   PROG NAME...       the named tests (a name that is no test: exit 2)
 * Prints "ok   NAME" or "FAIL NAME" per test run; returns the exit code
 * (0 every test passed, 1 a test failed, 2 usage).  `tables` is a list of
 * tables ended by NULL; t_main runs one table. */
int t_main_tables(const t_test *const *tables, int argc, char **argv);
int t_main(const t_test *tests, int argc, char **argv);

#endif /* ACEPACK_TESTLIB_H */
