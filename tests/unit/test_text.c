/* test_text.c - UTF-8 validation (spec 1.2: RFC 3629 scalar values). */
#include "tfile.h"

static void check_utf8(const char *file, int line, const char *s, size_t n, size_t expect)
{
    size_t got = acepack_utf8_check(s, n);
    if (got != expect)
        t_fail(file, line, "utf8_check: %zu, expected %zu", got, expect);
}
#define VALID(lit) check_utf8(__FILE__, __LINE__, lit, sizeof(lit) - 1, sizeof(lit) - 1)
#define BAD(lit, at) check_utf8(__FILE__, __LINE__, lit, sizeof(lit) - 1, at)

static void utf8_boundaries(acepack_profile p)
{
    (void)p;
    VALID("");
    VALID("\x00\x7f");
    VALID("\xc2\x80\xdf\xbf");                                 /* U+0080, U+07FF */
    VALID("\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"); /* U+0800, U+D7FF, U+E000, U+FFFF */
    VALID("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");                 /* U+10000, U+10FFFF */
    BAD("\x80", 0);                                            /* lone continuation */
    BAD("a\xbf", 1);
    BAD("\xc0\x80", 0);         /* overlong NUL */
    BAD("\xc1\xbf", 0);         /* overlong U+007F */
    BAD("\xe0\x9f\xbf", 0);     /* overlong U+07FF */
    BAD("\xed\xa0\x80", 0);     /* U+D800 */
    BAD("\xed\xbf\xbf", 0);     /* U+DFFF */
    BAD("\xf0\x8f\xbf\xbf", 0); /* overlong U+FFFF */
    BAD("\xf4\x90\x80\x80", 0); /* U+110000 */
    BAD("\xf5\x80\x80\x80", 0);
    BAD("\xff", 0);
    BAD("ab\xc2", 2); /* truncated at the end */
    BAD("ab\xe2\x82", 2);
    BAD("ab\xf0\x9f\x98", 2);
    BAD("\xe2\x82z", 0); /* bad continuation */
    BAD("\xc3\xa9\xc3", 2);
    /* the 16-byte fast path: an error after long ASCII runs, at each lane */
    {
        char buf[64];
        size_t i;
        for (i = 0; i < 40; i++) {
            memset(buf, 'x', sizeof buf);
            buf[i] = (char)0xff;
            check_utf8(__FILE__, __LINE__, buf, sizeof buf, i);
            buf[i] = (char)0xc3;
            buf[i + 1] = (char)0xa9;
            check_utf8(__FILE__, __LINE__, buf, sizeof buf, sizeof buf);
        }
    }
}

const t_test TESTS_TEXT[] = {T_ANY("R-IDX-1.R-PAY-1.utf8_boundaries", utf8_boundaries), T_END};
