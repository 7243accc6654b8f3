/**
 * A worker thread that runs training trials for one tuner loop: `run` posts a job and resolves
 * with its outcome, calling `onReport` for every epoch; `stop` asks the running trial to end. A
 * thread that dies fails its trial and is replaced on the next run.
 */
import type { Worker } from 'node:worker_threads';
import { LoomError } from '../../util/errors.js';
import { siblingModule } from '../../util/module-url.js';
import { startModuleWorker } from '../../util/module-worker.js';
import type { EpochReport, TrialJob, TrialOutcome } from './trial-job.js';
import type { FromTrialThread, ToTrialThread } from './trial-thread-protocol.js';

export class TrialThread {
  private worker: Worker | null = null;
  private busy = false;

  async run(job: TrialJob, onReport: EpochReport): Promise<TrialOutcome> {
    if (this.busy) throw new LoomError(`trial thread is busy; trial ${job.trial} cannot start`);
    this.busy = true;
    const worker = this.start();
    try {
      return await new Promise<TrialOutcome>((resolve, reject) => {
        const onMessage = (message: FromTrialThread): void => {
          if (message.type === 'report') onReport(message.epoch, message.value);
          else {
            cleanup();
            if (message.type === 'done') resolve(message.outcome);
            else reject(new LoomError(`trial ${job.trial}: ${message.message}`));
          }
        };
        const onExit = (code: number): void => {
          cleanup();
          this.worker = null;
          reject(new LoomError(`trial ${job.trial}: its thread exited with code ${code}`));
        };
        const onError = (error: Error): void => {
          cleanup();
          this.worker = null;
          void worker.terminate();
          reject(new LoomError(`trial ${job.trial}: its thread failed: ${error.message}`, { cause: error }));
        };
        const cleanup = (): void => {
          worker.off('message', onMessage);
          worker.off('exit', onExit);
          worker.off('error', onError);
        };
        worker.on('message', onMessage);
        worker.on('exit', onExit);
        worker.on('error', onError);
        worker.postMessage({ type: 'run', job } satisfies ToTrialThread);
      });
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    this.worker?.postMessage({ type: 'stop' } satisfies ToTrialThread);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (!this.worker) {
      // The entry has this file's own extension: .ts next to the sources, .js in dist/.
      this.worker = startModuleWorker(siblingModule(import.meta.url, './trial-thread-main'));
    }
    return this.worker;
  }
}
