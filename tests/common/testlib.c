/* testlib.c - see testlib.h. */
#include "testlib.h"

#include <stdarg.h>

int t_failures;

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    t_failures++;
}

void check_mem(const char *file, int line, const void *p, size_t n, const char *lit, size_t ln)
{
    if (n != ln || (n && memcmp(p, lit, n) != 0))
        t_fail(file, line, "bytes \"%.*s\" (%zu), expected \"%s\" (%zu)", (int)n, (const char *)p,
               n, lit, ln);
}

/* 1 when t is selected by the command line (every test without names). */
static int selected(const t_test *t, int argc, char **argv)
{
    int i;
    if (argc < 2 || (argc == 2 && strcmp(argv[1], "--all") == 0))
        return 1;
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], t->name) == 0)
            return 1;
    return 0;
}

/* 1 when some test of the tables is called `name`. */
static int exists(const t_test *const *tables, const char *name)
{
    const t_test *t;
    for (; *tables; tables++)
        for (t = *tables; t->name; t++)
            if (strcmp(t->name, name) == 0)
                return 1;
    return 0;
}

int t_main_tables(const t_test *const *tables, int argc, char **argv)
{
    const t_test *const *g;
    const t_test *t;
    int i, ran = 0, failed = 0;
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (g = tables; *g; g++)
            for (t = *g; t->name; t++)
                printf("%s\n", t->name);
        return 0;
    }
    if (!(argc == 2 && strcmp(argv[1], "--all") == 0)) {
        for (i = 1; i < argc; i++) {
            if (!exists(tables, argv[i])) {
                fprintf(stderr, "no test named %s\n", argv[i]);
                return 2;
            }
        }
    }
    for (g = tables; *g; g++) {
        for (t = *g; t->name; t++) {
            int before = t_failures;
            if (!selected(t, argc, argv))
                continue;
            if (t->pfn)
                t->pfn(t->profile);
            else
                t->fn();
            ran++;
            if (t_failures != before)
                failed++;
            printf("%s %s\n", t_failures == before ? "ok  " : "FAIL", t->name);
            fflush(stdout);
        }
    }
    if (ran > 1 && failed)
        fprintf(stderr, "%d of %d tests failed\n", failed, ran);
    return failed ? 1 : 0;
}

int t_main(const t_test *tests, int argc, char **argv)
{
    const t_test *tables[2];
    tables[0] = tests;
    tables[1] = NULL;
    return t_main_tables(tables, argc, argv);
}
