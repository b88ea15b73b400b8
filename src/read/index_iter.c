/*
 * index_iter.c - walking the members of an index that acepack_open()
 * validated, so nothing here reports a fault: it finds tokens, and reads
 * strict entries with the function that checked them (strict_entry.c),
 * which cannot fail on them.
 *
 * Strict indexes have one exact shape (spec 4.1);
 * compat indexes may hold whitespace, escaped member names, repeated and
 * extra members (R-IDX-8..12), which are skipped without validation.  The
 * compat walk also works out each entry's meaning (R-IDX-9, R-IDX-10,
 * R-CHK-1); acepack_open() uses it to check every member as it scans.
 */
#include "internal.h"

void ap_index_iter_at(acepack_index_iter *it, const acepack_reader *r, size_t pos)
{
    it->priv.r = r;
    it->priv.pos = pos;
}

void acepack_index_iter_init(acepack_index_iter *it, const acepack_reader *r)
{
    ap_index_iter_at(it, r, r->priv.index_begin + 1); /* just after '{' */
}

/* The key of the member whose opening quote is d[quote] (both profiles);
 * returns the position just past its closing quote. */
static size_t read_key(const uint8_t *d, size_t quote, size_t end, acepack_entry *out)
{
    size_t body = quote + 1, after;
    int esc;
    after = ap_json_string_end_valid(d, body, end, &esc);
    out->key.ptr = d + body;
    out->key.len = after - 1 - body;
    out->has_escapes = esc;
    out->entry_offset = quote;
    return after;
}

/* Strict: the key, then ':' and the entry exactly as spec 4.1 writes it
 * (strict_entry.c, the function acepack_open checked it with). */
static int next_strict(acepack_index_iter *it, acepack_entry *out)
{
    const acepack_reader *r = it->priv.r;
    const uint8_t *d = r->data;
    size_t i = it->priv.pos, end = r->priv.index_end;
    if (i >= end || d[i] == '}')
        return 0;
    i = read_key(d, i, end, out) + 1; /* ':' */
    if (ap_strict_entry(d, end, &i, (size_t)out->entry_offset, &out->chunk_offset,
                        &out->value_length, NULL) != ACEPACK_OK)
        return 0; /* not an index acepack_open accepted */
    if (i < end && d[i] == ',')
        i++;
    it->priv.pos = i;
    return 1;
}

/* The meaning of one compat entry (R-IDX-9, R-IDX-10, R-CHK-1); every
 * occurrence of a key must have one (R-IDX-12).  A faulty entry gets no
 * value (chunk 0, length 0: an empty span inside the file). */
static int drop(acepack_entry *out, acepack_error *fault, acepack_status st, const char *rule,
                size_t at, const char *msg)
{
    out->chunk_offset = 0;
    out->value_length = 0;
    if (fault)
        ap_fail(fault, st, rule, at, msg);
    return 0;
}

typedef struct field {
    size_t at, end; /* last occurrence's value token; at == 0: absent */
} field;

/* 1 when the entry has a value; else 0 with *fault set.  Offsets (spec 7.2):
 * the member for R-IDX-9 and R-CHK-1, the number token for R-IDX-10. */
static int eval_entry(const acepack_reader *r, acepack_entry *out, int is_object, const field *fo,
                      const field *fl, acepack_error *fault)
{
    const uint8_t *d = r->data;
    size_t member = (size_t)out->entry_offset;
    uint64_t off = 0, len = 0; /* set by ap_number_exact_uint when it returns 1 (tools/prove) */
    if (!is_object)
        return drop(out, fault, ACEPACK_INVALID, "R-IDX-9", member, "entry is not an object");
    if (fo->at == 0 || fl->at == 0)
        return drop(out, fault, ACEPACK_INVALID, "R-IDX-9", member,
                    "entry lacks an offset or length member");
    if (d[fo->at] != '-' && !ap_is_digit(d[fo->at]))
        return drop(out, fault, ACEPACK_INVALID, "R-IDX-9", member, "entry offset is not a number");
    if (d[fl->at] != '-' && !ap_is_digit(d[fl->at]))
        return drop(out, fault, ACEPACK_INVALID, "R-IDX-9", member, "entry length is not a number");
    if (!ap_number_exact_uint(d + fo->at, fo->end - fo->at, AP_MAX_SAFE_INT, &off))
        return drop(out, fault, ACEPACK_INVALID, "R-IDX-10", fo->at,
                    "offset is not an integer in [0, 2^53-1]");
    if (!ap_number_exact_uint(d + fl->at, fl->end - fl->at, AP_MAX_SAFE_INT, &len))
        return drop(out, fault, ACEPACK_INVALID, "R-IDX-10", fl->at,
                    "length is not an integer in [0, 2^53-1]");
    if (off + 4u + len > (uint64_t)r->size) /* both <= 2^53-1: no overflow */
        return drop(out, fault, ACEPACK_TRUNCATED, "R-CHK-1", member,
                    "value extends past the end of the file");
    out->chunk_offset = off;
    out->value_length = len;
    return 1;
}

int ap_index_next(acepack_index_iter *it, acepack_entry *out, acepack_error *fault)
{
    const acepack_reader *r = it->priv.r;
    const uint8_t *d = r->data;
    size_t i, end = r->priv.index_end, vs;
    int esc, ok;
    if (r->profile == ACEPACK_STRICT)
        return next_strict(it, out);
    i = ap_skip_ws(d, it->priv.pos, end);
    if (i >= end || d[i] != '"')
        return 0;
    i = read_key(d, i, end, out);
    out->chunk_offset = 0;
    out->value_length = 0;
    i = ap_skip_ws(d, i, end) + 1; /* ':' */
    vs = ap_skip_ws(d, i, end);
    if (vs >= end || d[vs] != '{') {
        field none = {0, 0};
        i = ap_json_skip_valid(d, vs, end);
        ok = eval_entry(r, out, 0, &none, &none, fault);
    } else {
        field fo = {0, 0}, fl = {0, 0};
        i = vs + 1;
        for (;;) {
            size_t nb, ne, ts, te;
            field *target = NULL;
            i = ap_skip_ws(d, i, end);
            if (i >= end || d[i] == '}')
                break;
            if (d[i] == ',') {
                i++;
                continue;
            }
            nb = i + 1;
            ne = ap_json_string_end_valid(d, nb, end, &esc);
            /* R-IDX-11: member names compare after decoding */
            if (ap_str_equals(d + nb, ne - 1 - nb, esc, (const uint8_t *)"offset", 6))
                target = &fo;
            else if (ap_str_equals(d + nb, ne - 1 - nb, esc, (const uint8_t *)"length", 6))
                target = &fl;
            i = ap_skip_ws(d, ne, end) + 1; /* ':' */
            ts = ap_skip_ws(d, i, end);
            te = ap_json_skip_valid(d, ts, end);
            if (target) { /* R-IDX-9: the last occurrence of a name counts */
                target->at = ts;
                target->end = te;
            }
            i = te;
        }
        i++; /* the entry's '}' */
        ok = eval_entry(r, out, 1, &fo, &fl, fault);
    }
    i = ap_skip_ws(d, i, end);
    if (i < end && d[i] == ',')
        i++;
    it->priv.pos = i;
    return ok ? 1 : -1;
}

int acepack_index_iter_next(acepack_index_iter *it, acepack_entry *out)
{
    if (it == NULL || it->priv.r == NULL || out == NULL)
        return 0;
    /* -1 (a faulty entry) cannot happen in an index that acepack_open()
     * accepted; such an entry would read as an empty value anyway */
    return ap_index_next(it, out, NULL) != 0;
}

acepack_span acepack_entry_value(const acepack_reader *r, const acepack_entry *e)
{
    acepack_span s;
    s.ptr = r->data + (size_t)e->chunk_offset + 4;
    s.len = (size_t)e->value_length;
    return s;
}

acepack_status acepack_value(const acepack_reader *r, uint64_t chunk_offset, uint64_t length,
                             acepack_span *out)
{
    if (r == NULL || out == NULL || chunk_offset > (uint64_t)r->size ||
        (uint64_t)r->size - chunk_offset < 4 ||
        !ap_range_ok(chunk_offset + 4, length, (uint64_t)r->size))
        return ACEPACK_ARG;
    out->ptr = r->data + (size_t)chunk_offset + 4;
    out->len = (size_t)length;
    return ACEPACK_OK;
}
