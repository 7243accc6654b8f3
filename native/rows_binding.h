// Node-API binding of rows.h: addRowVector, columnSums.
#ifndef LOOM_NATIVE_ROWS_BINDING_H_
#define LOOM_NATIVE_ROWS_BINDING_H_

#include "napi_args.h"

namespace loom_napi {
void export_rows(napi_env env, napi_value exports);
}

#endif  // LOOM_NATIVE_ROWS_BINDING_H_
