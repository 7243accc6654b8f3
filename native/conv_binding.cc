// conv2d(memory, xOffset, wOffset, yOffset, biasOffset /* -1: none */, relu, ...geometry)
// conv2dBackpropInput(memory, dyOffset, wOffset, dxOffset, ...geometry)
// conv2dBackpropFilter(memory, xOffset, dyOffset, dwOffset, ...geometry)
// geometry: N, H, W, Ci, OH, OW, Co, FH, FW, strideH, strideW, dilationH, dilationW, padTop, padLeft.
// Tensors are NHWC float32 at byte offsets of `memory`; the filter is [FH, FW, Ci, Co].
#include "conv_binding.h"

#include <cstdio>
#include <string>

#include "conv.h"

namespace loom_napi {
namespace {

constexpr size_t kGeometryArgs = 15;
constexpr double kMaxFloats = 1125899906842624.0;  // 2^50: no tensor may span more

const char* const kGeometryUsage =
    "N, H, W, Ci, OH, OW, Co, FH, FW, strideH, strideW, dilationH, dilationW, padTop, padLeft";

loom::ConvGeometry geometry(const Args& args, size_t first) {
  const char* names[kGeometryArgs] = {"N", "H", "W", "Ci", "OH", "OW", "Co", "FH", "FW",
                                      "strideH", "strideW", "dilationH", "dilationW", "padTop", "padLeft"};
  int64_t v[kGeometryArgs];
  for (size_t i = 0; i < kGeometryArgs; ++i) {
    const bool at_least_one = i >= 9 && i <= 12;  // strides and dilations
    v[i] = args.integer(first + i, names[i], at_least_one ? 1 : 0, kMaxSize);
  }
  loom::ConvGeometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  auto check = [&](const char* what, double floats) {
    if (floats > kMaxFloats) fail(std::string(args.fn()) + ": " + what + " would hold more than 2^50 floats");
  };
  check("the input", static_cast<double>(g.n) * g.h * g.w * g.ci);
  check("the output", static_cast<double>(g.n) * g.oh * g.ow * g.co);
  check("the filter", static_cast<double>(g.fh) * g.fw * g.ci * g.co);
  return g;
}

Range input_range(const Args& a, const Memory& m, const char* name, int64_t off, const loom::ConvGeometry& g) {
  return check_floats(a.fn(), m, name, off, g.n * g.h * g.w, g.ci, g.ci);
}
Range output_range(const Args& a, const Memory& m, const char* name, int64_t off, const loom::ConvGeometry& g) {
  return check_floats(a.fn(), m, name, off, g.n * g.oh * g.ow, g.co, g.co);
}
Range filter_range(const Args& a, const Memory& m, const char* name, int64_t off, const loom::ConvGeometry& g) {
  return check_floats(a.fn(), m, name, off, g.patch(), g.co, g.co);
}

const float* floats_at(const Memory& m, int64_t off) { return reinterpret_cast<const float*>(m.data + off); }
float* mutable_floats_at(const Memory& m, int64_t off) { return reinterpret_cast<float*>(m.data + off); }

napi_value Conv2d(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "conv2d";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 6 + kGeometryArgs,
                 (std::string("conv2d(memory, xOffset, wOffset, yOffset, biasOffset, relu, ") + kGeometryUsage + ")").c_str());
    const Memory m = a.memory(0);
    const int64_t x = a.integer(1, "xOffset", 0, kMaxOffset);
    const int64_t w = a.integer(2, "wOffset", 0, kMaxOffset);
    const int64_t y = a.integer(3, "yOffset", 0, kMaxOffset);
    const int64_t bias = a.integer(4, "biasOffset", -1, kMaxOffset);
    const bool relu = a.boolean(5, "relu");
    const loom::ConvGeometry g = geometry(a, 6);
    const Range ry = output_range(a, m, "y", y, g);
    check_disjoint(fn, "y", ry, "x", input_range(a, m, "x", x, g));
    check_disjoint(fn, "y", ry, "w", filter_range(a, m, "w", w, g));
    if (bias >= 0) check_disjoint(fn, "y", ry, "bias", check_floats(fn, m, "bias", bias, 1, g.co, g.co));
    loom::conv2d_forward(g, floats_at(m, x), floats_at(m, w), bias >= 0 ? floats_at(m, bias) : nullptr, relu,
                         mutable_floats_at(m, y));
  });
}

napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "conv2dBackpropInput";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 4 + kGeometryArgs,
                 (std::string("conv2dBackpropInput(memory, dyOffset, wOffset, dxOffset, ") + kGeometryUsage + ")").c_str());
    const Memory m = a.memory(0);
    const int64_t dy = a.integer(1, "dyOffset", 0, kMaxOffset);
    const int64_t w = a.integer(2, "wOffset", 0, kMaxOffset);
    const int64_t dx = a.integer(3, "dxOffset", 0, kMaxOffset);
    const loom::ConvGeometry g = geometry(a, 4);
    const Range rdx = input_range(a, m, "dx", dx, g);
    check_disjoint(fn, "dx", rdx, "dy", output_range(a, m, "dy", dy, g));
    check_disjoint(fn, "dx", rdx, "w", filter_range(a, m, "w", w, g));
    loom::conv2d_backprop_input(g, floats_at(m, dy), floats_at(m, w), mutable_floats_at(m, dx));
  });
}

napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "conv2dBackpropFilter";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 4 + kGeometryArgs,
                 (std::string("conv2dBackpropFilter(memory, xOffset, dyOffset, dwOffset, ") + kGeometryUsage + ")").c_str());
    const Memory m = a.memory(0);
    const int64_t x = a.integer(1, "xOffset", 0, kMaxOffset);
    const int64_t dy = a.integer(2, "dyOffset", 0, kMaxOffset);
    const int64_t dw = a.integer(3, "dwOffset", 0, kMaxOffset);
    const loom::ConvGeometry g = geometry(a, 4);
    const Range rdw = filter_range(a, m, "dw", dw, g);
    check_disjoint(fn, "dw", rdw, "x", input_range(a, m, "x", x, g));
    check_disjoint(fn, "dw", rdw, "dy", output_range(a, m, "dy", dy, g));
    loom::conv2d_backprop_filter(g, floats_at(m, x), floats_at(m, dy), mutable_floats_at(m, dw));
  });
}

}  // namespace

void export_conv(napi_env env, napi_value exports) {
  export_function(env, exports, "conv2d", Conv2d);
  export_function(env, exports, "conv2dBackpropInput", Conv2dBackpropInput);
  export_function(env, exports, "conv2dBackpropFilter", Conv2dBackpropFilter);
}

}  // namespace loom_napi
