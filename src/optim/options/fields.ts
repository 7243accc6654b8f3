/**
 * The value types of optimizer options as zod schemas. Every refusal of a field, a wrong type or a
 * value out of range alike, reads `expected <what it takes>`: the optimizer's message and the
 * config's (config/load.ts) both end in it.
 */
import { z } from 'zod';

const expecting = (what: string) => z.number({ error: `expected ${what}` });

/** 0 <= value < 1 (betas, momentum). */
export const fraction = expecting('a number in [0, 1)').min(0).lt(1);

/** 0 <= value <= 1. */
export const unitInterval = expecting('a number in [0, 1]').min(0).max(1);

/** 0 <= value (zod numbers are finite). */
export const nonNegative = expecting('a finite number >= 0').min(0);

/** 0 < value. */
export const positive = expecting('a finite number > 0').positive();

export const flag = z.boolean({ error: 'expected true or false' });
