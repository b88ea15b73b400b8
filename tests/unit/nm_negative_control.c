/* nm_negative_control.c - an object that does allocate: check_no_alloc.cmake
 * must reject the library built from it (test unit.noalloc.nm_negative_control,
 * WILL_FAIL), which shows that the check can fail. */
#include <stdlib.h>

void *nm_negative_control(size_t n);

void *nm_negative_control(size_t n)
{
    return malloc(n);
}
