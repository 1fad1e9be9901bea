// runra_string_stops: a bitmap of the bytes a JSON string scan has to stop at.
//
// A scan stops at `"`, `\`, bytes below 0x20 and bytes of 0x80 and above. Read as signed, the last two ranges are
// exactly the bytes below 0x20 (0x80–0xFF are negative), so each version does two equality tests and one signed
// comparison per byte. Each version marks 64 bytes per step; a last, partial block is copied to a local block
// padded with stops, so no version reads outside the bytes it is given.

#include "CRunraSIMD.h"

#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define RUNRA_X86 1
#include <immintrin.h>
#endif

static inline int is_stop(uint8_t byte) {
    return byte == '"' || byte == '\\' || (int8_t)byte < 0x20;
}

/// The block of `count` bytes at `bytes` padded with stops to 64 bytes, in `block`.
static inline const uint8_t *padded_block(const uint8_t *bytes, size_t count, uint8_t block[64]) {
    memset(block, '"', 64);
    memcpy(block, bytes, count);
    return block;
}

static void stops_scalar(const uint8_t *bytes, size_t count, uint64_t *bits) {
    for (size_t start = 0; start < count; start += 64) {
        size_t length = count - start < 64 ? count - start : 64;
        uint64_t word = length < 64 ? ~UINT64_C(0) << length : 0;
        for (size_t index = 0; index < length; index++) word |= (uint64_t)is_stop(bytes[start + index]) << index;
        bits[start / 64] = word;
    }
}

#if RUNRA_X86

/// A bit per byte of the 16 at `bytes`, set at stops.
static inline uint64_t stops16(const uint8_t *bytes) {
    __m128i chunk = _mm_loadu_si128((const __m128i *)bytes);
    __m128i quote = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\\'));
    __m128i below = _mm_cmpgt_epi8(_mm_set1_epi8(0x20), chunk);
    return (uint16_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), below));
}

static inline uint64_t stops64_sse2(const uint8_t *bytes) {
    return stops16(bytes) | stops16(bytes + 16) << 16 | stops16(bytes + 32) << 32 | stops16(bytes + 48) << 48;
}

static void stops_sse2(const uint8_t *bytes, size_t count, uint64_t *bits) {
    uint8_t block[64];
    size_t start = 0;
    for (; start + 64 <= count; start += 64) bits[start / 64] = stops64_sse2(bytes + start);
    if (start < count) bits[start / 64] = stops64_sse2(padded_block(bytes + start, count - start, block));
}

/// A bit per byte of the 32 at `bytes`, set at stops.
__attribute__((target("avx2"))) static inline uint64_t stops32(const uint8_t *bytes) {
    __m256i chunk = _mm256_loadu_si256((const __m256i *)bytes);
    __m256i quote = _mm256_cmpeq_epi8(chunk, _mm256_set1_epi8('"'));
    __m256i backslash = _mm256_cmpeq_epi8(chunk, _mm256_set1_epi8('\\'));
    __m256i below = _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), chunk);
    return (uint32_t)_mm256_movemask_epi8(_mm256_or_si256(_mm256_or_si256(quote, backslash), below));
}

__attribute__((target("avx2"))) static void stops_avx2(const uint8_t *bytes, size_t count, uint64_t *bits) {
    uint8_t block[64];
    size_t start = 0;
    for (; start + 64 <= count; start += 64) bits[start / 64] = stops32(bytes + start) | stops32(bytes + start + 32) << 32;
    if (start < count) {
        const uint8_t *last = padded_block(bytes + start, count - start, block);
        bits[start / 64] = stops32(last) | stops32(last + 32) << 32;
    }
}

#endif

typedef void (*stops_function)(const uint8_t *, size_t, uint64_t *);

static void stops_first_call(const uint8_t *bytes, size_t count, uint64_t *bits);

// The version in use; at first a function that picks one and then calls it. Read and written with relaxed atomics:
// every version gives the same answers, so a thread that still sees an older pointer is merely slower once.
static stops_function stops_in_use = stops_first_call;
static runra_simd_level level_in_use = RUNRA_SIMD_SCALAR;

runra_simd_level runra_simd_supported(void) {
#if RUNRA_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return RUNRA_SIMD_AVX2;
    return RUNRA_SIMD_SSE2;  // part of x86-64 itself
#else
    return RUNRA_SIMD_SCALAR;
#endif
}

runra_simd_level runra_simd_force(runra_simd_level level) {
    runra_simd_level supported = runra_simd_supported();
    if (level > supported) level = supported;
    stops_function stops = stops_scalar;
#if RUNRA_X86
    if (level == RUNRA_SIMD_AVX2) stops = stops_avx2;
    if (level == RUNRA_SIMD_SSE2) stops = stops_sse2;
#endif
    __atomic_store_n(&level_in_use, level, __ATOMIC_RELAXED);
    __atomic_store_n(&stops_in_use, stops, __ATOMIC_RELAXED);
    return level;
}

runra_simd_level runra_simd_active(void) {
    if (__atomic_load_n(&stops_in_use, __ATOMIC_RELAXED) == stops_first_call) runra_simd_force(RUNRA_SIMD_AVX2);
    return __atomic_load_n(&level_in_use, __ATOMIC_RELAXED);
}

static void stops_first_call(const uint8_t *bytes, size_t count, uint64_t *bits) {
    runra_simd_active();
    runra_string_stops(bytes, count, bits);
}

void runra_string_stops(const uint8_t *bytes, size_t count, uint64_t *bits) {
    __atomic_load_n(&stops_in_use, __ATOMIC_RELAXED)(bytes, count, bits);
}
