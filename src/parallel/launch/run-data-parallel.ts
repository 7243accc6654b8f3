/** Runs a data-parallel job in the config's execution mode; resolves with every rank's result, rank order. */
import { LoomError } from '../../util/errors.js';
import type { TrainResult } from '../../train/trainer.js';
import type { DriverOptions } from './driver-options.js';
import { trainOnThreads } from './run-threads.js';
import { trainVirtual } from './run-virtual.js';
import { trainOnCluster } from './run-cluster.js';
import { planRobustRun } from '../robust/index.js';

type Driver = (options: DriverOptions) => Promise<TrainResult[]>;

const DRIVERS: Record<string, Driver> = {
  threads: trainOnThreads,
  virtual: trainVirtual,
  procs: trainOnCluster,
  hosts: trainOnCluster,
};

export async function runDataParallel(options: DriverOptions): Promise<TrainResult[]> {
  const mode = options.config.distributed.mode;
  // A robust run's roles, rule and attack are checked here, before any worker starts.
  if (options.config.robust) planRobustRun(options.config);
  const driver = DRIVERS[mode];
  if (!driver) throw new LoomError(`distributed.mode ${mode} is not available in this build`);
  return driver(options);
}
