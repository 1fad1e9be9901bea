#ifndef RUNRA_CRUNRASIMD_H
#define RUNRA_CRUNRASIMD_H

// Vectorised byte scans for the JSON scanner and the path lookups after it. The string-stop scan has a portable
// scalar version and, on x86-64, SSE2 and AVX2 versions; the widest one the CPU supports is chosen the first time it
// runs. The value-end searches use SSE2, which every x86-64 CPU has, and a portable loop elsewhere. All versions give
// the same result for the same bytes, and none reads outside `bytes[0..<count]`.

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#endif

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

/// The first position at or after `position` holding a quote or a backslash.
static inline size_t runra_next_quote_or_backslash(const uint8_t *bytes, size_t count, size_t position) {
#if defined(__x86_64__) || defined(_M_X64)
    while (count - position >= 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + position));
        unsigned mask = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('"')), _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'))));
        if (mask) return position + (size_t)__builtin_ctz(mask);
        position += 16;
    }
#endif
    while (position < count && bytes[position] != '"' && bytes[position] != '\\') position++;
    return position;
}

/// The position after the string that opens at `start` (a quote) in a line the JSON scanner accepted; `count` when
/// it does not close. Inline: it is called for every key a path lookup passes, most of them short.
static inline size_t runra_string_end(const uint8_t *bytes, size_t count, size_t start) {
    size_t position = start + 1;
    while (position < count) {
        position = runra_next_quote_or_backslash(bytes, count, position);
        if (position >= count) break;
        if (bytes[position] == '"') return position + 1;
        position += 2;  // the backslash and the byte it escapes
    }
    return count;
}

/// The position after the object or array that opens at `start` in a line the JSON scanner accepted; `count` when it
/// does not close.
size_t runra_container_end(const uint8_t *bytes, size_t count, size_t start);

/// The widest level this CPU supports.
runra_simd_level runra_simd_supported(void);

/// The level the scans use now.
runra_simd_level runra_simd_active(void);

/// Makes the scans use `level`, or the widest supported level when `level` is wider than that; returns the level
/// now in use. For tests, which check every version against the same reference; not meant to be called while
/// another thread scans.
runra_simd_level runra_simd_force(runra_simd_level level);

#endif
