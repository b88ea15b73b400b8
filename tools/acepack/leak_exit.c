/*
 * leak_exit.c - see leak_exit.h.
 */
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "leak_exit.h"

#include <stdio.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CLI_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(CLI_ASAN)
#define CLI_ASAN 1
#endif

#ifdef CLI_ASAN
/* The sanitizer runtime's count (<sanitizer/allocator_interface.h>, declared
 * here: gcc installs no such header). */
size_t __sanitizer_get_current_allocated_bytes(void);

void cli_static_stdio(void)
{
    static char in_buffer[BUFSIZ], out_buffer[BUFSIZ];
    setvbuf(stdin, in_buffer, isatty(0) ? _IOLBF : _IOFBF, sizeof in_buffer);
    setvbuf(stdout, out_buffer, isatty(1) ? _IOLBF : _IOFBF, sizeof out_buffer);
}

size_t cli_heap_in_use(void)
{
    return __sanitizer_get_current_allocated_bytes();
}

void cli_exit_if_leak_free(int rc, size_t mark)
{
    if (fflush(stdout) == 0 && fflush(stderr) == 0 &&
        __sanitizer_get_current_allocated_bytes() == mark)
        _exit(rc);
}
#else
void cli_static_stdio(void)
{
}

size_t cli_heap_in_use(void)
{
    return 0;
}

void cli_exit_if_leak_free(int rc, size_t mark)
{
    (void)rc;
    (void)mark;
}
#endif
