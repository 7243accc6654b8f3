/**
 * comm/: transports (threads, TCP, virtual) and the Communicator collectives over them.
 * Everything above this layer reaches comm only through this file.
 */
export type { Payload, RecvOptions, TransferOptions, Transport } from './transport.js';
export { Communicator, type CommunicatorOptions, type CreateCommunicatorOptions } from './communicator.js';
export type { AllReduceAlgorithm, MessageAllReduceAlgorithm, AllReduceOptions, CustomReduce, OpOptions, PointToPointOptions, ReduceOp, ReduceOptions } from './options.js';
export { ALL_REDUCE_ALGORITHMS, MESSAGE_ALL_REDUCE_ALGORITHMS, DEFAULT_TIMEOUT_MS, REDUCE_OPS } from './options.js';
export { HALF_FORMATS, type CommArray, type ElementArray, type HalfFormat } from './element-types.js';
export { decodeHalf, encodeHalf } from '../util/half-float.js';
export { CommStats, type CommStatsSnapshot, type TrafficStats } from './stats.js';
export { chooseAllReduceAlgorithm, DEFAULT_COST_MODEL, predictAllReduceSeconds, type CostModel } from './cost-model.js';
export type { CalibrationOptions } from './calibrate.js';
export { segmentLength, segmentStart } from './segments.js';
export type { Link, ReducingLink } from './link.js';
export { ALL_REDUCE, type AllReduceFn } from './allreduce/registry.js';
export { divideBy, sumInto } from './kernels/float-kernels.js';
export type { AllReduceTiming, AllReduceTimingOptions } from './allreduce-timing.js';

export { SubTransport } from './transports/sub-transport.js';
export { createVirtualTransports, VirtualWorld, type VirtualWorldOptions } from './transports/virtual/virtual-transport.js';
export { alphaBetaCost, VirtualClock, type MessageCost } from './transports/virtual/clock.js';
export { hierarchicalCost, type LinkModel } from './transports/virtual/topology.js';

export { attachThreadsTransport, ThreadsTransport } from './transports/threads/threads-transport.js';
export { createThreadsDescriptor, type ThreadsTransportDescriptor, type ThreadsWorldOptions } from './transports/threads/descriptor.js';
export { runOnThreads, ThreadPool, type ProgramRef } from './transports/threads/pool.js';
export type { ThreadProgram } from './transports/threads/pool-protocol.js';

export { connectTcpTransport, TcpTransport, DEFAULT_FRAGMENT_BYTES, DEFAULT_MAX_FRAME_BYTES, type TcpTransportOptions } from './transports/tcp/tcp-transport.js';
export { listenTcp, TcpListener } from './transports/tcp/listener.js';
export { parseAddress, type HostPort } from './transports/tcp/address.js';
export { FRAME_HEADER_BYTES, FRAME_MAGIC, FRAME_VERSION } from './transports/tcp/frame.js';
