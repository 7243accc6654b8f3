/**
 * A parameter server's loop under bulk synchronous parallel consistency (BSP; Valiant 1990, the
 * parameter server of Li et al., OSDI 2014, with a barrier every clock): every round it takes one
 * push from every worker, sums the gradient slices in worker order (the same sum whatever order
 * they arrive in), applies one optimizer step at the round's learning rate, and replies to every
 * worker with the new parameters. The workers' shares are weighted as DDP's, so k servers follow
 * DDP's trajectory (and one worker's) up to float rounding.
 */
import type { Communicator } from '../../comm/index.js';
import { LoomError } from '../../util/errors.js';
import { DONE, PUSH, PUSH_HEADER, SEND_STATE, TAG } from './protocol.js';
import type { ServerShard } from './server-shard.js';

export interface ServerLoopSetup {
  readonly comm: Communicator;
  readonly shard: ServerShard;
  /** Worker ranks, in order; the first is the lead (metrics, checkpoints). */
  readonly workers: readonly number[];
  readonly lr: (step: number) => number;
}

/** Runs rounds until every worker says it is done; returns the rounds applied. */
export async function serveBsp({ comm, shard, workers, lr }: ServerLoopSetup): Promise<number> {
  const headers = workers.map(() => new Float32Array(PUSH_HEADER));
  const grads = workers.map(() => new Float32Array(shard.length));
  const sum = new Float32Array(shard.length);
  let rounds = 0;
  for (;;) {
    await Promise.all(workers.map((w, i) => comm.recv(w, headers[i]!, shard.opts(TAG.pushHeader))));
    const done = headers.filter((h) => (h[PUSH.flags]! & DONE) !== 0).length;
    if (done === workers.length) break;
    if (done > 0) throw new LoomError(`parameter server (BSP): ${done} of ${workers.length} workers finished at a round the others pushed to`);
    const clock = headers[0]![PUSH.clock]!;
    const behind = headers.findIndex((h) => h[PUSH.clock] !== clock);
    if (behind >= 0) throw new LoomError(`parameter server (BSP): worker rank ${workers[behind]} pushed step ${headers[behind]![PUSH.clock]} in the round of step ${clock}`);
    await Promise.all(workers.map((w, i) => comm.recv(w, grads[i]!, shard.opts(TAG.pushGradient))));
    sum.set(grads[0]!);
    for (let i = 1; i < grads.length; i++) {
      const g = grads[i]!;
      for (let j = 0; j < sum.length; j++) sum[j]! += g[j]!;
    }
    let loss = 0;
    let stop = 0;
    for (const h of headers) {
      loss += h[PUSH.loss]!;
      stop = Math.max(stop, h[PUSH.stop]!);
    }
    shard.optimizer.step(shard.params, sum, lr(clock));
    rounds++;
    await Promise.all(workers.map((w) => shard.sendParams(w, [loss, stop, 0, rounds])));
    if ((headers[0]![PUSH.flags]! & SEND_STATE) !== 0) await shard.shipState(workers[0]!);
  }
  await shard.shipState(workers[0]!);
  return rounds;
}
