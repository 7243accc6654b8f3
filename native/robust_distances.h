// Squared Euclidean distances between every pair of n float32 vectors, from their Gram matrix.
#ifndef LOOM_NATIVE_ROBUST_DISTANCES_H_
#define LOOM_NATIVE_ROBUST_DISTANCES_H_

#include <cstdint>

namespace loom {

// out (n x n, row-major, zero diagonal) = ||rows[a] - rows[b]||^2; +Infinity for a pair where
// either vector has a NaN or infinite entry. Each off-diagonal value is within a relative 2^-11
// of the exact one (typically ~1e-6); see robust_distances.cc.
void pairwise_squared_distances(int64_t n, int64_t d, const float* const* rows, double* out);

// ||a - b||^2 accumulated in double; +Infinity where it would be NaN.
double squared_distance(int64_t d, const float* a, const float* b);

}  // namespace loom

#endif  // LOOM_NATIVE_ROBUST_DISTANCES_H_
