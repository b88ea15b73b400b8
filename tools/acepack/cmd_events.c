/*
 * cmd_events.c - `acepack events`: the event list, filtered, as text lines
 * or as the event objects of the conformance dump (D-2).
 */
#include <string.h>

#include "cli.h"
#include "commands.h"

typedef struct event_filter {
    int has_kind, has_source;
    uint8_t kind, source;
    uint64_t since, until; /* inclusive */
} event_filter;

static int wanted(const acepack_reader *r, uint32_t i, const event_filter *f)
{
    if (f->has_kind && acepack_event_kind(r, i) != f->kind)
        return 0;
    if (f->has_source && acepack_event_source(r, i) != f->source)
        return 0;
    uint64_t ts = acepack_event_ts(r, i);
    return ts >= f->since && ts <= f->until;
}

/* One line of D-2: {"id":I,"ts":T,...,"payload_hex":H[,"payload_utf8":U]}. */
static void put_event_json(const acepack_event *ev)
{
    printf(
        "{\"id\":\"%llu\",\"ts\":\"%llu\",\"kind\":%u,\"source\":%u,\"flags\":%u,\"payload_hex\":\"",
        (unsigned long long)ev->id, (unsigned long long)ev->ts, (unsigned)ev->kind,
        (unsigned)ev->source, (unsigned)ev->flags);
    cli_put_hex(stdout, ev->payload.ptr, ev->payload.len);
    putchar('"');
    if (acepack_utf8_check(ev->payload.ptr, ev->payload.len) == ev->payload.len) {
        fputs(",\"payload_utf8\":", stdout);
        cli_put_json_string(stdout, ev->payload.ptr, ev->payload.len);
    }
    fputs("}\n", stdout);
}

static void put_event_text(const acepack_event *ev)
{
    printf("%llu\t%llu\t%u\t%u\t%u\t", (unsigned long long)ev->id, (unsigned long long)ev->ts,
           (unsigned)ev->kind, (unsigned)ev->source, (unsigned)ev->flags);
    cli_put_display(stdout, ev->payload.ptr, ev->payload.len, SIZE_MAX);
    putchar('\n');
}

/* The options of `events`, after the profile's. */
enum { EV_KIND = CLI_OPT_OWN, EV_SOURCE, EV_SINCE, EV_UNTIL, EV_JSON };

/* Reads option `id` as an integer in [0, max] into *v. @return -1 or 2. */
static int number_option(const cli_command *self, const cli_args *a, int id, const char *name,
                         uint64_t max, uint64_t *v)
{
    if (a->value[id] == NULL)
        return -1;
    if (!cli_parse_u64(a->value[id], max, v))
        return cli_usage(self, "%s needs a decimal integer from 0 to %llu, not '%s'", name,
                         (unsigned long long)max, a->value[id]);
    return -1;
}

static int run_events(const cli_command *self, int argc, char **argv)
{
    static const cli_option opts[] = {CLI_PROFILE_OPTIONS,        {"--kind", 1, EV_KIND},
                                      {"--source", 1, EV_SOURCE}, {"--since", 1, EV_SINCE},
                                      {"--until", 1, EV_UNTIL},   {"--json", 0, EV_JSON}};
    cli_args a;
    acepack_profile profile;
    int rc = cli_parse_profile_args(self, argc, argv, opts, sizeof opts / sizeof opts[0], 1, 1, &a,
                                    &profile);
    if (rc >= 0)
        return rc;
    event_filter f;
    memset(&f, 0, sizeof f);
    f.until = UINT64_MAX;
    uint64_t v = 0;
    if ((rc = number_option(self, &a, EV_KIND, "--kind", 255, &v)) >= 0)
        return rc;
    f.has_kind = a.value[EV_KIND] != NULL;
    f.kind = (uint8_t)v;
    v = 0;
    if ((rc = number_option(self, &a, EV_SOURCE, "--source", 255, &v)) >= 0)
        return rc;
    f.has_source = a.value[EV_SOURCE] != NULL;
    f.source = (uint8_t)v;
    if ((rc = number_option(self, &a, EV_SINCE, "--since", UINT64_MAX, &f.since)) >= 0)
        return rc;
    if ((rc = number_option(self, &a, EV_UNTIL, "--until", UINT64_MAX, &f.until)) >= 0)
        return rc;
    int json = a.value[EV_JSON] != NULL;

    cli_store s;
    rc = cli_store_open(&s, a.pos[0], profile);
    if (rc == CLI_EXIT_OK) {
        uint32_t n = acepack_event_count(&s.r);
        for (uint32_t i = 0; i < n; i++) {
            if (!wanted(&s.r, i, &f))
                continue;
            acepack_event ev;
            acepack_event_get(&s.r, i, &ev);
            if (json)
                put_event_json(&ev);
            else
                put_event_text(&ev);
        }
    }
    cli_store_close(&s);
    return rc;
}

const cli_command cli_cmd_events = {
    "events",
    "[--strict|--compat|--profile P] [--kind K] [--source S] [--since TS] [--until TS] [--json] FILE",
    "list the events of a file, filtered",
    "Validates FILE fully under the profile (strict by default) and prints its\n"
    "events in section order, one per line:\n"
    "\n"
    "  ID<TAB>TS<TAB>KIND<TAB>SOURCE<TAB>FLAGS<TAB>PAYLOAD\n"
    "\n"
    "in decimal, with the payload shown as text (escaped like `acepack ls` keys:\n"
    "`\\n`, `\\t`, `\\xHH` for control and invalid bytes, `\\\\` for backslash).\n"
    "With --json each line is instead one event object of the conformance dump\n"
    "(D-2..D-5): {\"id\":\"1\",\"ts\":\"...\",\"kind\":1,\"source\":2,\"flags\":0,\n"
    "\"payload_hex\":\"...\",\"payload_utf8\":\"...\"} (payload_utf8 only for UTF-8).\n"
    "A version 1 file has no events.\n"
    "\n"
    "options:\n"
    "  --strict, --compat, --profile P   the reader profile (default strict)\n"
    "  --kind K             only events of kind K (0..255)\n"
    "  --source S           only events of source S (0..255)\n"
    "  --since TS           only events with ts >= TS (milliseconds)\n"
    "  --until TS           only events with ts <= TS\n"
    "  --json               dump-format JSON objects instead of text lines\n"
    "\n"
    "exit status: 0 listed (even if no event matched), 1 invalid file, 2 usage or\n"
    "I/O error, 3 unsupported.\n",
    run_events,
};
