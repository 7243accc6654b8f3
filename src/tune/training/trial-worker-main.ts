/**
 * Entry of a trial worker, a thread or a child process: runs the trials its TrialWorker sends,
 * one at a time, sending each epoch's report and the outcome; a 'stop' ends the current trial
 * after its current step. A process leaves when its tuner's channel closes (the tuner exited or
 * was killed), so that no trial trains on for a tuner that is gone.
 */
import { parentPort } from 'node:worker_threads';
import { startTrialRun, type TrialRun } from './train-trial.js';
import type { FromTrialWorker, ToTrialWorker } from './trial-worker-protocol.js';

interface Channel {
  post(message: FromTrialWorker): void;
  onMessage(handle: (message: ToTrialWorker) => void): void;
}

function channel(): Channel {
  const port = parentPort;
  if (port) return { post: (message) => port.postMessage(message), onMessage: (handle) => port.on('message', handle) };
  const send = process.send?.bind(process);
  if (!send) throw new Error('trial-worker-main must run in a worker thread or a child process started by TrialWorker');
  process.on('disconnect', () => process.exit(0));
  return { post: (message) => void send(message), onMessage: (handle) => process.on('message', handle) };
}

const tuner = channel();
let current: TrialRun | null = null;

tuner.onMessage((message) => {
  if (message.type === 'stop') {
    current?.stop();
    return;
  }
  const run = startTrialRun(message.job, (epoch, value) => tuner.post({ type: 'report', epoch, value }));
  current = run;
  run.done.then(
    (outcome) => tuner.post({ type: 'done', outcome }),
    (error: unknown) => tuner.post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  ).finally(() => {
    if (current === run) current = null;
  });
});
