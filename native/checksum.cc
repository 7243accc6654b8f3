// Fletcher-4 lane sums (see checksum.h). The four lanes are independent, so the compiler keeps each
// level's four accumulators in one vector register (AVX2: 4 x u64); every 16-byte block is one
// widening load and four vector adds.
#include "checksum.h"

#include <cstring>

#include "target_clones.h"

namespace loom {

LOOM_TARGET_CLONES
void fletcher4_mix(uint64_t* state, const uint8_t* data, int64_t blocks) {
  uint64_t a[4], b[4], c[4], d[4];
  std::memcpy(a, state, sizeof a);
  std::memcpy(b, state + 4, sizeof b);
  std::memcpy(c, state + 8, sizeof c);
  std::memcpy(d, state + 12, sizeof d);
  for (int64_t k = 0; k < blocks; ++k) {
    uint32_t w[4];
    std::memcpy(w, data + 16 * k, sizeof w);  // little-endian hosts (x86-64, arm64): the words as written
    for (int lane = 0; lane < 4; ++lane) {
      a[lane] += w[lane];
      b[lane] += a[lane];
      c[lane] += b[lane];
      d[lane] += c[lane];
    }
  }
  std::memcpy(state, a, sizeof a);
  std::memcpy(state + 4, b, sizeof b);
  std::memcpy(state + 8, c, sizeof c);
  std::memcpy(state + 12, d, sizeof d);
}

}  // namespace loom
