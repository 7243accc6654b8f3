// sgdUpdate(params, grads, momentum /* Float32Array or null */, lr, weightDecay, carry, gain,
//           gradWeight, momentumWeight): in place on the arrays (see optim.h).
#include "optim_binding.h"

#include <string>

#include "optim.h"

namespace loom_napi {
namespace {

napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "sgdUpdate";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 9,
                 "sgdUpdate(params, grads, momentum, lr, weightDecay, carry, gain, gradWeight, momentumWeight)");
    const Args::Floats w = a.float32_array(0, "params");
    const Args::Floats g = a.float32_array(1, "grads");
    const Args::Floats buf = a.float32_array(2, "momentum", true);
    double s[6];
    const char* names[6] = {"lr", "weightDecay", "carry", "gain", "gradWeight", "momentumWeight"};
    for (int i = 0; i < 6; ++i) s[i] = a.number(3 + i, names[i]);
    if (g.length != w.length || (buf.data != nullptr && buf.length != w.length)) {
      fail(std::string(fn) + ": params has " + std::to_string(w.length) + " elements, grads " + std::to_string(g.length) +
           (buf.data ? ", momentum " + std::to_string(buf.length) : std::string()) + " (they must be equal)");
    }
    // Overlap would change results mid-loop; separate arrays are the contract.
    auto range = [](const Args::Floats& f) {
      const uint64_t b = reinterpret_cast<uintptr_t>(f.data);
      return Range{b, b + f.length * 4};
    };
    if (w.length > 0) {
      check_disjoint(fn, "params", range(w), "grads", range(g));
      if (buf.data) {
        check_disjoint(fn, "momentum", range(buf), "params", range(w));
        check_disjoint(fn, "momentum", range(buf), "grads", range(g));
      }
    }
    loom::sgd_update(static_cast<int64_t>(w.length), w.data, g.data, buf.data, s[0], s[1], s[2], s[3], s[4], s[5]);
  });
}

}  // namespace

void export_optim(napi_env env, napi_value exports) { export_function(env, exports, "sgdUpdate", SgdUpdate); }

}  // namespace loom_napi
