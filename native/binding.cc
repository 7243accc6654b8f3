// Node-API binding of the native kernels: the GEMM here, convolutions in conv_binding.cc, pooling
// in pool_binding.cc, bias and activation kernels in elementwise_binding.cc, optimizer updates in
// optim_binding.cc, robust-aggregation kernels in robust_binding.cc, the peak-FLOPs probe in
// peak_binding.cc, GroupNorm/LayerNorm in norm_binding.cc, 16-bit float conversion and sums in
// half_binding.cc.
// Operands are addressed by byte offsets into one memory object (the wasm heap's ArrayBuffer, or
// any TypedArray/DataView, including one over a SharedArrayBuffer); nothing is copied. Every
// argument is checked and every byte the call would touch must lie inside that memory; a bad
// argument throws an Error naming it instead of crashing.
#include <cstdint>
#include <cstdio>
#include <string>

#include "checksum_binding.h"
#include "conv_binding.h"
#include "elementwise_binding.h"
#include "gather_binding.h"
#include "gemm.h"
#include "half_binding.h"
#include "napi_args.h"
#include "norm_binding.h"
#include "optim_binding.h"
#include "peak_binding.h"
#include "pool_binding.h"
#include "robust_binding.h"

namespace {

using loom_napi::Args;
using loom_napi::kMaxOffset;
using loom_napi::kMaxSize;
using loom_napi::Range;
using loom_napi::check_disjoint;
using loom_napi::check_floats;
using loom_napi::describe;
using loom_napi::fail;
using loom_napi::throw_js;

constexpr const char* kSgemm = "sgemm";
const char* const kSgemmUsage =
    "sgemm(memory, aOffset, bOffset, cOffset, M, N, K, transA, transB, lda, ldb, ldc, alpha, beta, biasOffset, relu)";

// sgemm(memory, aOffset, bOffset, cOffset, M, N, K, transA, transB, lda, ldb, ldc, alpha, beta,
//       biasOffset /* -1: none */, relu) -> undefined
napi_value Sgemm(napi_env env, napi_callback_info info) {
  return loom_napi::guarded(env, kSgemm, [&] {
    const Args args(env, info, kSgemm, 16, kSgemmUsage);
    const loom_napi::Memory mem = args.memory(0);
    const int64_t a_off = args.integer(1, "aOffset", 0, kMaxOffset);
    const int64_t b_off = args.integer(2, "bOffset", 0, kMaxOffset);
    const int64_t c_off = args.integer(3, "cOffset", 0, kMaxOffset);
    const int64_t m = args.integer(4, "M", 0, kMaxSize);
    const int64_t n = args.integer(5, "N", 0, kMaxSize);
    const int64_t k = args.integer(6, "K", 0, kMaxSize);
    const bool trans_a = args.boolean(7, "transA");
    const bool trans_b = args.boolean(8, "transB");
    const int64_t lda = args.integer(9, "lda", 1, kMaxSize);
    const int64_t ldb = args.integer(10, "ldb", 1, kMaxSize);
    const int64_t ldc = args.integer(11, "ldc", 1, kMaxSize);
    const double alpha = args.number(12, "alpha");
    const double beta = args.number(13, "beta");
    const int64_t bias_off = args.integer(14, "biasOffset", -1, kMaxOffset);
    const bool relu = args.boolean(15, "relu");

    // Stored shapes: A is M x K (K x M when transposed), B is K x N (N x K), C is M x N.
    const int64_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
    const int64_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
    char buf[160];
    auto check_ld = [&](const char* name, int64_t ld, int64_t cols, const char* what) {
      if (ld < cols) {
        std::snprintf(buf, sizeof buf, "sgemm: %s %lld is less than %s (%lld)", name, static_cast<long long>(ld), what,
                      static_cast<long long>(cols));
        fail(buf);
      }
    };
    check_ld("lda", lda, a_cols, trans_a ? "M (A is K x M)" : "K (A is M x K)");
    check_ld("ldb", ldb, b_cols, trans_b ? "K (B is N x K)" : "N (B is K x N)");
    check_ld("ldc", ldc, n, "N");

    // What the call reads and writes: nothing when C is empty; A and B only when K > 0.
    const bool any = m > 0 && n > 0;
    const bool reads_ab = any && k > 0;
    const Range ra = check_floats(kSgemm, mem, "a", a_off, reads_ab ? a_rows : 0, a_cols, lda);
    const Range rb = check_floats(kSgemm, mem, "b", b_off, reads_ab ? b_rows : 0, b_cols, ldb);
    const Range rc = check_floats(kSgemm, mem, "c", c_off, any ? m : 0, n, ldc);
    Range rbias;
    if (bias_off >= 0) rbias = check_floats(kSgemm, mem, "bias", bias_off, any ? 1 : 0, n, n);
    if (any) {
      if (reads_ab) {
        check_disjoint(kSgemm, "c", rc, "a", ra);
        check_disjoint(kSgemm, "c", rc, "b", rb);
      }
      if (bias_off >= 0) check_disjoint(kSgemm, "c", rc, "bias", rbias);
    }

    loom::SgemmParams p;
    p.trans_a = trans_a;
    p.trans_b = trans_b;
    p.m = m;
    p.n = n;
    p.k = k;
    p.alpha = static_cast<float>(alpha);
    p.beta = static_cast<float>(beta);
    p.a = reinterpret_cast<const float*>(mem.data + a_off);
    p.b = reinterpret_cast<const float*>(mem.data + b_off);
    p.c = reinterpret_cast<float*>(mem.data + c_off);
    p.lda = lda;
    p.ldb = ldb;
    p.ldc = ldc;
    p.bias = bias_off >= 0 ? reinterpret_cast<const float*>(mem.data + bias_off) : nullptr;
    p.relu = relu;
    if (any) loom::sgemm(p);
  });
}

// info() -> { kernel, simd, available }: the GEMM kernel in use, its SIMD in words, those this CPU has.
napi_value Info(napi_env env, napi_callback_info) {
  return loom_napi::kernel_info(env, loom::kernel_name, loom::available_kernels, loom::simd_description);
}

// setKernel(name) -> the previously selected kernel's name; throws for an unknown/unsupported name.
napi_value SetKernel(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  napi_valuetype t = napi_undefined;
  if (argc == 1) napi_typeof(env, argv[0], &t);
  char name[32] = {0};
  size_t len = 0;
  if (t == napi_string) napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len);
  const std::string previous = loom::kernel_name();
  if (t != napi_string || !loom::set_kernel(name)) {
    const char* names[8];
    const int n = loom::available_kernels(names, 8);
    std::string list;
    for (int i = 0; i < n; ++i) list += (i ? ", " : "") + std::string(names[i]);
    throw_js(env, "setKernel: " + (t == napi_string ? "'" + std::string(name) + "'" : (argc ? describe(env, argv[0]) : std::string("nothing"))) +
                      " is not a kernel this CPU supports (" + list + ")");
    return nullptr;
  }
  napi_value result;
  napi_create_string_utf8(env, previous.c_str(), NAPI_AUTO_LENGTH, &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  loom_napi::export_function(env, exports, "sgemm", Sgemm);
  loom_napi::export_function(env, exports, "info", Info);
  loom_napi::export_function(env, exports, "setKernel", SetKernel);
  loom_napi::export_conv(env, exports);
  loom_napi::export_optim(env, exports);
  loom_napi::export_pool(env, exports);
  loom_napi::export_elementwise(env, exports);
  loom_napi::export_gather(env, exports);
  loom_napi::export_robust(env, exports);
  loom_napi::export_peak(env, exports);
  loom_napi::export_norm(env, exports);
  loom_napi::export_half(env, exports);
  loom_napi::export_checksum(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
