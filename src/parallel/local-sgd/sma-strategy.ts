/**
 * CROSSBOW's synchronous model averaging as a strategy (`sma`; Koliousis et al., VLDB 2019): local
 * learners pulled every step towards a central average model with momentum (sma-group.ts).
 */
import { z } from 'zod';
import { workersOnly, type RankContext, type Strategy } from '../strategy.js';
import { groupOptions, runSynchronousRank, startFromRankZero } from '../sync-rank.js';
import { SmaGroup } from './sma-group.js';

const smaOptions = z.strictObject({
  /** The pull of each learner towards the central model (default 1 / workers, the paper's choice). */
  alpha: z.number().gt(0).max(1).optional(),
  /** Momentum on the central model. */
  momentum: z.number().min(0).lt(1).default(0.9),
});

export type SmaStrategyOptions = z.infer<typeof smaOptions>;

export const smaStrategy: Strategy<SmaStrategyOptions> = {
  name: 'sma',
  options: smaOptions,
  roles: workersOnly,
  run: (ctx: RankContext, options: SmaStrategyOptions) =>
    runSynchronousRank(ctx, async (model, _data, resumed) => {
      await startFromRankZero(ctx, model, true);
      const sma = { alpha: options.alpha ?? 1 / ctx.size, momentum: options.momentum };
      // Gradients are never summed (every step is local): no buckets.
      return new SmaGroup(ctx.comm, { ...groupOptions(ctx, model), buckets: [] }, sma, model.params, resumed?.strategy ?? null);
    }),
};
