/*
 * errors.c - the one place that formats errors and maps library statuses to
 * exit codes.  The line format `FILE:OFFSET: RULE-ID: message` is part of
 * the adapter protocol (conformance runners parse it), so it is built here
 * and nowhere else.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

int cli_exit_code(acepack_status s)
{
    switch (s) {
    case ACEPACK_OK:
        return CLI_EXIT_OK;
    case ACEPACK_TRUNCATED:
    case ACEPACK_BAD_MAGIC:
    case ACEPACK_BAD_VERSION:
    case ACEPACK_UNSUPPORTED_FEATURE:
    case ACEPACK_INVALID:
        return CLI_EXIT_INVALID;
    case ACEPACK_UNSUPPORTED:
    case ACEPACK_NOMEM:
        return CLI_EXIT_UNSUPPORTED;
    case ACEPACK_NOT_FOUND:
        return CLI_EXIT_INVALID;
    case ACEPACK_ARG:
    case ACEPACK_IO:
    case ACEPACK_LOCKED:
    case ACEPACK_CALLBACK:
        break;
    }
    return CLI_EXIT_USAGE;
}

void cli_report(const char *file, const acepack_error *e)
{
    const char *msg = e->message ? e->message : acepack_status_name(e->status);
    int about_file = acepack_status_is_invalid(e->status) || e->status == ACEPACK_UNSUPPORTED;
    if (about_file && e->rule != NULL)
        fprintf(stderr, "%s:%llu: %s: %s\n", file, (unsigned long long)e->offset, e->rule, msg);
    else if (about_file && acepack_status_is_invalid(e->status))
        fprintf(stderr, "%s:%llu: %s\n", file, (unsigned long long)e->offset, msg);
    else
        fprintf(stderr, "%s: %s (%s)\n", file, msg, acepack_status_name(e->status));
}

/* I/O and lock errors have no place in a file: `NAME: message: reason`, exit
 * 2; the rest as cli_report(). */
int cli_report_writer(const char *name, const acepack_error *e)
{
    if (e->status == ACEPACK_IO) {
        fprintf(stderr, "%s: %s: %s\n", name, e->message ? e->message : "I/O error",
                strerror(e->sys_errno));
        return CLI_EXIT_USAGE;
    }
    if (e->status == ACEPACK_LOCKED) {
        fprintf(stderr, "%s: %s: %s\n", name, e->rule ? e->rule : "W-LOCK-1",
                e->message ? e->message : "locked");
        return CLI_EXIT_USAGE;
    }
    cli_report(name, e);
    return cli_exit_code(e->status);
}

/* Content refusals from the builder: the offset is an index into the
 * content (kv pair or event), not a file offset. */
int cli_report_content(const char *name, const acepack_error *e)
{
    if (e->rule && e->rule[0] == 'W')
        fprintf(stderr, "%s:0: %s: %s (item %llu of the content)\n", name, e->rule,
                e->message ? e->message : "", (unsigned long long)e->offset);
    else
        cli_report(name, e);
    return cli_exit_code(e->status);
}

void cli_report_msg(const char *file, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", file);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_error_nomem(acepack_error *e, const char *what)
{
    e->status = ACEPACK_UNSUPPORTED;
    e->rule = NULL;
    e->offset = 0;
    e->message = what;
    e->sys_errno = 0;
}
