import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { LoomError, showValue } from '../util/errors.js';
import { configSchema, type LoomConfig } from './schema.js';

/** Reads a YAML or JSON config file into a plain object (not yet validated). */
export function readConfigFile(path: string): unknown {
  if (!existsSync(path)) throw new LoomError(`config file not found: ${path}`);
  const text = readFileSync(path, 'utf8');
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new LoomError(`cannot parse config ${path}: ${why}`, { cause: err });
  }
}

/**
 * Applies `--set a.b.c=value` overrides to a raw config. The value is parsed as YAML, so
 * `0.05`, `true`, `[128, 64]` and `cosine` all mean what they look like.
 */
export function applyOverrides(raw: unknown, overrides: readonly string[]): unknown {
  const root: Record<string, unknown> = isPlainObject(raw) ? structuredClone(raw) : {};
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new LoomError(`bad override ${showValue(override)}: expected key.path=value`);
    const keys = override.slice(0, eq).split('.');
    if (keys.some((k) => k.length === 0)) throw new LoomError(`bad override key ${showValue(override.slice(0, eq))}`);
    const value: unknown = parseYaml(override.slice(eq + 1));
    let node = root;
    for (const key of keys.slice(0, -1)) {
      if (!isPlainObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = value;
  }
  return root;
}

/** Validates a raw config; the first problem becomes a one-line error naming the key path and value. */
export function validateConfig(raw: unknown): LoomConfig {
  return validateWith(configSchema, raw);
}

/** Validates a raw document against any schema, with validateConfig's one-line errors. */
export function validateWith<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new LoomError(describeIssue(result.error.issues[0]!, raw));
}

export function loadConfig(path: string, overrides: readonly string[] = []): LoomConfig {
  return validateConfig(applyOverrides(readConfigFile(path), overrides));
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [...path, k].join('.'));
    return `unknown config key ${keys.join(', ')}`;
  }
  const key = path.length > 0 ? path.join('.') : '(root)';
  const value = valueAt(raw, path);
  if (value === undefined) return `config key ${key} is missing (${lowerFirst(issue.message)})`;
  return `config key ${key} = ${showValue(value)} is invalid: ${lowerFirst(issue.message)}`;
}

function valueAt(raw: unknown, path: readonly string[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
