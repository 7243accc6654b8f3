/**
 * What a simulator can see that a real cluster cannot: every virtual rank's live parameters at one
 * simulated instant, read without sending anything. A measurement device, not part of any
 * algorithm: an asynchronous strategy evaluates the ranks' average model and measures their
 * consensus distance through it at an event of the world's clock (when no model is mid-change),
 * where a real run could only evaluate one rank's own model without stopping everyone.
 */
import { squaredDistance } from './consensus.js';

export class WorldView {
  private readonly models: (Float32Array | undefined)[];

  constructor(readonly size: number) {
    this.models = new Array<Float32Array | undefined>(size);
  }

  /** Rank `rank` shows its live parameter buffer (the same buffer for the whole run). */
  share(rank: number, params: Float32Array): void {
    this.models[rank] = params;
  }

  /**
   * The mean of every rank's parameters into `mean`, and their consensus distance
   * (1/n) sum_i ||x_i - mean||^2; null until every rank has shared its model.
   */
  average(mean: Float32Array): { consensusDistance: number } | null {
    const models = this.models;
    if (models.some((m) => m === undefined)) return null;
    const n = models.length;
    mean.fill(0);
    for (const x of models) for (let e = 0; e < mean.length; e++) mean[e]! += x![e]!;
    for (let e = 0; e < mean.length; e++) mean[e]! /= n;
    let squared = 0;
    for (const x of models) squared += squaredDistance(x!, mean);
    return { consensusDistance: squared / n };
  }
}
