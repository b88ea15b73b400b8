/*
 * write_store_load.h - loading an opened file into a store's model
 * (private), above the model.
 */
#ifndef ACEPACK_WRITE_STORE_LOAD_H
#define ACEPACK_WRITE_STORE_LOAD_H

#include "write_store_model.h"

/* Loads the validated v2 file `r` into the empty model s. */
acepack_status aw_store_load(acepack_store *s, const acepack_reader *r, acepack_error *err);

#endif /* ACEPACK_WRITE_STORE_LOAD_H */
