/**
 * cluster/: the control plane of multi-process and multi-host jobs: launching workers, job
 * tokens, authenticated rendezvous, heartbeats and failure detection, elastic restart, checkpoints.
 * Everything above this layer reaches cluster only through this file.
 */
export type { FailureRecord, JobStart, WorkerContext, WorkerJob } from './job.js';
export { Coordinator, type CoordinatorEvents, type JobOutcome } from './coordinator.js';
export { DEFAULT_MAX_CONTROL_FRAME_BYTES, type CoordinatorOptions } from './coordinator-options.js';
export { joinCoordinator, type JoinOptions } from './worker.js';
export { createTokenFile, readTokenFile, TOKEN_FILE_NAME } from './token-file.js';
export { launchLocalWorkers, LocalWorkers, type LaunchOptions, type WorkerExit } from './local-workers.js';
export { MIN_TOKEN_BYTES } from './auth.js';
