// Node-API binding of half.h: floatsToHalf, halfToFloats, halfSum, halfInfo, setHalfKernel.
#ifndef LOOM_NATIVE_HALF_BINDING_H_
#define LOOM_NATIVE_HALF_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_half(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_HALF_BINDING_H_
