import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startModuleWorker } from '../util/module-worker.js';
import { FASHION_MNIST_FILES, loadFashionMnist } from './fashion-mnist.js';
import { writeIdx } from './idx.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-thread-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const images = 6;
const pixels = Uint8Array.from({ length: images * 28 * 28 }, (_, i) => (i * 7) & 255);
const labels = Uint8Array.from({ length: images }, (_, i) => (i * 3) % 10);
writeIdx(join(dir, FASHION_MNIST_FILES.trainImages), [images, 28, 28], pixels);
writeIdx(join(dir, FASHION_MNIST_FILES.trainLabels), [images], labels);
writeIdx(join(dir, FASHION_MNIST_FILES.testImages), [2, 28, 28], pixels.subarray(0, 2 * 28 * 28));
writeIdx(join(dir, FASHION_MNIST_FILES.testLabels), [2], labels.subarray(0, 2));

interface Loaded {
  readonly shared?: boolean;
  readonly pixels?: number[];
  readonly labels?: number[];
  readonly error?: string;
}

async function loadInThread(limitTrain: number): Promise<Loaded> {
  const worker = startModuleWorker(new URL('./test-support/load-in-thread.ts', import.meta.url));
  try {
    const reply = new Promise<Loaded>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    worker.postMessage({ dir, limitTrain });
    return await reply;
  } finally {
    await worker.terminate();
  }
}

describe('Fashion-MNIST shared with the threads started afterwards', () => {
  it('gives a thread the decoded images in shared memory, without reading the files again, and only those', async () => {
    const { train } = loadFashionMnist({ dir, limitTrain: 4 }, { shareWithThreads: true });
    expect(train.pixels.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Files the thread cannot decode: what it gets comes from the shared copy.
    writeFileSync(join(dir, FASHION_MNIST_FILES.trainImages), 'not an IDX file');
    const loaded = await loadInThread(4);
    expect(loaded.error).toBeUndefined();
    expect(loaded.shared).toBe(true);
    expect(loaded.pixels).toEqual(Array.from(pixels.subarray(0, 4 * 28 * 28)));
    expect(loaded.labels).toEqual(Array.from(labels.subarray(0, 4)));
    // Only what was shared: another limit is decoded from the (now unreadable) files.
    expect((await loadInThread(5)).error).toMatch(/train-images-idx3-ubyte/);
  });
});
