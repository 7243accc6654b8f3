import { describe, expect, it } from 'vitest';
import { tensorGroups } from './tensor-groups.js';

const segment = (name: string, offset: number, size: number) => ({ name, offset, size, shape: [size] });

describe('tensorGroups', () => {
  it('makes one group per segment, in the order given, and one more for uncovered entries', () => {
    const groups = tensorGroups({ length: 10, segments: [segment('b', 6, 2), segment('a', 0, 4)] });
    expect(groups.count).toBe(3);
    expect(groups.runs).toEqual([
      { group: 1, start: 0, end: 4 },
      { group: 2, start: 4, end: 6 },
      { group: 0, start: 6, end: 8 },
      { group: 2, start: 8, end: 10 },
    ]);
  });

  it('has no extra group when the segments cover everything; the whole vector is one group without segments', () => {
    expect(tensorGroups({ length: 5, segments: [segment('a', 0, 2), segment('b', 2, 3)] })).toEqual({
      count: 2,
      runs: [
        { group: 0, start: 0, end: 2 },
        { group: 1, start: 2, end: 5 },
      ],
    });
    expect(tensorGroups({ length: 5, segments: [] })).toEqual({ count: 1, runs: [{ group: 0, start: 0, end: 5 }] });
    expect(tensorGroups({ length: 0, segments: [] })).toEqual({ count: 0, runs: [] });
    // An empty segment keeps its group (and its scale), with no entries.
    expect(tensorGroups({ length: 2, segments: [segment('e', 1, 0), segment('a', 0, 2)] })).toEqual({ count: 2, runs: [{ group: 1, start: 0, end: 2 }] });
  });

  it('refuses segments outside the vector or overlapping', () => {
    expect(() => tensorGroups({ length: 4, segments: [segment('a', 2, 3)] })).toThrow(/tensor a \(offset 2, size 3\) lies outside the compressed vector of 4 entries/);
    expect(() => tensorGroups({ length: 6, segments: [segment('a', 0, 3), segment('b', 2, 2)] })).toThrow(/tensor b \(offset 2\) overlaps the tensor before it, which ends at 3/);
  });
});
