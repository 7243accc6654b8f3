// SGD with momentum (Polyak 1964; Nesterov in the form of Sutskever et al. 2013), the update of
// src/optim/sgd.ts. Doubles throughout and no contraction into FMA (binding.gyp passes
// -ffp-contract=off), so each result is the float32 rounding of the same double expression
// JavaScript evaluates: the native and TypeScript paths agree bit for bit.
#include "optim.h"

#include "target_clones.h"

namespace loom {

LOOM_TARGET_CLONES
void sgd_update(int64_t n, float* __restrict w, const float* __restrict g, float* __restrict buf, double lr, double wd,
                double carry, double gain, double d_weight, double buf_weight) {
  if (buf == nullptr) {
    for (int64_t i = 0; i < n; ++i) {
      const double wi = w[i];
      w[i] = static_cast<float>(wi - lr * (static_cast<double>(g[i]) + wd * wi));
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    const double wi = w[i];
    const double d = static_cast<double>(g[i]) + wd * wi;
    const double b = carry * static_cast<double>(buf[i]) + gain * d;
    buf[i] = static_cast<float>(b);
    w[i] = static_cast<float>(wi - lr * (d_weight * d + buf_weight * b));
  }
}

}  // namespace loom
