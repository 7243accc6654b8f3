// Direct convolution for layers with few output channels (LeNet's 6 and 16), where im2col + GEMM
// wastes most of a 32-wide micro-tile and the im2col copy costs more than the arithmetic: each
// output position's taps are read in place and multiplied into 16 output channels at a time
// (one AVX-512 register, two AVX2 ones), with the filter repacked into zero-padded 16-channel
// blocks. The vectorization over output channels follows
//   E. Georganas et al., "Anatomy of High-Performance Deep Learning Convolutions on SIMD
//   Architectures", SC 2018.
// The loops are plain C++ compiled once per instruction set (target_clones, picked at load time).
//
// Unlike the rest of the addon (-ffp-contract=off, for kernels that must match JavaScript bit for
// bit), multiply-adds here may be fused: on AVX-512 every `acc += x * w` becomes one FMA instead
// of a multiply and an add (half the arithmetic instructions, one rounding instead of two). The
// pragma comes first so that everything in this file is compiled with the same options.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=fast")
#elif defined(__clang__)
#pragma clang fp contract(fast)
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv_taps.h"

#include "target_clones.h"

namespace loom {
namespace {

constexpr int64_t kLanes = 16;
// Positions whose filter-gradient terms are summed in float before going into the double total.
constexpr int64_t kFlushEvery = 256;

// w[p, co] -> blocks[b][p][lane] with co = 16b + lane, zeros past co.
void pack_filter(const float* w, int64_t patch, int64_t co, std::vector<float>& blocks) {
  const int64_t nb = (co + kLanes - 1) / kLanes;
  blocks.assign(static_cast<size_t>(nb * patch * kLanes), 0.0f);
  for (int64_t p = 0; p < patch; ++p)
    for (int64_t c = 0; c < co; ++c) blocks[static_cast<size_t>(((c / kLanes) * patch + p) * kLanes + c % kLanes)] = w[p * co + c];
}

}  // namespace

// 16 floats: one zmm register on AVX-512, two ymm on AVX2, four xmm otherwise (GCC/Clang vector
// extensions, compiled once per target clone). aligned(4): loads and stores may be unaligned.
typedef float v16 __attribute__((vector_size(64), aligned(4)));

inline v16 load16(const float* p) { return *reinterpret_cast<const v16*>(p); }
inline void store16(float* p, v16 v) { *reinterpret_cast<v16*>(p) = v; }

// Output columns [first, last) of a row whose taps all lie inside the input horizontally.
struct Interior {
  int64_t first, last;
};

Interior interior_columns(const ConvGeometry& g) {
  // ox*sw - left >= 0 and ox*sw - left + (fw-1)*dw <= w-1
  const int64_t first = (g.left + g.sw - 1) / g.sw;
  const int64_t span = g.w - 1 - (g.fw - 1) * g.dw + g.left;
  const int64_t last = span < 0 ? 0 : std::min(g.ow, span / g.sw + 1);
  return Interior{std::min(first, g.ow), std::max(std::min(first, g.ow), last)};
}

// The filter rows kh of output row (n, oy) that read inside the input vertically: where in the
// im2col row they start and where their input row starts.
int64_t valid_rows(const ConvGeometry& g, int64_t n, int64_t oy, TapRun* rows) {
  int64_t count = 0;
  for (int64_t kh = 0; kh < g.fh; ++kh) {
    const int64_t iy = oy * g.sh + kh * g.dh - g.top;
    if (iy >= 0 && iy < g.h) rows[count++] = TapRun{0, g.fw, kh * g.fw * g.ci, (n * g.h + iy) * g.w * g.ci};
  }
  return count;
}

// Positions computed together in a row's interior: they share every weight load and give four
// independent chains of adds.
constexpr int64_t kGroup = 4;

LOOM_TARGET_CLONES
void conv2d_direct_forward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu, float* y) {
  const int64_t P = g.patch(), co = g.co, ci = g.ci;
  const int64_t nb = (co + kLanes - 1) / kLanes;
  thread_local std::vector<float> blocks;
  thread_local std::vector<TapRun> runs;
  pack_filter(w, P, co, blocks);
  runs.resize(static_cast<size_t>(2 * std::max<int64_t>(1, g.fh)));
  // Plain pointers from here: every touch of a thread_local in a shared object is a TLS lookup.
  TapRun* const rs = runs.data();                    // one position's runs (single)
  TapRun* const krs = rs + std::max<int64_t>(1, g.fh);  // a row's filter rows inside the input
  const float* const packed = blocks.data();
  const Interior inside = interior_columns(g);
  for (int64_t b = 0; b < nb; ++b) {
    const float* wb = packed + b * P * kLanes;
    const int64_t c0 = b * kLanes, lanes = std::min(kLanes, co - c0);
    float init[kLanes] = {};
    if (bias != nullptr) std::memcpy(init, bias + c0, static_cast<size_t>(lanes) * sizeof(float));
    const v16 start = load16(init);
    auto finish = [&](v16 acc, int64_t q) {
      float out[kLanes];
      store16(out, acc);
      if (relu)
        for (int64_t l = 0; l < lanes; ++l) out[l] = out[l] > 0.0f ? out[l] : (out[l] == out[l] ? 0.0f : out[l]);
      float* dst = y + q * co + c0;
      for (int64_t l = 0; l < lanes; ++l) dst[l] = out[l];
    };
    // One position, any geometry.
    auto single = [&](int64_t n, int64_t oy, int64_t ox, int64_t q) {
      // Four partial sums: one would make every tap wait for the previous add (4-cycle latency).
      v16 a0 = start, a1 = {}, a2 = {}, a3 = {};
      const int64_t count = tap_runs(g, n, oy, ox, rs);
      for (int64_t r = 0; r < count; ++r) {
        const TapRun run = rs[r];
        const float* ws = wb + (run.at + run.lo * ci) * kLanes;
        if (g.dw == 1) {
          // The run's taps read (hi - lo) * ci consecutive input floats.
          const float* xs = x + run.input;
          const int64_t len = (run.hi - run.lo) * ci;
          int64_t j = 0;
          for (; j + 4 <= len; j += 4) {
            a0 += xs[j] * load16(ws + j * kLanes);
            a1 += xs[j + 1] * load16(ws + (j + 1) * kLanes);
            a2 += xs[j + 2] * load16(ws + (j + 2) * kLanes);
            a3 += xs[j + 3] * load16(ws + (j + 3) * kLanes);
          }
          for (; j < len; ++j) a0 += xs[j] * load16(ws + j * kLanes);
        } else {
          for (int64_t kw = run.lo; kw < run.hi; ++kw) {
            const float* xs = x + run.input + (kw - run.lo) * g.dw * ci;
            const float* wk = ws + (kw - run.lo) * ci * kLanes;
            for (int64_t c = 0; c < ci; ++c) a0 += xs[c] * load16(wk + c * kLanes);
          }
        }
      }
      finish((a0 + a1) + (a2 + a3), q);
    };
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        const int64_t row_q = (n * g.oh + oy) * g.ow;
        int64_t ox = 0;
        if (g.dw == 1) {
          const int64_t krows = valid_rows(g, n, oy, krs);
          const int64_t step = g.sw * ci, len = g.fw * ci;
          for (; ox < inside.first; ++ox) single(n, oy, ox, row_q + ox);
          for (; ox + kGroup <= inside.last; ox += kGroup) {
            v16 a0 = start, a1 = start, a2 = start, a3 = start;
            for (int64_t r = 0; r < krows; ++r) {
              const float* xs = x + krs[r].input + (ox * g.sw - g.left) * ci;
              const float* ws = wb + krs[r].at * kLanes;
              for (int64_t j = 0; j < len; ++j) {
                const v16 wv = load16(ws + j * kLanes);
                a0 += xs[j] * wv;
                a1 += xs[j + step] * wv;
                a2 += xs[j + 2 * step] * wv;
                a3 += xs[j + 3 * step] * wv;
              }
            }
            finish(a0, row_q + ox);
            finish(a1, row_q + ox + 1);
            finish(a2, row_q + ox + 2);
            finish(a3, row_q + ox + 3);
          }
        }
        for (; ox < g.ow; ++ox) single(n, oy, ox, row_q + ox);
      }
  }
}

LOOM_TARGET_CLONES
void conv2d_direct_backprop_filter(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const int64_t P = g.patch(), co = g.co, ci = g.ci;
  const int64_t nb = (co + kLanes - 1) / kLanes;
  thread_local std::vector<float> partial;   // [P][16], summed over up to kFlushEvery positions
  thread_local std::vector<double> total;    // [P][16]
  thread_local std::vector<TapRun> runs;
  partial.resize(static_cast<size_t>(P * kLanes));
  total.resize(static_cast<size_t>(P * kLanes));
  runs.resize(static_cast<size_t>(2 * std::max<int64_t>(1, g.fh)));
  // Plain pointers from here: every touch of a thread_local in a shared object is a TLS lookup.
  TapRun* const rs = runs.data();                       // one position's runs (single)
  TapRun* const krs = rs + std::max<int64_t>(1, g.fh);  // a row's filter rows inside the input
  float* const acc = partial.data();
  double* const sum = total.data();
  const int64_t floats = P * kLanes;
  const Interior inside = interior_columns(g);
  for (int64_t b = 0; b < nb; ++b) {
    const int64_t c0 = b * kLanes, lanes = std::min(kLanes, co - c0);
    std::fill(acc, acc + floats, 0.0f);
    std::fill(sum, sum + floats, 0.0);
    int64_t pending = 0;  // positions in acc since the last flush
    auto flush = [&] {
      for (int64_t i = 0; i < floats; ++i) sum[i] += acc[i];
      std::fill(acc, acc + floats, 0.0f);
      pending = 0;
    };
    auto dy_block = [&](int64_t q) {
      float d[kLanes] = {};
      for (int64_t l = 0; l < lanes; ++l) d[l] = dy[q * co + c0 + l];
      return load16(d);
    };
    // One position, any geometry.
    auto single = [&](int64_t n, int64_t oy, int64_t ox, int64_t q) {
      const v16 dv = dy_block(q);
      const int64_t count = tap_runs(g, n, oy, ox, rs);
      for (int64_t r = 0; r < count; ++r) {
        const TapRun run = rs[r];
        for (int64_t kw = run.lo; kw < run.hi; ++kw) {
          const float* xs = x + run.input + (kw - run.lo) * g.dw * ci;
          float* as = acc + (run.at + kw * ci) * kLanes;
          for (int64_t c = 0; c < ci; ++c) store16(as + c * kLanes, load16(as + c * kLanes) + xs[c] * dv);
        }
      }
      if (++pending >= kFlushEvery) flush();
    };
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        const int64_t row_q = (n * g.oh + oy) * g.ow;
        int64_t ox = 0;
        if (g.dw == 1) {
          const int64_t krows = valid_rows(g, n, oy, krs);
          const int64_t step = g.sw * ci, len = g.fw * ci;
          for (; ox < inside.first; ++ox) single(n, oy, ox, row_q + ox);
          for (; ox + kGroup <= inside.last; ox += kGroup) {
            const v16 d0 = dy_block(row_q + ox), d1 = dy_block(row_q + ox + 1);
            const v16 d2 = dy_block(row_q + ox + 2), d3 = dy_block(row_q + ox + 3);
            for (int64_t r = 0; r < krows; ++r) {
              const float* xs = x + krs[r].input + (ox * g.sw - g.left) * ci;
              float* as = acc + krs[r].at * kLanes;
              for (int64_t j = 0; j < len; ++j) {
                const v16 t = (xs[j] * d0 + xs[j + step] * d1) + (xs[j + 2 * step] * d2 + xs[j + 3 * step] * d3);
                store16(as + j * kLanes, load16(as + j * kLanes) + t);
              }
            }
            pending += kGroup;
            if (pending >= kFlushEvery) flush();
          }
        }
        for (; ox < g.ow; ++ox) single(n, oy, ox, row_q + ox);
      }
    flush();
    for (int64_t p = 0; p < P; ++p)
      for (int64_t l = 0; l < lanes; ++l) dw[p * co + c0 + l] = static_cast<float>(sum[p * kLanes + l]);
  }
}

}  // namespace loom
