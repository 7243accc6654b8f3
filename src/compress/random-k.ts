/**
 * Random-k sparsification (Stich et al., "Sparsified SGD with Memory", NeurIPS 2018; Wangni et al.,
 * "Gradient Sparsification for Communication-Efficient Distributed Optimization", NeurIPS 2018):
 * each step keeps k = ceil(ratio * n) entries chosen uniformly at random. Every rank draws the same
 * indices at a step (from the seed and the step, not the rank), so only the k float32 values go on
 * the wire and the encodings sum inside an all-reduce. With `scale`, values are multiplied by n / k,
 * which makes the estimate unbiased.
 *
 * decode() uses the indices of the latest encode(): the summed encoding of a step is decoded after
 * this rank encoded its own contribution to it.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { STATELESS, type Compressor, type Encoding } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { keepRatio } from './topk.js';
import { UniformStream } from './uniform-stream.js';

export class RandomK implements Compressor {
  readonly name: string;
  readonly aggregation = 'sum' as const;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  readonly k: number;
  /** The indices of the latest step drawn, increasing. */
  private readonly indices: Int32Array;
  private readonly marked: Uint8Array;
  private drawnStep: number | null = null;
  private readonly stream = new UniformStream();

  constructor(
    readonly ratio: number,
    private readonly length: number,
    private readonly seed: number,
    readonly scale = false,
  ) {
    this.name = scale ? `randomk(${ratio},scaled)` : `randomk(${ratio})`;
    this.k = Math.min(length, Math.ceil(ratio * length));
    this.indices = new Int32Array(this.k);
    this.marked = new Uint8Array(length);
  }

  /** The indices kept at `step`, increasing (a copy). */
  indicesAt(step: number): Int32Array {
    this.draw(step);
    return this.indices.slice();
  }

  encode(input: Float32Array, step: number): Encoding {
    this.draw(step);
    const { indices, k } = this;
    const values = new Float32Array(k);
    if (this.scale) {
      const factor = this.length / k;
      for (let j = 0; j < k; j++) values[j] = input[indices[j]] * factor;
    } else {
      for (let j = 0; j < k; j++) values[j] = input[indices[j]];
    }
    return { parts: [{ data: values }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    const values = encoding.parts[0].data as Float32Array;
    if (values.length !== this.k) throw new LoomError(`random-k encoding has ${values.length} values, expected k = ${this.k}`);
    if (this.drawnStep === null && this.k > 0) throw new LoomError('random-k cannot decode before it has encoded a step: its indices come from the step');
    out.fill(0);
    const { indices } = this;
    for (let j = 0; j < values.length; j++) out[indices[j]] = values[j];
  }

  /**
   * Floyd's sampling of k distinct indices (past n / 2, of the n - k left out instead), in
   * O(min(k, n - k)) draws, then put in increasing order.
   */
  private draw(step: number): void {
    if (this.drawnStep === step) return;
    const { length: n, k, indices, marked } = this;
    const rng = this.stream.reset(Rng.derive(this.seed, step));
    const complement = 2 * k > n;
    const m = complement ? n - k : k;
    for (let j = n - m, count = 0; j < n; j++) {
      let t = rng.int(j + 1);
      if (marked[t]) t = j;
      marked[t] = 1;
      if (!complement) indices[count++] = t;
    }
    if (complement || k * 64 >= n) {
      // One pass over the marks is cheaper than sorting all but the sparsest draws.
      const keep = complement ? 0 : 1;
      for (let i = 0, count = 0; i < n; i++) {
        if (marked[i] === keep) indices[count++] = i;
        marked[i] = 0;
      }
    } else {
      indices.sort();
      for (let j = 0; j < k; j++) marked[indices[j]] = 0;
    }
    this.drawnStep = step;
  }
}

const randomkOptions = z.strictObject({ ratio: keepRatio, scale: z.boolean().default(false) });

export const randomkPlugin: CompressorPlugin<z.infer<typeof randomkOptions>> = {
  type: 'randomk',
  options: randomkOptions,
  needsAllReduce: true,
  create: (options, target) => new RandomK(options.ratio, target.length, target.seed, options.scale),
};
