/**
 * Gathers every rank's parameters and optimizer state on rank 0, for a checkpoint of a strategy
 * whose ranks' models differ (local SGD, gossip, asynchronous workers). Every rank calls it.
 */
import type { Communicator } from '../comm/index.js';
import type { RankState } from '../train/checkpoint.js';

const STATE_TAG = 0x5300;

export async function gatherRankStates(comm: Communicator, own: RankState, limits: { timeoutMs?: number; signal?: AbortSignal }): Promise<RankState[] | null> {
  const names = Object.keys(own.optimizer.buffers).sort();
  const options = { tag: STATE_TAG, ...limits };
  if (comm.rank !== 0) {
    for (const part of [own.params, ...names.map((name) => own.optimizer.buffers[name]!)]) await comm.send(0, part, options);
    return null;
  }
  const others = await Promise.all(
    Array.from({ length: comm.size - 1 }, async (_, i): Promise<RankState> => {
      const rank = i + 1;
      const params = new Float32Array(own.params.length);
      await comm.recv(rank, params, options);
      const buffers: Record<string, Float32Array> = {};
      for (const name of names) {
        buffers[name] = new Float32Array(own.optimizer.buffers[name]!.length);
        await comm.recv(rank, buffers[name]!, options);
      }
      // Every rank took as many optimizer steps as rank 0.
      return { params, optimizer: { kind: own.optimizer.kind, step: own.optimizer.step, buffers } };
    }),
  );
  return [{ params: own.params.slice(), optimizer: own.optimizer }, ...others];
}
