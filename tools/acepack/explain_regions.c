/*
 * explain_regions.c - the regions after the header in `acepack explain`:
 * the chunk region (chunks, segments of a segmented file, dead space), the
 * event section (count,
 * columns, pad, pool, first and last events), the index (its members) and
 * the tail, printed in the order they lie in the file.
 */
#include <stdlib.h>
#include <string.h>

#include "explain.h"

#define FEW_CHUNKS 10u
#define FEW_SEGMENTS 4u
#define FEW_EVENTS 3u
#define FEW_MEMBERS 10u

static int err_in(const ex_ctx *x, uint64_t begin, uint64_t end)
{
    return x->o.has_err && x->o.err.offset >= begin && x->o.err.offset < end;
}

static void put_quoted(FILE *f, const uint8_t *p, size_t n, size_t max)
{
    fputc('"', f);
    cli_put_display(f, p, n, max);
    fputc('"', f);
}

static void put_key(FILE *f, const acepack_entry *e)
{
    size_t len = 0;
    uint8_t *k = cli_key_dup(e, &len);
    if (k == NULL) {
        fputs("(out of memory)", f);
        return;
    }
    put_quoted(f, k, len, 48);
    free(k);
}

/* ---- chunk region ---- */

static void put_skip_segs(ex_ctx *x, uint64_t at, uint64_t count, const char *what, uint64_t segs,
                          uint64_t dead)
{
    if (count == 0 || !ex_line(&x->o, at))
        return;
    fprintf(x->o.f, "     ... %llu more %s", (unsigned long long)count, what);
    if (segs)
        fprintf(x->o.f, ", %llu segment%s", (unsigned long long)segs, segs == 1 ? "" : "s");
    if (dead)
        fprintf(x->o.f, " and %llu dead bytes", (unsigned long long)dead);
    fprintf(x->o.f, " (--full lists them)\n");
}

static void put_skip(ex_ctx *x, uint64_t at, uint64_t count, const char *what, uint64_t dead)
{
    put_skip_segs(x, at, count, what, 0, dead);
}

static void put_dead(ex_ctx *x, uint64_t from, uint64_t to)
{
    if (to > from && ex_line(&x->o, from))
        fprintf(x->o.f, "  %6llu  dead space [%llu, %llu): %llu bytes\n", (unsigned long long)from,
                (unsigned long long)from, (unsigned long long)to, (unsigned long long)(to - from));
}

/* The segments of a segmented file (spec 3.7) lie in the chunk region and
 * are live data, not dead space (3.4): the region lists them between its
 * chunks.  Each is [lo, hi), clipped to the region and to start after the
 * previous one (a hostile table may overlap, R-SEG-4), in file order. */
typedef struct seg_span {
    uint64_t lo, hi, k, count, start; /* start: segment_offset, before clipping */
} seg_span;

typedef struct seg_list {
    seg_span *v;
    size_t n, cur; /* cur: the first not yet passed by the walk */
    uint64_t skipped, skip_at, skip_dead;
} seg_list;

static int cmp_span(const void *a, const void *b)
{
    const seg_span *p = a, *q = b;
    if (p->lo != q->lo)
        return p->lo < q->lo ? -1 : 1;
    return p->k < q->k ? -1 : p->k > q->k;
}

/* Out of memory leaves the list empty: the segments then show as before,
 * as dead space. */
static void seg_list_load(seg_list *g, const cli_layout *L, uint64_t H, uint64_t E)
{
    memset(g, 0, sizeof *g);
    uint64_t s = cli_segment_count(L);
    if (s == 0 || (g->v = malloc((size_t)s * sizeof *g->v)) == NULL)
        return;
    for (uint64_t k = 0; k < s; k++) {
        uint64_t so, sl;
        cli_segment_entry(L, k, &so, &sl);
        if (sl == 0 || so < H || so >= E)
            continue;
        uint64_t count = cli_layout_has(L, so, 4) ? cli_be32(L->data + (size_t)so) : 0;
        g->v[g->n++] = (seg_span){so, sl > E - so ? E : so + sl, k, count, so};
    }
    qsort(g->v, g->n, sizeof *g->v, cmp_span);
    size_t m = 0;
    for (size_t i = 0; i < g->n; i++) {
        seg_span sp = g->v[i];
        if (m > 0 && sp.lo < g->v[m - 1].hi)
            sp.lo = g->v[m - 1].hi;
        if (sp.lo < sp.hi)
            g->v[m++] = sp;
    }
    g->n = m;
}

/* Bytes of [H, E) in a current chunk or a segment. */
static uint64_t live_bytes(const cli_entries *es, const seg_list *g, uint64_t H, uint64_t E)
{
    uint64_t live = 0, covered = H;
    size_t i = 0, j = 0;
    for (;;) {
        while (i < es->n && !es->v[i].current)
            i++;
        uint64_t lo, hi;
        if (i < es->n && (j >= g->n || es->v[i].e.chunk_offset <= g->v[j].lo)) {
            lo = es->v[i].e.chunk_offset;
            hi = lo + 4u + es->v[i].e.value_length; /* inside the file (R-CHK-1) */
            i++;
        } else if (j < g->n) {
            lo = g->v[j].lo;
            hi = g->v[j].hi;
            j++;
        } else {
            return live;
        }
        if (lo < covered)
            lo = covered;
        if (hi > E)
            hi = E;
        if (hi > lo) {
            live += hi - lo;
            covered = hi;
        }
    }
}

static void flush_segs(ex_ctx *x, seg_list *g)
{
    put_skip(x, g->skip_at, g->skipped, "segments", g->skip_dead);
    g->skipped = g->skip_dead = 0;
}

/* [from, to) between chunks: its segments (the first and last few unless
 * --full or the error is in one) and the dead space around them. */
static void put_gap(ex_ctx *x, seg_list *g, uint64_t from, uint64_t to)
{
    while (g->cur < g->n && g->v[g->cur].hi <= from)
        g->cur++;
    while (from < to && g->cur < g->n && g->v[g->cur].lo < to) {
        const seg_span *sp = &g->v[g->cur];
        uint64_t lo = sp->lo > from ? sp->lo : from, hi = sp->hi < to ? sp->hi : to;
        if (ex_shown(&x->o, g->cur, g->n, FEW_SEGMENTS) || err_in(x, lo, hi)) {
            flush_segs(x, g);
            put_dead(x, from, lo);
            if (ex_line(&x->o, lo)) {
                fprintf(x->o.f, "  %6llu  segment [%llu] [%llu, %llu): %llu bytes, %llu event%s",
                        (unsigned long long)lo, (unsigned long long)sp->k, (unsigned long long)lo,
                        (unsigned long long)hi, (unsigned long long)(hi - lo),
                        (unsigned long long)sp->count, sp->count == 1 ? "" : "s");
                if (sp->start < lo) /* R-SEG-4 or R-SEG-9: shown from where the overlap ends */
                    fprintf(x->o.f, " (it starts at %llu, inside what precedes it)",
                            (unsigned long long)sp->start);
                fputc('\n', x->o.f);
            }
        } else if (g->skipped++ == 0) {
            put_dead(x, from, lo);
            g->skip_at = lo;
        } else {
            g->skip_dead += lo - from;
        }
        from = hi;
        if (sp->hi > to)
            break; /* a chunk overlaps the rest of it (R-SEG-9) */
        g->cur++;
    }
    flush_segs(x, g);
    put_dead(x, from, to);
}

/* The bytes of [from, to) in segments, passed over while chunks are not
 * listed (their count goes to *nseg). */
static uint64_t skip_gap(seg_list *g, uint64_t from, uint64_t to, uint64_t *nseg)
{
    uint64_t bytes = 0;
    while (g->cur < g->n && g->v[g->cur].hi <= from)
        g->cur++;
    while (from < to && g->cur < g->n && g->v[g->cur].lo < to) {
        const seg_span *sp = &g->v[g->cur];
        uint64_t lo = sp->lo > from ? sp->lo : from, hi = sp->hi < to ? sp->hi : to;
        bytes += hi - lo;
        (*nseg)++;
        from = hi;
        if (sp->hi > to)
            break;
        g->cur++;
    }
    return bytes;
}

static void chunk_region(ex_ctx *x)
{
    const cli_layout *L = x->L;
    uint64_t H = L->chunk_begin, E = L->chunk_end;
    if (!ex_line(&x->o, H))
        return;
    fprintf(x->o.f, "CHUNK REGION  [%llu, %llu)", (unsigned long long)H, (unsigned long long)E);
    if (E < H) {
        fprintf(x->o.f, "  empty: it ends before it starts (R-LAY-3)\n");
        E = H;
    } else {
        fprintf(x->o.f, "  %llu bytes", (unsigned long long)(E - H));
    }
    if (!x->by_chunk_ok) {
        fprintf(x->o.f, "\n  (no profile could read the index, so the chunks are not known)\n");
        ex_blank(&x->o);
        return;
    }
    const cli_entries *es = &x->by_chunk;
    seg_list g;
    seg_list_load(&g, L, H, E);
    uint64_t live = live_bytes(es, &g, H, E);
    fprintf(x->o.f, ": %zu chunk%s", es->n, es->n == 1 ? "" : "s");
    if (L->segmented)
        fprintf(x->o.f, ", %zu segment%s", g.n, g.n == 1 ? "" : "s");
    fprintf(x->o.f, ", %llu live bytes, %llu dead\n", (unsigned long long)live,
            (unsigned long long)(E - H - live));
    if (es->n > 0)
        fprintf(x->o.f, "  offset  length   index  check       key = value\n");

    uint64_t covered = H;  /* end of the bytes described so far */
    uint64_t live_end = H; /* end of the last current chunk, for R-CHK-4 */
    uint64_t skipped = 0, skipped_dead = 0, skip_at = 0, skipped_segs = 0;
    for (size_t i = 0; i < es->n; i++) {
        const cli_entry *c = &es->v[i];
        uint64_t o = c->e.chunk_offset, len = c->e.value_length;
        uint64_t end = o + 4u + len; /* inside the file (R-CHK-1) */
        /* The dead run before this chunk.  A superseded chunk (compat
         * duplicate) is itself dead: its run reaches the next live chunk,
         * and is shown before it. */
        uint64_t dead_to = o < E ? o : E;
        if (!c->current) {
            dead_to = E;
            for (size_t j = i + 1; j < es->n; j++) {
                if (es->v[j].current && es->v[j].e.chunk_offset >= covered) {
                    if (es->v[j].e.chunk_offset < dead_to)
                        dead_to = es->v[j].e.chunk_offset;
                    break;
                }
            }
        }
        uint64_t dead = dead_to > covered ? dead_to - covered : 0;

        ex_checks cs;
        ex_checks_init(&cs);
        int have_field = cli_layout_has(L, o, 4);
        uint32_t field = have_field ? cli_be32(L->data + (size_t)o) : 0;
        if (c->current) {
            ex_check(&cs, "R-CHK-2", 1, o >= H && end <= E,
                     "the chunk [%llu, %llu) is not inside the chunk region [%llu, %llu)",
                     (unsigned long long)o, (unsigned long long)end, (unsigned long long)H,
                     (unsigned long long)E);
            ex_check(&cs, "R-CHK-3", 1, have_field && field == len,
                     "the length field says %lu, the index says %llu (compat uses the index)",
                     (unsigned long)field, (unsigned long long)len);
            ex_check(&cs, "R-CHK-4", 1, o >= live_end,
                     "it overlaps the previous chunk, which ends at %llu",
                     (unsigned long long)live_end);
        }
        int flagged = ex_checks_bad(&x->o, &cs) || err_in(x, o, end) ||
                      (x->o.has_err && x->o.err.offset == c->e.entry_offset);
        if (ex_shown(&x->o, i, es->n, FEW_CHUNKS) || flagged) {
            put_skip_segs(x, skip_at, skipped, "chunks", skipped_segs, skipped_dead);
            skipped = skipped_dead = skipped_segs = 0;
            put_gap(x, &g, covered, dead_to);
            if (ex_line(&x->o, o)) {
                char field_text[16], checks[96];
                if (have_field)
                    snprintf(field_text, sizeof field_text, "%lu", (unsigned long)field);
                else
                    snprintf(field_text, sizeof field_text, "-");
                if (c->current)
                    ex_checks_text(&x->o, &cs, 1, checks, sizeof checks);
                else
                    snprintf(checks, sizeof checks, "superseded");
                fprintf(x->o.f, "  %6llu  %6s  %6llu  %-11s ", (unsigned long long)o, field_text,
                        (unsigned long long)len, checks);
                put_key(x->o.f, &c->e);
                fputs(" = ", x->o.f);
                acepack_span v;
                if (cli_range_in(o + 4u, len, L->size)) {
                    v.ptr = L->data + (size_t)(o + 4u);
                    v.len = (size_t)len;
                    put_quoted(x->o.f, v.ptr, v.len, 32);
                }
                fputc('\n', x->o.f);
                if (!c->current)
                    fprintf(x->o.f, "          (a later index member has the same key: this chunk "
                                    "is dead, R-IDX-12)\n");
                ex_put_notes(&x->o, &cs);
            }
        } else {
            if (skipped == 0)
                skip_at = dead ? covered : o;
            skipped++;
            skipped_dead += dead - skip_gap(&g, covered, dead_to, &skipped_segs);
        }
        if (dead_to > covered)
            covered = dead_to;
        if (c->current) {
            if (end > covered)
                covered = end;
            if (end > live_end)
                live_end = end;
        }
    }
    put_skip_segs(x, skip_at, skipped, "chunks", skipped_segs, skipped_dead);
    put_gap(x, &g, covered, E);
    free(g.v);
    if (ex_line(&x->o, E))
        ex_blank(&x->o);
}

/* ---- event section ---- */

/* The first event breaking each per-event rule (UINT32_MAX: none). */
typedef struct event_faults {
    uint32_t bounds;  /* R-EVT-7 */
    uint32_t ts;      /* R-EVT-8 */
    uint32_t packed;  /* R-EVT-6 */
    uint64_t sum;     /* sum of pay_len, for R-EVT-6 on pool_length */
    uint32_t payload; /* R-PAY-1..3 */
    acepack_error payload_err;
} event_faults;

static int payload_in(const cli_layout *L, uint32_t i)
{
    uint64_t room = L->evt_len - L->cols_end;
    uint64_t po = cli_layout_pay_off(L, i), pl = cli_layout_pay_len(L, i);
    return po + pl <= room;
}

static void find_faults(const cli_layout *L, event_faults *ff)
{
    memset(ff, 0, sizeof *ff);
    ff->bounds = ff->ts = ff->packed = ff->payload = UINT32_MAX;
    uint64_t expect = 0;
    for (uint32_t i = 0; i < L->n; i++) {
        uint64_t po = cli_layout_pay_off(L, i), pl = cli_layout_pay_len(L, i);
        if (ff->bounds == UINT32_MAX && !payload_in(L, i))
            ff->bounds = i;
        if (ff->ts == UINT32_MAX && cli_layout_ts(L, i) > CLI_MAX_SAFE)
            ff->ts = i;
        if (ff->packed == UINT32_MAX && po != expect)
            ff->packed = i;
        expect += pl;
        if (ff->payload == UINT32_MAX && payload_in(L, i)) {
            const uint8_t *p = L->data + (size_t)(L->p_pool + po);
            acepack_error e;
            memset(&e, 0, sizeof e);
            if (acepack_json_check(p, (size_t)pl, &e) != ACEPACK_OK) {
                ff->payload = i;
                ff->payload_err = e;
            }
        }
    }
    ff->sum = expect;
}

void ex_event_row_heading(ex_ctx *x)
{
    fprintf(x->o.f, "      %8s  %16s  kind  source  flags  payload\n", "id", "ts");
}

void ex_event_row(ex_ctx *x, uint32_t i)
{
    const cli_layout *L = x->L;
    uint64_t po = cli_layout_pay_off(L, i), pl = cli_layout_pay_len(L, i);
    fprintf(x->o.f, "      %8llu  %16llu  %4u  %6u   0x%02x  ",
            (unsigned long long)L->base_id + i + 1u, (unsigned long long)cli_layout_ts(L, i),
            (unsigned)L->data[(size_t)L->p_kind + i], (unsigned)L->data[(size_t)L->p_source + i],
            (unsigned)L->data[(size_t)L->p_flags + i]);
    if (payload_in(L, i)) {
        uint64_t at = L->p_pool + po;
        fprintf(x->o.f, "[%llu, %llu) %llu bytes ", (unsigned long long)at,
                (unsigned long long)(at + pl), (unsigned long long)pl);
        put_quoted(x->o.f, L->data + (size_t)at, (size_t)pl, 60);
        fputc('\n', x->o.f);
    } else {
        fprintf(x->o.f, "pay_off %llu + pay_len %llu is past the section's pool (%llu bytes)\n",
                (unsigned long long)po, (unsigned long long)pl,
                (unsigned long long)(L->evt_len - L->cols_end));
    }
}

/* One line of the section's field table. */
static int field_line(ex_ctx *x, uint64_t at, const char *name, const char *fmt, ...)
    CLI_PRINTF(4, 5);
static int field_line(ex_ctx *x, uint64_t at, const char *name, const char *fmt, ...)
{
    if (!ex_line(&x->o, at))
        return 0;
    char value[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    fprintf(x->o.f, "  %6llu  %6llu  %-12s %-48s ", (unsigned long long)at,
            (unsigned long long)(at - x->L->evt_off), name, value);
    return 1;
}

static void list_events(ex_ctx *x, const event_faults *ff)
{
    const cli_layout *L = x->L;
    uint32_t n = L->n;
    if (n == 0 || !ex_line(&x->o, L->p_pool))
        return;
    if (n <= 2u * FEW_EVENTS || x->o.full)
        fprintf(x->o.f, "  events (%lu):\n", (unsigned long)n);
    else
        fprintf(x->o.f, "  events (the first %u and the last %u of %lu):\n", FEW_EVENTS, FEW_EVENTS,
                (unsigned long)n);
    ex_event_row_heading(x);
    uint64_t skipped = 0, skip_at = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t at = payload_in(L, i) ? L->p_pool + cli_layout_pay_off(L, i) : L->p_pool;
        int flagged = i == ff->bounds || i == ff->packed || i == ff->payload ||
                      (i == ff->ts && x->o.profile == ACEPACK_STRICT) ||
                      (payload_in(L, i) && err_in(x, at, at + cli_layout_pay_len(L, i)));
        if (!ex_shown(&x->o, i, n, FEW_EVENTS) && !flagged) {
            if (skipped++ == 0)
                skip_at = at;
            continue;
        }
        put_skip(x, skip_at, skipped, "events", 0);
        skipped = 0;
        if (!ex_line(&x->o, at))
            return;
        ex_event_row(x, i);
    }
    put_skip(x, skip_at, skipped, "events", 0);
}

/* The first line of the event section and of the index.  Their contents
 * are read through their offsets, so a region that is not all in the file
 * is only named, with the rule it breaks.  @return 1 to list the contents. */
static int region_heading(ex_ctx *x, const char *name, uint64_t off, uint64_t len, int in_file,
                          const char *rule)
{
    if (!ex_line(&x->o, off))
        return 0;
    char end[32];
    fprintf(x->o.f, "%s  [%llu, %s)  %llu bytes", name, (unsigned long long)off,
            cli_range_end(end, sizeof end, off, len), (unsigned long long)len);
    if (!in_file) {
        fprintf(x->o.f, ": past the end of the file (%s), not shown\n", rule);
        ex_blank(&x->o);
        return 0;
    }
    return 1;
}

static void event_section(ex_ctx *x)
{
    const cli_layout *L = x->L;
    int strict = x->o.profile == ACEPACK_STRICT;
    if (!region_heading(x, "EVENT SECTION", L->evt_off, L->evt_len, L->evt_in_file, "R-LAY-2"))
        return;
    if (!L->sec_count) {
        fprintf(x->o.f, ": too short for the count field\n");
        fprintf(x->o.f,
                strict ? "          !! R-EVT-1 [strict]: evt_length must be at least 8\n"
                       : "          (compat: a section under 4 bytes has no events, R-EVT-2)\n");
        ex_blank(&x->o);
        return;
    }
    fprintf(x->o.f, ": %lu event%s", (unsigned long)L->n, L->n == 1 ? "" : "s");
    if (L->cols_fit)
        fprintf(x->o.f, ", pool_length %lu", (unsigned long)L->pool_len);
    fprintf(x->o.f, "\n  offset     pos  %-12s %-48s checks\n", "field", "value");

    ex_checks cs;
    ex_checks_init(&cs);
    if (L->n > 0)
        ex_check(&cs, "R-EVT-3", 0, L->cols_fit,
                 "the columns and pool_length need 8 + 19*%lu + %llu = %llu bytes; the section "
                 "has %llu",
                 (unsigned long)L->n, (unsigned long long)L->pad, (unsigned long long)L->cols_end,
                 (unsigned long long)L->evt_len);
    if (field_line(x, L->evt_off, "count", "%lu", (unsigned long)L->n)) {
        ex_put_checks(&x->o, &cs, 0);
        if (L->n == 0 && !strict)
            fprintf(x->o.f, "          (compat: a count of 0 means no events, R-EVT-2)\n");
    }
    if (!L->cols_fit) {
        if (L->n == 0 && ex_line(&x->o, L->evt_off + 4))
            fprintf(x->o.f, "          (no room for pool_length: evt_length is below 8)\n");
        if (ex_line(&x->o, L->evt_off + L->evt_len))
            ex_blank(&x->o);
        return;
    }

    event_faults ff;
    find_faults(L, &ff);
    if (L->n > 0) {
        ex_checks_init(&cs);
        if (ff.ts != UINT32_MAX)
            ex_check(&cs, "R-EVT-8", 1, 0, "ts of event %lu (id %llu) is above 2^53-1",
                     (unsigned long)ff.ts, (unsigned long long)L->base_id + ff.ts + 1u);
        else
            ex_check(&cs, "R-EVT-8", 1, 1, " ");
        if (field_line(x, L->p_ts, "ts[]", "%lu x u64", (unsigned long)L->n))
            ex_put_checks(&x->o, &cs, 0);
        if (field_line(x, L->p_kind, "kind[]", "%lu x u8", (unsigned long)L->n))
            fputc('\n', x->o.f);
        if (field_line(x, L->p_source, "source[]", "%lu x u8", (unsigned long)L->n))
            fputc('\n', x->o.f);
        if (field_line(x, L->p_flags, "flags[]", "%lu x u8", (unsigned long)L->n))
            fputc('\n', x->o.f);
        if (L->pad > 0) {
            char bytes[16] = "";
            int64_t nz = -1;
            for (size_t k = 0; k < (size_t)L->pad; k++) {
                uint8_t b = L->data[(size_t)L->p_pad + k];
                snprintf(bytes + 3 * k, sizeof bytes - 3 * k, "%02x ", b);
                if (b != 0 && nz < 0)
                    nz = (int64_t)k;
            }
            ex_checks_init(&cs);
            ex_check(&cs, "R-EVT-5", 1, nz < 0, "pad byte %lld is not zero", (long long)nz);
            if (field_line(x, L->p_pad, "pad", "(4 - N mod 4) mod 4 = %llu: %s",
                           (unsigned long long)L->pad, bytes))
                ex_put_checks(&x->o, &cs, 0);
        }
        ex_checks_init(&cs);
        if (ff.bounds != UINT32_MAX)
            ex_check(&cs, "R-EVT-7", 0, 0,
                     "the payload of event %lu (id %llu) ends past the section",
                     (unsigned long)ff.bounds, (unsigned long long)L->base_id + ff.bounds + 1u);
        else
            ex_check(&cs, "R-EVT-7", 0, 1, " ");
        if (ff.packed != UINT32_MAX)
            ex_check(&cs, "R-EVT-6", 1, 0,
                     "pay_off of event %lu (id %llu) is %lu; packed in event order it is the sum "
                     "of the lengths before it",
                     (unsigned long)ff.packed, (unsigned long long)L->base_id + ff.packed + 1u,
                     (unsigned long)cli_layout_pay_off(L, ff.packed));
        else
            ex_check(&cs, "R-EVT-6", 1, 1, " ");
        uint64_t spos = L->p_pay_off - L->evt_off;
        if (field_line(x, L->p_pay_off, "pay_off[]", "%s in section (3.3.2), %s in file",
                       spos % 4u ? "unaligned" : "aligned",
                       L->p_pay_off % 4u ? "unaligned" : "aligned"))
            ex_put_checks(&x->o, &cs, 0);
        if (field_line(x, L->p_pay_len, "pay_len[]", "%lu x u32", (unsigned long)L->n))
            fputc('\n', x->o.f);
    }
    ex_checks_init(&cs);
    ex_check(&cs, "R-EVT-4", 1, L->evt_len == L->cols_end + L->pool_len,
             "8 + 19*N + pad + pool_length = %llu differs from evt_length %llu",
             (unsigned long long)(L->cols_end + L->pool_len), (unsigned long long)L->evt_len);
    if (ff.packed == UINT32_MAX)
        ex_check(&cs, "R-EVT-6", 1, ff.sum == L->pool_len, "the payload lengths add up to %llu",
                 (unsigned long long)ff.sum);
    if (field_line(x, L->p_pool_len, "pool_length", "%lu", (unsigned long)L->pool_len))
        ex_put_checks(&x->o, &cs, 0);
    ex_checks_init(&cs);
    if (ff.payload != UINT32_MAX)
        ex_check(&cs, ff.payload_err.rule ? ff.payload_err.rule : "R-PAY-2", 1, 0,
                 "the payload of event %lu (id %llu): %s (at payload byte %llu)",
                 (unsigned long)ff.payload, (unsigned long long)L->base_id + ff.payload + 1u,
                 ff.payload_err.message ? ff.payload_err.message : "not a JSON object",
                 (unsigned long long)ff.payload_err.offset);
    else if (L->n > 0)
        ex_check(&cs, "R-PAY-1..3", 1, 1, " ");
    if (field_line(x, L->p_pool, "pool", "%llu bytes",
                   (unsigned long long)(L->evt_len - L->cols_end)))
        ex_put_checks(&x->o, &cs, 0);
    list_events(x, &ff);
    if (ex_line(&x->o, L->evt_off + L->evt_len))
        ex_blank(&x->o);
}

/* ---- index ---- */

static void index_region(ex_ctx *x)
{
    const cli_layout *L = x->L;
    const cli_analysis *a = x->a;
    if (!region_heading(x, "INDEX", L->index_off, L->index_len, L->index_in_file, "R-LAY-1"))
        return;
    if (!a->entries_ok) {
        fprintf(x->o.f, ": no profile could parse it; it starts with\n          ");
        put_quoted(x->o.f, L->data + (size_t)L->index_off, (size_t)L->index_len, 64);
        fprintf(x->o.f, "\n");
        ex_blank(&x->o);
        return;
    }
    const cli_entries *es = &a->entries;
    fprintf(x->o.f, ": %zu member%s", es->n, es->n == 1 ? "" : "s");
    if (a->table_mem)
        fprintf(x->o.f, ", %llu distinct key%s", (unsigned long long)a->table.key_count,
                a->table.key_count == 1 ? "" : "s");
    if (a->patched)
        fprintf(x->o.f, " (as compat parses it when the header and events are ignored)");
    else if (a->r_profile != x->o.profile)
        fprintf(x->o.f, " (as the %s profile parses it)", cli_profile_name(a->r_profile));
    fputc('\n', x->o.f);
    if (es->n > 0)
        fprintf(x->o.f, "  offset     chunk    length  key\n");
    uint64_t skipped = 0, skip_at = 0;
    for (size_t i = 0; i < es->n; i++) {
        const cli_entry *c = &es->v[i];
        uint64_t next = i + 1 < es->n ? es->v[i + 1].e.entry_offset : L->index_off + L->index_len;
        int flagged = !c->current || err_in(x, c->e.entry_offset, next);
        if (!ex_shown(&x->o, i, es->n, FEW_MEMBERS) && !flagged) {
            if (skipped++ == 0)
                skip_at = c->e.entry_offset;
            continue;
        }
        put_skip(x, skip_at, skipped, "members", 0);
        skipped = 0;
        if (!ex_line(&x->o, c->e.entry_offset))
            return;
        fprintf(x->o.f, "  %6llu  %8llu  %8llu  ", (unsigned long long)c->e.entry_offset,
                (unsigned long long)c->e.chunk_offset, (unsigned long long)c->e.value_length);
        put_key(x->o.f, &c->e);
        fputc('\n', x->o.f);
        if (!c->current) {
            if (x->o.profile == ACEPACK_STRICT)
                fprintf(x->o.f, "          !! R-IDX-7 [strict]: the same key occurs again later "
                                "in the index\n");
            else
                fprintf(x->o.f,
                        "          (superseded: a later member has the same key, R-IDX-12)\n");
        }
    }
    put_skip(x, skip_at, skipped, "members", 0);
    if (ex_line(&x->o, L->index_off + L->index_len))
        ex_blank(&x->o);
}

/* ---- tail ---- */

static void tail(ex_ctx *x)
{
    const cli_layout *L = x->L;
    uint64_t t = L->regions_end;
    if (t < L->header_size)
        t = L->header_size;
    if (t > L->size || !ex_line(&x->o, t))
        return;
    if (t == L->size) {
        fprintf(x->o.f, "TAIL  none: the file ends with the last region\n");
        return;
    }
    fprintf(x->o.f,
            "TAIL  [%llu, %zu)  %llu bytes after the last region: unreferenced, allowed "
            "(spec 3.5), absent in the canonical form\n",
            (unsigned long long)t, L->size, (unsigned long long)(L->size - t));
    fprintf(x->o.f, "  %6llu  ", (unsigned long long)t);
    for (uint64_t i = t; i < L->size && i < t + 16u; i++)
        fprintf(x->o.f, "%02x ", L->data[(size_t)i]);
    fprintf(x->o.f, "%s\n", L->size - t > 16u ? "..." : "");
}

/* ---- order ---- */

typedef struct region {
    uint64_t start;
    int rank; /* the canonical order, for regions that start at the same byte */
    void (*print)(ex_ctx *x);
} region;

void ex_regions(ex_ctx *x)
{
    const cli_layout *L = x->L;
    if (!L->complete)
        return;
    region rs[3];
    size_t n = 0;
    rs[n++] = (region){L->chunk_begin, 0, chunk_region};
    if (!L->v1)
        rs[n++] = (region){L->evt_off, 1, L->segmented ? ex_segment_table : event_section};
    rs[n++] = (region){L->index_off, 2, index_region};
    for (size_t i = 1; i < n; i++) { /* insertion sort of at most 3 */
        for (size_t j = i; j > 0; j--) {
            region *p = &rs[j - 1], *q = &rs[j];
            if (p->start < q->start || (p->start == q->start && p->rank < q->rank))
                break;
            region t = *p;
            *p = *q;
            *q = t;
        }
    }
    for (size_t i = 0; i < n; i++)
        rs[i].print(x);
    tail(x);
}
