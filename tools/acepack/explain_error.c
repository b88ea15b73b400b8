/*
 * explain_error.c - the error block of `acepack explain` (rule, location,
 * the event's row, a hex dump with a caret) and the locator that names what
 * a byte belongs to.  Above the header and region printers (it names header
 * fields and prints an event row), below cmd_explain.c, which hands
 * ex_error_block to the output layer.
 */
#include <stdlib.h>
#include <string.h>

#include "explain.h"

/* ---- the locator ---- */

/* The member (in index order) whose text holds `off`, or NULL. */
static const cli_entry *member_at(const ex_ctx *x, uint64_t off)
{
    const cli_entries *es = &x->a->entries;
    const cli_entry *best = NULL;
    if (!x->a->entries_ok)
        return NULL;
    for (size_t i = 0; i < es->n && es->v[i].e.entry_offset <= off; i++)
        best = &es->v[i];
    return best;
}

static void put_key(ex_ctx *x, const acepack_entry *e)
{
    size_t len = 0;
    uint8_t *k = cli_key_dup(e, &len);
    fputc('"', x->o.f);
    if (k != NULL)
        cli_put_display(x->o.f, k, len, 40);
    fputc('"', x->o.f);
    free(k);
}

/* The event whose column element or payload holds `off`; -1 when none. */
static int64_t event_at(const ex_ctx *x, uint64_t off, const char **what, uint64_t *byte)
{
    const cli_layout *L = x->L;
    if (!L->cols_fit)
        return -1;
    struct {
        const char *name;
        uint64_t start, width;
    } cols[] = {{"ts", L->p_ts, 8},           {"kind", L->p_kind, 1},
                {"source", L->p_source, 1},   {"flags", L->p_flags, 1},
                {"pay_off", L->p_pay_off, 4}, {"pay_len", L->p_pay_len, 4}};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        uint64_t end = cols[c].start + cols[c].width * L->n;
        if (off >= cols[c].start && off < end) {
            *what = cols[c].name;
            *byte = (off - cols[c].start) % cols[c].width;
            return (int64_t)((off - cols[c].start) / cols[c].width);
        }
    }
    uint64_t pool_room = L->evt_len - L->cols_end;
    if (off >= L->p_pool) {
        for (uint32_t i = 0; i < L->n; i++) {
            uint64_t po = cli_layout_pay_off(L, i), pl = cli_layout_pay_len(L, i);
            if (po + pl > pool_room)
                continue;
            /* A payload "holds" its own first byte even when empty. */
            if (off - L->p_pool >= po &&
                (off - L->p_pool < po + pl || (pl == 0 && off - L->p_pool == po))) {
                *what = "payload";
                *byte = off - L->p_pool - po;
                return (int64_t)i;
            }
        }
    }
    return -1;
}

void ex_locate(ex_ctx *x, uint64_t off)
{
    const cli_layout *L = x->L;
    FILE *f = x->o.f;
    if (off >= L->size) {
        if (off == L->size)
            fprintf(f, "the end of the file (the file is %zu bytes long)", L->size);
        else
            fprintf(f, "past the end of the file (the file is %zu bytes long)", L->size);
        return;
    }
    uint64_t start = 0, size = 0;
    if (off < L->header_size) {
        const char *name = ex_header_field_at(L, off, &start, &size);
        fprintf(f, "header field %s (bytes %llu..%llu), byte %llu of it", name,
                (unsigned long long)start, (unsigned long long)(start + size - 1),
                (unsigned long long)(off - start));
        return;
    }
    if (!L->complete) {
        fprintf(f, "byte %llu", (unsigned long long)off);
        return;
    }
    if (L->segmented && L->evt_in_file && off >= L->evt_off && off - L->evt_off < L->evt_len) {
        uint64_t pos = off - L->evt_off;
        if (pos < 8)
            fprintf(f, "segment table, the %s field", pos < 4 ? "S" : "reserved");
        else
            fprintf(f, "segment table, entry [%llu], byte %llu",
                    (unsigned long long)((pos - 8) / 32), (unsigned long long)((pos - 8) % 32));
        return;
    }
    if (!L->v1 && L->evt_in_file && off >= L->evt_off && off - L->evt_off < L->evt_len) {
        uint64_t pos = off - L->evt_off;
        fprintf(f, "event section, section position %llu: ", (unsigned long long)pos);
        const char *what = NULL;
        uint64_t byte = 0;
        int64_t i = event_at(x, off, &what, &byte);
        if (i >= 0) {
            fprintf(f, "%s of event %lld (id %llu), byte %llu", what, (long long)i,
                    (unsigned long long)L->base_id + (uint64_t)i + 1u, (unsigned long long)byte);
        } else if (pos < 4) {
            fprintf(f, "the count field");
        } else if (L->cols_fit && off >= L->p_pad && off < L->p_pay_off) {
            fprintf(f, "the pad, byte %llu", (unsigned long long)(off - L->p_pad));
        } else if (L->cols_fit && off >= L->p_pool_len && off < L->p_pool) {
            fprintf(f, "the pool_length field");
        } else if (L->cols_fit) {
            fprintf(f, "pool byte %llu, in no payload", (unsigned long long)(off - L->p_pool));
        } else {
            fprintf(f, "inside the columns, which do not fit the section");
        }
        return;
    }
    if (L->index_in_file && off >= L->index_off && off - L->index_off < L->index_len) {
        fprintf(f, "index byte %llu", (unsigned long long)(off - L->index_off));
        const cli_entry *m = member_at(x, off);
        if (m != NULL) {
            fprintf(f, ", in the member of key ");
            put_key(x, &m->e);
            fprintf(f, " (member at %llu)", (unsigned long long)m->e.entry_offset);
        }
        return;
    }
    if (x->by_chunk_ok) {
        for (size_t i = 0; i < x->by_chunk.n; i++) {
            const acepack_entry *e = &x->by_chunk.v[i].e;
            if (off < e->chunk_offset || off - e->chunk_offset >= 4u + e->value_length)
                continue;
            if (off - e->chunk_offset < 4)
                fprintf(f, "the length field of the chunk of key ");
            else
                fprintf(f, "value byte %llu of key ",
                        (unsigned long long)(off - e->chunk_offset - 4u));
            put_key(x, e);
            fprintf(f, " (chunk at %llu)", (unsigned long long)e->chunk_offset);
            return;
        }
    }
    uint64_t k = 0, seg = 0;
    if (ex_segment_at(L, off, &k, &seg)) { /* spec 3.7: segments are live, not dead space */
        fprintf(f, "byte %llu of segment [%llu] (segment at %llu)", (unsigned long long)(off - seg),
                (unsigned long long)k, (unsigned long long)seg);
        return;
    }
    if (off >= L->chunk_begin && off < L->chunk_end) {
        fprintf(f, "%s in the chunk region", x->by_chunk_ok ? "dead space" : "a byte");
        return;
    }
    if (off >= L->regions_end)
        fprintf(f, "the tail (bytes after the last region)");
    else
        fprintf(f, "bytes between regions");
}

/* ---- the error block ---- */

static void hex_row(ex_ctx *x, uint64_t row, uint64_t caret)
{
    const cli_layout *L = x->L;
    char line[160], mark[160];
    int n = snprintf(line, sizeof line, "    %08llx  ", (unsigned long long)row);
    size_t prefix = n > 0 ? (size_t)n : 0;
    size_t width = prefix + 50u + 16u + 1u;
    memset(mark, ' ', sizeof mark);
    size_t pos = prefix;
    for (uint64_t j = 0; j < 16; j++) {
        if (j == 8)
            line[pos++] = ' ';
        uint64_t at = row + j;
        if (at < L->size) {
            static const char hx[] = "0123456789abcdef";
            line[pos] = hx[L->data[at] >> 4];
            line[pos + 1] = hx[L->data[at] & 15];
        } else {
            line[pos] = line[pos + 1] = ' ';
        }
        line[pos + 2] = ' ';
        if (at == caret) {
            mark[pos] = mark[pos + 1] = '^';
            if (at >= L->size)
                memcpy(mark + pos + 3, "end of file", 11);
        }
        pos += 3;
    }
    line[pos++] = '|';
    for (uint64_t j = 0; j < 16 && row + j < L->size; j++) {
        uint8_t b = L->data[row + j];
        if (row + j == caret)
            mark[pos] = '^';
        line[pos++] = (b >= 0x20 && b < 0x7F) ? (char)b : '.';
    }
    line[pos++] = '|';
    line[pos] = '\0';
    fprintf(x->o.f, "%s\n", line);
    if (caret >= row && caret < row + 16) {
        size_t end = width < sizeof mark ? width : sizeof mark - 1;
        while (end > 0 && mark[end - 1] == ' ')
            end--;
        fprintf(x->o.f, "%.*s\n", (int)end, mark);
    }
}

static void hex_dump(ex_ctx *x, uint64_t off)
{
    const cli_layout *L = x->L;
    if (L->size == 0) {
        fprintf(x->o.f, "    (the file is empty)\n");
        return;
    }
    uint64_t caret = off > L->size ? L->size : off;
    uint64_t row = caret & ~(uint64_t)15;
    uint64_t start = (caret % 16u < 8u && row >= 16u) ? row - 16u : row;
    for (uint64_t r = start; r < start + 32u; r += 16u) {
        if (r > L->size || (r == L->size && caret != L->size))
            break;
        hex_row(x, r, caret);
    }
}

void ex_error_block(void *ctx)
{
    ex_ctx *x = ctx;
    const acepack_error *e = &x->o.err;
    ex_blank(&x->o);
    fprintf(x->o.f, ">>> %llu: %s: %s\n", (unsigned long long)e->offset,
            e->rule ? e->rule : acepack_status_name(e->status),
            e->message ? e->message : acepack_status_name(e->status));
    fprintf(x->o.f, "    at %llu (0x%llx): ", (unsigned long long)e->offset,
            (unsigned long long)e->offset);
    ex_locate(x, e->offset);
    fputc('\n', x->o.f);
    const char *what = NULL;
    uint64_t byte = 0;
    if (!x->L->v1 && x->L->evt_in_file && event_at(x, e->offset, &what, &byte) >= 0) {
        int64_t i = event_at(x, e->offset, &what, &byte);
        ex_event_row_heading(x);
        ex_event_row(x, (uint32_t)i);
    }
    fputc('\n', x->o.f);
    hex_dump(x, e->offset);
    fprintf(x->o.f, "\n(the map stops at the error: what follows it is not described)\n");
    x->o.blank = 0;
}
