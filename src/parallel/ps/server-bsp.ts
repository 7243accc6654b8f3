/**
 * A parameter server's loop under bulk synchronous parallel consistency (BSP; Valiant 1990, the
 * parameter server of Li et al., OSDI 2014, with a barrier every clock): every round it takes one
 * push from every worker, sums the gradient slices in worker order (the same sum whatever order
 * they arrive in), applies one optimizer step at the round's learning rate, and replies to every
 * worker with the new parameters. The workers' shares are weighted as DDP's, so k servers follow
 * DDP's trajectory (and one worker's) up to float rounding.
 *
 * With b backup workers (Chen, Pan, Monga, Bengio, Jozefowicz, "Revisiting Distributed Synchronous
 * SGD", 2016) a round closes at the first n - b pushes: their sum, scaled by n / (n - b), is the
 * step, and the late pushes are dropped. Every worker still gets one reply per round; a worker
 * whose push came late finds the next round's parameters waiting. On a simulated clock "first" is
 * by simulated arrival time (the server's clock moves to the (n - b)-th arrival); elsewhere by the
 * order the pushes come in.
 *
 * With a gradient code (parallel/coding) a round closes at the first n - s pushes in the same way,
 * and their coded gradients are decoded into the full one.
 */
import type { Communicator } from '../../comm/index.js';
import { LoomError } from '../../util/errors.js';
import { DONE, PUSH, PUSH_HEADER, SEND_STATE, TAG } from './protocol.js';
import type { GradientCode } from '../coding/gradient-code.js';
import type { ServerShard } from './server-shard.js';

export interface ServerLoopSetup {
  readonly comm: Communicator;
  readonly shard: ServerShard;
  /** Worker ranks, in order; the first is the lead (metrics, checkpoints). */
  readonly workers: readonly number[];
  readonly lr: (step: number) => number;
}

/** The pushes of one round: which workers' gradients count, and what their headers said. */
interface Round {
  readonly accepted: readonly number[];
  /** The accepted pushes' losses, in the same order. */
  readonly losses: readonly number[];
  readonly stop: number;
  readonly sendState: boolean;
  readonly clock: number;
}

export interface BspSetup extends ServerLoopSetup {
  /** Pushes a round may go without (b backup workers; default 0). */
  readonly backupWorkers?: number;
  /** A gradient code: a round closes at n - s pushes, decoded into the full gradient. */
  readonly code?: GradientCode | null;
  /** Every worker's clock at the start (the resumed step): round r collects step startClock + r. */
  readonly startClock: number;
}

/** Runs rounds until every worker says it is done; returns the rounds applied. */
export async function serveBsp(setup: BspSetup): Promise<number> {
  const { shard, workers, lr } = setup;
  const n = workers.length;
  const code = setup.code ?? null;
  const take = n - (code ? code.s : (setup.backupWorkers ?? 0));
  const grads = workers.map(() => new Float32Array(shard.length));
  const sum = new Float32Array(shard.length);
  const collect = take === n ? allPushes(setup, grads) : setup.comm.transport.advanceClock ? firstBySimulatedArrival(setup, grads, take) : firstToArrive(setup, grads, take);
  // With backup workers, replies to workers that may still be computing must not hold the round
  // up: each worker's replies go out in order, from a snapshot; the lead's state ships on its own
  // tag and chain (the lead reads it before it posts its next pull).
  const replies = workers.map(() => Promise.resolve());
  let states = Promise.resolve();
  let rounds = 0;
  for (;;) {
    const round = await collect();
    if (!round) break;
    // Backup workers: the taken pushes' sum scaled to n of them; a code: its decoding weights.
    const weights = code ? code.decode(round.accepted) : round.accepted.map(() => n / round.accepted.length);
    sum.fill(0);
    let loss = 0;
    round.accepted.forEach((i, k) => {
      const g = grads[i]!;
      const w = weights[k]!;
      if (w === 1) for (let j = 0; j < sum.length; j++) sum[j]! += g[j]!;
      else if (w !== 0) for (let j = 0; j < sum.length; j++) sum[j]! += w * g[j]!;
      loss += w * round.losses[k]!;
    });
    shard.optimizer.step(shard.params, sum, lr(round.clock));
    rounds++;
    const header = [loss, round.stop, 0, rounds];
    if (take === n) {
      await Promise.all(workers.map((w) => shard.sendParams(w, header)));
      if (round.sendState) await shard.shipState(workers[0]!);
      continue;
    }
    const params = shard.params.slice();
    workers.forEach((w, i) => (replies[i] = replies[i]!.then(() => shard.sendParams(w, header, params))));
    if (round.sendState) {
      const state = shard.snapshot();
      states = states.then(() => shard.shipState(workers[0]!, state));
    }
  }
  await Promise.all(replies);
  await states;
  await shard.shipState(workers[0]!);
  return rounds;
}

function summarize(headers: readonly Float32Array[], accepted: readonly number[], clock: number, sendState: boolean): Round {
  let stop = 0;
  for (const i of accepted) stop = Math.max(stop, headers[i]![PUSH.stop]!);
  return { accepted, losses: accepted.map((i) => headers[i]![PUSH.loss]!), stop, sendState, clock };
}

const wantsState = (header: Float32Array): boolean => (header[PUSH.flags]! & SEND_STATE) !== 0;
const isDone = (header: Float32Array): boolean => (header[PUSH.flags]! & DONE) !== 0;

/** Every worker's push of the round (null when every worker said it is done). */
function allPushes({ comm, shard, workers }: BspSetup, grads: Float32Array[]): () => Promise<Round | null> {
  const headers = workers.map(() => new Float32Array(PUSH_HEADER));
  return async () => {
    await Promise.all(workers.map((w, i) => comm.recv(w, headers[i]!, shard.opts(TAG.pushHeader))));
    const done = headers.filter(isDone).length;
    if (done === workers.length) return null;
    if (done > 0) throw new LoomError(`parameter server (BSP): ${done} of ${workers.length} workers finished at a round the others pushed to`);
    const clock = headers[0]![PUSH.clock]!;
    const behind = headers.findIndex((h) => h[PUSH.clock] !== clock);
    if (behind >= 0) throw new LoomError(`parameter server (BSP): worker rank ${workers[behind]} pushed step ${headers[behind]![PUSH.clock]} in the round of step ${clock}`);
    await Promise.all(workers.map((w, i) => shard.receiveGradient(w, i, grads[i]!, shard.opts(TAG.pushGradient))));
    return summarize(headers, workers.map((_, i) => i), clock, wantsState(headers[0]!));
  };
}

/** Simulated clock: every worker's push, the first `take` by arrival time counted; the server's clock moves to the last of them. */
function firstBySimulatedArrival({ comm, shard, workers }: BspSetup, grads: Float32Array[], take: number): () => Promise<Round | null> {
  const headers = workers.map(() => new Float32Array(PUSH_HEADER));
  const arrivals = new Float64Array(workers.length);
  const ignore = (): void => {};
  return async () => {
    await Promise.all(workers.map((w, i) => comm.recv(w, headers[i]!, { ...shard.opts(TAG.pushHeader), deferClock: ignore })));
    if (headers.every(isDone)) return null;
    await Promise.all(workers.map((w, i) => shard.receiveGradient(w, i, grads[i]!, { ...shard.opts(TAG.pushGradient), deferClock: (t: number) => (arrivals[i] = t) })));
    const accepted = workers.map((_, i) => i).sort((a, b) => arrivals[a]! - arrivals[b]! || a - b).slice(0, take);
    comm.transport.advanceClock!(arrivals[accepted.at(-1)!]!);
    return summarize(headers, accepted, headers[0]![PUSH.clock]!, wantsState(headers[0]!));
  };
}

/** Real clocks: the first `take` pushes of this round to come in; late pushes of earlier rounds are received and dropped. */
function firstToArrive({ comm, shard, workers, startClock }: BspSetup, grads: Float32Array[], take: number): () => Promise<Round | null> {
  const headers = workers.map(() => new Float32Array(PUSH_HEADER));
  const receive = (i: number): Promise<number> => comm.recv(workers[i]!, headers[i]!, shard.opts(TAG.pushHeader)).then(() => i);
  const pending = new Map<number, Promise<number>>(workers.map((_, i) => [i, receive(i)]));
  let round = -1;
  return async () => {
    round++;
    const clock = startClock + round;
    const accepted: number[] = [];
    let sendState = false;
    while (accepted.length < take && pending.size > 0) {
      const i = await Promise.race(pending.values());
      pending.delete(i);
      const header = headers[i]!;
      if (isDone(header)) continue;
      await shard.receiveGradient(workers[i]!, i, grads[i]!, shard.opts(TAG.pushGradient));
      if (i === 0 && wantsState(header)) sendState = true;
      const pushed = header[PUSH.clock]!;
      if (pushed > clock) throw new LoomError(`parameter server (BSP): worker rank ${workers[i]} pushed step ${pushed} before the round of step ${clock} closed`);
      if (pushed === clock) accepted.push(i);
      pending.set(i, receive(i));
    }
    if (accepted.length === 0) return null;
    return summarize(headers, accepted, clock, sendState);
  };
}
