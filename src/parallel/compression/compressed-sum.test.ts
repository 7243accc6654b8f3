/**
 * CompressedSum over a real (virtual) world: every rank ends with the same sum; a fixed-size
 * encoding exchanges its sizes once, at the first step, and a variable-size one at every step.
 */
import { describe, expect, it } from 'vitest';
import { Communicator } from '../../comm/index.js';
import { createVirtualTransports } from '../../comm/transports/virtual/virtual-transport.js';
import { compressionSchema, createCompressor } from '../../compress/index.js';
import { CompressedSum } from './compressed-sum.js';

async function sumOverSteps(type: Record<string, unknown>, steps: number) {
  const size = 3;
  const length = 50;
  const comms = await Promise.all(createVirtualTransports(size).map((t) => Communicator.create(t)));
  const sums = comms.map((comm) => new CompressedSum(comm, createCompressor(compressionSchema.parse(type), { length, segments: [], seed: 1, rank: comm.rank, size }), () => ({})));
  const outs = comms.map(() => new Float32Array(length));
  for (let step = 1; step <= steps; step++) {
    await Promise.all(sums.map((sum, rank) => sum.sum(Float32Array.from({ length }, (_, i) => Math.sin(rank * 7 + i * step)), outs[rank]!, step)));
  }
  const sizeExchanges = comms[0]!.stats.snapshot().byOp;
  await Promise.all(comms.map((c) => c.transport.close()));
  return { outs, sizeGathers: Object.entries(sizeExchanges).filter(([op]) => op.startsWith('allGather') && !op.startsWith('allGatherV'))[0]?.[1].calls ?? 0 };
}

describe('CompressedSum', () => {
  it('exchanges a fixed-size encoding sizes once, and every rank ends with the same sum', async () => {
    const topk = await sumOverSteps({ type: 'topk', ratio: 0.2, errorFeedback: true }, 4);
    expect(topk.sizeGathers).toBe(1);
    for (const out of topk.outs) expect(out).toEqual(topk.outs[0]);
    expect(topk.outs[0]!.filter((v) => v !== 0).length).toBeGreaterThan(10);
  });

  it('exchanges a variable-size encoding sizes at every step', async () => {
    const threshold = await sumOverSteps({ type: 'threshold', threshold: 0.5 }, 4);
    expect(threshold.sizeGathers).toBe(4);
    for (const out of threshold.outs) expect(out).toEqual(threshold.outs[0]);
  });
});
