/*
 * write_input.c - the inputs of the writing commands (a value, a payload):
 * opened once, read once with read(2), never mapped.
 *
 * Why not a map: the input may be the store itself (put s.ace x s.ace) and
 * opening the store truncates its tail, or another process may truncate the
 * input while it is copied; a map turns either into SIGBUS.  read(2) turns
 * them into an error (W-COMMIT-7).  Why once: a FIFO, a character device or
 * a /proc file gives its bytes to one reader only; opening it twice loses
 * them or blocks (W-COMMIT-8).
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_winput_open(cli_winput *w, const char *arg, const char *store)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    int is_stdin = strcmp(arg, "-") == 0;
    w->name = is_stdin ? "<stdin>" : arg;
    if (is_stdin) {
        w->fd = STDIN_FILENO;
    } else {
        do
            w->fd = open(arg, O_RDONLY | O_CLOEXEC);
        while (w->fd < 0 && errno == EINTR);
        if (w->fd < 0) {
            cli_report_msg(w->name, "cannot open: %s", strerror(errno));
            return CLI_EXIT_USAGE;
        }
        w->owned = 1;
    }
    struct stat in, st;
    if (fstat(w->fd, &in) != 0) {
        cli_report_msg(w->name, "cannot stat: %s", strerror(errno));
        cli_winput_close(w);
        return CLI_EXIT_USAGE;
    }
    if (S_ISDIR(in.st_mode)) {
        cli_report_msg(w->name, "cannot read: %s", strerror(EISDIR));
        cli_winput_close(w);
        return CLI_EXIT_USAGE;
    }
    /* stat follows links, as the writer does (W-COMMIT-6). */
    if (store && stat(store, &st) == 0 && st.st_dev == in.st_dev && st.st_ino == in.st_ino) {
        cli_report_msg(w->name, "the input is the store itself (W-COMMIT-7): copy it first");
        cli_winput_close(w);
        return CLI_EXIT_USAGE;
    }
    w->regular = S_ISREG(in.st_mode);
    w->expect = w->regular && in.st_size > 0 ? (uint64_t)in.st_size : 0;
    return CLI_EXIT_OK;
}

int cli_winput_read(void *ctx, void *buf, size_t cap, size_t *got)
{
    cli_winput *w = ctx;
    ssize_t r;
    do
        r = read(w->fd, buf, cap);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return w->err = errno ? errno : EIO;
    *got = (size_t)r;
    w->done += (uint64_t)r;
    /* A regular file that ends before the size it had when opened was
     * truncated meanwhile: its bytes are not the file the user named.
     * (A /proc file reports size 0 and is read to its end.) */
    if (r == 0 && w->done < w->expect) {
        w->changed = 1;
        return w->err = EIO;
    }
    return 0;
}

int cli_winput_load(cli_winput *w, cli_input *in)
{
    memset(in, 0, sizeof *in);
    in->name = w->name;
    /* A regular file's size is the first guess (+1 to see its end at once). */
    size_t first = w->expect && w->expect < SIZE_MAX / 2u ? (size_t)w->expect + 1u : 65536u;
    size_t cap = 0, size = 0;
    uint8_t *buf = NULL;
    for (;;) {
        if (size == cap) {
            size_t ncap = cap ? cap * 2u : first;
            uint8_t *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nb) {
                free(buf);
                cli_report_msg(w->name, "file too large for the available memory");
                return CLI_EXIT_UNSUPPORTED;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = 0;
        if (cli_winput_read(w, buf + size, cap - size, &got) != 0) {
            free(buf);
            return cli_winput_failed(w);
        }
        if (got == 0)
            break;
        size += got;
    }
    in->heap = buf;
    in->size = size;
    in->data = size ? buf : NULL;
    return CLI_EXIT_OK;
}

int cli_winput_failed(const cli_winput *w)
{
    if (w->changed)
        cli_report_msg(w->name, "the file changed size while it was read (W-COMMIT-7)");
    else
        cli_report_msg(w->name, "cannot read: %s", strerror(w->err ? w->err : EIO));
    return CLI_EXIT_USAGE;
}

void cli_winput_close(cli_winput *w)
{
    if (w->owned && w->fd >= 0)
        close(w->fd);
    w->fd = -1;
    w->owned = 0;
}
