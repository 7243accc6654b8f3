/**
 * The core's own peak float32 throughput, for benches that report achieved GFLOP/s as a fraction of
 * it: the native probe (native/peak.cc, independent FMA chains, no memory traffic) at the widest
 * vector width the CPU has, timed here.
 */
import { nativeKernels, nativeStatus, type NativeKernelName, type NativeKernels, type NativeStatus } from '../native/index.js';

export type PeakGflops =
  | { readonly gflops: number; readonly kernel: NativeKernelName; readonly bursts: number }
  | { readonly gflops: null; readonly reason: string };

/** The probe's per-call limit (native/peak_binding.cc: an int32 iteration count). */
const MAX_ITERATIONS = 2 ** 31 - 1;
/** Length of one timed burst. */
const BURST_MS = 5;

/**
 * Best GFLOP/s over bursts of the probe filling about `seconds` on this thread. Short bursts, best
 * of many: on a shared machine most bursts lose part of their time slice, and the best one is the
 * closest to what the core does when it runs us (a few long bursts all read low under load).
 * Null with the reason where the native addon is not loaded or predates the probe.
 */
export function measurePeakGflops(
  seconds = 0.5,
  loaded: { readonly kernels: NativeKernels | null; readonly status: NativeStatus } = { kernels: nativeKernels(), status: nativeStatus() },
): PeakGflops {
  if (!(seconds > 0 && Number.isFinite(seconds))) throw new RangeError(`measurePeakGflops: seconds must be a positive number (got ${seconds})`);
  const native = loaded.kernels;
  if (native === null) return { gflops: null, reason: `native kernels not loaded: ${loaded.status.reason}` };
  const probe = native.peakFma;
  if (probe === null) return { gflops: null, reason: `${native.path} has no peakFma (built before native/peak.cc: run npm rebuild)` };
  const kernel = native.available[0];
  const timed = (iterations: number): { flops: number; ms: number } => {
    const start = performance.now();
    const flops = probe(iterations, kernel);
    return { flops, ms: performance.now() - start };
  };
  // Calibrate the burst: grow the iteration count until a call takes a millisecond.
  let iterations = 1024;
  let t = timed(iterations);
  while (t.ms < 1 && iterations < MAX_ITERATIONS / 4) {
    iterations *= 4;
    t = timed(iterations);
  }
  iterations = Math.max(1, Math.min(MAX_ITERATIONS, Math.round((iterations * BURST_MS) / Math.max(t.ms, 1e-3))));
  let best = 0;
  let bursts = 0;
  const end = performance.now() + seconds * 1000;
  do {
    t = timed(iterations);
    bursts++;
    if (t.ms > 0) best = Math.max(best, t.flops / t.ms / 1e6);
  } while (performance.now() < end);
  return { gflops: best, kernel, bursts };
}
