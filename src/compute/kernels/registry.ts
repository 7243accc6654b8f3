/**
 * How Loom's wasm kernels are described and installed into TensorFlow.js's (process-global)
 * kernel registry. Installation is idempotent even if this module is loaded twice in one process
 * (as test runners can do): what was installed is remembered on `globalThis`, keyed by a symbol.
 */
import { LoomError } from '../../util/errors.js';
import { tf } from '../tf.js';

/** One kernel Loom registers into TensorFlow.js's wasm backend (printed by `loom info`). */
export interface KernelReplacement {
  /** TensorFlow.js kernel name, e.g. `BatchMatMul`. */
  readonly kernel: string;
  /** `replaced` (wasm had a slow one) or `added` (wasm had none). */
  readonly action: 'replaced' | 'added';
  /** Why, in a few words. */
  readonly reason: string;
}

export interface LoomWasmKernel {
  readonly kernelName: string;
  /** Why Loom registers it, in a few words. */
  readonly reason: string;
  /** Builds the config to register; `original` is the wasm backend's own kernel, if any. */
  make(original: tf.KernelConfig | undefined): tf.KernelConfig;
}

/** The hooks of wasm's own kernel that a replacement keeps (its setup binds the wasm functions). */
function originalHooks(original: tf.KernelConfig | undefined): Pick<tf.KernelConfig, 'setupFunc' | 'disposeFunc'> {
  return {
    ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
    ...(original?.disposeFunc ? { disposeFunc: original.disposeFunc } : {}),
  };
}

/**
 * Loom's `kernelName` in place of wasm's own (added if wasm has none), keeping the original's
 * setup and dispose hooks; `kernelFunc` gets the original kernel, to fall back to where it wants.
 */
export function replaceWasmKernel(
  kernelName: string, reason: string, kernelFunc: (original: tf.KernelConfig | undefined) => tf.KernelFunc,
): LoomWasmKernel {
  return {
    kernelName,
    reason,
    make: (original) => ({ kernelName, backendName: 'wasm', ...originalHooks(original), kernelFunc: kernelFunc(original) }),
  };
}

/** As `replaceWasmKernel`, for a kernel that needs wasm's own to fall back to: throws where there is none. */
export function extendWasmKernel(
  kernelName: string, reason: string, kernelFunc: (original: tf.KernelConfig) => tf.KernelFunc,
): LoomWasmKernel {
  return replaceWasmKernel(kernelName, reason, (original) => {
    if (original === undefined) throw new LoomError(`${kernelName}: the wasm backend has no ${kernelName} kernel to extend`);
    return kernelFunc(original);
  });
}

/** A kernel wasm lacks: registered as is, keeping nothing of any kernel already there. */
export function addWasmKernel(kernelName: string, reason: string, kernelFunc: tf.KernelFunc): LoomWasmKernel {
  return {
    kernelName,
    reason,
    make: () => ({ kernelName, backendName: 'wasm', kernelFunc }),
  };
}

interface Installed {
  readonly config: tf.KernelConfig;
  readonly replacement: KernelReplacement;
}

const INSTALLED_KEY = Symbol.for('loom-ml.compute.wasmKernels');

function installedMap(): Map<string, Installed> {
  const holder = globalThis as { [INSTALLED_KEY]?: Map<string, Installed> };
  let map = holder[INSTALLED_KEY];
  if (map === undefined) {
    map = new Map();
    holder[INSTALLED_KEY] = map;
  }
  return map;
}

/** Installs `kernel` for wasm unless it is already installed; returns what was done. */
export function installWasmKernel(kernel: LoomWasmKernel): KernelReplacement {
  const installed = installedMap();
  // getKernel is typed as always returning a config; it returns undefined when there is none.
  const existing: tf.KernelConfig | undefined = tf.getKernel(kernel.kernelName, 'wasm');
  const previous = installed.get(kernel.kernelName);
  if (previous !== undefined && existing === previous.config) return previous.replacement;
  const config = kernel.make(existing);
  if (existing !== undefined) tf.unregisterKernel(kernel.kernelName, 'wasm');
  tf.registerKernel(config);
  const replacement: KernelReplacement = {
    kernel: kernel.kernelName,
    action: existing === undefined ? 'added' : 'replaced',
    reason: kernel.reason,
  };
  installed.set(kernel.kernelName, { config, replacement });
  return replacement;
}

/** The config Loom installed for `kernelName`, if it did (tests check it is the one in use). */
export function installedWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return installedMap().get(kernelName)?.config;
}
