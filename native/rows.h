// Row-broadcast operations on a row-major float32 matrix: what a bias does in a layer's forward
// pass (add one value per column) and in its backward pass (sum every column).
#ifndef LOOM_NATIVE_ROWS_H_
#define LOOM_NATIVE_ROWS_H_

#include <cstdint>

namespace loom {

// y[r, c] = x[r, c] + b[c] for a rows x cols matrix (y may be x).
void add_row_vector(int64_t rows, int64_t cols, const float* x, const float* b, float* y);

// out[c] = sum over r of x[r, c], accumulated in double and rounded once.
void column_sums(int64_t rows, int64_t cols, const float* x, float* out);

}  // namespace loom

#endif  // LOOM_NATIVE_ROWS_H_
