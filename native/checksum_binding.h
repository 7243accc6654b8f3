// Node-API binding of checksum.h: fletcher4Mix.
#ifndef LOOM_NATIVE_CHECKSUM_BINDING_H_
#define LOOM_NATIVE_CHECKSUM_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_checksum(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_CHECKSUM_BINDING_H_
