/**
 * The peak-FLOPs probe: its FLOP count per kernel, its argument checks, and a measured peak within a
 * sane range. Where the addon is not built (or predates the probe) those cases skip with the reason.
 */
import { describe, expect, it } from 'vitest';
import { loadNative, nativeKernels, nativeStatus } from '../native/index.js';
import { measurePeakGflops } from './peak.js';

const native = nativeKernels();
const skip =
  native === null ? `native kernels not loaded: ${nativeStatus().reason}` : native.peakFma === null ? `${native.path} predates peakFma: run npm rebuild` : null;
if (skip !== null) console.warn(`peak probe tests skipped: ${skip}`);

const LANES = { avx512f: 16, 'avx2-fma': 8, portable: 4 } as const;

describe('measurePeakGflops', () => {
  it('is null with the reason when the addon is not loaded', () => {
    const peak = measurePeakGflops(0.01, loadNative({ LOOM_NATIVE: '0' }));
    expect(peak).toEqual({ gflops: null, reason: 'native kernels not loaded: disabled by LOOM_NATIVE=0' });
  });

  it('rejects a duration that is not positive', () => {
    expect(() => measurePeakGflops(0)).toThrow(/positive/);
    expect(() => measurePeakGflops(Number.NaN)).toThrow(/positive/);
  });

  it.skipIf(skip !== null)('counts 12 chains x lanes x 2 FLOPs per step on every kernel the CPU has', () => {
    for (const kernel of native!.available) {
      expect(native!.peakFma!(1000, kernel)).toBe(1000 * 12 * LANES[kernel] * 2);
      expect(native!.peakFma!(0, kernel)).toBe(0);
    }
  });

  it.skipIf(skip !== null)('rejects bad arguments with one-line errors', () => {
    const binding = native!.binding;
    expect(() => binding.peakFma!(-1, 'portable')).toThrow('peakFma: iterations must be an integer in [0, 2147483647] (got -1)');
    expect(() => binding.peakFma!(10, 'sse9')).toThrow("peakFma: 'sse9' is not a kernel this CPU supports");
    expect(() => binding.peakFma!(10, 3 as unknown as string)).toThrow('peakFma: kernel must be a kernel name (got 3)');
  });

  it.skipIf(skip !== null)('measures a positive, finite peak in a sane range for one core', () => {
    const peak = measurePeakGflops(0.2);
    if (peak.gflops === null) throw new Error(peak.reason);
    expect(peak.kernel).toBe(native!.available[0]);
    expect(peak.bursts).toBeGreaterThan(0);
    // Even a loaded, slow baseline core does > 1 GFLOP/s; no core today does 1 TFLOP/s in float32.
    expect(peak.gflops).toBeGreaterThan(1);
    expect(peak.gflops).toBeLessThan(1000);
  });
});
