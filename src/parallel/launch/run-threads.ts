/** `threads` mode: one worker thread per rank on this machine, the SharedArrayBuffer transport between them. */
import { ThreadPool } from '../../comm/index.js';
import { siblingModule } from '../../util/module-url.js';
import type { TrainResult } from '../../train/trainer.js';
import type { ThreadRankData, ThreadRankEvent } from './threads-rank.js';
import type { DriverOptions } from './driver-options.js';
import { worldSize } from '../strategies.js';

export async function trainOnThreads(options: DriverOptions): Promise<TrainResult[]> {
  const { config, metrics } = options;
  const stopFlag = new SharedArrayBuffer(4);
  const data: ThreadRankData = { config, stopFlag, ...(typeof options.resume === 'string' ? { resume: options.resume } : {}) };
  const pool = ThreadPool.create();
  const onStop = (): void => {
    Atomics.store(new Int32Array(stopFlag), 0, 1);
  };
  options.stopSignal?.addEventListener('abort', onStop, { once: true });
  try {
    return await pool.run<TrainResult>(
      worldSize(config),
      { module: siblingModule(import.meta.url, './threads-rank'), exportName: 'threadRank' },
      data,
      {},
      (_rank, event) => {
        for (const { record, persist } of (event as ThreadRankEvent).records) metrics.publish(record, persist);
      },
    );
  } finally {
    options.stopSignal?.removeEventListener('abort', onStop);
    await pool.close();
  }
}
