/*
 * test_store.c - the in-place store: create (8.3), put/delete/append/commit
 * (spec 9.1), locking (W-LOCK-1..3), tail truncation (W-COMMIT-4), refusal of
 * files that do not validate (spec 13), compaction (W-COMPACT-1/2), migration
 * at open (spec 10), allocation failures.
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault_io.h"
#include "wtest.h"

typedef struct env {
    char dir[256];
    char path[320];
} env;

static void env_init(env *e, const char *tag)
{
    w_mkdir(e->dir, sizeof e->dir, tag);
    snprintf(e->path, sizeof e->path, "%s/s.ace", e->dir);
}

static acepack_store *open_ok(const char *path, unsigned flags, const acepack_store_options *o)
{
    acepack_store *s = NULL;
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = acepack_store_open(path, flags, o, &s, &e);
    if (st != ACEPACK_OK)
        t_fail(__FILE__, __LINE__, "open %s: %s %s %s", path, acepack_status_name(st),
               e.rule ? e.rule : "-", e.message ? e.message : "");
    return s;
}

/* The start of most tests: a new store in a fresh directory, and the empty
 * model that follows its content. */
static acepack_store *new_store(env *v, model *m, const char *tag)
{
    env_init(v, tag);
    model_init(m);
    return open_ok(v->path, ACEPACK_STORE_CREATE, NULL);
}

static void append_s(acepack_store *s, model *m, uint64_t ts, const char *payload)
{
    CHECK_ST(acepack_store_append(s, ts, 1, 2, 0, payload, strlen(payload), NULL, NULL),
             ACEPACK_OK);
    model_append(m, ts, 1, 2, 0, payload, strlen(payload));
}

static void put_s(acepack_store *s, model *m, const char *k, const char *v)
{
    CHECK_ST(acepack_store_put(s, k, strlen(k), v, strlen(v), NULL), ACEPACK_OK);
    model_put_s(m, k, v);
}

static void test_create_commit_reopen(void)
{
    env v;
    env_init(&v, "store");
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    acepack_error e;
    acepack_store *s = NULL;
    CHECK_ST(acepack_store_open(v.path, 0, NULL, &s, &e), ACEPACK_IO); /* absent, no CREATE */
    CHECK(e.sys_errno == ENOENT);
    s = open_ok(v.path, ACEPACK_STORE_CREATE, &o);
    /* Spec 8.3: the new store is the canonical empty store. */
    uint8_t want[256];
    size_t wn = w_hex(W_EMPTY_STORE_HEX, want, sizeof want);
    CHECK(w_file_equals(v.path, want, wn));
    CHECK_U64(w_count_files(v.dir), 1);

    model m;
    model_init(&m);
    put_s(s, &m, "state/a", "hello");
    put_s(s, &m, "7", "seven");
    uint64_t id = 0;
    CHECK_ST(acepack_store_append(s, 1700000000000ull, 1, 2, 0, "{\"key\":\"k\"}", 11, &id, NULL),
             ACEPACK_OK);
    model_append(&m, 1700000000000ull, 1, 2, 0, "{\"key\":\"k\"}", 11);
    CHECK_U64(id, 1);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_MODEL(v.path, &m);
    put_s(s, &m, "state/a", "world");
    CHECK_ST(acepack_store_delete(s, "7", 1, NULL), ACEPACK_OK);
    model_del(&m, "7", 1);
    CHECK_ST(acepack_store_delete(s, "7", 1, NULL), ACEPACK_NOT_FOUND);
    CHECK_ST(acepack_store_delete(s, "nope", 4, NULL), ACEPACK_NOT_FOUND);
    append_s(s, &m, 5, "{}");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_MODEL(v.path, &m);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);

    s = open_ok(v.path, 0, NULL);
    char buf[16];
    size_t len = 0;
    CHECK_ST(acepack_store_get(s, "state/a", 7, buf, sizeof buf, &len, NULL), ACEPACK_OK);
    CHECK(len == 5 && memcmp(buf, "world", 5) == 0);
    CHECK_ST(acepack_store_get(s, "7", 1, NULL, 0, &len, NULL), ACEPACK_NOT_FOUND);
    CHECK_ST(acepack_store_append(s, 6, 0, 0, 0, "{}", 2, &id, NULL), ACEPACK_OK);
    CHECK_U64(id, 3); /* ids continue (R-EVT-10) */
    model_append(&m, 6, 0, 0, 0, "{}", 2);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    CHECK_MODEL(v.path, &m);
    CHECK_U64(w_count_files(v.dir), 1); /* W-LOCK-3: no sidecar file */
    model_free(&m);
    w_rmdir(v.dir);
}

static void test_pending_and_rollback(void)
{
    env v;
    model m;
    acepack_store *s = new_store(&v, &m, "pending");
    put_s(s, &m, "a", "1");
    append_s(s, &m, 1, "{}");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    size_t n0 = 0;
    uint8_t *before = w_read_file(v.path, &n0);

    /* Pending changes touch nothing on disk. */
    CHECK_ST(acepack_store_put(s, "a", 1, "2", 1, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_put(s, "b", 1, "3", 1, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_delete(s, "b", 1, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_append(s, 2, 0, 0, 0, "{}", 2, NULL, NULL), ACEPACK_OK);
    CHECK(w_file_equals(v.path, before, n0));
    char c;
    size_t len;
    CHECK_ST(acepack_store_get(s, "a", 1, &c, 1, &len, NULL), ACEPACK_OK);
    CHECK(c == '2');
    CHECK_ST(acepack_store_get(s, "b", 1, &c, 1, &len, NULL), ACEPACK_NOT_FOUND);
    acepack_store_info info;
    acepack_store_get_info(s, &info);
    CHECK_U64(info.event_count, 2);
    CHECK_U64(info.pending_events, 1);
    CHECK_U64(info.key_count, 1);
    acepack_event ev;
    CHECK_ST(acepack_store_event(s, 1, &ev), ACEPACK_OK);
    CHECK(ev.id == 2 && ev.ts == 2 && ev.payload.len == 2);
    CHECK_ST(acepack_store_event(s, 2, &ev), ACEPACK_ARG);

    acepack_store_rollback(s);
    CHECK_ST(acepack_store_get(s, "a", 1, &c, 1, &len, NULL), ACEPACK_OK);
    CHECK(c == '1');
    acepack_store_get_info(s, &info);
    CHECK_U64(info.event_count, 1);
    CHECK_U64(info.pending_kv, 0);
    /* A commit with nothing pending writes nothing. */
    fault_io f;
    fault_io_init(&f, v.path);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK(w_file_equals(v.path, before, n0));
    acepack_store_get_info(s, &info);
    CHECK_U64(info.commits, 1);

    /* W-COMMIT-1: a commit leaves every byte of the committed extent but the
     * header as it was, and appends after it (W-COMMIT-2, W-LAY-1). */
    put_s(s, &m, "a", "22");
    append_s(s, &m, 3, "{\"x\":1}");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    size_t n3 = 0;
    uint8_t *next = w_read_file(v.path, &n3);
    CHECK(n3 > n0 && memcmp(before + 128, next + 128, n0 - 128) == 0);
    acepack_reader r;
    CHECK_ST(acepack_open(&r, next, n3, ACEPACK_STRICT, NULL), ACEPACK_OK);
    CHECK(r.evt_offset == n0 + 6 && r.chunk_end == r.evt_offset); /* after the new chunk of "a" */
    CHECK_U64(r.index_offset + r.index_length, n3);
    free(next);
    free(before);
    CHECK_MODEL(v.path, &m);
    acepack_store_close(s, NULL);
    fault_io_free(&f);
    model_free(&m);
    w_rmdir(v.dir);
}

static void test_bad_input_to_store(void)
{
    env v;
    model m;
    acepack_store *s = new_store(&v, &m, "badin");
    acepack_error e;
    CHECK_ST(acepack_store_append(s, 9007199254740992ull, 0, 0, 0, "{}", 2, NULL, &e),
             ACEPACK_INVALID);
    CHECK_RULE(e, "W-EVT-2");
    CHECK_ST(acepack_store_append(s, 1, 256, 0, 0, "{}", 2, NULL, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "W-EVT-2");
    CHECK_ST(acepack_store_append(s, 1, 0, 0, 0x100, "{}", 2, NULL, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "W-EVT-2");
    CHECK_ST(acepack_store_append(s, 1, 0, 0, 0, "[1]", 3, NULL, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "W-EVT-4");
    CHECK_ST(acepack_store_append(s, 1, 0, 0, 0, "{\"a\":\"\xc0\xaf\"}", 10, NULL, &e),
             ACEPACK_INVALID);
    CHECK_RULE(e, "W-EVT-4");
    CHECK_ST(acepack_store_put(s, "\xff", 1, "v", 1, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "W-IDX-2");
    CHECK_ST(acepack_store_put(s, "a\xed\xb0\x80", 4, "v", 1, &e), ACEPACK_INVALID);
    CHECK_RULE(e, "W-IDX-2");
    acepack_store_info info;
    acepack_store_get_info(s, &info);
    CHECK_U64(info.event_count, 0);
    CHECK_U64(info.pending_kv, 0);
    /* Keys that are fine: empty, NUL inside, __proto__, integer-like. */
    CHECK_ST(acepack_store_put(s, "", 0, "e", 1, NULL), ACEPACK_OK);
    model_put(&m, "", 0, "e", 1);
    CHECK_ST(acepack_store_put(s, "n\0ul", 4, "z", 1, NULL), ACEPACK_OK);
    model_put(&m, "n\0ul", 4, "z", 1);
    put_s(s, &m, "__proto__", "{}");
    put_s(s, &m, "4294967294", "max index");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_MODEL(v.path, &m);
    acepack_store_close(s, NULL);
    model_free(&m);
    w_rmdir(v.dir);
}

static void test_lock(void)
{
    env v;
    env_init(&v, "lock");
    acepack_store *a = open_ok(v.path, ACEPACK_STORE_CREATE, NULL);
    acepack_store *b = NULL;
    acepack_error e;
    memset(&e, 0, sizeof e);
    time_t t0 = time(NULL);
    CHECK_ST(acepack_store_open(v.path, 0, NULL, &b, &e), ACEPACK_LOCKED);
    CHECK_RULE(e, "W-LOCK-1");
    CHECK(b == NULL);
    CHECK(time(NULL) - t0 <= 1); /* at once, no waiting */
    CHECK_ST(acepack_migrate_path(v.path, NULL, NULL, NULL, &e), ACEPACK_LOCKED);

    /* Another process is refused too. */
    pid_t pid = fork();
    if (pid == 0) {
        acepack_store *c = NULL;
        acepack_status st = acepack_store_open(v.path, 0, NULL, &c, NULL);
        _exit(st == ACEPACK_LOCKED ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Readers take no lock and are not blocked (W-LOCK-3). */
    acepack_mapping map;
    CHECK_ST(acepack_map_file(v.path, &map, NULL), ACEPACK_OK);
    acepack_reader r;
    CHECK_ST(acepack_open(&r, map.data, map.size, ACEPACK_STRICT, NULL), ACEPACK_OK);
    acepack_unmap(&map);

    CHECK_ST(acepack_store_close(a, NULL), ACEPACK_OK);
    b = open_ok(v.path, 0, NULL);
    acepack_store_close(b, NULL);
    CHECK_U64(w_count_files(v.dir), 1);
    w_rmdir(v.dir);
}

/* W-LOCK-2: the file is replaced between open and flock; the writer must
 * notice (dev/inode differ) and lock the new one. */
typedef struct swap_io {
    acepack_io io;
    const char *path;
    const char *replacement;
    int flocks, opens;
} swap_io;

static int swap_flock(void *ctx, int fd, int op)
{
    swap_io *x = ctx;
    if (x->flocks++ == 0 && x->replacement)
        CHECK(rename(x->replacement, x->path) == 0);
    return acepack_io_posix()->flock(NULL, fd, op);
}

static int swap_open(void *ctx, const char *path, unsigned flags, uint32_t mode, int *fd)
{
    swap_io *x = ctx;
    x->opens++;
    return acepack_io_posix()->open(NULL, path, flags, mode, fd);
}

static void test_lock_replaced(void)
{
    env v;
    env_init(&v, "replaced");
    char repl[400];
    snprintf(repl, sizeof repl, "%s/replacement.ace", v.dir);
    acepack_store *s = open_ok(v.path, ACEPACK_STORE_CREATE, NULL);
    acepack_store_close(s, NULL);
    s = open_ok(repl, ACEPACK_STORE_CREATE, NULL);
    CHECK_ST(acepack_store_put(s, "replacement", 11, "yes", 3, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);

    swap_io x;
    memset(&x, 0, sizeof x);
    x.io = *acepack_io_posix();
    x.io.flock = swap_flock;
    x.io.open = swap_open;
    x.io.ctx = &x;
    x.path = v.path;
    x.replacement = repl;
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = &x.io;
    s = open_ok(v.path, 0, &o);
    CHECK(x.opens >= 2 && x.flocks >= 2);
    char buf[8];
    size_t len = 0;
    CHECK_ST(acepack_store_get(s, "replacement", 11, buf, sizeof buf, &len, NULL), ACEPACK_OK);
    CHECK(len == 3 && memcmp(buf, "yes", 3) == 0);
    acepack_store_close(s, NULL);
    w_rmdir(v.dir);
}

/* A new store at path whose key "big" has big bytes (committed: 5 MiB is
 * enough for writeback hints); *value receives them (malloc). */
static acepack_store *create_with_big_value(const char *path, const acepack_store_options *o,
                                            size_t big, uint8_t **value)
{
    *value = malloc(big);
    CHECK(*value != NULL);
    for (size_t i = 0; i < big; i++)
        (*value)[i] = (uint8_t)('a' + i % 26);
    acepack_store *s = open_ok(path, ACEPACK_STORE_CREATE, o);
    CHECK_ST(acepack_store_put(s, "big", 3, *value, big, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    return s;
}

/* The value of "big" in s is the big bytes at value; closes s, frees value. */
static void close_after_big_value(acepack_store *s, uint8_t *value, size_t big)
{
    uint8_t *back = malloc(big);
    size_t len = 0;
    CHECK(back != NULL);
    CHECK_ST(acepack_store_get(s, "big", 3, back, big, &len, NULL), ACEPACK_OK);
    CHECK(len == big && memcmp(back, value, big) == 0);
    acepack_store_close(s, NULL);
    free(back);
    free(value);
}

/* acepack_io.writeback is a hint: the writer calls it while it writes a
 * large file and carries on whatever it returns. */
typedef struct hint_io {
    acepack_io io;
    int calls;
    uint64_t end; /* largest off + len hinted */
} hint_io;

static int failing_writeback(void *ctx, int fd, uint64_t off, uint64_t len)
{
    hint_io *x = ctx;
    (void)fd;
    x->calls++;
    if (off + len > x->end)
        x->end = off + len;
    return EIO;
}

static void test_writeback_hint_ignored(void)
{
    env v;
    env_init(&v, "hint");
    hint_io x;
    memset(&x, 0, sizeof x);
    x.io = *acepack_io_posix();
    CHECK(x.io.writeback != NULL);
    x.io.writeback = failing_writeback;
    x.io.ctx = &x;
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = &x.io;
    size_t big = (size_t)5 << 20;
    uint8_t *value = NULL;
    acepack_store *s = create_with_big_value(v.path, &o, big, &value);
    int after_commit = x.calls;
    CHECK(after_commit >= 1); /* at least one hint: 5 MiB went through the sink */
    CHECK_ST(acepack_store_compact(s, NULL), ACEPACK_OK);
    CHECK(x.calls > after_commit);
    CHECK(x.end <= (uint64_t)big + 4096u);
    acepack_store_close(s, NULL);
    s = open_ok(v.path, 0, NULL);
    close_after_big_value(s, value, big);
    w_rmdir(v.dir);
}

/* acepack_io as a program built against the header of its version 1 has
 * it: it ends at ctx (no writeback).  Spelled out here, not derived from
 * acepack_io, as that older header would. */
typedef struct io_v1 {
    unsigned version;
    int (*open)(void *ctx, const char *path, unsigned flags, uint32_t mode, int *fd);
    int (*close)(void *ctx, int fd);
    int (*pread)(void *ctx, int fd, void *buf, size_t n, uint64_t off, size_t *done);
    int (*pwrite)(void *ctx, int fd, const void *buf, size_t n, uint64_t off, size_t *done);
    int (*write)(void *ctx, int fd, const void *buf, size_t n, size_t *done);
    int (*fsync)(void *ctx, int fd);
    int (*fdatasync)(void *ctx, int fd);
    int (*ftruncate)(void *ctx, int fd, uint64_t size);
    int (*flock)(void *ctx, int fd, int op);
    int (*fstat)(void *ctx, int fd, acepack_file_info *out);
    int (*stat)(void *ctx, const char *path, acepack_file_info *out);
    int (*rename)(void *ctx, const char *from, const char *to);
    int (*link)(void *ctx, const char *from, const char *to);
    int (*unlink)(void *ctx, const char *path);
    int (*map)(void *ctx, int fd, uint64_t size, const void **addr);
    void (*unmap)(void *ctx, const void *addr, uint64_t size);
    void *ctx;
} io_v1;

/* A version 1 table followed by whatever the caller's memory holds next:
 * here a function where version 2 has writeback, which a library that
 * read past version 1 would call. */
typedef struct io_v1_then_trap {
    io_v1 v1;
    int (*trap)(void *ctx, int fd, uint64_t off, uint64_t len);
} io_v1_then_trap;

static int trap_calls;

static int trap_writeback(void *ctx, int fd, uint64_t off, uint64_t len)
{
    (void)ctx, (void)fd, (void)off, (void)len;
    trap_calls++;
    return 0;
}

static io_v1 posix_as_v1(void)
{
    const acepack_io *p = acepack_io_posix();
    io_v1 t = {1,         p->open,      p->close,     p->pread, p->pwrite, p->write,
               p->fsync,  p->fdatasync, p->ftruncate, p->flock, p->fstat,  p->stat,
               p->rename, p->link,      p->unlink,    p->map,   p->unmap,  NULL};
    return t;
}

/* Puts 5 MiB through a store opened with `io` (enough for writeback hints,
 * as in test_writeback_hint_ignored), commits, compacts and reads it back. */
static void big_value_through(const acepack_io *io, const char *tag)
{
    env v;
    env_init(&v, tag);
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = io;
    size_t big = (size_t)5 << 20;
    uint8_t *value = NULL;
    acepack_store *s = create_with_big_value(v.path, &o, big, &value);
    CHECK_ST(acepack_store_compact(s, NULL), ACEPACK_OK);
    close_after_big_value(s, value, big);
    w_rmdir(v.dir);
}

/* acepack_io.version: the library reads the members of the caller's
 * version only (an older program's table is smaller than acepack_io), and
 * refuses version 0 before any system call. */
static void test_io_versions(void)
{
    io_v1_then_trap x;
    memset(&x, 0, sizeof x);
    CHECK(offsetof(io_v1_then_trap, trap) == offsetof(acepack_io, writeback));
    x.v1 = posix_as_v1();
    x.trap = trap_writeback;
    trap_calls = 0;
    big_value_through((const acepack_io *)(const void *)&x, "iov1");
    CHECK(trap_calls == 0);
    /* the same memory read as version 2: the member is writeback and is
     * called (so the check above can fail) */
    x.v1.version = 2;
    big_value_through((const acepack_io *)(const void *)&x, "iov2");
    CHECK(trap_calls > 0);

    /* a version 1 table in memory of exactly its size (ASan: nothing past
     * it is read) */
    io_v1 *exact = malloc(sizeof *exact);
    CHECK(exact != NULL);
    *exact = posix_as_v1();
    env v;
    env_init(&v, "iov1exact");
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = (const acepack_io *)(const void *)exact;
    acepack_store *s = open_ok(v.path, ACEPACK_STORE_CREATE, &o);
    CHECK_ST(acepack_store_put(s, "k", 1, "v", 1, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_compact(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);

    /* version 0: refused by every function that takes a table, nothing
     * created */
    exact->version = 0;
    acepack_error e;
    memset(&e, 0, sizeof e);
    CHECK(unlink(v.path) == 0);
    CHECK_ST(acepack_store_open(v.path, ACEPACK_STORE_CREATE, &o, &s, &e), ACEPACK_ARG);
    CHECK(e.message && strcmp(e.message, "acepack_io.version is 0") == 0);
    CHECK(access(v.path, F_OK) != 0);
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    CHECK_ST(acepack_build_path(&c, v.path, NULL, o.io, 0, &e), ACEPACK_ARG);
    CHECK(access(v.path, F_OK) != 0);
    int null_fd = open("/dev/null", O_WRONLY);
    CHECK(null_fd >= 0);
    CHECK_ST(acepack_build_fd(&c, NULL, o.io, null_fd, &e), ACEPACK_ARG);
    close(null_fd);
    acepack_migrate_options mo;
    memset(&mo, 0, sizeof mo);
    mo.io = o.io;
    CHECK_ST(acepack_migrate_path(v.path, NULL, &mo, NULL, &e), ACEPACK_ARG);
    free(exact);
    w_rmdir(v.dir);
}

static void test_tail_truncated(void)
{
    env v;
    model m;
    acepack_store *s = new_store(&v, &m, "tail");
    put_s(s, &m, "k", "v");
    append_s(s, &m, 1, "{}");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);
    size_t n = 0;
    uint8_t *d = w_read_file(v.path, &n);
    /* What an interrupted commit leaves: bytes after the index. */
    uint8_t *t = malloc(n + 5000);
    memcpy(t, d, n);
    memset(t + n, 0xAB, 5000);
    CHECK(w_write_file(v.path, t, n + 5000) == 0);
    CHECK_MODEL(v.path, &m); /* a tail is valid (3.5) */
    s = open_ok(v.path, 0, NULL);
    struct stat st;
    CHECK(stat(v.path, &st) == 0 && (size_t)st.st_size == n); /* W-COMMIT-4 */
    append_s(s, &m, 2, "{}");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);
    CHECK_MODEL(v.path, &m);
    free(d);
    free(t);
    model_free(&m);
    w_rmdir(v.dir);
}

/* Spec 13: a file that does not validate (strict, full) is refused for
 * writing with its validation error, and nothing is written. */
static void expect_refused(const char *dir, const char *path, const uint8_t *d, size_t n,
                           acepack_status want, const char *rule, int line)
{
    CHECK(w_write_file(path, d, n) == 0);
    acepack_store *s = NULL;
    acepack_error e;
    memset(&e, 0, sizeof e);
    acepack_status st = acepack_store_open(path, ACEPACK_STORE_CREATE, NULL, &s, &e);
    if (st != want || !e.rule || strcmp(e.rule, rule) != 0)
        t_fail(__FILE__, line, "open gave %s %s, expected %s %s", acepack_status_name(st),
               e.rule ? e.rule : "-", acepack_status_name(want), rule);
    if (s)
        acepack_store_close(s, NULL);
    if (!w_file_equals(path, d, n))
        t_fail(__FILE__, line, "the refused file was modified");
    if (w_count_files(dir) != 1)
        t_fail(__FILE__, line, "files were created next to a refused file");
}

static void test_refuse_invalid(void)
{
    env v;
    env_init(&v, "refuse");
    /* A valid file to break: the spec's worked example. */
    uint8_t good[512];
    size_t n = w_hex(W_APPENDIX_B_HEX, good, sizeof good);
    CHECK_U64(n, 241);
    uint8_t b[512];

    memcpy(b, good, n);
    b[0xa8] = 'x'; /* payload no longer JSON */
    expect_refused(v.dir, v.path, b, n, ACEPACK_INVALID, "R-PAY-2", __LINE__);
    /* Both keys "a" (R-IDX-7): the index is one byte shorter. */
    static const char dup[] =
        "{\"a\":{\"offset\":128,\"length\":1},\"a\":{\"offset\":133,\"length\":1}}";
    memcpy(b, good, 0xb3);
    memcpy(b + 0xb3, dup, sizeof dup - 1);
    b[0x1f] = 0x3d;
    expect_refused(v.dir, v.path, b, 0xb3 + sizeof dup - 1, ACEPACK_INVALID, "R-IDX-7", __LINE__);
    memcpy(b, good, n);
    b[0x83] = 0x02; /* chunk length field 2, index says 1 */
    expect_refused(v.dir, v.path, b, n, ACEPACK_INVALID, "R-CHK-3", __LINE__);
    memcpy(b, good, n);
    b[13] = 0x02; /* an incompatible flag bit this writer does not implement (bit 17) */
    expect_refused(v.dir, v.path, b, n, ACEPACK_UNSUPPORTED_FEATURE, "R-HDR-4", __LINE__);
    memcpy(b, good, n);
    b[11] = 3; /* version 3 */
    expect_refused(v.dir, v.path, b, n, ACEPACK_BAD_VERSION, "R-HDR-3", __LINE__);
    expect_refused(v.dir, v.path, good, n - 1, ACEPACK_TRUNCATED, "R-LAY-1", __LINE__);
    expect_refused(v.dir, v.path, good, 0, ACEPACK_TRUNCATED, "R-HDR-1", __LINE__);
    memcpy(b, good, n);
    b[100] = 1; /* reserved byte */
    expect_refused(v.dir, v.path, b, n, ACEPACK_INVALID, "R-HDR-6", __LINE__);

    /* The same file unbroken is accepted and written. */
    CHECK(w_write_file(v.path, good, n) == 0);
    acepack_store *s = open_ok(v.path, 0, NULL);
    CHECK_ST(acepack_store_append(s, 1, 1, 1, 0, "{}", 2, NULL, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);
    w_rmdir(v.dir);
}

/* A compatible flag bit this writer does not implement is cleared when the
 * header is rewritten (W-HDR-2); bit 1, as bit 0 is `checksums` (spec 3.8). */
static void test_compatible_flag_cleared(void)
{
    env v;
    env_init(&v, "compatflag");
    acepack_store *s = open_ok(v.path, ACEPACK_STORE_CREATE, NULL);
    acepack_store_close(s, NULL);
    size_t n = 0;
    uint8_t *d = w_read_file(v.path, &n);
    d[15] = 0x02;  /* compatible bit 1 */
    d[100] = 0x55; /* reserved: not checked when a compatible bit is set (R-HDR-6) */
    CHECK(w_write_file(v.path, d, n) == 0);
    free(d);
    s = open_ok(v.path, 0, NULL);
    CHECK_ST(acepack_store_put(s, "k", 1, "v", 1, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);
    d = w_read_file(v.path, &n);
    CHECK(d[12] == 0 && d[13] == 0 && d[14] == 0 && d[15] == 0);
    int zero = 1;
    for (int i = 64; i < 128; i++)
        zero &= d[i] == 0;
    CHECK(zero);
    free(d);
    w_rmdir(v.dir);
}

static void test_compaction(void)
{
    env v;
    env_init(&v, "compact");
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.compact_ratio = 100.0; /* no automatic compaction here */
    acepack_store *s = open_ok(v.path, ACEPACK_STORE_CREATE, &o);
    model m;
    model_init(&m);
    for (int i = 0; i < 20; i++) {
        char k[16], val[32];
        snprintf(k, sizeof k, "key%02d", i % 7);
        snprintf(val, sizeof val, "value %d", i);
        put_s(s, &m, k, val);
        append_s(s, &m, (uint64_t)i, "{\"i\":1}");
        if (i % 5 == 4) {
            int had = model_del(&m, "key01", 5);
            CHECK_ST(acepack_store_delete(s, "key01", 5, NULL),
                     had ? ACEPACK_OK : ACEPACK_NOT_FOUND);
        }
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    }
    CHECK_MODEL(v.path, &m);
    struct stat st0, st1;
    CHECK(stat(v.path, &st0) == 0);
    put_s(s, &m, "late", "pending before compact");
    CHECK_ST(acepack_store_compact(s, NULL), ACEPACK_OK);
    CHECK(stat(v.path, &st1) == 0);
    CHECK(st0.st_ino != st1.st_ino); /* W-COMPACT-1: a new file renamed over */
    CHECK(st1.st_size < st0.st_size);
    CHECK_U64(w_count_files(v.dir), 1);
    /* The compacted file is the canonical file of the content (8.3): the
     * builder (tested against the spec's bytes) gives the same bytes. */
    acepack_kv kv[64];
    acepack_event_in ev[64];
    acepack_content c = model_content(&m, kv, ev);
    static uint8_t want[1 << 16];
    size_t wn = 0;
    CHECK_ST(acepack_build(&c, NULL, want, sizeof want, &wn, NULL), ACEPACK_OK);
    CHECK(w_file_equals(v.path, want, wn));
    /* The store keeps working on the new file, and holds its lock. */
    acepack_store *other = NULL;
    CHECK_ST(acepack_store_open(v.path, 0, NULL, &other, NULL), ACEPACK_LOCKED);
    append_s(s, &m, 99, "{}");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_info info;
    acepack_store_get_info(s, &info);
    CHECK_U64(info.compactions, 1);
    acepack_store_close(s, NULL);
    CHECK_MODEL(v.path, &m);
    model_free(&m);
    w_rmdir(v.dir);
}

/* W-COMPACT-2 with the default R = 2: never above 2x the live size. */
static void test_auto_compaction(void)
{
    env v;
    model m;
    acepack_store *s = new_store(&v, &m, "auto");
    put_s(s, &m, "big", "0123456789012345678901234567890123456789");
    for (int i = 0; i < 200; i++) {
        if (i % 10 == 0) {
            char val[32];
            snprintf(val, sizeof val, "v%d", i);
            put_s(s, &m, "big", val);
        }
        append_s(s, &m, (uint64_t)i, "{\"event\":true}");
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
        size_t n = 0;
        uint8_t *d = w_read_file(v.path, &n);
        uint64_t live = w_live_size(d, n);
        if ((double)n > 2.0 * (double)live)
            t_fail(__FILE__, __LINE__, "commit %d: file %zu > 2 x live %llu", i, n,
                   (unsigned long long)live);
        free(d);
    }
    acepack_store_info info;
    acepack_store_get_info(s, &info);
    CHECK(info.compactions > 10);
    acepack_store_close(s, NULL);
    CHECK_MODEL(v.path, &m);
    CHECK_U64(w_count_files(v.dir), 1);

    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.compact_ratio = 1.2;
    acepack_error e;
    CHECK_ST(acepack_store_open(v.path, 0, &o, &s, &e), ACEPACK_ARG);
    model_free(&m);
    w_rmdir(v.dir);
}

static const char E1[] = "{\"kind\":1,\"content_source\":2,\"key\":\"k\",\"payload\":{\"x\":1},"
                         "\"id\":1,\"ts\":1700000000000}";
static const char E3[] = "{\"kind\":2,\"content_source\":3,\"id\":3,\"ts\":4,\"extra\":[1]}";

static void test_migrate_at_open(void)
{
    env v;
    env_init(&v, "v1open");
    acepack_kv kv[4] = {
        {(const uint8_t *)"core/log/000000000001", 21, (const uint8_t *)E1, sizeof E1 - 1},
        {(const uint8_t *)"core/log/000000000003", 21, (const uint8_t *)E3, sizeof E3 - 1},
        {(const uint8_t *)"meta/log_entry_seq", 18, (const uint8_t *)"3", 1},
        {(const uint8_t *)"knowledge/a.md", 14, (const uint8_t *)"# A", 3},
    };
    size_t n = 0;
    uint8_t *v1 = w_write_v1_file(v.path, kv, 4, &n);
    CHECK(v1 != NULL);
    free(v1);

    acepack_migrate_report rep;
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.migrate_report = &rep;
    acepack_store *s = open_ok(v.path, 0, &o);
    CHECK_U64(rep.events_from_entries, 2);
    CHECK_U64(rep.gap_events, 1);
    CHECK_U64(rep.malformed_entries, 0);
    CHECK(rep.log_entry_seq_consumed == 1);
    CHECK_U64(rep.evt_base_id, 0);
    uint64_t id = 0;
    CHECK_ST(acepack_store_append(s, 10, 1, 1, 0, "{}", 2, &id, NULL), ACEPACK_OK);
    CHECK_U64(id, 4); /* the id the v1 store would have given next (M-6) */
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    acepack_store_close(s, NULL);

    model m;
    model_init(&m);
    model_append(&m, 1700000000000ull, 1, 2, 0, E1, sizeof E1 - 1);
    model_append(&m, 0, 0, 0, 1, "{\"acepack\":\"gap\"}", 17);
    model_append(&m, 4, 2, 3, 0, E3, sizeof E3 - 1);
    model_append(&m, 10, 1, 1, 0, "{}", 2);
    model_put_s(&m, "knowledge/a.md", "# A");
    CHECK_MODEL(v.path, &m);
    CHECK_U64(w_count_files(v.dir), 1);
    model_free(&m);
    w_rmdir(v.dir);
}

/* Allocation failures: NOMEM, the store keeps its state, later calls work. */
typedef struct failing {
    long n, fail_at;
} failing;

static void *fa_alloc(void *ctx, size_t n)
{
    failing *f = ctx;
    if (++f->n == f->fail_at)
        return NULL;
    return malloc(n);
}

static void *fa_realloc(void *ctx, void *p, size_t o, size_t n)
{
    failing *f = ctx;
    (void)o;
    if (++f->n == f->fail_at)
        return NULL;
    return realloc(p, n);
}

static void test_allocation_failures(void)
{
    for (long k = 1; k < 2000; k++) {
        env v;
        env_init(&v, "nomem");
        failing f = {0, k};
        acepack_allocator a = {fa_alloc, fa_realloc, w_free_plain, &f};
        acepack_store_options o;
        memset(&o, 0, sizeof o);
        o.alloc = &a;
        o.io = w_io_nosync();
        o.compact_ratio = 1.25;
        model m;
        model_init(&m);
        acepack_store *s = NULL;
        acepack_status st;
        while ((st = acepack_store_open(v.path, ACEPACK_STORE_CREATE, &o, &s, NULL)) != ACEPACK_OK)
            CHECK_ST(st, ACEPACK_NOMEM);
        for (int i = 0; i < 12; i++) {
            char key[8], val[40], pl[32];
            snprintf(key, sizeof key, "k%d", i % 4);
            snprintf(val, sizeof val, "value number %d", i);
            snprintf(pl, sizeof pl, "{\"i\":%d}", i);
            while ((st = acepack_store_put(s, key, strlen(key), val, strlen(val), NULL)) != 0)
                CHECK_ST(st, ACEPACK_NOMEM);
            model_put_s(&m, key, val);
            while ((st = acepack_store_append(s, (uint64_t)i, 0, 0, 0, pl, strlen(pl), NULL,
                                              NULL)) != 0)
                CHECK_ST(st, ACEPACK_NOMEM);
            model_append(&m, (uint64_t)i, 0, 0, 0, pl, strlen(pl));
            if (i % 3 == 2) {
                while ((st = acepack_store_delete(s, "k0", 2, NULL)) != 0 &&
                       st != ACEPACK_NOT_FOUND)
                    CHECK_ST(st, ACEPACK_NOMEM);
                model_del(&m, "k0", 2);
            }
            while ((st = acepack_store_commit(s, NULL)) != ACEPACK_OK)
                CHECK_ST(st, ACEPACK_NOMEM);
        }
        acepack_store_close(s, NULL);
        CHECK_MODEL(v.path, &m);
        CHECK_U64(w_count_files(v.dir), 1);
        model_free(&m);
        w_rmdir(v.dir);
        if (f.n < k) { /* the fault was never reached: every allocation was covered */
            printf("allocation failures: %ld allocation points covered\n", k - 1);
            break;
        }
    }
}

int main(int argc, char **argv)
{
    static const t_test tests[] = {
        T_TEST("create_commit_reopen", test_create_commit_reopen),
        T_TEST("pending_and_rollback", test_pending_and_rollback),
        T_TEST("bad_input_to_store", test_bad_input_to_store),
        T_TEST("lock", test_lock),
        T_TEST("lock_replaced", test_lock_replaced),
        T_TEST("writeback_hint_ignored", test_writeback_hint_ignored),
        T_TEST("io_versions", test_io_versions),
        T_TEST("tail_truncated", test_tail_truncated),
        T_TEST("refuse_invalid", test_refuse_invalid),
        T_TEST("compatible_flag_cleared", test_compatible_flag_cleared),
        T_TEST("compaction", test_compaction),
        T_TEST("auto_compaction", test_auto_compaction),
        T_TEST("migrate_at_open", test_migrate_at_open),
        T_TEST("allocation_failures", test_allocation_failures),
        T_END,
    };
    return t_main(tests, argc, argv);
}
