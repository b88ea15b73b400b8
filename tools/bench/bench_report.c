/*
 * bench_report.c - prints figures: one human line each (stdout, or stderr
 * with --json), and with --json one JSON object per line on stdout for
 * tools/bench/run.py.
 */
#include <stdio.h>

#include "bench.h"

static void human_time(char *buf, size_t cap, double ns)
{
    if (ns >= 1e9)
        snprintf(buf, cap, "%.3f s", ns / 1e9);
    else if (ns >= 1e6)
        snprintf(buf, cap, "%.3f ms", ns / 1e6);
    else if (ns >= 1e3)
        snprintf(buf, cap, "%.2f us", ns / 1e3);
    else
        snprintf(buf, cap, "%.1f ns", ns);
}

static double gbps(double bytes, double ns)
{
    return ns > 0 ? bytes / ns : 0; /* bytes per ns = GB/s */
}

void bench_report(const bench_opts *o, const bench_result *r)
{
    FILE *h = o->json ? stderr : stdout;
    char t[32], b[32];
    human_time(t, sizeof t, r->median_ns);
    fprintf(h, "%-22s e=%-8llu k=%-7llu %12s", r->name, (unsigned long long)r->events,
            (unsigned long long)r->keys, t);
    if (r->items > 0) {
        double per = r->median_ns / r->items;
        fprintf(h, "  %8.1f ns/%s  %12.0f %s/s", per, r->item_unit, r->items * 1e9 / r->median_ns,
                r->item_unit);
    }
    if (r->bytes > 0)
        fprintf(h, "  %7.2f GB/s of %.1f MB", gbps(r->bytes, r->median_ns), r->bytes / 1e6);
    if (r->memchr_ns > 0) {
        human_time(b, sizeof b, r->memchr_ns);
        fprintf(h, "  | memchr %s = %.2f GB/s, speed ratio %.3f", b, gbps(r->bytes, r->memchr_ns),
                r->memchr_ns / r->median_ns);
    }
    if (r->latency_ns > 0)
        fprintf(h, "  | random read %.1f ns", r->latency_ns);
    if (r->disk_ns > 0) {
        human_time(b, sizeof b, r->disk_ns);
        fprintf(h, "  | write+fdatasync %s, speed ratio %.3f", b, r->disk_ns / r->median_ns);
    }
    fprintf(h, "  [%u runs]\n", r->runs);
    fflush(h);
    if (o->json) {
        printf("{\"name\":\"%s\",\"what\":\"%s\",\"events\":%llu,\"keys\":%llu,"
               "\"median_ns\":%.1f,\"bytes\":%.0f,\"items\":%.0f,\"item_unit\":\"%s\","
               "\"memchr_ns\":%.1f,\"disk_ns\":%.1f,\"latency_ns\":%.1f,\"runs\":%u}\n",
               r->name, r->what, (unsigned long long)r->events, (unsigned long long)r->keys,
               r->median_ns, r->bytes, r->items, r->item_unit ? r->item_unit : "", r->memchr_ns,
               r->disk_ns, r->latency_ns, r->runs);
        fflush(stdout);
    }
}

void bench_report_value(const bench_opts *o, const char *name, const char *what, double value,
                        const char *unit)
{
    FILE *h = o->json ? stderr : stdout;
    if (value < 0) /* "not measured" */
        fprintf(h, "%-22s %s\n", name, what);
    else
        fprintf(h, "%-22s %s: %.0f %s\n", name, what, value, unit);
    fflush(h);
    if (o->json) {
        printf("{\"name\":\"%s\",\"what\":\"%s\",\"value\":%.0f,\"unit\":\"%s\"}\n", name, what,
               value, unit);
        fflush(stdout);
    }
}
