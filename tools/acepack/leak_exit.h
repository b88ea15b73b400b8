/*
 * leak_exit.h - ending a process cheaply under AddressSanitizer.
 *
 * LeakSanitizer's check at exit costs ~40-70 ms per process on this
 * project's machines (it stops the world and scans the heap): most of what
 * an ASan test that starts the CLI hundreds of times spends.  A process
 * whose heap holds, at its end, exactly the bytes it held at a mark cannot
 * have leaked anything allocated since, so it may skip that check; any
 * other process exits normally and LeakSanitizer reports what it leaked.
 * Outside ASan builds these do nothing (cli_exit_if_leak_free returns).
 */
#ifndef ACEPACK_CLI_LEAK_EXIT_H
#define ACEPACK_CLI_LEAK_EXIT_H

#include <stddef.h>

/* Gives stdin and stdout static buffers (the modes the C library would
 * choose), so that the first read and printf of a command add no heap
 * block to the count; call before any I/O on them.  Only under ASan. */
void cli_static_stdio(void);

/* Bytes allocated and not yet freed (0 outside ASan builds). */
size_t cli_heap_in_use(void);

/* Ends the process with status rc, after flushing stdio, without the exit
 * checks, if the heap is back at `mark` (cli_heap_in_use() of earlier);
 * otherwise returns and the caller exits normally. */
void cli_exit_if_leak_free(int rc, size_t mark);

#endif
