// Fletcher-4 lane sums of the TCP frame checksum (src/comm/kernels/fletcher4.ts): four lanes of
// 64-bit accumulators over little-endian 32-bit words, a += w; b += a; c += b; d += c, word i to
// lane i mod 4 (the checksum ZFS uses, vectorised across lanes as its fletcher_4 SIMD variants).
#ifndef LOOM_NATIVE_CHECKSUM_H_
#define LOOM_NATIVE_CHECKSUM_H_

#include <cstdint>

namespace loom {
// state: 16 accumulators, state[4 * level + lane] (levels a, b, c, d); data: `blocks` 16-byte blocks.
void fletcher4_mix(uint64_t* state, const uint8_t* data, int64_t blocks);
}  // namespace loom

#endif  // LOOM_NATIVE_CHECKSUM_H_
