// Node-API binding of norm.h: affineNorm, affineNormGrad.
#ifndef LOOM_NATIVE_NORM_BINDING_H_
#define LOOM_NATIVE_NORM_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_norm(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_NORM_BINDING_H_
