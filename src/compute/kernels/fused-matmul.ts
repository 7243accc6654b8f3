/**
 * `_FusedMatMul` for wasm (matmul + bias + activation, what `tf.fused.matMul` and dense layers
 * run): the product goes through XNNPACK with the bias and activation fused, as in the backend's
 * own kernel, but transposed and batched operands no longer fall to its naive loop.
 * Epilogues XNNPACK cannot fuse correctly (a bias that is not one value per output column,
 * PReLU weights that are not per column) run as separate Add / activation kernels.
 */
import { LoomError } from '../../util/errors.js';
import { replaceWasmKernel, type LoomWasmKernel } from './registry.js';
import { LINEAR, MATMUL_REASON, matMulOperands, matMulShape, wasmMatMul, type Epilogue } from './matmul-core.js';
import type { BackendWasm, NamedAttrMap, TensorInfo } from './wasm-backend.js';
import {
  FUSABLE_ACTIVATION, disposeIntermediate, registeredKernelFunc, runKernelFunc, tensorId, wasmKernel,
} from './wasm-backend.js';
import { tf } from '../tf.js';

const NAME = '_FusedMatMul';

/** A [..., 1, N]-shaped (or [N]) tensor holds one value per output column. */
function perColumn(t: TensorInfo, N: number): boolean {
  const size = tf.util.sizeFromShape(t.shape);
  return size === N && (t.shape.length === 0 ? N === 1 : t.shape[t.shape.length - 1] === N);
}

function applyActivation(
  backend: BackendWasm, x: TensorInfo, activation: string, prelu: TensorInfo | undefined, alpha: number,
): TensorInfo {
  const run = (kernel: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo =>
    runKernelFunc(registeredKernelFunc(kernel, 'wasm'), kernel, inputs, backend, attrs);
  switch (activation) {
    case 'linear': return x;
    case 'relu': return run('Relu', { x });
    case 'relu6': return run('Relu6', { x });
    case 'elu': return run('Elu', { x });
    case 'sigmoid': return run('Sigmoid', { x });
    case 'leakyrelu': return run('LeakyRelu', { x }, { alpha });
    case 'prelu':
      if (prelu === undefined) throw new LoomError(`${NAME}: activation prelu needs preluActivationWeights`);
      return run('Prelu', { x, alpha: prelu });
    default: throw new LoomError(`${NAME}: unknown activation ${JSON.stringify(activation)}`);
  }
}

export const fusedMatMulKernel: LoomWasmKernel = replaceWasmKernel(NAME, MATMUL_REASON, () =>
  wasmKernel(NAME, ({ inputs, backend, attrs }) => {
    const { a, b, transposeA, transposeB } = matMulOperands(inputs, attrs, NAME);
    const bias = inputs.bias;
    const prelu = inputs.preluActivationWeights;
    const activation = typeof attrs.activation === 'string' ? attrs.activation : 'linear';
    const alpha = typeof attrs.leakyreluAlpha === 'number' ? attrs.leakyreluAlpha : 0;
    const code = FUSABLE_ACTIVATION[activation];
    if (code === undefined) throw new LoomError(`${NAME}: unknown activation ${JSON.stringify(activation)}`);

    const { M, K, N, batchOut } = matMulShape(a, b, transposeA, transposeB, NAME);
    const fusable =
      batchOut * M * N * K > 0 &&
      (bias === undefined || (bias.dtype === 'float32' && perColumn(bias, N))) &&
      (prelu === undefined || (prelu.dtype === 'float32' && (tf.util.sizeFromShape(prelu.shape) === 1 || perColumn(prelu, N))));
    if (fusable) {
      const epilogue: Epilogue = {
        activation: code,
        biasId: bias === undefined ? 0 : tensorId(backend, bias),
        ...(bias === undefined ? {} : { bias }),
        preluId: activation === 'prelu' && prelu !== undefined ? tensorId(backend, prelu) : 0,
        leakyreluAlpha: alpha,
      };
      return wasmMatMul(backend, a, b, transposeA, transposeB, epilogue, NAME);
    }
    // Unfused: product, then bias (broadcasting Add), then the activation, as the cpu backend does.
    let out = wasmMatMul(backend, a, b, transposeA, transposeB, LINEAR, NAME);
    if (bias !== undefined) {
      const sum = runKernelFunc(registeredKernelFunc('Add', 'wasm'), 'Add', { a: out, b: bias }, backend);
      disposeIntermediate(backend, out);
      out = sum;
    }
    const activated = applyActivation(backend, out, activation, prelu, alpha);
    if (activated !== out) disposeIntermediate(backend, out);
    return activated;
  }),
);
