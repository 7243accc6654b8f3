/**
 * The trial an objective runs (define-by-run): `suggestFloat` / `suggestInt` /
 * `suggestCategorical` return the value the sampler picks (or the one the trial already has —
 * drawn jointly at its start, or before it was paused), and `report` sends an intermediate value
 * and returns the scheduler's decision. An objective stops when `report` says anything but
 * 'continue':
 *
 *     const lr = trial.suggestFloat('lr', 1e-4, 1, { log: true });
 *     for (let epoch = 1; epoch <= trial.budget; epoch++) {
 *       if ((await trial.report(epoch, train(lr, epoch))) !== 'continue') break;
 *     }
 */
import { LoomError } from '../../util/errors.js';
import type { Decision } from '../schedulers/scheduler.js';
import {
  categoricalDistribution,
  floatDistribution,
  intDistribution,
  sameDistribution,
  type Distribution,
  type NumericOptions,
  type ParamValue,
} from '../space/distribution.js';
import type { JournalOp } from './journal.js';
import type { FrozenTrial } from './trial.js';

/** What a trial handle needs from its study. */
export interface TrialHost {
  /** Samples `name` for the trial (the sampler's sampleIndependent). */
  sample(trial: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  /** Appends the trial's ops, then lets the scheduler decide on a report. */
  send(ops: readonly JournalOp[]): Promise<void>;
  decide(trialId: number, step: number, value: number): Promise<Decision>;
  /** The trial as the study last saw it. */
  current(trialId: number): FrozenTrial;
}

export class TrialHandle {
  readonly id: number;
  readonly number: number;
  /** The step the trial should run to (from the scheduler), or null when it has no budget. */
  readonly budget: number | null;
  /** True when this run continues a paused trial (load its checkpoint from `attrs`). */
  readonly resumed: boolean;
  private readonly params: Record<string, ParamValue>;
  private readonly distributions: Record<string, Distribution>;
  private pending: JournalOp[] = [];
  /** The scheduler's last word: anything but 'continue' ends this run of the trial. */
  private decision: Decision = 'continue';
  private ended = false;

  constructor(private readonly host: TrialHost, trial: FrozenTrial, resumed: boolean) {
    this.id = trial.id;
    this.number = trial.number;
    this.budget = typeof trial.attrs.budget === 'number' ? trial.attrs.budget : null;
    this.resumed = resumed;
    this.params = { ...trial.params };
    this.distributions = { ...trial.distributions };
  }

  /** The trial's attributes as stored (e.g. the checkpoint a resumed trial continues from). */
  get attrs(): Readonly<Record<string, unknown>> {
    return this.host.current(this.id).attrs;
  }

  /** Parameters suggested so far. */
  get values(): Readonly<Record<string, ParamValue>> {
    return { ...this.params };
  }

  suggestFloat(name: string, low: number, high: number, options: NumericOptions = {}): number {
    return this.suggest(name, floatDistribution(name, low, high, options)) as number;
  }

  suggestInt(name: string, low: number, high: number, options: NumericOptions = {}): number {
    return this.suggest(name, intDistribution(name, low, high, options)) as number;
  }

  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution(name, choices)) as T;
  }

  /** Samples a parameter of an already-checked distribution (the declarative search space uses this). */
  suggest(name: string, distribution: Distribution): ParamValue {
    const known = this.distributions[name];
    if (known) {
      if (!sameDistribution(known, distribution)) {
        throw new LoomError(`parameter "${name}" was suggested before with a different distribution (${JSON.stringify(known)}, now ${JSON.stringify(distribution)})`);
      }
      return this.params[name];
    }
    const value = this.host.sample({ ...this.host.current(this.id), params: this.params, distributions: this.distributions }, name, distribution);
    this.params[name] = value;
    this.distributions[name] = distribution;
    this.pending.push({ op: 'param', trial: this.id, name, distribution, value });
    return value;
  }

  /** Sends an intermediate value at `step` (a budget: epochs, samples, ...); returns what the scheduler decided. */
  async report(step: number, value: number): Promise<Decision> {
    if (this.ended) throw new LoomError(`trial ${this.number} has already ended; it cannot report step ${step}`);
    if (!Number.isFinite(step) || !Number.isFinite(value)) {
      throw new LoomError(`trial ${this.number}: report needs a finite step and value, got step ${step}, value ${value}`);
    }
    await this.flush({ op: 'report', trial: this.id, step, value, at: Date.now() });
    this.decision = await this.host.decide(this.id, step, value);
    if (this.decision !== 'continue') this.ended = true;
    return this.decision;
  }

  /** Stores attributes (a checkpoint path before pausing, a note). */
  async setAttrs(attrs: Readonly<Record<string, unknown>>): Promise<void> {
    await this.flush({ op: 'attrs', trial: this.id, attrs });
  }

  async heartbeat(): Promise<void> {
    await this.flush({ op: 'heartbeat', trial: this.id, at: Date.now() });
  }

  /** The scheduler's last decision ('pause' or 'stop' mean the study already recorded the trial's state). */
  get lastDecision(): Decision {
    return this.decision;
  }

  /** The study's tell: the ops this trial still has to send, then `op` (its end) if any. */
  async finish(op: JournalOp | null): Promise<void> {
    if (this.ended && this.decision === 'continue') throw new LoomError(`trial ${this.number} was already told`);
    this.ended = true;
    await this.flush(op);
  }

  private async flush(op: JournalOp | null): Promise<void> {
    const ops = op ? [...this.pending, op] : [...this.pending];
    if (ops.length === 0) return;
    this.pending = [];
    await this.host.send(ops);
  }
}
