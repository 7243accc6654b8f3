// Group normalisation (Wu & He, "Group Normalization", ECCV 2018), and layer normalisation as its
// one-group case (Ba, Kiros & Hinton 2016), forward and backward, with the ReLU and a residual add
// of a ResNet block fused into the forward's epilogue.
//
// x is row-major [samples, positions, channels] (NHWC: positions = H*W; a LayerNorm over the last
// axis: positions = 1, groups = 1). Channels split into `groups` contiguous groups of
// channels / groups; each (sample, group) is standardised over its positions x channels-of-group
// values with the biased variance, then scaled and shifted per channel:
//   xhat = (x - mean) * rstd,  rstd = 1 / sqrt(var + eps),  y = act(xhat * gain + bias [+ residual]).
#ifndef LOOM_NATIVE_NORM_H_
#define LOOM_NATIVE_NORM_H_

#include <cstdint>

namespace loom {

struct NormShape {
  int64_t samples;
  int64_t positions;
  int64_t channels;
  int64_t groups;  // divides channels
};

// y = act(xhat * gain + bias + residual), act ReLU when `relu`; residual may be null. mean and rstd
// ([samples, groups]) are written for the backward. Statistics are accumulated in double; xhat, y
// are float32 in the order written above (-ffp-contract=off: no FMA), as the composed ops do.
void affine_norm_forward(const NormShape& s, float eps, const float* x, const float* gain, const float* bias,
                         const float* residual, bool relu, float* y, float* mean, float* rstd);

// Given dy = dL/dy: with `y` non-null the ReLU's mask is applied first, dz = dy * step(y) (as
// TensorFlow.js's Relu gradient: NaN where y is NaN); `dz`, when non-null, receives that masked
// gradient (the residual's gradient). Then
//   dbias = sum dz, dgain = sum dz * xhat (over samples and positions, in double),
//   dx = rstd * (dz*gain - mean_g(dz*gain) - xhat * mean_g(dz*gain*xhat)).
void affine_norm_backward(const NormShape& s, const float* dy, const float* x, const float* mean, const float* rstd,
                          const float* gain, const float* y, float* dx, float* dgain, float* dbias, float* dz);

}  // namespace loom

#endif  // LOOM_NATIVE_NORM_H_
