// addRowVector(memory, xOffset, bOffset, yOffset, rows, cols): y = x + b per row (y may equal x).
// columnSums(memory, xOffset, outOffset, rows, cols): out = the sum of x's rows.
// reluGrad(memory, dyOffset, xOffset, dxOffset, n): dx = dy * step(x) (dx may be dy).
// addInto(dst, src): dst += src over two Float32Arrays of one length (either may be shared memory; dst may be src).
#include "elementwise_binding.h"

#include "elementwise.h"

namespace loom_napi {
namespace {

napi_value AddRowVector(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "addRowVector";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 6, "addRowVector(memory, xOffset, bOffset, yOffset, rows, cols)");
    const Memory m = a.memory(0);
    const int64_t x = a.integer(1, "xOffset", 0, kMaxOffset);
    const int64_t b = a.integer(2, "bOffset", 0, kMaxOffset);
    const int64_t y = a.integer(3, "yOffset", 0, kMaxOffset);
    const int64_t rows = a.integer(4, "rows", 0, kMaxSize);
    const int64_t cols = a.integer(5, "cols", 0, kMaxSize);
    const Range rx = check_floats(fn, m, "x", x, rows, cols, cols);
    const Range ry = check_floats(fn, m, "y", y, rows, cols, cols);
    const Range rb = check_floats(fn, m, "b", b, rows > 0 ? 1 : 0, cols, cols);
    // y may be x exactly (in place), but not a shifted overlap, and never the bias.
    if (rx.begin != ry.begin) check_disjoint(fn, "y", ry, "x", rx);
    check_disjoint(fn, "y", ry, "b", rb);
    if (rows == 0 || cols == 0) return;
    loom::add_row_vector(rows, cols, reinterpret_cast<const float*>(m.data + x), reinterpret_cast<const float*>(m.data + b),
                         reinterpret_cast<float*>(m.data + y));
  });
}

napi_value ColumnSums(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "columnSums";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 5, "columnSums(memory, xOffset, outOffset, rows, cols)");
    const Memory m = a.memory(0);
    const int64_t x = a.integer(1, "xOffset", 0, kMaxOffset);
    const int64_t out = a.integer(2, "outOffset", 0, kMaxOffset);
    const int64_t rows = a.integer(3, "rows", 0, kMaxSize);
    const int64_t cols = a.integer(4, "cols", 0, kMaxSize);
    const Range ro = check_floats(fn, m, "out", out, 1, cols, cols);
    check_disjoint(fn, "out", ro, "x", check_floats(fn, m, "x", x, rows, cols, cols));
    if (cols == 0) return;
    loom::column_sums(rows, cols, reinterpret_cast<const float*>(m.data + x), reinterpret_cast<float*>(m.data + out));
  });
}

napi_value ReluGrad(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "reluGrad";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 5, "reluGrad(memory, dyOffset, xOffset, dxOffset, n)");
    const Memory m = a.memory(0);
    const int64_t dy = a.integer(1, "dyOffset", 0, kMaxOffset);
    const int64_t x = a.integer(2, "xOffset", 0, kMaxOffset);
    const int64_t dx = a.integer(3, "dxOffset", 0, kMaxOffset);
    const int64_t n = a.integer(4, "n", 0, kMaxSize);
    const Range rdy = check_floats(fn, m, "dy", dy, 1, n, n);
    const Range rx = check_floats(fn, m, "x", x, 1, n, n);
    const Range rdx = check_floats(fn, m, "dx", dx, 1, n, n);
    if (rdx.begin != rdy.begin) check_disjoint(fn, "dx", rdx, "dy", rdy);
    check_disjoint(fn, "dx", rdx, "x", rx);
    if (n == 0) return;
    loom::relu_grad(n, reinterpret_cast<const float*>(m.data + dy), reinterpret_cast<const float*>(m.data + x),
                    reinterpret_cast<float*>(m.data + dx));
  });
}

napi_value AddInto(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "addInto";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 2, "addInto(dst, src)");
    const Args::Floats dst = a.float32_array(0, "dst");
    const Args::Floats src = a.float32_array(1, "src");
    // dst may be src exactly (doubling it), as the JavaScript loop allows, but not a shifted overlap.
    const size_t n = check_elementwise(fn, "dst", dst, "src", src, Written::First, /*in_place=*/true);
    if (n == 0) return;
    loom::add_into(static_cast<int64_t>(n), dst.data, src.data);
  });
}

}  // namespace

void export_elementwise(napi_env env, napi_value exports) {
  export_function(env, exports, "addRowVector", AddRowVector);
  export_function(env, exports, "columnSums", ColumnSums);
  export_function(env, exports, "reluGrad", ReluGrad);
  export_function(env, exports, "addInto", AddInto);
}

}  // namespace loom_napi
