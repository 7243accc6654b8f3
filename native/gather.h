// Building an image batch: gathering samples of uint8 pixels by index and scaling them to
// float32 in [0, 1] (src/data/image-dataset.ts).
#ifndef LOOM_NATIVE_GATHER_H_
#define LOOM_NATIVE_GATHER_H_

#include <cstdint>

namespace loom {

// out[b * len + k] = pixels[indices[b] * len + k] / 255 as float32 (the bits of JavaScript's
// Math.fround(p / 255)) for b < count; every index must already be inside `pixels`.
void gather_scaled_bytes(const uint8_t* pixels, int64_t len, const int32_t* indices, int64_t count, float* out);

}  // namespace loom

#endif  // LOOM_NATIVE_GATHER_H_
