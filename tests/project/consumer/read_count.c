/*
 * read_count.c - a consumer of the installed reader alone (tests/project/test_install.py):
 * it includes only acepack_read.h and links only acepack_read, and prints the event and
 * key counts of the file named on the command line (opened under strict).
 */
#include <stdio.h>

#include <acepack_read.h>

int main(int argc, char **argv)
{
    acepack_mapping m;
    acepack_reader r;
    acepack_error e;
    acepack_status st;
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    if ((st = acepack_map_file(argv[1], &m, &e)) != ACEPACK_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], acepack_status_name(st));
        return 1;
    }
    st = acepack_open(&r, m.data, m.size, ACEPACK_STRICT, &e);
    if (st != ACEPACK_OK) {
        fprintf(stderr, "%s:%llu: %s: %s\n", argv[1], (unsigned long long)e.offset,
                e.rule ? e.rule : "-", acepack_status_name(st));
        acepack_unmap(&m);
        return 1;
    }
    printf("events %lu keys %llu\n", (unsigned long)acepack_event_count(&r),
           (unsigned long long)r.entry_count);
    acepack_unmap(&m);
    return 0;
}
