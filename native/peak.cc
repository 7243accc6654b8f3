// Peak-FLOPs probe: 12 independent multiply-add chains per step. An FMA has a latency of ~4 cycles
// and two issue ports on current x86 cores, so at least 8 chains in flight keep both busy; 12 leave
// margin (longer latencies, one extra port) and still fit the registers with the two constants
// (16 ymm on AVX2, 32 zmm on AVX-512). The vector width follows the GEMM kernels' ISA selection.
#include "peak.h"

#include <cstring>

#include "gemm.h"

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(LOOM_PORTABLE_ONLY)
#define LOOM_PEAK_X86 1
#include <immintrin.h>
#endif

namespace loom {
namespace {

constexpr int kChains = 12;

// The chains' sum lands here, and their constants come from here, so that the compiler can neither
// drop the loop nor fold it. With m just below 1 every chain converges to a / (1 - m): no overflow,
// no subnormals (which would slow some cores down).
volatile float g_sink = 0.0f;
volatile float g_m = 0.999999f;
volatile float g_a = 1e-3f;

#if defined(LOOM_PEAK_X86)
__attribute__((target("avx512f"))) float chains_avx512(int64_t iterations, float m, float a) {
  const __m512 vm = _mm512_set1_ps(m), va = _mm512_set1_ps(a);
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], vm, va);
  }
  for (int i = 1; i < kChains; ++i) acc[0] = _mm512_add_ps(acc[0], acc[i]);
  float lanes[16];  // not _mm512_reduce_add_ps: GCC 12 warns about its undefined upper half
  _mm512_storeu_ps(lanes, acc[0]);
  float sum = 0.0f;
  for (float v : lanes) sum += v;
  return sum;
}

__attribute__((target("avx2,fma"))) float chains_avx2(int64_t iterations, float m, float a) {
  const __m256 vm = _mm256_set1_ps(m), va = _mm256_set1_ps(a);
  __m256 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm256_fmadd_ps(acc[i], vm, va);
  }
  for (int i = 1; i < kChains; ++i) acc[0] = _mm256_add_ps(acc[0], acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, acc[0]);
  float sum = 0.0f;
  for (float v : lanes) sum += v;
  return sum;
}
#endif

// The portable kernel's own operations: four-float vectors, a multiply then an add (the build's
// -ffp-contract=off keeps them separate, as in the portable GEMM kernel).
typedef float v4f __attribute__((vector_size(16)));

float chains_portable(int64_t iterations, float m, float a) {
  const v4f vm = {m, m, m, m}, va = {a, a, a, a};
  v4f acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = v4f{0, 0, 0, 0} + static_cast<float>(i);
  for (int64_t it = 0; it < iterations; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = acc[i] * vm + va;
  }
  float sum = 0.0f;
  for (int i = 0; i < kChains; ++i) sum += acc[i][0] + acc[i][1] + acc[i][2] + acc[i][3];
  return sum;
}

bool supported(const char* kernel) {
  const char* names[8];
  const int n = available_kernels(names, 8);
  for (int i = 0; i < n; ++i)
    if (std::strcmp(names[i], kernel) == 0) return true;
  return false;
}

}  // namespace

double peak_fma(int64_t iterations, const char* kernel) {
  if (!supported(kernel)) return -1.0;
  const float m = g_m, a = g_a;
  int lanes = 4;
  float sum = 0.0f;
#if defined(LOOM_PEAK_X86)
  if (std::strcmp(kernel, "avx512f") == 0) {
    lanes = 16;
    sum = chains_avx512(iterations, m, a);
  } else if (std::strcmp(kernel, "avx2-fma") == 0) {
    lanes = 8;
    sum = chains_avx2(iterations, m, a);
  } else
#endif
  {
    sum = chains_portable(iterations, m, a);
  }
  g_sink = sum;
  return static_cast<double>(iterations) * kChains * lanes * 2.0;
}

}  // namespace loom
