#include <zlib.h>

/// inflateInit2 is a macro; this wraps it for Swift. windowBits 15 + 32
/// accepts both gzip and zlib headers.
static inline int warden_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

/// deflateInit2 is a macro too; windowBits 15 + 16 writes a gzip member.
static inline int warden_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
