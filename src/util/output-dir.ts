/**
 * Directories Loom writes into (a run's output.dir, a grid's or robust grid's out folder, a tune
 * study's checkpoints, a study store's folder), created and checked in one place, so that every
 * command fails the same way, at once, with one line naming the path and the reason.
 *
 * Nothing here uses mkdirSync(dir, { recursive: true }): on Node 20 it never returns when mkdir
 * answers ENOENT under a parent that exists (`loom demo --out /proc/nope` spun forever, silently).
 * makeDirectory creates the missing components one by one instead.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LoomError } from './errors.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'exists and is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EINVAL: 'invalid argument',
};

/** `reason (CODE)` for a filesystem error, on one line. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code) return `${REASONS[code] ?? code.toLowerCase()} (${code})`;
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Creates `dir` and any missing parents (like `mkdir -p`) and returns its absolute path. Throws a
 * one-line LoomError naming `what` (e.g. "output directory"), the path and the reason.
 */
export function makeDirectory(dir: string, what = 'directory'): string {
  const target = resolve(dir);
  const fail = (detail: string, cause?: unknown): LoomError => new LoomError(`${what} ${target}: ${detail}`, { cause });
  // The missing components, deepest first: walk up to the nearest path that exists.
  const missing: string[] = [];
  let at = target;
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw fail(at === target ? 'exists and is not a directory' : `${at} is not a directory`);
      break;
    } catch (error) {
      if (error instanceof LoomError) throw error;
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fail(`cannot look at ${at}: ${reason(error)}`, error);
      missing.push(at);
      const parent = dirname(at);
      if (parent === at) break;
      at = parent;
    }
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      if (errorCode(error) === 'EEXIST' && isDirectory(path)) continue; // made meanwhile by someone else
      throw fail(`cannot create ${path === target ? 'it' : path}: ${reason(error)}`, error);
    }
  }
  return target;
}

/**
 * makeDirectory, then proves that files can be created in it (a probe file, removed at once):
 * what a command that writes under `dir` calls before it starts any work.
 */
export function ensureWritableDir(dir: string, what = 'output directory'): string {
  const target = makeDirectory(dir, what);
  const probe = join(target, `.loom-write-check-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (error) {
    throw new LoomError(`${what} ${target}: cannot create files in it: ${reason(error)}`, { cause: error });
  }
  rmSync(probe, { force: true });
  return target;
}
