/** The options of the parameter server strategy, and which ranks serve which range. */
import { z } from 'zod';
import type { LoomConfig } from '../../config/schema.js';
import type { Model } from '../../nn/model.js';
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
  })
  .refine((o) => o.consistency === 'bsp' || o.backupWorkers === 0, { message: 'backup workers apply to consistency bsp only', path: ['backupWorkers'] })
  .refine((o) => o.consistency !== 'ssp' || o.staleness !== undefined, { message: 'consistency ssp needs a staleness bound s (steps a worker may run ahead)', path: ['staleness'] })
  .refine((o) => o.consistency === 'ssp' || o.staleness === undefined, { message: 'staleness applies to consistency ssp only', path: ['staleness'] });

export type PsOptions = z.infer<typeof psOptions>;

export interface PsLayout {
  readonly workers: readonly number[];
  readonly servers: readonly number[];
  /** The range of the flat parameters each server owns (same order as `servers`). */
  readonly shards: readonly Shard[];
}

/** Layer-wise rules update whole tensors, so their servers own whole tensors. */
const LAYER_WISE = new Set(['lars', 'lamb']);

export function psLayout(roles: readonly string[], options: PsOptions, model: Model, config: LoomConfig): PsLayout {
  const workers = roles.flatMap((role, rank) => (role === 'worker' ? [rank] : []));
  const servers = roles.flatMap((role, rank) => (role === 'server' ? [rank] : []));
  return { workers, servers, shards: planShards(model.params.length, model.segments, servers.length, LAYER_WISE.has(config.optimizer.type)) };
}

/** Workers first (the lead worker is rank 0), then the servers. */
export function psRoles(workers: number, options: PsOptions): string[] {
  return [...Array.from({ length: workers }, () => 'worker'), ...Array.from({ length: options.servers }, () => 'server')];
}
