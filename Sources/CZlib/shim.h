#ifndef RUNRA_CZLIB_SHIM_H
#define RUNRA_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2/deflateInit2 are macros; Swift cannot call them directly.
static inline int CZlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int CZlib_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel,
                                     int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
#endif
