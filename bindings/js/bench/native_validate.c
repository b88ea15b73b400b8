/*
 * native_validate.c - the native side of bench/bench.mjs: acepack_open +
 * acepack_validate(ACEPACK_CHECK_ALL) of a mapped file, timed per run in
 * wall-clock AND process CPU time (a shared machine inflates the first, not
 * much the second), after one untimed run (page faults of the mapping).
 *
 * usage: acepack_wasm_bench_native FILE RUNS
 * prints one JSON line per timed run: {"wall_ms":..,"cpu_ms":..}
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "acepack_read.h"

static double ms(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One full validation, as glue.c's apw_open does it; 0 when valid. */
static int validate_once(const acepack_mapping *m)
{
    acepack_reader r;
    acepack_error e;
    size_t need = 0;
    void *ws = NULL;
    acepack_status s = acepack_open(&r, m->data, m->size, ACEPACK_STRICT, &e);
    if (s == ACEPACK_OK &&
        acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) == ACEPACK_OK &&
        (need == 0 || (ws = malloc(need)) != NULL))
        s = acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need, &e);
    else if (s == ACEPACK_OK)
        s = ACEPACK_UNSUPPORTED;
    free(ws);
    return s != ACEPACK_OK;
}

int main(int argc, char **argv)
{
    if (argc != 3 || atoi(argv[2]) < 1) {
        fprintf(stderr, "usage: %s FILE RUNS\n", argv[0]);
        return 2;
    }
    acepack_mapping m;
    acepack_error e;
    if (acepack_map_file(argv[1], &m, &e) != ACEPACK_OK) {
        fprintf(stderr, "%s: cannot map: %s\n", argv[1], e.message ? e.message : "?");
        return 2;
    }
    int bad = validate_once(&m); /* untimed: faults the mapping in */
    for (int i = 0, n = atoi(argv[2]); i < n && !bad; i++) {
        double w0 = ms(CLOCK_MONOTONIC), c0 = ms(CLOCK_PROCESS_CPUTIME_ID);
        bad = validate_once(&m);
        double c1 = ms(CLOCK_PROCESS_CPUTIME_ID), w1 = ms(CLOCK_MONOTONIC);
        printf("{\"wall_ms\":%.3f,\"cpu_ms\":%.3f}\n", w1 - w0, c1 - c0);
    }
    acepack_unmap(&m);
    if (bad)
        fprintf(stderr, "%s: not valid under strict\n", argv[1]);
    return bad;
}
