/*
 * common.h - what the reader and the writer share (not installed): the public
 * reader header (status codes, acepack_error), the byte helpers of bytes.h,
 * and the error helper of status.c.
 */
#ifndef ACEPACK_COMMON_H
#define ACEPACK_COMMON_H

#include "acepack_read.h"
#include "bytes.h"

/* ---- status.c ---- */

/* Stores the error (when err is not NULL) and returns status. */
acepack_status ap_fail(acepack_error *err, acepack_status status, const char *rule, uint64_t offset,
                       const char *message);

#endif /* ACEPACK_COMMON_H */
