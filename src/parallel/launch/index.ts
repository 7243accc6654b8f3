/** Launchers: start a job's ranks in each execution mode and run the config's strategy on each. */
export type { DriverOptions } from './driver-options.js';
export { trainOnThreads } from './run-threads.js';
export { trainVirtual, networkCost, networkMessageCost, secondsPerSample } from './run-virtual.js';
export { runDataParallel } from './run-data-parallel.js';
export { trainOnCluster, type ClusterDriverOptions } from './run-cluster.js';
export { trainingClusterJob, parseReportedRecord, type JobPayload, type ReportedRecord } from './cluster-job.js';
export { runRank } from './run-rank.js';
