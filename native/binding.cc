// Node-API binding of the native kernels. Operands are addressed by byte offsets into one memory
// object (the wasm heap's ArrayBuffer, or any TypedArray/DataView, including one over a
// SharedArrayBuffer); nothing is copied. Every argument is checked and every byte the call would
// touch must lie inside that memory; a bad argument throws an Error naming it instead of crashing.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "gemm.h"

namespace {

constexpr double kMaxSize = 2147483647.0;        // M, N, K, leading dimensions: int32 range
constexpr double kMaxOffset = 9007199254740991.0;  // byte offsets: Number.MAX_SAFE_INTEGER

// Thrown (as a C++ exception inside this file) and turned into one JS Error at the boundary.
struct ArgError {
  std::string message;
};

std::string describe(napi_env env, napi_value v) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return "?";
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: {
      bool b = false;
      napi_get_value_bool(env, v, &b);
      return b ? "true" : "false";
    }
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      return buf;
    }
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return "an object";
  }
}

[[noreturn]] void fail(const std::string& message) { throw ArgError{message}; }

double number_arg(napi_env env, napi_value v, const char* name) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_number) fail(std::string("sgemm: ") + name + " must be a number (got " + describe(env, v) + ")");
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

int64_t int_arg(napi_env env, napi_value v, const char* name, double min, double max) {
  const double d = number_arg(env, v, name);
  if (!std::isfinite(d) || std::floor(d) != d || d < min || d > max) {
    char range[96];
    if (min == -1)
      std::snprintf(range, sizeof range, "-1 or an integer in [0, %.0f]", max);
    else
      std::snprintf(range, sizeof range, "an integer in [%.0f, %.0f]", min, max);
    fail(std::string("sgemm: ") + name + " must be " + range + " (got " + describe(env, v) + ")");
  }
  return static_cast<int64_t>(d);
}

bool bool_arg(napi_env env, napi_value v, const char* name) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t != napi_boolean) fail(std::string("sgemm: ") + name + " must be a boolean (got " + describe(env, v) + ")");
  bool b = false;
  napi_get_value_bool(env, v, &b);
  return b;
}

struct Memory {
  uint8_t* data = nullptr;
  uint64_t length = 0;  // bytes
};

Memory memory_arg(napi_env env, napi_value v) {
  Memory m;
  bool is = false;
  void* data = nullptr;
  if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
    size_t len = 0;
    napi_get_arraybuffer_info(env, v, &data, &len);
    m.data = static_cast<uint8_t*>(data);
    m.length = len;
    return m;
  }
  if (napi_is_typedarray(env, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t count = 0, offset = 0;
    napi_value buffer;
    napi_get_typedarray_info(env, v, &type, &count, &data, &buffer, &offset);
    size_t element = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: element = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: element = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: element = 8; break;
      default: element = 1;
    }
    m.data = static_cast<uint8_t*>(data);
    m.length = static_cast<uint64_t>(count) * element;
    return m;
  }
  if (napi_is_dataview(env, v, &is) == napi_ok && is) {
    size_t len = 0, offset = 0;
    napi_value buffer;
    napi_get_dataview_info(env, v, &len, &data, &buffer, &offset);
    m.data = static_cast<uint8_t*>(data);
    m.length = len;
    return m;
  }
  fail("sgemm: memory must be an ArrayBuffer, a TypedArray or a DataView (wrap a SharedArrayBuffer in a Uint8Array; got " +
       describe(env, v) + ")");
}

// A float matrix of `rows` x `cols` with leading dimension `ld` at byte `offset`: checks alignment and
// bounds, returns its byte range [begin, end).
struct Range {
  uint64_t begin = 0, end = 0;
};

Range check_matrix(const Memory& mem, const char* name, int64_t offset, int64_t rows, int64_t cols,
                   int64_t ld) {
  char buf[256];
  if (offset % 4 != 0 || (reinterpret_cast<uintptr_t>(mem.data) + static_cast<uint64_t>(offset)) % 4 != 0) {
    std::snprintf(buf, sizeof buf, "sgemm: %sOffset %lld is not 4-byte aligned", name, static_cast<long long>(offset));
    fail(buf);
  }
  if (rows == 0 || cols == 0) return Range{static_cast<uint64_t>(offset), static_cast<uint64_t>(offset)};
  // Elements from the first to one past the last touched: (rows - 1) * ld + cols < 2^62.
  const uint64_t elements = static_cast<uint64_t>(rows - 1) * static_cast<uint64_t>(ld) + static_cast<uint64_t>(cols);
  const uint64_t off = static_cast<uint64_t>(offset);
  if (off > mem.length || elements > (mem.length - off) / 4) {
    std::snprintf(buf, sizeof buf,
                  "sgemm: %s (%lld x %lld, ld %lld) at %sOffset %llu needs bytes up to %llu but memory has %llu",
                  name, static_cast<long long>(rows), static_cast<long long>(cols), static_cast<long long>(ld), name,
                  static_cast<unsigned long long>(off), static_cast<unsigned long long>(off + elements * 4),
                  static_cast<unsigned long long>(mem.length));
    fail(buf);
  }
  return Range{off, off + elements * 4};
}

void check_disjoint(const char* written, Range w, const char* read, Range r) {
  if (w.begin < r.end && r.begin < w.end) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "sgemm: %s (bytes %llu..%llu) overlaps %s (bytes %llu..%llu)", written,
                  static_cast<unsigned long long>(w.begin), static_cast<unsigned long long>(w.end), read,
                  static_cast<unsigned long long>(r.begin), static_cast<unsigned long long>(r.end));
    fail(buf);
  }
}

void throw_js(napi_env env, const std::string& message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_LOOM_NATIVE_ARG", message.c_str());
}

constexpr size_t kSgemmArgs = 16;
const char* const kSgemmUsage =
    "sgemm(memory, aOffset, bOffset, cOffset, M, N, K, transA, transB, lda, ldb, ldc, alpha, beta, biasOffset, relu)";

// sgemm(memory, aOffset, bOffset, cOffset, M, N, K, transA, transB, lda, ldb, ldc, alpha, beta,
//       biasOffset /* -1: none */, relu) -> undefined
napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = kSgemmArgs;
  napi_value argv[kSgemmArgs];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  try {
    if (argc != kSgemmArgs) {
      fail(std::string("sgemm: expected 16 arguments, got ") + std::to_string(argc) + ": " + kSgemmUsage);
    }
    const Memory mem = memory_arg(env, argv[0]);
    const int64_t a_off = int_arg(env, argv[1], "aOffset", 0, kMaxOffset);
    const int64_t b_off = int_arg(env, argv[2], "bOffset", 0, kMaxOffset);
    const int64_t c_off = int_arg(env, argv[3], "cOffset", 0, kMaxOffset);
    const int64_t m = int_arg(env, argv[4], "M", 0, kMaxSize);
    const int64_t n = int_arg(env, argv[5], "N", 0, kMaxSize);
    const int64_t k = int_arg(env, argv[6], "K", 0, kMaxSize);
    const bool trans_a = bool_arg(env, argv[7], "transA");
    const bool trans_b = bool_arg(env, argv[8], "transB");
    const int64_t lda = int_arg(env, argv[9], "lda", 1, kMaxSize);
    const int64_t ldb = int_arg(env, argv[10], "ldb", 1, kMaxSize);
    const int64_t ldc = int_arg(env, argv[11], "ldc", 1, kMaxSize);
    const double alpha = number_arg(env, argv[12], "alpha");
    const double beta = number_arg(env, argv[13], "beta");
    const int64_t bias_off = int_arg(env, argv[14], "biasOffset", -1, kMaxOffset);
    const bool relu = bool_arg(env, argv[15], "relu");

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
    const Range ra = check_matrix(mem, "a", a_off, reads_ab ? a_rows : 0, a_cols, lda);
    const Range rb = check_matrix(mem, "b", b_off, reads_ab ? b_rows : 0, b_cols, ldb);
    const Range rc = check_matrix(mem, "c", c_off, any ? m : 0, n, ldc);
    Range rbias;
    if (bias_off >= 0) rbias = check_matrix(mem, "bias", bias_off, any ? 1 : 0, n, n);
    if (any) {
      if (reads_ab) {
        check_disjoint("c", rc, "a", ra);
        check_disjoint("c", rc, "b", rb);
      }
      if (bias_off >= 0) check_disjoint("c", rc, "bias", rbias);
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
  } catch (const ArgError& e) {
    throw_js(env, e.message);
  } catch (const std::bad_alloc&) {
    throw_js(env, "sgemm: out of memory for the packing buffers");
  }
  return nullptr;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, kernel, simd;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, loom::kernel_name(), NAPI_AUTO_LENGTH, &kernel);
  napi_create_string_utf8(env, loom::simd_description(), NAPI_AUTO_LENGTH, &simd);
  napi_set_named_property(env, result, "kernel", kernel);
  napi_set_named_property(env, result, "simd", simd);
  const char* names[8];
  const int n = loom::available_kernels(names, 8);
  napi_value available;
  napi_create_array_with_length(env, static_cast<size_t>(n), &available);
  for (int i = 0; i < n; ++i) {
    napi_value s;
    napi_create_string_utf8(env, names[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, available, static_cast<uint32_t>(i), s);
  }
  napi_set_named_property(env, result, "available", available);
  return result;
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
  napi_value fn;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, Sgemm, nullptr, &fn);
  napi_set_named_property(env, exports, "sgemm", fn);
  napi_create_function(env, "info", NAPI_AUTO_LENGTH, Info, nullptr, &fn);
  napi_set_named_property(env, exports, "info", fn);
  napi_create_function(env, "setKernel", NAPI_AUTO_LENGTH, SetKernel, nullptr, &fn);
  napi_set_named_property(env, exports, "setKernel", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
