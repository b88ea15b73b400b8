/* write_util.c - error helpers of the writer. */
#include "write_internal.h"

acepack_status aw_fail_io(acepack_error *err, int e, const char *message)
{
    if (err) {
        err->status = ACEPACK_IO;
        err->rule = NULL;
        err->offset = 0;
        err->message = message;
        err->sys_errno = e;
    }
    return ACEPACK_IO;
}
