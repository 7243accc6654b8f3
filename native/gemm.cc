// Packed, cache-blocked single-precision GEMM with run-time selected micro-kernels.
//
// The structure follows
//   K. Goto and R. A. van de Geijn, "Anatomy of High-Performance Matrix Multiplication",
//   ACM Transactions on Mathematical Software 34(3), 2008;
//   F. G. Van Zee and R. A. van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS
//   Functionality", ACM Transactions on Mathematical Software 41(3), 2015.
//
// Five loops around a micro-kernel: jc over NC columns of C (a KC x NC panel of op(B) is packed to
// stay in L3), pc over KC of the inner dimension, ic over MC rows (an MC x KC block of op(A) is
// packed to stay in L2), jr over NR-wide micro-panels of B (one stays in L1), ir over MR-high
// micro-panels of A. The micro-kernel keeps an MR x NR tile of C in vector registers and performs
// KC rank-1 updates from the packed panels, which it reads with unit stride.
//
// Micro-kernels: AVX-512F (12x32, 24 zmm accumulators), AVX2+FMA (6x16, 12 ymm accumulators) and a
// portable one (6x8) in compiler vector extensions for the baseline ISA. The x86 kernels carry
// __attribute__((target(...))), so the file is compiled for baseline x86-64 and the binary runs on
// any x86-64 CPU; __builtin_cpu_supports picks the kernel once.
#include "gemm.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#include "kernel_choice.h"

// LOOM_PORTABLE_ONLY builds only the portable kernel (as on a non-x86 target), for testing it.
#if (defined(__x86_64__) || defined(_M_X64)) && !defined(LOOM_PORTABLE_ONLY)
#define LOOM_X86 1
#include <immintrin.h>
#endif

#ifndef LOOM_GEMM_KC
#define LOOM_GEMM_KC 384
#endif
#ifndef LOOM_GEMM_MC
#define LOOM_GEMM_MC 192
#endif
#ifndef LOOM_GEMM_NC
#define LOOM_GEMM_NC 3072
#endif

namespace loom {
namespace {

constexpr int64_t KC = LOOM_GEMM_KC;
constexpr int64_t MC_TARGET = LOOM_GEMM_MC;
constexpr int64_t NC_TARGET = LOOM_GEMM_NC;

// What the micro-kernel does with its tile after the rank-KC update.
struct Epilogue {
  float alpha;
  float beta;          // 0: C is not read
  const float* bias;   // NR values for this tile's columns, or null
  bool relu;
};

// C[0:MR, 0:NR] (row stride ldc) = epilogue(Ap Bp), Ap: kc x MR packed, Bp: kc x NR packed.
using MicroKernel = void (*)(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc,
                             const Epilogue& e);

inline float finish(float acc, float cold, int64_t j, const Epilogue& e) {
  float v = e.alpha * acc;
  if (e.beta != 0.0f) v += e.beta * cold;
  if (e.bias != nullptr) v += e.bias[j];
  if (e.relu) v = v > 0.0f ? v : 0.0f;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Portable micro-kernel (6x8) in GCC/Clang vector extensions: four-float vectors that the compiler
// maps onto whatever the target has (SSE2 on x86-64, NEON on AArch64, scalars elsewhere); 12
// accumulators + 2 for B + 1 broadcast fit the 16 registers of SSE2 and NEON.
constexpr int PORTABLE_MR = 6;
constexpr int PORTABLE_NR = 8;
typedef float v4f __attribute__((vector_size(16)));

inline v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, v4f v) { std::memcpy(p, &v, sizeof v); }

void kernel_portable(int64_t kc, const float* __restrict ap, const float* __restrict bp, float* c,
                     int64_t ldc, const Epilogue& e) {
  v4f acc[PORTABLE_MR][2];
  for (int i = 0; i < PORTABLE_MR; ++i) acc[i][0] = acc[i][1] = v4f{0, 0, 0, 0};
  for (int64_t p = 0; p < kc; ++p) {
    const v4f b0 = load4(bp + p * PORTABLE_NR);
    const v4f b1 = load4(bp + p * PORTABLE_NR + 4);
#pragma GCC unroll 6
    for (int i = 0; i < PORTABLE_MR; ++i) {
      const float ai = ap[p * PORTABLE_MR + i];
      const v4f a = {ai, ai, ai, ai};
      acc[i][0] += a * b0;
      acc[i][1] += a * b1;
    }
  }
  for (int i = 0; i < PORTABLE_MR; ++i) {
    float tile[PORTABLE_NR];
    store4(tile, acc[i][0]);
    store4(tile + 4, acc[i][1]);
    float* ci = c + i * ldc;
    for (int j = 0; j < PORTABLE_NR; ++j) ci[j] = finish(tile[j], e.beta != 0.0f ? ci[j] : 0.0f, j, e);
  }
}

#if defined(LOOM_X86)
// ---------------------------------------------------------------------------------------------
// AVX2+FMA micro-kernel (6x16): 12 ymm accumulators, 2 ymm for a row of B, 1 for a broadcast of A.
constexpr int AVX2_MR = 6;
constexpr int AVX2_NR = 16;

__attribute__((target("avx2,fma"))) void kernel_avx2(int64_t kc, const float* __restrict ap,
                                                     const float* __restrict bp, float* c,
                                                     int64_t ldc, const Epilogue& e) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  for (int i = 0; i < AVX2_MR; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
#define LOOM_AVX2_STEP(P)                                                   \
  {                                                                         \
    const __m256 b0 = _mm256_load_ps(bp + (P) * 16);                        \
    const __m256 b1 = _mm256_load_ps(bp + (P) * 16 + 8);                    \
    __m256 a = _mm256_broadcast_ss(ap + (P) * 6 + 0);                       \
    c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);   \
    a = _mm256_broadcast_ss(ap + (P) * 6 + 1);                              \
    c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);   \
    a = _mm256_broadcast_ss(ap + (P) * 6 + 2);                              \
    c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);   \
    a = _mm256_broadcast_ss(ap + (P) * 6 + 3);                              \
    c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);   \
    a = _mm256_broadcast_ss(ap + (P) * 6 + 4);                              \
    c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);   \
    a = _mm256_broadcast_ss(ap + (P) * 6 + 5);                              \
    c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);   \
  }
  int64_t p = 0;
  for (; p + 4 <= kc; p += 4) {
    _mm_prefetch(reinterpret_cast<const char*>(ap + 96), _MM_HINT_T0);
    LOOM_AVX2_STEP(0) LOOM_AVX2_STEP(1) LOOM_AVX2_STEP(2) LOOM_AVX2_STEP(3)
    ap += 4 * 6;
    bp += 4 * 16;
  }
  for (; p < kc; ++p) {
    LOOM_AVX2_STEP(0)
    ap += 6;
    bp += 16;
  }
#undef LOOM_AVX2_STEP
  const __m256 alpha = _mm256_set1_ps(e.alpha);
  const __m256 beta = _mm256_set1_ps(e.beta);
  const __m256 zero = _mm256_setzero_ps();
  const bool read_c = e.beta != 0.0f;
  __m256 bias0 = zero, bias1 = zero;
  if (e.bias != nullptr) {
    bias0 = _mm256_loadu_ps(e.bias);
    bias1 = _mm256_loadu_ps(e.bias + 8);
  }
  // A macro, not a lambda: a lambda would not inherit the target attribute.
#define LOOM_AVX2_STORE(ROW, A0, A1)                                         \
  {                                                                          \
    float* row = (ROW);                                                      \
    __m256 v0 = _mm256_mul_ps(alpha, (A0));                                  \
    __m256 v1 = _mm256_mul_ps(alpha, (A1));                                  \
    if (read_c) {                                                            \
      v0 = _mm256_fmadd_ps(beta, _mm256_loadu_ps(row), v0);                  \
      v1 = _mm256_fmadd_ps(beta, _mm256_loadu_ps(row + 8), v1);              \
    }                                                                        \
    v0 = _mm256_add_ps(v0, bias0);                                           \
    v1 = _mm256_add_ps(v1, bias1);                                           \
    if (e.relu) {                                                            \
      v0 = _mm256_max_ps(v0, zero);                                          \
      v1 = _mm256_max_ps(v1, zero);                                          \
    }                                                                        \
    _mm256_storeu_ps(row, v0);                                               \
    _mm256_storeu_ps(row + 8, v1);                                           \
  }
  LOOM_AVX2_STORE(c + 0 * ldc, c00, c01)
  LOOM_AVX2_STORE(c + 1 * ldc, c10, c11)
  LOOM_AVX2_STORE(c + 2 * ldc, c20, c21)
  LOOM_AVX2_STORE(c + 3 * ldc, c30, c31)
  LOOM_AVX2_STORE(c + 4 * ldc, c40, c41)
  LOOM_AVX2_STORE(c + 5 * ldc, c50, c51)
#undef LOOM_AVX2_STORE
}

// ---------------------------------------------------------------------------------------------
// AVX-512F micro-kernel (12x32): 24 zmm accumulators, 2 zmm for a row of B, broadcasts of A.
constexpr int AVX512_MR = 12;
constexpr int AVX512_NR = 32;

__attribute__((target("avx512f"))) void kernel_avx512(int64_t kc, const float* __restrict ap,
                                                      const float* __restrict bp, float* c,
                                                      int64_t ldc, const Epilogue& e) {
  __m512 acc[AVX512_MR][2];
#pragma GCC unroll 12
  for (int i = 0; i < AVX512_MR; ++i) {
    acc[i][0] = _mm512_setzero_ps();
    acc[i][1] = _mm512_setzero_ps();
  }
#pragma GCC unroll 12
  for (int i = 0; i < AVX512_MR; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_load_ps(bp);
    const __m512 b1 = _mm512_load_ps(bp + 16);
    _mm_prefetch(reinterpret_cast<const char*>(ap + 8 * AVX512_MR), _MM_HINT_T0);
#pragma GCC unroll 12
    for (int i = 0; i < AVX512_MR; ++i) {
      const __m512 a = _mm512_set1_ps(ap[i]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
    ap += AVX512_MR;
    bp += AVX512_NR;
  }
  const __m512 alpha = _mm512_set1_ps(e.alpha);
  const __m512 beta = _mm512_set1_ps(e.beta);
  const __m512 zero = _mm512_setzero_ps();
  const bool read_c = e.beta != 0.0f;
  __m512 bias0 = zero, bias1 = zero;
  if (e.bias != nullptr) {
    bias0 = _mm512_loadu_ps(e.bias);
    bias1 = _mm512_loadu_ps(e.bias + 16);
  }
#pragma GCC unroll 12
  for (int i = 0; i < AVX512_MR; ++i) {
    float* row = c + i * ldc;
    __m512 v0 = _mm512_mul_ps(alpha, acc[i][0]);
    __m512 v1 = _mm512_mul_ps(alpha, acc[i][1]);
    if (read_c) {
      v0 = _mm512_fmadd_ps(beta, _mm512_loadu_ps(row), v0);
      v1 = _mm512_fmadd_ps(beta, _mm512_loadu_ps(row + 16), v1);
    }
    v0 = _mm512_add_ps(v0, bias0);
    v1 = _mm512_add_ps(v1, bias1);
    if (e.relu) {  // max(v, 0), NaN to 0 as max_ps does; written so GCC 12 needs no undefined register
      v0 = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v0, zero, _CMP_GT_OQ), v0);
      v1 = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v1, zero, _CMP_GT_OQ), v1);
    }
    _mm512_storeu_ps(row, v0);
    _mm512_storeu_ps(row + 16, v1);
  }
}
#endif  // LOOM_X86

// ---------------------------------------------------------------------------------------------
// Packing buffers: 64-byte aligned, per thread, grown on demand and kept.
struct Buffer {
  float* data = nullptr;
  size_t capacity = 0;  // floats
  ~Buffer() { std::free(data); }
  float* get(size_t floats) {
    if (floats > capacity) {
      std::free(data);
      const size_t bytes = ((floats * sizeof(float) + 63) / 64) * 64;
      data = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (data == nullptr) {
        capacity = 0;
        throw std::bad_alloc();
      }
      capacity = bytes / sizeof(float);
    }
    return data;
  }
};

thread_local Buffer tls_a;
thread_local Buffer tls_b;

// Packs rows [0, mc) x cols [0, kc) of op(A) (a points at op(A)[0][0]) into MR-high micro-panels:
// panel r holds kc columns of MR values each; rows past mc are zero.
template <int MR>
void pack_a(bool trans, const float* a, int64_t lda, int64_t mc, int64_t kc, float* dst) {
  for (int64_t r0 = 0; r0 < mc; r0 += MR) {
    const int64_t rows = std::min<int64_t>(MR, mc - r0);
    float* panel = dst + r0 * kc;
    if (!trans) {
      // op(A)[i][p] = a[i * lda + p]: MR rows read in parallel, each with unit stride.
      const float* src[MR];
      for (int i = 0; i < MR; ++i) src[i] = a + (r0 + std::min<int64_t>(i, rows - 1)) * lda;
      if (rows == MR) {
        for (int64_t p = 0; p < kc; ++p)
          for (int i = 0; i < MR; ++i) panel[p * MR + i] = src[i][p];
      } else {
        for (int64_t p = 0; p < kc; ++p)
          for (int i = 0; i < MR; ++i) panel[p * MR + i] = i < rows ? src[i][p] : 0.0f;
      }
    } else {
      // op(A)[i][p] = a[p * lda + i]: MR consecutive values per column.
      for (int64_t p = 0; p < kc; ++p) {
        const float* s = a + p * lda + r0;
        float* d = panel + p * MR;
        if (rows == MR) {
          for (int i = 0; i < MR; ++i) d[i] = s[i];
        } else {
          for (int i = 0; i < MR; ++i) d[i] = i < rows ? s[i] : 0.0f;
        }
      }
    }
  }
}

// Packs rows [0, kc) x cols [0, nc) of op(B) (b points at op(B)[0][0]) into NR-wide micro-panels:
// panel j holds kc rows of NR values each; columns past nc are zero.
template <int NR>
void pack_b(bool trans, const float* b, int64_t ldb, int64_t kc, int64_t nc, float* dst) {
  for (int64_t j0 = 0; j0 < nc; j0 += NR) {
    const int64_t cols = std::min<int64_t>(NR, nc - j0);
    float* panel = dst + j0 * kc;
    if (!trans) {
      // op(B)[p][j] = b[p * ldb + j]: a row of NR consecutive values per p.
      for (int64_t p = 0; p < kc; ++p) {
        const float* s = b + p * ldb + j0;
        float* d = panel + p * NR;
        if (cols == NR) {
          for (int j = 0; j < NR; ++j) d[j] = s[j];
        } else {
          for (int j = 0; j < NR; ++j) d[j] = j < cols ? s[j] : 0.0f;
        }
      }
    } else {
      // op(B)[p][j] = b[j * ldb + p]: column j of the panel is row j0 + j of B. Transposed in
      // strips of 16 values of p, so that the 16 panel rows being written stay in L1 while the NR
      // source rows are each read with unit stride.
      constexpr int64_t STRIP = 16;
      for (int64_t p0 = 0; p0 < kc; p0 += STRIP) {
        const int64_t pn = std::min(STRIP, kc - p0);
        float* d = panel + p0 * NR;
        for (int j = 0; j < NR; ++j) {
          if (j < cols) {
            const float* s = b + (j0 + j) * ldb + p0;
            for (int64_t p = 0; p < pn; ++p) d[p * NR + j] = s[p];
          } else {
            for (int64_t p = 0; p < pn; ++p) d[p * NR + j] = 0.0f;
          }
        }
      }
    }
  }
}

// C = beta * C (+ bias, relu): what is left when K == 0.
void scale_only(const SgemmParams& p) {
  const Epilogue e{0.0f, p.beta, p.bias, p.relu};
  for (int64_t i = 0; i < p.m; ++i) {
    float* row = p.c + i * p.ldc;
    for (int64_t j = 0; j < p.n; ++j) row[j] = finish(0.0f, p.beta != 0.0f ? row[j] : 0.0f, j, e);
  }
}

template <int MR, int NR>
void gemm_blocked(const SgemmParams& p, MicroKernel kernel) {
  // MC a multiple of MR, NC a multiple of NR; a smaller problem packs only what it has.
  constexpr int64_t MC = std::max<int64_t>(MR, (MC_TARGET / MR) * MR);
  constexpr int64_t NC = std::max<int64_t>(NR, (NC_TARGET / NR) * NR);
  const int64_t kc_max = std::min<int64_t>(KC, p.k);
  const int64_t mc_max = std::min<int64_t>(MC, (p.m + MR - 1) / MR * MR);
  const int64_t nc_max = std::min<int64_t>(NC, (p.n + NR - 1) / NR * NR);
  float* ap = tls_a.get(static_cast<size_t>(mc_max * kc_max));
  float* bp = tls_b.get(static_cast<size_t>(nc_max * kc_max));
  alignas(64) float tile[MR * NR];

  for (int64_t jc = 0; jc < p.n; jc += NC) {
    const int64_t nc = std::min(NC, p.n - jc);
    for (int64_t pc = 0; pc < p.k; pc += KC) {
      const int64_t kc = std::min(KC, p.k - pc);
      const bool first = pc == 0;
      const bool last = pc + kc == p.k;
      // op(B)[pc][jc]
      const float* bsrc = p.trans_b ? p.b + jc * p.ldb + pc : p.b + pc * p.ldb + jc;
      pack_b<NR>(p.trans_b, bsrc, p.ldb, kc, nc, bp);
      for (int64_t ic = 0; ic < p.m; ic += MC) {
        const int64_t mc = std::min(MC, p.m - ic);
        // op(A)[ic][pc]
        const float* asrc = p.trans_a ? p.a + pc * p.lda + ic : p.a + ic * p.lda + pc;
        pack_a<MR>(p.trans_a, asrc, p.lda, mc, kc, ap);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          const int64_t nr = std::min<int64_t>(NR, nc - jr);
          const float* bpanel = bp + jr * kc;
          const float* bias = last && p.bias != nullptr ? p.bias + jc + jr : nullptr;
          const Epilogue e{p.alpha, first ? p.beta : 1.0f, bias, last && p.relu};
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = std::min<int64_t>(MR, mc - ir);
            const float* apanel = ap + ir * kc;
            float* c = p.c + (ic + ir) * p.ldc + jc + jr;
            if (mr == MR && nr == NR) {
              kernel(kc, apanel, bpanel, c, p.ldc, e);
            } else {
              // Edge tile: full product into a scratch tile, then the epilogue on the valid part.
              const Epilogue plain{1.0f, 0.0f, nullptr, false};
              kernel(kc, apanel, bpanel, tile, NR, plain);
              for (int64_t i = 0; i < mr; ++i) {
                float* row = c + i * p.ldc;
                for (int64_t j = 0; j < nr; ++j)
                  row[j] = finish(tile[i * NR + j], e.beta != 0.0f ? row[j] : 0.0f, j, e);
              }
            }
          }
        }
      }
    }
  }
}

using Kind = KernelKind;

bool supported(Kind k) {
#if defined(LOOM_X86)
  if (k == Kind::Avx512) return __builtin_cpu_supports("avx512f");
  if (k == Kind::Avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return k == Kind::Portable;
}

KernelChoice g_choice({"avx512f", "avx2-fma", "portable"}, supported);

}  // namespace

void sgemm(const SgemmParams& p) {
  if (p.m <= 0 || p.n <= 0) return;
  if (p.k <= 0 || p.alpha == 0.0f) {
    scale_only(p);
    return;
  }
  switch (g_choice.kind()) {
#if defined(LOOM_X86)
    case Kind::Avx512:
      gemm_blocked<AVX512_MR, AVX512_NR>(p, kernel_avx512);
      return;
    case Kind::Avx2:
      gemm_blocked<AVX2_MR, AVX2_NR>(p, kernel_avx2);
      return;
#endif
    default:
      gemm_blocked<PORTABLE_MR, PORTABLE_NR>(p, kernel_portable);
      return;
  }
}

const char* kernel_name() { return g_choice.name(); }

bool set_kernel(const char* name) { return g_choice.set(name); }

int available_kernels(const char** names, int max) { return g_choice.available(names, max); }

const char* simd_description() {
  switch (g_choice.kind()) {
    case Kind::Avx512: return "AVX-512F 512-bit, 12x32 micro-tile";
    case Kind::Avx2: return "AVX2+FMA 256-bit, 6x16 micro-tile";
    default:
#if defined(LOOM_X86)
      return "vector extensions on baseline SSE2, 6x8 micro-tile";
#else
      return "vector extensions on the baseline ISA, 6x8 micro-tile";
#endif
  }
}

}  // namespace loom
