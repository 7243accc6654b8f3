import { describe, expect, it } from 'vitest';
import { waitForChange } from './wait.js';

describe('waitForChange', () => {
  it('returns at once when the word already differs, reporting whether a spin caught it', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    words[0] = 5;
    expect(await waitForChange(words, 0, 4, { spinMicros: 10, stopped: () => null })).toBe(true);
    expect(await waitForChange(words, 0, 4, { spinMicros: 0, stopped: () => null })).toBe(false);
  });

  it('wakes on a notify from another agent after yielding', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    setTimeout(() => {
      Atomics.store(words, 0, 1);
      Atomics.notify(words, 0);
    }, 20);
    expect(await waitForChange(words, 0, 0, { spinMicros: 0, stopped: () => null })).toBe(false);
  });

  it('reads a word published just before a stop flag instead of failing on the flag', async () => {
    // The race: the awaited word changes after the first look, then a rank closes (it had seen that
    // word too, finished and closed), and only then are the flags read.
    const words = new Int32Array(new SharedArrayBuffer(8));
    const stopped = (): Error => {
      Atomics.store(words, 0, 7);
      return new Error('rank 2 closed its threads transport');
    };
    await expect(waitForChange(words, 0, 0, { spinMicros: 0, stopped })).resolves.toBe(false);
  });

  it('fails with the stop error when the word never changed', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    await expect(waitForChange(words, 0, 0, { spinMicros: 0, stopped: () => new Error('closed') })).rejects.toThrow(/^closed$/);
  });

  it('fails with the abort error when the signal aborts while waiting', async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const wait = waitForChange(words, 0, 0, { spinMicros: 0, stopped: () => null, signal: controller.signal, aborted: () => new Error('timed out') });
    await expect(wait).rejects.toThrow(/^timed out$/);
  });
});
