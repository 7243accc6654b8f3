import { describe, expect, it } from 'vitest';
import { LoomError, PeerGoneError } from './errors.js';
import { allOrRootFailure } from './root-failure.js';

const later = <T>(ms: number, value: T, fails = false): Promise<T> =>
  new Promise((resolve, reject) => setTimeout(() => (fails ? reject(value) : resolve(value)), ms));

describe('allOrRootFailure', () => {
  it('resolves with every value in order', async () => {
    await expect(allOrRootFailure([later(20, 'a'), later(1, 'b')], 100)).resolves.toEqual(['a', 'b']);
    await expect(allOrRootFailure([], 100)).resolves.toEqual([]);
  });

  it('reports the root cause even when a consequence arrives first', async () => {
    const consequence = new LoomError('rank 0 failed: recv failed', { cause: new PeerGoneError('rank 1 closed its transport') });
    const root = new LoomError('training diverged at step 3 on rank 1');
    let first: unknown = null;
    const run = allOrRootFailure([later(1, consequence, true), later(30, root, true)], 1_000, (error) => (first = error));
    await expect(run).rejects.toBe(root);
    expect(first).toBe(consequence);
  });

  it('reports a consequence alone after the grace period, without waiting for a hung rank', async () => {
    const consequence = new PeerGoneError('rank 1 closed its transport');
    const started = performance.now();
    await expect(allOrRootFailure([later(1, consequence, true), new Promise(() => {})], 50)).rejects.toBe(consequence);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('reports a root failure at once', async () => {
    const root = new LoomError('bad');
    const started = performance.now();
    await expect(allOrRootFailure([later(1, root, true), new Promise(() => {})], 10_000)).rejects.toBe(root);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
