import { describe, expect, it } from 'vitest';
import { applyOverrides, validateConfig, withConfigValue } from './load.js';

const base = {
  data: { name: 'fashion-mnist-subset' },
  model: { type: 'mlp' },
  optimizer: { type: 'sgd', lr: 0.1 },
  train: { epochs: 1 },
};

function errorOf(raw: unknown): string {
  try {
    validateConfig(raw);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('config validation', () => {
  it('accepts a minimal config and fills defaults', () => {
    const config = validateConfig(base);
    expect(config.seed).toBe(1);
    expect(config.train.batchSize).toBe(128);
    expect(config.schedule).toEqual({ type: 'constant' });
  });

  it('refuses an unknown key, naming its path', () => {
    expect(errorOf({ ...base, optimizer: { type: 'sgd', lr: 0.1, momentun: 0.9 } })).toBe(
      'unknown config key optimizer.momentun',
    );
    expect(errorOf({ ...base, epochz: 3 })).toBe('unknown config key epochz');
  });

  it('refuses a negative learning rate, naming key and value', () => {
    const message = errorOf({ ...base, optimizer: { type: 'sgd', lr: -0.1 } });
    expect(message).toMatch(/^config key optimizer\.lr = -0\.1 is invalid: /);
    expect(message).not.toContain('\n');
  });

  it('refuses an unknown model type and a missing key', () => {
    expect(errorOf({ ...base, model: { type: 'vgg' } })).toMatch(/^config key model\.type = "vgg" is invalid/);
    expect(errorOf({ ...base, optimizer: { type: 'sgd' } })).toMatch(/^config key optimizer\.lr is missing/);
  });

  it('requires exactly one of epochs and steps', () => {
    expect(errorOf({ ...base, train: { epochs: 1, steps: 10 } })).toMatch(/exactly one of train\.epochs and train\.steps/);
  });

  it('refuses a train.untilEpoch past train.epochs or without it, and a data.holdOut on text', () => {
    expect(validateConfig({ ...base, train: { epochs: 3, untilEpoch: 3 } }).train.untilEpoch).toBe(3);
    expect(validateConfig({ ...base, train: { epochs: 3, untilEpoch: 0.25 } }).train.untilEpoch).toBe(0.25);
    expect(errorOf({ ...base, train: { epochs: 3, untilEpoch: 0 } })).toMatch(/^config key train\.untilEpoch = 0 is invalid/);
    expect(errorOf({ ...base, train: { epochs: 3, untilEpoch: 4 } })).toBe('config key train.untilEpoch = 4 is invalid: train.untilEpoch needs train.epochs, and must not be past it');
    expect(errorOf({ ...base, train: { steps: 30, untilEpoch: 1 } })).toMatch(/^config key train\.untilEpoch = 1 is invalid/);
    expect(validateConfig({ ...base, data: { name: 'fashion-mnist-subset', holdOut: 500 } }).data).toEqual({ name: 'fashion-mnist-subset', holdOut: 500 });
    expect(errorOf({ ...base, data: { name: 'text', context: 64, holdOut: 500 } })).toBe('unknown config key data.holdOut');
  });
});

describe('--set overrides', () => {
  it('parses values as YAML and creates nested keys', () => {
    // Nesterov needs momentum (SGD's schema, which the config shares, refuses it without).
    const raw = applyOverrides(base, ['optimizer.lr=0.05', 'model.hidden=[64, 32]', 'output.dir=runs/x', 'optimizer.momentum=0.9', 'optimizer.nesterov=true']);
    const config = validateConfig(raw);
    expect(config.optimizer.lr).toBe(0.05);
    expect(config.model).toEqual({ type: 'mlp', hidden: [64, 32] });
    expect(config.output.dir).toBe('runs/x');
    expect(base.optimizer.lr).toBe(0.1);
  });

  it('refuses an override without =', () => {
    expect(() => applyOverrides(base, ['optimizer.lr'])).toThrow(/bad override "optimizer.lr"/);
  });

  it('indexes into lists with a number, and refuses an index the list does not have', () => {
    const raw = applyOverrides(base, ['model.hidden=[256, 256]', 'model.hidden.1=64']);
    expect(validateConfig(raw).model).toEqual({ type: 'mlp', hidden: [256, 64] });
    expect(withConfigValue(raw, 'model.hidden.0', 32).model).toEqual({ type: 'mlp', hidden: [32, 64] });
    expect((raw as { model: { hidden: number[] } }).model.hidden).toEqual([256, 64]);
    expect(() => withConfigValue(raw, 'model.hidden.2', 8)).toThrow('config key model.hidden.2: "2" is not an index of the 2-element list at model.hidden');
  });
});
