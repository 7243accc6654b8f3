// Element-wise optimizer updates on float32 buffers, in double precision like the TypeScript
// loops they replace (every operation rounded as JavaScript rounds it), so both give the same bits.
#ifndef LOOM_NATIVE_OPTIM_H_
#define LOOM_NATIVE_OPTIM_H_

#include <cstdint>

namespace loom {

// Without momentum (buf null): w -= lr * (g + wd*w).
// With: d = g + wd*w; b = carry*buf + gain*d; buf = b; w -= lr * (d_weight*d + buf_weight*b).
void sgd_update(int64_t n, float* w, const float* g, float* buf, double lr, double wd, double carry, double gain,
                double d_weight, double buf_weight);

}  // namespace loom

#endif  // LOOM_NATIVE_OPTIM_H_
