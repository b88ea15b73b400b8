/*
 * bench_main.c - command line of `acepack_bench` (tools/bench/README.md).
 *
 *   acepack_bench [--events N] [--keys K] [--lookup-keys K] [--v1-entries N]
 *                 [--iters I] [--dir DIR] [--only reader|lookup|writer|crc|segmented]...
 *                 [--gen-only] [--json] [--check]
 *
 * --check makes the run fail when the parse path allocates (the smoke test).
 * Numbers may be written 1000000 or 1e6.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench.h"

static void usage(void)
{
    fputs(
        "usage: acepack_bench [--events N] [--keys K] [--lookup-keys K] [--v1-entries N]\n"
        "                     [--iters I] [--dir DIR] [--only reader|lookup|writer|crc|segmented]...\n"
        "                     [--gen-only] [--json] [--check]\n"
        "Generates deterministic stores in DIR (default .) and prints the median of I runs\n"
        "(default 5) of each figure beside its memchr / write+fdatasync baseline.\n"
        "Defaults: --events 1e6 --keys 1000 --lookup-keys 1e5 --v1-entries 1e5.\n",
        stderr);
    exit(2);
}

/* mkdir -p */
static void make_dirs(const char *path)
{
    char buf[4096];
    size_t k, n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        bench_die("bad directory: %s", path);
    memcpy(buf, path, n + 1);
    for (k = 1; k <= n; k++) {
        if (buf[k] != '/' && buf[k] != '\0')
            continue;
        buf[k] = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            bench_die("%s: %s", buf, strerror(errno));
        buf[k] = path[k];
    }
}

static uint32_t parse_count(const char *opt, const char *s, uint32_t min)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || *end || end == s || v < (double)min || v > 4294967295.0 ||
        v != (double)(uint32_t)v)
        bench_die("%s: not an integer >= %u: %s", opt, (unsigned)min, s);
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    bench_opts o;
    int i, gen_only = 0, only = 0;
    const char *only_groups[3] = {0};

    memset(&o, 0, sizeof o);
    o.events = 1000000;
    o.keys = 1000;
    o.lookup_keys = 100000;
    o.v1_entries = 100000;
    o.iters = 5;
    o.dir = ".";
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--json") == 0) {
            o.json = 1;
            continue;
        }
        if (strcmp(a, "--check") == 0) {
            o.check = 1;
            continue;
        }
        if (strcmp(a, "--gen-only") == 0) {
            gen_only = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || v == NULL)
            usage();
        i++;
        if (strcmp(a, "--events") == 0)
            o.events = parse_count(a, v, 0);
        else if (strcmp(a, "--keys") == 0)
            o.keys = parse_count(a, v, 1);
        else if (strcmp(a, "--lookup-keys") == 0)
            o.lookup_keys = parse_count(a, v, 1);
        else if (strcmp(a, "--v1-entries") == 0)
            o.v1_entries = parse_count(a, v, 1);
        else if (strcmp(a, "--iters") == 0)
            o.iters = parse_count(a, v, 1);
        else if (strcmp(a, "--dir") == 0)
            o.dir = v;
        else if (strcmp(a, "--only") == 0 && only < 3)
            only_groups[only++] = v;
        else
            usage();
    }
    make_dirs(o.dir);

    if (gen_only) {
        char path[4096];
        snprintf(path, sizeof path, "%s/v2-e%u-k%u.ace", o.dir, (unsigned)o.events,
                 (unsigned)o.keys);
        bench_gen_v2(path, o.events, o.keys);
        snprintf(path, sizeof path, "%s/v1-n%u-k%u.ace", o.dir, (unsigned)o.v1_entries,
                 (unsigned)o.keys);
        bench_gen_v1(path, o.v1_entries, o.keys);
        return 0;
    }
    {
        int run_reader = only == 0, run_lookup = only == 0, run_writer = only == 0, k;
        int run_crc = only == 0;
        int run_segmented = 0; /* its own table: asked for by name (README) */
        for (k = 0; k < only; k++) {
            if (strcmp(only_groups[k], "reader") == 0)
                run_reader = 1;
            else if (strcmp(only_groups[k], "lookup") == 0)
                run_lookup = 1;
            else if (strcmp(only_groups[k], "writer") == 0)
                run_writer = 1;
            else if (strcmp(only_groups[k], "crc") == 0)
                run_crc = 1;
            else if (strcmp(only_groups[k], "segmented") == 0)
                run_segmented = 1;
            else
                usage();
        }
        if (run_reader)
            bench_reader(&o);
        if (run_lookup)
            bench_lookup(&o);
        if (run_writer)
            bench_writer(&o);
        if (run_crc)
            bench_crc(&o);
        if (run_segmented)
            bench_segmented(&o);
    }
    return 0;
}
