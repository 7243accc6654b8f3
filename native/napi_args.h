// Argument checking shared by the Node-API bindings: every argument is checked and a bad one
// becomes one JS Error whose one-line message names the function, the argument and the value.
#ifndef LOOM_NATIVE_NAPI_ARGS_H_
#define LOOM_NATIVE_NAPI_ARGS_H_

#define NAPI_VERSION 8
#include <node_api.h>

#include <cstdint>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

namespace loom_napi {

constexpr double kMaxSize = 2147483647.0;        // sizes, leading dimensions: int32 range
constexpr double kMaxOffset = 9007199254740991.0;  // byte offsets: Number.MAX_SAFE_INTEGER

// Thrown inside a binding and turned into one JS Error at the boundary (see `guarded`).
struct ArgError {
  std::string message;
};

[[noreturn]] inline void fail(const std::string& message) { throw ArgError{message}; }

// "undefined", "true", "2.5", "a string", ...: how a bad value is shown in a message.
std::string describe(napi_env env, napi_value v);

// The bytes operands live in: an ArrayBuffer, or a TypedArray/DataView (offsets from its start).
struct Memory {
  uint8_t* data = nullptr;
  uint64_t length = 0;
};

// A byte range [begin, end) an operand touches.
struct Range {
  uint64_t begin = 0, end = 0;
};

// The arguments of one call of function `fn`, checked on access.
class Args {
 public:
  Args(napi_env env, napi_callback_info info, const char* fn, size_t expected, const char* usage);
  double number(size_t i, const char* name) const;
  // An integer in [min, max]; min = -1 reads as "-1 or an integer in [0, max]".
  int64_t integer(size_t i, const char* name, double min, double max) const;
  bool boolean(size_t i, const char* name) const;
  Memory memory(size_t i) const;
  // A Float32Array's elements; with `nullable`, null gives {nullptr, 0}.
  struct Floats {
    float* data = nullptr;
    size_t length = 0;
  };
  Floats float32_array(size_t i, const char* name, bool nullable = false) const;
  // A JS Array of Float32Arrays (at least one), each as float32_array reads it.
  std::vector<Floats> float32_arrays(size_t i, const char* name) const;
  struct Doubles {
    double* data = nullptr;
    size_t length = 0;
  };
  Doubles float64_array(size_t i, const char* name) const;
  struct Bytes {
    uint8_t* data = nullptr;
    size_t length = 0;
  };
  Bytes uint8_array(size_t i, const char* name) const;
  struct Ints {
    int32_t* data = nullptr;
    size_t length = 0;
  };
  Ints int32_array(size_t i, const char* name) const;
  struct Halves {
    uint16_t* data = nullptr;
    size_t length = 0;
  };
  Halves uint16_array(size_t i, const char* name) const;
  // The typed array of element type T (float, double, uint8_t, int32_t or uint16_t), as the reader
  // for that type above reads it: for code written once over several element types.
  template <class T>
  auto typed_array(size_t i, const char* name) const {
    if constexpr (std::is_same_v<T, float>) return float32_array(i, name);
    else if constexpr (std::is_same_v<T, double>) return float64_array(i, name);
    else if constexpr (std::is_same_v<T, uint8_t>) return uint8_array(i, name);
    else if constexpr (std::is_same_v<T, int32_t>) return int32_array(i, name);
    else {
      static_assert(std::is_same_v<T, uint16_t>, "no typed-array reader for this element type");
      return uint16_array(i, name);
    }
  }
  // One of `choices` (a null-terminated list of strings); returns its index.
  int choice(size_t i, const char* name, const char* const* choices) const;
  const char* fn() const { return fn_; }

 private:
  // The element count of argument i, a typed array of type `want`, and its data; fails otherwise.
  size_t typed(size_t i, const char* name, napi_typedarray_type want, const char* type_name, void** data) const;
  static constexpr size_t kMax = 24;
  napi_env env_;
  const char* fn_;
  napi_value argv_[kMax];
};

// Checks that a rows x cols float matrix with leading dimension ld at byte `offset` is 4-byte
// aligned and inside `mem`; returns the bytes it spans. rows or cols of 0 span nothing.
Range check_floats(const char* fn, const Memory& mem, const char* name, int64_t offset, int64_t rows, int64_t cols,
                   int64_t ld);

// The bytes a typed array's elements span.
inline Range range_of(const void* data, size_t bytes) {
  const uint64_t begin = reinterpret_cast<uintptr_t>(data);
  return Range{begin, begin + bytes};
}

// The bytes a typed array argument's elements span (Args::Floats, Args::Halves, ...).
template <class Array>
Range range_of(const Array& array) {
  return range_of(array.data, array.length * sizeof *array.data);
}

// Fails when the written range overlaps a read one.
void check_disjoint(const char* fn, const char* written, Range w, const char* read, Range r);

// Fails unless two arrays have one length: "fn: first has n1 elements, second n2 (they must be equal)".
void check_same_length(const char* fn, const char* first, size_t n1, const char* second, size_t n2);

// Which of an elementwise call's two arrays it writes.
enum class Written { First, Second };

// The two typed arrays of an elementwise call, in argument order: fails unless they have one length
// (check_same_length) and the written one lies apart from the other; with `in_place` it may also be
// the other exactly (never a shifted overlap). Returns the length.
template <class First, class Second>
size_t check_elementwise(const char* fn, const char* first_name, const First& first, const char* second_name,
                         const Second& second, Written written, bool in_place = false) {
  check_same_length(fn, first_name, first.length, second_name, second.length);
  if (first.length == 0) return 0;
  if (in_place && static_cast<const void*>(first.data) == static_cast<const void*>(second.data)) return first.length;
  if (written == Written::First)
    check_disjoint(fn, first_name, range_of(first), second_name, range_of(second));
  else
    check_disjoint(fn, second_name, range_of(second), first_name, range_of(first));
  return first.length;
}

void throw_js(napi_env env, const std::string& message);

// Runs `body`, turning an ArgError or an allocation failure into a JS Error; returns undefined.
template <class Body>
napi_value guarded(napi_env env, const char* fn, Body&& body) {
  try {
    body();
  } catch (const ArgError& e) {
    throw_js(env, e.message);
  } catch (const std::bad_alloc&) {
    throw_js(env, std::string(fn) + ": out of memory for scratch buffers");
  }
  return nullptr;
}

// A JS string of `s` (UTF-8).
napi_value string_value(napi_env env, const char* s);

// What a kernel family's info function returns: { kernel, simd, available }: the path in use
// (`kernel_name()`), its SIMD in words (`simd()`; no such property where `simd` is null), and the
// names of those this CPU has, widest first (`available(names, max)`).
napi_value kernel_info(napi_env env, const char* (*kernel_name)(), int (*available)(const char** names, int max),
                       const char* (*simd)() = nullptr);

// exports[name] = fn
void export_function(napi_env env, napi_value exports, const char* name, napi_callback fn);

}  // namespace loom_napi

#endif  // LOOM_NATIVE_NAPI_ARGS_H_
