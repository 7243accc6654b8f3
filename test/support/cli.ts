/** Running the built `loom` command as a user would, for the CLI tests (npm test builds first). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const LOOM = join(ROOT, 'bin', 'loom.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function loom(...args: string[]): CliResult {
  const result = spawnSync(process.execPath, [LOOM, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Expects a one-line error on stderr matching `pattern` and a non-zero exit. */
export function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.status).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}
