/**
 * The distributions a hyperparameter is drawn from — float (uniform or log, optionally stepped),
 * int (uniform or log, with a step), categorical — checked once, with a message naming the
 * parameter, and the maps samplers work in:
 * - `internal` values: floats and ints as numbers (log-scaled where `log`), categoricals as the
 *   index of the choice; what TPE and GP model.
 * - `unit` values in [0, 1): uniform over the internal range (the last bin of a discrete range is
 *   as wide as the others); what random search and QMC draw.
 */
import { LoomError, showValue } from '../../util/errors.js';

export type ParamValue = number | string | boolean | null;

export interface FloatDistribution {
  readonly kind: 'float';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  /** Values are low + k * step; null for a continuous range. */
  readonly step: number | null;
}

export interface IntDistribution {
  readonly kind: 'int';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly step: number;
}

export interface CategoricalDistribution {
  readonly kind: 'categorical';
  readonly choices: readonly ParamValue[];
}

export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;

export interface NumericOptions {
  readonly log?: boolean;
  readonly step?: number | null;
}

function refuse(name: string, why: string): never {
  throw new LoomError(`search space: parameter "${name}": ${why}`);
}

function checkBounds(name: string, low: number, high: number, log: boolean): void {
  if (typeof low !== 'number' || !Number.isFinite(low)) refuse(name, `low must be a finite number, got ${showValue(low)}`);
  if (typeof high !== 'number' || !Number.isFinite(high)) refuse(name, `high must be a finite number, got ${showValue(high)}`);
  if (low > high) refuse(name, `low ${low} is greater than high ${high}`);
  if (log && low <= 0) refuse(name, `a log scale needs low > 0, got low ${low}`);
}

function checkStep(name: string, low: number, high: number, step: number): void {
  if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0) refuse(name, `step must be a positive number, got ${showValue(step)}`);
  const k = (high - low) / step;
  if (Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) refuse(name, `high ${high} is not low ${low} plus a multiple of step ${step}`);
}

export function floatDistribution(name: string, low: number, high: number, options: NumericOptions = {}): FloatDistribution {
  const log = options.log ?? false;
  const step = options.step ?? null;
  checkBounds(name, low, high, log);
  if (step !== null) {
    if (log) refuse(name, 'step and log cannot be combined');
    checkStep(name, low, high, step);
  }
  return { kind: 'float', low, high, log, step };
}

export function intDistribution(name: string, low: number, high: number, options: NumericOptions = {}): IntDistribution {
  const log = options.log ?? false;
  const step = options.step ?? 1;
  if (!Number.isInteger(low)) refuse(name, `low must be an integer, got ${showValue(low)}`);
  if (!Number.isInteger(high)) refuse(name, `high must be an integer, got ${showValue(high)}`);
  checkBounds(name, low, high, log);
  if (!Number.isInteger(step) || step < 1) refuse(name, `step must be a positive integer, got ${showValue(step)}`);
  if (log && step !== 1) refuse(name, `step ${step} and log cannot be combined (a log-scaled int has step 1)`);
  checkStep(name, low, high, step);
  return { kind: 'int', low, high, log, step };
}

export function categoricalDistribution(name: string, choices: readonly ParamValue[]): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) refuse(name, 'a categorical needs at least one choice, got none');
  const seen = new Set<string>();
  for (const choice of choices) {
    const type = choice === null ? 'null' : typeof choice;
    if (!['string', 'number', 'boolean', 'null'].includes(type) || (type === 'number' && !Number.isFinite(choice))) {
      refuse(name, `choices must be strings, finite numbers, booleans or null, got ${showValue(choice)}`);
    }
    const key = `${type}:${String(choice)}`;
    if (seen.has(key)) refuse(name, `choice ${showValue(choice)} appears twice`);
    seen.add(key);
  }
  return { kind: 'categorical', choices: [...choices] };
}

/** Rebuilds a distribution read from storage or config, with every check. */
export function checkDistribution(name: string, d: Distribution): Distribution {
  switch (d?.kind) {
    case 'float':
      return floatDistribution(name, d.low, d.high, { log: d.log, step: d.step });
    case 'int':
      return intDistribution(name, d.low, d.high, { log: d.log, step: d.step });
    case 'categorical':
      return categoricalDistribution(name, d.choices);
    default:
      return refuse(name, `unknown distribution kind ${showValue((d as { kind?: unknown } | null)?.kind)} (valid: float, int, categorical)`);
  }
}

export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical') {
    const c = (b as CategoricalDistribution).choices;
    return a.choices.length === c.length && a.choices.every((x, i) => x === c[i]);
  }
  const n = b as FloatDistribution | IntDistribution;
  return a.low === n.low && a.high === n.high && a.log === n.log && a.step === n.step;
}

/** Whether `value` is one the distribution can produce. */
export function contains(d: Distribution, value: ParamValue): boolean {
  if (d.kind === 'categorical') return d.choices.includes(value);
  if (typeof value !== 'number' || value < d.low || value > d.high) return false;
  if (d.kind === 'int' && !Number.isInteger(value)) return false;
  if (d.step === null) return true;
  const k = (value - d.low) / d.step;
  return Math.abs(k - Math.round(k)) <= 1e-9 * Math.max(1, k);
}

/** The number of values of a discrete distribution; Infinity for a continuous float. */
export function cardinality(d: Distribution): number {
  if (d.kind === 'categorical') return d.choices.length;
  if (d.step === null) return Infinity;
  return Math.round((d.high - d.low) / d.step) + 1;
}

/** The internal value (log where log, the choice index for a categorical). */
export function toInternal(d: Distribution, value: ParamValue): number {
  if (d.kind === 'categorical') {
    const index = d.choices.indexOf(value);
    if (index < 0) throw new LoomError(`value ${showValue(value)} is not one of the choices ${showValue(d.choices)}`);
    return index;
  }
  return d.log ? Math.log(value as number) : (value as number);
}

/** The value of an internal number: rounded to the step / the nearest choice, clipped to the range. */
export function fromInternal(d: Distribution, x: number): ParamValue {
  if (d.kind === 'categorical') return d.choices[Math.min(d.choices.length - 1, Math.max(0, Math.round(x)))];
  const raw = d.log ? Math.exp(x) : x;
  return snap(d, raw);
}

/** The internal interval samplers model: discrete ranges widened by half a step on each side. */
export function internalBounds(d: Distribution): readonly [number, number] {
  if (d.kind === 'categorical') return [-0.5, d.choices.length - 0.5];
  if (d.log) {
    const half = d.kind === 'int' ? 0.5 : 0; // a log int has low >= 1, so low - 0.5 > 0
    return [Math.log(d.low - half), Math.log(d.high + half)];
  }
  const half = d.step === null ? 0 : d.step / 2;
  return [d.low - half, d.high + half];
}

/** The value at u in [0, 1) of a uniform draw over the internal range. */
export function fromUnit(d: Distribution, u: number): ParamValue {
  const [a, b] = internalBounds(d);
  return fromInternal(d, a + Math.min(Math.max(u, 0), 1) * (b - a));
}

/** Where a value lies in [0, 1] over the internal range (the inverse of fromUnit, bin centres for discrete values). */
export function toUnit(d: Distribution, value: ParamValue): number {
  const [a, b] = internalBounds(d);
  return b === a ? 0.5 : (toInternal(d, value) - a) / (b - a);
}

function snap(d: FloatDistribution | IntDistribution, raw: number): number {
  let v = Math.min(d.high, Math.max(d.low, raw));
  if (d.step !== null) {
    const k = Math.round((v - d.low) / d.step);
    v = Math.min(d.high, d.low + k * d.step);
    // Keep decimal steps tidy (0.1 * 3 is 0.30000000000000004).
    if (d.kind === 'float') v = Number(v.toPrecision(15));
  }
  if (d.kind === 'int') v = Math.round(v);
  return v;
}
