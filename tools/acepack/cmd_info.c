/*
 * cmd_info.c - `acepack info`: a one-screen summary of a file: header
 * fields, region sizes, dead space and tail, counts, the verdict of both
 * profiles and whether the file is in the canonical form (spec 8.3).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "commands.h"

#define LABEL "%-17s"

/* The chunk region of a segmented file also holds the segments (spec 3.7).
 * Their bytes count as live only when strict accepts the file: then segments
 * overlap neither each other (R-SEG-4) nor a current chunk (R-SEG-9), so the
 * sum of chunk and segment bytes is a sum of disjoint ranges. */
static void put_segmented_region(const cli_analysis *a, uint64_t chunk_live, uint64_t len)
{
    const cli_layout *L = &a->L;
    if (a->status[ACEPACK_STRICT] != ACEPACK_OK) {
        printf(": %llu live in chunks; segments not counted (the file is not valid under "
               "strict)",
               (unsigned long long)chunk_live);
        return;
    }
    uint64_t n = cli_segment_count(L), in_segments = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t so, sl;
        cli_segment_entry(L, k, &so, &sl);
        uint64_t lo = so > L->chunk_begin ? so : L->chunk_begin;
        uint64_t hi =
            sl <= L->chunk_end - L->chunk_begin && so <= L->chunk_end - sl ? so + sl : L->chunk_end;
        if (hi > lo)
            in_segments += hi - lo;
    }
    printf(": %llu live in chunks, %llu in %llu segment%s, %llu dead",
           (unsigned long long)chunk_live, (unsigned long long)in_segments, (unsigned long long)n,
           n == 1 ? "" : "s", (unsigned long long)(len - chunk_live - in_segments));
}

static void put_u64_field(const cli_layout *L, const char *name, uint64_t off, uint64_t width,
                          uint64_t value)
{
    printf(LABEL, name);
    if (cli_layout_has(L, off, width))
        printf("%llu\n", (unsigned long long)value);
    else
        printf("(missing: the file ends at %zu)\n", L->size);
}

static void put_region(const char *name, uint64_t off, uint64_t len, int in_file)
{
    char end[32];
    printf(LABEL "[%llu, %s) %llu bytes%s\n", name, (unsigned long long)off,
           cli_range_end(end, sizeof end, off, len), (unsigned long long)len,
           in_file ? "" : " (past the end of the file)");
}

static void put_verdict(const cli_analysis *a, acepack_profile p)
{
    char label[32];
    snprintf(label, sizeof label, "%s:", cli_profile_name(p));
    printf(LABEL, label);
    const acepack_error *e = &a->err[p];
    if (a->status[p] == ACEPACK_OK)
        printf("valid\n");
    else if (a->status[p] == ACEPACK_UNSUPPORTED)
        printf("unsupported: %s%s%s\n", e->rule ? e->rule : "", e->rule ? ": " : "",
               e->message ? e->message : "a limit of this implementation");
    else
        printf("invalid: %llu: %s: %s\n", (unsigned long long)e->offset, e->rule ? e->rule : "-",
               e->message ? e->message : acepack_status_name(e->status));
}

/* Is the strict-valid file the canonical file of its content (W-CAN-1..4)?
 * Writes the reason when it is not. */
static int canonical(const cli_analysis *a, char *why, size_t cap)
{
    const acepack_reader *r = a->r;
    if (r->version != 2) {
        snprintf(why, cap, "format version 1 (the canonical form is v2, spec 8.3)");
        return 0;
    }
    if (r->flags != 0) {
        snprintf(why, cap, "the flags word is not 0 (W-CAN-4)");
        return 0;
    }
    if (a->L.size != r->index_offset + r->index_length) {
        snprintf(why, cap, "%llu tail bytes after the index (W-CAN-3)",
                 (unsigned long long)(a->L.size - (r->index_offset + r->index_length)));
        return 0;
    }
    uint64_t expect = 128;
    uint8_t *prev = NULL;
    size_t prev_len = 0;
    int ok = 1;
    for (size_t i = 0; i < a->entries.n && ok; i++) {
        const acepack_entry *e = &a->entries.v[i].e;
        size_t len = 0;
        uint8_t *key = cli_key_dup(e, &len);
        if (key == NULL) {
            snprintf(why, cap, "unknown (out of memory)");
            ok = 0;
        } else if (prev != NULL && cli_canonical_key_cmp(prev, prev_len, key, len) >= 0) {
            snprintf(why, cap, "index member at %llu is not in W-CAN-1 key order",
                     (unsigned long long)e->entry_offset);
            ok = 0;
        } else if (e->chunk_offset != expect) {
            snprintf(why, cap,
                     "the chunk of the index member at %llu is at %llu, not %llu (W-CAN-2)",
                     (unsigned long long)e->entry_offset, (unsigned long long)e->chunk_offset,
                     (unsigned long long)expect);
            ok = 0;
        }
        expect += 4u + e->value_length;
        free(prev);
        prev = key;
        prev_len = len;
    }
    free(prev);
    if (ok && r->chunk_end != expect) {
        snprintf(why, cap, "%llu bytes of dead space end the chunk region (W-CAN-2)",
                 (unsigned long long)(r->chunk_end - expect));
        ok = 0;
    }
    return ok;
}

static int info(const cli_input *in)
{
    cli_analysis a;
    cli_analysis_run(&a, in->data, in->size, ACEPACK_STRICT);
    const cli_layout *L = &a.L;

    printf(LABEL "%s\n", "file:", in->name);
    printf(LABEL "%zu bytes\n", "size:", in->size);
    if (!cli_layout_has(L, 0, 8))
        printf(LABEL "(missing: the file ends at %zu)\n", "magic:", in->size);
    else if (memcmp(in->data, cli_magic, 8) != 0)
        printf(LABEL "%s\n", "magic:", "not ACEPACK (R-HDR-2)");
    put_u64_field(L, "format version:", 8, 4, L->version);
    printf(LABEL, "flags:");
    if (cli_layout_has(L, 12, 4))
        printf("0x%08lx%s\n", (unsigned long)L->flags,
               (L->flags & 0xFFFF0000u & ~(L->segmented ? 0x00010000u : 0u))
                   ? " (incompatible bits set: R-HDR-4)"
               : L->segmented ? " (segmented event log, spec 3.7)"
                              : "");
    else
        printf("(missing: the file ends at %zu)\n", in->size);
    if (L->v1) {
        put_u64_field(L, "index_offset:", 16, 8, L->index_off);
        put_u64_field(L, "index_length:", 24, 8, L->index_len);
    } else {
        put_u64_field(L, "kv_index_offset:", 16, 8, L->index_off);
        put_u64_field(L, "kv_index_length:", 24, 8, L->index_len);
        put_u64_field(L, "kv_chunk_end:", 32, 8, L->chunk_end);
        put_u64_field(L, "evt_offset:", 40, 8, L->evt_off);
        put_u64_field(L, "evt_length:", 48, 8, L->evt_len);
        put_u64_field(L, "evt_count:", 56, 4, L->evt_count);
        put_u64_field(L, "evt_base_id:", 60, 4, L->base_id);
    }

    if (L->complete) {
        printf(LABEL "%zu bytes%s\n", "header:", L->header_size,
               in->size < L->header_size ? " (the file is shorter)" : "");
        if (L->chunk_end >= L->chunk_begin) {
            uint64_t len = L->chunk_end - L->chunk_begin;
            printf(LABEL "[%llu, %llu) %llu bytes",
                   "chunk region:", (unsigned long long)L->chunk_begin,
                   (unsigned long long)L->chunk_end, (unsigned long long)len);
            cli_entries sorted;
            if (a.entries_ok && cli_entries_copy_by_chunk(&a.entries, &sorted)) {
                uint64_t live = cli_entries_live_bytes(&sorted, L->chunk_begin, L->chunk_end);
                if (L->segmented)
                    put_segmented_region(&a, live, len);
                else
                    printf(": %llu live, %llu dead", (unsigned long long)live,
                           (unsigned long long)(len - live));
                cli_entries_free(&sorted);
            }
            printf("\n");
        } else {
            printf(LABEL "ends before it starts (%llu < %llu)\n",
                   "chunk region:", (unsigned long long)L->chunk_end,
                   (unsigned long long)L->chunk_begin);
        }
        if (!L->v1)
            put_region("event section:", L->evt_off, L->evt_len, L->evt_in_file);
        put_region("index:", L->index_off, L->index_len, L->index_in_file);
        if (L->index_in_file && (L->v1 || L->evt_in_file))
            printf(LABEL "%llu bytes\n", "tail:", (unsigned long long)(in->size - L->regions_end));
    }

    if (a.r != NULL && !a.patched) {
        const char *note = a.status[a.r_profile] == ACEPACK_OK ? "" : " (file not valid)";
        char pnote[32] = "";
        if (a.r_profile != ACEPACK_STRICT)
            snprintf(pnote, sizeof pnote, " (as read by %s)", cli_profile_name(a.r_profile));
        uint32_t n = acepack_event_count(a.r);
        printf(LABEL, "events:");
        if (a.r->version == 1) {
            printf("none (format v1 has no event section)\n");
        } else {
            printf("%lu", (unsigned long)n);
            if (n > 0)
                printf(" (ids %llu..%llu)", (unsigned long long)a.r->evt_base_id + 1u,
                       (unsigned long long)a.r->evt_base_id + n);
            printf(", next id %llu%s%s\n", (unsigned long long)a.r->evt_base_id + n + 1u, pnote,
                   note);
        }
        printf(LABEL "%llu",
               "keys:", (unsigned long long)(a.table_mem ? a.table.key_count : a.r->entry_count));
        if (a.table_mem && a.table.key_count != a.r->entry_count)
            printf(" (%llu index members: duplicates, R-IDX-12)",
                   (unsigned long long)a.r->entry_count);
        printf("%s%s\n", pnote, note);
    }

    put_verdict(&a, ACEPACK_STRICT);
    put_verdict(&a, ACEPACK_COMPAT);
    printf(LABEL, "canonical:");
    char why[160];
    if (a.status[ACEPACK_STRICT] != ACEPACK_OK)
        printf("no (not valid under strict)\n");
    else if (!a.entries_ok)
        printf("unknown (out of memory)\n");
    else if (canonical(&a, why, sizeof why))
        printf("yes\n");
    else
        printf("no: %s\n", why);

    int rc = CLI_EXIT_OK;
    if (a.status[0] != ACEPACK_OK && a.status[1] != ACEPACK_OK) {
        int r0 = cli_exit_code(a.status[0]), r1 = cli_exit_code(a.status[1]);
        rc = (r0 == CLI_EXIT_UNSUPPORTED || r1 == CLI_EXIT_UNSUPPORTED) ? CLI_EXIT_UNSUPPORTED
                                                                        : CLI_EXIT_INVALID;
    }
    cli_analysis_free(&a);
    return rc;
}

static int run_info(const cli_command *self, int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse_args(self, argc, argv, NULL, 0, 1, 1, &a);
    if (rc >= 0)
        return rc;
    cli_input in;
    rc = cli_input_load(&in, a.pos[0]);
    if (rc == CLI_EXIT_OK)
        rc = info(&in);
    cli_input_free(&in);
    return rc;
}

const cli_command cli_cmd_info = {
    "info",
    "FILE",
    "summarize a file: header, regions, counts, verdicts, canonical form",
    "Prints one `name: value` line per fact about FILE: the format version, flags\n"
    "and every header field; the byte ranges of the chunk region (with its live\n"
    "and dead bytes), the event section and the index, and the tail after them;\n"
    "the number of events (and their ids) and keys; the verdict of the strict and\n"
    "the compat profile (full validation, as `acepack validate`); and whether the\n"
    "file is the canonical file of its content (spec 8.3, W-CAN-1..4: what\n"
    "`adapter write` and compaction produce), with the reason when it is not.\n"
    "Fields that the file is too short to hold are shown as missing.\n"
    "\n"
    "exit status: 0 valid under at least one profile, 1 invalid under both,\n"
    "2 usage or I/O error, 3 unsupported.\n",
    run_info,
};
