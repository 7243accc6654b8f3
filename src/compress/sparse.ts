/**
 * The sparse encoding the sparsifiers share: part 0 holds int32 indices, part 1 their float32
 * values (same length). Decoding writes zeros elsewhere; the sum of several is scattered into one
 * vector, O(entries) instead of a dense decode per rank.
 */
import { LoomError } from '../util/errors.js';
import type { Encoding } from './compressor.js';

export function scatterSparse(encoding: Encoding, out: Float32Array): void {
  sumSparse([encoding], out);
}

/** out = the sum of the encodings' decodes, added in their order (the same bits as decoding each and adding). */
export function sumSparse(encodings: readonly Encoding[], out: Float32Array): void {
  out.fill(0);
  for (const encoding of encodings) {
    const indices = encoding.parts[0].data as Int32Array;
    const values = encoding.parts[1].data as Float32Array;
    if (indices.length !== values.length) throw new LoomError(`sparse encoding has ${indices.length} indices but ${values.length} values`);
    for (let j = 0; j < indices.length; j++) {
      const index = indices[j];
      if (index < 0 || index >= out.length) throw new LoomError(`sparse encoding index ${index} is outside the vector (length ${out.length})`);
      out[index] += values[j];
    }
  }
}
