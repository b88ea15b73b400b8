/*
 * acepack.h - the umbrella header of libacepack: the reader
 * (acepack_read.h, library `acepack_read`) and the writer (acepack_write.h,
 * library `acepack`, which contains the reader too).
 */
#ifndef ACEPACK_H
#define ACEPACK_H

#include "acepack_read.h"
#include "acepack_write.h"

#endif /* ACEPACK_H */
