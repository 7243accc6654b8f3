import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { readInto } from './read-into.js';
import { tf } from './tf.js';

describe('readInto', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    describe(backend, () => {
      beforeAll(() => initBackend({ backend }));
      afterAll(() => initBackend({ backend: 'wasm' }));

      it('copies the values of a float32 tensor at the offset, leaving the rest alone', () => {
        const out = new Float32Array(8).fill(-1);
        tf.tidy(() => readInto(tf.tensor([[1, 2], [3, 4.5]]).mul(2), out, 3));
        expect(Array.from(out)).toEqual([-1, -1, -1, 2, 4, 6, 9, -1]);
      });

      it('refuses other dtypes and values that do not fit', () => {
        tf.tidy(() => {
          expect(() => readInto(tf.tensor([1, 2], [2], 'int32'), new Float32Array(2))).toThrow(/float32/);
          expect(() => readInto(tf.tensor([1, 2, 3]), new Float32Array(4), 2)).toThrow(/do not fit/);
        });
      });
    });
  }
});
