// Internal to conv.cc and conv_direct.cc: which input floats the filter taps of one output
// position read, and the direct kernels conv.cc dispatches to for few output channels.
#ifndef LOOM_NATIVE_CONV_TAPS_H_
#define LOOM_NATIVE_CONV_TAPS_H_

#include <algorithm>
#include <cstdint>

#include "conv.h"

namespace loom {

// Calls f(kh, kw_lo, kw_hi, row_offset, input_offset) for each filter row kh of output position q:
// taps kw in [kw_lo, kw_hi) read input floats from input_offset on (contiguous when dw == 1, ci
// floats per tap, else `dw * ci` apart); the row's other taps are padding. row_offset is where tap
// (kh, 0, 0) sits in the im2col row.
template <class F>
inline void for_each_tap_run(const ConvGeometry& g, int64_t n, int64_t oy, int64_t ox, F&& f) {
  const int64_t ix0 = ox * g.sw - g.left;
  // kw with 0 <= ix0 + kw*dw < w.
  const int64_t lo = ix0 >= 0 ? 0 : std::min<int64_t>(g.fw, (-ix0 + g.dw - 1) / g.dw);
  const int64_t hi = g.w - ix0 <= 0 ? 0 : std::min<int64_t>(g.fw, (g.w - ix0 + g.dw - 1) / g.dw);
  for (int64_t kh = 0; kh < g.fh; ++kh) {
    const int64_t iy = oy * g.sh + kh * g.dh - g.top;
    const bool inside = iy >= 0 && iy < g.h && lo < hi;
    const int64_t input = ((n * g.h + iy) * g.w + ix0 + lo * g.dw) * g.ci;
    f(kh, inside ? lo : 0, inside ? hi : 0, kh * g.fw * g.ci, input);
  }
}

// The same for output position q = (n * oh + oy) * ow + ox.
template <class F>
inline void for_each_tap_run(const ConvGeometry& g, int64_t q, F&& f) {
  const int64_t per_image = g.oh * g.ow;
  const int64_t n = q / per_image, r = q % per_image;
  for_each_tap_run(g, n, r / g.ow, r % g.ow, static_cast<F&&>(f));
}

// One filter row's taps of one output position: kw in [lo, hi) read input floats from `input` on;
// `at` is where tap (kh, 0, 0) sits in the im2col row.
struct TapRun {
  int64_t lo, hi, at, input;
};

// The runs of output position (n, oy, ox) that read any input (padding rows are left out); returns
// how many.
inline int64_t tap_runs(const ConvGeometry& g, int64_t n, int64_t oy, int64_t ox, TapRun* runs) {
  int64_t count = 0;
  for_each_tap_run(g, n, oy, ox, [&](int64_t, int64_t lo, int64_t hi, int64_t at, int64_t input) {
    if (lo < hi) runs[count++] = TapRun{lo, hi, at, input};
  });
  return count;
}

// Output channels up to which the direct kernels beat im2col + GEMM (whose 32-wide tiles waste
// most of their lanes on LeNet's 6 and 16 channels).
constexpr int64_t kDirectMaxChannels = 32;

// conv2d_forward / conv2d_backprop_filter without im2col or packing, vectorized over 16 output
// channels at a time (conv_direct.cc).
void conv2d_direct_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y);
void conv2d_direct_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw);

// conv2d_backprop_input of a stride-1 convolution with at most kDirectMaxChannels input channels
// and padding of at most dilation * (filter - 1) before the first row and column, as a direct
// forward convolution of dy with the flipped filter (conv_direct_input.cc); false (nothing
// written) where the geometry does not qualify.
bool conv2d_direct_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx);

}  // namespace loom

#endif  // LOOM_NATIVE_CONV_TAPS_H_
