/**
 * DRACO's precondition, checked before training: every rank computes the gradient of the same
 * batch at the same (broadcast) parameters, and the fingerprints of their bits must all agree.
 * Different CPU code paths (AVX-512 vs AVX2 kernels), backends or thread counts give different
 * rounding, and then the honest members of a group would not form a bitwise majority.
 */
import type { Communicator } from '../../comm/index.js';
import type { Dataset } from '../../data/index.js';
import type { Model } from '../../nn/model.js';
import { gradientFingerprint } from '../../robust/index.js';
import { LoomError } from '../../util/errors.js';

export async function checkBitwiseDeterminism(comm: Communicator, model: Model, train: Dataset, samples: number, timeoutMs: number): Promise<void> {
  const grad = new Float32Array(model.params.length);
  model.lossAndGrad(train.batch(Int32Array.from({ length: Math.min(samples, train.size) }, (_, i) => i)), grad);
  const fingerprint = gradientFingerprint(grad);
  // Two 16-bit halves travel exactly as float32 values.
  const mine = Float32Array.of(fingerprint >>> 16, fingerprint & 0xffff);
  const all = new Float32Array(2 * comm.size);
  await comm.allGather(mine, all, { timeoutMs });
  const of = (rank: number): number => all[2 * rank]! * 0x10000 + all[2 * rank + 1]!;
  for (let rank = 1; rank < comm.size; rank++) {
    if (of(rank) !== of(0)) {
      throw new LoomError(
        `robust.redundancy draco needs bitwise-identical gradients, but rank ${rank} computed ${of(rank).toString(16)} where rank 0 computed ${of(0).toString(16)} on the same batch: run every worker with the same backend, kernels and CPU type`,
      );
    }
  }
}
