/**
 * The coordinator's options: what each means, its default, and the checks that turn a bad value
 * into a one-line error before anything listens.
 */
import { LoomError, showValue } from '../util/errors.js';
import { MIN_TOKEN_BYTES } from './auth.js';

export const DEFAULT_MAX_CONTROL_FRAME_BYTES = 256 * 1024 * 1024;

export interface CoordinatorOptions {
  /** Bind address (default 127.0.0.1; 0.0.0.0 for workers on other hosts). */
  host?: string;
  /** Port (default 0: any free port; see `address`). */
  port?: number;
  /** The job token every worker must prove it holds (at least 16 bytes). */
  token: Uint8Array;
  /** Workers to wait for before generation 0 starts. */
  workers: number;
  /** After a failure, restart only if at least this many workers survive (default 1). */
  minWorkers?: number;
  /** A rank that sends nothing for this long has failed (default 10 s). */
  heartbeatTimeoutMs?: number;
  /** run() fails if the workers have not all joined this long after it was called (default 60 s). */
  joinTimeoutMs?: number;
  /** A connection must authenticate and join within this long (default 5 s). */
  authTimeoutMs?: number;
  /** How long to gather signals after a first failure before judging its cause (default 300 ms). */
  failureGraceMs?: number;
  /**
   * What a rank failure does: fail the job (default), restart it on the survivors, or go on
   * without the rank when `tolerates` says the job can (else fail).
   */
  onFailure?: 'fail' | 'restart' | 'continue';
  /** onFailure "continue": whether the job can go on without `rank` of a generation of `size` ranks (default: never). */
  tolerates?: (rank: number, size: number) => boolean;
  /** Restarts allowed before the job fails (default 3). */
  maxRestarts?: number;
  /** Survivors must stop their job and rejoin within this long after an abort (default: joinTimeoutMs). */
  rejoinTimeoutMs?: number;
  /** JSON given to every worker's job. */
  payload?: unknown;
  /** Checkpoint bytes to start generation 0 from. */
  resume?: Uint8Array | null;
  /** Where checkpoints are written (atomically); without it they are kept in memory only. */
  checkpointPath?: string;
  /** Largest control frame accepted from an authenticated worker (default 256 MiB). */
  maxFrameBytes?: number;
  log?: (line: string) => void;
}

/** Options with every default filled in and every value checked. */
export type ResolvedCoordinatorOptions = Required<Omit<CoordinatorOptions, 'checkpointPath' | 'resume'>> & {
  checkpointPath: string | null;
  resume: Uint8Array | null;
};

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new LoomError(`coordinator option ${name} must be an integer of at least ${min}, got ${showValue(value)}`);
  }
  return value;
}

export function resolveCoordinatorOptions(options: CoordinatorOptions): ResolvedCoordinatorOptions {
  if (!(options.token instanceof Uint8Array) || options.token.length < MIN_TOKEN_BYTES) {
    throw new LoomError(`job token must be at least ${MIN_TOKEN_BYTES} bytes, got ${options.token?.length ?? 0}`);
  }
  const onFailure = options.onFailure ?? 'fail';
  if (onFailure !== 'fail' && onFailure !== 'restart' && onFailure !== 'continue') {
    throw new LoomError(`coordinator option onFailure must be "fail", "restart" or "continue", got ${showValue(onFailure)}`);
  }
  try {
    JSON.stringify(options.payload ?? null);
  } catch (error) {
    throw new LoomError(`coordinator payload must be JSON: ${(error as Error).message}`, { cause: error });
  }
  const joinTimeoutMs = checkInteger('joinTimeoutMs', options.joinTimeoutMs ?? 60_000, 1);
  return {
    host: options.host ?? '127.0.0.1',
    port: checkInteger('port', options.port ?? 0, 0),
    token: options.token,
    workers: checkInteger('workers', options.workers, 1),
    minWorkers: checkInteger('minWorkers', options.minWorkers ?? 1, 1),
    heartbeatTimeoutMs: checkInteger('heartbeatTimeoutMs', options.heartbeatTimeoutMs ?? 10_000, 1),
    joinTimeoutMs,
    authTimeoutMs: checkInteger('authTimeoutMs', options.authTimeoutMs ?? 5_000, 1),
    failureGraceMs: checkInteger('failureGraceMs', options.failureGraceMs ?? 300, 0),
    onFailure,
    tolerates: options.tolerates ?? (() => false),
    maxRestarts: checkInteger('maxRestarts', options.maxRestarts ?? 3, 0),
    rejoinTimeoutMs: checkInteger('rejoinTimeoutMs', options.rejoinTimeoutMs ?? joinTimeoutMs, 1),
    payload: options.payload ?? null,
    resume: options.resume ?? null,
    checkpointPath: options.checkpointPath ?? null,
    maxFrameBytes: checkInteger('maxFrameBytes', options.maxFrameBytes ?? DEFAULT_MAX_CONTROL_FRAME_BYTES, 1024),
    log: options.log ?? (() => {}),
  };
}
