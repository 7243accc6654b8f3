// Node-API binding of elementwise.h: addRowVector, columnSums, reluGrad, addInto.
#ifndef LOOM_NATIVE_ELEMENTWISE_BINDING_H_
#define LOOM_NATIVE_ELEMENTWISE_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_elementwise(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_ELEMENTWISE_BINDING_H_
