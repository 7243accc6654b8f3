/**
 * Gathers every rank's parameters, optimizer state and strategy buffers on rank 0, for a
 * checkpoint of a strategy whose ranks' states differ (local SGD, gossip, model averaging).
 * Every rank calls it with buffers of the same names and lengths.
 */
import type { Communicator } from '../comm/index.js';
import type { RankState } from '../train/checkpoint.js';

const STATE_TAG = 0x5300;

export async function gatherRankStates(comm: Communicator, own: RankState, limits: { timeoutMs?: number; signal?: AbortSignal }): Promise<RankState[] | null> {
  const names = Object.keys(own.optimizer.buffers).sort();
  const strategyNames = Object.keys(own.strategy ?? {}).sort();
  const options = { tag: STATE_TAG, ...limits };
  if (comm.rank !== 0) {
    const parts = [own.params, ...names.map((name) => own.optimizer.buffers[name]!), ...strategyNames.map((name) => own.strategy![name]!)];
    for (const part of parts) await comm.send(0, part, options);
    return null;
  }
  const receiveNamed = async (rank: number, list: readonly string[], like: Readonly<Record<string, Float32Array>>): Promise<Record<string, Float32Array>> => {
    const out: Record<string, Float32Array> = {};
    for (const name of list) {
      out[name] = new Float32Array(like[name]!.length);
      await comm.recv(rank, out[name]!, options);
    }
    return out;
  };
  const others = await Promise.all(
    Array.from({ length: comm.size - 1 }, async (_, i): Promise<RankState> => {
      const rank = i + 1;
      const params = new Float32Array(own.params.length);
      await comm.recv(rank, params, options);
      const buffers = await receiveNamed(rank, names, own.optimizer.buffers);
      const strategy = own.strategy ? await receiveNamed(rank, strategyNames, own.strategy) : null;
      // Every rank took as many optimizer steps as rank 0.
      return { params, optimizer: { kind: own.optimizer.kind, step: own.optimizer.step, buffers }, ...(strategy ? { strategy } : {}) };
    }),
  );
  return [{ ...own, params: own.params.slice() }, ...others];
}
