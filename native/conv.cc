// Convolution as matrix products (im2col), as in
//   K. Chellapilla, S. Puri, P. Simard, "High Performance Convolutional Neural Networks for
//   Document Processing", IWFHR 2006;
//   S. Chetlur et al., "cuDNN: Efficient Primitives for Deep Learning", arXiv:1410.0759, 2014.
//
// The im2col matrix has one row per output position q = (n, oy, ox) and one column per filter tap
// (kh, kw, ci), so that with the filter viewed as a [FH*FW*Ci, Co] matrix:
//   forward          Y[Q, Co]  = cols[Q, P] x W[P, Co]            (+ bias, ReLU in the epilogue)
//   backprop filter  dW[P, Co] = cols[Q, P]^T x dY[Q, Co]         (chunks summed with beta = 1)
//   backprop input   dcols[Q, P] = dY[Q, Co] x W[P, Co]^T, then col2im adds each row back
// NHWC makes Y and dY plain row-major [Q, Co] matrices: no transposes. Rows are processed in chunks
// whose im2col block stays in L2; a 1x1, stride-1, unpadded convolution skips im2col altogether.
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv_taps.h"
#include "gemm.h"

namespace loom {
namespace {

// Floats of one im2col chunk (512 KiB): stays in L2 while the GEMM streams over it.
constexpr int64_t kChunkFloats = 1 << 17;

int64_t chunk_rows(const ConvGeometry& g) {
  const int64_t rows = std::max<int64_t>(1, kChunkFloats / std::max<int64_t>(1, g.patch()));
  return rows >= 64 ? rows / 16 * 16 : rows;  // whole micro-tiles where it is large enough
}

bool is_pointwise(const ConvGeometry& g) {
  return g.fh == 1 && g.fw == 1 && g.sh == 1 && g.sw == 1 && g.top == 0 && g.left == 0 && g.oh == g.h && g.ow == g.w;
}

std::vector<float>& scratch(int64_t floats) {
  thread_local std::vector<float> buffer;
  if (static_cast<int64_t>(buffer.size()) < floats) buffer.resize(static_cast<size_t>(floats));
  return buffer;
}

// Rows [q0, q1) of the im2col matrix of x into cols (row stride P).
void im2col(const ConvGeometry& g, const float* x, int64_t q0, int64_t q1, float* cols) {
  const int64_t P = g.patch(), ci = g.ci, run = g.fw * ci;
  for (int64_t q = q0; q < q1; ++q) {
    float* row = cols + (q - q0) * P;
    for_each_tap_run(g, q, [&](int64_t, int64_t lo, int64_t hi, int64_t at, int64_t input) {
      float* dst = row + at;
      if (lo >= hi) {
        std::memset(dst, 0, static_cast<size_t>(run) * sizeof(float));
        return;
      }
      std::memset(dst, 0, static_cast<size_t>(lo * ci) * sizeof(float));
      if (g.dw == 1) {
        std::memcpy(dst + lo * ci, x + input, static_cast<size_t>((hi - lo) * ci) * sizeof(float));
      } else {
        for (int64_t kw = lo; kw < hi; ++kw) std::memcpy(dst + kw * ci, x + input + (kw - lo) * g.dw * ci, static_cast<size_t>(ci) * sizeof(float));
      }
      std::memset(dst + hi * ci, 0, static_cast<size_t>((g.fw - hi) * ci) * sizeof(float));
    });
  }
}

// The adjoint of im2col: adds rows [q0, q1) of cols into dx at the taps they were read from.
void col2im_add(const ConvGeometry& g, const float* cols, int64_t q0, int64_t q1, float* dx) {
  const int64_t P = g.patch(), ci = g.ci;
  for (int64_t q = q0; q < q1; ++q) {
    const float* row = cols + (q - q0) * P;
    for_each_tap_run(g, q, [&](int64_t, int64_t lo, int64_t hi, int64_t at, int64_t input) {
      const float* src = row + at + lo * ci;
      if (g.dw == 1) {
        float* dst = dx + input;
        const int64_t len = (hi - lo) * ci;
        for (int64_t i = 0; i < len; ++i) dst[i] += src[i];
      } else {
        for (int64_t kw = lo; kw < hi; ++kw) {
          float* dst = dx + input + (kw - lo) * g.dw * ci;
          const float* s = src + (kw - lo) * ci;
          for (int64_t c = 0; c < ci; ++c) dst[c] += s[c];
        }
      }
    });
  }
}

SgemmParams product(int64_t m, int64_t n, int64_t k) {
  SgemmParams p;
  p.m = m;
  p.n = n;
  p.k = k;
  return p;
}

}  // namespace

void conv2d_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t Q = g.positions(), P = g.patch();
  if (Q == 0 || g.co == 0) return;
  if (g.co <= kDirectMaxChannels) return conv2d_direct_forward(g, x, w, bias, relu, y);
  const int64_t rows = chunk_rows(g);
  const bool pointwise = is_pointwise(g);
  float* cols = pointwise ? nullptr : scratch(rows * P).data();
  for (int64_t q0 = 0; q0 < Q; q0 += rows) {
    const int64_t q1 = std::min(Q, q0 + rows);
    SgemmParams p = product(q1 - q0, g.co, P);
    if (pointwise) {
      p.a = x + q0 * g.ci;
    } else {
      im2col(g, x, q0, q1, cols);
      p.a = cols;
    }
    p.lda = std::max<int64_t>(1, P);
    p.b = w;
    p.ldb = g.co;
    p.c = y + q0 * g.co;
    p.ldc = g.co;
    p.bias = bias;
    p.relu = relu;
    sgemm(p);
  }
}

void conv2d_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int64_t Q = g.positions(), P = g.patch();
  if (P == 0 || g.co == 0) return;
  if (Q == 0) {
    std::fill(dw, dw + P * g.co, 0.0f);
    return;
  }
  if (g.co <= kDirectMaxChannels) return conv2d_direct_backprop_filter(g, x, dy, dw);
  const int64_t rows = chunk_rows(g);
  const bool pointwise = is_pointwise(g);
  float* cols = pointwise ? nullptr : scratch(rows * P).data();
  for (int64_t q0 = 0; q0 < Q; q0 += rows) {
    const int64_t q1 = std::min(Q, q0 + rows);
    SgemmParams p = product(P, g.co, q1 - q0);
    p.trans_a = true;  // cols chunk is stored [rows, P] = K x M
    if (pointwise) {
      p.a = x + q0 * g.ci;
    } else {
      im2col(g, x, q0, q1, cols);
      p.a = cols;
    }
    p.lda = P;
    p.b = dy + q0 * g.co;
    p.ldb = g.co;
    p.c = dw;
    p.ldc = g.co;
    p.beta = q0 == 0 ? 0.0f : 1.0f;
    sgemm(p);
  }
}

void conv2d_backprop_input(const ConvGeometry& g, const float* dy, const float* w, float* dx) {
  const int64_t Q = g.positions(), P = g.patch();
  const int64_t input_floats = g.n * g.h * g.w * g.ci;
  if (input_floats == 0) return;
  const bool pointwise = is_pointwise(g);
  if (Q > 0 && g.co > 0 && !pointwise && conv2d_direct_backprop_input(g, dy, w, dx)) return;
  if (!pointwise || g.co == 0) std::fill(dx, dx + input_floats, 0.0f);
  if (Q == 0 || g.co == 0) return;
  const int64_t rows = chunk_rows(g);
  float* cols = pointwise ? nullptr : scratch(rows * P).data();
  for (int64_t q0 = 0; q0 < Q; q0 += rows) {
    const int64_t q1 = std::min(Q, q0 + rows);
    SgemmParams p = product(q1 - q0, P, g.co);
    p.trans_b = true;  // W is stored [P, Co] = N x K
    p.a = dy + q0 * g.co;
    p.lda = g.co;
    p.b = w;
    p.ldb = g.co;
    p.c = pointwise ? dx + q0 * g.ci : cols;
    p.ldc = P;
    sgemm(p);
    if (!pointwise) col2im_add(g, cols, q0, q1, dx);
  }
}

}  // namespace loom
