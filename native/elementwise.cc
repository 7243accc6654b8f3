// Bias broadcasts and the ReLU gradient (see elementwise.h). TensorFlow.js's wasm backend runs `x + bias` with broadcasting and
// the bias gradient (a Sum over every axis but the last, which it does by transposing first) as
// generic loops: 3.5 ms and 2 ms on LeNet's first activation at batch 128 ([128,28,28,6]); its
// ReLU gradient is three kernels (Step, Cast, Multiply) and two temporaries.
#include "elementwise.h"

#include <algorithm>
#include <vector>

#include "target_clones.h"

namespace loom {

LOOM_TARGET_CLONES
void add_row_vector(int64_t rows, int64_t cols, const float* x, const float* b, float* y) {
  if (cols == 1) {
    const float b0 = b[0];
    for (int64_t r = 0; r < rows; ++r) y[r] = x[r] + b0;
    return;
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    for (int64_t c = 0; c < cols; ++c) yr[c] = xr[c] + b[c];
  }
}

LOOM_TARGET_CLONES
void column_sums(int64_t rows, int64_t cols, const float* x, float* out) {
  // Float partial sums over blocks of rows (vectorizes across columns), then a double total.
  constexpr int64_t kBlock = 64;
  thread_local std::vector<float> partial_buffer;
  thread_local std::vector<double> total_buffer;
  partial_buffer.assign(static_cast<size_t>(cols), 0.0f);
  total_buffer.assign(static_cast<size_t>(cols), 0.0);
  float* const partial = partial_buffer.data();
  double* const total = total_buffer.data();
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int64_t r1 = std::min(rows, r0 + kBlock);
    std::fill(partial, partial + cols, 0.0f);
    for (int64_t r = r0; r < r1; ++r) {
      const float* xr = x + r * cols;
      for (int64_t c = 0; c < cols; ++c) partial[c] += xr[c];
    }
    for (int64_t c = 0; c < cols; ++c) total[c] += partial[c];
  }
  for (int64_t c = 0; c < cols; ++c) out[c] = static_cast<float>(total[c]);
}

LOOM_TARGET_CLONES
void relu_grad(int64_t n, const float* dy, const float* x, float* dx) {
  for (int64_t i = 0; i < n; ++i) {
    const float s = x[i] > 0.0f ? 1.0f : (x[i] != x[i] ? x[i] : 0.0f);  // step(x), NaN kept
    dx[i] = dy[i] * s;
  }
}

// The collectives' reduction (src/comm/kernels/float-kernels.ts): one pass over both operands, where
// the WebAssembly path copies each block in and the sum out again.
LOOM_TARGET_CLONES
void add_into(int64_t n, float* dst, const float* src) {
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

}  // namespace loom
