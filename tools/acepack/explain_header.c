/*
 * explain_header.c - the header part of `acepack explain`: every field with
 * its offset, size, raw bytes, decoded value and the rules that check it
 * (spec 3.2 for v2, spec 6 for v1).
 */
#include <string.h>

#include "explain.h"

typedef struct hdr_field {
    uint64_t off, size;
    const char *name;
} hdr_field;

/* v2 bytes 0..63 (spec 3.1); bytes 64..127 follow as one of the tails. */
static const hdr_field v2_fields[] = {
    {0, 8, "magic"},
    {8, 4, "version"},
    {12, 4, "flags"},
    {16, 8, "kv_index_offset"},
    {24, 8, "kv_index_length"},
    {32, 8, "kv_chunk_end"},
    {40, 8, "evt_offset"},
    {48, 8, "evt_length"},
    {56, 4, "evt_count"},
    {60, 4, "evt_base_id"},
};
static const hdr_field v2_tail[] = {{64, 64, "reserved"}};
/* Flag bit 0 (spec 3.8): bytes 64..79 hold the CRC32C fields. */
static const hdr_field v2_crc_tail[] = {
    {64, 4, "header_crc"}, {68, 4, "chunks_crc"}, {72, 4, "events_crc"},
    {76, 4, "index_crc"},  {80, 48, "reserved"},
};

static const hdr_field v1_fields[] = {
    {0, 8, "magic"},         {8, 4, "version"},       {12, 4, "flags"},
    {16, 8, "index_offset"}, {24, 8, "index_length"}, {32, 32, "reserved"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define HDR_MAX_FIELDS (COUNT(v2_fields) + COUNT(v2_crc_tail))

/* The header's fields in file order, copied to out.  @return their number. */
static size_t fields_of(const cli_layout *L, hdr_field out[HDR_MAX_FIELDS])
{
    if (L->v1) {
        memcpy(out, v1_fields, sizeof v1_fields);
        return COUNT(v1_fields);
    }
    int crc = L->version == 2 && (L->flags & ACEPACK_FLAG_CHECKSUMS);
    const hdr_field *tail = crc ? v2_crc_tail : v2_tail;
    size_t tail_n = crc ? COUNT(v2_crc_tail) : COUNT(v2_tail);
    memcpy(out, v2_fields, sizeof v2_fields);
    memcpy(out + COUNT(v2_fields), tail, tail_n * sizeof *tail);
    return COUNT(v2_fields) + tail_n;
}

/* The CRC32C a field of spec 3.8 must hold; 0 (and *known 0) when its region
 * does not lie in the file. */
static uint32_t crc_expected(const cli_layout *L, const char *name, int *known)
{
    static const uint8_t zero4[4] = {0, 0, 0, 0};
    uint64_t off = 0, len = 0;
    *known = 1;
    if (strcmp(name, "header_crc") == 0) {
        uint32_t c = acepack_crc32c(0, L->data, 64);
        c = acepack_crc32c(c, zero4, 4);
        return acepack_crc32c(c, L->data + 68, 60);
    }
    if (strcmp(name, "chunks_crc") == 0) {
        off = 128;
        len = L->chunk_end >= 128 ? L->chunk_end - 128 : UINT64_MAX;
    } else if (strcmp(name, "events_crc") == 0) {
        off = L->evt_off;
        len = L->evt_len;
    } else {
        off = L->index_off;
        len = L->index_len;
    }
    if (!cli_range_in(off, len, L->size)) {
        *known = 0;
        return 0;
    }
    return acepack_crc32c(0, L->data + (size_t)off, (size_t)len);
}

static int is_crc_field(const char *n)
{
    return strcmp(n, "header_crc") == 0 || strcmp(n, "chunks_crc") == 0 ||
           strcmp(n, "events_crc") == 0 || strcmp(n, "index_crc") == 0;
}

const char *ex_header_field_at(const cli_layout *L, uint64_t off, uint64_t *start, uint64_t *size)
{
    hdr_field fs[HDR_MAX_FIELDS];
    size_t n = fields_of(L, fs);
    for (size_t i = 0; i < n; i++) {
        if (off >= fs[i].off && off < fs[i].off + fs[i].size) {
            *start = fs[i].off;
            *size = fs[i].size;
            return fs[i].name;
        }
    }
    *start = off;
    *size = 1;
    return "(none)";
}

/* a + b as text, or "more than 2^64-1" when it overflows. */
static const char *sum_text(char *buf, size_t cap, uint64_t a, uint64_t b)
{
    if (b > UINT64_MAX - a)
        snprintf(buf, cap, "more than 2^64-1");
    else
        snprintf(buf, cap, "%llu", (unsigned long long)(a + b));
    return buf;
}

/* The first nonzero byte in [off, off + len), or -1. */
static int64_t first_nonzero(const cli_layout *L, uint64_t off, uint64_t len)
{
    for (uint64_t i = off; i < off + len && i < L->size; i++)
        if (L->data[i] != 0)
            return (int64_t)i;
    return -1;
}

static void raw_text(const cli_layout *L, const hdr_field *fd, char *buf, size_t cap)
{
    static const char hx[] = "0123456789abcdef";
    size_t k = 0;
    buf[0] = '\0';
    if (fd->size > 8) {
        if (!cli_layout_has(L, fd->off, fd->size))
            snprintf(buf, cap, "(%zu of %llu bytes)",
                     L->size > fd->off ? L->size - (size_t)fd->off : 0u,
                     (unsigned long long)fd->size);
        else if (first_nonzero(L, fd->off, fd->size) < 0)
            snprintf(buf, cap, "00 x %llu", (unsigned long long)fd->size);
        else
            snprintf(buf, cap, "not all zero");
        return;
    }
    for (uint64_t i = 0; i < fd->size && k + 4 < cap; i++) {
        uint64_t at = fd->off + i;
        if (at >= L->size) {
            snprintf(buf + k, cap - k, k ? "(cut)" : "(missing)");
            return;
        }
        buf[k++] = hx[L->data[at] >> 4];
        buf[k++] = hx[L->data[at] & 15];
        if (i + 1 < fd->size)
            buf[k++] = ' ';
        buf[k] = '\0';
    }
}

static void magic_text(const cli_layout *L, char *buf, size_t cap)
{
    size_t k = 0;
    buf[k++] = '"';
    for (size_t i = 0; i < 8 && i < L->size && k + 6 < cap; i++) {
        uint8_t b = L->data[i];
        if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\')
            buf[k++] = (char)b;
        else if (b == 0)
            k += (size_t)snprintf(buf + k, cap - k, "\\0");
        else
            k += (size_t)snprintf(buf + k, cap - k, "\\x%02x", b);
    }
    buf[k++] = '"';
    buf[k] = '\0';
}

static void value_text(const cli_layout *L, const hdr_field *fd, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (!cli_layout_has(L, fd->off, fd->size))
        return;
    const uint8_t *p = L->data + (size_t)fd->off;
    if (strcmp(fd->name, "magic") == 0) {
        magic_text(L, buf, cap);
    } else if (strcmp(fd->name, "version") == 0) {
        uint32_t v = cli_be32(p);
        snprintf(buf, cap, "%lu%s", (unsigned long)v,
                 v == 1   ? " (format v1)"
                 : v == 2 ? ""
                          : " (unknown)");
    } else if (strcmp(fd->name, "flags") == 0) {
        snprintf(buf, cap, "0x%08lx", (unsigned long)cli_be32(p));
    } else if (strcmp(fd->name, "evt_base_id") == 0) {
        snprintf(buf, cap, "%lu (first id %llu)", (unsigned long)cli_be32(p),
                 (unsigned long long)cli_be32(p) + 1u);
    } else if (is_crc_field(fd->name)) {
        int known;
        uint32_t want = crc_expected(L, fd->name, &known);
        if (known)
            snprintf(buf, cap, "0x%08lx %s", (unsigned long)cli_be32(p),
                     cli_be32(p) == want ? "(matches)" : "(differs)");
        else
            snprintf(buf, cap, "0x%08lx", (unsigned long)cli_be32(p));
    } else if (strcmp(fd->name, "reserved") == 0) {
        int64_t nz = first_nonzero(L, fd->off, fd->size);
        if (nz < 0)
            snprintf(buf, cap, "all zero");
        else
            snprintf(buf, cap, "byte %lld is 0x%02x", (long long)nz, L->data[(size_t)nz]);
    } else if (fd->size == 4) {
        snprintf(buf, cap, "%lu", (unsigned long)cli_be32(p));
    } else {
        snprintf(buf, cap, "%llu", (unsigned long long)cli_be64(p));
    }
}

/* The rules that look at field `fd`. */
static void field_checks(const ex_ctx *x, const hdr_field *fd, ex_checks *cs)
{
    const cli_layout *L = x->L;
    char s1[32];
    if (!cli_layout_has(L, fd->off, fd->size)) {
        if (fd->off + fd->size <= 64 || L->size < 64)
            ex_check(cs, "R-HDR-1", 0, 0, "the file is %zu bytes long; a file has at least 64",
                     L->size);
        else
            ex_check(cs, "R-HDR-5", 0, 0, "the file is %zu bytes long; a v2 file has at least 128",
                     L->size);
        return;
    }
    const char *n = fd->name;
    if (strcmp(n, "magic") == 0) {
        ex_check(cs, "R-HDR-2", 0, memcmp(L->data, cli_magic, 8) == 0,
                 "bytes 0..7 must be 41 43 45 50 41 43 4b 00 (\"ACEPACK\\0\")");
    } else if (strcmp(n, "version") == 0) {
        ex_check(cs, "R-HDR-3", 0, L->version == 1 || L->version == 2,
                 "version %lu is neither 1 nor 2; the fields below are shown as in a v2 header",
                 (unsigned long)L->version);
    } else if (strcmp(n, "flags") == 0) {
        uint32_t known_incompat = L->version == 2 ? 0x00010000u : 0; /* bit 16, spec 3.7 */
        ex_check(cs, "R-HDR-4", 0, (L->flags & 0xFFFF0000u & ~known_incompat) == 0,
                 "incompatible flag bits 0x%08lx are set; this version defines only bit 16 "
                 "(segmented event log, version 2)",
                 (unsigned long)(L->flags & 0xFFFF0000u & ~known_incompat));
    } else if (strcmp(n, "header_crc") == 0) {
        int known;
        uint32_t want = crc_expected(L, n, &known);
        ex_check(cs, "R-CRC-1", 1, cli_be32(L->data + 64) == want,
                 "the CRC32C of bytes 0..127 (64..67 as zero) is 0x%08lx: the header is damaged",
                 (unsigned long)want);
    } else if (!L->complete) {
        return; /* the checks below compare fields with each other */
    } else if (is_crc_field(n)) {
        int known;
        uint32_t want = crc_expected(L, n, &known);
        const char *rule = n[0] == 'c' ? "R-CRC-2" : n[0] == 'e' ? "R-CRC-3" : "R-CRC-4";
        if (known)
            ex_check(cs, rule, 1, cli_be32(L->data + (size_t)fd->off) == want,
                     "the CRC32C of the region is 0x%08lx: the region is damaged",
                     (unsigned long)want);
    } else if (strcmp(n, "kv_index_offset") == 0 || strcmp(n, "index_offset") == 0) {
        ex_check(cs, "R-LAY-1", 0, L->index_in_file,
                 "%s + %s = %s is past the end of the file (%zu)", n,
                 L->v1 ? "index_length" : "kv_index_length",
                 sum_text(s1, sizeof s1, L->index_off, L->index_len), L->size);
        if (L->v1)
            ex_check(cs, "R-V1-2", 1, L->index_off >= 64, "index_offset must be at least 64");
        else
            ex_check(cs, "R-LAY-5", 1,
                     L->evt_len <= UINT64_MAX - L->evt_off &&
                         L->index_off == L->evt_off + L->evt_len,
                     "kv_index_offset must equal evt_offset + evt_length = %s (the index directly "
                     "follows the event section)",
                     sum_text(s1, sizeof s1, L->evt_off, L->evt_len));
    } else if (strcmp(n, "kv_chunk_end") == 0) {
        ex_check(cs, "R-LAY-3", 1, L->chunk_end >= 128, "kv_chunk_end must be at least 128");
    } else if (strcmp(n, "evt_offset") == 0) {
        ex_check(cs, "R-LAY-2", 0, L->evt_in_file,
                 "evt_offset + evt_length = %s is past the end of the file (%zu)",
                 sum_text(s1, sizeof s1, L->evt_off, L->evt_len), L->size);
        ex_check(cs, "R-LAY-4", 1, L->evt_off == L->chunk_end,
                 "evt_offset must equal kv_chunk_end (%llu)", (unsigned long long)L->chunk_end);
    } else if (strcmp(n, "evt_length") == 0 && L->segmented) {
        ex_check(cs, "R-SEG-1", 0, L->evt_len >= 40 && (L->evt_len - 8) % 32 == 0,
                 "the segment table is 8 + 32 S bytes, S >= 1");
    } else if (strcmp(n, "evt_length") == 0) {
        ex_check(cs, "R-EVT-1", 1, L->evt_len >= 8, "evt_length must be at least 8");
        if (L->cols_fit)
            ex_check(cs, "R-EVT-4", 1, L->evt_len == L->cols_end + L->pool_len,
                     "must equal 8 + 19*N + pad + pool_length = 8 + 19*%lu + %llu + %lu = %llu",
                     (unsigned long)L->n, (unsigned long long)L->pad, (unsigned long)L->pool_len,
                     (unsigned long long)(L->cols_end + L->pool_len));
    } else if (strcmp(n, "evt_count") == 0) {
        if (L->sec_count)
            ex_check(cs, "R-EVT-9", 1, L->evt_count == L->n,
                     "must equal the count of the event section (%lu)", (unsigned long)L->n);
    } else if (strcmp(n, "reserved") == 0) {
        int64_t nz = first_nonzero(L, fd->off, fd->size);
        const char *rule = L->v1 ? "R-V1-1" : "R-HDR-6";
        if (!L->v1 && (L->flags & 0xFFFFu) == ACEPACK_FLAG_CHECKSUMS)
            ex_check(cs, "R-CRC-5", 1, nz < 0,
                     "bytes 80..127 must be zero when bit 0 is the "
                     "only compatible flag bit (byte %lld is not)",
                     (long long)nz);
        else if ((L->flags & 0xFFFFu) == 0)
            ex_check(cs, rule, 1, nz < 0,
                     "reserved bytes must be zero when no compatible flag "
                     "bit is set (byte %lld is not)",
                     (long long)nz);
    }
}

void ex_header(ex_ctx *x)
{
    const cli_layout *L = x->L;
    hdr_field fs[HDR_MAX_FIELDS];
    size_t n = fields_of(L, fs);
    if (!ex_line(&x->o, 0))
        return;
    fprintf(x->o.f, "HEADER  [0, %zu)  %s%s\n", L->header_size,
            L->v1             ? "version 1 header (spec 6)"
            : L->version == 2 ? "version 2 header (spec 3.2)"
                              : "header, shown with the version 2 layout (spec 3.2)",
            L->size < L->header_size ? "; the file ends inside it" : "");
    fprintf(x->o.f, "  offset  size  %-16s %-23s  %-24s checks\n", "field", "raw bytes", "value");
    /* The header is one fixed structure: it is always shown whole, and an
     * error inside it is pointed at after it. */
    for (size_t i = 0; i < n; i++) {
        const hdr_field *fd = &fs[i];
        char raw[64], value[64];
        raw_text(L, fd, raw, sizeof raw);
        value_text(L, fd, value, sizeof value);
        ex_checks cs;
        ex_checks_init(&cs);
        field_checks(x, fd, &cs);
        fprintf(x->o.f, "  %6llu  %4llu  %-16s %-23s  %-24s ", (unsigned long long)fd->off,
                (unsigned long long)fd->size, fd->name, raw, value);
        ex_put_checks(&x->o, &cs, 0);
        if (fd->off + fd->size > L->size) {
            fprintf(x->o.f, "  (the file ends at %zu)\n", L->size);
            break;
        }
    }
    ex_blank(&x->o);
}
