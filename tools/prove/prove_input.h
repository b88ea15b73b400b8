/*
 * prove_input.h - the hostile input and the caller memory of the Eva
 * drivers (tools/prove/, run by tools/prove.sh).
 *
 * PROVE_INPUT(data, size) sets data to `size` bytes of unknown content, for
 * every size in [PROVE_SIZE_MIN, PROVE_SIZE_MAX] (default [0, PROVE_N]).
 * The `split` annotation makes Eva analyse each size as its own state, so
 * `size` is exact in each, and the bytes end exactly at the end of a
 * PROVE_N-byte array: a read at or past
 * data + size leaves the array and is an alarm.  (A malloc of a size that
 * is not exact would be one base of imprecise validity, and every access to
 * it an alarm.)  Reads below `data` stay inside the array and are not
 * caught: the reader computes no pointer below a base it was given (all
 * offsets are unsigned), and an unsigned underflow lands far past the end.
 */
#ifndef PROVE_INPUT_H
#define PROVE_INPUT_H

#include "__fc_builtin.h"
#include <stddef.h>
#include <stdint.h>

#ifndef PROVE_N
#define PROVE_N 160
#endif
/* The sizes of one analysis: [PROVE_SIZE_MIN, PROVE_SIZE_MAX], within
 * [0, PROVE_N] (tools/prove.sh --window runs [0, N] as several such
 * windows: Eva's cost grows with the square of the number of states of one
 * analysis, and the union of the windows is every size up to N). */
#ifndef PROVE_SIZE_MIN
#define PROVE_SIZE_MIN 0
#endif
#ifndef PROVE_SIZE_MAX
#define PROVE_SIZE_MAX PROVE_N
#endif

static uint8_t prove_bytes[PROVE_N];

/* In main itself, and not in a do-while block: Eva merges the states of a
 * split when the function returns or the loop around it ends. */
#define PROVE_INPUT(data, size)                                         \
    size_t prove_n_ = Frama_C_interval(PROVE_SIZE_MIN, PROVE_SIZE_MAX); \
    /*@ split prove_n_; */                                              \
    Frama_C_make_unknown((char *)prove_bytes, PROVE_N);                 \
    (size) = prove_n_;                                                  \
    (data) = prove_bytes + (PROVE_N - prove_n_)

/* PROVE_BUFFER(ptr, need, storage): ptr = exactly `need` bytes, the last
 * ones of the static array `storage`, one Eva state per value of need, so
 * that an access at or past ptr + need leaves the array: caller memory
 * sized as the API's size query says, not a byte more.  `need` (an lvalue)
 * is assigned the split copy back: Eva's domains are non-relational, so
 * splitting the copy alone leaves `need` the whole interval in each state,
 * and the driver then passed a size that does not match ptr (spurious,
 * even "invalid", alarms on the caller's memory). */
#define PROVE_BUFFER(ptr, need, storage) \
    size_t prove_need_ = (need);         \
    /*@ split prove_need_; */            \
    (need) = prove_need_;                \
    (ptr) = (void *)((storage) + (sizeof(storage) - prove_need_))

/* PROVE_ENTRIES(r, size): one Eva state per value of r.entry_count (r an
 * opened reader of an input of `size` bytes).  The workspace and table
 * sizes are functions of entry_count, which Eva holds as an interval within
 * one input size (a counter widened in the scan loop): split on the size
 * asked (PROVE_BUFFER) alone, that is one state per value of the interval
 * up to the storage's size (136 500 states at the call for validate at
 * sizes 64..80, session 5).  The assertion bounds the count first: every
 * member of an index acepack_open() accepted, in either profile, is at
 * least `"":{"offset":0,"length":0}` (26 bytes: both members are required,
 * R-IDX-9) followed by ',' or '}', after a '{', inside the file (R-LAY-1):
 * 27 x entry_count + 1 <= index_length <= size.  Eva cannot prove it (it
 * is reviewed, alarms-reviewed.txt) and keeps it as a hypothesis: each
 * state then has an exact count, so the size asked is exact too.  The
 * split copy is assigned back (see PROVE_BUFFER for why). */
#define PROVE_ENTRIES(r, size)                        \
    uint64_t prove_entries_ = (r).entry_count;        \
    size_t prove_size_ = (size);                      \
    /*@ assert prove_entries_ <= prove_size_ / 27; */ \
    /*@ split prove_entries_; */                      \
    (r).entry_count = prove_entries_

/* An output callback that checks it is handed readable bytes, and stops
 * the dump in some states (the ACEPACK_CALLBACK path). */
static int prove_sink(void *ctx, const void *p, size_t n)
{
    (void)ctx;
    /*@ assert \valid_read((const uint8_t *)p + (0 .. n - 1)); */
    return Frama_C_interval(0, 1);
}

#endif
