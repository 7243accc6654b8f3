// 16-bit float conversion and summation (see half.h). The JavaScript path costs 2-6 ns an element
// (a branchy bit function per float, a table load per half); here it is one VCVTPS2PH / VCVTPH2PS
// per 8 or 16 lanes plus a compare and a blend for the NaN rule, memory-bound on any array that
// leaves L1.
#include "half.h"

#include <cstring>

#include "kernel_choice.h"
#include "target_clones.h"

#if (defined(__x86_64__) || defined(_M_X64)) && !defined(LOOM_PORTABLE_ONLY)
#define LOOM_HALF_X86 1
#include <immintrin.h>
#endif

namespace loom {
namespace {

constexpr uint16_t kF16QuietNaN = 0x7e00;
constexpr uint16_t kBf16QuietNaN = 0x7fc0;
constexpr uint32_t kF32QuietNaN = 0x7fc00000u;

inline uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// ---- scalar f16: halfFromFloat32Bits and decodeHalf of src/util/half-float.ts, line for line ----

inline uint16_t f16_from_bits(uint32_t bits) {
  const uint32_t sign = (bits >> 16) & 0x8000u;
  const uint32_t a = bits & 0x7fffffffu;
  if (a > 0x7f800000u) return kF16QuietNaN;
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // 65520 and above (and Infinity)
  if (a >= 0x38800000u) {
    const uint32_t rebiased = a - 0x38000000u;  // exponent bias 127 to 15
    return static_cast<uint16_t>(sign | ((rebiased + 0x0fffu + ((rebiased >> 13) & 1u)) >> 13));
  }
  if (a < 0x33000000u) return static_cast<uint16_t>(sign);  // below 2^-25: zero
  // Subnormal: the value in units of 2^-24, rounded to nearest even (shift 14..24).
  const uint32_t shift = 126u - (a >> 23);
  const uint32_t significand = (a & 0x7fffffu) | 0x800000u;
  uint32_t units = significand >> shift;
  const uint32_t rest = significand & ((1u << shift) - 1u);
  const uint32_t half = 1u << (shift - 1u);
  if (rest > half || (rest == half && (units & 1u) == 1u)) units++;
  return static_cast<uint16_t>(sign | units);
}

inline uint32_t f16_to_bits(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t magnitude = h & 0x7fffu;
  if (magnitude > 0x7c00u) return kF32QuietNaN;
  if (magnitude == 0x7c00u) return sign | 0x7f800000u;
  if (magnitude >= 0x0400u) return sign | ((magnitude + 0x1c000u) << 13);  // exponent + (127 - 15)
  // Zero and subnormals: magnitude * 2^-24, a normal float32 (or zero) computed exactly.
  return sign | bits_of(static_cast<float>(magnitude) * 0x1p-24f);
}

void f16_encode_portable(int64_t n, const float* src, uint16_t* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = f16_from_bits(bits_of(src[i]));
}

void f16_decode_portable(int64_t n, const uint16_t* src, float* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = float_of(f16_to_bits(src[i]));
}

void f16_sum_portable(int64_t n, uint16_t* into, const uint16_t* from) {
  for (int64_t i = 0; i < n; ++i) {
    const float sum = float_of(f16_to_bits(into[i])) + float_of(f16_to_bits(from[i]));
    into[i] = f16_from_bits(bits_of(sum));
  }
}

// ---- bf16: integer rounding on the upper 16 bits; vectorized by the compiler ----

inline uint16_t bf16_from_bits(uint32_t bits) {
  // A finite value or an infinity: the carry of the rounding never reaches the sign bit, and one
  // past the largest finite value gives Infinity (0x7f80), as it should.
  const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
  return static_cast<uint16_t>((bits & 0x7fffffffu) > 0x7f800000u ? kBf16QuietNaN : rounded);
}

inline uint32_t bf16_to_bits(uint16_t h) {
  return (h & 0x7fffu) > 0x7f80u ? kF32QuietNaN : static_cast<uint32_t>(h) << 16;
}

LOOM_TARGET_CLONES
void bf16_encode(int64_t n, const float* src, uint16_t* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = bf16_from_bits(bits_of(src[i]));
}

LOOM_TARGET_CLONES
void bf16_decode(int64_t n, const uint16_t* src, float* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = float_of(bf16_to_bits(src[i]));
}

LOOM_TARGET_CLONES
void bf16_sum(int64_t n, uint16_t* into, const uint16_t* from) {
  for (int64_t i = 0; i < n; ++i) {
    // NaN operands need no canonical form here: the sum is NaN and encodes to 0x7fc0 either way.
    const float sum = float_of(static_cast<uint32_t>(into[i]) << 16) + float_of(static_cast<uint32_t>(from[i]) << 16);
    into[i] = bf16_from_bits(bits_of(sum));
  }
}

// ---- f16 on F16C ----

#if defined(LOOM_HALF_X86)
constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;  // ties to even, whatever MXCSR says

// Eight encoded halves with every NaN (magnitude above 0x7c00) replaced by 0x7e00: VCVTPS2PH keeps
// the NaN's sign and the top of its payload.
__attribute__((target("avx2,f16c"))) inline __m128i canonical_f16_x8(__m128i h) {
  const __m128i nan = _mm_cmpgt_epi16(_mm_and_si128(h, _mm_set1_epi16(0x7fff)), _mm_set1_epi16(0x7c00));
  return _mm_blendv_epi8(h, _mm_set1_epi16(static_cast<short>(kF16QuietNaN)), nan);
}

__attribute__((target("avx2,f16c"))) inline __m256i canonical_f16_x16(__m256i h) {
  const __m256i nan = _mm256_cmpgt_epi16(_mm256_and_si256(h, _mm256_set1_epi16(0x7fff)), _mm256_set1_epi16(0x7c00));
  return _mm256_blendv_epi8(h, _mm256_set1_epi16(static_cast<short>(kF16QuietNaN)), nan);
}

// Eight decoded floats with every NaN replaced by 0x7fc00000 (VCVTPH2PS keeps sign and payload).
__attribute__((target("avx2,f16c"))) inline __m256 canonical_f32_x8(__m256 f) {
  return _mm256_blendv_ps(f, _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(kF32QuietNaN))), _mm256_cmp_ps(f, f, _CMP_UNORD_Q));
}

__attribute__((target("avx2,f16c"))) void f16_encode_avx2(int64_t n, const float* src, uint16_t* dst) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), kRound);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), canonical_f16_x8(h));
  }
  f16_encode_portable(n - i, src + i, dst + i);
}

__attribute__((target("avx2,f16c"))) void f16_decode_avx2(int64_t n, const uint16_t* src, float* dst) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 f = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    _mm256_storeu_ps(dst + i, canonical_f32_x8(f));
  }
  f16_decode_portable(n - i, src + i, dst + i);
}

__attribute__((target("avx2,f16c"))) void f16_sum_avx2(int64_t n, uint16_t* into, const uint16_t* from) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(into + i)));
    const __m256 b = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i)));
    const __m128i h = _mm256_cvtps_ph(_mm256_add_ps(a, b), kRound);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(into + i), canonical_f16_x8(h));
  }
  f16_sum_portable(n - i, into + i, from + i);
}

__attribute__((target("avx512f,avx2,f16c"))) void f16_encode_avx512(int64_t n, const float* src, uint16_t* dst) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i h = _mm512_maskz_cvtps_ph(0xffff, _mm512_loadu_ps(src + i), kRound);  // not _mm512_cvtps_ph: GCC 12 warns about its undefined source
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), canonical_f16_x16(h));
  }
  f16_encode_avx2(n - i, src + i, dst + i);
}

__attribute__((target("avx512f,avx2,f16c"))) void f16_decode_avx512(int64_t n, const uint16_t* src, float* dst) {
  const __m512 qnan = _mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(kF32QuietNaN)));
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 f = _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)));
    _mm512_storeu_ps(dst + i, _mm512_mask_blend_ps(_mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q), f, qnan));
  }
  f16_decode_avx2(n - i, src + i, dst + i);
}

__attribute__((target("avx512f,avx2,f16c"))) void f16_sum_avx512(int64_t n, uint16_t* into, const uint16_t* from) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 a = _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(into + i)));
    const __m512 b = _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + i)));
    const __m256i h = _mm512_maskz_cvtps_ph(0xffff, _mm512_add_ps(a, b), kRound);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(into + i), canonical_f16_x16(h));
  }
  f16_sum_avx2(n - i, into + i, from + i);
}

// Clears flush-to-zero (bit 15) and denormals-are-zero (bit 6) and sets round-to-nearest (bits
// 13-14 zero) for its lifetime when the thread had anything else; restores MXCSR after.
class ScopedIeeeMode {
 public:
  ScopedIeeeMode() : saved_(_mm_getcsr()), changed_((saved_ & kModeBits) != 0) {
    if (changed_) _mm_setcsr(saved_ & ~kModeBits);
  }
  ~ScopedIeeeMode() {
    if (changed_) _mm_setcsr(saved_);
  }
  ScopedIeeeMode(const ScopedIeeeMode&) = delete;
  ScopedIeeeMode& operator=(const ScopedIeeeMode&) = delete;

 private:
  static constexpr unsigned kModeBits = 0x8000u | 0x0040u | 0x6000u;  // FTZ, DAZ, rounding control
  const unsigned saved_;
  const bool changed_;
};
#else
// Elsewhere the default floating-point environment is assumed (Node never changes it).
struct ScopedIeeeMode {};
#endif  // LOOM_HALF_X86

// ---- the f16 path in use ----

using Kind = KernelKind;

bool supported(Kind k) {
#if defined(LOOM_HALF_X86)
  if (k == Kind::Avx512) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
  if (k == Kind::Avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
#endif
  return k == Kind::Portable;
}

// LOOM_NATIVE_KERNEL takes the GEMM's names too: avx2-fma picks the avx2-f16c path.
KernelChoice g_choice({"avx512f", "avx2-f16c", "portable"}, supported, "avx2-fma");

}  // namespace

void floats_to_half(int64_t n, const float* src, uint16_t* dst, HalfFormat format) {
  if (n <= 0) return;
  const ScopedIeeeMode ieee;
  if (format == HalfFormat::Bf16) return bf16_encode(n, src, dst);
  switch (g_choice.kind()) {
#if defined(LOOM_HALF_X86)
    case Kind::Avx512: return f16_encode_avx512(n, src, dst);
    case Kind::Avx2: return f16_encode_avx2(n, src, dst);
#endif
    default: return f16_encode_portable(n, src, dst);
  }
}

void half_to_floats(int64_t n, const uint16_t* src, float* dst, HalfFormat format) {
  if (n <= 0) return;
  const ScopedIeeeMode ieee;
  if (format == HalfFormat::Bf16) return bf16_decode(n, src, dst);
  switch (g_choice.kind()) {
#if defined(LOOM_HALF_X86)
    case Kind::Avx512: return f16_decode_avx512(n, src, dst);
    case Kind::Avx2: return f16_decode_avx2(n, src, dst);
#endif
    default: return f16_decode_portable(n, src, dst);
  }
}

void half_sum(int64_t n, uint16_t* into, const uint16_t* from, HalfFormat format) {
  if (n <= 0) return;
  const ScopedIeeeMode ieee;
  if (format == HalfFormat::Bf16) return bf16_sum(n, into, from);
  switch (g_choice.kind()) {
#if defined(LOOM_HALF_X86)
    case Kind::Avx512: return f16_sum_avx512(n, into, from);
    case Kind::Avx2: return f16_sum_avx2(n, into, from);
#endif
    default: return f16_sum_portable(n, into, from);
  }
}

const char* half_kernel_name() { return g_choice.name(); }

bool set_half_kernel(const char* name) { return g_choice.set(name); }

int available_half_kernels(const char** names, int max) { return g_choice.available(names, max); }

}  // namespace loom
