/*
 * forkrun.c - runs many `acepack` command lines in one process, each in a
 * forked child: the driver of the cli.valgrind.* tests (run_cli_tests.py
 * --valgrind).
 *
 * Why: under valgrind every process start costs ~0.6 s of CPU (valgrind's
 * own start, whatever the program does), and the CLI tests make hundreds of
 * calls.  A child forked inside valgrind is still checked by valgrind (its
 * own memory errors, its own leak check at exit, --error-exitcode applies to
 * its exit status) but does not pay the start again.  Each child runs the
 * CLI's real main() (tools/acepack/main.c, renamed acepack_cli_main by
 * forkrun_cli_main.c) with a fresh copy of the untouched process: no state
 * of one call reaches the next, as with one process per call.
 *
 * Protocol (all integers u32 big-endian), on stdin / stdout:
 *   request  = u32 ARGC, ARGC x (u32 LEN, LEN bytes), u32 N, N bytes stdin
 *   response = u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr
 * STATUS is the child's exit status, or 128 + the signal that ended it.
 * The child's stdin is a pipe (as for a process started by the test), its
 * stdout and stderr are temporary files.  Exit 0 at the end of input, 2 on a
 * malformed or truncated request or an operating-system error.
 */
#define _POSIX_C_SOURCE 200809L /* fileno, fork, pipe, dup2 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int acepack_cli_main(int argc, char **argv);

/* Large enough for every test input; a bound so that a corrupt length
 * cannot ask for gigabytes. */
#define FR_MAX_ITEM (64u << 20)
#define FR_MAX_ARGS 256u

static int read_full(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* 1 = a value, 0 = clean end of input (only where allowed), -1 = error. */
static int read_u32(uint32_t *v, int eof_ok)
{
    unsigned char b[4];
    ssize_t r;
    do
        r = read(0, b, 1);
    while (r < 0 && errno == EINTR);
    if (r == 0 && eof_ok)
        return 0;
    if (r != 1 || read_full(0, b + 1, 3) != 0)
        return -1;
    *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return 1;
}

static int write_u32(uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    return write_full(1, b, 4);
}

/* A length-prefixed item, NUL-terminated for use as an argument. */
static char *read_item(uint32_t *len)
{
    if (read_u32(len, 0) != 1 || *len > FR_MAX_ITEM)
        return NULL;
    char *p = malloc((size_t)*len + 1);
    if (p == NULL || read_full(0, p, *len) != 0) {
        free(p);
        return NULL;
    }
    p[*len] = '\0';
    return p;
}

/* The whole of a temporary file, written to stdout as u32 LEN + bytes. */
static int send_file(FILE *f)
{
    long size;
    if (fflush(f) != 0 || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        (unsigned long)size > FR_MAX_ITEM || fseek(f, 0, SEEK_SET) != 0)
        return -1;
    char *buf = malloc((size_t)size + 1);
    int rc = -1;
    if (buf != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size &&
        write_u32((uint32_t)size) == 0 && write_full(1, buf, (size_t)size) == 0)
        rc = 0;
    free(buf);
    return rc;
}

/* In the child: stdin from the pipe, stdout/stderr into the files, then the
 * CLI; exit() (not _exit) so that stdio is flushed as at the end of main. */
static void child(int in, FILE *out, FILE *err, int argc, char **argv)
{
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in, 0) < 0 || dup2(fileno(out), 1) < 0 || dup2(fileno(err), 2) < 0)
        _exit(125);
    close(in);
    exit(acepack_cli_main(argc, argv));
}

static int one_request(uint32_t argc_u)
{
    if (argc_u == 0 || argc_u > FR_MAX_ARGS)
        return -1;
    int argc = (int)argc_u, rc = -1;
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    char *input = NULL;
    uint32_t len, in_len;
    FILE *out = NULL, *err = NULL;
    int pipefd[2] = {-1, -1};
    if (argv == NULL)
        goto done;
    for (int i = 0; i < argc; i++)
        if ((argv[i] = read_item(&len)) == NULL)
            goto done;
    if ((input = read_item(&in_len)) == NULL)
        goto done;
    if ((out = tmpfile()) == NULL || (err = tmpfile()) == NULL || pipe(pipefd) != 0)
        goto done;
    /* Nothing of the driver's may be pending in a stdio buffer the child
     * would flush into its own output. */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        goto done;
    if (pid == 0) {
        close(pipefd[1]);
        child(pipefd[0], out, err, argc, argv);
    }
    close(pipefd[0]);
    pipefd[0] = -1;
    /* The child's output goes to files, so it never waits for us: writing its
     * whole input before waiting cannot deadlock.  A child that stops
     * reading early makes this write fail (EPIPE, SIGPIPE ignored): fine. */
    (void)write_full(pipefd[1], input, in_len);
    close(pipefd[1]);
    pipefd[1] = -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            goto done;
    uint32_t st =
        WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) : 128u + (uint32_t)WTERMSIG(status);
    if (write_u32(st) == 0 && send_file(out) == 0 && send_file(err) == 0)
        rc = 0;
done:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (out != NULL)
        fclose(out);
    if (err != NULL)
        fclose(err);
    free(input);
    if (argv != NULL)
        for (int i = 0; i < argc; i++)
            free(argv[i]);
    free(argv);
    return rc;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        uint32_t argc;
        int r = read_u32(&argc, 1);
        if (r == 0)
            return 0;
        if (r < 0 || one_request(argc) != 0) {
            fprintf(stderr, "forkrun: malformed or truncated request, or an I/O error\n");
            return 2;
        }
    }
}
