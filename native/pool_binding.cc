// maxPoolGrad(memory, xOffset, dyOffset, dxOffset, N, H, W, C, OH, OW, FH, FW, strideH, strideW,
//             padTop, padLeft): NHWC float32 at byte offsets of `memory` (see pool.h).
#include "pool_binding.h"

#include <string>

#include "pool.h"

namespace loom_napi {
namespace {

napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "maxPoolGrad";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 16,
                 "maxPoolGrad(memory, xOffset, dyOffset, dxOffset, N, H, W, C, OH, OW, FH, FW, strideH, strideW, padTop, padLeft)");
    const Memory m = a.memory(0);
    const int64_t x = a.integer(1, "xOffset", 0, kMaxOffset);
    const int64_t dy = a.integer(2, "dyOffset", 0, kMaxOffset);
    const int64_t dx = a.integer(3, "dxOffset", 0, kMaxOffset);
    const char* names[12] = {"N", "H", "W", "C", "OH", "OW", "FH", "FW", "strideH", "strideW", "padTop", "padLeft"};
    int64_t v[12];
    for (int i = 0; i < 12; ++i) v[i] = a.integer(4 + i, names[i], i == 8 || i == 9 ? 1 : 0, kMaxSize);
    const loom::PoolGeometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
    if (static_cast<double>(g.n) * g.h * g.w * g.c > 1125899906842624.0 || static_cast<double>(g.n) * g.oh * g.ow * g.c > 1125899906842624.0) {
      fail(std::string(fn) + ": the tensors would hold more than 2^50 floats");
    }
    const Range rdx = check_floats(fn, m, "dx", dx, g.n * g.h * g.w, g.c, g.c);
    check_disjoint(fn, "dx", rdx, "x", check_floats(fn, m, "x", x, g.n * g.h * g.w, g.c, g.c));
    check_disjoint(fn, "dx", rdx, "dy", check_floats(fn, m, "dy", dy, g.n * g.oh * g.ow, g.c, g.c));
    loom::max_pool_grad(g, reinterpret_cast<const float*>(m.data + x), reinterpret_cast<const float*>(m.data + dy),
                        reinterpret_cast<float*>(m.data + dx));
  });
}

}  // namespace

void export_pool(napi_env env, napi_value exports) { export_function(env, exports, "maxPoolGrad", MaxPoolGrad); }

}  // namespace loom_napi
