// runra_container_end: where an object or array of a validated line ends, found 16 bytes at a time.
//
// The lines are ones the scanner accepted, so the end is known to be there; what is left is to find it quickly,
// by counting brackets outside strings and skipping each string with runra_string_end (inline, in the header).
// SSE2 (from the header) is part of x86-64, so it needs no run-time choice; elsewhere a portable loop does the same.

#include "CRunraSIMD.h"

/// The first position at or after `position` holding a quote or a bracket.
static inline size_t next_quote_or_bracket(const uint8_t *bytes, size_t count, size_t position) {
#if defined(__x86_64__) || defined(_M_X64)
    while (count - position >= 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + position));
        // `[` and `]` are `{` and `}` with bit 5 clear.
        __m128i folded = _mm_or_si128(chunk, _mm_set1_epi8(0x20));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(chunk, _mm_set1_epi8('"')),
            _mm_or_si128(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')), _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')))));
        if (mask) return position + (size_t)__builtin_ctz(mask);
        position += 16;
    }
#endif
    while (position < count) {
        uint8_t byte = bytes[position] | 0x20;
        if (bytes[position] == '"' || byte == '{' || byte == '}') return position;
        position++;
    }
    return position;
}

size_t runra_container_end(const uint8_t *bytes, size_t count, size_t start) {
    size_t depth = 0;
    size_t position = start;
    while (position < count) {
        position = next_quote_or_bracket(bytes, count, position);
        if (position >= count) break;
        uint8_t byte = bytes[position];
        if (byte == '"') {
            position = runra_string_end(bytes, count, position);
            continue;
        }
        if (byte == '{' || byte == '[') {
            depth++;
        } else if (--depth == 0) {
            return position + 1;
        }
        position++;
    }
    return count;
}
