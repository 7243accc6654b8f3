// The average of n float32 vectors, accumulated in double.
#ifndef LOOM_NATIVE_ROW_AVERAGE_H_
#define LOOM_NATIVE_ROW_AVERAGE_H_

#include <cstdint>

namespace loom {

// out[j] = (rows[0][j] + ... + rows[n-1][j]) / n, summed in double in row order and rounded once:
// averageOf in src/robust/aggregator.ts, bit for bit. out must not overlap the rows.
void row_average(int64_t n, int64_t d, const float* const* rows, float* out);

}  // namespace loom

#endif  // LOOM_NATIVE_ROW_AVERAGE_H_
