/**
 * A learning-rate schedule is a pure function of the optimizer step: `lr = schedule(t)` for the
 * update that follows t completed updates (t = optimizer.stepCount, 0 for the first update).
 * Being pure, it needs no state of its own, and a resumed run gets the same rates.
 */
export type LrSchedule = (step: number) => number;
