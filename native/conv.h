// 2-D convolutions over NHWC float32 tensors, filter stored [FH, FW, Ci, Co] (TensorFlow's layout),
// as im2col + the packed GEMM of gemm.h, a chunk of output positions at a time.
#ifndef LOOM_NATIVE_CONV_H_
#define LOOM_NATIVE_CONV_H_

#include <cstdint>

namespace loom {

struct ConvGeometry {
  int64_t n, h, w, ci;      // input: batch, height, width, channels
  int64_t oh, ow, co;       // output height, width, channels
  int64_t fh, fw;           // filter height, width
  int64_t sh, sw, dh, dw;   // strides, dilations (>= 1)
  int64_t top, left;        // zero padding before the first row / column (>= 0)

  int64_t patch() const { return fh * fw * ci; }       // one im2col row
  int64_t positions() const { return n * oh * ow; }    // im2col rows
};

// y[n, oy, ox, co] = act(sum over (kh, kw, ci) x[n, oy*sh + kh*dh - top, ox*sw + kw*dw - left, ci] *
//                        w[kh, kw, ci, co] + bias[co]); taps outside the input read 0. bias may be null.
void conv2d_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y);

// dx = d(sum y * dy)/dx for y = conv2d(x, w) (no bias or activation): dy is the output's shape.
void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx);

// dw = d(sum y * dy)/dw: dw[kh, kw, ci, co] = sum over positions of x-tap * dy.
void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw);

}  // namespace loom

#endif  // LOOM_NATIVE_CONV_H_
