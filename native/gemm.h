// Single-precision GEMM on raw pointers: C = act(alpha * op(A) op(B) + beta * C + bias).
#ifndef LOOM_NATIVE_GEMM_H_
#define LOOM_NATIVE_GEMM_H_

#include <cstdint>

namespace loom {

struct SgemmParams {
  bool trans_a = false;  // op(A) = A^T: A is stored K x M
  bool trans_b = false;  // op(B) = B^T: B is stored N x K
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;
  const float* b = nullptr;
  int64_t ldb = 0;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
  const float* bias = nullptr;  // n values added to every row of C, or null
  bool relu = false;            // max(0, x) after everything else
};

// Row-major; leading dimensions in elements. With beta == 0, C is never read (NaNs in it vanish).
// Single-threaded; safe to call from several threads at once (packing buffers are per thread).
void sgemm(const SgemmParams& p);

// "avx512f", "avx2-fma" or "portable": the micro-kernel chosen for this CPU.
const char* kernel_name();
// Selects a kernel by name for later calls (all threads); false when unknown or unsupported here.
// The first call otherwise picks the widest supported one, or the one LOOM_NATIVE_KERNEL names.
bool set_kernel(const char* name);
// Writes the names of the kernels this CPU supports (widest first) and returns how many.
int available_kernels(const char** names, int max);
// Vector width and instruction set of that kernel, e.g. "AVX2+FMA 256-bit, 6x16 micro-tile".
const char* simd_description();

}  // namespace loom

#endif  // LOOM_NATIVE_GEMM_H_
