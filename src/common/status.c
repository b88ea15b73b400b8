/* status.c - status names and the error helper. */
#include "common.h"

const char *acepack_version_string(void)
{
    return ACEPACK_VERSION_STRING;
}

const char *acepack_status_name(acepack_status status)
{
    switch (status) {
    case ACEPACK_OK:
        return "ok";
    case ACEPACK_TRUNCATED:
        return "truncated";
    case ACEPACK_BAD_MAGIC:
        return "bad_magic";
    case ACEPACK_BAD_VERSION:
        return "bad_version";
    case ACEPACK_UNSUPPORTED_FEATURE:
        return "unsupported_feature";
    case ACEPACK_INVALID:
        return "invalid";
    case ACEPACK_UNSUPPORTED:
        return "unsupported";
    case ACEPACK_NOMEM:
        return "nomem";
    case ACEPACK_NOT_FOUND:
        return "not_found";
    case ACEPACK_ARG:
        return "arg";
    case ACEPACK_IO:
        return "io";
    case ACEPACK_LOCKED:
        return "locked";
    case ACEPACK_CALLBACK:
        return "callback";
    }
    return "unknown";
}

int acepack_status_is_invalid(acepack_status status)
{
    return status >= ACEPACK_TRUNCATED && status <= ACEPACK_INVALID;
}

acepack_status ap_fail(acepack_error *err, acepack_status status, const char *rule, uint64_t offset,
                       const char *message)
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
