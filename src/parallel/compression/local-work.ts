/**
 * A compressor's own compute, measured and (on a simulated clock) charged to the rank. Virtual
 * mode simulates the network and charges the model's compute, so without this a compressor's
 * encoding, decoding and orthogonalization would look free and compression would win at any
 * bandwidth. The wall time of each stretch of local work is moved onto the rank's clock before the
 * message it produced departs; on real clocks the time passes by itself and is only counted.
 *
 * Only synchronous stretches are measured (`run` takes a function that does not await): in virtual
 * mode every rank shares one thread, and an await would count other ranks' work.
 */
import type { Communicator } from '../../comm/index.js';

export class LocalWork {
  /** Seconds of local work measured so far on this rank. */
  seconds = 0;

  constructor(private readonly comm: Communicator) {}

  /** Runs synchronous `work`, charging its time. */
  run<T>(work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.seconds += seconds;
      const { now, advanceClock } = this.comm.transport;
      if (now && advanceClock) advanceClock(now() + seconds);
    }
  }
}
