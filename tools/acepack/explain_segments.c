/*
 * explain_segments.c - `acepack explain` of the segment table of a file with
 * flag bit 16 (spec 3.7): S, then one line per entry (segment_offset,
 * segment_length, first_event, the segment's own count, segment_crc) with
 * the checks of R-SEG-1..8 that need only the table and the segment heads,
 * and R-SEG-10 (with flag bit 0: the segment_crc against the segment's bytes).
 * Read from the raw bytes with bounds checks: the file may be invalid.  Also
 * the entries for the chunk region (where the segments lie, explain_regions.c)
 * and the locator (explain_error.c).
 */
#include "explain.h"

int ex_segment_at(const cli_layout *L, uint64_t off, uint64_t *k, uint64_t *start)
{
    uint64_t s = cli_segment_count(L);
    for (uint64_t i = 0; i < s; i++) {
        uint64_t so, sl;
        cli_segment_entry(L, i, &so, &sl);
        if (off >= so && off - so < sl) {
            *k = i;
            *start = so;
            return 1;
        }
    }
    return 0;
}

static int row_line(ex_ctx *x, uint64_t at, const char *label)
{
    if (!ex_line(&x->o, at))
        return 0;
    fprintf(x->o.f, "  %8llu  %-10s ", (unsigned long long)at, label);
    return 1;
}

void ex_segment_table(ex_ctx *x)
{
    const cli_layout *L = x->L;
    uint64_t t = L->evt_off;
    if (!ex_line(&x->o, t))
        return;
    char end[32];
    fprintf(x->o.f, "SEGMENT TABLE  [%llu, %s)  %llu bytes (flag bit 16, spec 3.7)",
            (unsigned long long)t, cli_range_end(end, sizeof end, t, L->evt_len),
            (unsigned long long)L->evt_len);
    if (!L->evt_in_file) {
        fprintf(x->o.f, ": past the end of the file (R-LAY-2), not shown\n");
        ex_blank(&x->o);
        return;
    }
    if (L->evt_len < 8) {
        fprintf(x->o.f, ": shorter than 8 bytes\n          !! R-SEG-1: evt_length must be "
                        "8 + 32 S, S in 1..65536\n");
        ex_blank(&x->o);
        return;
    }
    uint64_t s = cli_be32(L->data + (size_t)t);
    fprintf(x->o.f, ": S = %llu segment%s\n", (unsigned long long)s, s == 1 ? "" : "s");
    ex_checks cs;
    ex_checks_init(&cs);
    ex_check(&cs, "R-SEG-1", 0, s >= 1 && s <= 65536 && L->evt_len == 8u + 32u * s,
             "S must be in 1..65536 and evt_length (%llu) must be 8 + 32 S",
             (unsigned long long)L->evt_len);
    ex_check(&cs, "R-SEG-2", 1, cli_be32(L->data + (size_t)t + 4) == 0,
             "the reserved u32 must be zero");
    if (row_line(x, t, "S, reserved"))
        ex_put_checks(&x->o, &cs, 0);
    if (s == 0 || s > 65536 || L->evt_len != 8u + 32u * s) {
        if (ex_line(&x->o, t + L->evt_len))
            ex_blank(&x->o);
        return;
    }
    if (ex_line(&x->o, t + 8))
        fprintf(x->o.f, "  %8s  %-10s %10s %10s %10s %8s %10s  checks\n", "offset", "entry",
                "segment", "length", "first", "count", "crc");
    uint64_t prev_end = 0, total = 0;
    int known = 1;
    for (uint64_t k = 0; k < s; k++) {
        const uint8_t *e = L->data + (size_t)(t + 8 + 32 * k);
        uint64_t so = cli_be64(e), sl = cli_be64(e + 8), fe = cli_be64(e + 16);
        uint32_t crc = cli_be32(e + 24);
        int placed = so >= 128 && sl <= t && so <= t - sl;
        uint64_t count = placed && sl >= 4 ? cli_be32(L->data + (size_t)so) : 0;
        ex_checks_init(&cs);
        ex_check(&cs, "R-SEG-3", 0, placed, "the segment must lie in [128, %llu)",
                 (unsigned long long)t);
        ex_check(&cs, "R-SEG-4", 0, k == 0 || !placed || so >= prev_end,
                 "it starts before the end of the previous segment (%llu)",
                 (unsigned long long)prev_end);
        ex_check(&cs, "R-SEG-5", 0, sl >= 8, "segment_length must be at least 8");
        ex_check(&cs, "R-SEG-6", 0, !known || fe == total,
                 "first_event must be %llu (the events of the earlier segments)",
                 (unsigned long long)total);
        if ((L->flags & 0xFFFFu) == 0)
            ex_check(&cs, "R-SEG-8", 1, crc == 0,
                     "segment_crc must be zero without a compatible flag bit");
        if ((L->flags & ACEPACK_FLAG_CHECKSUMS) && placed) {
            /* placed: [so, so + sl) lies before the table, inside the file */
            uint32_t want = acepack_crc32c(0, L->data + (size_t)so, (size_t)sl);
            ex_check(&cs, "R-SEG-10", 1, crc == want,
                     "segment_crc must be the CRC32C of the segment, 0x%08lx", (unsigned long)want);
        }
        int show = ex_shown(&x->o, k, s, 4);
        char label[24];
        snprintf(label, sizeof label, "[%llu]", (unsigned long long)k);
        if (show && row_line(x, t + 8 + 32 * k, label)) {
            fprintf(x->o.f, "%10llu %10llu %10llu %8llu 0x%08lx  ", (unsigned long long)so,
                    (unsigned long long)sl, (unsigned long long)fe, (unsigned long long)count,
                    (unsigned long)crc);
            ex_put_checks(&x->o, &cs, 1);
        } else if (!show && ex_checks_bad(&x->o, &cs) && row_line(x, t + 8 + 32 * k, label)) {
            fprintf(x->o.f, "(not listed: use --full)  ");
            ex_put_checks(&x->o, &cs, 1);
        }
        if (!placed || sl < 8)
            known = 0;
        else {
            prev_end = so + sl;
            total += count;
        }
    }
    if (known && ex_line(&x->o, t + L->evt_len)) {
        fprintf(x->o.f, "  %llu events in the segments; header evt_count %lu%s\n",
                (unsigned long long)total, (unsigned long)L->evt_count,
                total == L->evt_count ? "" : "  !! R-SEG-6: they must be equal");
    }
    if (ex_line(&x->o, t + L->evt_len))
        ex_blank(&x->o);
}
