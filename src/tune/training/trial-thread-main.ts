/**
 * Entry of a trial worker thread: runs the trials its TrialThread posts, one at a time, posting
 * each epoch's report and the outcome; a 'stop' ends the current trial after its current step.
 */
import { parentPort } from 'node:worker_threads';
import { startTrialRun, type TrialRun } from './train-trial.js';
import type { FromTrialThread, ToTrialThread } from './trial-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('trial-thread-main must run inside a worker thread started by TrialThread');

const post = (message: FromTrialThread): void => port.postMessage(message);
let current: TrialRun | null = null;

port.on('message', (message: ToTrialThread) => {
  if (message.type === 'stop') {
    current?.stop();
    return;
  }
  const run = startTrialRun(message.job, (epoch, value) => post({ type: 'report', epoch, value }));
  current = run;
  run.done.then(
    (outcome) => post({ type: 'done', outcome }),
    (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  ).finally(() => {
    if (current === run) current = null;
  });
});
