/*
 * test_faults.c - the commit protocol (spec 9: W-COMMIT-1..4, W-COMPACT-1,
 * M-2) under injected faults.
 *
 * A scripted workload (create, puts, deletes, appends, commits, an explicit
 * compaction, automatic compactions, reopen; a v1 migration at open; an
 * in-place migration) first runs without faults to count the writer's
 * mutating system calls (K).  Then, for every fault kind of fault_io.h and
 * every k in 1..K, the workload runs again from scratch with the fault at
 * call k.  After the fault:
 *   - an error fault must be reported by the operation (except where the
 *     writer may legitimately absorb it: a short write it completes, a
 *     failed truncation of an unreferenced tail);
 *   - the file must open under strict with full validation and hold exactly
 *     the last committed content, or the new content when the new header (or
 *     the rename) had already been written - compared with the test's own
 *     model, never with the writer's output;
 *   - errors: the test disarms the fault and retries the operation on the
 *     same store, which must then succeed and commit everything;
 *   - crashes: the store object is abandoned (and, for power losses, every
 *     byte not made durable is undone); a fresh writer must open the file
 *     and see exactly the state found on disk.
 * Runs that end normally must leave no temporary file behind, and neither
 * may a crash once the next writer opened the store (W-LOCK-4).  Issue 15
 * added acepack_store_put_stream and the produced files of build and migrate
 * OUT (W-COMMIT-9) to the workloads.  Issue 14 runs the store and streaming
 * workloads again with checksums (flag bit 0, spec 3.8, W-CRC-2): after every
 * fault, a file with the bit must hold CRC32C fields that match its bytes,
 * checked here with the test's own CRC code, not the library's.
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fault_io.h"
#include "../../src/common/bytes.h"
#include "wtest.h"

typedef enum step_kind {
    S_CREATE, /* acepack_store_open(CREATE) of an absent store */
    S_OPEN,   /* acepack_store_open() of an existing file (maybe v1: migration) */
    S_PUT,
    S_DEL,
    S_APPEND,
    S_COMMIT,
    S_COMPACT,
    S_REOPEN,       /* close, then S_OPEN */
    S_MIGRATE_PATH, /* acepack_migrate_path(path, NULL): in place */
    S_PUT_STREAM,   /* acepack_store_put_stream of a 100 KiB value, then commit */
    S_CLOSE,        /* close the store (no fault: close is not counted) */
    S_BUILD_PATH,   /* acepack_build_path(pm, path): replaces the store (W-COMMIT-9) */
    S_MIGRATE_OUT,  /* acepack_migrate_path(in, path): the v1 file of v1_file() to path */
    S_END
} step_kind;

typedef struct step {
    step_kind k;
    const char *key;
    const char *val; /* NULL with S_PUT: a 100 KiB value */
} step;

static const step WORKLOAD_STORE[] = {
    {S_CREATE, NULL, NULL},  {S_PUT, "a", "1"},      {S_PUT, "b", "2"},      {S_APPEND, NULL, NULL},
    {S_COMMIT, NULL, NULL},  {S_APPEND, NULL, NULL}, {S_APPEND, NULL, NULL}, {S_DEL, "a", NULL},
    {S_PUT, "c", NULL},      {S_COMMIT, NULL, NULL}, {S_PUT, "b", "22"},     {S_COMMIT, NULL, NULL},
    {S_COMPACT, NULL, NULL}, {S_APPEND, NULL, NULL}, {S_COMMIT, NULL, NULL}, {S_APPEND, NULL, NULL},
    {S_COMMIT, NULL, NULL},  {S_APPEND, NULL, NULL}, {S_COMMIT, NULL, NULL}, {S_APPEND, NULL, NULL},
    {S_COMMIT, NULL, NULL},  {S_APPEND, NULL, NULL}, {S_COMMIT, NULL, NULL}, {S_APPEND, NULL, NULL},
    {S_COMMIT, NULL, NULL},  {S_PUT, "d", "4"},      {S_DEL, "b", NULL},     {S_COMMIT, NULL, NULL},
    {S_REOPEN, NULL, NULL},  {S_APPEND, NULL, NULL}, {S_PUT, "42", "x"},     {S_COMMIT, NULL, NULL},
    {S_END, NULL, NULL},
};

/* Starts from the v1 file of v1_file(): opening it migrates it (spec 10). */
static const step WORKLOAD_MIGRATE_OPEN[] = {
    {S_OPEN, NULL, NULL},   {S_APPEND, NULL, NULL}, {S_PUT, "other", "w"},
    {S_COMMIT, NULL, NULL}, {S_END, NULL, NULL},
};

/* Issue 15: a streamed value, then the produced files of build and migrate
 * OUT over an existing store, then onto no file at all. */
static const step WORKLOAD_STREAM_BUILD[] = {
    {S_CREATE, NULL, NULL},    {S_PUT, "a", "1"},          {S_COMMIT, NULL, NULL},
    {S_PUT_STREAM, "s", NULL}, {S_PUT, "a", "2"},          {S_PUT_STREAM, "t", NULL},
    {S_DEL, "s", NULL},        {S_COMMIT, NULL, NULL},     {S_CLOSE, NULL, NULL},
    {S_PUT, "b", NULL},        {S_BUILD_PATH, NULL, NULL}, {S_END, NULL, NULL},
};

static const step WORKLOAD_MIGRATE_OUT[] = {
    {S_CREATE, NULL, NULL}, {S_PUT, "a", "1"},           {S_COMMIT, NULL, NULL},
    {S_CLOSE, NULL, NULL},  {S_MIGRATE_OUT, NULL, NULL}, {S_END, NULL, NULL},
};

static const step WORKLOAD_NEW_OUT[] = {
    {S_PUT, "n", NULL},
    {S_BUILD_PATH, NULL, NULL},
    {S_END, NULL, NULL},
};

static const step WORKLOAD_NEW_MIGRATE_OUT[] = {
    {S_MIGRATE_OUT, NULL, NULL},
    {S_END, NULL, NULL},
};

static const step WORKLOAD_MIGRATE_PATH[] = {
    {S_MIGRATE_PATH, NULL, NULL}, {S_OPEN, NULL, NULL}, {S_APPEND, NULL, NULL},
    {S_COMMIT, NULL, NULL},       {S_END, NULL, NULL},
};

typedef struct run {
    fault_io fio;
    char dir[256];
    char path[320];
    char in_path[320]; /* the input of S_MIGRATE_OUT */
    const char *skey;  /* the key of S_PUT_STREAM */
    acepack_store *s;
    model cm;  /* the last committed content */
    model pm;  /* cm + the changes made since */
    model mid; /* pm when a commit failed, before the app changed more */
    int has_mid;
    int absent;         /* committed state: no file at all */
    uint8_t *old_bytes; /* committed state: exactly these bytes (the v1 file) */
    size_t old_n;
    int n_append;
    int ended_by_crash;
    long ops_failed;
    long crash_in_retry; /* > 0: crash at this call of the retry after an error */
    long retry_calls;    /* calls made by the (last) retry */
} run;

static uint8_t big_value[100 * 1024];

/* Issue 14: workloads with acepack_store_options.checksums set. */
static int g_checksums;
static long g_crc_files;     /* files with bit 0 whose fields were checked */
static int g_expect_bit_end; /* a fault-free run must end with bit 0 set */
static int g_segmented;      /* acepack_store_options.segmented too (spec 3.7) */
static long g_seg_crc_files; /* of those, files with bit 16 whose segment_crcs were checked */

/* CRC32C of spec 3.8, bit by bit: shares nothing with src/common/crc32c.c. */
static uint32_t t_crc32c(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

/* R-SEG-10 / W-SEG-5: with bits 0 and 16, each segment-table entry's
 * segment_crc (u32 at entry + 24) is the CRC32C of its segment's bytes. */
static int segment_crcs_match(const uint8_t *d, size_t n, uint64_t eo, uint64_t el, char *why,
                              size_t cap)
{
    uint64_t segs = el >= 8 ? ap_be32(d + eo) : 0;
    if (el < 8 || el != 8 + 32 * segs) {
        snprintf(why, cap, "segment table length %llu for S = %llu", (unsigned long long)el,
                 (unsigned long long)segs);
        return 0;
    }
    for (uint64_t k = 0; k < segs; k++) {
        const uint8_t *e = d + eo + 8 + 32 * k;
        uint64_t so = ap_be64(e), sl = ap_be64(e + 8);
        if (so > n || sl > n - so) {
            snprintf(why, cap, "segment %llu outside the file", (unsigned long long)k);
            return 0;
        }
        if (ap_be32(e + 24) != t_crc32c(d + so, (size_t)sl)) {
            snprintf(why, cap, "segment_crc of segment %llu does not match", (unsigned long long)k);
            return 0;
        }
    }
    return 1;
}

/* When the file at path is a v2 file with flag bit 0: do its four CRC fields
 * match its bytes?  (Sets *has_bit.)  1 yes or no bit, 0 mismatch (why). */
static int crc_fields_match(const char *path, int *has_bit, char *why, size_t cap)
{
    size_t n = 0;
    const uint8_t *d = w_read_file_shared(path, &n);
    *has_bit = 0;
    if (!d)
        return 1; /* no file: nothing to check */
    int ok = 1;
    if (n >= 128 && memcmp(d, "ACEPACK", 8) == 0 && ap_be32(d + 8) == 2 && (ap_be32(d + 12) & 1)) {
        *has_bit = 1;
        uint64_t io = ap_be64(d + 16), il = ap_be64(d + 24), ce = ap_be64(d + 32);
        uint64_t eo = ap_be64(d + 40), el = ap_be64(d + 48);
        uint8_t h[128];
        memcpy(h, d, 128);
        memset(h + 64, 0, 4);
        if (ce < 128 || ce > n || eo > n || el > n - eo || io > n || il > n - io) {
            snprintf(why, cap, "regions outside the file");
            ok = 0;
        } else if (ap_be32(d + 64) != t_crc32c(h, 128)) {
            snprintf(why, cap, "header_crc does not match");
            ok = 0;
        } else if (ap_be32(d + 68) != t_crc32c(d + 128, (size_t)(ce - 128))) {
            snprintf(why, cap, "chunks_crc does not match");
            ok = 0;
        } else if (ap_be32(d + 72) != t_crc32c(d + eo, (size_t)el)) {
            snprintf(why, cap, "events_crc does not match");
            ok = 0;
        } else if (ap_be32(d + 76) != t_crc32c(d + io, (size_t)il)) {
            snprintf(why, cap, "index_crc does not match");
            ok = 0;
        } else if (ap_be32(d + 12) & 0x10000u) {
            ok = segment_crcs_match(d, n, eo, el, why, cap);
            g_seg_crc_files++;
        }
    }
    return ok;
}

/* The v1 input of the migration workloads and the content it migrates to. */
static const char E2[] = "{\"kind\":1,\"content_source\":2,\"key\":\"k\",\"payload\":{\"x\":1},"
                         "\"id\":2,\"ts\":1700000000000}";
static const char E4[] = "{\"kind\":3,\"content_source\":4,\"id\":4,\"ts\":5,\"flags\":1}";
static const char GAP[] = "{\"acepack\":\"gap\"}";

static void v1_model(model *m);

/* The v1 file at `path` (its bytes: free them). */
static uint8_t *v1_write(const char *path, size_t *n)
{
    acepack_kv kv[5] = {
        {(const uint8_t *)"core/log/000000000002", 21, (const uint8_t *)E2, sizeof E2 - 1},
        {(const uint8_t *)"core/log/000000000004", 21, (const uint8_t *)E4, sizeof E4 - 1},
        {(const uint8_t *)"core/log/000000000005", 21, (const uint8_t *)"not json", 8},
        {(const uint8_t *)"meta/log_entry_seq", 18, (const uint8_t *)"6", 1},
        {(const uint8_t *)"other", 5, (const uint8_t *)"v", 1},
    };
    uint8_t *b = w_write_v1_file(path, kv, 5, n);
    if (!b)
        abort();
    return b;
}

static void v1_file(run *r)
{
    r->old_bytes = v1_write(r->path, &r->old_n);
    model_free(&r->pm);
    v1_model(&r->pm);
}

static void v1_model(model *m)
{
    /* Spec 10 by hand: lo = 2 -> evt_base_id 1; ids 2..6 (S = 6): entry 2,
     * gap 3, entry 4, gap 5 (its entry is malformed: it stays a key), gap 6. */
    model_init(m);
    m->base = 1;
    model_append(m, 1700000000000ull, 1, 2, 0, E2, sizeof E2 - 1);
    model_append(m, 0, 0, 0, 1, GAP, sizeof GAP - 1);
    model_append(m, 5, 3, 4, 1, E4, sizeof E4 - 1);
    model_append(m, 0, 0, 0, 1, GAP, sizeof GAP - 1);
    model_append(m, 0, 0, 0, 1, GAP, sizeof GAP - 1);
    model_put(m, "core/log/000000000005", 21, "not json", 8);
    model_put(m, "other", 5, "v", 1);
}

/* A reader over big_value for acepack_store_put_stream, in odd pieces. */
typedef struct mem_reader {
    const uint8_t *p;
    size_t n, pos;
} mem_reader;

static int mem_read(void *ctx, void *buf, size_t cap, size_t *got)
{
    mem_reader *m = ctx;
    size_t k = m->n - m->pos;
    if (k > cap)
        k = cap;
    if (k > 7777)
        k = 7777;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    *got = k;
    return 0;
}

static acepack_store_options options(run *r)
{
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = &r->fio.io;
    o.compact_ratio = 1.25; /* compact often: more compactions under fault */
    o.checksums = g_checksums;
    o.segmented = g_segmented;
    return o;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Does the file hold the committed state?  The pending one? */
static int disk_is_old(const run *r, char *why, size_t cap)
{
    if (r->absent) {
        snprintf(why, cap, "file exists");
        return !file_exists(r->path);
    }
    if (r->old_bytes) {
        snprintf(why, cap, "v1 file changed");
        return w_file_equals(r->path, r->old_bytes, r->old_n);
    }
    return model_check_file(r->path, &r->cm, why, cap);
}

static int disk_is_new(const run *r, char *why, size_t cap)
{
    return model_check_file(r->path, &r->pm, why, cap);
}

/* After a fault: old, or new when the new state may already be visible
 * (new = the pending content; or, after a failed commit that the app followed
 * with more changes, the pending content of that failed commit: "mid").
 * Returns 0 old, 1 new, 2 mid, -1 neither (reported). */
static int check_disk_state(run *r, const char *what, long k);

/* The state check, then (W-CRC-2) the checksums of whatever the file holds. */
static int check_disk(run *r, const char *what, long k)
{
    int state = check_disk_state(r, what, k);
    char why[128] = "";
    int has_bit = 0;
    if (!crc_fields_match(r->path, &has_bit, why, sizeof why))
        t_fail(__FILE__, __LINE__, "%s at k=%ld (%s): flag bit 0 set but %s",
               fault_name(r->fio.kind), k, what, why);
    g_crc_files += has_bit;
    return state;
}

static int check_disk_state(run *r, const char *what, long k)
{
    char why_old[256] = "", why_new[256] = "", why_mid[256] = "";
    if (disk_is_old(r, why_old, sizeof why_old))
        return 0;
    if (r->fio.new_visible && disk_is_new(r, why_new, sizeof why_new))
        return 1;
    if (r->fio.new_visible && r->has_mid &&
        model_check_file(r->path, &r->mid, why_mid, sizeof why_mid))
        return 2;
    t_fail(__FILE__, __LINE__, "%s at k=%ld (%s): file holds neither state (old: %s; new: %s%s)",
           fault_name(r->fio.kind), k, what, why_old, r->fio.new_visible ? "" : "not allowed; ",
           why_new);
    return -1;
}

static void committed(run *r)
{
    r->has_mid = 0;
    model_free(&r->cm);
    model_copy(&r->cm, &r->pm);
    r->absent = 0;
    free(r->old_bytes);
    r->old_bytes = NULL;
}

static acepack_status do_io(run *r, step_kind k, acepack_error *e)
{
    acepack_store_options o = options(r);
    switch (k) {
    case S_CREATE:
        return acepack_store_open(r->path, ACEPACK_STORE_CREATE, &o, &r->s, e);
    case S_OPEN:
        return acepack_store_open(r->path, 0, &o, &r->s, e);
    case S_COMMIT:
        return acepack_store_commit(r->s, e);
    case S_COMPACT:
        return acepack_store_compact(r->s, e);
    case S_MIGRATE_PATH:
    case S_MIGRATE_OUT: {
        acepack_migrate_options mo;
        memset(&mo, 0, sizeof mo);
        mo.io = &r->fio.io;
        if (k == S_MIGRATE_OUT)
            return acepack_migrate_path(r->in_path, r->path, &mo, NULL, e);
        return acepack_migrate_path(r->path, NULL, &mo, NULL, e);
    }
    case S_PUT_STREAM: {
        mem_reader m = {big_value, sizeof big_value, 0};
        acepack_status st =
            acepack_store_put_stream(r->s, r->skey, strlen(r->skey), mem_read, &m, e);
        return st == ACEPACK_OK ? acepack_store_commit(r->s, e) : st;
    }
    case S_BUILD_PATH: {
        acepack_kv *kv = calloc(r->pm.nkv + 1, sizeof *kv);
        acepack_event_in *ev = calloc(r->pm.nev + 1, sizeof *ev);
        if (!kv || !ev)
            abort();
        acepack_content c = model_content(&r->pm, kv, ev);
        acepack_status st = acepack_build_path(&c, r->path, NULL, &r->fio.io, 0, e);
        free(kv);
        free(ev);
        return st;
    }
    default:
        return ACEPACK_ARG;
    }
}

/* A fault the writer may absorb without reporting an error. */
static int absorbable(const fault_io *f)
{
    return f->kind == FAULT_SHORT || (f->fired_call && strcmp(f->fired_call, "ftruncate") == 0);
}

/* The process died inside an operation: abandon the store, undo what a
 * power loss undoes, check the disk, and let a fresh writer open it. */
static void after_crash(run *r, const char *what, long fault_k)
{
    acepack_error e;
    memset(&e, 0, sizeof e);
    if (r->s)
        acepack_store_close(r->s, NULL);
    r->s = NULL;
    fault_io_power_loss(&r->fio);
    int which = check_disk(r, what, fault_k);
    if (which >= 0 && !(which == 0 && r->absent)) {
        /* A fresh writer opens it and sees exactly that state (the v1 file
         * is migrated to the pending content by that open). */
        acepack_store *s2 = NULL;
        acepack_status st2 = acepack_store_open(r->path, 0, NULL, &s2, &e);
        if (st2 != ACEPACK_OK)
            t_fail(__FILE__, __LINE__, "%s k=%ld: reopen after crash: %s %s",
                   fault_name(r->fio.kind), fault_k, acepack_status_name(st2),
                   e.message ? e.message : "");
        acepack_store_close(s2, NULL);
        char why[256];
        const model *m = which == 2 ? &r->mid : (which || r->old_bytes) ? &r->pm : &r->cm;
        if (!model_check_file(r->path, m, why, sizeof why))
            t_fail(__FILE__, __LINE__, "%s k=%ld: after reopen: %s", fault_name(r->fio.kind),
                   fault_k, why);
    }
    r->ended_by_crash = 1;
}

static void run_io_step(run *r, step_kind k, long fault_k)
{
    acepack_error e;
    memset(&e, 0, sizeof e);
    const char *names[] = {"create", "open",       "put",         "del",          "append",
                           "commit", "compact",    "reopen",      "migrate_path", "put_stream",
                           "close",  "build_path", "migrate_out", "end"};
    if (k == S_REOPEN) {
        CHECK_ST(acepack_store_close(r->s, NULL), ACEPACK_OK);
        r->s = NULL;
        k = S_OPEN;
    }
    long calls_before = r->fio.calls, armed_at = r->fio.fail_at;
    acepack_status st = do_io(r, k, &e);
    int fired_now = r->fio.fired && armed_at > calls_before && armed_at <= r->fio.calls;
    if (r->fio.crashed) {
        after_crash(r, names[k], fault_k);
        return;
    }
    if (st != ACEPACK_OK) {
        r->ops_failed++;
        if (!fired_now)
            t_fail(__FILE__, __LINE__, "%s failed without a fault: %s %s", names[k],
                   acepack_status_name(st), e.message ? e.message : "");
        int which = check_disk(r, names[k], fault_k);
        fault_io_disarm(&r->fio);
        if (k == S_CREATE || k == S_OPEN)
            r->s = NULL;
        /* Retry: on the same store for commit/compact, which must then
         * commit everything.  An in-place migration whose rename happened
         * is done (the file is v2 now). */
        if ((k == S_COMMIT || k == S_COMPACT) && r->s) {
            /* The application goes on before it retries: one more event, so
             * that the retry writes different bytes than the failed commit. */
            model_free(&r->mid);
            model_copy(&r->mid, &r->pm);
            r->has_mid = 1;
            static const char extra[] = "{\"extra\":true}";
            CHECK_ST(acepack_store_append(r->s, 7, 7, 7, 0, extra, sizeof extra - 1, NULL, NULL),
                     ACEPACK_OK);
            model_append(&r->pm, 7, 7, 7, 0, extra, sizeof extra - 1);
        }
        if (!((k == S_MIGRATE_PATH || k == S_MIGRATE_OUT || k == S_BUILD_PATH) && which == 1)) {
            long retry_start = r->fio.calls;
            if (r->crash_in_retry > 0) {
                /* A second fault: the process dies during the retry. */
                r->fio.kind = FAULT_CRASH;
                r->fio.fail_at = retry_start + r->crash_in_retry;
                r->fio.fired = 0;
            }
            st = do_io(r, k, &e);
            r->retry_calls = r->fio.calls - retry_start;
            if (r->fio.crashed) {
                after_crash(r, names[k], fault_k);
                return;
            }
            if (st != ACEPACK_OK)
                t_fail(__FILE__, __LINE__, "%s k=%ld: retry of %s failed: %s %s",
                       fault_name(r->fio.kind), fault_k, names[k], acepack_status_name(st),
                       e.message ? e.message : "");
        }
    } else if (fired_now) {
        if (!absorbable(&r->fio))
            t_fail(__FILE__, __LINE__, "%s k=%ld: %s returned ok after a %s fault on %s",
                   fault_name(r->fio.kind), fault_k, names[k], fault_name(r->fio.kind),
                   r->fio.fired_call);
        fault_io_disarm(&r->fio); /* an absorbed ENOSPC: free the disk again */
    }
    committed(r);
    /* Before its fault, a faulted run repeats the fault-free run call for
     * call (the writer is deterministic: the fault fires at the same call,
     * checked at the end of run_workload), and that run checked the file
     * after each of these steps: check only what differs, from the fault on. */
    if (r->fio.kind != FAULT_NONE && !r->fio.fired)
        return;
    char why[256];
    if (!model_check_file(r->path, &r->cm, why, sizeof why))
        t_fail(__FILE__, __LINE__, "%s k=%ld: after %s: %s", fault_name(r->fio.kind), fault_k,
               names[k], why);
}

static char sweep_dir[256]; /* every run of a sweep starts in it, empty */
static DIR *sweep_dirp;     /* open once: listing it allocates nothing */

/* Number of names in the sweep directory; with rm: removes them. */
static int list_dir(int rm)
{
    int n = 0;
    char p[600];
    rewinddir(sweep_dirp);
    for (struct dirent *e; (e = readdir(sweep_dirp)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        snprintf(p, sizeof p, "%s/%s", sweep_dir, e->d_name);
        if (rm)
            unlink(p);
    }
    return n;
}

/* One run of a workload with the fault (kind, k); returns the counted calls. */
static long run_workload(const step *w, int v1_start, fault_kind kind, long fault_k,
                         long crash_in_retry, long *retry_calls)
{
    run r;
    memset(&r, 0, sizeof r);
    snprintf(r.dir, sizeof r.dir, "%s", sweep_dir);
    snprintf(r.path, sizeof r.path, "%s/store.ace", r.dir);
    snprintf(r.in_path, sizeof r.in_path, "%s/input-v1.ace", r.dir);
    fault_io_init(&r.fio, r.path);
    model_init(&r.cm);
    model_init(&r.pm);
    model_init(&r.mid);
    r.absent = !v1_start;
    if (v1_start)
        v1_file(&r);
    fault_io_arm(&r.fio, kind, fault_k);
    r.crash_in_retry = crash_in_retry;

    for (const step *s = w; s->k != S_END && !r.ended_by_crash; s++) {
        char payload[64];
        switch (s->k) {
        case S_PUT: {
            const char *v = s->val ? s->val : (const char *)big_value;
            size_t vn = s->val ? strlen(s->val) : sizeof big_value;
            if (r.s) /* no store open: the content of a later S_BUILD_PATH */
                CHECK_ST(acepack_store_put(r.s, s->key, strlen(s->key), v, vn, NULL), ACEPACK_OK);
            model_put(&r.pm, s->key, strlen(s->key), v, vn);
            break;
        }
        case S_PUT_STREAM:
            r.skey = s->key;
            model_put(&r.pm, s->key, strlen(s->key), big_value, sizeof big_value);
            run_io_step(&r, s->k, fault_k);
            break;
        case S_CLOSE:
            CHECK_ST(acepack_store_close(r.s, NULL), ACEPACK_OK);
            r.s = NULL;
            break;
        case S_MIGRATE_OUT: {
            size_t n = 0;
            free(v1_write(r.in_path, &n));
            model_free(&r.pm);
            v1_model(&r.pm);
            run_io_step(&r, s->k, fault_k);
            unlink(r.in_path);
            break;
        }
        case S_DEL:
            CHECK_ST(acepack_store_delete(r.s, s->key, strlen(s->key), NULL), ACEPACK_OK);
            model_del(&r.pm, s->key, strlen(s->key));
            break;
        case S_APPEND: {
            int n = snprintf(payload, sizeof payload, "{\"n\":%d}", r.n_append);
            uint64_t ts = (uint64_t)1700000000000 + (uint64_t)r.n_append;
            CHECK_ST(acepack_store_append(r.s, ts, 1, 2, 0, payload, (size_t)n, NULL, NULL),
                     ACEPACK_OK);
            model_append(&r.pm, ts, 1, 2, 0, payload, (size_t)n);
            r.n_append++;
            break;
        }
        default:
            run_io_step(&r, s->k, fault_k);
            break;
        }
    }
    if (r.s)
        CHECK_ST(acepack_store_close(r.s, NULL), ACEPACK_OK);
    fault_io_power_loss(&r.fio); /* frees snapshots (no-op without power loss) */
    long calls = r.fio.calls;
    if (retry_calls)
        *retry_calls = r.retry_calls;
    /* No lasting temporary or sidecar file (W-LOCK-3), unless the process
     * died or removing one was itself the injected fault. */
    unlink(r.in_path);
    int files = list_dir(0);
    /* W-LOCK-4: after a crash, the next writer's open (after_crash) removed
     * what the crashed one left, wherever there is a store to open. */
    int excused = (r.ended_by_crash && !file_exists(r.path)) ||
                  (r.fio.fired && r.fio.fired_call && strcmp(r.fio.fired_call, "unlink") == 0);
    if (!excused && files != 1) {
        t_fail(__FILE__, __LINE__,
               "%s k=%ld (crash in retry at %ld, fired on %s): %d files "
               "left in the directory",
               fault_name(kind), fault_k, crash_in_retry, r.fio.fired_call ? r.fio.fired_call : "-",
               files);
    }
    if (g_expect_bit_end && kind == FAULT_NONE) {
        char why[128] = "";
        int has_bit = 0;
        if (!crc_fields_match(r.path, &has_bit, why, sizeof why) || !has_bit)
            t_fail(__FILE__, __LINE__, "checksums workload: the final store %s",
                   has_bit ? why : "lacks flag bit 0");
    }
    if (kind != FAULT_NONE && !crash_in_retry && fault_k <= calls && !r.fio.fired)
        t_fail(__FILE__, __LINE__, "%s k=%ld: fault never fired", fault_name(kind), fault_k);
    fault_io_free(&r.fio);
    model_free(&r.cm);
    model_free(&r.pm);
    model_free(&r.mid);
    free(r.old_bytes);
    list_dir(1);
    return calls;
}

static long total_runs;

static void sweep(const char *name, const step *w, int v1_start)
{
    w_mkdir(sweep_dir, sizeof sweep_dir, "faults");
    sweep_dirp = opendir(sweep_dir);
    if (!sweep_dirp)
        abort();
    long k_max = run_workload(w, v1_start, FAULT_NONE, 0, 0, NULL);
    long runs = 0;
    for (int kind = FAULT_EIO; kind < FAULT_KINDS; kind++) {
        int before = t_failures;
        for (long k = 1; k <= k_max; k++) {
            long retry = 0;
            run_workload(w, v1_start, (fault_kind)kind, k, 0, &retry);
            runs++;
            /* EIO, then a crash at every call of the retry. */
            for (long j = 1; kind == FAULT_EIO && j <= retry; j++, runs++)
                run_workload(w, v1_start, (fault_kind)kind, k, j, NULL);
            if (t_failures - before > 20) {
                fprintf(stderr, "too many failures, stopping this kind\n");
                break;
            }
        }
    }
    printf("%s: %ld counted system calls; %d fault kinds at each; %ld runs with an error "
           "then a crash in the retry; %ld runs\n",
           name, k_max, (int)FAULT_KINDS - 1, runs - (long)(FAULT_KINDS - 1) * k_max, runs);
    total_runs += runs;
    closedir(sweep_dirp);
    w_rmdir(sweep_dir);
}

static void test_store_workload(void)
{
    for (size_t i = 0; i < sizeof big_value; i++)
        big_value[i] = (uint8_t)('a' + i % 26);
    sweep("store workload", WORKLOAD_STORE, 0);
}

static void test_migrate_open_workload(void)
{
    sweep("migration at open", WORKLOAD_MIGRATE_OPEN, 1);
}

static void test_stream_build_workload(void)
{
    sweep("put_stream and build onto a store", WORKLOAD_STREAM_BUILD, 0);
    sweep("build of a new file", WORKLOAD_NEW_OUT, 0);
}

static void test_migrate_out_workload(void)
{
    sweep("migrate onto a store", WORKLOAD_MIGRATE_OUT, 0);
    sweep("migrate to a new file", WORKLOAD_NEW_MIGRATE_OUT, 0);
}

/* Issue 14 (W-CRC-2): the store and streaming workloads with checksums. */
static void test_checksums_workload(void)
{
    for (size_t i = 0; i < sizeof big_value; i++)
        big_value[i] = (uint8_t)('a' + i % 26);
    g_checksums = 1;
    w_flags_allowed = 1;
    g_crc_files = 0;
    g_expect_bit_end = 1;
    sweep("store workload with checksums", WORKLOAD_STORE, 0);
    g_expect_bit_end = 0; /* its last step builds a file without checksums (W-CRC-1) */
    sweep("put_stream and build with checksums", WORKLOAD_STREAM_BUILD, 0);
    /* W-SEG-5: segmented commits (plain section -> segment 0, appended
     * segments, compaction back to plain) with checksums. */
    g_expect_bit_end = 1;
    g_segmented = 1;
    g_seg_crc_files = 0;
    sweep("store workload with checksums and segments", WORKLOAD_STORE, 0);
    g_segmented = 0;
    printf("checksums and segments: %ld files with flag bits 0 and 16 checked\n", g_seg_crc_files);
    if (g_seg_crc_files == 0)
        t_fail(__FILE__, __LINE__, "no file with flag bits 0 and 16 was ever checked");
    g_checksums = 0;
    w_flags_allowed = 0;
    printf("checksums: %ld files with flag bit 0 checked after faults\n", g_crc_files);
    if (g_crc_files == 0)
        t_fail(__FILE__, __LINE__, "no file with flag bit 0 was ever checked");
}

static void test_migrate_path_workload(void)
{
    sweep("migration in place", WORKLOAD_MIGRATE_PATH, 1);
    printf("%ld faulted runs in all\n", total_runs);
}

int main(int argc, char **argv)
{
    static const t_test tests[] = {
        T_TEST("store_workload", test_store_workload),
        T_TEST("migrate_open_workload", test_migrate_open_workload),
        T_TEST("stream_build_workload", test_stream_build_workload),
        T_TEST("migrate_out_workload", test_migrate_out_workload),
        T_TEST("migrate_path_workload", test_migrate_path_workload),
        T_TEST("checksums_workload", test_checksums_workload),
        T_END,
    };
    return t_main(tests, argc, argv);
}
