/*
 * write_build_path.c - acepack_build_path: the canonical file of a content
 * installed at a path as a store's commit would be (W-COMMIT-9).
 */
#include "write_internal.h"

acepack_status acepack_build_path_opts(const acepack_content *c, const char *path,
                                       const acepack_build_options *opts,
                                       const acepack_allocator *alloc, const acepack_io *io,
                                       uint32_t file_mode, acepack_error *err)
{
    if (!c || !path || !*path || !aw_alloc_valid(alloc))
        return aw_fail(err, ACEPACK_ARG, NULL, 0, "invalid argument");
    const acepack_allocator *a = aw_alloc_or_default(alloc);
    acepack_io adopted;
    acepack_status st = aw_io_adopt(io, &adopted, err);
    if (st != ACEPACK_OK)
        return st;
    const acepack_io *fio = &adopted;
    /* Refuse a content no writer may write before anything is created. */
    uint64_t size = 0;
    st = acepack_build_size(c, alloc, &size, err);
    if (st != ACEPACK_OK)
        return st;
    aw_output o;
    st = aw_output_begin(&o, a, fio, path, file_mode, err);
    if (st == ACEPACK_OK) {
        aw_fd_sink fs = {fio, o.tfd, 0, 0};
        aw_out w;
        st = aw_out_init(&w, a, aw_sink_pwrite, &fs, err);
        if (st == ACEPACK_OK) {
            st = aw_build_stream(c, a, opts && opts->checksums, &w, err);
            aw_out_free(&w);
        }
    }
    if (st == ACEPACK_OK)
        st = aw_output_install(&o, err);
    aw_output_end(&o);
    return st;
}

acepack_status acepack_build_path(const acepack_content *c, const char *path,
                                  const acepack_allocator *alloc, const acepack_io *io,
                                  uint32_t file_mode, acepack_error *err)
{
    return acepack_build_path_opts(c, path, NULL, alloc, io, file_mode, err);
}
