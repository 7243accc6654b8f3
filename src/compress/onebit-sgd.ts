/**
 * 1-bit SGD (Seide et al., "1-Bit Stochastic Gradient Descent and its Application to Data-Parallel
 * Distributed Training of Speech DNNs", Interspeech 2014): each element is sent as 1 bit, its sign,
 * and each group of elements as two float32: the mean of its non-negative entries (what a clear bit
 * decodes to) and the mean of its negative entries (what a set bit decodes to). What quantization
 * drops is added to the next step's contribution: error feedback is part of the method, so OneBitSgd
 * always keeps the residual and the plugin declares `ownErrorFeedback`.
 *
 * Groups, as the paper quantizes per column: each column of a 2-D tensor [rows, cols] (row-major:
 * the elements r*cols + c for one c); each other tensor as a whole; the elements outside every
 * tensor together. Ranks send different reconstruction values, so the encodings are all-gathered.
 *
 * Payload per rank: ceil(n / 8) + 8 * groups bytes, where groups = the sum over 2-D tensors of
 * cols, plus one per other tensor, plus one if some element lies outside every tensor.
 */
import { z } from 'zod';
import { LoomError } from '../util/errors.js';
import { STATELESS, type CompressionTarget, type Compressor, type Encoding } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import type { CompressorPlugin } from './plugin.js';
import { checkBits, packSigns } from './sign-bits.js';

/** Consecutive elements [start, end) whose group is base + (i - start) % cols. */
interface Run {
  readonly start: number;
  readonly end: number;
  readonly cols: number;
  readonly base: number;
}

/** The quantizer alone, without the residual (OneBitSgd is the method). */
export class OneBitQuantizer implements Compressor {
  readonly name = 'onebit';
  readonly aggregation = 'gather' as const;
  readonly fixedSize = true;
  readonly saveState = STATELESS.saveState;
  readonly loadState = STATELESS.loadState;
  readonly length: number;
  readonly groups: number;
  private readonly runs: readonly Run[];
  /** Per group g: at 2g the non-negative entries, at 2g + 1 the negative ones. */
  private readonly sums: Float64Array;
  private readonly counts: Int32Array;

  constructor(target: Pick<CompressionTarget, 'length' | 'segments'>) {
    const n = target.length;
    const sorted = [...target.segments].sort((a, b) => a.offset - b.offset);
    const tensorRuns: Run[] = [];
    let groups = 0;
    let at = 0;
    let previous = '';
    for (const { name, offset, size, shape } of sorted) {
      if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0 || offset + size > n) {
        throw new LoomError(`onebit: tensor ${name} (offset ${offset}, size ${size}) lies outside the vector (length ${n})`);
      }
      if (size > 0 && offset < at) throw new LoomError(`onebit: tensor ${name} (offset ${offset}) overlaps tensor ${previous}, which ends at ${at}`);
      if (shape.length === 2) {
        const [rows, cols] = shape as [number, number];
        if (rows * cols !== size) throw new LoomError(`onebit: tensor ${name} has shape [${rows}, ${cols}] but ${size} elements`);
        if (size > 0) tensorRuns.push({ start: offset, end: offset + size, cols, base: groups });
        groups += cols;
      } else {
        if (size > 0) tensorRuns.push({ start: offset, end: offset + size, cols: 1, base: groups });
        groups++;
      }
      if (size > 0) {
        at = offset + size;
        previous = name;
      }
    }
    // The elements outside every tensor: one more group.
    const outside = groups;
    const runs: Run[] = [];
    at = 0;
    for (const run of tensorRuns) {
      if (run.start > at) runs.push({ start: at, end: run.start, cols: 1, base: outside });
      runs.push(run);
      at = run.end;
    }
    if (at < n) runs.push({ start: at, end: n, cols: 1, base: outside });
    if (runs.some((run) => run.base === outside)) groups++;
    this.length = n;
    this.groups = groups;
    this.runs = runs;
    this.sums = new Float64Array(2 * groups);
    this.counts = new Int32Array(2 * groups);
  }

  /** The group of each element (for inspection; the hot loops walk the runs). */
  groupOf(): Int32Array {
    const groupOf = new Int32Array(this.length);
    for (const { start, end, cols, base } of this.runs) for (let i = start; i < end; i++) groupOf[i] = base + ((i - start) % cols);
    return groupOf;
  }

  /** Parts: [sign bits, float32 means: non-negative mean of group g at 2g, negative mean at 2g + 1]. */
  encode(input: Float32Array): Encoding {
    const { sums, counts } = this;
    if (input.length !== this.length) throw new LoomError(`onebit: input has ${input.length} elements, expected ${this.length}`);
    sums.fill(0);
    counts.fill(0);
    for (const { start, end, cols, base } of this.runs) {
      if (cols === 1) {
        const slot = 2 * base;
        let positive = 0;
        let negative = 0;
        let negatives = 0;
        for (let i = start; i < end; i++) {
          const x = input[i];
          const isNegative = x < 0;
          positive += isNegative ? 0 : x;
          negative += isNegative ? x : 0;
          negatives += isNegative ? 1 : 0;
        }
        sums[slot] += positive;
        sums[slot + 1] += negative;
        counts[slot] += end - start - negatives;
        counts[slot + 1] += negatives;
      } else {
        for (let row = start; row < end; row += cols) {
          for (let c = 0, slot = 2 * base; c < cols; c++, slot += 2) {
            const x = input[row + c];
            const at = slot + (x < 0 ? 1 : 0);
            sums[at] += x;
            counts[at]++;
          }
        }
      }
    }
    const means = new Float32Array(2 * this.groups);
    for (let slot = 0; slot < means.length; slot++) means[slot] = counts[slot] > 0 ? sums[slot] / counts[slot] : 0;
    return { parts: [{ data: packSigns(input) }, { data: means }] };
  }

  decode(encoding: Encoding, out: Float32Array): void {
    out.fill(0);
    this.addDecoded(encoding, out);
  }

  /** out = the sum of the decodes in rank order, without a scratch vector. */
  combine(encodings: readonly Encoding[], out: Float32Array): void {
    out.fill(0);
    for (const encoding of encodings) this.addDecoded(encoding, out);
  }

  private addDecoded(encoding: Encoding, out: Float32Array): void {
    const bits = encoding.parts[0].data as Uint8Array;
    const means = encoding.parts[1]?.data;
    if (out.length !== this.length) throw new LoomError(`onebit: output has ${out.length} elements, expected ${this.length}`);
    checkBits(bits, out.length);
    if (!(means instanceof Float32Array) || means.length !== 2 * this.groups) throw new LoomError(`onebit encoding: expected ${2 * this.groups} float32 means`);
    for (const { start, end, cols, base } of this.runs) {
      if (cols === 1) {
        const positive = means[2 * base];
        const negative = means[2 * base + 1];
        for (let i = start; i < end; i++) out[i] += (bits[i >>> 3] >>> (i & 7)) & 1 ? negative : positive;
      } else {
        for (let row = start; row < end; row += cols) {
          for (let c = 0, slot = 2 * base; c < cols; c++, slot += 2) {
            const i = row + c;
            out[i] += means[slot + ((bits[i >>> 3] >>> (i & 7)) & 1)];
          }
        }
      }
    }
  }
}

/** 1-bit SGD: the quantizer with its residual, always. State: the residual. */
export class OneBitSgd extends ErrorFeedback {
  readonly quantizer: OneBitQuantizer;

  constructor(target: Pick<CompressionTarget, 'length' | 'segments'>) {
    const quantizer = new OneBitQuantizer(target);
    super(quantizer, target.length);
    this.quantizer = quantizer;
  }
}

const onebitOptions = z.strictObject({});

export const onebitPlugin: CompressorPlugin<z.infer<typeof onebitOptions>> = {
  type: 'onebit',
  options: onebitOptions,
  ownErrorFeedback: true,
  create: (_options, target) => new OneBitSgd(target),
};
