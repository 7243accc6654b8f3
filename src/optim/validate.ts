/** Option checks shared by optimizers and schedules: each failure is a one-line LoomError. */
import { LoomError, showValue } from '../util/errors.js';

export function invalidOption(owner: string, name: string, value: unknown, expected: string): LoomError {
  return new LoomError(`${owner} option ${name}=${showValue(value)} is invalid: expected ${expected}`);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** 0 <= value. */
export function checkNonNegative(owner: string, name: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0) throw invalidOption(owner, name, value, 'a finite number >= 0');
  return value;
}

/** 0 < value. */
export function checkPositive(owner: string, name: string, value: unknown): number {
  if (!isFiniteNumber(value) || value <= 0) throw invalidOption(owner, name, value, 'a finite number > 0');
  return value;
}

/** 0 <= value < 1 (betas, momentum). */
export function checkFraction(owner: string, name: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0 || value >= 1) throw invalidOption(owner, name, value, 'a number in [0, 1)');
  return value;
}

/** 0 <= value <= 1. */
export function checkUnitInterval(owner: string, name: string, value: unknown): number {
  if (!isFiniteNumber(value) || value < 0 || value > 1) throw invalidOption(owner, name, value, 'a number in [0, 1]');
  return value;
}

/** Integer >= min. */
export function checkInteger(owner: string, name: string, value: unknown, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalidOption(owner, name, value, `an integer >= ${min}`);
  }
  return value as number;
}

export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption(owner, name, value, 'true or false');
  return value;
}

/** Refuses keys of an options object that the owner does not know (typos such as `momentun`). */
export function checkKnownKeys(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new LoomError(`${owner} has no option ${showValue(key)} (known: ${known.join(', ')})`);
    }
  }
}

/** `defaults` overridden by the options that are set (an explicit `undefined` keeps the default). */
export function withDefaults<T extends object>(defaults: Readonly<Required<T>>, options: T): Required<T> {
  const merged = { ...defaults } as Required<T>;
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}
