/**
 * The messages between a parameter server's workers and servers. A worker pushes a small header
 * (then, unless it is done, its gradient's slice) to every server, and pulls back the server's
 * parameter slice with a reply header. Servers ship their state (parameters and optimizer buffers)
 * to the lead worker when a checkpoint is due and at the end.
 */
export const TAG = {
  pushHeader: 0x5000,
  pushGradient: 0x5001,
  pullParams: 0x5002,
  pullHeader: 0x5003,
  state: 0x5004,
} as const;

/** Push header: [loss, stop vote, the worker's clock (its step), flags]. */
export const PUSH_HEADER = 4;
export const PUSH = { loss: 0, stop: 1, clock: 2, flags: 3 } as const;
/** The worker has finished: no gradient follows; it pulls the final state only if it is the lead. */
export const DONE = 1;
/** The lead worker wants the servers' state after this push is applied (a checkpoint is due). */
export const SEND_STATE = 2;

/** Reply header: [loss (summed over the workers under BSP, the pusher's own otherwise), stop, staleness of the push, server version]. */
export const PULL_HEADER = 4;
export const PULL = { loss: 0, stop: 1, staleness: 2, version: 3 } as const;

export { transferOptions, type TransferLimits } from '../strategy.js';
