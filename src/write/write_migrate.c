/*
 * write_migrate.c - lossless migration of a v1 file to the canonical v2 file
 * (spec 10, M-1..M-10), using the reader's v1 log helpers.
 */
#include <errno.h>

#include "write_internal.h"

static const char SEQ_KEY[] = "meta/log_entry_seq";
static const uint8_t GAP_PAYLOAD[] = "{\"acepack\":\"gap\"}"; /* M-6 */

/* Memory of one migration, released together.  The arrays per log entry
 * are sized by the index's member count (cap), an upper bound of the
 * current keys; the KV arrays by the keys found. */
typedef struct mig {
    const acepack_allocator *a;
    size_t cap;
    uint8_t *keys; /* decoded keys that have escapes */
    size_t keys_size;
    aw_buf kv_buf;  /* the current keys that are not well-formed entries, */
    acepack_kv *kv; /* as an array once collected */
    size_t n_kv;
    acepack_event_in *logs;     /* the events of the well-formed entries (M-5) */
    acepack_event_in *logs_own; /* logs when allocated for them; NULL when in ws */
    uint64_t *ids;              /* their ids, in index order; NULL while they */
    uint64_t first_id;          /* run first_id, first_id + 1, ... */
    size_t n_logs;
    size_t *idx;              /* logs in id order, when index order is not */
    acepack_event_in *events; /* the event list with gaps (M-6), when logs is not */
    size_t n_events;
    acepack_kv *out_kv; /* the KV map of the output (M-7), n_kv entries */
    size_t *malformed;  /* M-10: malformed entries (kv indexes) in key order */
    size_t n_malformed;
    void *ws; /* validation (strict) or table (compat) memory */
    size_t ws_size;
} mig;

static void mig_free(mig *m)
{
    const acepack_allocator *a = m->a;
    size_t n = m->cap;
    aw_free(a, m->keys, m->keys_size);
    aw_buf_free(a, &m->kv_buf);
    aw_free(a, m->logs_own, n * sizeof(acepack_event_in));
    aw_free(a, m->ids, n * sizeof(uint64_t));
    aw_free(a, m->idx, n * sizeof(size_t));
    aw_free(a, m->events, m->n_events * sizeof(acepack_event_in));
    aw_free(a, m->out_kv, m->n_kv * sizeof(acepack_kv));
    aw_free(a, m->malformed, m->n_malformed * sizeof(size_t));
    aw_free(a, m->ws, m->ws_size);
}

static int log_cmp(void *ctx, size_t x, size_t y)
{
    const uint64_t *id = ctx;
    return id[x] < id[y] ? -1 : (id[x] > id[y] ? 1 : 0);
}

static int kv_bytes_cmp(void *ctx, size_t x, size_t y)
{
    const acepack_kv *kv = ctx;
    return aw_bytes_cmp(kv[x].key, kv[x].key_len, kv[y].key, kv[y].key_len);
}

/* M-1: open and validate the input under the profile; in compat, build the
 * table that tells which occurrence of a duplicated key counts (R-IDX-12). */
static acepack_status open_input(mig *m, acepack_reader *r, acepack_table *t, const void *v1,
                                 size_t n, acepack_profile profile, acepack_error *err)
{
    acepack_status st = acepack_open(r, v1, n, profile, err);
    if (st != ACEPACK_OK)
        return st;
    if (r->version != 1)
        return aw_fail(err, ACEPACK_INVALID, "M-1", 8, "input is not a v1 file");
    if (profile == ACEPACK_STRICT) {
        st = acepack_validate_workspace_size(r, ACEPACK_CHECK_ALL, &m->ws_size);
        if (st != ACEPACK_OK)
            return aw_fail(err, st, "M-1", 0, "validation workspace does not fit in memory");
        /* Validation is done with the workspace before collect() needs
         * memory for the events: one block serves both, so that the pages
         * validation touched are touched again rather than new ones. */
        if (r->entry_count <= (uint64_t)(SIZE_MAX / sizeof(acepack_event_in)) &&
            m->ws_size < (size_t)r->entry_count * sizeof(acepack_event_in))
            m->ws_size = (size_t)r->entry_count * sizeof(acepack_event_in);
        m->ws = m->ws_size ? aw_malloc(m->a, m->ws_size) : NULL;
        if (m->ws_size && !m->ws)
            return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
        return acepack_validate(r, ACEPACK_CHECK_ALL, m->ws, m->ws_size, err);
    }
    if (acepack_table_size(r, &m->ws_size) != ACEPACK_OK)
        return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "too many keys for this platform");
    m->ws = aw_malloc(m->a, m->ws_size);
    if (!m->ws)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    return acepack_table_build(t, r, m->ws, m->ws_size, err);
}

/* The id of log k. */
static uint64_t log_id(const mig *m, size_t k)
{
    return m->ids ? m->ids[k] : m->first_id + k;
}

/* Records the id of the next log, m->n_logs.  While the ids run first_id,
 * first_id + 1, ... (as 0.1.0 assigns them, in key order) nothing is
 * stored; the array is made at the first id that breaks the run.  0 or -1
 * when out of memory. */
static int note_id(mig *m, uint64_t id)
{
    size_t k = m->n_logs;
    if (!m->ids) {
        if (k == 0)
            m->first_id = id;
        if (k == 0 || id - m->first_id == k) /* wraps for id < first_id */
            return 0;
        m->ids = aw_malloc(m->a, m->cap * sizeof(uint64_t));
        if (!m->ids)
            return -1;
        for (size_t j = 0; j < k; j++)
            m->ids[j] = m->first_id + j;
    }
    m->ids[k] = id;
    return 0;
}

/* Collects every current KV entry and classifies the log entries (M-3,
 * M-4) in one pass over the index: a well-formed entry becomes its event
 * (M-5) and id at once, any other entry a KV entry (decoded key, value
 * span).  A key without escapes is its own bytes in the file; only keys with
 * escapes are decoded, into a buffer of index_length bytes (a decoded key is
 * never longer than its JSON text) allocated at the first such key. */
static acepack_status collect(mig *m, const acepack_reader *r, const acepack_table *t,
                              acepack_profile profile, acepack_error *err)
{
    acepack_index_iter it;
    acepack_entry e;
    if (r->entry_count > (uint64_t)(SIZE_MAX / sizeof(acepack_event_in)) ||
        r->index_length > (uint64_t)SIZE_MAX)
        return aw_fail(err, ACEPACK_UNSUPPORTED, NULL, 0, "too many keys for this platform");
    size_t nk = r->entry_count ? (size_t)r->entry_count : 1;
    m->cap = nk;
    if (profile == ACEPACK_STRICT && m->ws_size >= nk * sizeof(acepack_event_in))
        m->logs = m->ws; /* free after validation (open_input) */
    else
        m->logs = m->logs_own = aw_malloc(m->a, nk * sizeof(acepack_event_in));
    if (!m->logs)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");

    size_t pos = 0;
    acepack_index_iter_init(&it, r);
    while (acepack_index_iter_next(&it, &e)) {
        if (profile == ACEPACK_COMPAT && !acepack_table_is_current(t, &e))
            continue;
        if (m->n_kv + m->n_logs == nk) /* cannot happen: entry_count counts every member */
            return aw_fail(err, ACEPACK_INVALID, NULL, e.entry_offset, "index changed");
        const uint8_t *key = e.key.ptr;
        size_t key_len = e.key.len;
        if (e.has_escapes) {
            if (!m->keys) {
                m->keys_size = r->index_length ? (size_t)r->index_length : 1;
                m->keys = aw_malloc(m->a, m->keys_size);
                if (!m->keys)
                    return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
            }
            if (acepack_key_decode(&e, m->keys + pos, m->keys_size - pos, &key_len) != ACEPACK_OK)
                return aw_fail(err, ACEPACK_INVALID, NULL, e.entry_offset,
                               "key longer than the index"); /* cannot happen */
            key = m->keys + pos;
            pos += key_len;
        }
        acepack_span v = acepack_entry_value(r, &e);
        acepack_v1_entry f;
        acepack_error le;
        acepack_status st = acepack_v1_log_entry(key, key_len, v.ptr, v.len, &f, &le);
        if (st == ACEPACK_OK) {
            if (f.id == UINT64_MAX)
                return aw_fail(err, ACEPACK_INVALID, "M-8", r->size,
                               "a log entry id beyond 2^64-1 cannot be represented");
            /* M-5: the entry's bytes, unchanged, are the payload. */
            acepack_event_in *ev = &m->logs[m->n_logs];
            ev->ts = f.ts;
            ev->kind = f.kind;
            ev->source = f.source;
            ev->flags = f.flags;
            ev->payload = v.ptr;
            ev->payload_len = v.len;
            if (note_id(m, f.id) != 0)
                return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
            m->n_logs++;
        } else if (st == ACEPACK_INVALID || st == ACEPACK_NOT_FOUND) {
            /* Few keys of a v1 file are usually not log entries: this
             * array grows as needed rather than by the member count. */
            if (aw_buf_reserve(m->a, &m->kv_buf, sizeof(acepack_kv)) != 0)
                return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
            acepack_kv *kv = (acepack_kv *)(void *)(m->kv_buf.p + m->kv_buf.len);
            m->kv_buf.len += sizeof(acepack_kv);
            m->n_kv++;
            kv->key = key;
            kv->key_len = key_len;
            kv->value = v.ptr;
            kv->value_len = v.len;
        } else {
            return aw_fail(err, st, NULL, e.entry_offset, "log entry cannot be classified");
        }
    }
    m->kv = (acepack_kv *)(void *)m->kv_buf.p; /* NULL when there is none */
    return ACEPACK_OK;
}

/* 1 when KV entry kv, which is not a well-formed entry, is a malformed log
 * entry (a log key: it stays in the KV map, M-7). */
static int is_malformed(const acepack_kv *kv)
{
    uint64_t id;
    return acepack_v1_log_key(kv->key, kv->key_len, &id) != ACEPACK_NOT_FOUND;
}

/* M-6: the event list of the well-formed entries, ids lo..top.  When the
 * entries come in id order without a gap (as 0.1.0 writes them, in the key
 * order of W-CAN-1), it is m->logs itself; otherwise it is built, gaps
 * included, in m->events. */
static acepack_status event_list(mig *m, uint64_t lo, uint64_t top, int in_order,
                                 const acepack_event_in **list, acepack_error *err)
{
    uint64_t total = top - lo + 1;
    if (in_order && total == m->n_logs) {
        *list = m->logs;
        return ACEPACK_OK;
    }
    m->events = aw_malloc(m->a, (size_t)total * sizeof(acepack_event_in));
    if (!m->events)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    m->n_events = (size_t)total;
    size_t next = 0;
    for (uint64_t id = lo; id <= top; id++) {
        acepack_event_in *ev = &m->events[id - lo];
        size_t l = next < m->n_logs ? (in_order ? next : m->idx[next]) : SIZE_MAX;
        if (l != SIZE_MAX && log_id(m, l) == id) {
            *ev = m->logs[l];
            next++;
        } else {
            ev->ts = 0;
            ev->kind = 0;
            ev->source = 0;
            ev->flags = 0x01; /* deleted */
            ev->payload = GAP_PAYLOAD;
            ev->payload_len = sizeof GAP_PAYLOAD - 1;
        }
    }
    *list = m->events;
    return ACEPACK_OK;
}

/* M-10: the malformed entries kept in the KV map (is_malformed), as indexes
 * of m->kv in key byte order, in m->malformed.  Prepared before anything is
 * written, so that a migration that cannot report them fails with
 * ACEPACK_NOMEM instead of succeeding without the report. */
static acepack_status malformed_list(mig *m, int sorted, acepack_error *err)
{
    size_t nm = 0;
    for (size_t k = 0; k < m->n_kv; k++)
        nm += (size_t)is_malformed(&m->kv[k]);
    m->n_malformed = nm;
    if (!sorted || nm == 0)
        return ACEPACK_OK;
    m->malformed = aw_malloc(m->a, nm * sizeof(size_t));
    if (!m->malformed)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    size_t i = 0;
    for (size_t k = 0; k < m->n_kv; k++)
        if (is_malformed(&m->kv[k]))
            m->malformed[i++] = k;
    if (aw_sort(m->a, m->malformed, nm, kv_bytes_cmp, m->kv) != 0)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    return ACEPACK_OK;
}

static acepack_status migrate_core(const void *v1, size_t n, const acepack_migrate_options *o,
                                   aw_out *out, acepack_migrate_report *report, acepack_error *err)
{
    acepack_profile profile = o ? o->profile : ACEPACK_STRICT;
    if (profile != ACEPACK_STRICT && profile != ACEPACK_COMPAT)
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "unknown profile");
    mig m;
    memset(&m, 0, sizeof m);
    m.a = aw_alloc_or_default(o ? o->alloc : NULL);
    acepack_reader r;
    acepack_table t;
    acepack_status st = open_input(&m, &r, &t, v1, n, profile, err);
    if (st == ACEPACK_OK)
        st = collect(&m, &r, &t, profile, err);
    if (st != ACEPACK_OK)
        goto out;

    /* M-6: S, the sequence value, when it is a uint >= every well-formed id. */
    int have_seq = 0;
    uint64_t seq = 0;
    size_t seq_kv = SIZE_MAX;
    for (size_t k = 0; k < m.n_kv; k++) {
        if (m.kv[k].key_len == sizeof SEQ_KEY - 1 &&
            memcmp(m.kv[k].key, SEQ_KEY, sizeof SEQ_KEY - 1) == 0) {
            seq_kv = k;
            have_seq = acepack_v1_log_seq(m.kv[k].value, m.kv[k].value_len, &seq) == ACEPACK_OK;
        }
    }
    /* Ids are distinct (distinct keys, M-3); index order is usually id
     * order, else the logs are sorted by id through idx. */
    int in_order = 1;
    for (size_t i = 1; m.ids && i < m.n_logs && in_order; i++)
        in_order = m.ids[i - 1] < m.ids[i];
    if (!in_order) {
        m.idx = aw_malloc(m.a, m.cap * sizeof(size_t));
        if (!m.idx) {
            st = aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < m.n_logs; i++)
            m.idx[i] = i;
        if (aw_sort(m.a, m.idx, m.n_logs, log_cmp, m.ids) != 0) {
            st = aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
    }
    uint64_t base = 0, total = 0, gaps = 0;
    const acepack_event_in *events = NULL;
    if (m.n_logs > 0) {
        uint64_t lo = log_id(&m, in_order ? 0 : m.idx[0]);
        uint64_t hi = log_id(&m, in_order ? m.n_logs - 1 : m.idx[m.n_logs - 1]);
        if (have_seq && seq < hi)
            have_seq = 0;
        uint64_t top = have_seq ? seq : hi;
        base = lo - 1;
        if (base > AW_U32_MAX) {
            st = aw_fail(err, ACEPACK_INVALID, "M-8", n,
                         "the first log id - 1 does not fit evt_base_id (u32)");
            goto out;
        }
        total = top - lo + 1;
        if (total > AW_U32_MAX) {
            st = aw_fail(err, ACEPACK_INVALID, "M-8", n, "more than 2^32-1 events");
            goto out;
        }
        gaps = total - m.n_logs;
        uint64_t limit = (uint64_t)ACEPACK_GAP_LIMIT_FACTOR * m.n_logs;
        if (limit < ACEPACK_GAP_LIMIT_MIN)
            limit = ACEPACK_GAP_LIMIT_MIN;
        if (gaps > limit) {
            st = aw_fail(err, ACEPACK_UNSUPPORTED, "M-8", n,
                         "more gap events than the limit of this implementation");
            goto out;
        }
        if (total > (uint64_t)(SIZE_MAX / sizeof(acepack_event_in))) {
            st = aw_fail(err, ACEPACK_UNSUPPORTED, NULL, n, "too many events for this platform");
            goto out;
        }
        st = event_list(&m, lo, top, in_order, &events, err);
        if (st != ACEPACK_OK)
            goto out;
    } else {
        base = have_seq ? seq : 0;
        if (base > AW_U32_MAX) {
            st = aw_fail(err, ACEPACK_INVALID, "M-8", n,
                         "meta/log_entry_seq does not fit evt_base_id (u32)");
            goto out;
        }
    }

    /* M-7: what stays in the KV map: every key but the well-formed entries
     * (not in kv) and the consumed meta/log_entry_seq. */
    m.out_kv = aw_malloc(m.a, m.n_kv * sizeof(acepack_kv));
    if (!m.out_kv) {
        st = aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    size_t n_out = 0;
    for (size_t k = 0; k < m.n_kv; k++) {
        if (have_seq && k == seq_kv)
            continue;
        m.out_kv[n_out++] = m.kv[k];
    }
    st = malformed_list(&m, o && o->malformed_key, err);
    if (st != ACEPACK_OK)
        goto out;
    acepack_content c;
    memset(&c, 0, sizeof c);
    c.format_version = 2;
    c.evt_base_id = base;
    c.kv = m.out_kv;
    c.kv_count = n_out;
    c.events = events;
    c.event_count = (size_t)total;
    /* M-9: canonical, flags 0.  Every payload is a well-formed entry's
     * value, which M-4 (1) has checked against R-PAY-1..3, or the gap
     * payload: W-EVT-4 holds without a second check. */
    st = aw_build_stream_checked_payloads(&c, m.a, out, err);
    if (st == ACEPACK_UNSUPPORTED)
        /* Every refusal of the builder that is not about the content's
         * validity is a size beyond spec 3.6 (W-CHK-1, W-EVT-3, 2^32-1 keys,
         * 2^53-1 bytes), checked before it writes anything: the result
         * cannot be represented. */
        st = aw_fail(err, ACEPACK_INVALID, "M-8", n, "the result exceeds the limits of spec 3.6");
    if (st != ACEPACK_OK)
        goto out;

    for (size_t i = 0; m.malformed && i < m.n_malformed; i++) {
        const acepack_kv *kv = &m.kv[m.malformed[i]];
        o->malformed_key(o->malformed_ctx, kv->key, kv->key_len);
    }
    if (report) {
        memset(report, 0, sizeof *report);
        report->events_from_entries = m.n_logs;
        report->gap_events = gaps;
        report->malformed_entries = m.n_malformed;
        report->log_entry_seq_consumed = have_seq;
        report->evt_base_id = (uint32_t)base;
        report->events = total;
        report->kv_count = n_out;
    }
out:
    mig_free(&m);
    return st;
}

acepack_status acepack_migrate_bytes(const void *v1, size_t n, const acepack_migrate_options *opts,
                                     acepack_write_fn write, void *ctx,
                                     acepack_migrate_report *report, acepack_error *err)
{
    if ((!v1 && n > 0) || !write || (opts && !aw_alloc_valid(opts->alloc)))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    const acepack_allocator *a = aw_alloc_or_default(opts ? opts->alloc : NULL);
    aw_cb_sink cb = {write, ctx};
    aw_out o;
    acepack_status st = aw_out_init(&o, a, aw_sink_callback, &cb, err);
    if (st != ACEPACK_OK)
        return st;
    st = migrate_core(v1, n, opts, &o, report, err);
    aw_out_free(&o);
    return st;
}

acepack_status aw_migrate_to_path(const void *v1, size_t n, const acepack_migrate_options *o,
                                  const char *target, int keep_fd, int *new_fd,
                                  acepack_migrate_report *report, acepack_error *err)
{
    const acepack_allocator *a = aw_alloc_or_default(o ? o->alloc : NULL);
    const acepack_io *io = o->io; /* adopted by the caller (aw_io_adopt) */
    uint32_t mode = o && o->file_mode ? o->file_mode : 0644u;
    char *dir = aw_dirname(a, target);
    if (!dir)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    int tfd = -1;
    char *tmp = NULL;
    acepack_status st = aw_create_temp(a, io, target, mode, &tfd, &tmp, err);
    if (st != ACEPACK_OK) {
        aw_strfree(a, dir);
        return st;
    }
    aw_fd_sink fs = {io, tfd, 0, 0};
    aw_out out;
    st = aw_out_init(&out, a, aw_sink_pwrite, &fs, err);
    if (st == ACEPACK_OK) {
        st = migrate_core(v1, n, o, &out, report, err);
        aw_out_free(&out);
    }
    int renamed = 0;
    if (st == ACEPACK_OK)
        st = aw_install_temp(io, tfd, tmp, target, dir, &renamed, err);
    else
        io->unlink(io->ctx, tmp);
    aw_strfree(a, tmp);
    aw_strfree(a, dir);
    if (st == ACEPACK_OK && keep_fd) {
        *new_fd = tfd;
        return ACEPACK_OK;
    }
    io->close(io->ctx, tfd);
    return st;
}

/* The whole input by pread into the heap: a map would turn a truncation by
 * another process into SIGBUS (W-COMMIT-7). */
static acepack_status read_input(const acepack_allocator *a, const acepack_io *io, int fd,
                                 uint64_t size, uint8_t **out, acepack_error *err)
{
    *out = NULL;
    if (size == 0)
        return ACEPACK_OK;
    uint8_t *p = aw_malloc(a, (size_t)size);
    if (!p)
        return aw_fail(err, ACEPACK_NOMEM, NULL, 0, "out of memory");
    int e = aw_pread_all(io, fd, p, (size_t)size, 0);
    if (e) {
        aw_free(a, p, (size_t)size);
        return aw_fail_io(err, e, "cannot read the input (did it change size?)");
    }
    *out = p;
    return ACEPACK_OK;
}

acepack_status acepack_migrate_path(const char *in_arg, const char *out,
                                    const acepack_migrate_options *opts,
                                    acepack_migrate_report *report, acepack_error *err)
{
    if (!in_arg || !*in_arg || (out && !*out) || (opts && !aw_alloc_valid(opts->alloc)))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    const acepack_allocator *a = aw_alloc_or_default(opts ? opts->alloc : NULL);
    acepack_io adopted;
    acepack_status st = aw_io_adopt(opts ? opts->io : NULL, &adopted, err);
    if (st != ACEPACK_OK)
        return st;
    const acepack_io *io = &adopted;
    char *in = NULL;
    st = aw_resolve_path(a, in_arg, &in, err); /* W-COMMIT-6 */
    if (st != ACEPACK_OK)
        return st;
    int fd = -1;
    /* In place, the input is the store: take the writer lock on it
     * (W-LOCK-1, W-LOCK-2) so that no writer of ours changes it meanwhile. */
    for (int attempt = 0;; attempt++) {
        int e = io->open(io->ctx, in, out ? ACEPACK_IO_RDONLY : ACEPACK_IO_RDWR, 0, &fd);
        if (e) {
            aw_strfree(a, in);
            return aw_fail_io(err, e, "cannot open the input");
        }
        if (out)
            break;
        e = io->flock(io->ctx, fd, ACEPACK_IO_LOCK_EX_NB);
        if (e) {
            io->close(io->ctx, fd);
            aw_strfree(a, in);
            if (e == EWOULDBLOCK || e == EAGAIN)
                return aw_fail(err, ACEPACK_LOCKED, "W-LOCK-1", 0,
                               "another writer holds the lock on the file");
            return aw_fail_io(err, e, "cannot lock the input");
        }
        acepack_file_info x, y;
        e = io->fstat(io->ctx, fd, &x);
        int e2 = e ? e : io->stat(io->ctx, in, &y);
        if (!e && !e2 && x.dev == y.dev && x.ino == y.ino) {
            aw_clean_temps(a, io, in); /* W-LOCK-4 */
            break;
        }
        io->close(io->ctx, fd);
        if (e || attempt >= 32) {
            aw_strfree(a, in);
            return aw_fail_io(err, e ? e : EAGAIN, "the input keeps being replaced");
        }
    }
    acepack_file_info fi;
    int e = io->fstat(io->ctx, fd, &fi);
    if (e) {
        io->close(io->ctx, fd);
        aw_strfree(a, in);
        return aw_fail_io(err, e, "fstat of the input failed");
    }
    if (!fi.is_regular || fi.size > (uint64_t)SIZE_MAX) {
        io->close(io->ctx, fd);
        aw_strfree(a, in);
        return aw_fail(err, fi.is_regular ? ACEPACK_UNSUPPORTED : ACEPACK_ARG, NULL, fi.size,
                       "the input is not a regular file or is too large");
    }
    uint8_t *data = NULL;
    st = read_input(a, io, fd, fi.size, &data, err);
    acepack_migrate_options mo;
    if (opts)
        mo = *opts;
    else
        memset(&mo, 0, sizeof mo);
    mo.io = io;
    if (mo.file_mode == 0)
        mo.file_mode = fi.mode ? fi.mode : 0644u;
    if (st == ACEPACK_OK && out) {
        /* W-COMMIT-9: OUT is installed as a store's commit would be. */
        aw_output o;
        st = aw_output_begin(&o, a, io, out, mo.file_mode, err);
        if (st == ACEPACK_OK) {
            aw_fd_sink fs = {io, o.tfd, 0, 0};
            aw_out w;
            st = aw_out_init(&w, a, aw_sink_pwrite, &fs, err);
            if (st == ACEPACK_OK) {
                st = migrate_core(data, (size_t)fi.size, &mo, &w, report, err);
                aw_out_free(&w);
            }
        }
        if (st == ACEPACK_OK)
            st = aw_output_install(&o, err);
        aw_output_end(&o);
    } else if (st == ACEPACK_OK) {
        st = aw_migrate_to_path(data, (size_t)fi.size, &mo, in, 0, NULL, report, err);
    }
    if (data)
        aw_free(a, data, (size_t)fi.size);
    io->close(io->ctx, fd);
    aw_strfree(a, in);
    return st;
}
