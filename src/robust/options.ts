/**
 * Validates a component's options with its zod schema (the one mechanism for rules,
 * pre-aggregators and attacks, whether built from a config or called directly). The first
 * problem becomes a one-line RobustRuleError naming the component, the key and the value:
 * `alie: z must be a finite number; got x`, `aggregator krum has no option "neighbors" (options: neighbours)`.
 */
import { z } from 'zod';
import { RobustRuleError } from './aggregator.js';
import { showValue } from '../util/errors.js';

export type RobustKind = 'aggregator' | 'pre-aggregator' | 'attack';

/** The schema of a component without options. */
export const NO_OPTIONS = z.strictObject({});

export function parseOptions<S extends z.ZodObject>(kind: RobustKind, name: string, schema: S, given: unknown): z.output<S> {
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const keys = Object.keys(schema.shape);
    const valid = keys.length > 0 ? `options: ${keys.join(', ')}` : 'it takes no options';
    throw new RobustRuleError(`${kind} ${name} has no option ${JSON.stringify(issue.keys[0])} (${valid})`);
  }
  if (issue.path.length === 0) throw new RobustRuleError(refusal(name, 'options', 'must be an object', given));
  throw new RobustRuleError(refusal(name, issue.path.join('.'), issue.message, valueAt(given, issue.path)));
}

/**
 * Checks one positional argument (`staticClipping(c)`) with a field schema of option-fields.ts;
 * `subject` is how the refusal names it: `static-clipping: the norm bound must be ...`.
 */
export function checkArgument<S extends z.ZodType>(name: string, subject: string, field: S, value: unknown): z.output<S> {
  const result = field.safeParse(value);
  if (result.success) return result.data;
  throw new RobustRuleError(refusal(name, subject, result.error.issues[0]!.message, value));
}

function refusal(name: string, subject: string, rule: string, value: unknown): string {
  if (value === undefined) return `${name}: ${subject} is missing (it ${rule})`;
  // Strings and numbers as written (`got x`, `got 0`), anything else as JSON.
  const shown = typeof value === 'object' && value !== null ? showValue(value) : String(value);
  return `${name}: ${subject} ${rule}; got ${shown}`;
}

function valueAt(given: unknown, path: readonly PropertyKey[]): unknown {
  let node = given;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}
