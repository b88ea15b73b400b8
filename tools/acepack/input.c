/*
 * input.c - getting a whole file into memory.  Regular files are mapped
 * (acepack_map_file); stdin ("-") and anything that cannot be mapped
 * (pipes, /dev/fd/N, process substitution) is read fully into the heap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "serve.h"

/* What "-" is called in messages; `adapter serve` names each request's body. */
static const char *stdin_name = "<stdin>";

void cli_input_set_stdin_name(const char *name)
{
    stdin_name = name;
}

/* Reads all of `f` into a heap buffer.  @return 0, or an errno value
 * (ENOMEM when the size does not fit the memory). */
static int read_all(FILE *f, uint8_t **out, size_t *out_size)
{
    size_t cap = 0, size = 0;
    uint8_t *buf = NULL;
    for (;;) {
        if (size == cap) {
            size_t ncap = cap ? cap * 2u : 65536u;
            if (ncap < cap) { /* the doubling overflowed */
                free(buf);
                return ENOMEM;
            }
            uint8_t *nbuf = realloc(buf, ncap);
            if (nbuf == NULL) {
                free(buf);
                return ENOMEM;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + size, 1, cap - size, f);
        size += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno ? errno : EIO;
                free(buf);
                return e;
            }
            break;
        }
    }
    *out = buf;
    *out_size = size;
    return 0;
}

int cli_input_load(cli_input *in, const char *arg)
{
    memset(in, 0, sizeof *in);
    int is_stdin = strcmp(arg, "-") == 0;
    in->name = is_stdin ? stdin_name : arg;
    struct stat st;
    /* Only a regular file is mapped: anything else (a FIFO, a device) is
     * opened once and read as a stream, since opening it twice would lose
     * what was written to it or block (W-COMMIT-8 is the writers' rule; the
     * readers follow it too). */
    if (!is_stdin && stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
        acepack_error e;
        memset(&e, 0, sizeof e);
        acepack_status s = acepack_map_file(arg, &in->map, &e);
        if (s == ACEPACK_OK) {
            in->data = in->map.data;
            in->size = in->map.size;
            return CLI_EXIT_OK;
        }
        if (s == ACEPACK_UNSUPPORTED) {
            cli_report_msg(in->name, "file too large for this implementation (%s)",
                           e.message ? e.message : "unsupported");
            return CLI_EXIT_UNSUPPORTED;
        }
        if (s != ACEPACK_IO) {
            cli_report(in->name, &e);
            return cli_exit_code(s);
        }
        /* Not mappable: fall through to reading it as a stream, which also
         * gives the right error for a missing file or a directory. */
    }
    FILE *f = is_stdin ? stdin : fopen(arg, "rb");
    if (f == NULL) {
        cli_report_msg(in->name, "cannot open: %s", strerror(errno));
        return CLI_EXIT_USAGE;
    }
    errno = 0;
    int rc = read_all(f, &in->heap, &in->size);
    if (!is_stdin)
        fclose(f);
    if (rc != 0) {
        if (rc == ENOMEM) {
            cli_report_msg(in->name, "file too large for the available memory");
            return CLI_EXIT_UNSUPPORTED;
        }
        cli_report_msg(in->name, "cannot read: %s", strerror(rc));
        return CLI_EXIT_USAGE;
    }
    in->data = in->size ? in->heap : NULL;
    return CLI_EXIT_OK;
}

void cli_input_free(cli_input *in)
{
    if (in->heap != NULL)
        free(in->heap);
    else
        acepack_unmap(&in->map);
    memset(in, 0, sizeof *in);
}
