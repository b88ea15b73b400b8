/*
 * leak_exit_check.c - the shortcut of tools/acepack/leak_exit.h keeps every
 * leak visible to LeakSanitizer (built and run only under ASan).
 *
 * Two children from one start: one frees what it allocated and must end
 * through the shortcut (status 7, not main's 8); one leaks 16 bytes and must
 * not take it, so that LeakSanitizer's exit check changes its status (23, or
 * SIGABRT with abort_on_error=1) and reports the leak on its stderr.
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leak_exit.h"

enum { SHORTCUT_STATUS = 7, MAIN_STATUS = 8 };

static void *volatile sink; /* keeps the compiler from dropping the allocation */

static int child(int leak)
{
    cli_static_stdio();
    size_t mark = cli_heap_in_use();
    sink = malloc(16);
    if (!leak)
        free(sink);
    sink = NULL;
    printf("%s\n", leak ? "leaked" : "freed");
    cli_exit_if_leak_free(SHORTCUT_STATUS, mark);
    return MAIN_STATUS;
}

/* The child's status: its exit code, or 128 + the signal that ended it. */
static int run(int leak)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        exit(child(leak));
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void)
{
    int freed = run(0), leaked = run(1), bad = 0;
    if (freed != SHORTCUT_STATUS) {
        fprintf(stderr, "FAIL: the child that freed all ended with %d, not %d (the shortcut)\n",
                freed, SHORTCUT_STATUS);
        bad = 1;
    }
    if (leaked == SHORTCUT_STATUS || leaked == MAIN_STATUS || leaked < 0) {
        fprintf(stderr, "FAIL: the leaking child ended with %d: LeakSanitizer did not report\n",
                leaked);
        bad = 1;
    }
    if (!bad)
        printf("leak_exit: freed -> %d (shortcut), leaked -> %d (LeakSanitizer)\n", freed, leaked);
    return bad;
}
