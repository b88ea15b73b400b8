/*
 * write_store.c - a consumer of the installed writer (tests/project/test_install.py): it
 * creates a store at the path given, puts one key and appends two events, commits, closes,
 * then opens the store again and prints what it reads back.
 */
#include <stdio.h>
#include <string.h>

#include <acepack.h>

static int failed(const char *what, acepack_status st, const acepack_error *e)
{
    fprintf(stderr, "%s: %s (%s at %llu)\n", what, acepack_status_name(st), e->rule ? e->rule : "-",
            (unsigned long long)e->offset);
    return 1;
}

int main(int argc, char **argv)
{
    acepack_store *s = NULL;
    acepack_store_info info;
    acepack_error e;
    acepack_status st;
    char value[16];
    size_t n = 0;
    memset(&e, 0, sizeof e);
    if (argc != 2) {
        fprintf(stderr, "usage: %s STORE\n", argv[0]);
        return 2;
    }
    if ((st = acepack_store_open(argv[1], ACEPACK_STORE_CREATE, NULL, &s, &e)) != ACEPACK_OK)
        return failed("open", st, &e);
    if ((st = acepack_store_put(s, "greeting", 8, "hello", 5, &e)) != ACEPACK_OK ||
        (st = acepack_store_append(s, 1000, 1, 2, 0, "{}", 2, NULL, &e)) != ACEPACK_OK ||
        (st = acepack_store_append(s, 2000, 3, 4, 0, "{\"n\":1}", 7, NULL, &e)) != ACEPACK_OK ||
        (st = acepack_store_commit(s, &e)) != ACEPACK_OK)
        return failed("write", st, &e);
    if ((st = acepack_store_close(s, &e)) != ACEPACK_OK)
        return failed("close", st, &e);
    s = NULL;
    if ((st = acepack_store_open(argv[1], 0, NULL, &s, &e)) != ACEPACK_OK)
        return failed("reopen", st, &e);
    if ((st = acepack_store_get(s, "greeting", 8, value, sizeof value, &n, &e)) != ACEPACK_OK)
        return failed("get", st, &e);
    acepack_store_get_info(s, &info);
    printf("keys %llu events %llu greeting=%.*s\n", (unsigned long long)info.key_count,
           (unsigned long long)info.event_count, (int)n, value);
    if ((st = acepack_store_close(s, &e)) != ACEPACK_OK)
        return failed("close", st, &e);
    return 0;
}
