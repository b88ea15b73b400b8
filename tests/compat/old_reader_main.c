/*
 * old_reader_main.c - the spec 1.0.x reader (the sources of tag v1.0.1,
 * vendored in reader-1.0/) as a program, for the old-reader test of spec
 * 1.1.0 (section 12.2: what an old reader does with new files).
 *
 *   acepack_old_reader --profile strict|compat FILE...
 *
 * For each FILE, in order: a line `RESULT accept - 0 LEN` followed by the
 * LEN bytes of the conformance dump, or `RESULT reject RULE OFFSET 0`
 * (`RESULT error - 0 0` when the file cannot be read, `RESULT unsupported - 0 0`
 * when it is larger than this build can map: a 4 GiB+ case on a 32-bit build,
 * spec 3.6).  Acceptance means
 * acepack_open + acepack_validate(ACEPACK_CHECK_ALL) + acepack_dump, as the
 * reference CLI's `dump` did at 1.0.1.  This file uses only the vendored
 * header; it is linked with the vendored sources alone, never with the
 * current library, so no symbol meets its 1.1.0 namesake.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acepack_read.h"

typedef struct sink {
    unsigned char *p;
    size_t n, cap;
} sink;

static int put(void *ctx, const void *p, size_t n)
{
    sink *s = ctx;
    if (s->cap - s->n < n) {
        size_t cap = s->cap ? s->cap : 4096;
        unsigned char *q;
        while (cap - s->n < n)
            cap *= 2;
        q = realloc(s->p, cap);
        if (q == NULL)
            return 1;
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->n, p, n);
    s->n += n;
    return 0;
}

static void reject(const acepack_error *e)
{
    printf("RESULT reject %s %llu 0\n", e->rule ? e->rule : "-", (unsigned long long)e->offset);
}

static void one(const char *path, acepack_profile profile)
{
    size_t need = 0;
    acepack_mapping m; /* mapped, as the reference CLI reads: a corpus file may be 4 GiB+ */
    acepack_reader r;
    acepack_error e;
    void *ws = NULL;
    sink out = {NULL, 0, 0};
    memset(&e, 0, sizeof e);
    if (acepack_map_file(path, &m, &e) != ACEPACK_OK) {
        printf("RESULT %s - 0 0\n", e.status == ACEPACK_UNSUPPORTED ? "unsupported" : "error");
        return;
    }
    if (acepack_open(&r, m.data, m.size, profile, &e) != ACEPACK_OK)
        goto rejected;
    if (acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) != ACEPACK_OK)
        goto error;
    ws = malloc(need ? need : 1);
    if (ws == NULL || acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need, &e) != ACEPACK_OK) {
        if (ws == NULL)
            goto error;
        goto rejected;
    }
    free(ws);
    ws = NULL;
    if (acepack_dump_workspace_size(&r, &need) != ACEPACK_OK)
        goto error;
    ws = malloc(need ? need : 1);
    if (ws == NULL)
        goto error;
    if (acepack_dump(&r, ws, need, put, &out, &e) != ACEPACK_OK) {
        if (e.status == ACEPACK_INVALID)
            goto rejected;
        goto error;
    }
    printf("RESULT accept - 0 %zu\n", out.n);
    fwrite(out.p, 1, out.n, stdout);
    goto done;
rejected:
    reject(&e);
    goto done;
error:
    printf("RESULT error - 0 0\n");
done:
    free(ws);
    free(out.p);
    acepack_unmap(&m);
}

int main(int argc, char **argv)
{
    acepack_profile profile;
    int i;
    if (argc < 3 || strcmp(argv[1], "--profile") != 0 ||
        (strcmp(argv[2], "strict") != 0 && strcmp(argv[2], "compat") != 0)) {
        fprintf(stderr, "usage: %s --profile strict|compat FILE...\n", argv[0]);
        return 2;
    }
    profile = strcmp(argv[2], "strict") == 0 ? ACEPACK_STRICT : ACEPACK_COMPAT;
    for (i = 3; i < argc; i++)
        one(argv[i], profile);
    return fflush(stdout) == 0 ? 0 : 1;
}
