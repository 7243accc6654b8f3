/**
 * Network topologies for the virtual clock, as message-cost functions. `hierarchicalCost` is the
 * usual two-level cluster: ranks packed `ranksPerNode` to a node (rank r on node floor(r / k)),
 * one alpha-beta link inside a node and another, typically slower, between nodes — the shape
 * behind hierarchical all-reduce (e.g. Jia et al., "Highly Scalable Deep Learning Training
 * System with Mixed-Precision", 2018) and NCCL's intra-/inter-node split.
 */
import { LoomError, showValue } from '../../../util/errors.js';
import { alphaBetaCost, type MessageCost } from './clock.js';

export interface LinkModel {
  /** Seconds per message. */
  readonly alpha: number;
  /** Seconds per byte. */
  readonly beta: number;
}

export function hierarchicalCost(ranksPerNode: number, intra: LinkModel, inter: LinkModel): MessageCost {
  if (!Number.isInteger(ranksPerNode) || ranksPerNode < 1) throw new LoomError(`ranksPerNode must be a positive integer, got ${showValue(ranksPerNode)}`);
  const inside = alphaBetaCost(intra.alpha, intra.beta);
  const across = alphaBetaCost(inter.alpha, inter.beta);
  return (from, to, bytes) => (Math.floor(from / ranksPerNode) === Math.floor(to / ranksPerNode) ? inside : across)(from, to, bytes);
}
