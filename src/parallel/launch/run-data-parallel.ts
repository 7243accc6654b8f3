/** Runs a data-parallel job in the config's execution mode; resolves with every rank's result, rank order. */
import { LoomError } from '../../util/errors.js';
import type { TrainResult } from '../../train/trainer.js';
import type { DriverOptions } from './driver-options.js';
import { trainOnThreads } from './run-threads.js';
import { trainVirtual } from './run-virtual.js';
import { trainOnCluster } from './run-cluster.js';
import { resolveStrategy } from '../strategies.js';

type Driver = (options: DriverOptions) => Promise<TrainResult[]>;

const DRIVERS: Record<string, Driver> = {
  threads: trainOnThreads,
  virtual: trainVirtual,
  procs: trainOnCluster,
  hosts: trainOnCluster,
};

export async function runDataParallel(options: DriverOptions): Promise<TrainResult[]> {
  const mode = options.config.distributed.mode;
  // The strategy's options (and a robust run's roles, rule and attack) are checked here, before any worker starts.
  resolveStrategy(options.config);
  const driver = DRIVERS[mode];
  if (!driver) throw new LoomError(`distributed.mode ${mode} is not available in this build`);
  return driver(options);
}
