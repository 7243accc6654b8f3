// Node-API binding of gather.h: gatherScaledBytes.
#ifndef LOOM_NATIVE_GATHER_BINDING_H_
#define LOOM_NATIVE_GATHER_BINDING_H_

#include "napi_args.h"

namespace loom_napi {

void export_gather(napi_env env, napi_value exports);

}  // namespace loom_napi

#endif  // LOOM_NATIVE_GATHER_BINDING_H_
