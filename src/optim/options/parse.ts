/**
 * Validates an optimizer's options with its schema; the first problem becomes a one-line
 * LoomError naming the option and its value: `sgd option momentum=1 is invalid: expected a number
 * in [0, 1)`, `sgd optimizer has no option "momentun" (known: momentum, ...)`.
 */
import type { z } from 'zod';
import { LoomError, showValue } from '../../util/errors.js';

export function parseOptimizerOptions<S extends z.ZodObject>(kind: string, schema: S, given: unknown): z.output<S> {
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  throw new LoomError(describe(kind, schema, result.error.issues[0]!, given));
}

function describe(kind: string, schema: z.ZodObject, issue: z.core.$ZodIssue, given: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    return `${kind} optimizer has no option ${showValue(issue.keys[0])} (known: ${Object.keys(schema.shape).join(', ')})`;
  }
  if (issue.path.length === 0) return `${kind} options ${showValue(given)} are invalid: expected an object`;
  return `${kind} option ${issue.path.join('.')}=${showValue(valueAt(given, issue.path))} is invalid: ${issue.message}`;
}

function valueAt(given: unknown, path: readonly PropertyKey[]): unknown {
  let node = given;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}
