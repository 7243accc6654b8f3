// affineNorm(memory, xOffset, gainOffset, biasOffset, residualOffset /* -1: none */, yOffset, meanOffset,
//            rstdOffset, samples, positions, channels, groups, eps, relu)
// affineNormGrad(memory, dyOffset, xOffset, meanOffset, rstdOffset, gainOffset, yOffset /* -1: no ReLU mask */,
//                dxOffset, dgainOffset, dbiasOffset, dzOffset /* -1: none */, samples, positions, channels, groups)
// float32 operands at byte offsets of `memory` (see norm.h); what a call writes overlaps nothing it
// reads nor anything else it writes.
#include "norm_binding.h"

#include <cmath>
#include <string>
#include <vector>

#include "norm.h"

namespace loom_napi {
namespace {

struct Operand {
  const char* name;
  Range range;
};

// Fails when a written operand overlaps any other operand.
void check_all_disjoint(const char* fn, const std::vector<Operand>& written, const std::vector<Operand>& read) {
  for (size_t i = 0; i < written.size(); ++i) {
    for (size_t j = i + 1; j < written.size(); ++j) check_disjoint(fn, written[i].name, written[i].range, written[j].name, written[j].range);
    for (const Operand& r : read) check_disjoint(fn, written[i].name, written[i].range, r.name, r.range);
  }
}

// The shape arguments at a..a+3: samples, positions, channels, groups (>= 1, dividing channels).
loom::NormShape shape_args(const Args& a, size_t i, const char* fn) {
  loom::NormShape s{a.integer(i, "samples", 0, kMaxSize), a.integer(i + 1, "positions", 0, kMaxSize),
                    a.integer(i + 2, "channels", 0, kMaxSize), a.integer(i + 3, "groups", 1, kMaxSize)};
  if (s.channels % s.groups != 0) {
    fail(std::string(fn) + ": groups " + std::to_string(s.groups) + " does not divide channels " + std::to_string(s.channels));
  }
  if (static_cast<double>(s.samples) * static_cast<double>(s.positions) * static_cast<double>(s.channels) > 1125899906842624.0) {
    fail(std::string(fn) + ": the tensors would hold more than 2^50 floats");
  }
  return s;
}

napi_value AffineNorm(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "affineNorm";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 14,
                 "affineNorm(memory, xOffset, gainOffset, biasOffset, residualOffset, yOffset, meanOffset, rstdOffset, "
                 "samples, positions, channels, groups, eps, relu)");
    const Memory m = a.memory(0);
    const int64_t x = a.integer(1, "xOffset", 0, kMaxOffset);
    const int64_t gain = a.integer(2, "gainOffset", 0, kMaxOffset);
    const int64_t bias = a.integer(3, "biasOffset", 0, kMaxOffset);
    const int64_t residual = a.integer(4, "residualOffset", -1, kMaxOffset);
    const int64_t y = a.integer(5, "yOffset", 0, kMaxOffset);
    const int64_t mean = a.integer(6, "meanOffset", 0, kMaxOffset);
    const int64_t rstd = a.integer(7, "rstdOffset", 0, kMaxOffset);
    const loom::NormShape s = shape_args(a, 8, fn);
    const double eps = a.number(12, "eps");
    if (!(eps >= 0.0) || !std::isfinite(eps)) fail(std::string(fn) + ": eps must be a finite number >= 0, got " + std::to_string(eps));
    const bool relu = a.boolean(13, "relu");
    const int64_t rows = s.samples * s.positions;
    std::vector<Operand> read = {{"x", check_floats(fn, m, "x", x, rows, s.channels, s.channels)},
                                 {"gain", check_floats(fn, m, "gain", gain, 1, s.channels, s.channels)},
                                 {"bias", check_floats(fn, m, "bias", bias, 1, s.channels, s.channels)}};
    if (residual >= 0) read.push_back({"residual", check_floats(fn, m, "residual", residual, rows, s.channels, s.channels)});
    const std::vector<Operand> written = {{"y", check_floats(fn, m, "y", y, rows, s.channels, s.channels)},
                                          {"mean", check_floats(fn, m, "mean", mean, s.samples, s.groups, s.groups)},
                                          {"rstd", check_floats(fn, m, "rstd", rstd, s.samples, s.groups, s.groups)}};
    check_all_disjoint(fn, written, read);
    const auto f = [&](int64_t off) { return reinterpret_cast<float*>(m.data + off); };
    loom::affine_norm_forward(s, static_cast<float>(eps), f(x), f(gain), f(bias), residual >= 0 ? f(residual) : nullptr, relu, f(y),
                              f(mean), f(rstd));
  });
}

napi_value AffineNormGrad(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "affineNormGrad";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 15,
                 "affineNormGrad(memory, dyOffset, xOffset, meanOffset, rstdOffset, gainOffset, yOffset, dxOffset, "
                 "dgainOffset, dbiasOffset, dzOffset, samples, positions, channels, groups)");
    const Memory m = a.memory(0);
    const int64_t dy = a.integer(1, "dyOffset", 0, kMaxOffset);
    const int64_t x = a.integer(2, "xOffset", 0, kMaxOffset);
    const int64_t mean = a.integer(3, "meanOffset", 0, kMaxOffset);
    const int64_t rstd = a.integer(4, "rstdOffset", 0, kMaxOffset);
    const int64_t gain = a.integer(5, "gainOffset", 0, kMaxOffset);
    const int64_t y = a.integer(6, "yOffset", -1, kMaxOffset);
    const int64_t dx = a.integer(7, "dxOffset", 0, kMaxOffset);
    const int64_t dgain = a.integer(8, "dgainOffset", 0, kMaxOffset);
    const int64_t dbias = a.integer(9, "dbiasOffset", 0, kMaxOffset);
    const int64_t dz = a.integer(10, "dzOffset", -1, kMaxOffset);
    const loom::NormShape s = shape_args(a, 11, fn);
    const int64_t rows = s.samples * s.positions;
    std::vector<Operand> read = {{"dy", check_floats(fn, m, "dy", dy, rows, s.channels, s.channels)},
                                 {"x", check_floats(fn, m, "x", x, rows, s.channels, s.channels)},
                                 {"mean", check_floats(fn, m, "mean", mean, s.samples, s.groups, s.groups)},
                                 {"rstd", check_floats(fn, m, "rstd", rstd, s.samples, s.groups, s.groups)},
                                 {"gain", check_floats(fn, m, "gain", gain, 1, s.channels, s.channels)}};
    if (y >= 0) read.push_back({"y", check_floats(fn, m, "y", y, rows, s.channels, s.channels)});
    std::vector<Operand> written = {{"dx", check_floats(fn, m, "dx", dx, rows, s.channels, s.channels)},
                                    {"dgain", check_floats(fn, m, "dgain", dgain, 1, s.channels, s.channels)},
                                    {"dbias", check_floats(fn, m, "dbias", dbias, 1, s.channels, s.channels)}};
    if (dz >= 0) written.push_back({"dz", check_floats(fn, m, "dz", dz, rows, s.channels, s.channels)});
    check_all_disjoint(fn, written, read);
    const auto f = [&](int64_t off) { return reinterpret_cast<float*>(m.data + off); };
    loom::affine_norm_backward(s, f(dy), f(x), f(mean), f(rstd), f(gain), y >= 0 ? f(y) : nullptr, f(dx), f(dgain), f(dbias),
                               dz >= 0 ? f(dz) : nullptr);
  });
}

}  // namespace

void export_norm(napi_env env, napi_value exports) {
  export_function(env, exports, "affineNorm", AffineNorm);
  export_function(env, exports, "affineNormGrad", AffineNormGrad);
}

}  // namespace loom_napi
