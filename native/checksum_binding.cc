// fletcher4Mix(state: Uint8Array, data: Uint8Array): runs data's whole 16-byte blocks into the 128-byte
// accumulator state (16 little-endian u64, state[4 * level + lane]); data's length must be a
// multiple of 16. Either may be shared memory; they must not overlap.
#include "checksum_binding.h"

#include <cstring>
#include <string>

#include "checksum.h"

namespace loom_napi {
namespace {

constexpr size_t kStateBytes = 16 * sizeof(uint64_t);

napi_value Fletcher4Mix(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "fletcher4Mix";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 2, "fletcher4Mix(state: Uint8Array, data: Uint8Array)");
    const Args::Bytes state = a.uint8_array(0, "state");
    const Args::Bytes data = a.uint8_array(1, "data");
    if (state.length != kStateBytes) fail(std::string(fn) + ": state must be " + std::to_string(kStateBytes) + " bytes, got " + std::to_string(state.length));
    if (data.length % 16 != 0) fail(std::string(fn) + ": data must be whole 16-byte blocks, got " + std::to_string(data.length) + " bytes");
    const bool overlap = state.data < data.data + data.length && data.data < state.data + state.length;
    if (overlap && data.length > 0) fail(std::string(fn) + ": state and data overlap");
    uint64_t accumulators[16];  // the state's bytes need not be 8-byte aligned
    std::memcpy(accumulators, state.data, kStateBytes);
    loom::fletcher4_mix(accumulators, data.data, static_cast<int64_t>(data.length / 16));
    std::memcpy(state.data, accumulators, kStateBytes);
  });
}

}  // namespace

void export_checksum(napi_env env, napi_value exports) { export_function(env, exports, "fletcher4Mix", Fletcher4Mix); }

}  // namespace loom_napi
