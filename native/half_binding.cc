// floatsToHalf(src: Float32Array, dst: Uint16Array, format: 'f16' | 'bf16'): dst = src rounded to 16 bits.
// halfToFloats(src: Uint16Array, dst: Float32Array, format): dst = the values of src.
// halfSum(into: Uint16Array, from: Uint16Array, format): into = round(into + from), the sum in float32 (into may be from).
// halfInfo(): { kernel, available }: the f16 path in use and those this CPU has, widest first.
// setHalfKernel(name): selects the f16 path; returns the previous one.
// Arrays of one length (either may be shared memory); a written array must not overlap a read one
// (halfSum's into may be from exactly).
#include "half_binding.h"

#include <string>

#include "half.h"

namespace loom_napi {
namespace {

const char* const kFormats[] = {"f16", "bf16", nullptr};

loom::HalfFormat format_arg(const Args& a, size_t i) {
  return a.choice(i, "format", kFormats) == 0 ? loom::HalfFormat::F16 : loom::HalfFormat::Bf16;
}

void check_lengths(const char* fn, const char* first, size_t n1, const char* second, size_t n2) {
  if (n1 != n2) {
    fail(std::string(fn) + ": " + first + " has " + std::to_string(n1) + " elements, " + second + " " + std::to_string(n2) +
         " (they must be equal)");
  }
}

napi_value FloatsToHalf(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "floatsToHalf";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 3, "floatsToHalf(src: Float32Array, dst: Uint16Array, format: 'f16' | 'bf16')");
    const Args::Floats src = a.float32_array(0, "src");
    const Args::Halves dst = a.uint16_array(1, "dst");
    const loom::HalfFormat format = format_arg(a, 2);
    check_lengths(fn, "src", src.length, "dst", dst.length);
    if (src.length == 0) return;
    check_disjoint(fn, "dst", range_of(dst.data, dst.length * 2), "src", range_of(src.data, src.length * 4));
    loom::floats_to_half(static_cast<int64_t>(src.length), src.data, dst.data, format);
  });
}

napi_value HalfToFloats(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "halfToFloats";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 3, "halfToFloats(src: Uint16Array, dst: Float32Array, format: 'f16' | 'bf16')");
    const Args::Halves src = a.uint16_array(0, "src");
    const Args::Floats dst = a.float32_array(1, "dst");
    const loom::HalfFormat format = format_arg(a, 2);
    check_lengths(fn, "src", src.length, "dst", dst.length);
    if (src.length == 0) return;
    check_disjoint(fn, "dst", range_of(dst.data, dst.length * 4), "src", range_of(src.data, src.length * 2));
    loom::half_to_floats(static_cast<int64_t>(src.length), src.data, dst.data, format);
  });
}

napi_value HalfSum(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "halfSum";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 3, "halfSum(into: Uint16Array, from: Uint16Array, format: 'f16' | 'bf16')");
    const Args::Halves into = a.uint16_array(0, "into");
    const Args::Halves from = a.uint16_array(1, "from");
    const loom::HalfFormat format = format_arg(a, 2);
    check_lengths(fn, "into", into.length, "from", from.length);
    if (into.length == 0) return;
    // into may be from exactly (doubling it), as the JavaScript loop allows, but not a shifted overlap.
    if (into.data != from.data) check_disjoint(fn, "into", range_of(into.data, into.length * 2), "from", range_of(from.data, from.length * 2));
    loom::half_sum(static_cast<int64_t>(into.length), into.data, from.data, format);
  });
}

napi_value HalfInfo(napi_env env, napi_callback_info) {
  napi_value result, kernel, available;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, loom::half_kernel_name(), NAPI_AUTO_LENGTH, &kernel);
  napi_set_named_property(env, result, "kernel", kernel);
  const char* names[4];
  const int n = loom::available_half_kernels(names, 4);
  napi_create_array_with_length(env, static_cast<size_t>(n), &available);
  for (int i = 0; i < n; ++i) {
    napi_value s;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, available, static_cast<uint32_t>(i), s);
  }
  napi_set_named_property(env, result, "available", available);
  return result;
}

napi_value SetHalfKernel(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "setHalfKernel";
  napi_value result = nullptr;
  guarded(env, fn, [&] {
    const Args a(env, info, fn, 1, "setHalfKernel(name)");
    const char* names[4];
    const int n = loom::available_half_kernels(names, 4);
    const char* choices[5];
    for (int i = 0; i < n; ++i) choices[i] = names[i];
    choices[n] = nullptr;
    const std::string previous = loom::half_kernel_name();
    loom::set_half_kernel(names[a.choice(0, "name (a path this CPU supports)", choices)]);
    napi_create_string_utf8(env, previous.c_str(), NAPI_AUTO_LENGTH, &result);
  });
  return result;
}

}  // namespace

void export_half(napi_env env, napi_value exports) {
  export_function(env, exports, "floatsToHalf", FloatsToHalf);
  export_function(env, exports, "halfToFloats", HalfToFloats);
  export_function(env, exports, "halfSum", HalfSum);
  export_function(env, exports, "halfInfo", HalfInfo);
  export_function(env, exports, "setHalfKernel", SetHalfKernel);
}

}  // namespace loom_napi
