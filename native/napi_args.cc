#include "napi_args.h"

#include <cmath>
#include <cstdio>

namespace loom_napi {

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

Args::Args(napi_env env, napi_callback_info info, const char* fn, size_t expected, const char* usage)
    : env_(env), fn_(fn) {
  size_t argc = kMax;
  if (napi_get_cb_info(env, info, &argc, argv_, nullptr, nullptr) != napi_ok) fail(std::string(fn) + ": cannot read arguments");
  if (argc != expected) {
    fail(std::string(fn) + ": expected " + std::to_string(expected) + " arguments, got " + std::to_string(argc) + ": " + usage);
  }
}

double Args::number(size_t i, const char* name) const {
  napi_valuetype t;
  napi_typeof(env_, argv_[i], &t);
  if (t != napi_number) fail(std::string(fn_) + ": " + name + " must be a number (got " + describe(env_, argv_[i]) + ")");
  double d = 0;
  napi_get_value_double(env_, argv_[i], &d);
  return d;
}

int64_t Args::integer(size_t i, const char* name, double min, double max) const {
  const double d = number(i, name);
  if (!std::isfinite(d) || std::floor(d) != d || d < min || d > max) {
    char range[96];
    if (min == -1)
      std::snprintf(range, sizeof range, "-1 or an integer in [0, %.0f]", max);
    else
      std::snprintf(range, sizeof range, "an integer in [%.0f, %.0f]", min, max);
    fail(std::string(fn_) + ": " + name + " must be " + range + " (got " + describe(env_, argv_[i]) + ")");
  }
  return static_cast<int64_t>(d);
}

bool Args::boolean(size_t i, const char* name) const {
  napi_valuetype t;
  napi_typeof(env_, argv_[i], &t);
  if (t != napi_boolean) fail(std::string(fn_) + ": " + name + " must be a boolean (got " + describe(env_, argv_[i]) + ")");
  bool b = false;
  napi_get_value_bool(env_, argv_[i], &b);
  return b;
}

Memory Args::memory(size_t i) const {
  napi_value v = argv_[i];
  Memory m;
  bool is = false;
  void* data = nullptr;
  if (napi_is_arraybuffer(env_, v, &is) == napi_ok && is) {
    size_t len = 0;
    napi_get_arraybuffer_info(env_, v, &data, &len);
    m.data = static_cast<uint8_t*>(data);
    m.length = len;
    return m;
  }
  if (napi_is_typedarray(env_, v, &is) == napi_ok && is) {
    napi_typedarray_type type;
    size_t count = 0, offset = 0;
    napi_value buffer;
    napi_get_typedarray_info(env_, v, &type, &count, &data, &buffer, &offset);
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
  if (napi_is_dataview(env_, v, &is) == napi_ok && is) {
    size_t len = 0, offset = 0;
    napi_value buffer;
    napi_get_dataview_info(env_, v, &len, &data, &buffer, &offset);
    m.data = static_cast<uint8_t*>(data);
    m.length = len;
    return m;
  }
  fail(std::string(fn_) +
       ": memory must be an ArrayBuffer, a TypedArray or a DataView (wrap a SharedArrayBuffer in a Uint8Array; got " +
       describe(env_, v) + ")");
}

// The data and length of `v` when it is a typed array of `want`; false otherwise.
static bool typed_view(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* count) {
  bool is = false;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return false;
  napi_typedarray_type type;
  size_t offset = 0;
  napi_value buffer;
  napi_get_typedarray_info(env, v, &type, count, data, &buffer, &offset);
  return type == want;
}

Args::Floats Args::float32_array(size_t i, const char* name, bool nullable) const {
  napi_value v = argv_[i];
  napi_valuetype t;
  napi_typeof(env_, v, &t);
  if (nullable && t == napi_null) return Floats{};
  void* data = nullptr;
  size_t count = 0;
  if (typed_view(env_, v, napi_float32_array, &data, &count)) return Floats{static_cast<float*>(data), count};
  fail(std::string(fn_) + ": " + name + " must be a Float32Array" + (nullable ? " or null" : "") + " (got " +
       describe(env_, v) + ")");
}

std::vector<Args::Floats> Args::float32_arrays(size_t i, const char* name) const {
  napi_value v = argv_[i];
  bool is = false;
  uint32_t count = 0;
  if (napi_is_array(env_, v, &is) != napi_ok || !is || napi_get_array_length(env_, v, &count) != napi_ok || count == 0) {
    fail(std::string(fn_) + ": " + name + " must be a non-empty array of Float32Array (got " +
         (is ? std::string("an empty array") : describe(env_, v)) + ")");
  }
  std::vector<Floats> arrays(count);
  for (uint32_t k = 0; k < count; ++k) {
    napi_value e = nullptr;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_element(env_, v, k, &e) != napi_ok || !typed_view(env_, e, napi_float32_array, &data, &length)) {
      fail(std::string(fn_) + ": " + name + "[" + std::to_string(k) + "] must be a Float32Array (got " + describe(env_, e) + ")");
    }
    arrays[k] = Floats{static_cast<float*>(data), length};
  }
  return arrays;
}

size_t Args::typed(size_t i, const char* name, napi_typedarray_type want, const char* type_name, void** data) const {
  size_t count = 0;
  if (typed_view(env_, argv_[i], want, data, &count)) return count;
  fail(std::string(fn_) + ": " + name + " must be a " + type_name + " (got " + describe(env_, argv_[i]) + ")");
}

Args::Doubles Args::float64_array(size_t i, const char* name) const {
  void* data = nullptr;
  const size_t count = typed(i, name, napi_float64_array, "Float64Array", &data);
  return Doubles{static_cast<double*>(data), count};
}

Args::Bytes Args::uint8_array(size_t i, const char* name) const {
  void* data = nullptr;
  const size_t count = typed(i, name, napi_uint8_array, "Uint8Array", &data);
  return Bytes{static_cast<uint8_t*>(data), count};
}

Args::Ints Args::int32_array(size_t i, const char* name) const {
  void* data = nullptr;
  const size_t count = typed(i, name, napi_int32_array, "Int32Array", &data);
  return Ints{static_cast<int32_t*>(data), count};
}

Args::Halves Args::uint16_array(size_t i, const char* name) const {
  void* data = nullptr;
  const size_t count = typed(i, name, napi_uint16_array, "Uint16Array", &data);
  return Halves{static_cast<uint16_t*>(data), count};
}

int Args::choice(size_t i, const char* name, const char* const* choices) const {
  napi_valuetype t;
  napi_typeof(env_, argv_[i], &t);
  std::string list;
  for (int k = 0; choices[k] != nullptr; ++k) list += (k ? " or '" : "'") + std::string(choices[k]) + "'";
  if (t == napi_string) {
    char value[32] = {0};
    size_t len = 0;
    napi_get_value_string_utf8(env_, argv_[i], value, sizeof value, &len);
    for (int k = 0; choices[k] != nullptr; ++k)
      if (len < sizeof value - 1 && std::string(value, len) == choices[k]) return k;
    fail(std::string(fn_) + ": " + name + " must be " + list + " (got '" + std::string(value, len) + (len == sizeof value - 1 ? "...'" : "'") + ")");
  }
  fail(std::string(fn_) + ": " + name + " must be " + list + " (got " + describe(env_, argv_[i]) + ")");
}

Range check_floats(const char* fn, const Memory& mem, const char* name, int64_t offset, int64_t rows, int64_t cols,
                   int64_t ld) {
  char buf[256];
  if (offset % 4 != 0 || (reinterpret_cast<uintptr_t>(mem.data) + static_cast<uint64_t>(offset)) % 4 != 0) {
    std::snprintf(buf, sizeof buf, "%s: %sOffset %lld is not 4-byte aligned", fn, name, static_cast<long long>(offset));
    fail(buf);
  }
  if (rows == 0 || cols == 0) return Range{static_cast<uint64_t>(offset), static_cast<uint64_t>(offset)};
  // Elements from the first to one past the last touched: (rows - 1) * ld + cols < 2^62.
  const uint64_t elements = static_cast<uint64_t>(rows - 1) * static_cast<uint64_t>(ld) + static_cast<uint64_t>(cols);
  const uint64_t off = static_cast<uint64_t>(offset);
  if (off > mem.length || elements > (mem.length - off) / 4) {
    std::snprintf(buf, sizeof buf, "%s: %s (%lld x %lld, ld %lld) at %sOffset %llu needs bytes up to %llu but memory has %llu",
                  fn, name, static_cast<long long>(rows), static_cast<long long>(cols), static_cast<long long>(ld), name,
                  static_cast<unsigned long long>(off), static_cast<unsigned long long>(off + elements * 4),
                  static_cast<unsigned long long>(mem.length));
    fail(buf);
  }
  return Range{off, off + elements * 4};
}

void check_disjoint(const char* fn, const char* written, Range w, const char* read, Range r) {
  if (w.begin < r.end && r.begin < w.end) {
    char buf[240];
    std::snprintf(buf, sizeof buf, "%s: %s (bytes %llu..%llu) overlaps %s (bytes %llu..%llu)", fn, written,
                  static_cast<unsigned long long>(w.begin), static_cast<unsigned long long>(w.end), read,
                  static_cast<unsigned long long>(r.begin), static_cast<unsigned long long>(r.end));
    fail(buf);
  }
}

void check_same_length(const char* fn, const char* first, size_t n1, const char* second, size_t n2) {
  if (n1 != n2) {
    fail(std::string(fn) + ": " + first + " has " + std::to_string(n1) + " elements, " + second + " " + std::to_string(n2) +
         " (they must be equal)");
  }
}

void throw_js(napi_env env, const std::string& message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "ERR_LOOM_NATIVE_ARG", message.c_str());
}

napi_value string_value(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value kernel_info(napi_env env, const char* (*kernel_name)(), int (*available)(const char** names, int max),
                       const char* (*simd)()) {
  const char* names[8];
  const int n = available(names, 8);
  napi_value result, list;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "kernel", string_value(env, kernel_name()));
  if (simd != nullptr) napi_set_named_property(env, result, "simd", string_value(env, simd()));
  napi_create_array_with_length(env, static_cast<size_t>(n), &list);
  for (int i = 0; i < n; ++i) napi_set_element(env, list, static_cast<uint32_t>(i), string_value(env, names[i]));
  napi_set_named_property(env, result, "available", list);
  return result;
}

void export_function(napi_env env, napi_value exports, const char* name, napi_callback fn) {
  napi_value f;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, nullptr, &f);
  napi_set_named_property(env, exports, name, f);
}

}  // namespace loom_napi
