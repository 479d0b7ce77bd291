#include <zlib.h>

/// inflateInit2 is a macro; this wraps it for Swift. windowBits 15 + 32
/// accepts both gzip and zlib headers.
static inline int warden_inflate_init(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
