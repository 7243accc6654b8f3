/**
 * 1-bit Adam (Tang et al., "1-bit Adam: Communication Efficient Large-Scale Training with Adam's
 * Convergence Speed", ICML 2021) as a round compressor that owns Adam's moments. `out` is Adam's
 * direction, so the optimizer applying it must be plain SGD with momentum 0: x -= lr * out is the
 * Adam step, and the learning rate and its schedule stay the optimizer's.
 *
 * Each rank's input x_i is its share of the step's gradient: the shares sum to the global gradient g.
 *
 * - Warm-up (step < warmupSteps): the shares are summed densely (one all-reduce) and
 *     m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2;   out = (m / bc1) / (sqrt(v) / sqrt(bc2) + eps)
 *   with bc_k = 1 - b_k^t, t = step + 1: dense Adam, in the operation order of optimizer adam.
 * - Compression (step >= warmupSteps): v is frozen, and with it bc2 = 1 - b2^warmupSteps. Rank i
 *   takes g_i = size * x_i (its own batch's mean gradient when the shares are equal; the g_i average
 *   to g over the ranks, as the paper's local gradients do), updates its local momentum
 *   m_i = b1 m + (1 - b1) g_i, and compresses c_i = m_i + e_i to signs with one float32 scale per
 *   tensor, ||c||_2 / sqrt(d) over the tensor's d entries (the paper's and DeepSpeed's scale: the
 *   decoded tensor keeps c's L2 norm), keeping e_i = c_i - decode(c_i) (worker error feedback).
 *   The encodings are all-gathered; every rank decodes them in rank order and averages them to m,
 *   the same bits everywhere, and out = (m / bc1) / (sqrt(v) / sqrt(bc2) + eps). bc1 keeps counting
 *   since m remains an average started at zero (it is 1 to float precision after any real warm-up).
 *   An entry whose gradient was zero all through warm-up (a dead unit, an embedding row no batch
 *   used) has v = 0, and its sign still decodes to +-scale: m / eps would throw it by scale / eps.
 *   Its out is 0 instead, as Adam's is while its gradient stays zero; with v frozen at 0 it stays
 *   put for the rest of the run.
 * - stages 2: DeepSpeed's compressed all-reduce, with server error feedback. Each tensor is cut into
 *   `size` contiguous chunks and rank r serves chunk r of every tensor: from the gathered worker
 *   encodings it averages its chunks, adds its server residual, compresses them again (one scale per
 *   chunk) keeping the new residual, and the server encodings are all-gathered into m. DeepSpeed
 *   moves the first stage by all-to-all, so a rank receives only its chunks; here both stages are
 *   all-gathers, which costs the same bits as one stage plus the second: it follows DeepSpeed's
 *   arithmetic, not its traffic.
 *
 * Differences from the paper and DeepSpeed: both apply no bias correction (here warm-up is exactly
 * Adam, and m / bc1 differs from m by b1^t); neither holds the entries with v = 0; DeepSpeed pads
 * each tensor to a multiple of 8 * size; stages 1 has no server error and every rank receives every
 * rank's full encoding.
 *
 * Payload per rank and step: 4n bytes in warm-up; then ceil(n / 8) + 4T (T tensors, +1 if some
 * entries lie outside every tensor), and with stages 2 also ceil(n_r / 8) + 4P for rank r's n_r
 * served entries (P: the tensors' runs, one scale per chunk).
 *
 * State: [m, v, worker residual, then with stages 2 the server residual placed at its entries in the
 * vector], n floats each; m and v are the same on every rank, the residuals are the rank's own.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { joinState, payloadBytes, splitState, type CompressionTarget, type Encoding, type RoundCollectives, type RoundCompressor } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import type { CompressorPlugin } from './plugin.js';
import { addSigns, checkBits } from './sign-bits.js';
import { SignSgd } from './signsgd.js';
import { tensorGroups, type TensorGroups } from './tensor-groups.js';
import { packEncoding, unpackEncoding } from './wire.js';

export interface OneBitAdamOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly warmupSteps: number;
  readonly stages: 1 | 2;
}

/** What one rank serves with stages 2: a chunk [start, end) of every run of the vector, and its quantizer. */
interface Served {
  readonly chunks: readonly (readonly [number, number])[];
  readonly length: number;
  readonly signs: SignSgd;
}

export class OneBitAdam implements RoundCompressor {
  readonly name: string;
  readonly aggregation = 'rounds' as const;
  readonly options: OneBitAdamOptions;
  private readonly length: number;
  private readonly size: number;
  private readonly rank: number;
  private readonly groups: TensorGroups;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** The local momentum m_i before compression; the warm-up's all-reduce buffer. */
  private readonly local: Float32Array;
  /** The worker's quantizer, which also decodes the other ranks' encodings. */
  private readonly signs: SignSgd;
  /** The quantizer with the worker residual e_i. */
  private readonly worker: ErrorFeedback;
  /** Stages 2: what every rank serves, and this rank's server with its residual. */
  private readonly served: readonly Served[] | null;
  private readonly server: ErrorFeedback | null;

  constructor(options: OneBitAdamOptions, target: CompressionTarget) {
    this.options = options;
    const { length, size, rank } = target;
    this.name = `onebit-adam(${options.warmupSteps}${options.stages === 2 ? ', 2 stages' : ''})`;
    this.length = length;
    this.size = size;
    this.rank = rank;
    this.groups = tensorGroups(target);
    this.m = new Float32Array(length);
    this.v = new Float32Array(length);
    this.local = new Float32Array(length);
    this.signs = new SignSgd(length, this.groups, 'l2');
    this.worker = new ErrorFeedback(this.signs, length);
    if (options.stages === 2) {
      this.served = Array.from({ length: size }, (_, r) => servedBy(this.groups, r, size));
      const own = this.served[rank];
      this.server = new ErrorFeedback(own.signs, own.length);
    } else {
      this.served = null;
      this.server = null;
    }
  }

  /** Payload bytes of a step after warm-up (the same every step). */
  get compressedBytes(): number {
    const worker = ((this.length + 7) >>> 3) + 4 * this.groups.count;
    const own = this.served?.[this.rank];
    return own ? worker + ((own.length + 7) >>> 3) + 4 * this.groups.runs.length : worker;
  }

  async reduce(input: Float32Array, out: Float32Array, step: number, collectives: RoundCollectives): Promise<number> {
    const n = this.length;
    if (input.length !== n || out.length !== n) throw new LoomError(`${this.name}: expected vectors of ${n} entries, got ${input.length} in and ${out.length} out`);
    const { beta1: b1, beta2: b2, eps, warmupSteps } = this.options;
    const { m, v, local } = this;
    const t = step + 1;
    const bc1 = 1 - Math.pow(b1, t);
    if (step < warmupSteps) {
      collectives.local(() => local.set(input));
      await collectives.sum(local);
      collectives.local(() => {
        const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, t));
        for (let i = 0; i < n; i++) {
          const g = local[i];
          const mi = b1 * m[i] + (1 - b1) * g;
          const vi = b2 * v[i] + (1 - b2) * g * g;
          m[i] = mi;
          v[i] = vi;
          out[i] = mi / bc1 / (Math.sqrt(vi) / sqrtBc2 + eps);
        }
      });
      return 4 * n;
    }

    const size = this.size;
    const encoding = collectives.local(() => {
      for (let i = 0; i < n; i++) local[i] = b1 * m[i] + (1 - b1) * (size * input[i]);
      return this.worker.encode(local, step);
    });
    let bytes = payloadBytes(encoding);
    const gathered = await this.gather(collectives, encoding);
    if (this.served) bytes += await this.serve(gathered, step, collectives);
    else {
      collectives.local(() => {
        this.signs.combine(gathered, m);
        for (let i = 0; i < n; i++) m[i] /= size;
      });
    }
    collectives.local(() => {
      const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, warmupSteps));
      for (let i = 0; i < n; i++) out[i] = v[i] > 0 ? m[i] / bc1 / (Math.sqrt(v[i]) / sqrtBc2 + eps) : 0;
    });
    return bytes;
  }

  /** Every rank's encoding, in rank order (packing and unpacking counted as the compressor's compute). */
  private async gather(collectives: RoundCollectives, encoding: Encoding): Promise<Encoding[]> {
    const parts = await collectives.gather(collectives.local(() => packEncoding(encoding)));
    if (parts.length !== this.size) throw new LoomError(`${this.name}: the all-gather returned ${parts.length} encodings for ${this.size} ranks`);
    return collectives.local(() => parts.map((bytes, rank) => unpackEncoding(bytes, `rank ${rank}`)));
  }

  /**
   * Stages 2: averages this rank's chunks of the worker encodings, compresses them again with the
   * server residual, and all-gathers the servers' encodings into m. Returns the server's bytes.
   */
  private async serve(workers: readonly Encoding[], step: number, collectives: RoundCollectives): Promise<number> {
    const { m, size, groups } = this;
    const served = this.served!;
    const own = served[this.rank];
    const encoding = collectives.local(() => {
      // m is rewritten below, so it holds the sums of this rank's chunks meanwhile.
      for (const [start, end] of own.chunks) m.fill(0, start, end);
      for (const encoding of workers) {
        const bits = encoding.parts[0].data as Uint8Array;
        checkBits(bits, this.length);
        const scales = this.signs.scalesOf(encoding);
        groups.runs.forEach(({ group }, k) => addSigns(bits, m, scales[group], own.chunks[k][0], own.chunks[k][1]));
      }
      const average = new Float32Array(own.length);
      let at = 0;
      for (const [start, end] of own.chunks) for (let i = start; i < end; i++) average[at++] = m[i] / size;
      return this.server!.encode(average, step);
    });
    const gathered = await this.gather(collectives, encoding);
    collectives.local(() =>
      gathered.forEach((serverEncoding, r) => {
        const { chunks, length, signs } = served[r];
        const decoded = new Float32Array(length);
        signs.decode(serverEncoding, decoded);
        let from = 0;
        for (const [start, end] of chunks) {
          m.set(decoded.subarray(from, from + end - start), start);
          from += end - start;
        }
      }),
    );
    return payloadBytes(encoding);
  }

  /** The worker residual (a copy). */
  pending(): Float32Array {
    return this.worker.pending();
  }

  /**
   * [m, v, worker residual, then with stages 2 the server residual at its entries' places in the
   * vector (zero outside this rank's chunks), so that every rank's state has the same length].
   */
  saveState(): Float32Array {
    const buffers = [this.m, this.v, this.worker.pending()];
    if (this.server) {
      const placed = new Float32Array(this.length);
      const residual = this.server.pending();
      let at = 0;
      for (const [start, end] of this.served![this.rank].chunks) {
        placed.set(residual.subarray(at, at + end - start), start);
        at += end - start;
      }
      buffers.push(placed);
    }
    return joinState(buffers);
  }

  loadState(state: Float32Array): void {
    const residual = new Float32Array(this.length);
    const placed = this.server ? new Float32Array(this.length) : null;
    splitState(this.name, state, [this.m, this.v, residual, ...(placed ? [placed] : [])], false);
    this.worker.loadState(residual);
    if (placed) {
      const own = this.served![this.rank];
      const serverResidual = new Float32Array(own.length);
      let at = 0;
      for (const [start, end] of own.chunks) {
        serverResidual.set(placed.subarray(start, end), at);
        at += end - start;
      }
      this.server!.loadState(serverResidual);
    }
  }
}

/** Rank r's chunk of every run (the r-th of `size` near-equal contiguous pieces), and their quantizer: one scale per chunk. */
function servedBy(groups: TensorGroups, r: number, size: number): Served {
  const chunks: [number, number][] = [];
  const segments = [];
  let length = 0;
  for (const [k, { start, end }] of groups.runs.entries()) {
    const run = end - start;
    const from = start + Math.floor((r * run) / size);
    const to = start + Math.floor(((r + 1) * run) / size);
    chunks.push([from, to]);
    segments.push({ name: `chunk ${k}`, offset: length, size: to - from, shape: [to - from] });
    length += to - from;
  }
  return { chunks, length, signs: new SignSgd(length, tensorGroups({ length, segments }), 'l2') };
}

const decay = z.number().min(0, 'expected a decay rate in [0, 1)').lt(1, 'expected a decay rate in [0, 1)');
const warmupMessage = 'expected a whole number of steps >= 1 (the variance is estimated during warm-up)';

const onebitAdamOptions = z.strictObject({
  beta1: decay.default(0.9),
  beta2: decay.default(0.999),
  eps: z.number().gt(0, 'expected a positive number').default(1e-8),
  /** The paper's freeze step: dense Adam before it, v frozen and 1-bit momentum from it on. Required: it depends on the run's length. */
  warmupSteps: z.number({ error: warmupMessage }).int(warmupMessage).min(1, warmupMessage),
  /** 1: one all-gather of the workers' signs; 2: DeepSpeed's worker and server compression. */
  stages: z.union([z.literal(1), z.literal(2)], { error: 'expected 1 (one all-gather) or 2 (worker and server compression)' }).default(1),
});

export const onebitAdamPlugin: CompressorPlugin<z.infer<typeof onebitAdamOptions>> = {
  type: 'onebit-adam',
  options: onebitAdamOptions,
  ownMomentum: true,
  ownErrorFeedback: true,
  needsAllReduce: true,
  check: (_options, _target, errorFeedback) => {
    if (errorFeedback) throw new LoomError('onebit-adam compressor option errorFeedback=true is invalid: it keeps its own error feedback on the momentum');
  },
  create: (options, target) => new OneBitAdam(options, target),
};
