// Node-API binding of optim.h: sgdUpdate.
#ifndef LOOM_NATIVE_OPTIM_BINDING_H_
#define LOOM_NATIVE_OPTIM_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_optim(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_OPTIM_BINDING_H_
