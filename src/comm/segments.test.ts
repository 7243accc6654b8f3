import { describe, expect, it } from 'vitest';
import { segmentLength, segmentStart, segmentView } from './segments.js';

describe('segment layout', () => {
  it('gives the first count % parts segments one extra element', () => {
    expect([0, 1, 2, 3].map((i) => segmentLength(10, 4, i))).toEqual([3, 3, 2, 2]);
    expect([0, 1, 2, 3, 4].map((i) => segmentStart(10, 4, i))).toEqual([0, 3, 6, 8, 10]);
  });

  it('tiles any count exactly, with empty segments when count < parts', () => {
    for (const count of [0, 1, 2, 7, 13, 1021]) {
      for (let parts = 1; parts <= 9; parts++) {
        let next = 0;
        for (let i = 0; i < parts; i++) {
          expect(segmentStart(count, parts, i)).toBe(next);
          next += segmentLength(count, parts, i);
        }
        expect(next).toBe(count);
      }
    }
    expect([0, 1, 2].map((i) => segmentLength(2, 3, i))).toEqual([1, 1, 0]);
  });

  it('views a range of segments', () => {
    const buf = Float32Array.from({ length: 10 }, (_, i) => i);
    expect(Array.from(segmentView(buf, 4, 1, 3))).toEqual([3, 4, 5, 6, 7]);
    expect(segmentView(buf, 4, 3).length).toBe(2);
  });
});
