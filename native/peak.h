// The core's peak float32 throughput: a tight loop of independent FMA chains, no memory traffic.
#ifndef LOOM_NATIVE_PEAK_H_
#define LOOM_NATIVE_PEAK_H_

#include <cstdint>

namespace loom {

// Runs `iterations` steps of 12 independent float32 chains acc = acc * m + a at the vector width of
// the GEMM micro-kernel named `kernel` ("avx512f": 512-bit FMA, "avx2-fma": 256-bit FMA, "portable":
// 128-bit multiply and add) and returns the floating-point operations done (a multiply-add counts
// as 2). Returns -1 when `kernel` is not one this CPU supports (gemm.h's available_kernels).
double peak_fma(int64_t iterations, const char* kernel);

}  // namespace loom

#endif  // LOOM_NATIVE_PEAK_H_
