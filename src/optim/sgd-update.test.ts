/**
 * The native SGD update against the TypeScript one, bit for bit: with and without momentum,
 * Nesterov weights, weight decay, the first step (carry 0), and awkward values (NaN, infinities,
 * subnormals, huge and tiny magnitudes). Skipped, with the reason, where the addon is not built.
 */
import { describe, expect, it } from 'vitest';
import { nativeKernels, nativeStatus } from '../native/index.js';
import { Rng } from '../util/rng.js';
import { sgdUpdateTs, type SgdUpdate } from './sgd-update.js';

const native = nativeKernels();
if (native === null) console.warn(`native SGD update tests skipped: ${nativeStatus().reason}`);

function values(rng: Rng, n: number): Float32Array {
  const special = [Number.NaN, Infinity, -Infinity, 1e-45, -1e-40, 3e38, -3e38, 0, -0, 1e-30];
  return Float32Array.from({ length: n }, (_, i) => (i % 53 === 7 ? special[(i / 53) % special.length | 0]! : rng.normal() * 10 ** rng.int(7 - 3)));
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe.skipIf(native === null)('native sgdUpdate', () => {
  const settings: Omit<SgdUpdate, 'params' | 'grads' | 'momentum'>[] = [
    { lr: 0.1, weightDecay: 0, carry: 0, gain: 1, gradWeight: 0, momentumWeight: 1 },
    { lr: 0.01, weightDecay: 5e-4, carry: 0.9, gain: 1, gradWeight: 0, momentumWeight: 1 },
    { lr: 0.05, weightDecay: 1e-4, carry: 0.9, gain: 0.9, gradWeight: 1, momentumWeight: 0.9 },
    { lr: 3e-3, weightDecay: 0.1, carry: 0.99, gain: 0.5, gradWeight: 1, momentumWeight: 0.99 },
  ];
  for (const n of [0, 1, 7, 33, 257, 100_003]) {
    for (const [i, s] of settings.entries()) {
      for (const withMomentum of [false, true]) {
        it(`n=${n}, setting ${i}, ${withMomentum ? 'momentum' : 'no momentum'}: same bits as TypeScript`, () => {
          const rng = new Rng(n * 10 + i);
          const params = values(rng, n);
          const grads = values(rng, n);
          const momentum = withMomentum ? values(rng, n) : null;
          const ts = { params: params.slice(), grads, momentum: momentum?.slice() ?? null, ...s };
          const nat = { params: params.slice(), grads, momentum: momentum?.slice() ?? null, ...s };
          for (let step = 0; step < 3; step++) {
            sgdUpdateTs(ts);
            native!.sgdUpdate(nat);
          }
          expect(bits(nat.params)).toEqual(bits(ts.params));
          if (withMomentum) expect(bits(nat.momentum!)).toEqual(bits(ts.momentum!));
        });
      }
    }
  }

  it('refuses arrays of different lengths, overlapping arrays and wrong types, naming them', () => {
    const p = new Float32Array(8);
    const g = new Float32Array(8);
    const call = (u: Partial<SgdUpdate>) => () =>
      native!.sgdUpdate({ params: p, grads: g, momentum: null, lr: 0.1, weightDecay: 0, carry: 0, gain: 1, gradWeight: 0, momentumWeight: 1, ...u });
    expect(call({ grads: new Float32Array(7) })).toThrow(/^sgdUpdate: params has 8 elements, grads 7 \(they must be equal\)$/);
    expect(call({ momentum: new Float32Array(9) })).toThrow(/momentum 9/);
    expect(call({ grads: p })).toThrow(/^sgdUpdate: params \(bytes .*\) overlaps grads/);
    expect(call({ momentum: g })).toThrow(/sgdUpdate: momentum .* overlaps grads/);
    expect(call({ params: new Float64Array(8) as unknown as Float32Array })).toThrow(/^sgdUpdate: params must be a Float32Array \(got an object\)$/);
    expect(call({ lr: '0.1' as unknown as number })).toThrow(/^sgdUpdate: lr must be a number \(got a string\)$/);
  });
});
