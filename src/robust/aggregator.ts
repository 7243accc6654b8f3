/**
 * The seam of robust aggregation: n vectors in (one per worker, up to f of them arbitrary), one
 * vector out. f is fixed when a rule is built, and each rule checks there that it can tolerate it.
 * Rules are objects rather than bare functions because some keep state between rounds (centered
 * clipping starts from the previous aggregate).
 */
export interface Aggregator {
  /** The rule's name as configs spell it, e.g. `trimmed-mean`. */
  readonly name: string;
  /** The number of Byzantine inputs the rule was built to tolerate. */
  readonly f: number;
  /** Writes the aggregate of `inputs` (each of `out.length` floats) into `out`. */
  aggregate(inputs: readonly Float32Array[], out: Float32Array): void;
}

/** A configuration the rule cannot honour: too few inputs for f, mismatched lengths, a bad option. */
export class RobustRuleError extends Error {
  override readonly name = 'RobustRuleError';
}

/**
 * Refuses a rule whose requirement on n and f does not hold, naming both and the rule:
 * `krum needs n > 2f + 2; got n = 5, f = 2`.
 */
export function requireCondition(rule: string, n: number, f: number, holds: boolean, condition: string): void {
  if (!holds) throw new RobustRuleError(`${rule} needs ${condition}; got n = ${n}, f = ${f}`);
}

/** Checks f when a rule is built: a non-negative integer. */
export function checkF(rule: string, f: number): number {
  if (!Number.isInteger(f) || f < 0) throw new RobustRuleError(`${rule}: f must be a non-negative integer; got ${f}`);
  return f;
}

/** Checks one aggregation call's inputs (at least one, every length equal to out's) and returns n. */
export function checkInputs(rule: string, inputs: readonly Float32Array[], out: Float32Array): number {
  if (inputs.length === 0) throw new RobustRuleError(`${rule}: no input vectors`);
  inputs.forEach((v, i) => {
    if (v.length !== out.length) {
      throw new RobustRuleError(`${rule}: input ${i} has ${v.length} values; the output has ${out.length}`);
    }
  });
  return inputs.length;
}

/** What a rule needs of n and f, as checked on every call and as it reads in the refusal. */
export interface Requirement {
  readonly text: string;
  holds(n: number, f: number): boolean;
}

/** f < n/2: the honest inputs are a majority. */
export const HONEST_MAJORITY: Requirement = { text: 'n > 2f', holds: (n, f) => 2 * f < n };

/**
 * A rule from its aggregation body: checks f when built, and on every call the inputs and the
 * requirement, before `body` runs with n.
 */
export function defineRule(
  name: string,
  f: number,
  requirement: Requirement,
  body: (inputs: readonly Float32Array[], out: Float32Array, n: number) => void,
): Aggregator {
  checkF(name, f);
  return {
    name,
    f,
    aggregate(inputs, out) {
      const n = checkInputs(name, inputs, out);
      requireCondition(name, n, f, requirement.holds(n, f), requirement.text);
      body(inputs, out, n);
    },
  };
}

/** out = the average of inputs[i] for i in `chosen`, accumulated in double precision. */
export function averageOf(inputs: readonly Float32Array[], chosen: readonly number[], out: Float32Array): void {
  const sum = new Float64Array(out.length);
  for (const i of chosen) {
    const v = inputs[i]!;
    for (let j = 0; j < out.length; j++) sum[j]! += v[j]!;
  }
  for (let j = 0; j < out.length; j++) out[j] = sum[j]! / chosen.length;
}
