/**
 * Waiting for another thread to change a shared Int32 word without blocking this thread:
 * spin briefly (a peer on its own core answers a small message within microseconds), then
 * `Atomics.waitAsync` (~50 us wake-up through the event loop, measured). Spinning only pays
 * when every rank has a core, and only where this thread has nothing else to do (writers never
 * spin, see spsc-ring.ts). A pending waitAsync does not keep a worker's event loop alive, so a
 * ref'd timer is held while any wait is pending.
 */
type WaitAsync = (words: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
/** ES2024's Atomics.waitAsync (in Node since 16), typed here because the project targets ES2022 libs. */
const waitAsync = (Atomics as { waitAsync?: WaitAsync }).waitAsync as WaitAsync;

const keeper = setInterval(() => {}, 1 << 30);
keeper.unref();
let pendingWaits = 0;

export interface WaitControl {
  /** Microseconds to spin before falling back to waitAsync (0: yield at once). */
  spinMicros: number;
  /** Returns an error when waiting must stop (transport closed). */
  stopped(): Error | null;
  signal?: AbortSignal;
  /** Error to throw when `signal` aborts. */
  aborted?: () => Error;
}

/** Resolves with whether the change came while spinning (true) or after yielding (false). */
export async function waitForChange(words: Int32Array, index: number, seen: number, control: WaitControl): Promise<boolean> {
  if (control.spinMicros > 0) {
    const until = performance.now() + control.spinMicros / 1000;
    do {
      for (let i = 0; i < 64; i++) if (Atomics.load(words, index) !== seen) return true;
    } while (performance.now() < until);
  }
  for (;;) {
    // What the other end published before it closed is still read: look at the word before the
    // flags, and once more after a flag says stop (the word may have changed in between, then the
    // flag was set: a rank that closes after its peers have published what this one waits for).
    if (Atomics.load(words, index) !== seen) return false;
    const stop = control.stopped();
    if (stop) {
      if (Atomics.load(words, index) !== seen) return false;
      throw stop;
    }
    const signal = control.signal;
    if (signal?.aborted) throw control.aborted ? control.aborted() : new Error('aborted');
    const waiting = waitAsync(words, index, seen);
    if (!waiting.async) return false;
    if (pendingWaits++ === 0) keeper.ref();
    try {
      if (signal) await raceAbort(waiting.value, signal);
      else await waiting.value;
    } finally {
      if (--pendingWaits === 0) keeper.unref();
    }
    if (Atomics.load(words, index) !== seen) return false;
  }
}

function raceAbort(wake: Promise<unknown>, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    const onAbort = (): void => resolve(undefined); // the loop above turns it into the error
    signal.addEventListener('abort', onAbort, { once: true });
    void wake.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}
