// Node-API binding of pool.h: maxPoolGrad.
#ifndef LOOM_NATIVE_POOL_BINDING_H_
#define LOOM_NATIVE_POOL_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_pool(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_POOL_BINDING_H_
