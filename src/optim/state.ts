/** What every optimizer does the same way: argument checks per step, state copies out and in. */
import { LoomError, showValue } from '../util/errors.js';
import type { OptimizerState } from './optimizer.js';

/** Cheap per-step checks: buffer lengths and a usable learning rate. */
export function checkStepArgs(kind: string, length: number, params: Float32Array, grads: Float32Array, lr: number): void {
  if (params.length !== length || grads.length !== length) {
    throw new LoomError(
      `${kind} optimizer step: params has ${params.length} and grads ${grads.length} elements, expected ${length} (the layout length)`,
    );
  }
  if (!(lr >= 0 && lr < Infinity)) {
    throw new LoomError(`${kind} optimizer step: lr=${showValue(lr)} is invalid: expected a finite number >= 0`);
  }
}

/** A state holding copies of `buffers`. */
export function snapshotState(kind: string, step: number, buffers: Readonly<Record<string, Float32Array>>): OptimizerState {
  const copies: Record<string, Float32Array> = {};
  for (const [name, buffer] of Object.entries(buffers)) copies[name] = buffer.slice();
  return { kind, step, buffers: copies };
}

/**
 * Checks `state` against the live `buffers` (kind, names, lengths), copies it into them and
 * returns its step. Nothing is modified when a check fails.
 */
export function restoreState(kind: string, state: OptimizerState, buffers: Readonly<Record<string, Float32Array>>): number {
  const fail = (detail: string): never => {
    throw new LoomError(`cannot load ${kind} optimizer state: ${detail}`);
  };
  if (state.kind !== undefined && state.kind !== kind) fail(`it was written by a ${showValue(state.kind)} optimizer`);
  if (!Number.isSafeInteger(state.step) || state.step < 0) fail(`step=${showValue(state.step)}, expected an integer >= 0`);
  const expected = Object.keys(buffers).sort();
  const given = Object.keys(state.buffers ?? {}).sort();
  if (expected.join(',') !== given.join(',')) {
    fail(`buffers [${given.join(', ')}] do not match the expected [${expected.join(', ')}]`);
  }
  for (const name of expected) {
    const source = state.buffers[name];
    const target = buffers[name]!;
    if (!(source instanceof Float32Array)) fail(`buffer ${name} is not a Float32Array`);
    if (source!.length !== target.length) {
      fail(`buffer ${name} has ${source!.length} elements, expected ${target.length}`);
    }
  }
  for (const name of expected) buffers[name]!.set(state.buffers[name]!);
  return state.step;
}
