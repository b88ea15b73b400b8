/*
 * glue.c - the WebAssembly face of the reader library (libacepack_read).
 *
 * JavaScript cannot hold C structs or call through function pointers, so
 * this file owns one heap object per opened file (apw_file) and exports
 * small functions over it with plain integer/double arguments.  Everything
 * goes through the public API of include/acepack_read.h; nothing here parses the
 * format.
 *
 * Life of a file: JS asks apw_alloc() for `size` bytes, copies the caller's
 * bytes there ONCE, and hands them to apw_open(), which takes ownership:
 * the bytes are opened and fully validated once, and every later call
 * (dump, keys, get, events) reads the same reader.  apw_reopen() opens the
 * same bytes under another profile without a second copy (the inspector
 * page shows both verdicts of an 85 MB store), so the bytes are shared,
 * counted, and freed by the apw_close() of the last file over them.
 *
 * Numbers that may exceed 32 bits (offsets, lengths, counts) are returned as
 * double: a wasm32 file is below 4 GiB, so they are exact.  Timestamps may
 * use all 64 bits in compat, so they are also exported as i64 (a BigInt in
 * JS).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glue.h"

/* The caller's bytes, shared by the files opened over them. */
typedef struct apw_data {
    uint8_t *bytes;
    size_t size;
    unsigned refs;
} apw_data;

typedef struct apw_file {
    apw_data *data; /* one reference */
    acepack_reader r;
    acepack_status status; /* verdict of open + full validation */
    acepack_error err;     /* details when status != OK */
    void *table_mem;       /* lookup table, built on the first get */
    acepack_table table;
    int table_state;       /* 0 not built, 1 built, -1 build failed */
    acepack_index_iter it; /* key iteration */
    acepack_entry cur;     /* the entry the iteration stands on */
    uint8_t *out;          /* dump output / decoded key (grows) */
    size_t out_len, out_cap;
    acepack_span val; /* value found by apw_get / current entry */
} apw_file;

/* Error without a rule: the same shape the CLI reports for a limit. */
static acepack_status limit(apw_file *f, const char *what)
{
    f->err.status = ACEPACK_UNSUPPORTED;
    f->err.rule = NULL;
    f->err.offset = 0;
    f->err.message = what;
    return ACEPACK_UNSUPPORTED;
}

void *apw_alloc(size_t n)
{
    return malloc(n ? n : 1u);
}

void apw_free(void *p)
{
    free(p);
}

/* Full validation (spec 7.2) with every workspace the library asks for,
 * so no check is ever skipped - what the C CLI does (tools/acepack/store.c). */
static acepack_status validate_all(apw_file *f)
{
    size_t need = 0;
    if (acepack_validate_workspace_size(&f->r, ACEPACK_CHECK_ALL, &need) != ACEPACK_OK)
        return limit(f, "the validation workspace does not fit in memory");
    void *ws = NULL;
    if (need > 0 && (ws = malloc(need)) == NULL)
        return limit(f, "out of memory for the validation workspace");
    acepack_status s = acepack_validate(&f->r, ACEPACK_CHECK_ALL, ws, need, &f->err);
    free(ws);
    if (s == ACEPACK_NOMEM)
        return limit(f, "the validation workspace was refused");
    return s;
}

/* A new file over `d` (taking one reference), opened and validated. */
static apw_file *open_over(apw_data *d, int profile)
{
    apw_file *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->data = d;
    d->refs++;
    acepack_profile p = profile == 1 ? ACEPACK_COMPAT : ACEPACK_STRICT;
    f->status = acepack_open(&f->r, d->bytes, d->size, p, &f->err);
    if (f->status == ACEPACK_OK)
        f->status = validate_all(f);
    return f;
}

/* Takes ownership of `bytes` (from apw_alloc, or NULL when size is 0).
 * Returns the handle, or NULL when even the handle cannot be allocated
 * (then `bytes` is freed).  The verdict is apw_status(). */
apw_file *apw_open(uint8_t *bytes, size_t size, int profile)
{
    apw_data *d = malloc(sizeof *d);
    if (d == NULL) {
        free(bytes);
        return NULL;
    }
    d->bytes = bytes;
    d->size = size;
    d->refs = 0;
    apw_file *f = open_over(d, profile);
    if (f == NULL) {
        free(bytes);
        free(d);
    }
    return f;
}

/* The bytes of `f` opened again under `profile`: no copy.  NULL when the
 * handle cannot be allocated (`f` is unchanged). */
apw_file *apw_reopen(apw_file *f, int profile)
{
    return open_over(f->data, profile);
}

void apw_close(apw_file *f)
{
    if (f == NULL)
        return;
    if (--f->data->refs == 0) {
        free(f->data->bytes);
        free(f->data);
    }
    free(f->table_mem);
    free(f->out);
    free(f);
}

/* Where the file's bytes are in the module memory (JS reads slices). */
const uint8_t *apw_data_ptr(const apw_file *f)
{
    return f->data->bytes;
}

int apw_status(const apw_file *f)
{
    return (int)f->status;
}
const char *apw_err_rule(const apw_file *f)
{
    return f->status == ACEPACK_OK ? NULL : f->err.rule;
}
const char *apw_err_message(const apw_file *f)
{
    return f->status == ACEPACK_OK ? NULL : f->err.message;
}
double apw_err_offset(const apw_file *f)
{
    return f->status == ACEPACK_OK ? 0.0 : (double)f->err.offset;
}
const char *apw_status_name(int s)
{
    return acepack_status_name((acepack_status)s);
}
int apw_status_is_invalid(int s)
{
    return acepack_status_is_invalid((acepack_status)s);
}
const char *apw_version_string(void)
{
    return acepack_version_string();
}

/* Header and layout fields of an opened reader, by number (the order of
 * FIELDS in lib/core.js).  Only meaningful when the open succeeded. */
double apw_field(const apw_file *f, int which)
{
    const acepack_reader *r = &f->r;
    switch (which) {
    case 0:
        return (double)r->version;
    case 1:
        return (double)r->flags;
    case 2:
        return (double)r->index_offset;
    case 3:
        return (double)r->index_length;
    case 4:
        return (double)r->chunk_end;
    case 5:
        return (double)r->evt_offset;
    case 6:
        return (double)r->evt_length;
    case 7:
        return (double)r->evt_count_field;
    case 8:
        return (double)r->evt_base_id;
    case 9:
        return (double)r->event_count;
    case 10:
        return (double)r->entry_count;
    default:
        return -1.0;
    }
}

/* ---- output buffer (dump, decoded keys) ---- */

static int out_put(void *ctx, const void *p, size_t n)
{
    apw_file *f = ctx;
    if (n > f->out_cap - f->out_len) {
        size_t cap = f->out_cap ? f->out_cap : 4096u;
        while (n > cap - f->out_len) {
            if (cap > SIZE_MAX / 2)
                return 1;
            cap *= 2;
        }
        uint8_t *q = realloc(f->out, cap);
        if (q == NULL)
            return 1;
        f->out = q;
        f->out_cap = cap;
    }
    memcpy(f->out + f->out_len, p, n);
    f->out_len += n;
    return 0;
}

const uint8_t *apw_out_ptr(const apw_file *f)
{
    return f->out;
}
size_t apw_out_len(const apw_file *f)
{
    return f->out_len;
}

/* The conformance dump (spec 11) into the output buffer, its workspace
 * sized by the library's own query.  Returns a status; on a failure the
 * error is in apw_err_*() as for open. */
int apw_dump(apw_file *f)
{
    if (f->status != ACEPACK_OK)
        return ACEPACK_ARG;
    f->out_len = 0;
    size_t need = 0;
    void *ws = NULL;
    acepack_error e;
    memset(&e, 0, sizeof e);
    if (acepack_dump_workspace_size(&f->r, &need) != ACEPACK_OK ||
        (need > 0 && (ws = malloc(need)) == NULL))
        return ACEPACK_UNSUPPORTED;
    acepack_status s = acepack_dump(&f->r, ws, need, out_put, f, &e);
    free(ws);
    if (s == ACEPACK_CALLBACK) /* our buffer could not grow */
        return ACEPACK_UNSUPPORTED;
    if (s != ACEPACK_OK) {
        f->status = s;
        f->err = e;
    }
    return (int)s;
}

/* ---- keys ---- */

/* The table is built on the first lookup only: a caller that only
 * validates or scans never pays for it. */
static int table_ready(apw_file *f)
{
    if (f->table_state != 0)
        return f->table_state > 0;
    f->table_state = -1;
    size_t need = 0;
    if (acepack_table_size(&f->r, &need) != ACEPACK_OK || (f->table_mem = malloc(need)) == NULL)
        return 0;
    if (acepack_table_build(&f->table, &f->r, f->table_mem, need, NULL) != ACEPACK_OK) {
        free(f->table_mem);
        f->table_mem = NULL;
        return 0;
    }
    f->table_state = 1;
    return 1;
}

void apw_iter_reset(apw_file *f)
{
    acepack_index_iter_init(&f->it, &f->r);
}

/* Moves to the next index member that counts for its key (compat files
 * may repeat a key: the last occurrence wins, R-IDX-12) and decodes its key
 * into the output buffer.  Returns 1, 0 at the end, -1 out of memory. */
int apw_iter_next(apw_file *f)
{
    for (;;) {
        if (!acepack_index_iter_next(&f->it, &f->cur))
            return 0;
        if (f->r.profile == ACEPACK_COMPAT) {
            if (!table_ready(f))
                return -1;
            if (!acepack_table_is_current(&f->table, &f->cur))
                continue;
        }
        break;
    }
    size_t need = 0;
    acepack_key_decode(&f->cur, NULL, 0, &need);
    f->out_len = 0;
    if (need > f->out_cap) {
        uint8_t *q = realloc(f->out, need);
        if (q == NULL)
            return -1;
        f->out = q;
        f->out_cap = need;
    }
    if (acepack_key_decode(&f->cur, f->out, f->out_cap, &need) != ACEPACK_OK)
        return -1;
    f->out_len = need;
    f->val = acepack_entry_value(&f->r, &f->cur);
    return 1;
}

double apw_entry_offset(const apw_file *f)
{
    return (double)f->cur.entry_offset;
}
double apw_entry_chunk(const apw_file *f)
{
    return (double)f->cur.chunk_offset;
}

/* Looks up a decoded key (`len` bytes at `key`).  Returns a status:
 * OK (value in apw_val_*), NOT_FOUND, or UNSUPPORTED (no memory). */
int apw_get(apw_file *f, const uint8_t *key, size_t len)
{
    if (f->status != ACEPACK_OK)
        return ACEPACK_ARG;
    if (!table_ready(f))
        return ACEPACK_UNSUPPORTED;
    return (int)acepack_table_get(&f->table, key, len, &f->val);
}

const uint8_t *apw_val_ptr(const apw_file *f)
{
    return f->val.ptr;
}
size_t apw_val_len(const apw_file *f)
{
    return f->val.len;
}

/* ---- events: the column accessors of the library, bounds-checked here
 * because JS callers pass any index ---- */

uint32_t apw_event_count(const apw_file *f)
{
    return f->status == ACEPACK_OK ? acepack_event_count(&f->r) : 0u;
}

static int in_range(const apw_file *f, uint32_t i)
{
    return f->status == ACEPACK_OK && i < acepack_event_count(&f->r);
}

int apw_event_kind(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? acepack_event_kind(&f->r, i) : -1;
}
int apw_event_source(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? acepack_event_source(&f->r, i) : -1;
}
int apw_event_flags(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? acepack_event_flags(&f->r, i) : -1;
}
double apw_event_ts(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? (double)acepack_event_ts(&f->r, i) : -1.0;
}
uint64_t apw_event_ts64(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? acepack_event_ts(&f->r, i) : 0u;
}
double apw_event_id(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? (double)acepack_event_id(&f->r, i) : -1.0;
}
const uint8_t *apw_event_payload_ptr(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? acepack_event_payload(&f->r, i).ptr : NULL;
}
size_t apw_event_payload_len(const apw_file *f, uint32_t i)
{
    return in_range(f, i) ? acepack_event_payload(&f->r, i).len : 0u;
}

/* One byte column (0 kind, 1 source, 2 flags) copied into `dst` (N bytes),
 * so that a JS scan reads a Uint8Array instead of calling per event. */
int apw_event_column(const apw_file *f, int which, uint8_t *dst)
{
    if (f->status != ACEPACK_OK || which < 0 || which > 2)
        return ACEPACK_ARG;
    uint32_t n = acepack_event_count(&f->r);
    for (uint32_t i = 0; i < n; i++)
        dst[i] = which == 0   ? acepack_event_kind(&f->r, i)
                 : which == 1 ? acepack_event_source(&f->r, i)
                              : acepack_event_flags(&f->r, i);
    return ACEPACK_OK;
}

/* The ts column as doubles (exact up to 2^53-1, the strict range). */
int apw_event_ts_column(const apw_file *f, double *dst)
{
    if (f->status != ACEPACK_OK)
        return ACEPACK_ARG;
    uint32_t n = acepack_event_count(&f->r);
    for (uint32_t i = 0; i < n; i++)
        dst[i] = (double)acepack_event_ts(&f->r, i);
    return ACEPACK_OK;
}
