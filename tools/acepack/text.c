/*
 * text.c - rendering bytes as text: for terminals (keys and payloads of
 * hostile files must not move the cursor or break a line) and as the JSON
 * strings and hex of the conformance dump (D-4, D-5).
 */
#include "cli.h"

static const char hexdigits[] = "0123456789abcdef";

size_t cli_utf8_seq(const uint8_t *p, size_t avail)
{
    if (avail == 0)
        return 0;
    uint8_t b = p[0];
    if (b < 0x80)
        return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0)
            lo = 0xA0; /* no overlong forms */
        if (b == 0xED)
            hi = 0x9F; /* no encoded surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0)
            lo = 0x90;
        if (b == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

static void put_xhh(FILE *f, uint8_t b)
{
    fputc('\\', f);
    fputc('x', f);
    fputc(hexdigits[b >> 4], f);
    fputc(hexdigits[b & 15], f);
}

void cli_put_display(FILE *f, const uint8_t *p, size_t n, size_t max)
{
    size_t i = 0;
    while (i < n) {
        if (i >= max) {
            fputs("...", f);
            return;
        }
        uint8_t b = p[i];
        if (b >= 0x20 && b < 0x7F) {
            if (b == '\\')
                fputc('\\', f);
            fputc(b, f);
            i++;
            continue;
        }
        if (b < 0x80) {
            switch (b) {
            case '\n':
                fputs("\\n", f);
                break;
            case '\t':
                fputs("\\t", f);
                break;
            case '\r':
                fputs("\\r", f);
                break;
            case 0:
                fputs("\\0", f);
                break;
            default:
                put_xhh(f, b);
                break;
            }
            i++;
            continue;
        }
        size_t k = cli_utf8_seq(p + i, n - i);
        if (k == 0) {
            put_xhh(f, b);
            i++;
        } else if (k == 2 && b == 0xC2 && p[i + 1] < 0xA0) {
            /* C1 control characters (U+0080..U+009F) act on terminals. */
            fprintf(f, "\\u00%c%c", hexdigits[p[i + 1] >> 4], hexdigits[p[i + 1] & 15]);
            i += 2;
        } else {
            fwrite(p + i, 1, k, f);
            i += k;
        }
    }
}

void cli_put_json_string(FILE *f, const uint8_t *p, size_t n)
{
    size_t run = 0; /* start of the bytes not written yet */
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        if (b >= 0x20 && b != '"' && b != '\\')
            continue;
        if (i > run)
            fwrite(p + run, 1, i - run, f);
        run = i + 1;
        switch (b) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case 0x08:
            fputs("\\b", f);
            break;
        case 0x0C:
            fputs("\\f", f);
            break;
        case 0x0A:
            fputs("\\n", f);
            break;
        case 0x0D:
            fputs("\\r", f);
            break;
        case 0x09:
            fputs("\\t", f);
            break;
        default:
            fprintf(f, "\\u00%c%c", hexdigits[b >> 4], hexdigits[b & 15]);
            break;
        }
    }
    if (n > run)
        fwrite(p + run, 1, n - run, f);
    fputc('"', f);
}

void cli_put_hex(FILE *f, const uint8_t *p, size_t n)
{
    char buf[512];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        buf[k++] = hexdigits[p[i] >> 4];
        buf[k++] = hexdigits[p[i] & 15];
        if (k == sizeof buf) {
            fwrite(buf, 1, k, f);
            k = 0;
        }
    }
    if (k)
        fwrite(buf, 1, k, f);
}

int cli_write_file(void *ctx, const void *p, size_t n)
{
    FILE *f = ctx;
    return fwrite(p, 1, n, f) == n ? 0 : -1;
}
