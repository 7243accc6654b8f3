/**
 * A compressor as configuration names it: its type, its options' schema (each plugin validates its
 * own options), and how to build one for a vector.
 */
import type { z } from 'zod';
import type { CompressionMethod, CompressionTarget } from './compressor.js';

export interface CompressorPlugin<O> {
  readonly type: string;
  readonly options: z.ZodType<O>;
  /**
   * Checks what the options cannot check alone, against the vector (e.g. a rank above a matrix's
   * smaller side) and whether the config asked for error feedback; throws a one-line LoomError
   * naming the option and value.
   */
  check?(options: O, target: CompressionTarget, errorFeedback: boolean): void;
  /**
   * Builds the compressor. `errorFeedback`: the config asked for it; the registry wraps the result
   * in ErrorFeedback unless the plugin declares `ownErrorFeedback` (then it keeps the residual itself).
   */
  create(options: O, target: CompressionTarget, errorFeedback: boolean): CompressionMethod;
  /**
   * The method holds its own momentum (DGC's momentum correction, signum), so the optimizer that
   * applies its result must be plain SGD without momentum: the strategy refuses anything else.
   */
  readonly ownMomentum?: boolean;
  /**
   * Its encodings mean something only summed inside an all-reduce (random-k's positions, shared by
   * every rank and never sent; PowerSGD's rounds): strategies that decode each rank's encoding on
   * its own (a parameter server) refuse it.
   */
  readonly needsAllReduce?: boolean;
  /** The method keeps its own residual (PowerSGD, DGC, 1-bit SGD): the registry does not wrap it. */
  readonly ownErrorFeedback?: boolean;
}
