/**
 * The config's `optimizer` section is built from each optimizer's own schema (optim/options/): a
 * value is accepted by validateConfig exactly when createOptimizer accepts it.
 */
import { describe, expect, it } from 'vitest';
import { createOptimizer, type Optimizer, type OptimizerSpec } from '../optim/index.js';
import { validateConfig } from './load.js';
import type { LoomConfig } from './schema.js';

const base = {
  data: { name: 'fashion-mnist-subset' },
  model: { type: 'mlp' },
  train: { epochs: 1 },
};

function configOf(optimizer: object): LoomConfig {
  return validateConfig({ ...base, optimizer: { lr: 0.1, ...optimizer } });
}

/** The optimizer a validated config builds (the config's lr fields are not optimizer options). */
function optimizerOf(config: LoomConfig): Optimizer & { readonly options: object } {
  const { lr: _lr, scaleLr: _scale, referenceBatch: _reference, ...spec } = config.optimizer;
  return createOptimizer(spec, { length: 4 }) as Optimizer & { readonly options: object };
}

function refusal(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('optimizer config', () => {
  it('accepts LAMB maxTrustRatio, and the optimizer it builds clamps with it', () => {
    const config = configOf({ type: 'lamb', maxTrustRatio: 10 });
    expect(config.optimizer).toMatchObject({ type: 'lamb', maxTrustRatio: 10 });
    expect(optimizerOf(config).options).toMatchObject({ maxTrustRatio: 10 });
    expect(configOf({ type: 'lamb' }).optimizer).toMatchObject({ maxTrustRatio: null });
    expect(refusal(() => configOf({ type: 'lamb', maxTrustRatio: 0 }))).toBe(
      'config key optimizer.maxTrustRatio = 0 is invalid: expected a finite number > 0',
    );
  });

  it('fills in the optimizer’s own defaults', () => {
    expect(configOf({ type: 'sgd' }).optimizer).toEqual({ type: 'sgd', lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(configOf({ type: 'adamw' }).optimizer).toMatchObject({ weightDecay: 0.01 });
  });

  it('refuses a bad SGD dampening in the config and in the optimizer alike', () => {
    expect(refusal(() => configOf({ type: 'sgd', dampening: 1.5 }))).toBe('config key optimizer.dampening = 1.5 is invalid: expected a number in [0, 1]');
    expect(refusal(() => createOptimizer({ type: 'sgd', dampening: 1.5 }, { length: 4 }))).toBe('sgd option dampening=1.5 is invalid: expected a number in [0, 1]');
    expect(refusal(() => configOf({ type: 'sgd', momentum: 0.9, nesterov: true, dampening: 0.1 }))).toBe(
      'config key optimizer.dampening = 0.1 is invalid: expected 0 with nesterov',
    );
  });

  // Each probe is accepted by both or refused by both.
  const probes: readonly object[] = [
    { type: 'sgd', dampening: 1 },
    { type: 'sgd', dampening: 0.5, momentum: 0.9 },
    { type: 'sgd', dampening: 1.5 },
    { type: 'sgd', dampening: -0.1 },
    { type: 'sgd', dampening: '0.1' },
    { type: 'sgd', momentum: 0.9, nesterov: true },
    { type: 'sgd', momentum: 0.9, nesterov: true, dampening: 0.1 },
    { type: 'sgd', nesterov: true },
    { type: 'sgd', momentum: 1 },
    { type: 'adam', beta2: 0.99, eps: 1e-6 },
    { type: 'adam', eps: 0 },
    { type: 'adamw', weightDecay: -0.01 },
    { type: 'lars', trustCoefficient: 0.02, excludeBiases: false },
    { type: 'lars', excludeBiases: 'yes' },
    { type: 'lamb', maxTrustRatio: 10 },
    { type: 'lamb', maxTrustRatio: null },
    { type: 'lamb', maxTrustRatio: -1 },
    { type: 'lamb', maxTrustRatio: 'x' },
    { type: 'lamb', momentum: 0.9 },
  ];
  it.each(probes.map((p) => [JSON.stringify(p), p] as const))('%s: the config and createOptimizer agree', (_, probe) => {
    const byConfig = refusal(() => configOf(probe));
    const byOptimizer = refusal(() => createOptimizer(probe as OptimizerSpec, { length: 4 }));
    expect(byConfig === null, `config: ${byConfig}; optimizer: ${byOptimizer}`).toBe(byOptimizer === null);
    if (byConfig === null) expect(refusal(() => optimizerOf(configOf(probe)))).toBeNull();
  });
});
