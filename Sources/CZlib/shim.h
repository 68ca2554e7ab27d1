#ifndef LAKESTORE_CZLIB_SHIM_H
#define LAKESTORE_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro Swift cannot call: window bits 15 + 32 take the largest window and
/// detect a gzip or zlib header by itself.
static inline int lakestore_inflate_init(z_streamp stream) {
  return inflateInit2(stream, 15 + 32);
}

/// deflateInit2 for gzip output (window bits 15 + 16), for tests, fuzzing and benchmarks.
static inline int lakestore_deflate_init_gzip(z_streamp stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
