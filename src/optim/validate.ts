/**
 * Argument checks of the schedules and the lr scaling: each failure is a one-line LoomError.
 * Optimizer options are checked by their zod schemas instead (options/), with the same message.
 */
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

/** Refuses keys of an options object that the owner does not know (typos such as `momentun`). */
export function checkKnownKeys(owner: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new LoomError(`${owner} has no option ${showValue(key)} (known: ${known.join(', ')})`);
    }
  }
}
