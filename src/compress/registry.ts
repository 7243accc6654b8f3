/**
 * Every compressor by type, the config schema of a `compression:` section, and building a
 * compressor from a checked spec (wrapped in error feedback when asked).
 *
 *   compression: { type: topk, ratio: 0.01, errorFeedback: true }
 */
import { z } from 'zod';
import { LoomError, showValue } from '../util/errors.js';
import type { CompressionMethod, CompressionTarget } from './compressor.js';
import { ErrorFeedback } from './error-feedback.js';
import { MomentumCorrection } from './momentum-correction.js';
import { bf16Plugin, fp16Plugin } from './fp16.js';
import type { CompressorPlugin } from './plugin.js';
import { topkPlugin } from './topk.js';
import { qsgdPlugin } from './qsgd.js';
import { randomkPlugin } from './random-k.js';
import { terngradPlugin } from './terngrad.js';
import { thresholdPlugin } from './threshold.js';
import { dgcPlugin } from './dgc.js';
import { onebitPlugin } from './onebit-sgd.js';
import { efSignsgdPlugin, signsgdPlugin } from './signsgd.js';
import { signumPlugin } from './signum.js';
import { powerSgdPlugin } from './powersgd.js';
import { onebitAdamPlugin } from './onebit-adam.js';

// Each entry validates its own options; the registry passes them back only to the plugin that parsed them.
const PLUGINS: readonly CompressorPlugin<never>[] = [fp16Plugin, bf16Plugin, topkPlugin, signsgdPlugin, efSignsgdPlugin, signumPlugin, onebitPlugin, dgcPlugin, randomkPlugin, thresholdPlugin, qsgdPlugin, terngradPlugin, powerSgdPlugin, onebitAdamPlugin] as unknown as CompressorPlugin<never>[];

export const COMPRESSOR_TYPES: readonly string[] = PLUGINS.map((plugin) => plugin.type);

function pluginFor(type: unknown): CompressorPlugin<never> {
  const plugin = PLUGINS.find((candidate) => candidate.type === type);
  if (!plugin) throw new LoomError(`compression type ${showValue(type)} is unknown (known: ${COMPRESSOR_TYPES.join(', ')})`);
  return plugin;
}

/**
 * A `compression:` section: `type` (one of COMPRESSOR_TYPES), `errorFeedback` (default false), and
 * the named compressor's own options, checked by its schema.
 */
export const compressionSchema = z
  .object({
    type: z.string(),
    errorFeedback: z.boolean().default(false),
    /** Momentum correction (momentum-correction.ts): the momentum m moves into the compressor; the optimizer must be plain SGD. */
    momentumCorrection: z.number().min(0, 'expected a momentum in [0, 1)').lt(1, 'expected a momentum in [0, 1)').optional(),
  })
  .catchall(z.unknown())
  .superRefine((spec, ctx) => {
    const plugin = PLUGINS.find((candidate) => candidate.type === spec.type);
    if (!plugin) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown compressor (known: ${COMPRESSOR_TYPES.join(', ')})` });
      return;
    }
    const { type: _type, errorFeedback: _ef, momentumCorrection: _mc, ...options } = spec;
    const parsed = plugin.options.safeParse(options);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue(issue as never);
  });

export type CompressionSpec = z.infer<typeof compressionSchema>;

function pluginOptions(spec: CompressionSpec): { plugin: CompressorPlugin<never>; options: never } {
  const plugin = pluginFor(spec.type);
  const { type: _type, errorFeedback: _ef, momentumCorrection: _mc, ...rest } = spec;
  const parsed = plugin.options.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') throw new LoomError(`${spec.type} compressor has no option ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
    const key = issue.path.join('.');
    throw new LoomError(`${spec.type} compressor option ${key}=${showValue((rest as Record<string, unknown>)[String(issue.path[0])])} is invalid: ${issue.message}`);
  }
  return { plugin, options: parsed.data };
}

/**
 * Checks a spec against the vector it will compress and the optimizer that applies the result
 * (before any worker starts); a one-line LoomError names what does not fit.
 */
export function checkCompression(spec: CompressionSpec, target: CompressionTarget, optimizer?: { type: string; momentum?: number }): void {
  const { plugin, options } = pluginOptions(spec);
  plugin.check?.(options, target, spec.errorFeedback);
  if (spec.momentumCorrection !== undefined) checkMomentumCorrection(spec, plugin);
  if (optimizer) checkOptimizerFor(spec, optimizer);
}

/** The optimizer that applies the result: plain SGD where the compression keeps the momentum itself. */
export function checkOptimizerFor(spec: CompressionSpec, optimizer: { type: string; momentum?: number }): void {
  const plugin = pluginFor(spec.type);
  if ((plugin.ownMomentum || spec.momentumCorrection !== undefined) && (optimizer.type !== 'sgd' || (optimizer.momentum ?? 0) !== 0)) {
    const given = optimizer.type !== 'sgd' ? `optimizer ${optimizer.type}` : `sgd with momentum ${optimizer.momentum}`;
    const what = plugin.ownMomentum ? `compression ${spec.type} keeps its own momentum` : 'compression with momentumCorrection keeps the momentum';
    throw new LoomError(`${what}, so the optimizer must be sgd with momentum 0, got ${given}`);
  }
}

/** A method that does more than encode and decode: it keeps its own residual or momentum, or works in all-reduce rounds. */
function keepsOwnState(plugin: CompressorPlugin<never>): boolean {
  return plugin.ownErrorFeedback === true || plugin.ownMomentum === true || plugin.needsAllReduce === true;
}

/** Whether the spec's compressor carries state across steps (a residual, a momentum, PowerSGD's Q). */
export function keepsState(spec: CompressionSpec): boolean {
  const plugin = pluginFor(spec.type);
  return spec.errorFeedback || spec.momentumCorrection !== undefined || keepsOwnState(plugin);
}

/** Whether the spec's compressor works only inside an all-reduce (CompressorPlugin.needsAllReduce). */
export function needsAllReduce(spec: CompressionSpec): boolean {
  return pluginFor(spec.type).needsAllReduce === true;
}

/**
 * Refuses a compressor that does more than encode and decode what it is given: one with its own
 * residual, momentum or all-reduce rounds, or wrapped in error feedback or momentum correction.
 * `user` says what would run it and why (e.g. CHOCO-SGD, whose public copies keep the error).
 */
export function checkPlainCompressor(spec: CompressionSpec, user: string): void {
  const plugin = pluginFor(spec.type);
  const clash = spec.errorFeedback
    ? 'errorFeedback'
    : spec.momentumCorrection !== undefined
      ? 'momentumCorrection'
      : keepsOwnState(plugin)
        ? `${spec.type}, which keeps its own residual, momentum or all-reduce rounds,`
        : null;
  if (clash) throw new LoomError(`compression ${clash} cannot run under ${user}`);
}

/**
 * Refuses a compressor whose result is not an estimate of the sum of its inputs: one that keeps a
 * momentum of its own (DGC, signum's vote, 1-bit Adam's Adam step) or has momentum correction.
 * `user` names what sums through it (e.g. local SGD's model deltas).
 */
export function checkSumEstimate(spec: CompressionSpec, user: string): void {
  const plugin = pluginFor(spec.type);
  if (plugin.ownMomentum) throw new LoomError(`compression ${spec.type} keeps a momentum of its own, so it cannot sum ${user}`);
  if (spec.momentumCorrection !== undefined) throw new LoomError(`compression option momentumCorrection=${spec.momentumCorrection} keeps a momentum, so it cannot sum ${user}`);
}

/** Momentum correction keeps its own residual and momentum: it wraps a plain encode/decode compressor only. */
function checkMomentumCorrection(spec: CompressionSpec, plugin: CompressorPlugin<never>): void {
  const clash = spec.errorFeedback ? 'errorFeedback (its accumulated velocity is the residual)' : keepsOwnState(plugin) ? `${spec.type}, which keeps its own residual, momentum or rounds` : null;
  if (clash) throw new LoomError(`compression option momentumCorrection=${spec.momentumCorrection} cannot be combined with ${clash}`);
}

export function createCompressor(spec: CompressionSpec, target: CompressionTarget): CompressionMethod {
  const { plugin, options } = pluginOptions(spec);
  plugin.check?.(options, target, spec.errorFeedback);
  if (spec.momentumCorrection !== undefined) {
    checkMomentumCorrection(spec, plugin);
    const inner = plugin.create(options, target, false);
    if (inner.aggregation === 'rounds') throw new LoomError(`compression option momentumCorrection cannot wrap ${spec.type}`);
    return new MomentumCorrection(inner, spec.momentumCorrection, target.length);
  }
  const compressor = plugin.create(options, target, spec.errorFeedback);
  if (!spec.errorFeedback || plugin.ownErrorFeedback) return compressor;
  if (compressor.aggregation === 'rounds') throw new LoomError(`${spec.type} compressor option errorFeedback=true is invalid: it has no error feedback`);
  return new ErrorFeedback(compressor, target.length);
}
