import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';

const sample: Checkpoint = {
  config: { model: { type: 'mlp' } },
  step: 42,
  params: Float32Array.from([1, -2.5, 3e-8, Number.MAX_VALUE > 0 ? 7 : 0]),
  optimizer: { kind: 'sgd', step: 42, buffers: { momentum: Float32Array.from([0.5, 0.25, 0, -1]) } },
  extra: { vocabulary: 'abc' },
};

describe('checkpoint files', () => {
  it('round-trips bit-exactly', () => {
    const back = decodeCheckpoint(encodeCheckpoint(sample));
    expect(back.step).toBe(42);
    expect(back.params).toEqual(sample.params);
    expect(back.optimizer.buffers.momentum).toEqual(sample.optimizer.buffers.momentum);
    expect(back.config).toEqual(sample.config);
    expect(back.extra).toEqual({ vocabulary: 'abc' });
  });

  it('detects a flipped bit and a truncation by checksum', () => {
    const bytes = encodeCheckpoint(sample);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 40] ^= 1;
    expect(() => decodeCheckpoint(flipped, 'ckpt')).toThrow('ckpt is corrupt: SHA-256 checksum mismatch');
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 5), 'ckpt')).toThrow(/corrupt|not a Loom checkpoint/);
    expect(() => decodeCheckpoint(Buffer.from('hello world, not a checkpoint at all......'), 'x')).toThrow(
      'x is not a Loom checkpoint',
    );
  });

  it('writes atomically: no temporary files are left and the file loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-ckpt-'));
    const path = join(dir, 'checkpoint.ckpt');
    saveCheckpoint(path, sample);
    saveCheckpoint(path, { ...sample, step: 43 });
    expect(readdirSync(dir)).toEqual(['checkpoint.ckpt']);
    expect(loadCheckpoint(path).step).toBe(43);
    writeFileSync(path, readFileSync(path).subarray(0, 100));
    expect(() => loadCheckpoint(path)).toThrow(/corrupt/);
    expect(() => loadCheckpoint(join(dir, 'missing.ckpt'))).toThrow(/checkpoint not found/);
  });
});
