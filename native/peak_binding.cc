// peakFma(iterations, kernel) -> the floating-point operations done by `iterations` steps of the
// peak probe (peak.h) at the width of the GEMM kernel `kernel`; the caller times the call.
#include "peak_binding.h"

#include <string>

#include "peak.h"

namespace loom_napi {
namespace {

constexpr const char* kUsage = "peakFma(iterations, kernel)";

// The kernel name argument (Args reads no strings); fails unless it is a short string.
std::string kernel_arg(napi_env env, napi_callback_info info, const char* fn) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_valuetype t = napi_undefined;
  napi_typeof(env, argv[1], &t);
  char name[32] = {0};
  size_t len = 0;
  if (t == napi_string) napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len);
  if (t != napi_string || len + 1 >= sizeof name) fail(std::string(fn) + ": kernel must be a kernel name (got " + describe(env, argv[1]) + ")");
  return std::string(name, len);
}

napi_value PeakFma(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "peakFma";
  double flops = -1.0;
  guarded(env, fn, [&] {
    const Args a(env, info, fn, 2, kUsage);
    const int64_t iterations = a.integer(0, "iterations", 0, kMaxSize);
    const std::string kernel = kernel_arg(env, info, fn);
    flops = loom::peak_fma(iterations, kernel.c_str());
    if (flops < 0) fail(std::string(fn) + ": '" + kernel + "' is not a kernel this CPU supports (see info().available)");
  });
  if (flops < 0) return nullptr;  // the Error is pending
  napi_value result;
  napi_create_double(env, flops, &result);
  return result;
}

}  // namespace

void export_peak(napi_env env, napi_value exports) { export_function(env, exports, "peakFma", PeakFma); }

}  // namespace loom_napi
