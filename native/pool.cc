// The gradient of max pooling (Y. LeCun et al. 1998 pool by subsampling; max pooling as in
// M. Ranzato et al., "Unsupervised Learning of Invariant Feature Hierarchies", CVPR 2007): the
// argmax of each window receives the window's gradient. Channels are the innermost loop so that
// the compare-and-select over a window vectorizes across them.
#include "pool.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "target_clones.h"

namespace loom {
namespace {
constexpr int64_t kChannels = 64;  // channels handled per pass over a window
}

LOOM_TARGET_CLONES
void max_pool_grad(const PoolGeometry& g, const float* x, const float* dy, float* dx) {
  std::fill(dx, dx + g.n * g.h * g.w * g.c, 0.0f);
  float best[kChannels];
  int64_t at[kChannels];
  for (int64_t n = 0; n < g.n; ++n) {
    const int64_t image = n * g.h * g.w * g.c;
    for (int64_t oy = 0; oy < g.oh; ++oy) {
      const int64_t r0 = std::max<int64_t>(0, oy * g.sh - g.top), r1 = std::min(g.h, oy * g.sh - g.top + g.fh);
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const int64_t c0 = std::max<int64_t>(0, ox * g.sw - g.left), c1 = std::min(g.w, ox * g.sw - g.left + g.fw);
        if (r0 >= r1 || c0 >= c1) continue;  // a window entirely in the padding
        const float* grad = dy + ((n * g.oh + oy) * g.ow + ox) * g.c;
        for (int64_t k0 = 0; k0 < g.c; k0 += kChannels) {
          const int64_t lanes = std::min(kChannels, g.c - k0);
          for (int64_t k = 0; k < lanes; ++k) {
            best[k] = -std::numeric_limits<float>::infinity();
            at[k] = -1;
          }
          for (int64_t r = r0; r < r1; ++r)
            for (int64_t col = c0; col < c1; ++col) {
              const int64_t pos = image + (r * g.w + col) * g.c + k0;
              const float* v = x + pos;
              for (int64_t k = 0; k < lanes; ++k) {
                const bool greater = v[k] > best[k];
                best[k] = greater ? v[k] : best[k];
                at[k] = greater ? pos + k : at[k];
              }
            }
          for (int64_t k = 0; k < lanes; ++k)
            if (at[k] >= 0) dx[at[k]] += grad[k0 + k];
        }
      }
    }
  }
}

}  // namespace loom
