import type { Command } from 'commander';
import { LoomError, showValue } from '../../util/errors.js';

/** `loom worker --join HOST:PORT --token-file F`: serve one rank of a job run by a coordinator elsewhere. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('join a training job as one worker: loom worker --join HOST:PORT --token-file FILE')
    .requiredOption('--join <host:port>', 'the coordinator (the machine that ran `loom train --mode hosts --listen ...`)')
    .requiredOption('--token-file <file>', 'file holding the job token (the same file the coordinator was given)')
    .option('--listen-host <host>', 'address for the data connections of other workers (default: the one that reaches the coordinator)')
    .option('--heartbeat-sec <s>', 'heartbeat period in seconds', '1')
    .action(async (opts: { join: string; tokenFile: string; listenHost?: string; heartbeatSec: string }) => {
      const heartbeat = Number(opts.heartbeatSec);
      if (!(heartbeat > 0)) throw new LoomError(`--heartbeat-sec must be a positive number, got ${showValue(opts.heartbeatSec)}`);
      const [{ joinCoordinator, readTokenFile }, { trainingClusterJob }] = await Promise.all([import('../../cluster/index.js'), import('../../parallel/index.js')]);
      await joinCoordinator({
        coordinator: opts.join,
        token: readTokenFile(opts.tokenFile),
        job: trainingClusterJob,
        heartbeatMs: heartbeat * 1000,
        ...(opts.listenHost ? { listenHost: opts.listenHost } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
