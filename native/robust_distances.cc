// Pairwise squared distances as a matrix product: ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b, with
// the Gram matrix X X^T from the SGEMM (gemm.h). It does 2 n^2 d flops at the GEMM's rate instead
// of n^2 d / 2 subtractions and squares at a scalar loop's (the trick of scikit-learn's
// euclidean_distances and torch.cdist's "mm" mode).
//
// Precision. The coordinates go in chunks of kChunk: each chunk's Gram is one float32 SGEMM call
// (error at most gamma * sum_k |a_k b_k|, gamma = (kChunk + 2) u, u = 2^-24), and the chunks are
// summed in double, as are the squared norms. So |error of ||a-b||^2| <= gamma (||a||^2 + ||b||^2)
// (Cauchy-Schwarz) plus underflow (at most 2^-149 per term). Where that bound is not below
// kRelative = 2^-11 of the estimate — nearly equal vectors, where the subtraction cancels, or a
// float overflow in the GEMM — the pair is recomputed from its differences in double. Rows with a
// NaN or infinite entry are found by their norm (a finite float32 vector's squared norm is finite
// in double) and are +Infinity from everything, as in src/robust/vectors.ts.
#include "robust_distances.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "gemm.h"
#include "target_clones.h"

namespace loom {
namespace {

constexpr int64_t kChunk = 128;
constexpr double kRelative = 0x1p-11;

// Copies w floats of src to dst and returns their sum of squares in double (8 partial sums).
LOOM_TARGET_CLONES
double copy_and_square_sum(int64_t w, const float* __restrict src, float* __restrict dst) {
  double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= w; j += 8) {
    for (int l = 0; l < 8; ++l) {
      const double x = src[j + l];
      partial[l] += x * x;
      dst[j + l] = src[j + l];
    }
  }
  double tail = 0;
  for (; j < w; ++j) {
    const double x = src[j];
    tail += x * x;
    dst[j] = src[j];
  }
  double sum = tail;
  for (double p : partial) sum += p;
  return sum;
}

}  // namespace

LOOM_TARGET_CLONES
double squared_distance(int64_t d, const float* a, const float* b) {
  double partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= d; j += 8) {
    for (int l = 0; l < 8; ++l) {
      const double diff = static_cast<double>(a[j + l]) - static_cast<double>(b[j + l]);
      partial[l] += diff * diff;
    }
  }
  double sum = 0;
  for (; j < d; ++j) {
    const double diff = static_cast<double>(a[j]) - static_cast<double>(b[j]);
    sum += diff * diff;
  }
  for (double p : partial) sum += p;
  return std::isnan(sum) ? std::numeric_limits<double>::infinity() : sum;
}

void pairwise_squared_distances(int64_t n, int64_t d, const float* const* rows, double* out) {
  const size_t nn = static_cast<size_t>(n * n);
  std::vector<float> panel(static_cast<size_t>(n * kChunk));
  std::vector<float> chunk_gram(nn);
  std::vector<double> gram(nn, 0.0);
  std::vector<double> norms(static_cast<size_t>(n), 0.0);

  for (int64_t j0 = 0; j0 < d; j0 += kChunk) {
    const int64_t w = std::min(kChunk, d - j0);
    for (int64_t i = 0; i < n; ++i) norms[i] += copy_and_square_sum(w, rows[i] + j0, panel.data() + i * w);
    SgemmParams p;  // chunk_gram = P P^T, P the n x w panel
    p.trans_b = true;
    p.m = n;
    p.n = n;
    p.k = w;
    p.a = panel.data();
    p.lda = w;
    p.b = panel.data();
    p.ldb = w;
    p.c = chunk_gram.data();
    p.ldc = n;
    sgemm(p);
    for (int64_t a = 0; a < n; ++a) {
      for (int64_t b = a + 1; b < n; ++b) gram[a * n + b] += static_cast<double>(chunk_gram[a * n + b]);
    }
  }

  const double gamma = static_cast<double>(kChunk + 2) * 0x1p-24 * 1.01 + 8.0 * static_cast<double>(d) * 0x1p-53;
  const double underflow = 2.0 * static_cast<double>(d) * 0x1p-149;
  const double inf = std::numeric_limits<double>::infinity();
  for (int64_t a = 0; a < n; ++a) {
    out[a * n + a] = 0;
    for (int64_t b = a + 1; b < n; ++b) {
      double distance;
      if (!std::isfinite(norms[a]) || !std::isfinite(norms[b])) {
        distance = inf;
      } else {
        distance = norms[a] + norms[b] - 2 * gram[a * n + b];
        const double bound = gamma * (norms[a] + norms[b]) + underflow;
        // Also taken where a float32 product or sum overflowed in the GEMM (distance not finite).
        if (!(std::isfinite(distance) && distance * kRelative > bound)) distance = squared_distance(d, rows[a], rows[b]);
      }
      out[a * n + b] = distance;
      out[b * n + a] = distance;
    }
  }
}

}  // namespace loom
