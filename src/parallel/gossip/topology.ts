/**
 * Communication graphs for gossip: each rank's neighbours (ascending, without itself), undirected.
 * `ring` (i +- 1), `torus` (a 2-D r x c wrap-around grid), `exponential` (i +- 2^k mod n: the
 * exponential graph of Assran et al., "Stochastic Gradient Push for Distributed Deep Learning",
 * ICML 2019, made symmetric), `complete` (every other rank).
 */
import { LoomError } from '../../util/errors.js';

export const TOPOLOGIES = ['ring', 'torus', 'exponential', 'complete'] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/** Every rank's neighbours in a graph of `n` ranks. */
export function neighbours(topology: Topology, n: number): number[][] {
  if (!Number.isInteger(n) || n < 1) throw new LoomError(`a ${topology} topology needs a positive whole number of ranks, got ${n}`);
  const links = LINKS[topology](n);
  return Array.from({ length: n }, (_, i) => [...new Set(links(i).map((j) => mod(j, n)))].filter((j) => j !== i).sort((a, b) => a - b));
}

/** The torus's shape: r the largest divisor of n not above sqrt(n), c = n / r. */
export function torusShape(n: number): { rows: number; cols: number } {
  let rows = Math.floor(Math.sqrt(n));
  while (n % rows !== 0) rows--;
  // With one row the torus is a ring: refuse rather than silently run another topology.
  if (rows < 2) throw new LoomError(`strategy.topology = "torus" needs workers that factor as r x c with r, c >= 2, but ${n} is 1 x ${n} (use ring)`);
  return { rows, cols: n / rows };
}

const LINKS: Readonly<Record<Topology, (n: number) => (i: number) => number[]>> = {
  ring: () => (i) => [i - 1, i + 1],
  torus: (n) => {
    const { rows, cols } = torusShape(n);
    return (i) => {
      const row = Math.floor(i / cols);
      const col = i % cols;
      return [mod(row - 1, rows) * cols + col, mod(row + 1, rows) * cols + col, row * cols + mod(col - 1, cols), row * cols + mod(col + 1, cols)];
    };
  },
  exponential: (n) => (i) => {
    const links: number[] = [];
    for (let hop = 1; hop < n; hop *= 2) links.push(i + hop, i - hop);
    return links;
  },
  complete: (n) => () => Array.from({ length: n }, (_, j) => j),
};

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
