/*
 * layout.h - the layout of a file read straight from its bytes, without the
 * library's validation: `info` and `explain` must describe files that the
 * reader rejects (bad magic, truncated header, columns past the section).
 * Everything is bounds-checked; nothing here trusts the file.
 */
#ifndef ACEPACK_CLI_LAYOUT_H
#define ACEPACK_CLI_LAYOUT_H

#include "../../src/common/bytes.h"
#include "cli.h"

#define CLI_MAX_SAFE AP_MAX_SAFE_INT /* 2^53-1 (spec 1.2) */

typedef struct cli_layout {
    const uint8_t *data;
    size_t size;

    int v1;             /* the version field says 1: the 64-byte v1 header */
    size_t header_size; /* 64 (v1) or 128 (v2, and any other version) */
    int complete;       /* the file holds every header field (not the v2 reserved bytes) */

    /* Header fields, valid when present (cli_layout_has). */
    uint32_t version, flags;
    uint64_t index_off, index_len;
    uint64_t chunk_begin,
        chunk_end;               /* the chunk region: [128, kv_chunk_end) or [64, index_offset) */
    uint64_t evt_off, evt_len;   /* v2 */
    uint32_t evt_count, base_id; /* v2 */

    int segmented;     /* v2 with flag bit 16: evt_offset/evt_length locate the segment
                          table (spec 3.7), and the sec_* fields below stay 0 */
    int index_in_file; /* R-LAY-1 */
    int evt_in_file;   /* R-LAY-2 (v2) */

    /* The event section of a v2 file, when evt_in_file and evt_len >= 4
     * (sec_count).  Positions are absolute file offsets. */
    int sec_count;
    uint32_t n;
    uint64_t pad;      /* (4 - n mod 4) mod 4 */
    uint64_t cols_end; /* section position just past pool_length: 8 + 19n + pad */
    int cols_fit;      /* cols_end <= evt_len (R-EVT-3; for n = 0: evt_len >= 8) */
    uint64_t p_ts, p_kind, p_source, p_flags, p_pad, p_pay_off, p_pay_len, p_pool_len, p_pool;
    uint32_t pool_len; /* when cols_fit */

    uint64_t regions_end; /* end of the last region that lies in the file */
} cli_layout;

void cli_layout_read(cli_layout *L, const uint8_t *data, size_t size);

/* Does the file hold the `width` bytes at `off`? */
int cli_layout_has(const cli_layout *L, uint64_t off, uint64_t width);

/* The end of the range [off, off + len) as decimal text in buf (which has
 * at least 24 bytes), or "2^64+" when the sum overflows: hostile header
 * fields must not print as a wrapped, plausible-looking offset. */
const char *cli_range_end(char *buf, size_t cap, uint64_t off, uint64_t len);

/* The project's one copy of the big-endian loads and the overflow-free
 * `off + len <= size` (src/common/bytes.h), under the names the explain
 * printers use. */
static inline int cli_range_in(uint64_t off, uint64_t len, uint64_t size)
{
    return ap_range_ok(off, len, size);
}

static inline uint32_t cli_be32(const uint8_t *p)
{
    return ap_be32(p);
}

static inline uint64_t cli_be64(const uint8_t *p)
{
    return ap_be64(p);
}

/* Event i's payload offset and length (cols_fit, i < n). */
uint32_t cli_layout_pay_off(const cli_layout *L, uint32_t i);
uint32_t cli_layout_pay_len(const cli_layout *L, uint32_t i);
uint64_t cli_layout_ts(const cli_layout *L, uint32_t i);

extern const uint8_t cli_magic[8];

uint64_t cli_segment_count(const cli_layout *L);
void cli_segment_entry(const cli_layout *L, uint64_t k, uint64_t *off, uint64_t *len);

#endif /* ACEPACK_CLI_LAYOUT_H */
