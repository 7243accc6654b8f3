// Coordinate-wise order statistics of n float32 vectors: for every coordinate j, the n values
// rows[0][j] .. rows[n-1][j] sorted ascending (NaN above +Infinity) and reduced to the median, the
// trimmed mean or the mean around the median, as src/robust/aggregators/ compute them.
#ifndef LOOM_NATIVE_ROBUST_ORDER_H_
#define LOOM_NATIVE_ROBUST_ORDER_H_

#include <cstdint>

namespace loom {

enum class OrderStatistic {
  kMedian,            // the middle value; for even n the mean of the two middle values (in double)
  kLowerMedian,       // the middle value; for even n the lower of the two
  kTrimmedMean,       // the mean of sorted[param .. n - param), summed in double from the bottom
  kMeanAroundMedian,  // the mean of the `param` values closest to the median (ties to the lower)
};

// out[j] for j in [0, d). rows holds n pointers to d floats each; out must not overlap them.
// For kTrimmedMean 2 * param < n; for kMeanAroundMedian 1 <= param <= n.
void coordinate_order(int64_t n, int64_t d, const float* const* rows, float* out, OrderStatistic statistic,
                      int64_t param);

}  // namespace loom

#endif  // LOOM_NATIVE_ROBUST_ORDER_H_
