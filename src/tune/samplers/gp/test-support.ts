/** Hand-built study histories for the GP sampler's tests: trials by hand, and a sequential driver. */
import type { Distribution, ParamValue } from '../../space/distribution.js';
import type { Direction, FrozenTrial, StudyView, TrialState } from '../../study/trial.js';
import type { Sampler } from '../sampler.js';

export interface TrialFields {
  readonly state?: TrialState;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  readonly value?: number | null;
}

/** A trial numbered `number` (id 100 + number), complete with `value` unless told otherwise. */
export function makeTrial(number: number, fields: TrialFields = {}): FrozenTrial {
  const state = fields.state ?? 'complete';
  return {
    id: 100 + number,
    number,
    state,
    params: { ...(fields.params ?? {}) },
    distributions: { ...(fields.distributions ?? {}) },
    value: fields.value ?? null,
    intermediate: new Map(),
    attrs: {},
    startedAt: number,
    finishedAt: state === 'running' || state === 'waiting' ? null : number + 1,
    heartbeatAt: number,
  };
}

/** A StudyView over a fixed list of trials. */
export function fakeStudy(trials: readonly FrozenTrial[], direction: Direction = 'minimize'): StudyView {
  return {
    direction,
    trials: (states?: readonly TrialState[]) => trials.filter((t) => !states || states.includes(t.state)),
  };
}

/**
 * The parameters `sampler` gives a new running trial after `history`, as a study asks for them:
 * the relative sample first, then each remaining parameter of `space` independently.
 */
export function propose(sampler: Sampler, history: readonly FrozenTrial[], space: Readonly<Record<string, Distribution>>, direction: Direction = 'minimize'): Record<string, ParamValue> {
  const number = history.length;
  const study = fakeStudy([...history, makeTrial(number, { state: 'running' })], direction);
  const trial = makeTrial(number, { state: 'running' });
  const relative = sampler.inferRelativeSpace(study, trial);
  const params = sampler.sampleRelative(study, trial, relative);
  for (const [name, d] of Object.entries(space)) if (!(name in params)) params[name] = sampler.sampleIndependent(study, trial, name, d);
  return params;
}

/** Runs `trials` trials one after another and returns the history. */
export function optimize(
  sampler: Sampler,
  space: Readonly<Record<string, Distribution>>,
  objective: (params: Readonly<Record<string, ParamValue>>) => number,
  trials: number,
  direction: Direction = 'minimize',
): FrozenTrial[] {
  const history: FrozenTrial[] = [];
  for (let i = 0; i < trials; i++) {
    const params = propose(sampler, history, space, direction);
    history.push(makeTrial(i, { params, distributions: space, value: objective(params) }));
  }
  return history;
}
