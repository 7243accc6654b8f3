// The average of chosen inputs (Multi-Krum's last step, Krum's copy of its choice), in blocks of
// coordinates so that the double partial sums stay in L1 while each input is read sequentially.
#include "row_average.h"

#include <algorithm>

#include "target_clones.h"

namespace loom {

namespace {
constexpr int64_t kBlock = 1024;
}

LOOM_TARGET_CLONES
void row_average(int64_t n, int64_t d, const float* const* rows, float* out) {
  double sum[kBlock];
  const double count = static_cast<double>(n);
  for (int64_t j0 = 0; j0 < d; j0 += kBlock) {
    const int64_t width = std::min(kBlock, d - j0);
    std::fill(sum, sum + width, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      const float* __restrict x = rows[i] + j0;
      for (int64_t l = 0; l < width; ++l) sum[l] += static_cast<double>(x[l]);
    }
    for (int64_t l = 0; l < width; ++l) out[j0 + l] = static_cast<float>(sum[l] / count);
  }
}

}  // namespace loom
