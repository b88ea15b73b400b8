/*
 * layout.c - reading the header fields and the event-section geometry of a
 * file from its raw bytes (see layout.h).
 */
#include <string.h>

#include "layout.h"

const uint8_t cli_magic[8] = {0x41, 0x43, 0x45, 0x50, 0x41, 0x43, 0x4B, 0x00};

const char *cli_range_end(char *buf, size_t cap, uint64_t off, uint64_t len)
{
    if (len > UINT64_MAX - off)
        snprintf(buf, cap, "2^64+");
    else
        snprintf(buf, cap, "%llu", (unsigned long long)(off + len));
    return buf;
}

int cli_layout_has(const cli_layout *L, uint64_t off, uint64_t width)
{
    return ap_range_ok(off, width, L->size);
}

static uint64_t field64(const cli_layout *L, uint64_t off)
{
    return cli_layout_has(L, off, 8) ? ap_be64(L->data + (size_t)off) : 0;
}

static uint32_t field32(const cli_layout *L, uint64_t off)
{
    return cli_layout_has(L, off, 4) ? ap_be32(L->data + (size_t)off) : 0;
}

static void read_event_section(cli_layout *L)
{
    if (!L->evt_in_file || L->evt_len < 4)
        return;
    uint64_t s = L->evt_off;
    L->sec_count = 1;
    L->n = ap_be32(L->data + (size_t)s);
    uint64_t n = L->n;
    L->pad = (4u - n % 4u) % 4u;
    L->cols_end = 8u + 19u * n + L->pad; /* n < 2^32: no overflow */
    L->cols_fit = L->cols_end <= L->evt_len;
    L->p_ts = s + 4u;
    L->p_kind = s + 4u + 8u * n;
    L->p_source = s + 4u + 9u * n;
    L->p_flags = s + 4u + 10u * n;
    L->p_pad = s + 4u + 11u * n;
    L->p_pay_off = L->p_pad + L->pad;
    L->p_pay_len = L->p_pay_off + 4u * n;
    L->p_pool_len = L->p_pay_len + 4u * n;
    L->p_pool = L->p_pool_len + 4u;
    if (L->cols_fit)
        L->pool_len = ap_be32(L->data + (size_t)L->p_pool_len);
}

void cli_layout_read(cli_layout *L, const uint8_t *data, size_t size)
{
    memset(L, 0, sizeof *L);
    L->data = data;
    L->size = size;
    L->version = field32(L, 8);
    L->v1 = cli_layout_has(L, 8, 4) && L->version == 1;
    L->header_size = L->v1 ? 64u : 128u;
    L->flags = field32(L, 12);
    L->index_off = field64(L, 16);
    L->index_len = field64(L, 24);
    if (L->v1) {
        L->complete = size >= 32;
        L->chunk_begin = 64;
        L->chunk_end = L->index_off;
    } else {
        L->complete = size >= 64;
        L->chunk_begin = 128;
        L->chunk_end = field64(L, 32);
        L->evt_off = field64(L, 40);
        L->evt_len = field64(L, 48);
        L->evt_count = field32(L, 56);
        L->base_id = field32(L, 60);
    }
    if (!L->complete)
        return;
    L->index_in_file = ap_range_ok(L->index_off, L->index_len, size);
    if (L->index_in_file)
        L->regions_end = L->index_off + L->index_len;
    if (!L->v1) {
        L->evt_in_file = ap_range_ok(L->evt_off, L->evt_len, size);
        if (L->evt_in_file && L->evt_off + L->evt_len > L->regions_end)
            L->regions_end = L->evt_off + L->evt_len;
        L->segmented = (L->flags & 0x00010000u) != 0 && L->version == 2;
        if (!L->segmented)
            read_event_section(L);
    }
    if (L->regions_end < L->header_size && size >= L->header_size)
        L->regions_end = L->header_size;
}

uint32_t cli_layout_pay_off(const cli_layout *L, uint32_t i)
{
    return ap_be32(L->data + (size_t)(L->p_pay_off + 4u * (uint64_t)i));
}

uint32_t cli_layout_pay_len(const cli_layout *L, uint32_t i)
{
    return ap_be32(L->data + (size_t)(L->p_pay_len + 4u * (uint64_t)i));
}

uint64_t cli_layout_ts(const cli_layout *L, uint32_t i)
{
    return ap_be64(L->data + (size_t)(L->p_ts + 8u * (uint64_t)i));
}

/* The segment table of a segmented file (spec 3.7), read raw: 0 segments when
 * the table's own size fields do not hold (R-SEG-1), so that a broken file can
 * still be described; entry k < cli_segment_count(L) lies in the file. */
uint64_t cli_segment_count(const cli_layout *L)
{
    if (!L->segmented || !L->evt_in_file || L->evt_len < 8)
        return 0;
    uint64_t s = ap_be32(L->data + (size_t)L->evt_off);
    return s >= 1 && s <= 65536 && L->evt_len == 8u + 32u * s ? s : 0;
}

void cli_segment_entry(const cli_layout *L, uint64_t k, uint64_t *off, uint64_t *len)
{
    const uint8_t *e = L->data + (size_t)(L->evt_off + 8 + 32 * k); /* in the file: R-SEG-1 */
    *off = ap_be64(e);
    *len = ap_be64(e + 8);
}
