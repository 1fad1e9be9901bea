#ifndef RUNRA_CZSTD_SHIM_H
#define RUNRA_CZSTD_SHIM_H
#include <zstd.h>

// ZSTD_isError's result is an unsigned int used as a boolean; a named wrapper keeps call sites plain.
static inline int CZstd_isError(size_t code) {
    return ZSTD_isError(code) ? 1 : 0;
}
#endif
