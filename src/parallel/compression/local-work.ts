/**
 * A compressor's own compute, measured and (on a simulated clock) charged to the rank. Virtual
 * mode simulates the network and charges the model's compute, so without this a compressor's
 * encoding, decoding and orthogonalization would look free and compression would win at any
 * bandwidth. The wall time of each stretch of local work is moved onto the rank's clock before the
 * message it produced departs; on real clocks the time passes by itself and is only counted.
 *
 * Only synchronous stretches are measured: between `resume()` and `charge()` nothing may await
 * (in virtual mode every rank shares one thread, and an await would count other ranks' work).
 */
import type { Communicator } from '../../comm/index.js';

export class LocalWork {
  /** Seconds of local work measured so far on this rank. */
  seconds = 0;
  private mark = 0;

  constructor(private readonly comm: Communicator) {}

  /** Local work starts now. */
  resume(): void {
    this.mark = performance.now();
  }

  /** Local work since `resume()` ends now: counted, and moved onto a simulated clock. */
  charge(): void {
    const ended = performance.now();
    const seconds = (ended - this.mark) / 1000;
    this.mark = ended; // a second charge without a resume (concurrent collectives) adds only what came since
    this.seconds += seconds;
    const { now, advanceClock } = this.comm.transport;
    if (now && advanceClock) advanceClock(now() + seconds);
  }

  /** Runs synchronous `work`, charging its time. */
  run<T>(work: () => T): T {
    this.resume();
    try {
      return work();
    } finally {
      this.charge();
    }
  }
}
