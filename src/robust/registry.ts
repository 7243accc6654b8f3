/**
 * Rules, pre-aggregators and attacks by the names configs use: `{ type: 'krum', neighbours:
 * 'n-f-1' }`. Unknown names and unknown options are refused with the list of valid ones; each
 * constructor checks its option values.
 */
import { RobustRuleError, type Aggregator } from './aggregator.js';
import type { Attack } from './attack.js';
import type { PreAggregator } from './preaggregator.js';
import { composeRule } from './preaggregator.js';
import { average } from './aggregators/average.js';
import { bulyan } from './aggregators/bulyan.js';
import { centeredClipping } from './aggregators/centered-clipping.js';
import { coordinateMedian } from './aggregators/coordinate-median.js';
import { dnc } from './aggregators/dnc.js';
import { geometricMedian } from './aggregators/geometric-median.js';
import { krum, multiKrum } from './aggregators/krum.js';
import { mda } from './aggregators/mda.js';
import { meamed } from './aggregators/meamed.js';
import { monna } from './aggregators/monna.js';
import { signMajority } from './aggregators/sign-majority.js';
import { trimmedMean } from './aggregators/trimmed-mean.js';
import { arc } from './preaggregators/arc.js';
import { bucketing } from './preaggregators/bucketing.js';
import { nnm } from './preaggregators/nnm.js';
import { staticClipping } from './preaggregators/static-clipping.js';
import { alie } from './attacks/alie.js';
import { gaussian } from './attacks/gaussian.js';
import { innerProductManipulation } from './attacks/inner-product-manipulation.js';
import { labelFlipping } from './attacks/label-flipping.js';
import { mimic } from './attacks/mimic.js';
import { minMax, minSum } from './attacks/min-max.js';
import { nonFinite } from './attacks/non-finite.js';
import { optimalAlie, optimalIpm } from './attacks/optimal.js';
import { signFlipping } from './attacks/sign-flipping.js';

/** A component as configs write it: its name and its options. */
export interface RobustSpec {
  readonly type: string;
  readonly [option: string]: unknown;
}

type Options = Record<string, unknown>;

interface Entry<T, Context> {
  readonly options: readonly string[];
  build(options: Options, context: Context): T;
}

/** Options arrive unchecked from a config; each constructor validates the values it is given. */
function unchecked<T>(options: Options): T {
  return options as T;
}

const AGGREGATORS: Record<string, Entry<Aggregator, number>> = {
  average: { options: [], build: (_, f) => average(f) },
  median: { options: ['even'], build: (o, f) => coordinateMedian(f, unchecked(o)) },
  'trimmed-mean': { options: [], build: (_, f) => trimmedMean(f) },
  'geometric-median': { options: ['nu', 'maxIterations', 'tolerance'], build: (o, f) => geometricMedian(f, unchecked(o)) },
  krum: { options: ['neighbours'], build: (o, f) => krum(f, unchecked(o)) },
  'multi-krum': { options: ['neighbours', 'm'], build: (o, f) => multiKrum(f, unchecked(o)) },
  bulyan: { options: [], build: (_, f) => bulyan(f) },
  'centered-clipping': { options: ['tau', 'iterations'], build: (o, f) => centeredClipping(f, unchecked(o)) },
  mda: { options: ['maxSubsets'], build: (o, f) => mda(f, unchecked(o)) },
  meamed: { options: [], build: (_, f) => meamed(f) },
  monna: { options: ['pivot'], build: (o, f) => monna(f, unchecked(o)) },
  'sign-majority': { options: [], build: (_, f) => signMajority(f) },
  dnc: { options: ['iterations', 'subDimension', 'filterFraction', 'seed'], build: (o, f) => dnc(f, unchecked(o)) },
};

const PRE_AGGREGATORS: Record<string, Entry<PreAggregator, number>> = {
  nnm: { options: [], build: (_, f) => nnm(f) },
  arc: { options: [], build: (_, f) => arc(f) },
  'static-clipping': { options: ['c'], build: (o) => staticClipping(o.c as number) },
  bucketing: { options: ['s', 'seed'], build: (o) => bucketing((o.s ?? 2) as number, unchecked(o)) },
};

/** What an attack may need besides its options: the rule it expects (optimal attacks) and a seed. */
export interface AttackContext {
  /** Builds the attacker's own instance of the server's rule (pre-aggregators included). */
  readonly rule: () => Aggregator;
  readonly seed: number;
}

const ATTACKS: Record<string, Entry<Attack, AttackContext>> = {
  'sign-flipping': { options: [], build: () => signFlipping() },
  ipm: { options: ['epsilon'], build: (o) => innerProductManipulation(o.epsilon as number | undefined) },
  alie: { options: ['z', 'std'], build: (o) => alie(unchecked(o)) },
  'optimal-ipm': { options: ['evaluations', 'start', 'delta', 'ratio'], build: (o, c) => optimalIpm(c.rule(), unchecked(o)) },
  'optimal-alie': { options: ['evaluations', 'start', 'delta', 'ratio', 'std'], build: (o, c) => optimalAlie(c.rule(), unchecked(o)) },
  'min-max': { options: ['direction', 'gammaInit', 'tolerance'], build: (o) => minMax(unchecked(o)) },
  'min-sum': { options: ['direction', 'gammaInit', 'tolerance'], build: (o) => minSum(unchecked(o)) },
  mimic: { options: ['target'], build: (o) => mimic(o.target as number | undefined) },
  gaussian: { options: ['mu', 'sigma', 'seed'], build: (o, c) => gaussian({ seed: c.seed, ...unchecked(o) }) },
  infinity: { options: [], build: () => nonFinite('infinity') },
  nan: { options: [], build: () => nonFinite('nan') },
  'label-flipping': { options: [], build: () => labelFlipping() },
};

export const AGGREGATOR_NAMES = Object.keys(AGGREGATORS);
export const PRE_AGGREGATOR_NAMES = Object.keys(PRE_AGGREGATORS);
export const ATTACK_NAMES = Object.keys(ATTACKS);

function build<T, C>(kind: string, table: Record<string, Entry<T, C>>, spec: RobustSpec, context: C): T {
  const entry = table[spec.type];
  if (!entry) throw new RobustRuleError(`unknown ${kind} ${JSON.stringify(spec.type)} (one of: ${Object.keys(table).join(', ')})`);
  const { type, ...given } = spec;
  const options: Options = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  for (const key of Object.keys(options)) {
    if (!entry.options.includes(key)) {
      const valid = entry.options.length > 0 ? `options: ${entry.options.join(', ')}` : 'it takes no options';
      throw new RobustRuleError(`${kind} ${type} has no option ${JSON.stringify(key)} (${valid})`);
    }
  }
  return entry.build(options, context);
}

/** The server's rule: the pre-aggregators in order, then the aggregator, all built for f. */
export function ruleFromSpec(aggregator: RobustSpec, pre: readonly RobustSpec[], f: number): Aggregator {
  return composeRule(
    pre.map((p) => build('pre-aggregator', PRE_AGGREGATORS, p, f)),
    build('aggregator', AGGREGATORS, aggregator, f),
  );
}

export function attackFromSpec(spec: RobustSpec, context: AttackContext): Attack {
  return build('attack', ATTACKS, spec, context);
}
