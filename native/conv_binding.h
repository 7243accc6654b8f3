// Node-API binding of conv.h: conv2d, conv2dBackpropInput, conv2dBackpropFilter.
#ifndef LOOM_NATIVE_CONV_BINDING_H_
#define LOOM_NATIVE_CONV_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_conv(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_CONV_BINDING_H_
