/**
 * `procs` and `hosts` modes: this process is the coordinator (rendezvous, heartbeats, failure
 * handling, checkpoints); the ranks are `loom worker` processes joined over TCP. In procs mode they
 * are started here, on loopback, with a fresh job token; in hosts mode they are started by the user
 * on other machines with `loom worker --join HOST:PORT --token-file F`.
 */
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Coordinator, createTokenFile, launchLocalWorkers, readTokenFile, type LocalWorkers } from '../../cluster/index.js';
import type { LoomConfig } from '../../config/schema.js';
import { encodeCheckpoint } from '../../train/checkpoint.js';
import type { TrainResult } from '../../train/trainer.js';
import { LoomError } from '../../util/errors.js';
import { parseAddress } from '../../comm/index.js';
import { parseReportedRecord, type JobPayload } from './cluster-job.js';
import { toleratesLoss, worldSize } from '../strategies.js';
import type { DriverOptions } from './driver-options.js';

/** How long finished workers get to exit by themselves before they are stopped. */
const WORKER_EXIT_GRACE_MS = 5_000;
const LOOM_BIN = fileURLToPath(new URL('../../../bin/loom.js', import.meta.url));

export interface ClusterDriverOptions extends DriverOptions {
  /** Coordinator log lines (joins, refusals, failures, worker output); default: stderr. */
  readonly log?: (line: string) => void;
  /** procs mode: called with the started worker processes (tests kill one). */
  readonly onWorkers?: (workers: LocalWorkers) => void;
}

export async function trainOnCluster(options: ClusterDriverOptions): Promise<TrainResult[]> {
  const { config, metrics } = options;
  const dist = config.distributed;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (dist.onFailure === 'restart' && !config.output.dir) {
    throw new LoomError('distributed.onFailure = "restart" needs output.dir (and output.checkpointEvery) for the checkpoints it restarts from');
  }
  const procs = dist.mode === 'procs';
  // One `loom worker` per rank: the strategy's servers or other extra ranks are workers of the cluster too.
  const ranks = worldSize(config);
  const secrets = procs ? mkdtempSync(join(tmpdir(), 'loom-job-')) : null;
  const { path: tokenPath, token } = secrets ? createTokenFile(secrets) : hostsToken(config);
  const [host, port] = parseListen(dist.listen ?? (procs ? '127.0.0.1:0' : undefined));
  let workers: LocalWorkers | null = null;
  let coordinator: Coordinator | null = null;
  try {
    coordinator = await Coordinator.listen({
      host,
      port,
      token,
      workers: ranks,
      heartbeatTimeoutMs: dist.failureTimeoutSec * 1000,
      joinTimeoutMs: dist.joinTimeoutSec * 1000,
      onFailure: dist.onFailure,
      tolerates: (rank, size) => toleratesLoss(config, rank, size),
      payload: { kind: 'train', config } satisfies JobPayload,
      resume: resumeBytes(options.resume),
      ...(config.output.dir ? { checkpointPath: join(config.output.dir, 'checkpoint.ckpt') } : {}),
      log,
    });
    coordinator.on('report', (_rank, value) => {
      const reported = parseReportedRecord(value);
      if (reported) metrics.publish(reported.record, reported.persist);
    });
    const joinArgs = ['worker', '--join', coordinator.address, '--token-file', tokenPath, '--heartbeat-sec', String(dist.heartbeatSec)];
    if (procs) {
      workers = launchLocalWorkers({ count: ranks, command: process.execPath, args: [LOOM_BIN, ...joinArgs], log });
      options.onWorkers?.(workers);
    } else {
      log(`loom: coordinator listening on ${coordinator.address}; start ${ranks} workers with: loom ${joinArgs.join(' ')}`);
    }
    const running = coordinator;
    const onStop = (): void => running.requestStop();
    options.stopSignal?.addEventListener('abort', onStop, { once: true });
    const outcome = await coordinator.run().finally(() => options.stopSignal?.removeEventListener('abort', onStop));
    if (workers) await exitsOrTimeout(workers, WORKER_EXIT_GRACE_MS); // they leave after 'finish'
    // Ranks the job went on without (onFailure continue) left no result.
    return (outcome.results as (TrainResult | undefined)[]).filter((result): result is TrainResult => result !== undefined);
  } finally {
    await coordinator?.close();
    await workers?.stop();
    if (secrets) rmSync(secrets, { recursive: true, force: true });
  }
}

function hostsToken(config: LoomConfig): { path: string; token: Uint8Array } {
  const path = config.distributed.tokenFile;
  if (!path) throw new LoomError('hosts mode needs a job token: --token-file FILE (same as distributed.tokenFile), a file of at least 16 bytes the workers also have');
  if (!config.distributed.listen) throw new LoomError('hosts mode needs --listen HOST:PORT (same as distributed.listen), the address workers join');
  return { path, token: readTokenFile(path) };
}

function parseListen(listen: string | undefined): [string, number] {
  const { host, port } = parseAddress(listen ?? '', 'distributed.listen', true);
  return [host, port];
}

function resumeBytes(resume: DriverOptions['resume']): Uint8Array | null {
  if (resume === undefined) return null;
  if (typeof resume !== 'string') return encodeCheckpoint(resume);
  try {
    return readFileSync(resume);
  } catch (error) {
    throw new LoomError(`checkpoint not found: ${resume}`, { cause: error });
  }
}

async function exitsOrTimeout(workers: LocalWorkers, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([workers.waitAll(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
