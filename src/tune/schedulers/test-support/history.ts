/**
 * A scripted study history for scheduler tests: trials are started, report, pause, resume, end
 * and are retried by hand, and `History` is the StudyView a scheduler reads. `follow`,
 * `reportTo` and `simulate` apply a scheduler's answers the way the study does (scheduler.ts).
 * Trial ids are 100 + number, so a test that mixes up ids and numbers fails.
 */
import type { Distribution, ParamValue } from '../../space/distribution.js';
import type { Direction, FrozenTrial, StudyView, TrialState } from '../../study/trial.js';
import type { Decision, NextTrial, PresetParams, Scheduler } from '../scheduler.js';

interface Mutable {
  id: number;
  number: number;
  state: TrialState;
  attrs: Record<string, unknown>;
  intermediate: Map<number, number>;
  value: number | null;
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
}

export class History implements StudyView {
  private readonly list: Mutable[] = [];

  constructor(readonly direction: Direction = 'minimize') {}

  trials(states?: readonly TrialState[]): readonly FrozenTrial[] {
    return this.list
      .filter((t) => !states || states.includes(t.state))
      .map((t) => ({
        id: t.id,
        number: t.number,
        state: t.state,
        params: { ...t.params },
        distributions: { ...t.distributions },
        value: t.value,
        intermediate: new Map(t.intermediate),
        attrs: { ...t.attrs },
        startedAt: 0,
        finishedAt: null,
        heartbeatAt: 0,
      }));
  }

  trial(number: number): FrozenTrial {
    const trial = this.trials().find((t) => t.number === number);
    if (!trial) throw new Error(`no trial ${number}`);
    return trial;
  }

  numberOf(id: number): number {
    return this.get(id - 100).number;
  }

  /** A new running trial with these attrs (budget included) and parameters; returns its number. */
  start(attrs: Record<string, unknown> = {}, params: PresetParams = {}): number {
    const number = this.list.length;
    const values: Record<string, ParamValue> = {};
    const distributions: Record<string, Distribution> = {};
    for (const [name, p] of Object.entries(params)) {
      values[name] = p.value;
      distributions[name] = p.distribution;
    }
    this.list.push({ id: 100 + number, number, state: 'running', attrs: { ...attrs }, intermediate: new Map(), value: null, params: values, distributions });
    return number;
  }

  /** Sets attributes, merged shallowly as the journal does. */
  setAttrs(number: number, attrs: Record<string, unknown>): this {
    const t = this.get(number);
    t.attrs = { ...t.attrs, ...attrs };
    return this;
  }

  report(number: number, step: number, value: number): this {
    this.get(number).intermediate.set(step, value);
    return this;
  }

  set(number: number, state: TrialState, value: number | null = null): this {
    const t = this.get(number);
    t.state = state;
    if (state === 'complete') t.value = value;
    return this;
  }

  pause(number: number): this {
    return this.set(number, 'paused');
  }

  complete(number: number, value: number): this {
    return this.set(number, 'complete', value);
  }

  /** A paused trial runs again until `budget` (by id, as a NextTrial names it). */
  resume(id: number, budget: number): this {
    const t = this.get(id - 100);
    if (t.state !== 'paused') throw new Error(`trial ${t.number} is ${t.state}, not paused`);
    t.state = 'running';
    t.attrs.budget = budget;
    return this;
  }

  /** What the study does for a lost worker: the trial fails and a waiting copy (no reports) is queued. */
  retry(number: number): number {
    const lost = this.get(number);
    lost.state = 'failed';
    const attempt = typeof lost.attrs.attempt === 'number' ? lost.attrs.attempt : 0;
    const params: Record<string, { distribution: Distribution; value: ParamValue }> = {};
    for (const [name, value] of Object.entries(lost.params)) params[name] = { distribution: lost.distributions[name], value };
    const copy = this.start({ ...lost.attrs, retryOf: number, attempt: attempt + 1 }, params);
    this.get(copy).state = 'waiting';
    return copy;
  }

  /** A worker takes a waiting trial. */
  claim(number: number): this {
    return this.set(number, 'running');
  }

  private get(number: number): Mutable {
    const t = this.list[number];
    if (!t) throw new Error(`no trial ${number}`);
    return t;
  }
}

/** Applies `next` as the study does; returns the number of the trial that now runs, or null (wait, done). */
export function follow(history: History, next: NextTrial): number | null {
  if (next.kind === 'new' && next.replaces !== undefined) {
    const old = history.numberOf(next.replaces);
    const state = history.trial(old).state;
    if (state !== 'paused' && state !== 'failed') throw new Error(`trial ${old} is ${state}, not paused or failed: it cannot be replaced`);
    const number = history.start({ ...next.attrs, replaces: next.replaces, budget: next.budget }, next.params);
    history.setAttrs(old, { replacedBy: history.trial(number).id });
    if (state === 'paused') history.set(old, 'pruned');
    return number;
  }
  if (next.kind === 'new') return history.start({ ...next.attrs, budget: next.budget }, next.params);
  if (next.kind === 'resume') {
    history.resume(next.trialId, next.budget);
    return history.numberOf(next.trialId);
  }
  return null;
}

/**
 * The trial reports `value` at `step` and the scheduler's decision is recorded as the study does:
 * pause → paused, stop → pruned; a 'continue' at the trial's target budget ends the objective,
 * which tells `value` (complete).
 */
export function reportTo(scheduler: Scheduler, history: History, number: number, step: number, value: number): Decision {
  history.report(number, step, value);
  const decision = scheduler.onReport(history, history.trial(number), step, value);
  if (decision === 'pause') history.pause(number);
  else if (decision === 'stop') history.set(number, 'pruned');
  else if (step >= (history.trial(number).attrs.budget as number)) history.complete(number, value);
  return decision;
}

export interface SimulateOptions {
  readonly workers?: number;
  readonly direction?: Direction;
  /** Before every decision, a scheduler built by this (a restarted tuner) must decide the same. */
  readonly restart?: () => Scheduler;
  readonly maxJobs?: number;
}

export interface Simulation {
  readonly history: History;
  /** 'new 3@1', 'resume 3@9': each job in start order (trial number @ budget). */
  readonly log: string[];
  /** When the last job ended, in steps. */
  readonly elapsed: number;
  /** Steps run by all workers together. */
  readonly work: number;
}

/**
 * Runs a whole schedule on `workers` simulated workers. A job takes as long as the steps it runs
 * (from the trial's last reported step to its budget) and reports `loss(trial number, budget)` at
 * its budget only. Throws when the scheduler waits with nothing running (a deadlock).
 */
export function simulate(scheduler: Scheduler, loss: (number: number, budget: number) => number, options: SimulateOptions = {}): Simulation {
  const history = new History(options.direction);
  const log: string[] = [];
  const running: { number: number; endsAt: number; order: number }[] = [];
  const workers = options.workers ?? 1;
  const decide = (): NextTrial => {
    const next = scheduler.nextTrial(history);
    if (options.restart) {
      const again = options.restart().nextTrial(history);
      if (JSON.stringify(again) !== JSON.stringify(next)) {
        throw new Error(`after ${log.length} jobs a restarted ${scheduler.name} answers ${JSON.stringify(again)}, not ${JSON.stringify(next)}`);
      }
    }
    return next;
  };
  let now = 0;
  let work = 0;
  while (log.length <= (options.maxJobs ?? 10_000)) {
    while (running.length < workers) {
      const next = decide();
      const number = follow(history, next);
      if (number === null || next.kind === 'wait' || next.kind === 'done') break;
      const from = Math.max(0, ...history.trial(number).intermediate.keys());
      running.push({ number, endsAt: now + next.budget - from, order: log.length });
      work += next.budget - from;
      log.push(`${next.kind} ${number}@${next.budget}`);
    }
    if (running.length === 0) {
      const next = decide();
      if (next.kind === 'done') return { history, log, elapsed: now, work };
      throw new Error(`${scheduler.name} answers ${next.kind} with nothing running after ${log.length} jobs`);
    }
    running.sort((a, b) => a.endsAt - b.endsAt || a.order - b.order);
    const job = running.shift() as (typeof running)[number];
    now = job.endsAt;
    const budget = history.trial(job.number).attrs.budget as number;
    reportTo(scheduler, history, job.number, budget, loss(job.number, budget));
  }
  throw new Error(`${scheduler.name}: the schedule does not end within ${options.maxJobs ?? 10_000} jobs`);
}
