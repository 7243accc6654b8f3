// The step of the smoothed Weiszfeld iteration (Weiszfeld 1937; the smoothing of Pillutla,
// Kakade, Harchaoui, "Robust Aggregation for Federated Learning", IEEE TSP 2022) that
// src/robust/aggregators/geometric-median.ts drives: the weighted mean of the inputs and the
// distances from it to every input, in one pass over the inputs. The coordinates go in blocks of
// kBlock: a block of the mean is complete once every input's block has been added, and the
// distances' partial sums for that block are taken while the inputs' block is still in cache.
// The next step's weights need exactly those distances, so each iteration reads the inputs once.
#include "weiszfeld.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "target_clones.h"

namespace loom {

namespace {
constexpr int64_t kBlock = 512;
}

LOOM_TARGET_CLONES
void weiszfeld_step(int64_t n, int64_t d, const float* const* rows, const double* w, double* z, double* squared) {
  double weight_sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    weight_sum += w[i];
    squared[i] = 0;
  }
  for (int64_t j0 = 0; j0 < d; j0 += kBlock) {
    const int64_t width = std::min(kBlock, d - j0);
    double* __restrict zb = z + j0;
    std::fill(zb, zb + width, 0.0);
    for (int64_t i = 0; i < n; ++i) {
      const float* __restrict x = rows[i] + j0;
      const double wi = w[i];
      for (int64_t l = 0; l < width; ++l) zb[l] += wi * static_cast<double>(x[l]);
    }
    for (int64_t l = 0; l < width; ++l) zb[l] /= weight_sum;
    for (int64_t i = 0; i < n; ++i) {
      const float* __restrict x = rows[i] + j0;
      double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      int64_t l = 0;
      for (; l + 8 <= width; l += 8) {
        for (int t = 0; t < 8; ++t) {
          const double diff = zb[l + t] - static_cast<double>(x[l + t]);
          partial[t] += diff * diff;
        }
      }
      double sum = 0;
      for (; l < width; ++l) {
        const double diff = zb[l] - static_cast<double>(x[l]);
        sum += diff * diff;
      }
      for (double p : partial) sum += p;
      squared[i] += sum;
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(squared[i])) squared[i] = std::numeric_limits<double>::infinity();
  }
}

}  // namespace loom
