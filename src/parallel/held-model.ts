/**
 * A rank's own model, held aside while the model a strategy evaluates (the ranks' exact average,
 * SMA's central model) stands in for it, and given back after the evaluation: evaluating must
 * not change what a strategy trains (an average at every evaluation would be extra synchronization,
 * and results would depend on how often a run is evaluated).
 */
export class HeldModel {
  private copy: Float32Array | undefined;
  private holding = false;

  /** Keeps a copy of `params` (call before overwriting them with the evaluated model). */
  hold(params: Float32Array): void {
    (this.copy ??= new Float32Array(params.length)).set(params);
    this.holding = true;
  }

  /** Puts the held model back into `params`, if one is held. */
  restore(params: Float32Array): void {
    if (!this.holding) return;
    params.set(this.copy!);
    this.holding = false;
  }
}
