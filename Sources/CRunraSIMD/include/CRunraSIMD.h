#ifndef RUNRA_CRUNRASIMD_H
#define RUNRA_CRUNRASIMD_H

// Vectorised byte scans for the JSON scanner. Each scan has a portable scalar version and, on x86-64, SSE2 and
// AVX2 versions; the widest one the CPU supports is chosen the first time a scan runs. All versions give the same
// result for the same bytes, and none reads outside `bytes[0..<count]`.

#include <stddef.h>
#include <stdint.h>

/// The instruction sets a scan can use, narrowest first.
typedef enum {
    RUNRA_SIMD_SCALAR = 0,
    RUNRA_SIMD_SSE2 = 1,
    RUNRA_SIMD_AVX2 = 2,
} runra_simd_level;

/// Marks the bytes of `bytes[0..<count]` that a JSON string scan has to stop at: `"`, `\`, control characters (below
/// 0x20) and the bytes of multi-byte UTF-8 sequences (0x80 and above). Byte `i` is bit `i % 64` of `bits[i / 64]`;
/// `bits` must hold `(count + 63) / 64` words. The bits after the last byte are set, so a search for the next stop
/// always ends within the last word.
void runra_string_stops(const uint8_t *bytes, size_t count, uint64_t *bits);

/// The widest level this CPU supports.
runra_simd_level runra_simd_supported(void);

/// The level the scans use now.
runra_simd_level runra_simd_active(void);

/// Makes the scans use `level`, or the widest supported level when `level` is wider than that; returns the level
/// now in use. For tests, which check every version against the same reference; not meant to be called while
/// another thread scans.
runra_simd_level runra_simd_force(runra_simd_level level);

#endif
