import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadShippedText, loadText, makeTextDatasets } from './text.js';

const tmp = mkdtempSync(join(tmpdir(), 'loom-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('text windows', () => {
  const text = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ!?'; // 64 distinct chars

  it('targets are the inputs shifted by one, windows every `stride`', () => {
    const { train, test, vocabulary } = makeTextDatasets(text, { context: 5, stride: 3, valFraction: 0.25 });
    expect(train.tokens.length).toBe(48);
    expect(test.tokens.length).toBe(16);
    expect(train.size).toBe(Math.floor((48 - 6) / 3) + 1);
    expect(train.inputShape).toEqual([5]);
    expect(train.numClasses).toBe(64);
    expect(train.labels).toBeUndefined();
    const batch = train.batch([0, 2]);
    expect(batch.size).toBe(2);
    expect(vocabulary.decode(batch.inputs.subarray(0, 5))).toBe('abcde');
    expect(vocabulary.decode(batch.targets.subarray(0, 5))).toBe('bcdef');
    expect(vocabulary.decode(batch.inputs.subarray(5))).toBe('ghijk');
    expect(vocabulary.decode(batch.targets.subarray(5))).toBe('hijkl');
    const last = train.batch([train.size - 1]);
    expect(vocabulary.decode(last.targets).endsWith(text[47])).toBe(true);
    // Validation windows come only from the last quarter.
    expect(vocabulary.decode(test.batch([0]).inputs)).toBe(text.slice(48, 53));
  });

  it('default stride is the context (non-overlapping inputs)', () => {
    const { train } = makeTextDatasets(text, { context: 8, valFraction: 0.25 });
    expect(train.stride).toBe(8);
    expect(train.windowStart(3)).toBe(24);
  });

  it('refuses a context longer than a split', () => {
    expect(() => makeTextDatasets(text, { context: 10, valFraction: 0.1 })).toThrow(
      'text/validation has 6 characters, too few for one window of context 10 (needs 11)',
    );
    expect(() => makeTextDatasets(text, { context: 0 })).toThrow('text context must be a positive integer, got 0');
    expect(() => makeTextDatasets(text, { context: 4, valFraction: 1 })).toThrow('text valFraction must be in (0, 1), got 1');
  });
});

describe('text files', () => {
  it('reads .txt and .txt.gz', () => {
    writeFileSync(join(tmp, 'a.txt'), 'Call me Ishmael.\n');
    writeFileSync(join(tmp, 'a.txt.gz'), gzipSync('Call me Ishmael.\n'));
    expect(loadText(join(tmp, 'a.txt'))).toBe('Call me Ishmael.\n');
    expect(loadText(join(tmp, 'a.txt.gz'))).toBe('Call me Ishmael.\n');
  });

  it('names missing, corrupt and non-UTF-8 files', () => {
    expect(() => loadText(join(tmp, 'none.txt'))).toThrow(`cannot read text file ${join(tmp, 'none.txt')}: no such file`);
    writeFileSync(join(tmp, 'bad.txt.gz'), gzipSync('x'.repeat(1000)).subarray(0, 12));
    expect(() => loadText(join(tmp, 'bad.txt.gz'))).toThrow(/^corrupt or truncated gzip in text file .*bad\.txt\.gz: /);
    writeFileSync(join(tmp, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(() => loadText(join(tmp, 'latin1.txt'))).toThrow(`text file ${join(tmp, 'latin1.txt')} is not valid UTF-8`);
  });

  it('ships Moby-Dick chapters 1-60 as ASCII', () => {
    const text = loadShippedText();
    expect(text.startsWith('CHAPTER 1. Loomings.\n\nCall me Ishmael.')).toBe(true);
    expect(text.length).toBe(594421);
    expect(/^[\n\x20-\x7e]*$/.test(text)).toBe(true);
    const { train, test, vocabulary } = makeTextDatasets(text, { context: 128 });
    expect(vocabulary.size).toBe(79);
    expect(train.size).toBeGreaterThan(4000);
    expect(test.size).toBeGreaterThan(400);
  });
});
