/*
 * test_segmented.c - the segmented event log written by the store (spec 3.7,
 * W-SEG-1..5): one segment per commit with events, earlier segments left in
 * place byte for byte, a plain file's section kept as segment 0, compaction
 * to a plain file before S would exceed 64, and a writer not configured for
 * segments making a segmented store plain (W-SEG-4), and a small commit
 * whose index is larger than the writer's output stage.
 *
 * Expected contents come from the test's own model; the header and segment
 * table are read here from the raw bytes (own big-endian loads), not through
 * the writer.
 */
#include <stdlib.h>

#include "../../src/common/bytes.h"
#include "wtest.h"

typedef struct seg_view {
    uint32_t flags, s;
    uint64_t evt_off, evt_len;
    uint8_t *d;
    size_t n;
} seg_view;

static void view(const char *path, seg_view *v)
{
    memset(v, 0, sizeof *v);
    v->d = w_read_file(path, &v->n);
    if (!v->d || v->n < 128) {
        t_fail(__FILE__, __LINE__, "cannot read %s", path);
        return;
    }
    v->flags = (uint32_t)ap_be32(v->d + 12);
    v->evt_off = ap_be64(v->d + 40);
    v->evt_len = ap_be64(v->d + 48);
    if ((v->flags & 0x10000u) && v->evt_off + 4 <= v->n)
        v->s = (uint32_t)ap_be32(v->d + v->evt_off);
}

static uint64_t entry(const seg_view *v, uint32_t k, int field) /* 0 off, 1 len, 2 first */
{
    return ap_be64(v->d + v->evt_off + 8 + 32 * (uint64_t)k + 8 * (uint64_t)field);
}

static acepack_store *open_store(const char *path, int segmented, double ratio)
{
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = w_io_nosync();
    o.segmented = segmented;
    o.compact_ratio = ratio;
    acepack_store *s = NULL;
    CHECK_ST(acepack_store_open(path, ACEPACK_STORE_CREATE, &o, &s, NULL), ACEPACK_OK);
    return s;
}

static void append(acepack_store *s, model *m, uint64_t i)
{
    char p[64];
    snprintf(p, sizeof p, "{\"i\":%llu}", (unsigned long long)i);
    CHECK_ST(acepack_store_append(s, 1000 + i, (uint32_t)(i % 7), 2, 0, p, strlen(p), NULL, NULL),
             ACEPACK_OK);
    model_append(m, 1000 + i, (uint8_t)(i % 7), 2, 0, p, strlen(p));
}

/* 64 commits of 1..3 events: S grows by one each time, segment 0 keeps its
 * bytes; the 65th commit compacts to a plain file (W-SEG-3). */
static void test_sixty_four_then_compact(void)
{
    char dir[256], path[320];
    w_mkdir(dir, sizeof dir, "seg64");
    snprintf(path, sizeof path, "%s/s.ace", dir);
    acepack_store *s = open_store(path, 1, 1000.0); /* no growth compaction here */
    model m;
    model_init(&m);
    uint64_t ev = 0, seg0_off = 0, seg0_len = 0;
    uint8_t *seg0 = NULL;
    CHECK_ST(acepack_store_put(s, "k", 1, "v", 1, NULL), ACEPACK_OK);
    model_put_s(&m, "k", "v");
    for (uint32_t c = 1; c <= 65 && s; c++) {
        for (uint32_t j = 0; j < 1 + c % 3; j++)
            append(s, &m, ev++);
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
        CHECK_MODEL(path, &m);
        seg_view v;
        view(path, &v);
        if (!v.d)
            break;
        if (c <= 64) {
            CHECK_U64(v.flags, 0x10000u);
            CHECK_U64(v.s, c);
            CHECK_U64(v.evt_len, 8 + 32 * (uint64_t)c);
            CHECK_U64(entry(&v, 0, 2), 0);
            if (c == 1) {
                seg0_off = entry(&v, 0, 0);
                seg0_len = entry(&v, 0, 1);
                seg0 = malloc((size_t)seg0_len);
                if (seg0)
                    memcpy(seg0, v.d + (size_t)seg0_off, (size_t)seg0_len);
            } else {
                CHECK_U64(entry(&v, 0, 0), seg0_off); /* earlier segments stay (W-SEG-2) */
                CHECK(seg0 && memcmp(v.d + (size_t)seg0_off, seg0, (size_t)seg0_len) == 0);
                CHECK_U64(entry(&v, c - 1, 2), ev - (1 + c % 3));
            }
        } else {
            CHECK_U64(v.flags, 0); /* W-SEG-3: compacted, plain */
        }
        free(v.d);
    }
    free(seg0);
    if (s)
        CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    model_free(&m);
    w_rmdir(dir);
}

/* A plain store with events: its section becomes segment 0 in place; a
 * commit without events rewrites the table only (S unchanged). */
static void test_plain_section_becomes_segment_0(void)
{
    char dir[256], path[320];
    w_mkdir(dir, sizeof dir, "segplain");
    snprintf(path, sizeof path, "%s/s.ace", dir);
    model m;
    model_init(&m);
    acepack_store *s = open_store(path, 0, 0);
    for (uint64_t i = 0; i < 5; i++)
        append(s, &m, i);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    seg_view v0;
    view(path, &v0);
    CHECK_U64(v0.flags, 0);

    s = open_store(path, 1, 1000.0);
    append(s, &m, 5);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_MODEL(path, &m);
    seg_view v;
    view(path, &v);
    CHECK_U64(v.flags, 0x10000u);
    CHECK_U64(v.s, 2);
    if (v.d && v0.d) {
        CHECK_U64(entry(&v, 0, 0), v0.evt_off);
        CHECK_U64(entry(&v, 0, 1), v0.evt_len);
        CHECK_U64(entry(&v, 1, 2), 5);
    }
    free(v.d);
    CHECK_ST(acepack_store_put(s, "only", 4, "a key", 5, NULL), ACEPACK_OK);
    model_put_s(&m, "only", "a key");
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_MODEL(path, &m);
    view(path, &v);
    CHECK_U64(v.flags, 0x10000u);
    CHECK_U64(v.s, 2);
    free(v.d);
    free(v0.d);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    model_free(&m);
    w_rmdir(dir);
}

/* W-SEG-4: a writer not configured for segments makes a segmented store
 * plain at its next commit (an appending commit of the whole section). */
static void test_unconfigured_writer_makes_plain(void)
{
    char dir[256], path[320];
    w_mkdir(dir, sizeof dir, "segw4");
    snprintf(path, sizeof path, "%s/s.ace", dir);
    model m;
    model_init(&m);
    acepack_store *s = open_store(path, 1, 1000.0);
    for (uint64_t c = 0; c < 3; c++) {
        append(s, &m, c);
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    }
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    seg_view v;
    view(path, &v);
    CHECK_U64(v.s, 3);
    free(v.d);

    s = open_store(path, 0, 0);
    append(s, &m, 3);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    CHECK_MODEL(path, &m);
    view(path, &v);
    CHECK_U64(v.flags, 0);
    free(v.d);
    model_free(&m);
    w_rmdir(dir);
}

/* Explicit compaction of a segmented store: plain, same content. */
static void test_compact(void)
{
    char dir[256], path[320];
    w_mkdir(dir, sizeof dir, "segcompact");
    snprintf(path, sizeof path, "%s/s.ace", dir);
    model m;
    model_init(&m);
    acepack_store *s = open_store(path, 1, 1000.0);
    for (uint64_t c = 0; c < 10; c++) {
        append(s, &m, c);
        append(s, &m, 100 + c);
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    }
    CHECK_ST(acepack_store_compact(s, NULL), ACEPACK_OK);
    CHECK_MODEL(path, &m);
    seg_view v;
    view(path, &v);
    CHECK_U64(v.flags, 0);
    free(v.d);
    /* and segmenting again after the compaction */
    append(s, &m, 999);
    CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
    CHECK_MODEL(path, &m);
    view(path, &v);
    CHECK_U64(v.flags, 0x10000u);
    CHECK_U64(v.s, 2);
    free(v.d);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    model_free(&m);
    w_rmdir(dir);
}

/* Counts the allocations of a full output stage (256 KiB, AW_STAGE_SIZE in
 * src/write/write_internal.h) and fails them while `fail` is set. */
typedef struct stage_alloc {
    int fail;
    long asked, failed;
} stage_alloc;

#define FULL_STAGE ((size_t)1 << 18)

static void *sa_alloc(void *ctx, size_t n)
{
    stage_alloc *a = ctx;
    if (n == FULL_STAGE) {
        a->asked++;
        if (a->fail) {
            a->failed++;
            return NULL;
        }
    }
    return malloc(n);
}

/* A one-event commit stages a few hundred bytes (segment and table), so its
 * stage is small, but its index (every key, W-SEG-2) is larger than a full
 * stage: the index goes out through a stage grown to full size, or, when
 * that allocation fails, straight from the index buffer.  Both give the
 * same file. */
static void test_index_larger_than_stage(void)
{
    for (int fail = 0; fail < 2; fail++) {
        char dir[256], path[320];
        w_mkdir(dir, sizeof dir, "segbigindex");
        snprintf(path, sizeof path, "%s/s.ace", dir);
        stage_alloc sa = {0, 0, 0};
        acepack_allocator al = {sa_alloc, w_realloc_plain, w_free_plain, &sa};
        acepack_store_options o;
        memset(&o, 0, sizeof o);
        o.io = w_io_nosync();
        o.alloc = &al;
        o.segmented = 1;
        o.compact_ratio = 1000.0;
        acepack_store *s = NULL;
        CHECK_ST(acepack_store_open(path, ACEPACK_STORE_CREATE, &o, &s, NULL), ACEPACK_OK);
        model m;
        model_init(&m);
        /* 4,000 keys of 64 bytes: an index of ~370 KB (> 256 KiB). */
        for (int k = 0; k < 4000; k++) {
            char key[80], val[16];
            snprintf(key, sizeof key, "agents/agent-%04d/a-key-long-enough-for-a-large-index-%08d",
                     k, k);
            snprintf(val, sizeof val, "v%d", k);
            CHECK_ST(acepack_store_put(s, key, strlen(key), val, strlen(val), NULL), ACEPACK_OK);
            model_put_s(&m, key, val);
        }
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
        sa.fail = fail;
        long before = sa.asked;
        for (uint64_t c = 0; c < 3; c++) {
            append(s, &m, c);
            CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);
            CHECK_MODEL(path, &m);
        }
        /* each commit asked for a full stage for its index */
        CHECK_U64(sa.asked - before >= 3, 1);
        CHECK_U64(sa.failed, fail ? (uint64_t)(sa.asked - before) : 0);
        seg_view v;
        view(path, &v);
        CHECK_U64(v.flags, 0x10000u);
        CHECK_U64(v.s, 3);
        CHECK_U64(v.n - (v.evt_off + v.evt_len) > FULL_STAGE, 1); /* the index */
        free(v.d);
        CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
        model_free(&m);
        w_rmdir(dir);
    }
}

int main(int argc, char **argv)
{
    static const t_test tests[] = {
        T_TEST("sixty_four_then_compact", test_sixty_four_then_compact),
        T_TEST("plain_section_becomes_segment_0", test_plain_section_becomes_segment_0),
        T_TEST("unconfigured_writer_makes_plain", test_unconfigured_writer_makes_plain),
        T_TEST("compact", test_compact),
        T_TEST("index_larger_than_stage", test_index_larger_than_stage),
        T_END,
    };
    return t_main(tests, argc, argv);
}
