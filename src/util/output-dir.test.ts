import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWritableDir, makeDirectory } from './output-dir.js';
import { LoomError } from './errors.js';

const hasProc = existsSync('/proc/self');

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('makeDirectory / ensureWritableDir', () => {
  it('creates missing parents and returns the absolute path; an existing directory is fine', () => {
    const root = mkdtempSync(join(tmpdir(), 'loom-outdir-'));
    const deep = join(root, 'a', 'b', 'c');
    expect(makeDirectory(deep)).toBe(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(ensureWritableDir(deep)).toBe(deep);
    expect(readdirSync(deep)).toEqual([]); // the write probe is gone
  });

  it.runIf(hasProc)('refuses a directory under /proc at once (Node 20 recursive mkdir spins there forever), in one line', () => {
    const started = performance.now();
    const error = thrown(() => ensureWritableDir('/proc/nope'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(LoomError);
    expect(error.message).toBe('output directory /proc/nope: cannot create it: no such file or directory (ENOENT)');
    expect(thrown(() => makeDirectory('/proc/nope/a/b', 'output directory')).message).toBe(
      'output directory /proc/nope/a/b: cannot create /proc/nope: no such file or directory (ENOENT)',
    );
  });

  it.runIf(hasProc)('refuses an existing directory it cannot create files in', () => {
    const error = thrown(() => ensureWritableDir('/proc/self'));
    expect(error).toBeInstanceOf(LoomError);
    expect(error.message).toMatch(/^output directory \/proc\/self: cannot create files in it: .+ \(E[A-Z]+\)$/);
  });

  it('names a file that stands where a directory should be', () => {
    const root = mkdtempSync(join(tmpdir(), 'loom-outdir-'));
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    expect(thrown(() => ensureWritableDir(join(file, 'sub'))).message).toBe(`output directory ${join(file, 'sub')}: ${file} is not a directory`);
    expect(thrown(() => ensureWritableDir(file)).message).toBe(`output directory ${file}: exists and is not a directory`);
  });
});
