/**
 * DRACO's precondition check over a real communicator: ranks that compute the same gradient bits
 * pass; a rank whose arithmetic differs in the last bit (here: one parameter one ulp away, as a
 * different CPU code path would round) is named in the refusal.
 */
import { describe, expect, it } from 'vitest';
import { Communicator, VirtualWorld } from '../../comm/index.js';
import { validateConfig } from '../../config/load.js';
import { loadDataset } from '../../data/index.js';
import { initBackend } from '../../compute/index.js';
import { buildModel } from '../../train/run.js';
import { checkBitwiseDeterminism } from './determinism.js';

const config = validateConfig({
  backend: 'cpu',
  data: { name: 'blobs', classes: 3, dims: 6, trainSize: 60, testSize: 10 },
  model: { type: 'mlp', hidden: [8] },
  optimizer: { type: 'sgd', lr: 0.1 },
  train: { steps: 1, batchSize: 12 },
});

async function check(perturbRank: number | null): Promise<void> {
  await initBackend({ backend: 'cpu' });
  const data = loadDataset(config.data);
  const world = new VirtualWorld(3);
  await Promise.all(
    [0, 1, 2].map(async (rank) => {
      const comm = new Communicator(world.transport(rank), { timeoutMs: 10_000 });
      const model = buildModel(config, data);
      if (rank === perturbRank) {
        const bits = new Uint32Array(model.params.buffer, model.params.byteOffset, 1);
        bits[0] = bits[0]! + 1; // the next float after params[0]
      }
      try {
        await checkBitwiseDeterminism(comm, model, data.train, 4, 10_000);
      } finally {
        model.dispose();
      }
    }),
  );
}

describe('DRACO determinism check', () => {
  it('passes ranks that compute identical bits', async () => {
    await expect(check(null)).resolves.toBeUndefined();
  });
  it('refuses, naming the rank, when one rank rounds differently', async () => {
    await expect(check(2)).rejects.toThrow(/draco needs bitwise-identical gradients, but rank 2 computed [0-9a-f]+ where rank 0 computed [0-9a-f]+ on the same batch/);
  });
});
