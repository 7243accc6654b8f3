import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { makeDirectory } from './output-dir.js';

/**
 * Writes a file so that readers see either the old content or the complete new one:
 * write to a temporary file in the same directory, fsync it, rename over the target,
 * then fsync the directory so the rename itself survives a crash. `mode` (default 0o644) is set
 * when the temporary file is created, so a secret is never readable by others, not even briefly.
 */
export function writeFileAtomic(path: string, chunks: Uint8Array | readonly Uint8Array[], options?: { mode?: number }): void {
  const dir = dirname(path);
  makeDirectory(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const parts = chunks instanceof Uint8Array ? [chunks] : chunks;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', options?.mode ?? 0o644);
    for (const part of parts) {
      let offset = 0;
      while (offset < part.length) offset += writeSync(fd, part, offset, part.length - offset);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
