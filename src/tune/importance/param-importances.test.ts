/** Which trials and parameters go into a study's importances, and what is said when there are too few. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { categoricalDistribution, floatDistribution, intDistribution, type Distribution, type ParamValue } from '../space/distribution.js';
import type { FrozenTrial, TrialState } from '../study/trial.js';
import { paramImportances } from './param-importances.js';

const lr = floatDistribution('lr', 1e-4, 1, { log: true });
const optimizer = categoricalDistribution('optimizer', ['sgd', 'adam', 'rmsprop']);
const width = intDistribution('width', 8, 8);
const dropout = floatDistribution('dropout', 0, 0.5);

function trial(number: number, state: TrialState, value: number | null, params: Record<string, ParamValue>, distributions: Record<string, Distribution>): FrozenTrial {
  return { id: number + 1, number, state, params, distributions, value, intermediate: new Map(), attrs: {}, startedAt: 0, finishedAt: 0, heartbeatAt: 0 };
}

function study(n: number): FrozenTrial[] {
  const rng = new Rng(9);
  const out: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const p = { lr: 1e-4 * 1e4 ** rng.next(), optimizer: optimizer.choices[rng.int(3)]!, width: 8 };
    // The value depends on log10(lr) strongly and on the optimizer less: exact shares 0.865 and 0.135, which
    // a forest on few trials underrates for the optimizer (leaves that split on lr alone average over it).
    const value = (Math.log10(p.lr) + 2) ** 2 + (p.optimizer === 'adam' ? 0 : 1);
    // Half the trials also have a dropout (a conditional parameter): it is left out.
    const withDropout = i % 2 === 0;
    out.push(trial(i, 'complete', value, withDropout ? { ...p, dropout: 0.1 } : p, withDropout ? { lr, optimizer, width, dropout } : { lr, optimizer, width }));
  }
  return out;
}

describe('parameter importances of a study', () => {
  it('ranks the parameters of every complete trial; a single-valued one gets 0, a conditional one is left out', () => {
    const trials = [...study(600), trial(600, 'pruned', null, { lr: 1, optimizer: 'sgd', width: 8 }, { lr, optimizer, width })];
    const result = paramImportances(trials);
    if (!result.ok) throw new Error(result.reason);
    expect(result.trials).toBe(600);
    expect(result.params.map((p) => p.name)).toEqual(['lr', 'optimizer', 'width']);
    const [l, o, w] = result.params.map((p) => p.importance);
    expect(l).toBeCloseTo(0.865, 1);
    expect(o).toBeCloseTo(0.135, 1);
    expect(w).toBe(0);
    expect(l! + o!).toBeCloseTo(1, 12);
    // Seeded: the same study gives the same numbers.
    expect(paramImportances(trials)).toEqual(result);
  });

  it('says why there is no importance: fewer than 2 complete trials, a constant objective', () => {
    const one = [trial(0, 'complete', 1, { lr: 0.1 }, { lr }), trial(1, 'failed', null, { lr: 0.2 }, { lr })];
    expect(paramImportances(one)).toEqual({ ok: false, reason: 'parameter importance needs at least 2 complete trials; the study has 1' });
    const flat = [trial(0, 'complete', 2, { lr: 0.1 }, { lr }), trial(1, 'complete', 2, { lr: 0.01 }, { lr })];
    expect(paramImportances(flat)).toEqual({ ok: false, reason: 'parameter importance needs the objective to vary; all 2 complete trials have the value 2' });
    const fixed = [trial(0, 'complete', 2, { width: 8 }, { width }), trial(1, 'complete', 3, { width: 8 }, { width })];
    expect(paramImportances(fixed)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than one possible value/) });
  });
});
