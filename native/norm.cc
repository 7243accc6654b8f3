// GroupNorm / LayerNorm forward and backward (see norm.h), one sample at a time: a sample's block
// (positions x channels; 50 KB for a ResNet stem's 28x28x16) stays in cache across the passes, so
// the tensor is streamed from memory about once each way. The wasm backend composes the same
// computation from ~20 kernels (Mean over axes it transposes first, broadcasting Sub and Mul),
// each a full pass with its own temporaries.
//
// Per-channel sums over positions: where the channel count is a multiple of 16, 16 channels at a
// time in float registers, added into double totals every 64 positions; otherwise in double with
// the channels innermost. The groups' totals are then combined from their channels'.
#include "norm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "target_clones.h"

namespace loom {
namespace {

#if defined(__GNUC__)
#define LOOM_INLINE inline __attribute__((always_inline))
#else
#define LOOM_INLINE inline
#endif

// dy * step(y) as TensorFlow.js's Relu gradient: dy where y > 0, NaN where y is NaN, else dy * 0.
LOOM_INLINE float masked(float dy, float y) { return dy * (y > 0.0f ? 1.0f : (y != y ? y : 0.0f)); }

struct Scratch {
  std::vector<double> a, b;     // per-channel sums of one sample
  std::vector<double> ta, tb;   // per-channel totals over samples (backward)
  std::vector<float> mc, rc;    // the channel's group mean and rstd
  std::vector<float> ac, bc;    // the channel's group terms of dx (backward)
  std::vector<double> md;       // the channel's own mean (forward)
  void resize(int64_t c) {
    const size_t n = static_cast<size_t>(c);
    a.assign(n, 0.0); b.assign(n, 0.0); ta.assign(n, 0.0); tb.assign(n, 0.0); md.assign(n, 0.0);
    mc.assign(n, 0.0f); rc.assign(n, 0.0f); ac.assign(n, 0.0f); bc.assign(n, 0.0f);
  }
};

Scratch& scratch(int64_t channels) {
  thread_local Scratch s;
  s.resize(channels);
  return s;
}

// 16 floats: one zmm on AVX-512, two ymm on AVX2 (GCC/Clang vector extensions, compiled once per
// target clone). aligned(4): loads and stores may be unaligned.
typedef float v16 __attribute__((vector_size(64), aligned(4)));
constexpr int64_t kLanes = 16;
// Positions summed in float registers before the partial sums go into the double totals.
constexpr int64_t kFlushEvery = 64;

LOOM_INLINE v16 load16(const float* p) { return *reinterpret_cast<const v16*>(p); }
LOOM_INLINE void store16(float* p, v16 v) { *reinterpret_cast<v16*>(p) = v; }
LOOM_INLINE void flush16(v16& partial, double* total) {
  for (int64_t l = 0; l < kLanes; ++l) total[l] += static_cast<double>(partial[l]);
  partial = v16{};
}

// Shifted sums of one sample's channels: s1[c] = sum over p of (x[p, c] - k[c]), s2[c] = the sum of
// their squares, k[c] = x[0, c] (the shift keeps the variance from cancelling when the mean is
// large; Chan, Golub & LeVeque 1983). Channels 16 at a time in registers where C is a multiple of
// 16, else one by one in double.
LOOM_TARGET_CLONES
void shifted_channel_sums(int64_t positions, int64_t channels, const float* x, double* s1, double* s2) {
  if (channels % kLanes == 0) {
    for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
      const v16 k = load16(x + c0);
      v16 a = {}, b = {};
      for (int64_t p0 = 0; p0 < positions; p0 += kFlushEvery) {
        const int64_t p1 = std::min(positions, p0 + kFlushEvery);
        for (int64_t p = p0; p < p1; ++p) {
          const v16 d = load16(x + p * channels + c0) - k;
          a += d;
          b += d * d;
        }
        flush16(a, s1 + c0);
        flush16(b, s2 + c0);
      }
    }
    return;
  }
  for (int64_t p = 0; p < positions; ++p) {
    const float* xp = x + p * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const double d = static_cast<double>(xp[c]) - static_cast<double>(x[c]);
      s1[c] += d;
      s2[c] += d * d;
    }
  }
}

template <bool kRelu, bool kResidual>
LOOM_INLINE void normalize_block(int64_t positions, int64_t channels, const float* x, const float* mc, const float* rc,
                                 const float* gain, const float* bias, const float* residual, float* y) {
  for (int64_t p = 0; p < positions; ++p) {
    const float* xp = x + p * channels;
    const float* rp = kResidual ? residual + p * channels : nullptr;
    float* yp = y + p * channels;
    for (int64_t c = 0; c < channels; ++c) {
      float v = (xp[c] - mc[c]) * rc[c];
      v = v * gain[c] + bias[c];
      if (kResidual) v = v + rp[c];
      if (kRelu) v = v < 0.0f ? 0.0f : v;  // NaN stays NaN
      yp[c] = v;
    }
  }
}

LOOM_TARGET_CLONES
void normalize(int64_t positions, int64_t channels, const float* x, const float* mc, const float* rc, const float* gain,
               const float* bias, const float* residual, bool relu, float* y) {
  if (relu) {
    if (residual != nullptr) normalize_block<true, true>(positions, channels, x, mc, rc, gain, bias, residual, y);
    else normalize_block<true, false>(positions, channels, x, mc, rc, gain, bias, residual, y);
  } else {
    if (residual != nullptr) normalize_block<false, true>(positions, channels, x, mc, rc, gain, bias, residual, y);
    else normalize_block<false, false>(positions, channels, x, mc, rc, gain, bias, residual, y);
  }
}

// Pass 1 of the backward: g = dy (masked by y when kMask; stored to dz when kStore),
// xhat = (x - m) * r; sg[c] += g, sgx[c] += g * xhat.
template <bool kMask, bool kStore>
LOOM_INLINE void gradient_sums(int64_t positions, int64_t channels, const float* dy, const float* x, const float* y,
                               const float* mc, const float* rc, float* dz, double* sg, double* sgx) {
  for (int64_t p = 0; p < positions; ++p) {
    const int64_t o = p * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const float g = kMask ? masked(dy[o + c], y[o + c]) : dy[o + c];
      if (kStore) dz[o + c] = g;
      const float xhat = (x[o + c] - mc[c]) * rc[c];
      sg[c] += static_cast<double>(g);
      sgx[c] += static_cast<double>(g * xhat);
    }
  }
}

// The same, 16 channels at a time in registers (channels a multiple of 16).
template <bool kMask, bool kStore>
LOOM_INLINE void gradient_sums16(int64_t positions, int64_t channels, const float* dy, const float* x, const float* y,
                                 const float* mc, const float* rc, float* dz, double* sg, double* sgx) {
  const v16 zero = {}, one = zero + 1.0f;
  for (int64_t c0 = 0; c0 < channels; c0 += kLanes) {
    const v16 m = load16(mc + c0), r = load16(rc + c0);
    v16 a = {}, b = {};
    for (int64_t p0 = 0; p0 < positions; p0 += kFlushEvery) {
      const int64_t p1 = std::min(positions, p0 + kFlushEvery);
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t o = p * channels + c0;
        v16 g = load16(dy + o);
        if (kMask) {
          const v16 yv = load16(y + o);
          g = g * (yv > zero ? one : (yv != yv ? yv : zero));  // masked(): NaN where y is NaN
        }
        if (kStore) store16(dz + o, g);
        const v16 xhat = (load16(x + o) - m) * r;
        a += g;
        b += g * xhat;
      }
      flush16(a, sg + c0);
      flush16(b, sgx + c0);
    }
  }
}

LOOM_TARGET_CLONES
void gradient_channel_sums(int64_t positions, int64_t channels, const float* dy, const float* x, const float* y,
                           const float* mc, const float* rc, float* dz, double* sg, double* sgx) {
  if (channels % kLanes == 0) {
    if (y != nullptr) {
      if (dz != nullptr) gradient_sums16<true, true>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
      else gradient_sums16<true, false>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
    } else {
      if (dz != nullptr) gradient_sums16<false, true>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
      else gradient_sums16<false, false>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
    }
    return;
  }
  if (y != nullptr) {
    if (dz != nullptr) gradient_sums<true, true>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
    else gradient_sums<true, false>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
  } else {
    if (dz != nullptr) gradient_sums<false, true>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
    else gradient_sums<false, false>(positions, channels, dy, x, y, mc, rc, dz, sg, sgx);
  }
}

// Pass 2: dx = ((g * gain - ac) - xhat * bc) * r, g as in pass 1 (read back from dz when stored).
template <bool kMask>
LOOM_INLINE void input_gradient_block(int64_t positions, int64_t channels, const float* g, const float* x, const float* y,
                                      const float* mc, const float* rc, const float* gain, const float* ac,
                                      const float* bc, float* dx) {
  for (int64_t p = 0; p < positions; ++p) {
    const int64_t o = p * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const float gv = kMask ? masked(g[o + c], y[o + c]) : g[o + c];
      const float xhat = (x[o + c] - mc[c]) * rc[c];
      dx[o + c] = ((gv * gain[c] - ac[c]) - xhat * bc[c]) * rc[c];
    }
  }
}

LOOM_TARGET_CLONES
void input_gradient(int64_t positions, int64_t channels, const float* g, const float* x, const float* y, const float* mc,
                    const float* rc, const float* gain, const float* ac, const float* bc, float* dx) {
  if (y != nullptr) input_gradient_block<true>(positions, channels, g, x, y, mc, rc, gain, ac, bc, dx);
  else input_gradient_block<false>(positions, channels, g, x, y, mc, rc, gain, ac, bc, dx);
}

}  // namespace

void affine_norm_forward(const NormShape& s, float eps, const float* x, const float* gain, const float* bias,
                         const float* residual, bool relu, float* y, float* mean, float* rstd) {
  const int64_t C = s.channels, P = s.positions, G = s.groups, D = C / G, block = P * C;
  if (s.samples == 0 || block == 0) return;
  Scratch& w = scratch(C);
  const double count = static_cast<double>(P * D);
  for (int64_t n = 0; n < s.samples; ++n) {
    const float* xs = x + n * block;
    std::fill(w.a.begin(), w.a.end(), 0.0);
    std::fill(w.b.begin(), w.b.end(), 0.0);
    shifted_channel_sums(P, C, xs, w.a.data(), w.b.data());
    for (int64_t g = 0; g < G; ++g) {
      // Each channel's mean and sum of squared deviations, then the group's (Chan et al.'s
      // pairwise combination: every channel counts P values).
      double mean_sum = 0.0;
      for (int64_t c = g * D; c < (g + 1) * D; ++c) {
        w.md[c] = static_cast<double>(xs[c]) + w.a[c] / static_cast<double>(P);
        mean_sum += w.md[c];
      }
      const double gm = mean_sum / static_cast<double>(D);
      double m2 = 0.0;
      for (int64_t c = g * D; c < (g + 1) * D; ++c) {
        const double dev = w.md[c] - gm;
        m2 += (w.b[c] - w.a[c] * w.a[c] / static_cast<double>(P)) + static_cast<double>(P) * dev * dev;
      }
      const float m = static_cast<float>(gm);
      const float r = static_cast<float>(1.0 / std::sqrt(std::max(0.0, m2) / count + static_cast<double>(eps)));
      mean[n * G + g] = m;
      rstd[n * G + g] = r;
      for (int64_t c = g * D; c < (g + 1) * D; ++c) {
        w.mc[c] = m;
        w.rc[c] = r;
      }
    }
    normalize(P, C, xs, w.mc.data(), w.rc.data(), gain, bias, residual == nullptr ? nullptr : residual + n * block, relu,
              y + n * block);
  }
}

void affine_norm_backward(const NormShape& s, const float* dy, const float* x, const float* mean, const float* rstd,
                          const float* gain, const float* y, float* dx, float* dgain, float* dbias, float* dz) {
  const int64_t C = s.channels, P = s.positions, G = s.groups, D = C / G, block = P * C;
  Scratch& w = scratch(C);
  const double count = static_cast<double>(P * D);
  for (int64_t n = 0; n < s.samples && block > 0; ++n) {
    const int64_t off = n * block;
    for (int64_t g = 0; g < G; ++g) {
      for (int64_t c = g * D; c < (g + 1) * D; ++c) {
        w.mc[c] = mean[n * G + g];
        w.rc[c] = rstd[n * G + g];
      }
    }
    std::fill(w.a.begin(), w.a.end(), 0.0);
    std::fill(w.b.begin(), w.b.end(), 0.0);
    const float* ys = y == nullptr ? nullptr : y + off;
    float* dzs = dz == nullptr ? nullptr : dz + off;
    gradient_channel_sums(P, C, dy + off, x + off, ys, w.mc.data(), w.rc.data(), dzs, w.a.data(), w.b.data());
    for (int64_t g = 0; g < G; ++g) {
      double sg = 0.0, sgx = 0.0;
      for (int64_t c = g * D; c < (g + 1) * D; ++c) {
        w.ta[c] += w.a[c];
        w.tb[c] += w.b[c];
        sg += static_cast<double>(gain[c]) * w.a[c];
        sgx += static_cast<double>(gain[c]) * w.b[c];
      }
      for (int64_t c = g * D; c < (g + 1) * D; ++c) {
        w.ac[c] = static_cast<float>(sg / count);
        w.bc[c] = static_cast<float>(sgx / count);
      }
    }
    // With the mask stored in dz, pass 2 reads it back instead of masking dy again.
    const bool stored = dzs != nullptr;
    input_gradient(P, C, stored ? dzs : dy + off, x + off, stored ? nullptr : ys, w.mc.data(), w.rc.data(), gain,
                   w.ac.data(), w.bc.data(), dx + off);
  }
  for (int64_t c = 0; c < C; ++c) {
    dbias[c] = static_cast<float>(w.ta[c]);
    dgain[c] = static_cast<float>(w.tb[c]);
  }
}

}  // namespace loom
