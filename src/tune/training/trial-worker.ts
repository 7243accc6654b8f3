/**
 * Where one tuner loop runs its training trials: a worker thread of this process (`threads`, the
 * default) or a child process (`processes`). `run` sends a job and resolves with its outcome,
 * calling `onReport` for every epoch; `stop` asks the running trial to end. A worker that dies
 * fails its trial and is replaced on the next run. Errors are the trial's (the study stores them
 * with it): they do not repeat its number.
 *
 * A process costs a Node start and a copy of the data of its own, but shares nothing with the
 * tuner: a trial that crashes its process or runs out of memory takes no other trial with it.
 * Threads share the tuner's decoded dataset. On 2 cores both give the same trials per hour.
 */
import type { EventEmitter } from 'node:events';
import { LoomError } from '../../util/errors.js';
import { startModuleProcess } from '../../util/module-process.js';
import { siblingModule } from '../../util/module-url.js';
import { startModuleWorker } from '../../util/module-worker.js';
import type { EpochReport, TrialJob, TrialOutcome } from './trial-job.js';
import type { FromTrialWorker, ToTrialWorker, TrialWorkerMode } from './trial-worker-protocol.js';

/** A started thread or process, seen through what both offer. */
interface Runner {
  /** Emits 'message', 'exit' (code, signal for a process) and 'error'. */
  readonly events: EventEmitter;
  send(message: ToTrialWorker): void;
  /** Ends it (a trial running there is abandoned) and resolves once it is gone. */
  end(): Promise<void>;
}

function startRunner(mode: TrialWorkerMode): Runner {
  // The entry has this file's own extension: .ts next to the sources, .js in dist/.
  const main = siblingModule(import.meta.url, './trial-worker-main');
  if (mode === 'threads') {
    const worker = startModuleWorker(main);
    return { events: worker, send: (message) => worker.postMessage(message), end: async () => void (await worker.terminate()) };
  }
  const child = startModuleProcess(main);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    events: child,
    send: (message) => {
      if (child.connected) child.send(message);
    },
    end: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export class TrialWorker {
  private runner: Runner | null = null;
  private busy = false;
  private closed = false;

  constructor(readonly mode: TrialWorkerMode = 'threads') {}

  private get noun(): string {
    return this.mode === 'threads' ? 'thread' : 'process';
  }

  async run(job: TrialJob, onReport: EpochReport): Promise<TrialOutcome> {
    if (this.closed) throw new LoomError(`trial ${this.noun} is closed; trial ${job.trial} cannot start`);
    if (this.busy) throw new LoomError(`trial ${this.noun} is busy; trial ${job.trial} cannot start`);
    this.busy = true;
    try {
      const runner = this.start();
      const { events } = runner;
      return await new Promise<TrialOutcome>((resolve, reject) => {
        const onMessage = (message: FromTrialWorker): void => {
          if (message.type === 'report') onReport(message.epoch, message.value);
          else {
            cleanup();
            if (message.type === 'done') resolve(message.outcome);
            else reject(new LoomError(message.message));
          }
        };
        const onExit = (code: number | null, signal?: NodeJS.Signals | null): void => {
          cleanup();
          reject(new LoomError(`the trial's ${this.noun} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`));
        };
        const onError = (error: Error): void => {
          cleanup();
          this.forget(runner);
          void runner.end();
          reject(new LoomError(`the trial's ${this.noun} failed: ${error.message}`, { cause: error }));
        };
        const cleanup = (): void => {
          events.off('message', onMessage);
          events.off('exit', onExit);
          events.off('error', onError);
        };
        events.on('message', onMessage);
        events.on('exit', onExit);
        events.on('error', onError);
        runner.send({ type: 'run', job });
      });
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    this.runner?.send({ type: 'stop' });
  }

  /** Ends the thread or process (a running trial fails); the worker runs nothing after. */
  async close(): Promise<void> {
    this.closed = true;
    const runner = this.runner;
    this.runner = null;
    if (runner) await runner.end();
  }

  private start(): Runner {
    if (!this.runner) {
      const runner = startRunner(this.mode);
      // Gone between trials as well as during one: the next run starts a new one. An error
      // between runs (a process's channel breaking as it dies) only retires it, as an exit does.
      runner.events.once('exit', () => this.forget(runner));
      runner.events.on('error', () => this.forget(runner));
      this.runner = runner;
    }
    return this.runner;
  }

  private forget(runner: Runner): void {
    if (this.runner === runner) this.runner = null;
  }
}
