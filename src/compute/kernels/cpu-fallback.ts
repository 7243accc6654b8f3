/**
 * Generic fallback for kernels the wasm backend lacks and Loom's models rarely use: copy the
 * inputs off the wasm heap into the cpu backend, run the cpu backend's kernel there, copy the
 * outputs back. Correct but pays two copies and the cpu backend's (slow, plain-JS) speed, so
 * anything on a training hot path gets a real wasm kernel instead.
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';
import { addWasmKernel, type LoomWasmKernel } from './registry.js';
import type { NamedTensorInfoMap, TensorInfo } from './wasm-backend.js';
import { asWasmBackend, registeredKernelFunc } from './wasm-backend.js';

function cpuBackend(kernel: string): tf.KernelBackend {
  // findBackend initialises the (synchronous) cpu backend on first use.
  const cpu: tf.KernelBackend | null = tf.findBackend('cpu');
  if (cpu === null) throw new LoomError(`${kernel}: the cpu backend needed for the wasm fallback is not available`);
  return cpu;
}

export function cpuFallbackKernel(kernelName: string, reason: string): LoomWasmKernel {
  const fullReason = `${reason}; generic: the cpu kernel on copied data`;
  return addWasmKernel(kernelName, fullReason, ({ inputs, backend: rawBackend, attrs }) => {
    const wasm = asWasmBackend(rawBackend, kernelName);
    const cpu = cpuBackend(kernelName);
    const copies: TensorInfo[] = [];
    const toCpu = (t: TensorInfo): TensorInfo => {
      const copy = { dataId: cpu.write(wasm.readSync(t.dataId), [...t.shape], t.dtype), shape: t.shape, dtype: t.dtype };
      copies.push(copy);
      return copy;
    };
    try {
      // Kernels with a variable number of inputs (Einsum) get them as an array: keep it one.
      let cpuInputs: NamedTensorInfoMap;
      if (Array.isArray(inputs)) {
        // Typed as a map by TensorFlow.js but an array at runtime; the empty assign only types it.
        cpuInputs = Object.assign<TensorInfo[], NamedTensorInfoMap>(inputs.map(toCpu), {});
      } else {
        cpuInputs = {};
        for (const [name, t] of Object.entries(inputs)) if (t !== undefined) cpuInputs[name] = toCpu(t);
      }
      const result = registeredKernelFunc(kernelName, 'cpu')({ inputs: cpuInputs, backend: cpu, ...(attrs ? { attrs } : {}) });
      const outs = Array.isArray(result) ? result : [result];
      const back = outs.map((o) => {
        const values = cpu.readSync(o.dataId);
        cpu.disposeData(o.dataId);
        return wasm.makeOutput(o.shape, o.dtype, undefined, values);
      });
      return Array.isArray(result) ? back : back[0]!;
    } finally {
      for (const c of copies) cpu.disposeData(c.dataId);
    }
  });
}
