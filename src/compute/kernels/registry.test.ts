import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { computeInfo } from '../info.js';
import { registerWasmKernels, WASM_KERNELS } from './index.js';
import { installedWasmKernel } from './registry.js';
import { setupBackends } from './test-support/compare.js';

describe('registerWasmKernels', () => {
  beforeAll(setupBackends);

  it('lists every kernel once, replaced where wasm had one and added where it had none', () => {
    const list = registerWasmKernels();
    expect(list.map((k) => k.kernel)).toEqual([...WASM_KERNELS.map((k) => k.kernelName), 'Relu (gradient)']);
    const byName = new Map(list.map((k) => [k.kernel, k]));
    expect(byName.get('BatchMatMul')?.action).toBe('replaced');
    expect(byName.get('_FusedMatMul')?.action).toBe('replaced');
    expect(byName.get('Conv2DBackpropFilter')?.action).toBe('added');
    expect(byName.get('UnsortedSegmentSum')?.action).toBe('added');
    for (const k of list) expect(k.reason.length).toBeGreaterThan(10);
  });

  it('is idempotent: a second call changes nothing and reports the same list', () => {
    const first = registerWasmKernels();
    const configs = WASM_KERNELS.map((k) => tf.getKernel(k.kernelName, 'wasm'));
    const second = registerWasmKernels();
    expect(second).toEqual(first);
    WASM_KERNELS.forEach((k, i) => {
      expect(tf.getKernel(k.kernelName, 'wasm')).toBe(configs[i]);
      expect(configs[i]).toBe(installedWasmKernel(k.kernelName));
    });
  });

  it('leaves the cpu backend alone', () => {
    for (const k of WASM_KERNELS) expect(tf.getKernel(k.kernelName, 'cpu')).not.toBe(installedWasmKernel(k.kernelName));
  });

  it('computeInfo reports backend, versions, threads and the kernels', async () => {
    await tf.setBackend('wasm');
    const info = computeInfo();
    expect(info.backend).toBe('wasm');
    expect(info.initialisedByLoom).toBe(true);
    expect(info.tfjsVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.wasmBackendVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.replacedKernels.map((k) => k.kernel)).toContain('BatchMatMul');
  });
});
