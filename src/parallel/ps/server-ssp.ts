/**
 * A parameter server's loop under stale synchronous parallel consistency (SSP; Ho et al., "More
 * Effective Distributed ML via a Stale Synchronous Parallel Parameter Server", NIPS 2013) and, with
 * an unbounded staleness, asynchronous parallel (ASP; Hogwild-style, Dean et al.'s Downpour SGD).
 *
 * The server applies each worker's push as soon as it arrives, as its own optimizer step at the
 * learning rate of the worker's clock, and keeps every worker's clock (the steps it has pushed).
 * A worker's reply, and with it the worker's next step, is held while the worker is more than s
 * clocks ahead of the slowest worker still running. The staleness of a push (how many updates
 * from others were applied since the pusher's last pull) goes back in the reply.
 *
 * Delay-adaptive steps (after Mishchenko, Bach, Even, Woodworth, "Asynchronous SGD Beats Minibatch
 * SGD Under Arbitrary Delays", NeurIPS 2022, whose step shrinks with a push's delay beyond a
 * threshold; their bound uses the smoothness constant, which a run does not know, so the base rate
 * stands in for it): a push tau updates stale takes lr x min(1, threshold / tau).
 *
 * Delay compensation (DC-ASGD, Zheng et al., ICML 2017; delay-compensation.ts): the server keeps
 * the parameters each worker was last sent, and corrects each push's gradient for the move since.
 */
import { DelayCompensation, type DelayCompensationOptions } from './delay-compensation.js';
import { DONE, PUSH, PUSH_HEADER, SEND_STATE, TAG } from './protocol.js';
import type { ServerLoopSetup } from './server-bsp.js';
import type { ShardState } from './server-shard.js';

export interface SspSetup extends ServerLoopSetup {
  /** Delay-adaptive steps: a push tau updates stale is applied at lr x min(1, threshold / tau). */
  readonly delayThreshold?: number;
  /** Delay compensation (DC-ASGD) of every push's gradient before its step. */
  readonly delayCompensation?: DelayCompensationOptions;
  /** Clocks a worker may run ahead of the slowest (Infinity: ASP). */
  readonly staleness: number;
  /** Every worker's clock at the start (the resumed step). */
  readonly startClock: number;
}

export async function serveSsp({ comm, shard, workers, lr, staleness, startClock, delayThreshold, delayCompensation }: SspSetup): Promise<number> {
  const headers = workers.map(() => new Float32Array(PUSH_HEADER));
  const grads = workers.map(() => new Float32Array(shard.length));
  const clocks = workers.map(() => startClock);
  const done = workers.map(() => false);
  const pulledAt = workers.map(() => 0);
  // Every worker starts from the parameters as they are now (runPsServer sent them). The pushes
  // are weighted by 1/n of the global batch: the compensation works on n x that (the mean gradient).
  const compensation = delayCompensation ? new DelayCompensation(delayCompensation, workers.length, shard.params, workers.length) : null;
  const replies = new Map<number, number[]>(); // held replies: worker index -> header
  let leadState: ShardState | null = null;
  let version = 0;
  let stopping = 0;

  // On a simulated clock pushes are taken in order of simulated arrival: a worker only ever waits
  // for this server's reply, so once every worker that is not held has a push in, the earliest of
  // them is the next event of the whole job (a conservative discrete-event step), and the run is
  // deterministic. On real clocks they are taken as they come.
  const simulated = comm.transport.advanceClock !== undefined;
  // A worker whose connection fails is lost: the others go on without it (the coordinator, told
  // by the worker's death too, decides whether the job may: distributed.onFailure continue).
  type Push = { i: number; arrival: number; lost?: Error };
  const lostOrThrow = (i: number, error: unknown): Push => {
    if (shard.aborted) throw error;
    return { i, arrival: 0, lost: error as Error };
  };
  const receivePush = async (i: number): Promise<Push> => {
    let arrival = 0;
    const defer = simulated ? { deferClock: (t: number) => (arrival = Math.max(arrival, t)) } : {};
    try {
      await comm.recv(workers[i]!, headers[i]!, { ...shard.opts(TAG.pushHeader), ...defer });
      if ((headers[i]![PUSH.flags]! & DONE) === 0) await shard.receiveGradient(workers[i]!, i, grads[i]!, { ...shard.opts(TAG.pushGradient), ...defer });
    } catch (error) {
      return lostOrThrow(i, error);
    }
    return { i, arrival };
  };
  const pending = new Map<number, Promise<Push>>(workers.map((_, i) => [i, receivePush(i)]));
  const nextPush = async (): Promise<Push> => {
    if (!simulated) return Promise.race(pending.values());
    const all = await Promise.all(pending.values());
    return all.reduce((first, push) => (push.arrival < first.arrival || (push.arrival === first.arrival && push.i < first.i) ? push : first));
  };
  const slowest = (): number => Math.min(...clocks.filter((_, i) => !done[i]));
  const release = async (): Promise<void> => {
    const floor = slowest();
    const ready = [...replies.keys()].filter((i) => clocks[i]! - floor <= staleness);
    await Promise.all(
      ready.map(async (i) => {
        const header = replies.get(i)!;
        replies.delete(i);
        header[1] = stopping;
        pulledAt[i] = version;
        compensation?.pulled(i, shard.params);
        pending.set(i, receivePush(i)); // its next push can only follow this reply
        // A reply that cannot reach its worker: the pending receive above reports the loss.
        await shard.sendParams(workers[i]!, header).catch((error: unknown) => lostOrThrow(i, error));
        if (i === 0 && leadState) {
          const state = leadState;
          leadState = null;
          await shard.shipState(workers[0]!, state);
        }
      }),
    );
  };

  while (pending.size > 0) {
    const { i, arrival, lost } = await nextPush();
    pending.delete(i);
    if (simulated) comm.transport.advanceClock!(arrival);
    const header = headers[i]!;
    if (lost || (header[PUSH.flags]! & DONE) !== 0) {
      done[i] = true;
      replies.delete(i);
    } else {
      const clock = header[PUSH.clock]!;
      const stale = version - pulledAt[i]!;
      const damping = delayThreshold !== undefined && stale > delayThreshold ? delayThreshold / stale : 1;
      compensation?.compensate(i, grads[i]!, shard.params);
      shard.optimizer.step(shard.params, grads[i]!, lr(clock) * damping);
      version++;
      clocks[i] = clock + 1;
      stopping = Math.max(stopping, header[PUSH.stop]!);
      replies.set(i, [header[PUSH.loss]!, stopping, stale, version]);
      if (i === 0 && (header[PUSH.flags]! & SEND_STATE) !== 0) leadState = shard.snapshot();
    }
    await release();
  }
  await shard.shipState(workers[0]!);
  return version;
}
