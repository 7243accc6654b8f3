/** Deterministic uint32 words (xorshift32) for the native kernels' tests. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

/** Deterministic uniform [-1, 1) numbers (xorshift32) for the native kernels' tests. */
export function uniformRandom(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 2 ** 31 - 1;
}
