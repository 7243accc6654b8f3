/**
 * Signum with majority vote (Bernstein et al., "signSGD with Majority Vote is Communication
 * Efficient and Fault Tolerant", ICLR 2019): each rank keeps a momentum m = beta*m + (1-beta)*x of
 * its contribution x and sends sign(m), 1 bit per element, no scale. `combine` takes the vote:
 * out[i] = sign(sum over ranks of their ±1), in {-1, 0, +1} (a tie gives 0); a function of the
 * encodings alone, so every rank gets the same vector.
 *
 * The result is a unit sign vector whatever the gradient's size, and the momentum is already in it:
 * the optimizer must be plain SGD (no momentum, no adaptive scaling) at a signum-sized learning
 * rate, e.g. 1e-4 to 1e-3.
 *
 * Payload per rank: ceil(n / 8) bytes.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { checkStateLength, type Compressor, type Encoding } from './compressor.js';
import type { CompressorPlugin } from './plugin.js';
import { addSigns, packSigns, unpackSigns } from './sign-bits.js';

export class Signum implements Compressor {
  readonly name: string;
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  private readonly momentum: Float32Array;

  constructor(readonly beta: number, readonly length: number) {
    this.name = `signum(${beta})`;
    this.momentum = new Float32Array(length);
  }

  encode(input: Float32Array): Encoding {
    const { momentum, beta } = this;
    if (input.length !== momentum.length) throw new LoomError(`signum: input has ${input.length} elements, expected ${momentum.length}`);
    const rest = 1 - beta;
    for (let i = 0; i < momentum.length; i++) momentum[i] = beta * momentum[i] + rest * input[i];
    return { parts: [{ data: packSigns(momentum) }] };
  }

  /** This rank's vote alone: ±1. */
  decode(encoding: Encoding, out: Float32Array): void {
    unpackSigns(encoding.parts[0].data as Uint8Array, out);
  }

  /** The majority vote: out[i] = sign(sum of the ranks' ±1), 0 on a tie. */
  combine(encodings: readonly Encoding[], out: Float32Array): void {
    // Counts in out itself: integers up to the number of ranks are exact in float32.
    out.fill(0);
    for (const encoding of encodings) addSigns(encoding.parts[0].data as Uint8Array, out);
    for (let i = 0; i < out.length; i++) out[i] = out[i] > 0 ? 1 : out[i] < 0 ? -1 : 0;
  }

  /** The momentum (a copy). */
  saveState(): Float32Array {
    return this.momentum.slice();
  }

  loadState(state: Float32Array): void {
    checkStateLength(this.name, state, this.momentum.length);
    this.momentum.set(state);
  }
}

const signumOptions = z.strictObject({
  beta: z.number().min(0, 'expected a momentum in [0, 1)').lt(1, 'expected a momentum in [0, 1)').default(0.9),
});

export const signumPlugin: CompressorPlugin<z.infer<typeof signumOptions>> = {
  type: 'signum',
  options: signumOptions,
  ownMomentum: true,
  create: (options, target, errorFeedback) => {
    // The vote is a unit sign vector: a residual against it would be on its scale, not the gradient's.
    if (errorFeedback) throw new LoomError('signum compressor option errorFeedback=true is invalid: a majority vote of signs has no error feedback');
    return new Signum(options.beta, target.length);
  },
};
