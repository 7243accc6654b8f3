// 16-bit floats stored as uint16 bit patterns, IEEE binary16 ('f16') and bfloat16 ('bf16'):
// conversion from and to float32 and the all-reduce's sum, bit for bit the JavaScript path
// (src/util/half-float.ts, src/comm/kernels/reductions.ts):
//
// - encoding rounds to nearest, ties to even; beyond the largest finite value it gives ±Infinity;
//   f16 subnormals are exact; every NaN becomes the format's quiet NaN without sign (0x7e00, 0x7fc0);
// - decoding is exact; every NaN becomes float32's quiet NaN without sign (0x7fc00000), as a JS
//   NaN stored into a Float32Array;
// - the sum decodes both, adds in float32 (the JS float64 sum of two float32 values rounded to
//   float32: the same bits) and encodes the result.
//
// f16 runs on F16C (VCVTPS2PH with an explicit round-to-nearest-even, VCVTPH2PS) at 8 lanes
// (AVX2) or 16 (AVX-512F), with NaN lanes rewritten to the canonical NaN, or on a scalar path
// that is bit-identical; bf16 is integer arithmetic (and one float32 add for the sum) in plain
// loops the compiler vectorizes (LOOM_TARGET_CLONES). Flush-to-zero and denormals-are-zero are
// cleared for the duration of a call (and the rounding mode set to nearest) when the caller's
// thread had them set: bf16 subnormals are float32 subnormals.
#ifndef LOOM_NATIVE_HALF_H_
#define LOOM_NATIVE_HALF_H_

#include <cstdint>

namespace loom {

enum class HalfFormat : int { F16 = 0, Bf16 = 1 };

// dst[i] = the 16-bit pattern nearest to src[i].
void floats_to_half(int64_t n, const float* src, uint16_t* dst, HalfFormat format);
// dst[i] = the value of src[i].
void half_to_floats(int64_t n, const uint16_t* src, float* dst, HalfFormat format);
// into[i] = encode(decode(into[i]) + decode(from[i])), the sum in float32; from may be into.
void half_sum(int64_t n, uint16_t* into, const uint16_t* from, HalfFormat format);

// The f16 path: "avx512f", "avx2-f16c" or "portable" (bf16 always runs its vectorized loops).
// The widest the CPU has, or as LOOM_NATIVE_KERNEL says: avx2-fma -> avx2-f16c, portable -> portable.
const char* half_kernel_name();
// Selects the f16 path by name for later calls (all threads); false when unknown or unsupported.
bool set_half_kernel(const char* name);
// Writes the names of the f16 paths this CPU supports (widest first) and returns how many.
int available_half_kernels(const char** names, int max);

}  // namespace loom

#endif  // LOOM_NATIVE_HALF_H_
