/** Drivers of data-parallel jobs, one per execution mode. */
export type { DriverOptions } from './driver-options.js';
export { trainOnThreads } from './run-threads.js';
export { trainVirtual, networkCost, networkMessageCost, secondsPerSample } from './run-virtual.js';
export { runDataParallel } from './run-data-parallel.js';
export { trainOnCluster, type ClusterDriverOptions } from './run-cluster.js';
export { ddpClusterJob, parseReportedRecord, type DdpPayload, type ReportedRecord } from './cluster-job.js';
