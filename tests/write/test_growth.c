/*
 * test_growth.c - W-COMPACT-2: under N single-event commits (default 10,000)
 * the file never exceeds 2.5 times its live size.
 *
 * The live size (128 + sum over keys of 4 + value length + evt_length +
 * kv_index_length) is computed by the test: the key sizes from its own model,
 * the two lengths from the header it reads itself.  fsync is skipped (it does
 * not change the layout) unless ACEPACK_TEST_REAL_FSYNC=1.  ctest runs N =
 * 1,000 under the sanitizers (tests/write/CMakeLists.txt says why).
 *
 *   test_write_growth [N]
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/common/bytes.h"
#include "wtest.h"

static long n_commits = 10000;

static void test_growth(void)
{
    char dir[256], path[320];
    w_mkdir(dir, sizeof dir, "growth");
    snprintf(path, sizeof path, "%s/g.ace", dir);
    const char *real = getenv("ACEPACK_TEST_REAL_FSYNC");
    acepack_store_options o;
    memset(&o, 0, sizeof o);
    o.io = real && strcmp(real, "1") == 0 ? NULL : w_io_nosync();
    acepack_store *s = NULL;
    CHECK_ST(acepack_store_open(path, ACEPACK_STORE_CREATE, &o, &s, NULL), ACEPACK_OK);
    if (!s)
        return;
    model m;
    model_init(&m);
    static const char *keys[] = {"config/a", "knowledge/agents/ace-ops/AGENT.md", "42"};
    uint64_t kv_bytes = 0;
    for (int i = 0; i < 3; i++) {
        CHECK_ST(acepack_store_put(s, keys[i], strlen(keys[i]), "initial value", 13, NULL),
                 ACEPACK_OK);
        model_put_s(&m, keys[i], "initial value");
        kv_bytes += 4 + 13;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double worst = 0;
    long worst_at = 0;
    uint64_t max_size = 0;
    static char val[256];
    for (long i = 0; i < n_commits; i++) {
        char payload[96];
        int pn =
            snprintf(payload, sizeof payload,
                     "{\"key\":\"state/%ld\",\"payload\":{\"n\":%ld},\"parent_id\":%ld}", i, i, i);
        uint64_t ts = (uint64_t)1700000000000 + (uint64_t)i;
        CHECK_ST(acepack_store_append(s, ts, 1, 2, 0, payload, (size_t)pn, NULL, NULL), ACEPACK_OK);
        model_append(&m, ts, 1, 2, 0, payload, (size_t)pn);
        if (i % 100 == 99) { /* now and then a value changes size too */
            size_t vn = (size_t)(i / 100 % 200);
            memset(val, 'v', vn);
            CHECK_ST(acepack_store_put(s, "config/a", 8, val, vn, NULL), ACEPACK_OK);
            kv_bytes -= 4 + m.kv[0].vn;
            model_put(&m, "config/a", 8, val, vn);
            kv_bytes += 4 + vn;
        }
        CHECK_ST(acepack_store_commit(s, NULL), ACEPACK_OK);

        int fd = open(path, O_RDONLY);
        uint8_t h[128];
        struct stat st;
        if (fd < 0 || pread(fd, h, 128, 0) != 128 || fstat(fd, &st) != 0) {
            t_fail(__FILE__, __LINE__, "cannot read %s", path);
            break;
        }
        close(fd);
        uint64_t live = 128 + kv_bytes + ap_be64(h + 48) + ap_be64(h + 24);
        double ratio = (double)st.st_size / (double)live;
        if (ratio > worst) {
            worst = ratio;
            worst_at = i;
        }
        if ((uint64_t)st.st_size > max_size)
            max_size = (uint64_t)st.st_size;
        if (ratio > 2.5) {
            t_fail(__FILE__, __LINE__, "commit %ld: file %lld bytes > 2.5 x live %llu", i,
                   (long long)st.st_size, (unsigned long long)live);
            break;
        }
        if (n_commits >= 4 && (i + 1) % (n_commits / 4) == 0) /* full checks at the quarters */
            CHECK_MODEL(path, &m);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    acepack_store_info info;
    acepack_store_get_info(s, &info);
    CHECK_ST(acepack_store_close(s, NULL), ACEPACK_OK);
    CHECK_MODEL(path, &m);
    struct stat st;
    stat(path, &st);
    size_t n = 0;
    uint8_t *d = w_read_file(path, &n);
    uint64_t live = w_live_size(d, n);
    free(d);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%ld single-event commits (%s fsync) in %.2f s: worst file/live ratio %.3f "
           "(after commit %ld), largest file %llu bytes; final file %lld bytes, live %llu "
           "bytes; %llu compactions\n",
           n_commits, o.io ? "no" : "real", secs, worst, worst_at, (unsigned long long)max_size,
           (long long)st.st_size, (unsigned long long)live, (unsigned long long)info.compactions);
    CHECK(worst <= 2.0 + 1e-9); /* the default R = 2 */
    CHECK_U64(w_count_files(dir), 1);
    model_free(&m);
    w_rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        n_commits = strtol(argv[1], NULL, 10);
    static const t_test tests[] = {T_TEST("growth", test_growth), T_END};
    return t_main(tests, 1, argv);
}
