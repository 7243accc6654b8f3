/**
 * The parameter server strategy (Li et al., "Scaling Distributed Machine Learning with the
 * Parameter Server", OSDI 2014): k server ranks each own a range of the flat parameters and run
 * the optimizer on it; workers push gradients and pull parameters. Consistency: BSP (a barrier
 * every step; equals DDP; optionally with backup workers, Chen et al. 2016), SSP with a staleness
 * bound (Ho et al., NIPS 2013), or ASP; under SSP and ASP optionally with delay-adaptive steps or
 * delay compensation (DC-ASGD, Zheng et al., ICML 2017).
 */
import type { LoomConfig } from '../../config/schema.js';
import { LoomError } from '../../util/errors.js';
import type { RankContext, Strategy } from '../strategy.js';
import { checkGradientCode } from '../coding/gradient-code.js';
import { checkServersForOptimizer, psOptions, psRoles, type PsOptions } from './layout.js';
import { runPsServer } from './ps-server.js';
import { runPsWorker } from './ps-worker.js';
import { checkPushCompression } from './push-compression-check.js';

export const parameterServerStrategy: Strategy<PsOptions> = {
  name: 'ps',
  options: psOptions,
  roles: (workers, options) => psRoles(workers, options),
  check: (options: PsOptions, config: LoomConfig) => {
    if (options.backupWorkers >= config.distributed.workers) {
      throw new LoomError(`strategy.backupWorkers = ${options.backupWorkers} leaves no worker's gradient in a round of distributed.workers = ${config.distributed.workers}`);
    }
    checkServersForOptimizer(options, config);
    if (options.compression) checkPushCompression(options.compression, config);
    if (options.gradientCoding) checkGradientCode(options.gradientCoding.scheme, config.distributed.workers, options.gradientCoding.s);
    const { batchSize, accumulationSteps } = config.train;
    const parts = config.distributed.workers * accumulationSteps;
    if (batchSize < parts) {
      throw new LoomError(`train.batchSize ${batchSize} is smaller than workers x accumulation steps (${config.distributed.workers} x ${accumulationSteps} = ${parts}): some micro-batches would be empty`);
    }
  },
  // Under ASP and SSP the servers take pushes as they come and count a lost worker as done; the
  // lead worker (metrics, checkpoints) and the servers (the parameters) cannot be lost.
  tolerates: (rank, roles, options) => options.consistency !== 'bsp' && rank !== 0 && roles[rank] === 'worker',
  run: (ctx: RankContext, options: PsOptions) => (ctx.role === 'server' ? runPsServer(ctx, options) : runPsWorker(ctx, options)),
};
