// Gradients of 2-D pooling over NHWC float32 tensors.
#ifndef LOOM_NATIVE_POOL_H_
#define LOOM_NATIVE_POOL_H_

#include <cstdint>

namespace loom {

struct PoolGeometry {
  int64_t n, h, w, c;     // input
  int64_t oh, ow;         // output
  int64_t fh, fw, sh, sw; // window, strides
  int64_t top, left;      // padding before the first row / column
};

// dx = 0, then each window's dy goes to the first position (row-major window order) holding its
// maximum under strict >, starting from -infinity: a window of only NaN or -infinity passes nothing
// on (TensorFlow.js's cpu backend does the same).
void max_pool_grad(const PoolGeometry& g, const float* x, const float* dy, float* dx);

}  // namespace loom

#endif  // LOOM_NATIVE_POOL_H_
