/** Job token files: created private and atomic, read back exactly, refused when unusable. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { createTokenFile, readTokenFile } from './token-file.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('job token files', () => {
  it('createTokenFile writes 64 hex digits, mode 0600, that readTokenFile returns', () => {
    const { path, token } = createTokenFile(dir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(token).toString('utf8')).toMatch(/^[0-9a-f]{64}$/);
    expect(readTokenFile(path)).toEqual(token);
    expect(createTokenFile(dir).token).not.toEqual(token); // a fresh one each time
  });

  it('a trailing newline (LF or CRLF) is not part of the token', () => {
    const path = join(dir, 'crlf');
    writeFileSync(path, 'a-long-enough-secret\r\n');
    expect(Buffer.from(readTokenFile(path)).toString()).toBe('a-long-enough-secret');
  });

  it.each([
    ['a missing', 'missing', null, /^job token file ".*missing" does not exist$/],
    ['an empty', 'empty', '\n', /^job token file ".*empty" is empty$/],
    ['a short', 'short', 'too-short\n', /^job token file ".*short" holds 9 bytes; a job token needs at least 16$/],
  ])('refuses %s file', (_label, name, content, message) => {
    const path = join(dir, name);
    if (content !== null) writeFileSync(path, content);
    let error: unknown;
    try {
      readTokenFile(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LoomError);
    expect((error as Error).message).toMatch(message);
  });
});
