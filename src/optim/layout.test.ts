import { describe, expect, it } from 'vitest';
import { layoutForRange, resolveLayout } from './layout.js';

describe('resolveLayout', () => {
  it('sorts segments, drops empty ones and marks 1-D shapes', () => {
    const resolved = resolveLayout('test', {
      length: 6,
      segments: [
        { offset: 4, size: 2, shape: [2] },
        { offset: 0, size: 4, shape: [2, 2] },
        { offset: 4, size: 0 },
      ],
    });
    expect(resolved).toEqual({ length: 6, starts: [0, 4], ends: [4, 6], isVector: [false, true] });
  });

  it('defaults to one segment over everything, of unknown shape (a matrix)', () => {
    expect(resolveLayout('test', { length: 3 })).toEqual({ length: 3, starts: [0], ends: [3], isVector: [false] });
  });

  it('refuses gaps, overlaps and short cover', () => {
    expect(() => resolveLayout('lars', { length: 4, segments: [{ offset: 1, size: 3 }] })).toThrow(
      'lars optimizer layout is invalid: segment at offset 1 leaves [0, 1) uncovered',
    );
    expect(() => resolveLayout('lars', { length: 4, segments: [{ offset: 0, size: 3 }, { offset: 2, size: 2 }] })).toThrow(
      'overlaps the previous one',
    );
    expect(() => resolveLayout('lars', { length: 4, segments: [{ offset: 0, size: 3 }] })).toThrow('cover [0, 3), expected [0, 4)');
    expect(() => resolveLayout('sgd', { length: -1 })).toThrow('length=-1');
  });
});

describe('layoutForRange', () => {
  it('clips and rebases the segments that meet the range, keeping shapes', () => {
    const segments = [
      { offset: 0, size: 4, shape: [2, 2] },
      { offset: 4, size: 2, shape: [2] },
      { offset: 6, size: 3 },
    ];
    expect(layoutForRange(segments, 3, 7)).toEqual({
      length: 4,
      segments: [
        { offset: 0, size: 1, shape: [2, 2] },
        { offset: 1, size: 2, shape: [2] },
        { offset: 3, size: 1 },
      ],
    });
    expect(layoutForRange(segments, 5, 5)).toEqual({ length: 0, segments: [] });
    expect(() => layoutForRange(segments, 4, 2)).toThrow('is not a range');
  });
});
