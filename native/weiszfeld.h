// One step of the smoothed Weiszfeld iteration for the geometric median of n float32 vectors.
#ifndef LOOM_NATIVE_WEISZFELD_H_
#define LOOM_NATIVE_WEISZFELD_H_

#include <cstdint>

namespace loom {

// z = sum_i w[i] rows[i] / sum_i w[i] (d doubles, accumulated in double), then
// squared[i] = ||z - rows[i]||^2 (double; +Infinity where it would be NaN).
void weiszfeld_step(int64_t n, int64_t d, const float* const* rows, const double* w, double* z, double* squared);

}  // namespace loom

#endif  // LOOM_NATIVE_WEISZFELD_H_
