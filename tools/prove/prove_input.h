/*
 * prove_input.h - the hostile input of every Eva driver (tools/prove/).
 *
 * prove_input(&size) returns a pointer to `size` bytes of unknown content,
 * for every size in [0, PROVE_N].  The `split` annotation makes Eva analyse
 * each size as its own state, so `size` is exact in each, and the bytes
 * end exactly at the end of a PROVE_N-byte array: any read at or past
 * data + size leaves the array and is an alarm (an allocation of `size`
 * bytes would be the same for Eva's purposes, but a malloc of a non-exact
 * size is one base of imprecise validity and makes every access an alarm).
 */
#ifndef PROVE_INPUT_H
#define PROVE_INPUT_H

#include "__fc_builtin.h"
#include <stddef.h>
#include <stdint.h>

#ifndef PROVE_N
#define PROVE_N 160
#endif

static uint8_t prove_bytes[PROVE_N];

static const uint8_t *prove_input(size_t *size)
{
    size_t n = Frama_C_interval(0, PROVE_N);
    /*@ split n; */
    Frama_C_make_unknown((char *)prove_bytes, PROVE_N);
    *size = n;
    return prove_bytes + (PROVE_N - n);
}

#endif
