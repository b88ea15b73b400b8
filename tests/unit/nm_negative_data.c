/* nm_negative_data.c - an object with mutable static state and no allocation:
 * check_no_alloc.cmake must reject the library built from it (test
 * unit.noalloc.nm_negative_data), which shows that the data check can fail. */
#include <string.h>

int nm_negative_counter;
size_t nm_negative_data(const char *s);

size_t nm_negative_data(const char *s)
{
    nm_negative_counter++;
    return strlen(s);
}
