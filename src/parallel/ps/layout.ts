/** The options of the parameter server strategy, and which ranks serve which range. */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import type { Model } from '../../nn/model.js';
import { LoomError } from '../../util/errors.js';
import { createGradientCode, type GradientCode } from '../coding/gradient-code.js';
import { compressionSchema } from '../../compress/index.js';
import { modelOutline } from '../model-outline.js';
import { workersOnly } from '../strategy.js';
import { planShards, type Shard } from './shards.js';

export const psOptions = z
  .strictObject({
    /** Server ranks, each owning one range of the flat parameters (ranks after the workers'). */
    servers: z.number().int().positive().default(1),
    /** bsp: a barrier every step; ssp: workers at most `staleness` steps ahead of the slowest; asp: no bound. */
    consistency: z.enum(['bsp', 'ssp', 'asp']).default('bsp'),
    staleness: z.number().int().nonnegative().optional(),
    /** bsp: a round closes at the first workers - backupWorkers pushes (Chen et al. 2016); the rest are dropped. */
    backupWorkers: z.number().int().nonnegative().default(0),
    /** bsp: gradient coding (Tandon et al. 2017): each worker computes s + 1 partitions; any workers - s pushes decode the full gradient. */
    gradientCoding: z.strictObject({ scheme: z.enum(['fractional-repetition', 'cyclic']), s: z.number().int().positive() }).optional(),
    /**
     * asp/ssp: delay-adaptive step sizes (after Mishchenko et al., NeurIPS 2022): a push applied
     * tau updates after its worker's pull takes lr x min(1, threshold / tau); threshold defaults
     * to the number of workers (the delay a round-robin of workers gives every push).
     */
    delayAdaptive: z.strictObject({ threshold: z.number().int().positive().optional() }).optional(),
    /**
     * asp/ssp: delay compensation (DC-ASGD, Zheng et al., ICML 2017; delay-compensation.ts): each
     * push's gradient g becomes g + lambda g ⊙ g ⊙ (w_now - w_pulled). adaptive (DC-ASGD-a, the
     * default): lambda = lambda0 / sqrt(MeanSquare), a moving average of g ⊙ g with decay
     * meanSquareDecay; otherwise constant (DC-ASGD-c).
     */
    delayCompensation: z
      .strictObject({
        lambda: z.number().positive(),
        adaptive: z.boolean().default(true),
        meanSquareDecay: z.number().gt(0).lt(1).default(0.95),
      })
      .optional(),
    /** Compressed pushes (compress/): each worker compresses its slice for each server; the server decodes each push. */
    compression: compressionSchema.optional(),
  })
  .refine((o) => o.consistency !== 'bsp' || o.delayCompensation === undefined, { message: 'delay compensation applies to consistency asp or ssp', path: ['delayCompensation'] })
  .refine((o) => o.consistency !== 'bsp' || o.delayAdaptive === undefined, { message: 'delay-adaptive steps apply to consistency asp or ssp', path: ['delayAdaptive'] })
  .refine((o) => o.consistency === 'bsp' || o.gradientCoding === undefined, { message: 'gradient coding applies to consistency bsp only', path: ['gradientCoding'] })
  .refine((o) => o.backupWorkers === 0 || o.gradientCoding === undefined, { message: 'give backupWorkers or gradientCoding, not both', path: ['gradientCoding'] })
  .refine((o) => o.consistency === 'bsp' || o.backupWorkers === 0, { message: 'backup workers apply to consistency bsp only', path: ['backupWorkers'] })
  .refine((o) => o.consistency !== 'ssp' || o.staleness !== undefined, { message: 'consistency ssp needs a staleness bound s (steps a worker may run ahead)', path: ['staleness'] })
  .refine((o) => o.consistency === 'ssp' || o.staleness === undefined, { message: 'staleness applies to consistency ssp only', path: ['staleness'] });

export type PsOptions = z.infer<typeof psOptions>;

export interface PsLayout {
  readonly workers: readonly number[];
  readonly servers: readonly number[];
  /** The range of the flat parameters each server owns (same order as `servers`). */
  readonly shards: readonly Shard[];
  /** The gradient code the workers encode with and the servers decode, if any. */
  readonly code: GradientCode | null;
}

/** Layer-wise rules update whole tensors, so their servers own whole tensors. */
const LAYER_WISE = new Set(['lars', 'lamb']);

/**
 * Refuses more servers than a layer-wise optimizer can give whole tensors to (psLayout would, but
 * only once the ranks start).
 */
export function checkServersForOptimizer(options: PsOptions, config: LoomConfig): void {
  const type = config.optimizer.type;
  if (!LAYER_WISE.has(type) || options.servers === 1) return;
  const tensors = modelOutline(config)?.segments.filter((s) => s.size > 0).length;
  if (tensors !== undefined && options.servers > tensors) {
    throw new LoomError(`config key strategy.servers = ${options.servers} is invalid: optimizer ${type} updates whole tensors and the model has ${tensors}`);
  }
}

export function psLayout(roles: readonly string[], options: PsOptions, model: Model, config: LoomConfig): PsLayout {
  const workers = roles.flatMap((role, rank) => (role === 'worker' ? [rank] : []));
  const servers = roles.flatMap((role, rank) => (role === 'server' ? [rank] : []));
  const coding = options.gradientCoding;
  return {
    workers,
    servers,
    shards: planShards(model.params.length, model.segments, servers.length, LAYER_WISE.has(config.optimizer.type)),
    code: coding ? createGradientCode(coding.scheme, workers.length, coding.s, config.seed) : null,
  };
}

/** Workers first (the lead worker is rank 0), then the servers. */
export function psRoles(workers: number, options: PsOptions): string[] {
  return [...workersOnly(workers), ...Array.from({ length: options.servers }, () => 'server')];
}
