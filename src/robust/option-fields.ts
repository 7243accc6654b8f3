/**
 * The value types of robust options as zod schemas. Each refusal, a wrong type or a value out of
 * range alike, reads as what the value must be; options.ts names the component, key and value.
 */
import { z } from 'zod';

const numberThat = (rule: string) => z.number({ error: `must be ${rule}` });

/** Any finite number (zod numbers refuse NaN and the infinities). */
export const finiteNumber = numberThat('a finite number');
export const positiveNumber = numberThat('a positive number').positive();
export const nonNegativeNumber = numberThat('a finite number >= 0').min(0);
export const nonZeroNumber = numberThat('a non-zero number').refine((x) => x !== 0);
/** 0 < value < 1. */
export const openUnitInterval = numberThat('in (0, 1)').gt(0).lt(1);
export const positiveInteger = numberThat('a positive integer').int().positive();
export const nonNegativeInteger = numberThat('a non-negative integer').int().min(0);
/** A generator seed (util/rng). */
export const seed = numberThat('an integer').int();

/** One of a few names: `must be unit, std or sign`. */
export function oneOf<const T extends readonly [string, ...string[]]>(names: T) {
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return z.enum(names, { error: `must be ${listed}` });
}
