/*
 * regression_driver.c - a main() for any harness: runs LLVMFuzzerTestOneInput
 * once per file, without a fuzzing engine.  This is how ctest replays
 * corpus/ and fuzz/regressions/<harness>/, and how coverage is measured.
 *
 *     fuzz_index_regression [-v] PATH...
 *
 * Each PATH is a file or a directory (walked recursively; entries sorted so
 * that runs are reproducible; names starting with '.' skipped).  Every
 * input is read into a fresh allocation of EXACTLY its size, so that
 * AddressSanitizer reports a read one byte past the input (a driver that
 * reuses a larger buffer hides exactly those bugs).
 *
 * Exit status: 0 when at least one input ran and none failed; 1 when a path
 * cannot be read or when no input was found at all (an empty or missing
 * corpus must not pass silently).  A failing input aborts (FUZZ_ASSERT or a
 * sanitizer); its path is printed first.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_helpers.h"

static int g_verbose;
static unsigned long g_count;
static const char *g_current; /* the input being run, for crash reports */

/* Print the input's path when the process dies (abort, or a sanitizer's
 * report: both end in the death callback or SIGABRT). */
static void say_current(void)
{
    if (g_current) {
        static const char pre[] = "regression_driver: failing input: ";
        ssize_t w = write(2, pre, sizeof pre - 1);
        w = write(2, g_current, strlen(g_current));
        w = write(2, "\n", 1);
        (void)w;
    }
}
static void on_signal(int sig)
{
    say_current();
    signal(sig, SIG_DFL);
    raise(sig);
}
/* Sanitizer runtimes provide this; weak so that a plain build links too. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static int run_file(const char *path, off_t size_hint)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "regression_driver: cannot open %s\n", path);
        return 1;
    }
    size_t size = (size_t)size_hint;
    uint8_t *buf = (uint8_t *)malloc(size ? size : 1);
    FUZZ_ASSERT_MSG(buf != NULL, path);
    size_t got = size ? fread(buf, 1, size, f) : 0;
    int extra = fgetc(f); /* the file must not have grown meanwhile */
    fclose(f);
    if (got != size || extra != EOF) {
        fprintf(stderr, "regression_driver: %s changed while being read\n", path);
        free(buf);
        return 1;
    }
    if (size == 0) {
        /* A zero-byte allocation: any access is reported. */
        free(buf);
        buf = (uint8_t *)malloc(0);
    }
    if (g_verbose)
        fprintf(stderr, "Running: %s (%zu bytes)\n", path, size);
    g_current = path;
    (void)LLVMFuzzerTestOneInput(buf, size);
    g_current = NULL;
    free(buf);
    g_count++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path);

static int run_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "regression_driver: cannot open directory %s\n", path);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = (char **)realloc(names, cap * sizeof *names);
            FUZZ_ASSERT(names != NULL);
        }
        size_t len = strlen(path) + 1 + strlen(de->d_name) + 1;
        names[n] = (char *)malloc(len);
        FUZZ_ASSERT(names[n] != NULL);
        snprintf(names[n], len, "%s/%s", path, de->d_name);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= run_path(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "regression_driver: no such file or directory: %s\n", path);
        return 1;
    }
    if (S_ISDIR(st.st_mode))
        return run_dir(path);
    if (S_ISREG(st.st_mode))
        return run_file(path, st.st_size);
    return 0; /* sockets, fifos: not inputs */
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        g_verbose = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(say_current);
    signal(SIGABRT, on_signal);
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);

    int rc = 0;
    for (int i = first; i < argc; i++)
        rc |= run_path(argv[i]);
    fprintf(stderr, "regression_driver: %lu inputs ran\n", g_count);
    if (g_count == 0) {
        fprintf(stderr, "regression_driver: FAILED: no input found\n");
        return 1;
    }
    return rc;
}
