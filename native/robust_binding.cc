// Robust aggregation over n separate Float32Arrays of one length d (inputs: a JS Array of them):
//   coordinateMedian(inputs, out, lower)       out = the coordinate-wise median (lower: even n takes the lower)
//   trimmedMean(inputs, out, f)                out = the coordinate-wise mean without the f lowest and f highest
//   meanAroundMedian(inputs, out, count)       out = per coordinate the mean of the count values nearest the median
//   pairwiseSquaredDistances(inputs, out)      out (Float64Array, n x n) = squared distances
//   weiszfeldStep(inputs, weights, z, squared) z (Float64Array, d) = weighted mean; squared (n) = ||z - x_i||^2
//   rowAverage(inputs, out)                    out = the mean of the inputs, in double
// Outputs must not overlap any input or each other.
#include "robust_binding.h"

#include <string>
#include <vector>

#include "robust_distances.h"
#include "robust_order.h"
#include "row_average.h"
#include "weiszfeld.h"

namespace loom_napi {
namespace {

using Floats = Args::Floats;

// The inputs (each of `d` floats) as row pointers.
std::vector<const float*> rows_of(const char* fn, const std::vector<Floats>& inputs, size_t d) {
  std::vector<const float*> rows(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].length != d) {
      fail(std::string(fn) + ": inputs[" + std::to_string(i) + "] has " + std::to_string(inputs[i].length) + " values; expected " +
           std::to_string(d));
    }
    rows[i] = inputs[i].data;
  }
  return rows;
}

void check_apart(const char* fn, const char* written, Range w, const std::vector<Floats>& inputs) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string name = "inputs[" + std::to_string(i) + "]";
    check_disjoint(fn, written, w, name.c_str(), range_of(inputs[i].data, inputs[i].length * sizeof(float)));
  }
}

// The shared shape of the three order-statistic calls: (inputs, out, parameter).
template <class Param>
napi_value order_call(napi_env env, napi_callback_info info, const char* fn, const char* usage, Param&& param) {
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 3, usage);
    const std::vector<Floats> inputs = a.float32_arrays(0, "inputs");
    const Floats out = a.float32_array(1, "out");
    const std::vector<const float*> rows = rows_of(fn, inputs, out.length);
    check_apart(fn, "out", range_of(out.data, out.length * sizeof(float)), inputs);
    const int64_t n = static_cast<int64_t>(inputs.size());
    loom::OrderStatistic statistic;
    const int64_t p = param(a, n, statistic);
    if (out.length == 0) return;
    loom::coordinate_order(n, static_cast<int64_t>(out.length), rows.data(), out.data, statistic, p);
  });
}

napi_value CoordinateMedian(napi_env env, napi_callback_info info) {
  return order_call(env, info, "coordinateMedian", "coordinateMedian(inputs, out, lower)",
                    [](const Args& a, int64_t, loom::OrderStatistic& s) {
                      s = a.boolean(2, "lower") ? loom::OrderStatistic::kLowerMedian : loom::OrderStatistic::kMedian;
                      return int64_t{0};
                    });
}

napi_value TrimmedMean(napi_env env, napi_callback_info info) {
  return order_call(env, info, "trimmedMean", "trimmedMean(inputs, out, f)", [](const Args& a, int64_t n, loom::OrderStatistic& s) {
    s = loom::OrderStatistic::kTrimmedMean;
    // 2f < n: f <= (n - 1) / 2
    return a.integer(2, "f", 0, static_cast<double>((n - 1) / 2));
  });
}

napi_value MeanAroundMedian(napi_env env, napi_callback_info info) {
  return order_call(env, info, "meanAroundMedian", "meanAroundMedian(inputs, out, count)",
                    [](const Args& a, int64_t n, loom::OrderStatistic& s) {
                      s = loom::OrderStatistic::kMeanAroundMedian;
                      return a.integer(2, "count", 1, static_cast<double>(n));
                    });
}

napi_value PairwiseSquaredDistances(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "pairwiseSquaredDistances";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 2, "pairwiseSquaredDistances(inputs, out)");
    const std::vector<Floats> inputs = a.float32_arrays(0, "inputs");
    const Args::Doubles out = a.float64_array(1, "out");
    const size_t n = inputs.size();
    const std::vector<const float*> rows = rows_of(fn, inputs, inputs[0].length);
    if (out.length != n * n) {
      fail(std::string(fn) + ": out has " + std::to_string(out.length) + " values; expected n * n = " + std::to_string(n * n));
    }
    check_apart(fn, "out", range_of(out.data, out.length * sizeof(double)), inputs);
    loom::pairwise_squared_distances(static_cast<int64_t>(n), static_cast<int64_t>(inputs[0].length), rows.data(), out.data);
  });
}

napi_value WeiszfeldStep(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "weiszfeldStep";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 4, "weiszfeldStep(inputs, weights, z, squared)");
    const std::vector<Floats> inputs = a.float32_arrays(0, "inputs");
    const Args::Doubles weights = a.float64_array(1, "weights");
    const Args::Doubles z = a.float64_array(2, "z");
    const Args::Doubles squared = a.float64_array(3, "squared");
    const size_t n = inputs.size();
    const std::vector<const float*> rows = rows_of(fn, inputs, z.length);
    auto check_length = [&](const char* name, size_t length) {
      if (length != n) fail(std::string(fn) + ": " + name + " has " + std::to_string(length) + " values; expected n = " + std::to_string(n));
    };
    check_length("weights", weights.length);
    check_length("squared", squared.length);
    const Range rz = range_of(z.data, z.length * sizeof(double));
    const Range rs = range_of(squared.data, squared.length * sizeof(double));
    const Range rw = range_of(weights.data, weights.length * sizeof(double));
    check_apart(fn, "z", rz, inputs);
    check_apart(fn, "squared", rs, inputs);
    check_disjoint(fn, "z", rz, "weights", rw);
    check_disjoint(fn, "squared", rs, "weights", rw);
    check_disjoint(fn, "z", rz, "squared", rs);
    loom::weiszfeld_step(static_cast<int64_t>(n), static_cast<int64_t>(z.length), rows.data(), weights.data, z.data, squared.data);
  });
}

napi_value RowAverage(napi_env env, napi_callback_info info) {
  constexpr const char* fn = "rowAverage";
  return guarded(env, fn, [&] {
    const Args a(env, info, fn, 2, "rowAverage(inputs, out)");
    const std::vector<Floats> inputs = a.float32_arrays(0, "inputs");
    const Floats out = a.float32_array(1, "out");
    const std::vector<const float*> rows = rows_of(fn, inputs, out.length);
    check_apart(fn, "out", range_of(out.data, out.length * sizeof(float)), inputs);
    loom::row_average(static_cast<int64_t>(inputs.size()), static_cast<int64_t>(out.length), rows.data(), out.data);
  });
}

}  // namespace

void export_robust(napi_env env, napi_value exports) {
  export_function(env, exports, "coordinateMedian", CoordinateMedian);
  export_function(env, exports, "trimmedMean", TrimmedMean);
  export_function(env, exports, "meanAroundMedian", MeanAroundMedian);
  export_function(env, exports, "pairwiseSquaredDistances", PairwiseSquaredDistances);
  export_function(env, exports, "weiszfeldStep", WeiszfeldStep);
  export_function(env, exports, "rowAverage", RowAverage);
}

}  // namespace loom_napi
