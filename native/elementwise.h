// Element-wise kernels of a layer's bias and activation: adding a bias to every row of a
// row-major float32 matrix, summing its columns (the bias gradient), and ReLU's gradient; and the
// collectives' reduction, dst += src.
#ifndef LOOM_NATIVE_ELEMENTWISE_H_
#define LOOM_NATIVE_ELEMENTWISE_H_

#include <cstdint>

namespace loom {

// y[r, c] = x[r, c] + b[c] for a rows x cols matrix (y may be x).
void add_row_vector(int64_t rows, int64_t cols, const float* x, const float* b, float* y);

// out[c] = sum over r of x[r, c], accumulated in double and rounded once.
void column_sums(int64_t rows, int64_t cols, const float* x, float* out);

// dx = dy * step(x) as TensorFlow.js computes it: dy where x > 0, NaN where x is NaN, else dy * 0.
void relu_grad(int64_t n, const float* dy, const float* x, float* dx);

// dst[i] += src[i] in float32, the same bits as JavaScript's Math.fround(dst[i] + src[i]); dst may be src.
void add_into(int64_t n, float* dst, const float* src);

}  // namespace loom

#endif  // LOOM_NATIVE_ELEMENTWISE_H_
