/*
 * cmd_adapter_serve.c - `acepack adapter serve`: the persistent adapter
 * protocol (team brief "Persistent protocol"): one process answers many
 * read / write / migrate requests framed on stdin / stdout.
 *
 *   request  = u32 H, H bytes JSON header {"op":..,"profile":..,"file":..},
 *              u32 B, B bytes body (the file to read, the dump to write, the
 *              v1 file to migrate)
 *   response = u32 STATUS, u32 O, O bytes stdout, u32 E, E bytes stderr
 *   (all u32 big-endian)
 *
 * Why it works by redirection: each response must be exactly what the
 * per-call command prints.  So the request runs the very same operation
 * function as `adapter read|write|migrate`, with file descriptors 0, 1 and
 * 2 pointed at private temporary files (the body, the captured stdout, the
 * captured stderr).  The protocol stream itself uses duplicates of the
 * original descriptors.  A read names its file in diagnostics, so the
 * temporary body path is replaced by the header's "file" in the captured
 * stderr.  POSIX only.
 */
#if !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1 /* ftruncate, pread, mkstemp with -std=c11 */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "adapter.h"
#include "cli.h"

#define SERVE_MAX_HEADER (1u << 20)

typedef struct serve_files {
    int in, out;           /* the protocol stream (duplicates of fds 0, 1) */
    int body, cap_out, cap_err;
    char body_path[64];
} serve_files;

static int read_full(int fd, void *p, size_t n)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t got = read(fd, b, n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        b += got;
        n -= (size_t)got;
    }
    return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t put = write(fd, b, n);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return -1;
        b += put;
        n -= (size_t)put;
    }
    return 0;
}

/* 1: a u32 was read; 0: clean end of input before it; -1: a broken frame. */
static int read_u32(int fd, uint32_t *v, int eof_ok)
{
    uint8_t b[4];
    ssize_t got;
    do
        got = read(fd, b, 1);
    while (got < 0 && errno == EINTR);
    if (got == 0 && eof_ok)
        return 0;
    if (got != 1 || read_full(fd, b + 1, 3) != 0)
        return -1;
    *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return 1;
}

static int write_u32(int fd, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return write_full(fd, b, 4);
}

/* Copies `len` bytes from `in` to the file `fd` (truncated first). */
static int fill_file(int in, int fd, uint32_t len)
{
    if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
        return -1;
    uint8_t buf[65536];
    while (len > 0) {
        size_t n = len < sizeof buf ? len : sizeof buf;
        if (read_full(in, buf, n) != 0 || write_full(fd, buf, n) != 0)
            return -1;
        len -= (uint32_t)n;
    }
    return lseek(fd, 0, SEEK_SET) == 0 ? 0 : -1;
}

/* The string value of `"name":"..."` in the header, unescaped only for the
 * plain characters the runner sends (anything else: NULL).  The header is a
 * small JSON object; unknown members are ignored as the protocol requires. */
static char *header_string(const char *h, const char *name)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\"%s\"", name);
    const char *p = strstr(h, pat);
    if (p == NULL)
        return NULL;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (*p != '"')
        return NULL;
    const char *start = ++p;
    while (*p != '\0' && *p != '"') {
        if (*p == '\\')
            return NULL; /* escaped names are not needed by the runner */
        p++;
    }
    if (*p != '"')
        return NULL;
    size_t n = (size_t)(p - start);
    char *s = malloc(n + 1);
    if (s != NULL) {
        memcpy(s, start, n);
        s[n] = '\0';
    }
    return s;
}

/* Reads back a capture file, then empties it for the next request. */
static uint8_t *take_capture(int fd, size_t *n)
{
    off_t end = lseek(fd, 0, SEEK_END);
    uint8_t *b = malloc(end > 0 ? (size_t)end : 1);
    *n = 0;
    if (b != NULL && end > 0 && pread(fd, b, (size_t)end, 0) == (ssize_t)end)
        *n = (size_t)end;
    if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
        *n = 0;
    return b;
}

/* stderr with every line that starts with the body path renamed to `name`. */
static uint8_t *rename_lines(const uint8_t *err, size_t n, const char *path, const char *name,
                             size_t *out_n)
{
    size_t pl = strlen(path), nl = strlen(name), lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += err[i] == '\n';
    uint8_t *out = malloc(n + lines * (nl > pl ? nl - pl : 0) + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if ((i == 0 || err[i - 1] == '\n') && n - i >= pl && memcmp(err + i, path, pl) == 0) {
            memcpy(out + o, name, nl);
            o += nl;
            i += pl;
            continue;
        }
        out[o++] = err[i++];
    }
    *out_n = o;
    return out;
}

static int run_op(const cli_command *self, char *op, char *profile, char *path)
{
    char *argv[5];
    char pflag[] = "--profile";
    argv[0] = op;
    int argc = 1;
    if (strcmp(op, "read") == 0)
        argv[argc++] = path;
    if (strcmp(op, "write") != 0 && profile != NULL) {
        argv[argc++] = pflag;
        argv[argc++] = profile;
    }
    argv[argc] = NULL;
    if (strcmp(op, "read") == 0)
        return cli_adapter_read(self, argc, argv);
    if (strcmp(op, "write") == 0)
        return cli_adapter_write(self, argc, argv);
    if (strcmp(op, "migrate") == 0)
        return cli_adapter_migrate(self, argc, argv);
    fprintf(stderr, "acepack adapter serve: unknown op '%s'\n", op);
    return CLI_EXIT_USAGE;
}

/* One request: 1 answered, 0 clean end of input, -1 broken stream. */
static int serve_one(const cli_command *self, serve_files *f)
{
    uint32_t hlen, blen;
    int r = read_u32(f->in, &hlen, 1);
    if (r <= 0)
        return r;
    /* Drop what a previous operation left buffered in stdin (it is a regular
     * file, so fflush is defined) before the body file is rewritten. */
    fflush(stdin);
    clearerr(stdin);
    if (hlen > SERVE_MAX_HEADER)
        return -1;
    char *h = malloc((size_t)hlen + 1);
    if (h == NULL || read_full(f->in, h, hlen) != 0 || read_u32(f->in, &blen, 0) != 1 ||
        fill_file(f->in, f->body, blen) != 0) {
        free(h);
        return -1;
    }
    h[hlen] = '\0';
    char *op = header_string(h, "op"), *profile = header_string(h, "profile");
    char *name = header_string(h, "file");
    free(h);

    int rc = op == NULL ? CLI_EXIT_USAGE : run_op(self, op, profile, f->body_path);
    if (op == NULL)
        fputs("acepack adapter serve: request header without \"op\"\n", stderr);
    fflush(stdout);
    fflush(stderr);
    clearerr(stdout);
    clearerr(stderr);

    size_t on, en, rn = 0;
    uint8_t *o = take_capture(f->cap_out, &on), *e = take_capture(f->cap_err, &en);
    uint8_t *renamed = e != NULL && name != NULL ? rename_lines(e, en, f->body_path, name, &rn)
                                                 : NULL;
    int ok = o != NULL && e != NULL && write_u32(f->out, (uint32_t)rc) == 0 &&
             write_u32(f->out, (uint32_t)on) == 0 && write_full(f->out, o, on) == 0 &&
             write_u32(f->out, (uint32_t)(renamed ? rn : en)) == 0 &&
             write_full(f->out, renamed ? renamed : e, renamed ? rn : en) == 0;
    free(o);
    free(e);
    free(renamed);
    free(op);
    free(profile);
    free(name);
    return ok ? 1 : -1;
}

static int temp_file(char *path, size_t size)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, size, "%s/acepack-serve-XXXXXX", dir && *dir && strlen(dir) < 32 ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

int cli_adapter_serve(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, NULL, 0, 0, 0, &a);
    if (rc >= 0)
        return rc;
    serve_files f;
    char scratch[64];
    memset(&f, 0, sizeof f);
    fflush(stdout);
    f.in = dup(0);
    f.out = dup(1);
    /* The body file is unlinked at once (nothing is left behind when the server is
     * killed); reads name it by its descriptor, /dev/fd/N. */
    f.body = temp_file(f.body_path, sizeof f.body_path);
    if (f.body >= 0)
        snprintf(f.body_path, sizeof f.body_path, "/dev/fd/%d", f.body);
    f.cap_out = temp_file(scratch, sizeof scratch);
    f.cap_err = temp_file(scratch, sizeof scratch);
    int saved_err = dup(2);
    if (f.in < 0 || f.out < 0 || f.body < 0 || f.cap_out < 0 || f.cap_err < 0 ||
        saved_err < 0 || dup2(f.body, 0) < 0 || dup2(f.cap_out, 1) < 0 ||
        dup2(f.cap_err, 2) < 0) {
        if (saved_err >= 0)
            dup2(saved_err, 2);
        fprintf(stderr, "acepack adapter serve: cannot set up: %s\n", strerror(errno));
        return CLI_EXIT_USAGE;
    }
    int r;
    while ((r = serve_one(self, &f)) == 1)
        ;
    dup2(saved_err, 2);
    if (r < 0) {
        fputs("acepack adapter serve: broken request stream\n", stderr);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}
