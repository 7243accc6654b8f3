import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectChapters, normaliseToAscii } from './make-text.js';

const tmp = mkdtempSync(join(tmpdir(), 'loom-make-text-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('shipped-text builder', () => {
  it('folds typographic punctuation and refuses what it cannot fold', () => {
    expect(normaliseToAscii('\u201cNo\u2014never,\u201d he said; \u2018tis\u2019\r\n', 'x')).toBe('"No--never," he said; \'tis\'\n');
    expect(() => normaliseToAscii('ab\u00e9', '/c/ch.txt')).toThrow('/c/ch.txt: character U+00E9 at offset 2 has no ASCII fold');
  });

  it('takes whole chapters in order within the size limit', () => {
    writeFileSync(join(tmp, 'chapter_1.txt'), 'One.\n\n');
    writeFileSync(join(tmp, 'chapter_2.txt'), 'Two.');
    writeFileSync(join(tmp, 'chapter_3.txt'), 'Three is too long.');
    expect(collectChapters(tmp, 12)).toEqual({ text: 'One.\n\nTwo.\n', chapters: 2 });
    expect(collectChapters(tmp).chapters).toBe(3);
  });
});
