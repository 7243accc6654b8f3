import { describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('is the sorted unique characters, ids by position', () => {
    const v = Vocabulary.fromText('hello, world\n');
    expect(v.chars).toEqual(['\n', ' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(Array.from(v.encode('hold'))).toEqual([5, 7, 6, 3]);
    expect(v.decode(v.encode('world, hello'))).toBe('world, hello');
  });

  it('treats astral characters as single characters', () => {
    const v = Vocabulary.fromText('a🐋b');
    expect(v.size).toBe(3);
    expect(v.decode(v.encode('🐋a'))).toBe('🐋a');
  });

  it('survives JSON (what a checkpoint stores)', () => {
    const v = Vocabulary.fromText('Call me Ishmael.');
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify({ vocabulary: v })).vocabulary);
    expect(back.chars).toEqual(v.chars);
    expect(() => Vocabulary.fromJSON({ chars: 'ab' })).toThrow(LoomError);
    expect(() => Vocabulary.fromJSON({ kind: 'chars', chars: 'aba' })).toThrow(/a character appears twice/);
  });

  it('names an unknown character and its position', () => {
    const v = Vocabulary.fromText('abc');
    expect(() => v.encode('abé')).toThrow('character "é" (U+00E9) at position 2 is not in the vocabulary of 3 characters');
    expect(() => v.decode([0, 3])).toThrow('token id 3 at position 1 is outside the vocabulary of 3 characters');
  });
});
