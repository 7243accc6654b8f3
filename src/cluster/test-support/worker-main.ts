/**
 * A worker process for the cluster tests: joins a coordinator and runs the test jobs.
 * Usage: node --import tsx worker-main.ts --join HOST:PORT --token-file FILE [--heartbeat-ms N]
 * Exits 0 when the job finishes, 1 (message on stderr) when it fails or is stopped.
 */
import { parseArgs } from 'node:util';
import { joinCoordinator, readTokenFile } from '../index.js';
import { runTestJob } from './test-jobs.js';

const { values } = parseArgs({ options: { join: { type: 'string' }, 'token-file': { type: 'string' }, 'heartbeat-ms': { type: 'string' } } });
try {
  if (!values.join || !values['token-file']) throw new Error('usage: worker-main.ts --join HOST:PORT --token-file FILE [--heartbeat-ms N]');
  await joinCoordinator({
    coordinator: values.join,
    token: readTokenFile(values['token-file']),
    job: runTestJob,
    heartbeatMs: Number(values['heartbeat-ms'] ?? 150),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.exit(0);
} catch (error) {
  process.stderr.write(`worker ${process.pid}: ${(error as Error).message}\n`);
  process.exit(1);
}
