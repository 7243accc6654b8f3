// gatherScaledBytes(pixels, sampleLength, indices, out): out = the samples at `indices`, each
// `sampleLength` bytes of `pixels`, scaled to [0, 1]; every index is checked.
#include "gather_binding.h"

#include <string>

#include "gather.h"

namespace loom_napi {
namespace {

napi_value GatherScaledBytes(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "gatherScaledBytes";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 4, "gatherScaledBytes(pixels, sampleLength, indices, out)");
    const Args::Bytes pixels = a.uint8_array(0, "pixels");
    const int64_t len = a.integer(1, "sampleLength", 1, kMaxSize);
    const Args::Ints indices = a.int32_array(2, "indices");
    const Args::Floats out = a.float32_array(3, "out");
    const int64_t samples = static_cast<int64_t>(pixels.length) / len;
    if (out.length != indices.length * static_cast<uint64_t>(len)) {
      fail(std::string(fn) + ": out has " + std::to_string(out.length) + " elements, but " + std::to_string(indices.length) +
           " indices x sampleLength " + std::to_string(len) + " = " + std::to_string(indices.length * len));
    }
    for (size_t b = 0; b < indices.length; ++b) {
      if (indices.data[b] < 0 || indices.data[b] >= samples) {
        fail(std::string(fn) + ": index " + std::to_string(indices.data[b]) + " at position " + std::to_string(b) +
             " is outside the " + std::to_string(samples) + " samples");
      }
    }
    if (indices.length == 0) return;
    loom::gather_scaled_bytes(pixels.data, len, indices.data, static_cast<int64_t>(indices.length), out.data);
  });
}

}  // namespace

void export_gather(napi_env env, napi_value exports) { export_function(env, exports, "gatherScaledBytes", GatherScaledBytes); }

}  // namespace loom_napi
