/**
 * The cases of the shared collective suite and their exact expected results. Inputs are small
 * integers (|x| <= 48), so sums over up to 8 ranks are exact in float32 and every algorithm must
 * produce the same bits; means are checked against Math.fround(sum / size).
 */
import type { Communicator } from '../communicator.js';
import type { AllReduceAlgorithm, ReduceOp } from '../options.js';
import { segmentLength, segmentStart } from '../segments.js';

export type CollectiveCase =
  | { kind: 'allReduce'; count: number; op: ReduceOp; algorithm: AllReduceAlgorithm | 'auto' }
  | { kind: 'broadcast'; count: number; root: number }
  | { kind: 'reduce'; count: number; root: number; op: ReduceOp }
  | { kind: 'allGather'; count: number }
  | { kind: 'reduceScatter'; count: number; op: ReduceOp }
  | { kind: 'barrier' }
  | { kind: 'concurrent'; count: number }
  | { kind: 'pointToPoint'; count: number };

const PERIOD = 97;

/** Rank r's input element i. */
export function inputValue(rank: number, i: number): number {
  return ((rank * 31 + i * 17) % PERIOD) - 48;
}

export function inputVector(rank: number, count: number, offset = 0): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = inputValue(rank, offset + i);
  return out;
}

/** expected(i) for the sum (or mean) over ranks; periodic in i, so tabulated once. */
function reducedTable(size: number, op: ReduceOp): Float32Array {
  const table = new Float32Array(PERIOD);
  for (let i = 0; i < PERIOD; i++) {
    let sum = 0;
    for (let r = 0; r < size; r++) sum += inputValue(r, i);
    table[i] = op === 'mean' ? Math.fround(sum / size) : sum;
  }
  return table;
}

function describe(c: CollectiveCase): string {
  return Object.entries(c)
    .map(([k, v]) => (k === 'kind' ? String(v) : `${k}=${String(v)}`))
    .join(' ');
}

function expectEqual(label: string, actual: Float32Array, expected: (i: number) => number): void {
  for (let i = 0; i < actual.length; i++) {
    const want = expected(i);
    if (actual[i] !== want) throw new Error(`${label}: element ${i} of ${actual.length} is ${actual[i]}, expected ${want}`);
  }
}

/** Runs one case on this rank and checks this rank's result; throws with a precise message on mismatch. */
export async function runCase(comm: Communicator, c: CollectiveCase): Promise<void> {
  const { rank, size } = comm;
  const label = `${describe(c)} (size ${size}, rank ${rank})`;
  switch (c.kind) {
    case 'allReduce': {
      const buf = inputVector(rank, c.count);
      await comm.allReduce(buf, { op: c.op, algorithm: c.algorithm });
      const table = reducedTable(size, c.op);
      return expectEqual(label, buf, (i) => table[i % PERIOD]);
    }
    case 'broadcast': {
      const buf = rank === c.root ? inputVector(rank, c.count) : new Float32Array(c.count).fill(NaN);
      await comm.broadcast(buf, c.root);
      return expectEqual(label, buf, (i) => inputValue(c.root, i));
    }
    case 'reduce': {
      const buf = inputVector(rank, c.count);
      await comm.reduce(buf, c.root, { op: c.op });
      if (rank !== c.root) return expectEqual(`${label} non-root unchanged`, buf, (i) => inputValue(rank, i));
      const table = reducedTable(size, c.op);
      return expectEqual(label, buf, (i) => table[i % PERIOD]);
    }
    case 'allGather': {
      const start = segmentStart(c.count, size, rank);
      const part = inputVector(rank, segmentLength(c.count, size, rank), start);
      const out = new Float32Array(c.count).fill(NaN);
      await comm.allGather(part, out);
      const owner = new Int32Array(c.count);
      for (let r = 0; r < size; r++) owner.fill(r, segmentStart(c.count, size, r), segmentStart(c.count, size, r + 1));
      return expectEqual(label, out, (i) => inputValue(owner[i], i));
    }
    case 'reduceScatter': {
      const buf = inputVector(rank, c.count);
      const out = new Float32Array(segmentLength(c.count, size, rank)).fill(NaN);
      await comm.reduceScatter(buf, out, { op: c.op });
      const start = segmentStart(c.count, size, rank);
      const table = reducedTable(size, c.op);
      expectEqual(`${label} input unchanged`, buf, (i) => inputValue(rank, i));
      return expectEqual(label, out, (j) => table[(start + j) % PERIOD]);
    }
    case 'barrier':
      for (let i = 0; i < 3; i++) await comm.barrier();
      return;
    case 'concurrent': {
      // Issued without awaiting in between: the per-call tags must keep their messages apart.
      const a = inputVector(rank, c.count);
      const b = inputVector(rank, c.count + 3);
      const d = rank === 0 ? inputVector(0, c.count) : new Float32Array(c.count);
      await Promise.all([comm.allReduce(a, { algorithm: 'ring' }), comm.allReduce(b, { algorithm: 'tree', op: 'mean' }), comm.broadcast(d, 0)]);
      const sum = reducedTable(size, 'sum');
      const mean = reducedTable(size, 'mean');
      expectEqual(`${label} ring`, a, (i) => sum[i % PERIOD]);
      expectEqual(`${label} tree`, b, (i) => mean[i % PERIOD]);
      return expectEqual(`${label} broadcast`, d, (i) => inputValue(0, i));
    }
    case 'pointToPoint': {
      if (size === 1) return;
      // Two tagged messages to the right neighbour, received in the opposite order.
      const right = (rank + 1) % size;
      const left = (rank - 1 + size) % size;
      const five = inputVector(rank, c.count);
      const six = inputVector(rank, c.count, 1000);
      const got5 = new Float32Array(c.count + 2);
      const got6 = new Float32Array(c.count);
      const [n6, n5] = await Promise.all([
        comm.recv(left, got6, { tag: 6 }),
        comm.recv(left, got5, { tag: 5 }),
        comm.send(right, five, { tag: 5 }),
        comm.send(right, six, { tag: 6 }),
      ]);
      if (n5 !== c.count || n6 !== c.count) throw new Error(`${label}: received ${n5} and ${n6} elements, expected ${c.count}`);
      expectEqual(`${label} tag 5`, got5.subarray(0, c.count), (i) => inputValue(left, i));
      return expectEqual(`${label} tag 6`, got6, (i) => inputValue(left, 1000 + i));
    }
  }
}
