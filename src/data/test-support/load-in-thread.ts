/** Worker-thread side of thread-shared.test.ts: loads Fashion-MNIST from the directory it is sent and posts what it got. */
import { parentPort } from 'node:worker_threads';
import { loadFashionMnist } from '../fashion-mnist.js';

parentPort?.once('message', ({ dir, limitTrain }: { dir: string; limitTrain: number }) => {
  try {
    const { train } = loadFashionMnist({ dir, limitTrain });
    parentPort?.postMessage({ shared: train.pixels.buffer instanceof SharedArrayBuffer, pixels: Array.from(train.pixels), labels: Array.from(train.labels) });
  } catch (error) {
    parentPort?.postMessage({ error: (error as Error).message });
  }
});
