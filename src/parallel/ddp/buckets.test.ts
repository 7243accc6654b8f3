import { describe, expect, it } from 'vitest';
import { planBuckets } from './buckets.js';

const seg = (sizes: number[]) => {
  let offset = 0;
  return sizes.map((size) => {
    const s = { offset, size };
    offset += size;
    return s;
  });
};

describe('planBuckets', () => {
  it('groups parameters last-first, the first bucket under the small cap', () => {
    // sizes in floats; caps in bytes: first 40 B = 10 floats, then 80 B = 20 floats.
    const buckets = planBuckets(seg([8, 4, 12, 6, 3]), { capBytes: 80, firstCapBytes: 40 });
    expect(buckets).toEqual([
      [24, 33], // 3 + 6 = 9 floats <= 10
      [8, 24], // 12 + 4 = 16 <= 20; adding 8 would make 24 > 20
      [0, 8],
    ]);
  });

  it('gives a tensor above the cap a bucket of its own and covers every element once', () => {
    const buckets = planBuckets(seg([5, 100, 5]), { capBytes: 40, firstCapBytes: 40 });
    expect(buckets).toEqual([
      [105, 110],
      [5, 105],
      [0, 5],
    ]);
  });

  it('puts a small model in one bucket, and refuses gaps', () => {
    expect(planBuckets(seg([10, 10]))).toEqual([[0, 20]]);
    expect(planBuckets([])).toEqual([]);
    expect(() => planBuckets([{ offset: 0, size: 3 }, { offset: 4, size: 1 }])).toThrow(/contiguous: expected offset 3, got 4/);
  });
});
