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
  let root: unknown = raw;
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new LoomError(`bad override ${showValue(override)}: expected key.path=value`);
    root = withConfigValue(root, override.slice(0, eq), parseYaml(override.slice(eq + 1)));
  }
  return isPlainObject(root) ? root : {};
}

/**
 * A copy of a raw config with the value at a dotted key path set (`optimizer.lr`,
 * `model.hidden.0`: a number indexes an existing array). Missing objects on the way are created.
 */
export function withConfigValue(raw: unknown, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  if (keys.some((k) => k.length === 0)) throw new LoomError(`bad override key ${showValue(path)}`);
  const root: Record<string, unknown> = isPlainObject(raw) ? structuredClone(raw) : {};
  let node: Record<string, unknown> | unknown[] = root;
  for (const [i, key] of keys.entries()) {
    const last = i === keys.length - 1;
    if (Array.isArray(node)) {
      const index = Number(key);
      if (!Number.isInteger(index) || index < 0 || index >= node.length) {
        throw new LoomError(`config key ${keys.slice(0, i + 1).join('.')}: ${showValue(key)} is not an index of the ${node.length}-element list at ${keys.slice(0, i).join('.')}`);
      }
      if (last) node[index] = value;
      else node = descend(node, index);
    } else if (last) node[key] = value;
    else node = descend(node, key);
  }
  return root;
}

function descend(node: Record<string, unknown> | unknown[], key: string | number): Record<string, unknown> | unknown[] {
  const bag = node as Record<string | number, unknown>;
  const child = bag[key];
  if (isPlainObject(child) || Array.isArray(child)) return child;
  const fresh: Record<string, unknown> = {};
  bag[key] = fresh;
  return fresh;
}

/** Validates a raw config; the first problem becomes a one-line error naming the key path and value. */
export function validateConfig(raw: unknown): LoomConfig {
  return validateWith(configSchema, raw);
}

/**
 * Validates a raw document against any schema, with validateConfig's one-line errors; `at` is the
 * key path of the document inside the config (a plugin's options: `strategy`), prefixed to every key named.
 */
export function validateWith<T>(schema: z.ZodType<T>, raw: unknown, at: readonly string[] = []): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new LoomError(describeIssue(result.error.issues[0]!, raw, at));
}

export function loadConfig(path: string, overrides: readonly string[] = []): LoomConfig {
  return validateConfig(applyOverrides(readConfigFile(path), overrides));
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, at: readonly string[]): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => [...at, ...path, k].join('.'));
    return `unknown config key ${keys.join(', ')}`;
  }
  const full = [...at, ...path];
  const key = full.length > 0 ? full.join('.') : '(root)';
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
