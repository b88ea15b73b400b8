/* write_util.c - error helpers of the writer. */
#include "write_internal.h"

acepack_status aw_fail(acepack_error *err, acepack_status status, const char *rule,
                       uint64_t offset, const char *message)
{
    if (err) {
        err->status = status;
        err->rule = rule;
        err->offset = offset;
        err->message = message;
        err->sys_errno = 0;
    }
    return status;
}

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
