/**
 * The Compressor seam. A compressor turns one rank's gradient contribution into an encoding that is
 * cheaper to send, and back. Strategies (parallel/) decide how encodings travel; compressors know
 * nothing of communication.
 *
 * The contract every compressor keeps:
 * - `encode(input, step)` reads `input` (this rank's contribution; the ranks' contributions sum to
 *   the quantity the strategy wants) and returns an Encoding whose parts are exactly what goes on
 *   the wire: `payloadBytes` counts values, indices and metadata (scales, norms) byte for byte.
 * - `decode(encoding, out)` overwrites `out` (the input's length) with the decoded vector.
 * - aggregation 'sum': the element-wise sum of the ranks' parts (each part summed in its own
 *   element type, `half` parts as IEEE half or bfloat16) decodes to the sum of the decoded
 *   vectors: the encoding rides inside an all-reduce. Such an encoding's layout is the same on
 *   every rank at a step (random-k draws the same indices everywhere).
 * - aggregation 'gather': encodings are all-gathered and combined by `combine` (default: the sum
 *   of the decoded vectors; a majority vote combines otherwise).
 * - Randomness is drawn from `Rng.derive(seed, rank, step)`, so a step's encoding is a function of
 *   (input, state, step): deterministic by seed and resumable without saving a generator.
 * - State that carries across steps (error residuals, momentum, PowerSGD's Q) is saved and loaded
 *   as one flat Float32Array so that a checkpoint resumes exactly.
 */
import type { ParamSegment } from '../nn/model.js';
import { LoomError } from '../util/errors.js';

/** An element array that can go on the wire. */
export type WireArray = Float32Array | Int32Array | Uint8Array | Uint16Array;

export interface WirePart {
  readonly data: WireArray;
  /** For Uint16Array parts: which 16-bit float they hold (sums are taken in that format). */
  readonly half?: 'f16' | 'bf16';
}

export interface Encoding {
  readonly parts: readonly WirePart[];
}

export type Aggregation = 'sum' | 'gather';

/** What a compressor is built for: the vector it compresses, and who is compressing it. */
export interface CompressionTarget {
  /** Elements of the vector (e.g. the model's parameter count). */
  readonly length: number;
  /** The tensors inside the vector (PowerSGD compresses each matrix on its own). */
  readonly segments: readonly Pick<ParamSegment, 'name' | 'offset' | 'shape' | 'size'>[];
  readonly rank: number;
  readonly size: number;
  readonly seed: number;
}

export interface Compressor {
  /** The method, as configured (e.g. "topk(0.01)+ef"). */
  readonly name: string;
  readonly aggregation: Aggregation;
  encode(input: Float32Array, step: number): Encoding;
  decode(encoding: Encoding, out: Float32Array): void;
  /** 'gather' only: combines every rank's encoding (rank order) into `out`; default: sum of decodes. */
  combine?(encodings: readonly Encoding[], out: Float32Array): void;
  /**
   * 'gather' only: every encoding has the same layout, whatever the input and step (a top-k of
   * fixed k, a quantizer), so its packed size is the same on every rank at every step and a
   * strategy need not exchange sizes before it all-gathers them.
   */
  readonly fixedSize?: boolean;
  /** State carried across steps, flat; null when the compressor has none. */
  saveState(): Float32Array | null;
  /** Restores what saveState returned; a one-line LoomError if its length does not fit. */
  loadState(state: Float32Array): void;
}

/**
 * The collectives a round compressor drives, over the ranks of the strategy summing it. Every rank
 * makes the same calls in the same order, whatever its data.
 */
export interface RoundCollectives {
  /** Sum all-reduce in place: every rank's `buf` ends as the element-wise float32 sum. */
  sum(buf: Float32Array): Promise<void>;
  /** All-gather: every rank's `part`, in rank order (sizes may differ from rank to rank). */
  gather(part: Uint8Array): Promise<Uint8Array[]>;
  /**
   * Runs a synchronous stretch of the compressor's own compute between rounds, so a strategy can
   * measure it (virtual mode charges it to the rank's simulated clock). Time outside these
   * stretches is not the compressor's: after an await, other ranks' work may run first.
   */
  local<T>(work: () => T): T;
}

/**
 * A compression that takes several collective rounds with computation between them (PowerSGD:
 * all-reduce P, orthogonalize, all-reduce Q; 1-bit Adam: all-gather signs, then the moments). It
 * cannot go to a server, so only strategies that sum by collectives accept it.
 */
export interface RoundCompressor {
  readonly name: string;
  readonly aggregation: 'rounds';
  /**
   * Writes into `out` what the strategy applies for the ranks' `input`s (an estimate of their sum;
   * for 1-bit Adam the Adam direction of it), driving `collectives`; resolves with the payload
   * bytes this rank contributed (what it gave the collectives, values and scales byte for byte,
   * without wire headers).
   */
  reduce(input: Float32Array, out: Float32Array, step: number, collectives: RoundCollectives): Promise<number>;
  saveState(): Float32Array | null;
  loadState(state: Float32Array): void;
}

/** Any compression a `compression:` section can name. */
export type CompressionMethod = Compressor | RoundCompressor;

/** Bytes of an encoding on the wire: the sum of its parts. */
export function payloadBytes(encoding: Encoding): number {
  let bytes = 0;
  for (const part of encoding.parts) bytes += part.data.byteLength;
  return bytes;
}

/**
 * The default `combine` of a gather compressor: out = sum over ranks of decode(encoding).
 * `scratch` (out's length) spares an allocation per call.
 */
export function sumOfDecoded(compressor: Pick<Compressor, 'decode'>, encodings: readonly Encoding[], out: Float32Array, scratch: Float32Array = new Float32Array(out.length)): void {
  out.fill(0);
  for (const encoding of encodings) {
    compressor.decode(encoding, scratch);
    for (let i = 0; i < out.length; i++) out[i] += scratch[i];
  }
}

/** saveState/loadState of a compressor that carries nothing across steps. */
export const STATELESS: Pick<Compressor, 'saveState' | 'loadState'> = {
  saveState: () => null,
  loadState: (state: Float32Array) => checkStateLength('a stateless compressor', state, 0),
};

/** A compressor's own buffers, then (if any) its inner compressor's state, as one flat state. */
export function joinState(buffers: readonly Float32Array[], inner: Float32Array | null = null): Float32Array {
  let length = inner?.length ?? 0;
  for (const buffer of buffers) length += buffer.length;
  const state = new Float32Array(length);
  let at = 0;
  for (const part of inner ? [...buffers, inner] : buffers) {
    state.set(part, at);
    at += part.length;
  }
  return state;
}

/**
 * Loads what joinState wrote back into `buffers`; returns what follows them (the inner
 * compressor's state), or, with `inner` false, checks that nothing does.
 */
export function splitState(what: string, state: Float32Array, buffers: readonly Float32Array[], inner: boolean): Float32Array {
  let own = 0;
  for (const buffer of buffers) own += buffer.length;
  if (inner ? state.length < own : state.length !== own) checkStateLength(what, state, own);
  let at = 0;
  for (const buffer of buffers) {
    buffer.set(state.subarray(at, at + buffer.length));
    at += buffer.length;
  }
  return state.subarray(own);
}

/** A one-line error when a saved state does not fit the compressor loading it. */
export function checkStateLength(what: string, state: Float32Array, expected: number): void {
  if (state.length !== expected) throw new LoomError(`${what}: saved compressor state has ${state.length} values, expected ${expected} (was it saved by another compressor or model?)`);
}
