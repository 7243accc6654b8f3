// Coordinate-wise order statistics by sorting networks (Batcher, "Sorting networks and their
// applications", AFIPS 1968: the odd-even merge sort, valid for any n). A network is a fixed
// list of compare-exchanges, so it sorts kLanes coordinates at once with vector min/max and no
// branches; a per-coordinate insertion sort (src/robust/aggregators/coordinate-order.ts) is
// branch-bound.
//
// Values are sorted as int32 keys: the float bits with the magnitude bits flipped for negative
// numbers, which orders -Inf < ... < -0 < +0 < ... < +Inf, and every NaN mapped to one key above
// +Inf (NaN sorts last, as in the TypeScript path). One difference: -0 sorts below +0 here, while
// the TypeScript comparison ties them (so a zero result may carry the other sign).
#include "robust_order.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "target_clones.h"

namespace loom {
namespace {

constexpr int64_t kLanes = 64;  // coordinates per block: n x 64 keys stay in L1

// 16 keys (one AVX-512 register, two AVX2 ones, four SSE2 ones: GCC splits it per target). Its
// natural alignment differs between the clones' targets, so it claims none: unaligned moves.
typedef int32_t KeyVector __attribute__((vector_size(64), aligned(4)));
constexpr int64_t kVectors = kLanes / 16;

// 8 doubles, and the load of 8 floats into one.
typedef double DoubleVector __attribute__((vector_size(64), aligned(8)));
typedef float FloatVector8 __attribute__((vector_size(32), aligned(4)));
typedef int64_t Int64Vector __attribute__((vector_size(64), aligned(8)));
typedef uint64_t UInt64Vector __attribute__((vector_size(64), aligned(8)));
// out = the 8 floats at p as doubles (an out-parameter: a function returning a 64-byte vector has
// a target-dependent ABI, and this one is inlined into every clone).
__attribute__((always_inline)) inline void load8(const float* p, DoubleVector& out) {
  FloatVector8 x;
  std::memcpy(&x, p, sizeof x);
  out = __builtin_convertvector(x, DoubleVector);
}

struct Comparator {
  int32_t lo, hi;
};

// Batcher's odd-even merge sort for n inputs, in its iterative form (merges of runs of p = 1, 2,
// 4, ...): comparators that would touch an index >= n are dropped, which is the same as padding
// the input with +Infinity (those comparators would never move anything).
std::vector<Comparator> batcher_network(int64_t n) {
  std::vector<Comparator> network;
  for (int64_t p = 1; p < n; p *= 2) {
    for (int64_t k = p; k >= 1; k /= 2) {
      for (int64_t j = k % p; j + k < n; j += 2 * k) {
        for (int64_t i = 0; i < k && i + j + k < n; ++i) {
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
            network.push_back({static_cast<int32_t>(i + j), static_cast<int32_t>(i + j + k)});
          }
        }
      }
    }
  }
  return network;
}

// float bits -> order key; applied to its own output it gives the bits back (NaN aside).
inline int32_t flip(int32_t bits) { return bits ^ ((bits >> 31) & 0x7fffffff); }

constexpr int32_t kNaNKey = 0x7fc00000;  // a quiet NaN's key: above +Inf's (0x7f800000)

inline float value_of(int32_t key) {
  const int32_t bits = flip(key);
  float x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

// The TypeScript meanAroundMedian (src/robust/aggregators/mean-around-median.ts) on one sorted
// column, step for step in double, including its reads past either end (undefined there: NaN).
inline double mean_around_median(const float* column, int64_t stride, int64_t n, int64_t count) {
  auto at = [&](int64_t k) { return static_cast<double>(column[k * stride]); };
  const double median = n % 2 == 1 ? at(n >> 1) : (at((n >> 1) - 1) + at(n >> 1)) / 2;
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  int64_t lo = (n - 1) >> 1;
  int64_t hi = lo + 1;
  double sum = 0;
  for (int64_t taken = 0; taken < count; ++taken) {
    const double below = lo >= 0 ? median - at(lo) : inf;
    const double above = hi < n ? at(hi) - median : inf;
    if (below <= above) {
      sum += lo >= 0 ? at(lo) : nan;
      --lo;
    } else {
      sum += hi < n ? at(hi) : nan;
      ++hi;
    }
  }
  return sum / static_cast<double>(count);
}

// The same for a block of sorted columns (v[k * kLanes + l]: value k of column l). On finite
// columns the walk above takes a contiguous window of the sorted values, [lo - t + 1, lo - t + count]
// for the number t it takes from below; the t-th value below (distance b_t from the median) is
// taken iff b_t <= a_(count-1-t), the (count-t)-th distance above (the walk merges two ascending
// sequences, ties to below). So t is a count of comparisons at fixed rows: vector code, no walk.
// The window is summed from its bottom (the walk sums outwards: the doubles may differ in the last
// bit). A column with a non-finite value takes the walk itself.
//
// Written on integer vectors: GCC 12 scalarizes comparisons of double vectors under its default
// -ftrapping-math. b <= a is read off the sign bit of (a - b) + 0 (the sign of a difference of
// finite doubles is exact, and adding +0 turns -0 into +0), and the window is a bit mask.
__attribute__((always_inline)) inline void mean_around_median_block(const float* v, int64_t n, int64_t count, int64_t width, float* out) {
  const int64_t lo = (n - 1) >> 1, hi = lo + 1;
  const int64_t first_row = std::max<int64_t>(0, lo + 1 - count), last_row = std::min(n - 1, lo + count);
  const float* mid = v + (n >> 1) * kLanes;
  const Int64Vector none = {};
  double sum[kLanes];
  for (int64_t g = 0; g < kLanes; g += 8) {
    DoubleVector median, lower, upper;
    load8(mid + g, median);
    if (n % 2 == 0) {
      load8(mid + g - kLanes, lower);
      median = (lower + median) / 2;
    }
    Int64Vector taken = none;
    for (int64_t t = 0; t < count && t <= lo; ++t) {
      const int64_t above_row = hi + count - 1 - t;
      if (above_row >= n) {  // nothing left above: the walk takes from below
        taken += 1;
        continue;
      }
      load8(v + (lo - t) * kLanes + g, lower);
      load8(v + above_row * kLanes + g, upper);
      const DoubleVector below = median - lower;
      const DoubleVector above = upper - median;
      const DoubleVector gap = (above - below) + 0.0;
      taken += 1 + (reinterpret_cast<Int64Vector>(gap) >> 63);  // +1 unless above < below
    }
    const Int64Vector first = (lo + 1) - taken;
    Int64Vector window = none;  // the bits of a DoubleVector
    for (int64_t p = first_row; p <= last_row; ++p) {
      const Int64Vector offset = p - first;
      // all ones where 0 <= offset < count (one unsigned comparison), else zero
      const Int64Vector inside = reinterpret_cast<Int64Vector>(reinterpret_cast<UInt64Vector>(offset) < static_cast<uint64_t>(count));
      DoubleVector value;
      load8(v + p * kLanes + g, value);
      const Int64Vector row = reinterpret_cast<Int64Vector>(value);
      window = reinterpret_cast<Int64Vector>(reinterpret_cast<DoubleVector>(window) + reinterpret_cast<DoubleVector>(row & inside));
    }
    const DoubleVector total = reinterpret_cast<DoubleVector>(window);
    for (int l = 0; l < 8; ++l) sum[g + l] = total[l];
  }
  const float* top = v + (n - 1) * kLanes;
  const float inf = std::numeric_limits<float>::infinity();
  for (int64_t l = 0; l < width; ++l) {
    const bool finite = v[l] > -inf && top[l] < inf;  // sorted: NaN and +Inf on top, -Inf at the bottom
    out[l] = static_cast<float>(finite ? sum[l] / static_cast<double>(count) : mean_around_median(v + l, kLanes, n, count));
  }
}

}  // namespace

LOOM_TARGET_CLONES
void coordinate_order(int64_t n, int64_t d, const float* const* rows, float* out, OrderStatistic statistic,
                      int64_t param) {
  const std::vector<Comparator> network = batcher_network(n);
  // 16 extra keys to start the block on a 64-byte boundary (the moves are faster aligned).
  std::vector<int32_t> key_buffer(static_cast<size_t>(n * kLanes + 16));
  std::vector<float> sorted_buffer(static_cast<size_t>(n * kLanes));
  std::vector<double> sum_buffer(kLanes);
  int32_t* const keys = key_buffer.data() + (16 - (reinterpret_cast<uintptr_t>(key_buffer.data()) / 4) % 16) % 16;
  KeyVector* const blocks = reinterpret_cast<KeyVector*>(keys);
  float* const sorted = sorted_buffer.data();
  double* const sum = sum_buffer.data();
  const int64_t lo = (n - 1) >> 1;  // the middle for odd n, the lower middle for even n

  for (int64_t j0 = 0; j0 < d; j0 += kLanes) {
    const int64_t width = std::min(kLanes, d - j0);
    // Gather the block column-major (row i's kLanes values contiguous), as keys. Lanes past
    // `width` are zero: sorted along, never written out.
    for (int64_t i = 0; i < n; ++i) {
      int32_t* dst = keys + i * kLanes;
      std::memcpy(dst, rows[i] + j0, static_cast<size_t>(width) * sizeof(float));
      if (width < kLanes) std::fill(dst + width, dst + kLanes, 0);
      for (int64_t l = 0; l < kLanes; ++l) {
        const int32_t bits = dst[l];
        dst[l] = (bits & 0x7fffffff) > 0x7f800000 ? kNaNKey : flip(bits);
      }
    }
    for (const Comparator& c : network) {
      KeyVector* a = blocks + c.lo * kVectors;
      KeyVector* b = blocks + c.hi * kVectors;
      for (int64_t v = 0; v < kVectors; ++v) {
        const KeyVector x = a[v], y = b[v];
        const auto less = x < y;
        a[v] = less ? x : y;
        b[v] = less ? y : x;
      }
    }
    float* const o = out + j0;
    switch (statistic) {
      case OrderStatistic::kMedian:
      case OrderStatistic::kLowerMedian: {
        const int32_t* mid = keys + lo * kLanes;
        if (n % 2 == 1 || statistic == OrderStatistic::kLowerMedian) {
          for (int64_t l = 0; l < width; ++l) o[l] = value_of(mid[l]);
        } else {
          const int32_t* up = mid + kLanes;
          for (int64_t l = 0; l < width; ++l) {
            o[l] = static_cast<float>((static_cast<double>(value_of(mid[l])) + static_cast<double>(value_of(up[l]))) / 2);
          }
        }
        break;
      }
      case OrderStatistic::kTrimmedMean: {
        // Summed from sorted[param] up, as the TypeScript loop: the same doubles, the same result.
        std::fill(sum, sum + kLanes, 0.0);
        for (int64_t k = param; k < n - param; ++k) {
          const int32_t* row = keys + k * kLanes;
          for (int64_t l = 0; l < kLanes; ++l) sum[l] += static_cast<double>(value_of(row[l]));
        }
        const double kept = static_cast<double>(n - 2 * param);
        for (int64_t l = 0; l < width; ++l) o[l] = static_cast<float>(sum[l] / kept);
        break;
      }
      case OrderStatistic::kMeanAroundMedian: {
        for (int64_t i = 0; i < n * kLanes; ++i) sorted[i] = value_of(keys[i]);
        mean_around_median_block(sorted, n, param, width, o);
        break;
      }
    }
  }
}

}  // namespace loom
