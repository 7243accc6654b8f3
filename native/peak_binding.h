// Node-API binding of peak.h: peakFma.
#ifndef LOOM_NATIVE_PEAK_BINDING_H_
#define LOOM_NATIVE_PEAK_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_peak(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_PEAK_BINDING_H_
