// Node-API binding of the robust-aggregation kernels: robust_order.h, robust_distances.h,
// weiszfeld.h, row_average.h.
#ifndef LOOM_NATIVE_ROBUST_BINDING_H_
#define LOOM_NATIVE_ROBUST_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_robust(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_ROBUST_BINDING_H_
