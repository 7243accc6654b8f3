/**
 * The job token: a shared secret that every worker of a job proves it holds (auth.ts). It lives in
 * a file readable only by its owner, so that it stays out of command lines and process listings.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoomError, showValue } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { MIN_TOKEN_BYTES } from './auth.js';

export const TOKEN_FILE_NAME = 'job-token';

/** Reads a token file; a trailing newline is not part of the token. */
export function readTokenFile(path: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
    throw new LoomError(`job token file ${showValue(path)} ${why}`, { cause: error });
  }
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0a) end--;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  const token = new Uint8Array(bytes.subarray(0, end));
  if (token.length === 0) throw new LoomError(`job token file ${showValue(path)} is empty`);
  if (token.length < MIN_TOKEN_BYTES) {
    throw new LoomError(`job token file ${showValue(path)} holds ${token.length} bytes; a job token needs at least ${MIN_TOKEN_BYTES}`);
  }
  return token;
}

/** Writes a fresh random token (32 random bytes as 64 hex digits) to `dir`/job-token, mode 0600. */
export function createTokenFile(dir: string): { path: string; token: Uint8Array } {
  const text = randomBytes(32).toString('hex');
  const path = join(dir, TOKEN_FILE_NAME);
  writeFileAtomic(path, Buffer.from(`${text}\n`, 'utf8'), { mode: 0o600 });
  return { path, token: new Uint8Array(Buffer.from(text, 'utf8')) };
}
