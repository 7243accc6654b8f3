/** Reading a data file's bytes, gunzipped when they are gzip, with LoomErrors naming the file. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { LoomError } from '../util/errors.js';

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The bytes of the file at `path`; a failure reads `cannot read ${what} ${path}: ${why}`, `why`
 * taken from `reasons` by error code (e.g. ENOENT: 'no such file'), else the code itself.
 */
export function readDataFile(path: string, what: string, reasons: Readonly<Record<string, string>>): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code !== undefined && Object.hasOwn(reasons, code) ? reasons[code] : String(code ?? err);
    throw new LoomError(`cannot read ${what} ${path}: ${why}`, { cause: err });
  }
}

/** Gunzips `bytes`; a failure reads `corrupt or truncated gzip in ${what} ${source}: ...`. */
export function gunzipDataFile(bytes: Uint8Array, what: string, source: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LoomError(`corrupt or truncated gzip in ${what} ${source}: ${why}`, { cause: err });
  }
}
