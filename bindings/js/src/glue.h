/*
 * glue.h - the functions the WebAssembly module exports (its whole ABI, used
 * by lib/core.js).  Handles are pointers into the module's memory.
 */
#ifndef ACEPACK_GLUE_H
#define ACEPACK_GLUE_H

#include <stddef.h>
#include <stdint.h>

#include "acepack_read.h"

/* Exported by name from the module; a native build (the ASan test of this
 * layer, test/glue_native.c) has no such attribute and needs none. */
#ifdef __wasm__
#define APW_EXPORT(name) __attribute__((export_name(#name)))
#else
#define APW_EXPORT(name)
#endif

typedef struct apw_file apw_file;

APW_EXPORT(apw_alloc) void *apw_alloc(size_t n);
APW_EXPORT(apw_free) void apw_free(void *p);
APW_EXPORT(apw_open) apw_file *apw_open(uint8_t *data, size_t size, int profile);
APW_EXPORT(apw_reopen) apw_file *apw_reopen(apw_file *f, int profile);
APW_EXPORT(apw_close) void apw_close(apw_file *f);
APW_EXPORT(apw_data_ptr) const uint8_t *apw_data_ptr(const apw_file *f);
APW_EXPORT(apw_status) int apw_status(const apw_file *f);
APW_EXPORT(apw_err_rule) const char *apw_err_rule(const apw_file *f);
APW_EXPORT(apw_err_message) const char *apw_err_message(const apw_file *f);
APW_EXPORT(apw_err_offset) double apw_err_offset(const apw_file *f);
APW_EXPORT(apw_status_name) const char *apw_status_name(int s);
APW_EXPORT(apw_status_is_invalid) int apw_status_is_invalid(int s);
APW_EXPORT(apw_version_string) const char *apw_version_string(void);
APW_EXPORT(apw_field) double apw_field(const apw_file *f, int which);
APW_EXPORT(apw_out_ptr) const uint8_t *apw_out_ptr(const apw_file *f);
APW_EXPORT(apw_out_len) size_t apw_out_len(const apw_file *f);
APW_EXPORT(apw_dump) int apw_dump(apw_file *f);
APW_EXPORT(apw_iter_reset) void apw_iter_reset(apw_file *f);
APW_EXPORT(apw_iter_next) int apw_iter_next(apw_file *f);
APW_EXPORT(apw_entry_offset) double apw_entry_offset(const apw_file *f);
APW_EXPORT(apw_entry_chunk) double apw_entry_chunk(const apw_file *f);
APW_EXPORT(apw_get) int apw_get(apw_file *f, const uint8_t *key, size_t len);
APW_EXPORT(apw_val_ptr) const uint8_t *apw_val_ptr(const apw_file *f);
APW_EXPORT(apw_val_len) size_t apw_val_len(const apw_file *f);
APW_EXPORT(apw_event_count) uint32_t apw_event_count(const apw_file *f);
APW_EXPORT(apw_event_kind) int apw_event_kind(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_source) int apw_event_source(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_flags) int apw_event_flags(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_ts) double apw_event_ts(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_ts64) uint64_t apw_event_ts64(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_id) double apw_event_id(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_payload_ptr)
const uint8_t *apw_event_payload_ptr(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_payload_len) size_t apw_event_payload_len(const apw_file *f, uint32_t i);
APW_EXPORT(apw_event_column) int apw_event_column(const apw_file *f, int which, uint8_t *dst);
APW_EXPORT(apw_event_ts_column) int apw_event_ts_column(const apw_file *f, double *dst);

#endif
