/** A scripted study history for scheduler tests: start, report, pause, resume, fail trials by hand. */
import type { Direction, FrozenTrial, StudyView, TrialState } from '../../study/trial.js';

interface Mutable {
  id: number;
  number: number;
  state: TrialState;
  attrs: Record<string, unknown>;
  intermediate: Map<number, number>;
  value: number | null;
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
        params: {},
        distributions: {},
        value: t.value,
        intermediate: new Map(t.intermediate),
        attrs: { ...t.attrs },
        startedAt: 0,
        finishedAt: null,
        heartbeatAt: 0,
      }));
  }

  trial(number: number): FrozenTrial {
    return this.trials().find((t) => t.number === number) as FrozenTrial;
  }

  /** A new running trial with these attrs (budget included); returns its number. */
  start(attrs: Record<string, unknown>): number {
    const number = this.list.length;
    this.list.push({ id: 100 + number, number, state: 'running', attrs: { ...attrs }, intermediate: new Map(), value: null });
    return number;
  }

  report(number: number, step: number, value: number): void {
    this.list[number].intermediate.set(step, value);
  }

  set(number: number, state: TrialState, value: number | null = null): void {
    this.list[number].state = state;
    if (state === 'complete') this.list[number].value = value;
  }

  resume(id: number, budget: number): void {
    const t = this.list.find((x) => x.id === id) as Mutable;
    t.state = 'running';
    t.attrs.budget = budget;
  }
}
