/*
 * cmd_adapter_serve.c - `acepack adapter serve`: the persistent conformance
 * protocol (conformance/README.md, "Persistent protocol").
 *
 *   request  = u32 H, H bytes JSON header, u32 B, B bytes body
 *   response = u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr
 *
 * (u32 big-endian).  Each request runs in a forked child exactly as the
 * per-call command would run (`adapter read - --profile P`, `adapter write`,
 * `adapter migrate --profile P`) with the body as its stdin and its stdout
 * and stderr in temporary files, so a response is byte for byte what the
 * per-call command prints and exits with, and no request can leave state
 * (or leaks, or a crash) behind for the next.  A child killed by signal N is
 * answered with STATUS 128+N, which the runner scores as the crash it is.
 * The loop itself uses read(2)/write(2) on fds 0 and 1, never stdio: the
 * children inherit the stdio buffers, which must stay empty.
 * Under AddressSanitizer a child whose request freed every byte it
 * allocated ends without LeakSanitizer's costly exit check (leak_exit.h).
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/common/bytes.h"
#include "adapter.h"
#include "commands.h"
#include "leak_exit.h"
#include "serve.h"

enum { SERVE_END = 0, SERVE_NEXT = 1, SERVE_BROKEN = -1 };

/* Reads exactly n bytes from fd 0.  @return n, 0 at a clean end of input
 * (nothing read), -1 on a truncated or failed read. */
static ssize_t read_exact(uint8_t *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(0, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return got == 0 && r == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return (ssize_t)n;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

static int put_u32(uint32_t v)
{
    uint8_t b[4];
    ap_put_be32(b, v);
    return write_all(1, b, 4);
}

/* An empty temporary file, reused for every request (truncated here). */
static int reset(FILE *f)
{
    return fflush(f) == 0 && ftruncate(fileno(f), 0) == 0 && lseek(fileno(f), 0, SEEK_SET) == 0;
}

/* Copies the body (B bytes of fd 0) into `in`, in chunks: the body may be
 * large, and nothing of it needs to be in memory here. */
static int body_to_file(uint32_t size, FILE *in)
{
    uint8_t buf[65536];
    while (size > 0) {
        size_t n = size < sizeof buf ? size : sizeof buf;
        if (read_exact(buf, n) != (ssize_t)n || !write_all(fileno(in), buf, n))
            return 0;
        size -= (uint32_t)n;
    }
    return lseek(fileno(in), 0, SEEK_SET) == 0;
}

/* Sends u32 size + the whole content of a temporary file. */
static int send_file(FILE *f)
{
    off_t size = lseek(fileno(f), 0, SEEK_END);
    if (size < 0 || (uint64_t)size > UINT32_MAX || lseek(fileno(f), 0, SEEK_SET) != 0 ||
        !put_u32((uint32_t)size))
        return 0;
    uint8_t buf[65536];
    for (;;) {
        ssize_t r = read(fileno(f), buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return 0;
        if (r == 0)
            return 1;
        if (!write_all(1, buf, (size_t)r))
            return 0;
    }
}

/* The per-call command with fds 0/1/2 on the request's files, in this
 * process.  adapter_cmd is `acepack adapter` itself (the `self` serve was run
 * with): naming it here would make this file and cmd_adapter.c use each
 * other.  @return its exit status. */
static int run_request(const cli_command *adapter_cmd, const serve_header *h, FILE *in, FILE *out,
                       FILE *err)
{
    char op[sizeof h->op], profile[sizeof h->profile], dash[] = "-", popt[] = "--profile";
    char adapter[] = "adapter";
    memcpy(op, h->op, sizeof op);
    memcpy(profile, h->profile, sizeof profile);
    char *argv[6] = {adapter, op, NULL, NULL, NULL, NULL};
    int argc = 2;
    if (strcmp(op, "read") == 0)
        argv[argc++] = dash;
    if (strcmp(op, "write") != 0) {
        argv[argc++] = popt;
        argv[argc++] = profile;
    }
    if (dup2(fileno(in), 0) < 0 || dup2(fileno(out), 1) < 0 || dup2(fileno(err), 2) < 0)
        return CLI_EXIT_USAGE;
    /* A stream reused from an earlier request: its buffer and end-of-file
     * flag belong to the old file (fseek drops both). */
    if (fseek(stdin, 0, SEEK_SET) != 0)
        return CLI_EXIT_USAGE;
    clearerr(stdout);
    clearerr(stderr);
    cli_input_set_stdin_name(h->file);
    int rc = adapter_cmd->run(adapter_cmd, argc, argv);
    /* As main() does: output that could not be written is not a success. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && rc == CLI_EXIT_OK)
        rc = CLI_EXIT_USAGE;
    fflush(stderr);
    return rc;
}

/* The request in a forked child, which ends with its exit status. */
static void run_child(const cli_command *adapter_cmd, const serve_header *h, FILE *in, FILE *out,
                      FILE *err)
{
    size_t mark = cli_heap_in_use();
    int rc = run_request(adapter_cmd, h, in, out, err);
    cli_exit_if_leak_free(rc, mark);
    exit(rc); /* exit(), not _exit(): flushes stdio, runs the sanitizers' checks */
}

/* The request in this process (ACEPACK_SERVE_IN_PROCESS=1), for machines where
 * a fork is what a request costs (under qemu-user a fork and the child's
 * fresh code translation take ~50 ms of CPU): the server's fds 0/1/2 are
 * saved around it.  A crash ends the server, which the runner attributes to
 * the request in flight; what this mode gives up is the isolation (a leak or
 * a corrupted heap stays for the next request), so CI uses it only where
 * the same suite also runs forked. */
static int run_here(const cli_command *adapter_cmd, const serve_header *h, FILE *in, FILE *out,
                    FILE *err, uint32_t *code)
{
    int saved[3] = {dup(0), dup(1), dup(2)};
    int ok = saved[0] >= 0 && saved[1] >= 0 && saved[2] >= 0;
    if (ok)
        *code = (uint32_t)run_request(adapter_cmd, h, in, out, err);
    for (int fd = 0; fd < 3; fd++) {
        if (saved[fd] >= 0 && dup2(saved[fd], fd) < 0)
            ok = 0;
        if (saved[fd] >= 0)
            close(saved[fd]);
    }
    return ok;
}

/* A status and a message on stderr for a request that never ran. */
static int answer_error(uint32_t status, const char *msg)
{
    size_t n = strlen(msg);
    return put_u32(status) && put_u32(0) && put_u32((uint32_t)n + 1) &&
           write_all(1, (const uint8_t *)msg, n) && write_all(1, (const uint8_t *)"\n", 1);
}

/* One request.  @return SERVE_NEXT, SERVE_END (end of input) or
 * SERVE_BROKEN (a truncated request or a failed write: stop). */
static int one_request(const cli_command *adapter_cmd, FILE *in, FILE *out, FILE *err,
                       int in_process)
{
    uint8_t len[4];
    ssize_t r = read_exact(len, 4);
    if (r == 0)
        return SERVE_END;
    uint32_t hsize = r == 4 ? ap_be32(len) : 0;
    if (r != 4 || hsize > SERVE_MAX_HEADER) {
        fprintf(stderr, "acepack adapter serve: %s\n",
                r != 4 ? "truncated request" : "request header longer than 64 KiB");
        return SERVE_BROKEN;
    }
    static uint8_t head[SERVE_MAX_HEADER];
    if (read_exact(head, hsize) != (ssize_t)hsize || read_exact(len, 4) != 4 || !reset(in) ||
        !body_to_file(ap_be32(len), in)) {
        fprintf(stderr, "acepack adapter serve: truncated request\n");
        return SERVE_BROKEN;
    }
    serve_header h;
    const char *why;
    if (!serve_parse_header(head, hsize, &h, &why))
        return answer_error(CLI_EXIT_USAGE, why) ? SERVE_NEXT : SERVE_BROKEN;
    if (strcmp(h.op, "read") != 0 && strcmp(h.op, "write") != 0 && strcmp(h.op, "migrate") != 0)
        return answer_error(CLI_EXIT_USAGE, "`op` must be read, write or migrate") ? SERVE_NEXT
                                                                                   : SERVE_BROKEN;
    if (!reset(out) || !reset(err))
        return answer_error(CLI_EXIT_USAGE, "cannot reset the temporary files") ? SERVE_NEXT
                                                                                : SERVE_BROKEN;
    if (in_process) {
        uint32_t code = CLI_EXIT_USAGE;
        if (!run_here(adapter_cmd, &h, in, out, err, &code))
            return SERVE_BROKEN; /* fds 0/1 may no longer be the runner's */
        return put_u32(code) && send_file(out) && send_file(err) ? SERVE_NEXT : SERVE_BROKEN;
    }
    pid_t pid = fork();
    if (pid == 0)
        run_child(adapter_cmd, &h, in, out, err);
    int status = 0;
    if (pid < 0)
        return answer_error(CLI_EXIT_UNSUPPORTED, "fork failed (a limit of this machine)")
                   ? SERVE_NEXT
                   : SERVE_BROKEN;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return SERVE_BROKEN;
    uint32_t code =
        WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) : 128u + (uint32_t)WTERMSIG(status);
    return put_u32(code) && send_file(out) && send_file(err) ? SERVE_NEXT : SERVE_BROKEN;
}

int cli_adapter_serve(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, NULL, 0, 0, 0, &a);
    if (rc >= 0)
        return rc;
    FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
    if (in == NULL || out == NULL || err == NULL) {
        fprintf(stderr, "acepack adapter serve: cannot create temporary files: %s\n",
                strerror(errno));
        return CLI_EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN); /* a runner that went away: write() fails, we stop */

    int step;
    const char *mode = getenv("ACEPACK_SERVE_IN_PROCESS");
    int in_process = mode != NULL && strcmp(mode, "1") == 0;
    while ((step = one_request(self, in, out, err, in_process)) == SERVE_NEXT)
        continue;
    fclose(in);
    fclose(out);
    fclose(err);
    return step == SERVE_END ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
