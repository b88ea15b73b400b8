/*
 * corpus_noalloc.c - runs every reader entry point over every corpus file
 * (corpus/ ** / *.ace) in both profiles while an allocator interposer is
 * armed: any malloc, calloc, realloc, free, strdup, ... from the reader
 * aborts the process.
 *
 * The interposer defines the allocation functions in this executable; when
 * disarmed they serve requests from a static bump arena (free is a no-op),
 * which is enough for stdio and directory walking.  Before walking, a forked
 * child arms it and calls malloc through a volatile pointer: the test fails
 * unless that child dies of SIGABRT, so the interposer is proven to work.
 *
 * Built with -DNO_INTERPOSE (sanitizer builds, where the sanitizer owns
 * malloc) it only walks the corpus, so ASan/UBSan see every read.
 *
 * usage: acepack_corpus_noalloc [--walk-only] CORPUS_DIR
 *   --walk-only skips the self-check of the interposer, for runs under a tool
 *   that replaces malloc itself (valgrind), where only the reads matter.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acepack_read.h"

static volatile int armed;

#ifndef NO_INTERPOSE

static unsigned char arena[64u << 20];
static size_t arena_used;

static void *bump(size_t n, size_t align)
{
    size_t start, *hdr;
    if (armed)
        abort();
    if (align < 16)
        align = 16;
    start = (arena_used + sizeof(size_t) + align - 1) & ~(align - 1);
    if (n > sizeof arena || start > sizeof arena - n)
        return NULL;
    hdr = (size_t *)(void *)(arena + start - sizeof(size_t));
    *hdr = n;
    arena_used = start + n;
    return arena + start;
}

void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);
void free(void *p);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);
int posix_memalign(void **out, size_t align, size_t n);
void *aligned_alloc(size_t align, size_t n);
void *memalign(size_t align, size_t n);
void *valloc(size_t n);
void *pvalloc(size_t n);
void *reallocarray(void *p, size_t a, size_t b);

void *malloc(size_t n)
{
    return bump(n, 16);
}
void *calloc(size_t a, size_t b)
{
    if (b && a > (size_t)-1 / b)
        return NULL;
    return bump(a * b, 16); /* the arena is never reused, so it is zero */
}
void *realloc(void *p, size_t n)
{
    void *q;
    if (armed)
        abort();
    q = bump(n, 16);
    if (p && q) {
        size_t old = *(size_t *)(void *)((unsigned char *)p - sizeof(size_t));
        memcpy(q, p, old < n ? old : n);
    }
    return q;
}
void free(void *p)
{
    if (armed)
        abort();
    (void)p;
}
char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = (char *)bump(n, 16);
    if (p)
        memcpy(p, s, n);
    return p;
}
char *strndup(const char *s, size_t n)
{
    size_t l = strnlen(s, n);
    char *p = (char *)bump(l + 1, 16);
    if (p) {
        memcpy(p, s, l);
        p[l] = 0;
    }
    return p;
}
int posix_memalign(void **out, size_t align, size_t n)
{
    *out = bump(n, align);
    return *out ? 0 : 12;
}
void *aligned_alloc(size_t align, size_t n)
{
    return bump(n, align);
}
void *memalign(size_t align, size_t n)
{
    return bump(n, align);
}
void *valloc(size_t n)
{
    return bump(n, 4096);
}
void *pvalloc(size_t n)
{
    return bump((n + 4095) & ~(size_t)4095, 4096);
}
void *reallocarray(void *p, size_t a, size_t b)
{
    if (b && a > (size_t)-1 / b)
        return NULL;
    return realloc(p, a * b);
}

/* Proves that an armed interposer aborts. */
static int interposer_works(void)
{
    int status;
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        void *(*volatile m)(size_t) = malloc;
        armed = 1;
        (void)m(16);
        _exit(0); /* not reached when the interposer works */
    }
    if (waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}
#endif

/* ---- caller memory without the heap ---- */

typedef struct region {
    void *p;
    size_t n;
} region;

static void *get(region *r, size_t n)
{
    if (n == 0)
        n = 1;
    if (r->n < n) {
        if (r->p)
            munmap(r->p, r->n);
        r->p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (r->p == MAP_FAILED) {
            r->p = NULL;
            r->n = 0;
            return NULL;
        }
        r->n = n;
    }
    return r->p;
}

static region ws, keybuf;

static int count_sink(void *ctx, const void *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
    return 0;
}

static unsigned long files, accepted, rejected, failures;

#define FAILX(msg)                                                               \
    do {                                                                         \
        armed = 0;                                                               \
        fprintf(stderr, "%s (%s): %s\n", path, prof ? "compat" : "strict", msg); \
        failures++;                                                              \
        return;                                                                  \
    } while (0)

static void exercise(const char *path, acepack_profile prof)
{
    acepack_mapping m;
    acepack_reader r;
    acepack_error e;
    acepack_table t;
    acepack_index_iter it;
    acepack_entry ent, first;
    size_t need, dumped = 0, tsize;
    uint32_t i;
    int have_first = 0;
    acepack_status st;

    armed = 1;
    if (acepack_map_file(path, &m, &e) != ACEPACK_OK)
        FAILX("cannot map");
    st = acepack_open(&r, m.data, m.size, prof, &e);
    if (st != ACEPACK_OK) {
        armed = 0;
        rejected++;
        if (!acepack_status_is_invalid(st) && st != ACEPACK_UNSUPPORTED)
            FAILX("open returned a non-file status");
        if (e.rule == NULL && st != ACEPACK_UNSUPPORTED)
            FAILX("rejection without a rule");
        armed = 1;
        acepack_unmap(&m);
        armed = 0;
        return;
    }
    /* full validation */
    if (acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &need) != ACEPACK_OK)
        FAILX("workspace size");
    st = acepack_validate(&r, ACEPACK_CHECK_ALL, get(&ws, need), need, &e);
    if (st == ACEPACK_OK)
        accepted++;
    else
        rejected++;
    /* table, dump, iteration with every accessor: valid structure suffices */
    if (acepack_table_size(&r, &tsize) != ACEPACK_OK)
        FAILX("table size");
    st = acepack_table_build(&t, &r, get(&ws, tsize), tsize, &e);
    acepack_index_iter_init(&it, &r);
    while (acepack_index_iter_next(&it, &ent)) {
        acepack_span v, v2;
        size_t kn;
        uint8_t *k;
        uint64_t id;
        acepack_v1_entry v1e;
        if (acepack_key_decode(&ent, NULL, 0, &kn) != ACEPACK_OK)
            FAILX("key_decode count");
        k = (uint8_t *)get(&keybuf, kn);
        if (acepack_key_decode(&ent, k, kn, &kn) != ACEPACK_OK)
            FAILX("key_decode");
        if (!acepack_key_equals(&ent, k, kn))
            FAILX("key_equals");
        v = acepack_entry_value(&r, &ent);
        if (acepack_value(&r, ent.chunk_offset, ent.value_length, &v2) != ACEPACK_OK ||
            v2.ptr != v.ptr || v2.len != v.len)
            FAILX("value");
        (void)acepack_utf8_check(v.ptr, v.len);
        (void)acepack_json_check(v.ptr, v.len, NULL);
        (void)acepack_v1_log_key(k, kn, &id);
        (void)acepack_v1_log_entry(k, kn, v.ptr, v.len, &v1e, &e);
        (void)acepack_v1_log_seq(v.ptr, v.len, &id);
        if (st == ACEPACK_OK) {
            acepack_entry found;
            int cur = acepack_table_is_current(&t, &ent);
            acepack_span one, one_v;
            acepack_status one_st;
            one.ptr = k;
            one.len = kn;
            if (acepack_table_get(&t, k, kn, &v2) != ACEPACK_OK ||
                acepack_table_find(&t, k, kn, &found) != ACEPACK_OK ||
                acepack_table_get_many(&t, &one, 1, &one_v, &one_st) != ACEPACK_OK ||
                one_v.ptr != v2.ptr || one_v.len != v2.len)
                FAILX("table lookup of an indexed key");
            if (cur && (v2.ptr != v.ptr || v2.len != v.len))
                FAILX("current entry with another value");
            if (prof == ACEPACK_STRICT && !cur)
                FAILX("strict entry not current");
        }
        if (have_first)
            (void)acepack_key_compare(&first, &ent);
        first = ent;
        have_first = 1;
    }
    for (i = 0; i < acepack_event_count(&r); i++) {
        acepack_event ev;
        if (acepack_event_get(&r, i, &ev) != ACEPACK_OK)
            FAILX("event_get");
        if (ev.ts != acepack_event_ts(&r, i) || ev.kind != acepack_event_kind(&r, i) ||
            ev.source != acepack_event_source(&r, i) || ev.flags != acepack_event_flags(&r, i) ||
            ev.id != acepack_event_id(&r, i) || ev.payload.ptr != acepack_event_payload(&r, i).ptr)
            FAILX("column accessors disagree with event_get");
        (void)acepack_json_check(ev.payload.ptr, ev.payload.len, NULL);
    }
    if (acepack_dump_workspace_size(&r, &need) != ACEPACK_OK)
        FAILX("dump workspace size");
    st = acepack_dump(&r, get(&ws, need), need, count_sink, &dumped, &e);
    if (st != ACEPACK_OK && !(st == ACEPACK_INVALID && prof == ACEPACK_STRICT))
        FAILX("dump failed");
    if (st == ACEPACK_OK && dumped < 69) /* the empty store's dump is 69 bytes */
        FAILX("dump too short");
    acepack_unmap(&m);
    armed = 0;
}

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        size_t n;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path);
            continue;
        }
        n = strlen(path);
        if (n < 4 || strcmp(path + n - 4, ".ace") != 0)
            continue;
        files++;
        exercise(path, ACEPACK_STRICT);
        exercise(path, ACEPACK_COMPAT);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    int walk_only = argc == 3 && strcmp(argv[1], "--walk-only") == 0;
    if (argc != 2 && !walk_only) {
        fprintf(stderr, "usage: %s [--walk-only] CORPUS_DIR\n", argv[0]);
        return 2;
    }
#ifndef NO_INTERPOSE
    if (!walk_only && !interposer_works()) {
        fprintf(stderr, "FAIL: the armed allocator interposer did not abort on malloc\n");
        return 1;
    }
#endif
    walk(argv[argc - 1]);
    printf("%lu files, %lu profile runs accepted, %lu rejected, %lu failures\n", files, accepted,
           rejected, failures);
    if (files == 0) {
        fprintf(stderr, "FAIL: no .ace files under %s\n", argv[1]);
        return 1;
    }
    return failures ? 1 : 0;
}
