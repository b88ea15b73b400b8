/*
 * test_roundtrip.c - the writer against the corpus (corpus/manifest.json;
 * expected dumps and outputs come from the independent Python
 * implementation, tools/pyacepack).
 *
 *   - every file the manifest calls valid (read cases accepted under strict,
 *     else compat) is read, its dump parsed back and written canonically, the
 *     result read again under strict: the dumps are identical (with the flags
 *     word 0: a writer clears compatible bits, W-HDR-2), or - only where the
 *     manifest says the round trip is "none" - the writer refuses content no
 *     writer may write (W-EVT-2, W-EVT-4, ...);
 *   - `byte-exact` cases: building the expected dump reproduces the file byte
 *     for byte;
 *   - `write` cases: building the input dump gives the expected bytes, or is
 *     refused when the manifest says reject;
 *   - `migrate` cases: migrating gives the expected bytes under each listed
 *     profile, or is refused.
 *
 *   test_write_roundtrip CORPUS_DIR    (exit 77 = skipped: no manifest)
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <stdlib.h>

#include "mini_json.h"
#include "wtest.h"

static const char *corpus;

static uint8_t *load(const char *rel, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", corpus, rel);
    return w_read_file(path, n);
}

/* Reads (validating fully) and dumps; returns the status. */
static acepack_status read_dump(const uint8_t *d, size_t n, acepack_profile p, w_buf *out,
                                acepack_error *e)
{
    acepack_reader r;
    acepack_status st = acepack_open(&r, d, n, p, e);
    if (st != ACEPACK_OK)
        return st;
    size_t need = 0;
    acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need);
    void *ws = malloc(need ? need : 1);
    st = acepack_validate(&r, ACEPACK_CHECK_ALL, ws, need, e);
    free(ws);
    if (st != ACEPACK_OK)
        return st;
    acepack_dump_workspace_size(&r, &need);
    ws = malloc(need ? need : 1);
    out->n = 0;
    st = acepack_dump(&r, ws, need, w_buf_write, out, e);
    free(ws);
    return st;
}

/* Builds the canonical file of a dump text. */
static acepack_status build_dump(const uint8_t *dump, size_t n, w_buf *out, acepack_error *e)
{
    acepack_parsed_dump pd;
    acepack_status st = acepack_dump_parse(dump, n, NULL, &pd, e);
    if (st != ACEPACK_OK)
        return st;
    out->n = 0;
    st = acepack_build_write(&pd.content, NULL, w_buf_write, out, e);
    acepack_parsed_dump_free(&pd);
    return st;
}

/* The dump with its flags word set to 0 (what a writer writes, W-HDR-2). */
static void zero_flags(w_buf *d)
{
    static const char key[] = ",\"flags\":";
    for (size_t i = 0; i + sizeof key - 1 < d->n; i++) {
        if (memcmp(d->p + i, key, sizeof key - 1) != 0)
            continue;
        size_t s = i + sizeof key - 1, k = s;
        while (k < d->n && d->p[k] >= '0' && d->p[k] <= '9')
            k++;
        d->p[s] = '0';
        memmove(d->p + s + 1, d->p + k, d->n - k);
        d->n -= k - s - 1;
        return;
    }
}

static int same(const w_buf *a, const uint8_t *b, size_t n)
{
    return a->n == n && (n == 0 || memcmp(a->p, b, n) == 0);
}

static long n_roundtrip, n_refused_ok, n_byte_exact, n_write, n_migrate, n_dump_diff;

static void read_case(const mj *c)
{
    const char *id = mj_str(c, "id");
    const char *path = mj_str(c, "path");
    const char *rt = mj_str(c, "roundtrip");
    const char *dump_rel = mj_str(c, "dump");
    const mj *ex = mj_get(c, "expect");
    const char *es = mj_str(ex, "strict"), *ec = mj_str(ex, "compat");
    acepack_profile p;
    if (mj_get(c, "sparse"))
        return; /* a large case: the file read is made by the runner (over 4 GiB) */
    if (es && strcmp(es, "accept") == 0)
        p = ACEPACK_STRICT;
    else if (ec && strcmp(ec, "accept") == 0)
        p = ACEPACK_COMPAT;
    else
        return; /* not a valid file */
    size_t n = 0;
    uint8_t *d = load(path, &n);
    if (!d) {
        t_fail(__FILE__, __LINE__, "%s: cannot read %s", id, path);
        return;
    }
    w_buf dump = {0}, built = {0}, again = {0};
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = read_dump(d, n, p, &dump, &e);
    if (st != ACEPACK_OK) {
        t_fail(__FILE__, __LINE__, "%s: the reader rejects a valid file: %s %s", id,
               acepack_status_name(st), e.rule ? e.rule : "-");
        goto done;
    }
    if (dump_rel) { /* the reader agrees with pyacepack (a reader check, counted apart) */
        size_t en = 0;
        uint8_t *exp = load(dump_rel, &en);
        if (!exp || !same(&dump, exp, en)) {
            n_dump_diff++;
            t_fail(__FILE__, __LINE__, "%s: C dump differs from the expected dump", id);
        }
        /* byte-exact: the expected dump builds the file itself. */
        if (exp && rt && strcmp(rt, "byte-exact") == 0) {
            st = build_dump(exp, en, &built, &e);
            if (st != ACEPACK_OK || !same(&built, d, n))
                t_fail(__FILE__, __LINE__, "%s: build(expected dump) != file (%s %s)", id,
                       acepack_status_name(st), e.rule ? e.rule : "-");
            else
                n_byte_exact++;
        }
        free(exp);
    }
    st = build_dump(dump.p, dump.n, &built, &e);
    if (st != ACEPACK_OK) {
        if (rt && strcmp(rt, "none") == 0 && e.rule && e.rule[0] == 'W')
            n_refused_ok++; /* content no writer may write (e.g. ts > 2^53-1) */
        else
            t_fail(__FILE__, __LINE__, "%s: writing refused: %s %s %s", id, acepack_status_name(st),
                   e.rule ? e.rule : "-", e.message ? e.message : "");
        goto done;
    }
    st = read_dump(built.p, built.n, ACEPACK_STRICT, &again, &e);
    zero_flags(&dump);
    if (st != ACEPACK_OK)
        t_fail(__FILE__, __LINE__, "%s: the written file does not validate: %s %s", id,
               acepack_status_name(st), e.rule ? e.rule : "-");
    else if (!same(&again, dump.p, dump.n))
        t_fail(__FILE__, __LINE__, "%s: dump(read(write(dump))) differs", id);
    else
        n_roundtrip++;
done:
    free(d);
    free(dump.p);
    free(built.p);
    free(again.p);
}

static void write_case(const mj *c)
{
    const char *id = mj_str(c, "id");
    const char *es = mj_str(mj_get(c, "expect"), "strict");
    size_t n = 0, on = 0;
    uint8_t *d = load(mj_str(c, "path"), &n);
    const char *out_rel = mj_str(c, "output");
    uint8_t *want = out_rel ? load(out_rel, &on) : NULL;
    w_buf built = {0};
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = d ? build_dump(d, n, &built, &e) : ACEPACK_ARG;
    if (es && strcmp(es, "accept") == 0) {
        if (st != ACEPACK_OK || !want || !same(&built, want, on))
            t_fail(__FILE__, __LINE__, "%s: write gives other bytes (%s %s)", id,
                   acepack_status_name(st), e.rule ? e.rule : "-");
        else
            n_write++;
    } else if (es && strcmp(es, "reject") == 0) {
        if (st == ACEPACK_OK)
            t_fail(__FILE__, __LINE__, "%s: write accepted content it must refuse", id);
        else
            n_write++;
    }
    free(d);
    free(want);
    free(built.p);
}

static void migrate_case(const mj *c)
{
    const char *id = mj_str(c, "id");
    const mj *ex = mj_get(c, "expect");
    size_t n = 0, on = 0;
    uint8_t *d = load(mj_str(c, "path"), &n);
    const char *out_rel = mj_str(c, "output");
    uint8_t *want = out_rel ? load(out_rel, &on) : NULL;
    static const char *names[] = {"strict", "compat"};
    for (int pi = 0; pi < 2; pi++) {
        const char *v = mj_str(ex, names[pi]);
        if (!v)
            continue;
        acepack_migrate_options o;
        memset(&o, 0, sizeof o);
        o.profile = pi ? ACEPACK_COMPAT : ACEPACK_STRICT;
        w_buf out = {0};
        acepack_error e;
        memset(&e, 0, sizeof e);
        acepack_status st = acepack_migrate_bytes(d, n, &o, w_buf_write, &out, NULL, &e);
        if (strcmp(v, "accept") == 0) {
            if (st != ACEPACK_OK || !want || !same(&out, want, on))
                t_fail(__FILE__, __LINE__, "%s (%s): migration gives other bytes (%s %s %s)", id,
                       names[pi], acepack_status_name(st), e.rule ? e.rule : "-",
                       e.message ? e.message : "");
            else
                n_migrate++;
        } else if (strcmp(v, "reject") == 0) {
            if (st == ACEPACK_OK)
                t_fail(__FILE__, __LINE__, "%s (%s): migration accepted", id, names[pi]);
            else
                n_migrate++;
        }
        free(out.p);
    }
    free(d);
    free(want);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_write_roundtrip CORPUS_DIR\n");
        return 2;
    }
    corpus = argv[1];
    size_t n = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", corpus);
    uint8_t *text = w_read_file(path, &n);
    if (!text) {
        printf("skipped: no %s\n", path);
        return 77;
    }
    mj *m = mj_parse((const char *)text, n);
    free(text);
    const mj *cases = mj_get(m, "cases");
    if (!cases || cases->type != MJ_ARR) {
        fprintf(stderr, "%s: not a manifest\n", path);
        mj_free(m);
        return 2;
    }
    for (size_t i = 0; i < cases->n; i++) {
        const mj *c = cases->items[i];
        const char *kind = mj_str(c, "kind");
        if (!kind)
            continue;
        if (strcmp(kind, "read") == 0)
            read_case(c);
        else if (strcmp(kind, "write") == 0)
            write_case(c);
        else if (strcmp(kind, "migrate") == 0)
            migrate_case(c);
    }
    printf("%zu cases: %ld round trips with identical dumps, %ld refused as unwritable "
           "(round trip none), %ld byte-exact rebuilds, %ld write cases, %ld migrate checks; "
           "%ld reader dumps differ from pyacepack; %d failures\n",
           cases->n, n_roundtrip, n_refused_ok, n_byte_exact, n_write, n_migrate, n_dump_diff,
           t_failures);
    mj_free(m);
    return t_failures ? 1 : 0;
}
