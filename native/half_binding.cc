// floatsToHalf(src: Float32Array, dst: Uint16Array, format: 'f16' | 'bf16'): dst = src rounded to 16 bits.
// halfToFloats(src: Uint16Array, dst: Float32Array, format): dst = the values of src.
// halfSum(into: Uint16Array, from: Uint16Array, format): into = round(into + from), the sum in float32 (into may be from).
// halfInfo(): { kernel, available }: the f16 path in use and those this CPU has, widest first.
// setHalfKernel(name): selects the f16 path; returns the previous one.
// Arrays of one length (either may be shared memory); a written array must not overlap a read one
// (halfSum's into may be from exactly).
#include "half_binding.h"

#include <string>
#include <type_traits>

#include "half.h"

namespace loom_napi {
namespace {

const char* const kFormats[] = {"f16", "bf16", nullptr};

loom::HalfFormat format_arg(const Args& a, size_t i) {
  return a.choice(i, "format", kFormats) == 0 ? loom::HalfFormat::F16 : loom::HalfFormat::Bf16;
}

// floatsToHalf, halfToFloats and halfSum: kernel(n, first, second, format) over arguments 0 and 1,
// typed arrays of one length, and the format (argument 2). The array the kernel writes (its
// non-const one) must not overlap the other; with `in_place` it may be the other exactly.
template <class First, class Second>
napi_value two_arrays(napi_env env, napi_callback_info info, const char* fn, const char* usage, const char* first_name,
                      const char* second_name, void (*kernel)(int64_t, First*, Second*, loom::HalfFormat),
                      bool in_place = false) {
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 3, usage);
    const auto first = a.typed_array<std::remove_const_t<First>>(0, first_name);
    const auto second = a.typed_array<std::remove_const_t<Second>>(1, second_name);
    const loom::HalfFormat format = format_arg(a, 2);
    const Written written = std::is_const_v<First> ? Written::Second : Written::First;
    const size_t n = check_elementwise(fn, first_name, first, second_name, second, written, in_place);
    if (n > 0) kernel(static_cast<int64_t>(n), first.data, second.data, format);
  });
}

napi_value FloatsToHalf(napi_env env, napi_callback_info info) {
  return two_arrays(env, info, "floatsToHalf", "floatsToHalf(src: Float32Array, dst: Uint16Array, format: 'f16' | 'bf16')",
                    "src", "dst", loom::floats_to_half);
}

napi_value HalfToFloats(napi_env env, napi_callback_info info) {
  return two_arrays(env, info, "halfToFloats", "halfToFloats(src: Uint16Array, dst: Float32Array, format: 'f16' | 'bf16')",
                    "src", "dst", loom::half_to_floats);
}

// into may be from exactly (doubling it), as the JavaScript loop allows, but not a shifted overlap.
napi_value HalfSum(napi_env env, napi_callback_info info) {
  return two_arrays(env, info, "halfSum", "halfSum(into: Uint16Array, from: Uint16Array, format: 'f16' | 'bf16')", "into",
                    "from", loom::half_sum, /*in_place=*/true);
}

napi_value HalfInfo(napi_env env, napi_callback_info) {
  return kernel_info(env, loom::half_kernel_name, loom::available_half_kernels);
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
    result = string_value(env, previous.c_str());
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
