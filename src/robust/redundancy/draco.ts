/**
 * DRACO's repetition code (Chen, Wang, Charles, Papailiopoulos, "DRACO: Byzantine-resilient
 * Distributed Training via Redundant Gradients", ICML 2018): the n workers form groups of r that
 * compute the same gradient on the same samples; the server decodes each group by majority vote
 * over whole vectors, compared bit for bit. With at most (r - 1) / 2 Byzantine workers in a group,
 * the majority is the honest gradient exactly — which needs every honest worker of a group to
 * produce identical bits (see `gradientFingerprint`).
 */
import { RobustRuleError } from '../aggregator.js';

/** Checks r (odd, at least 3) and n (a multiple of r); returns the number of groups. */
export function dracoGroups(n: number, r: number): number {
  if (!Number.isInteger(r) || r < 3 || r % 2 === 0) throw new RobustRuleError(`draco: r must be an odd integer >= 3; got ${r}`);
  if (!Number.isInteger(n) || n % r !== 0) throw new RobustRuleError(`draco needs n a multiple of r; got n = ${n}, r = ${r}`);
  return n / r;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  return true;
}

/**
 * The vector more than r / 2 members of the group sent, bit for bit. Refuses (naming the group)
 * when there is none: more than (r - 1) / 2 of its members are Byzantine or nondeterministic.
 */
export function majorityVector(members: readonly Float32Array[], group = 0): Float32Array {
  const needed = Math.floor(members.length / 2) + 1;
  for (let a = 0; a < members.length; a++) {
    let votes = 1;
    for (let b = 0; b < members.length && votes < needed; b++) if (b !== a && sameBits(members[a]!, members[b]!)) votes++;
    if (votes >= needed) return members[a]!;
  }
  throw new RobustRuleError(`draco: group ${group} has no majority: no vector was sent by ${needed} of its ${members.length} members`);
}

/**
 * Decodes n = groups x r vectors (group g is inputs[g r .. g r + r)) into the sum of the groups'
 * majority vectors, accumulated in double precision.
 */
export function dracoDecode(inputs: readonly Float32Array[], r: number, out: Float32Array): void {
  const groups = dracoGroups(inputs.length, r);
  const sum = new Float64Array(out.length);
  for (let g = 0; g < groups; g++) {
    const decoded = majorityVector(inputs.slice(g * r, (g + 1) * r), g);
    if (decoded.length !== out.length) throw new RobustRuleError(`draco: group ${g}'s vector has ${decoded.length} values; the output has ${out.length}`);
    for (let j = 0; j < out.length; j++) sum[j]! += decoded[j]!;
  }
  for (let j = 0; j < out.length; j++) out[j] = sum[j]!;
}

/**
 * A 32-bit FNV-1a fingerprint of a vector's bits: equal vectors give equal fingerprints, and two
 * replicas that differ in any bit almost surely do not (the determinism check compares these).
 */
export function gradientFingerprint(v: Float32Array): number {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let hash = 0x811c9dc5;
  for (let j = 0; j < bytes.length; j++) hash = Math.imul(hash ^ bytes[j]!, 0x01000193);
  return hash >>> 0;
}
