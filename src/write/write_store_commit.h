/*
 * write_store_commit.h - commit and compaction of a store (private; spec
 * 9.1, W-COMMIT-*, W-COMPACT-*), above the model.
 */
#ifndef ACEPACK_WRITE_STORE_COMMIT_H
#define ACEPACK_WRITE_STORE_COMMIT_H

#include "write_store_model.h"

/* Writes the pending changes (compacting instead when W-COMPACT-2 asks for
 * it, or always with force_compact). */
acepack_status aw_store_commit(acepack_store *s, int force_compact, acepack_error *err);

#endif /* ACEPACK_WRITE_STORE_COMMIT_H */
