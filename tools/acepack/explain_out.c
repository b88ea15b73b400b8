/*
 * explain_out.c - the output layer of `acepack explain`: gating map lines at
 * the error, blank lines, list elision and the check column.  It knows
 * nothing of the file's regions: the error block is printed by the
 * function the caller put in ex_out (explain_error.c).
 */
#include <string.h>

#include "explain_out.h"

/* ---- checks ---- */

void ex_checks_init(ex_checks *cs)
{
    memset(cs, 0, sizeof *cs);
}

void ex_check(ex_checks *cs, const char *rule, int strict_only, int ok, const char *fmt, ...)
{
    if (cs->n >= EX_MAX_CHECKS)
        return;
    int k = cs->n++;
    cs->c[k].rule = rule;
    cs->c[k].strict_only = strict_only;
    cs->c[k].ok = ok;
    cs->c[k].why[0] = '\0';
    if (!ok) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(cs->c[k].why, sizeof cs->c[k].why, fmt, ap);
        va_end(ap);
    }
}

/* "ok", "BAD", or "n/a" for a failed [strict] rule read under compat. */
static const char *check_state(const ex_out *x, int k, const ex_checks *cs)
{
    if (cs->c[k].ok)
        return "ok";
    return cs->c[k].strict_only && x->profile == ACEPACK_COMPAT ? "n/a" : "BAD";
}

int ex_checks_bad(const ex_out *x, const ex_checks *cs)
{
    for (int k = 0; k < cs->n; k++)
        if (strcmp(check_state(x, k, cs), "BAD") == 0)
            return 1;
    return 0;
}

void ex_checks_text(const ex_out *x, const ex_checks *cs, int compact, char *buf, size_t cap)
{
    int all_ok = 1;
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < cs->n; i++)
        all_ok &= cs->c[i].ok;
    if (compact && all_ok) {
        snprintf(buf, cap, "%s", cs->n ? "ok" : "");
        return;
    }
    const char *sep = "";
    for (int i = 0; i < cs->n && k < cap; i++) {
        if (compact && cs->c[i].ok)
            continue;
        const char *st = check_state(x, i, cs);
        int w = compact ? snprintf(buf + k, cap - k, "%s%s %s", sep, st, cs->c[i].rule)
                        : snprintf(buf + k, cap - k, "%s%s %s", sep, cs->c[i].rule, st);
        if (w < 0)
            break;
        k += (size_t)w;
        sep = "  ";
    }
}

void ex_put_notes(ex_out *x, const ex_checks *cs)
{
    for (int k = 0; k < cs->n; k++) {
        if (cs->c[k].ok)
            continue;
        if (strcmp(check_state(x, k, cs), "BAD") == 0)
            fprintf(x->f, "          !! %s%s: %s\n", cs->c[k].rule,
                    cs->c[k].strict_only ? " [strict]" : "", cs->c[k].why);
        else
            fprintf(x->f, "          -- %s [strict] is not checked in compat: %s\n", cs->c[k].rule,
                    cs->c[k].why);
    }
}

void ex_put_checks(ex_out *x, const ex_checks *cs, int compact)
{
    char buf[160];
    ex_checks_text(x, cs, compact, buf, sizeof buf);
    fprintf(x->f, "%s\n", buf);
    ex_put_notes(x, cs);
}

int ex_shown(const ex_out *x, uint64_t i, uint64_t n, uint64_t few)
{
    return x->full || n <= 2u * few || i < few || i >= n - few;
}

int ex_line(ex_out *x, uint64_t off)
{
    if (x->stopped)
        return 0;
    if (x->has_err && off > x->err.offset) {
        x->error_block(x->error_ctx);
        x->stopped = 1;
        return 0;
    }
    x->blank = 0;
    return 1;
}

void ex_blank(ex_out *x)
{
    if (!x->blank)
        fputc('\n', x->f);
    x->blank = 1;
}

void ex_finish(ex_out *x)
{
    if (x->has_err && !x->stopped) {
        x->error_block(x->error_ctx);
        x->stopped = 1;
    }
}
