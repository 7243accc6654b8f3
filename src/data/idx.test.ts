import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { decodeIdx, encodeIdx, readIdx, writeIdx, type IdxData } from './idx.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const samples: [string, readonly number[], IdxData][] = [
  ['uint8', [2, 3, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20)],
  ['int8', [4], Int8Array.from([-128, -1, 0, 127])],
  ['int16', [2, 2], Int16Array.from([-32768, -2, 258, 32767])],
  ['int32', [3], Int32Array.from([-2147483648, 16909060, 2147483647])],
  ['float32', [2], Float32Array.from([1.5, -0.25])],
  ['float64', [1, 2], Float64Array.from([Math.PI, -1e300])],
];

describe('IDX round trip', () => {
  for (const [dtype, shape, data] of samples) {
    for (const gzip of [false, true]) {
      it(`${dtype} ${gzip ? 'gzip' : 'raw'}`, () => {
        const path = join(dir, `${dtype}-${gzip}.idx${gzip ? '.gz' : ''}`);
        writeIdx(path, shape, data);
        const back = readIdx(path);
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(data));
        expect(readFileSync(path)[0] === 0x1f).toBe(gzip);
      });
    }
  }

  it('writes big-endian headers and data as in the MNIST files', () => {
    const bytes = encodeIdx([1, 2], Int16Array.from([1, 258]));
    expect(Array.from(bytes)).toEqual([0, 0, 0x0b, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 1, 2]);
  });

  it('detects gzip by magic bytes, not the file name', () => {
    const raw = join(dir, 'named.gz');
    writeIdx(raw, [3], Uint8Array.from([7, 8, 9]), { gzip: false });
    expect(Array.from(readIdx(raw).data)).toEqual([7, 8, 9]);
    const zipped = join(dir, 'plain-name');
    writeIdx(zipped, [2], Uint8Array.from([1, 2]), { gzip: true });
    expect(Array.from(readIdx(zipped).data)).toEqual([1, 2]);
  });
});

describe('IDX errors name the file and the problem', () => {
  const images = encodeIdx([3, 28, 28], Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 7919) % 251));

  it('truncated data', () => {
    const path = join(dir, 'train-images-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(images.subarray(0, 16 + 1234)));
    expect(() => readIdx(path)).toThrowError(
      new LoomError(`truncated IDX file ${path}: header says 3x28x28 uint8 (2352 bytes) but 1234 bytes follow`),
    );
  });

  it('truncated header', () => {
    expect(() => decodeIdx(images.subarray(0, 10), '/x/a.idx')).toThrow(
      /^truncated IDX file \/x\/a\.idx: header declares 3 dimensions \(16 header bytes\) but the file has 10 bytes$/,
    );
    expect(() => decodeIdx(images.subarray(0, 2), '/x/a.idx')).toThrow(/^truncated IDX file \/x\/a\.idx: 2 bytes/);
  });

  it('trailing bytes', () => {
    const longer = new Uint8Array(images.length + 5);
    longer.set(images);
    expect(() => decodeIdx(longer, '/x/b.idx')).toThrow(
      /^size mismatch in IDX file \/x\/b\.idx: header says 3x28x28 uint8 \(2352 bytes\) but 2357 bytes follow$/,
    );
  });

  it('bad magic number', () => {
    expect(() => decodeIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), '/x/c.zip')).toThrow(
      /^bad magic number in IDX file \/x\/c\.zip: 50 4b 03 04 /,
    );
    expect(() => decodeIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), '/x/d')).toThrow(/bad magic number.*00 00 0a 01/);
  });

  it('corrupt and truncated gzip', () => {
    const zipped = gzipSync(images);
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, zipped.subarray(0, zipped.length >> 1));
    expect(() => readIdx(cut)).toThrow(new RegExp(`^corrupt or truncated gzip in IDX file ${cut}: `));
    const garbled = Uint8Array.from(zipped);
    garbled.fill(0xff, 10, 40);
    expect(() => decodeIdx(garbled, '/x/e.gz')).toThrow(/^corrupt or truncated gzip in IDX file \/x\/e\.gz: /);
    expect(() => decodeIdx(garbled, '/x/e.gz')).toThrow(LoomError);
  });

  it('missing file', () => {
    expect(() => readIdx(join(dir, 'nope.gz'))).toThrow(`cannot read IDX file ${join(dir, 'nope.gz')}: no such file`);
  });

  it('encode refuses a shape that does not match the data', () => {
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow('IDX shape [2,2] holds 4 values but the data has 3');
  });
});
