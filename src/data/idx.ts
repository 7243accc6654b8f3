/**
 * The IDX format (LeCun's MNIST files, also used by Fashion-MNIST): 2 zero bytes, a dtype byte,
 * the number of dimensions, then each dimension as a big-endian uint32, then the data, row-major
 * and big-endian. Files may be gzip-compressed; gzip is detected by its magic bytes (1f 8b), not
 * by the file name, so a `.gz` name on a raw file (or the reverse) still reads.
 */
import { gzipSync } from 'node:zlib';
import { LoomError, showValue } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { gunzipDataFile, isGzip, readDataFile } from './data-file.js';

export { isGzip } from './data-file.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  /** Row-major values in native byte order; `length` is the product of `shape`. */
  readonly data: IdxData;
}

interface DtypeInfo {
  readonly dtype: IdxDtype;
  readonly code: number;
  readonly bytes: number;
}

const DTYPES: readonly DtypeInfo[] = [
  { dtype: 'uint8', code: 0x08, bytes: 1 },
  { dtype: 'int8', code: 0x09, bytes: 1 },
  { dtype: 'int16', code: 0x0b, bytes: 2 },
  { dtype: 'int32', code: 0x0c, bytes: 4 },
  { dtype: 'float32', code: 0x0d, bytes: 4 },
  { dtype: 'float64', code: 0x0e, bytes: 8 },
];

/** Reads an IDX file, raw or gzip-compressed. `source` in errors is the path. */
export function readIdx(path: string): IdxArray {
  const bytes = readDataFile(path, 'IDX file', { ENOENT: 'no such file', EISDIR: 'is a directory' });
  return decodeIdx(bytes, path);
}

/** Decodes IDX bytes (gunzipping first when they are gzip); `source` names them in errors. */
export function decodeIdx(bytes: Uint8Array, source: string): IdxArray {
  return parseIdx(isGzip(bytes) ? gunzipDataFile(bytes, 'IDX file', source) : bytes, source);
}

/** Parses uncompressed IDX bytes. */
export function parseIdx(bytes: Uint8Array, source: string): IdxArray {
  if (bytes.length < 4) {
    throw new LoomError(`truncated IDX file ${source}: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  }
  const info = DTYPES.find((d) => d.code === bytes[2]);
  if (bytes[0] !== 0 || bytes[1] !== 0 || info === undefined) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new LoomError(
      `bad magic number in IDX file ${source}: ${magic} (expected 00 00 then a dtype byte 08, 09, 0b, 0c, 0d or 0e)`,
    );
  }
  const ndims = bytes[3];
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new LoomError(
      `truncated IDX file ${source}: header declares ${ndims} dimensions (${headerBytes} header bytes) but the file has ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * info.bytes;
  const follow = bytes.length - headerBytes;
  const dims = shape.length > 0 ? shape.join('x') : 'a scalar';
  if (follow < dataBytes) {
    throw new LoomError(
      `truncated IDX file ${source}: header says ${dims} ${info.dtype} (${dataBytes} bytes) but ${follow} bytes follow`,
    );
  }
  if (follow > dataBytes) {
    throw new LoomError(
      `size mismatch in IDX file ${source}: header says ${dims} ${info.dtype} (${dataBytes} bytes) but ${follow} bytes follow`,
    );
  }
  return { dtype: info.dtype, shape, data: readValues(view, headerBytes, count, info.dtype) };
}

function readValues(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxData {
  const start = view.byteOffset + offset;
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, start, count); // a view, no copy
    case 'int8':
      return new Int8Array(view.buffer, start, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

function dtypeOf(data: IdxData): IdxDtype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/** Encodes an array as uncompressed IDX bytes; the dtype follows the typed array's type. */
export function encodeIdx(shape: readonly number[], data: IdxData): Uint8Array {
  const dtype = dtypeOf(data);
  const info = DTYPES.find((d) => d.dtype === dtype) as DtypeInfo;
  if (shape.length > 255) throw new LoomError(`IDX supports at most 255 dimensions, got ${shape.length}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new LoomError(`bad IDX dimension ${showValue(d)} in shape ${showValue(shape)}`);
    }
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new LoomError(`IDX shape ${showValue(shape)} holds ${count} values but the data has ${data.length}`);
  }
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(out.buffer);
  out[2] = info.code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * info.bytes;
    const v = data[i];
    switch (dtype) {
      case 'uint8': out[at] = v; break;
      case 'int8': view.setInt8(at, v); break;
      case 'int16': view.setInt16(at, v, false); break;
      case 'int32': view.setInt32(at, v, false); break;
      case 'float32': view.setFloat32(at, v, false); break;
      case 'float64': view.setFloat64(at, v, false); break;
    }
  }
  return out;
}

export interface WriteIdxOptions {
  /** Gzip the output (default: true when the path ends in `.gz`). */
  readonly gzip?: boolean;
  /** zlib level 0-9 (default 9). */
  readonly level?: number;
}

/** Writes an IDX file atomically, gzip-compressed when asked or when the name ends in `.gz`. */
export function writeIdx(path: string, shape: readonly number[], data: IdxData, options: WriteIdxOptions = {}): void {
  const raw = encodeIdx(shape, data);
  const gzip = options.gzip ?? path.endsWith('.gz');
  // mtime is 0 in Node's gzip header, so the same data gives the same bytes on the same zlib.
  writeFileAtomic(path, gzip ? gzipSync(raw, { level: options.level ?? 9 }) : raw);
}
