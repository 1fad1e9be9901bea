#ifndef RUNRA_CISAL_SHIM_H
#define RUNRA_CISAL_SHIM_H
#include <stdint.h>
#include <stdlib.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

// `struct inflate_state` holds 64 KB arrays that Swift would import as tuples of 65 000 elements, so Swift
// only ever sees it as an opaque pointer and every field is touched here.

/// A heap-allocated, initialized inflate state, or NULL when out of memory.
static inline void *CISAL_inflateCreate(void) {
    struct inflate_state *state = malloc(sizeof *state);
    if (state) isal_inflate_init(state);
    return state;
}

static inline void CISAL_inflateDestroy(void *state) { free(state); }

/// Readies the state for one raw deflate stream followed by a gzip trailer (CRC-32 and ISIZE, verified).
static inline void CISAL_inflateStartMember(void *opaque) {
    struct inflate_state *state = opaque;
    isal_inflate_reset(state);
    state->crc_flag = ISAL_GZIP_NO_HDR_VER;
}

/// At the end of the input inside a member's trailer: whether the CRC-32 (its first four bytes, once they are
/// there) already differs from the data's. zlib checks it before the length arrives and reports corrupt data, not a
/// truncation; ISA-L waits for all eight bytes, keeping those that came in `tmp_in_buffer`.
static inline int CISAL_inflateTrailerCRCIsWrong(void *opaque) {
    struct inflate_state *state = opaque;
    if (state->block_state != ISAL_CHECKSUM_CHECK || state->tmp_in_size < 4) return 0;
    const uint8_t *bytes = state->tmp_in_buffer;
    uint32_t crc = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
    return crc != state->crc;
}

/// One call of isal_inflate over the given buffers. Reports the bytes consumed and produced, and whether the
/// member ended (its trailer read and verified); returns isal_inflate's status.
static inline int CISAL_inflate(void *opaque, const uint8_t *input, uint32_t inputCount, uint8_t *output,
                                uint32_t outputCount, uint32_t *consumed, uint32_t *produced, int *memberEnded) {
    struct inflate_state *state = opaque;
    state->next_in = (uint8_t *)input;
    state->avail_in = inputCount;
    state->next_out = output;
    state->avail_out = outputCount;
    int status = isal_inflate(state);
    *consumed = inputCount - state->avail_in;
    *produced = outputCount - state->avail_out;
    *memberEnded = state->block_state == ISAL_BLOCK_FINISH;
    return status;
}
#endif
