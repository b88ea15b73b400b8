/*
 * fuzz_roundtrip.c - read, write canonically, read again (spec 8.3, 11).
 *
 * Input: the file bytes.  For each profile whose reader accepts the file
 * (strict: open + full validation; compat: open):
 *   1. the content (current entries, events, evt_base_id, version) goes to
 *      the canonical builder.  Content of a strict-valid file must be
 *      writable; a compat-only file may hold what a writer refuses (ts past
 *      2^53-1, a payload that is not a JSON object), and then the refusal
 *      must name that fault (fuzz_check_build_refusal);
 *   2. the output is strict-valid (every fuzz_check_file check), its dump
 *      equals the input's dump (with the flags word 0: W-CAN-4 clears
 *      compatible bits), and rebuilding its content gives the same bytes;
 *   3. the input's dump, parsed back by acepack_dump_parse, builds the same
 *      bytes too (the `adapter write` path).
 */
#include <string.h>

#include "fuzz_build_check.h"

static void roundtrip(const uint8_t *data, size_t size, acepack_profile p)
{
    acepack_reader r;
    acepack_error err;
    if (acepack_open(&r, data, size, p, &err) != ACEPACK_OK)
        return;
    if (p == ACEPACK_STRICT) {
        size_t ws = 0;
        FUZZ_ASSERT(acepack_validate_workspace_size(&r, ACEPACK_CHECK_ALL, &ws) == ACEPACK_OK);
        void *mem = fuzz_malloc(ws);
        acepack_status v = acepack_validate(&r, ACEPACK_CHECK_ALL, mem, ws, &err);
        free(mem);
        if (v != ACEPACK_OK)
            return;
    }

    /* The input's dump as the output must show it: flags word 0.  (The dump
     * prints r->flags; a copy of the reader with the flags cleared gives
     * exactly that text.) */
    acepack_reader r0 = r;
    r0.flags = 0;
    fuzz_buf want = {0};
    FUZZ_ASSERT(fuzz_run_dump(&r0, &want, &err) == ACEPACK_OK);

    fuzz_content fc;
    fuzz_content_from_reader(&r, &fc);
    uint8_t *out = NULL;
    size_t out_n = 0;
    acepack_status st = fuzz_build(&fc.c, size / 3, &out, &out_n, &err);
    if (st != ACEPACK_OK) {
        FUZZ_ASSERT_MSG(p == ACEPACK_COMPAT, "content of a strict-valid file is not writable");
        fuzz_check_build_refusal(&fc.c, st, &err);
        fuzz_content_free(&fc);
        fuzz_buf_free(&want);
        return;
    }
    FUZZ_ASSERT_MSG(fuzz_content_writable(&fc.c), "the builder wrote content it must refuse");

    fuzz_buf got = {0};
    fuzz_check_canonical(out, out_n, &got);
    FUZZ_ASSERT_MSG(fuzz_buf_equal(&got, &want), "read(write(read(x))) differs from read(x)");

    /* The dump text, parsed back, is the same content: same canonical bytes. */
    acepack_parsed_dump pd;
    memset(&pd, 0, sizeof pd);
    FUZZ_ASSERT_MSG(acepack_dump_parse(want.ptr, want.len, NULL, &pd, &err) == ACEPACK_OK,
                    "acepack_dump_parse rejected a dump written by acepack_dump");
    uint8_t *out2 = NULL;
    size_t out2_n = 0;
    FUZZ_ASSERT(fuzz_build(&pd.content, 0, &out2, &out2_n, &err) == ACEPACK_OK);
    FUZZ_ASSERT_MSG(out2_n == out_n && memcmp(out2, out, out_n) == 0,
                    "build(parse(dump(x))) differs from build(content(x))");
    free(out2);
    acepack_parsed_dump_free(&pd);

    fuzz_buf_free(&got);
    fuzz_buf_free(&want);
    free(out);
    fuzz_content_free(&fc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    roundtrip(data, size, ACEPACK_STRICT);
    roundtrip(data, size, ACEPACK_COMPAT);
    return 0;
}
