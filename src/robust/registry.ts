/**
 * Rules, pre-aggregators and attacks by the names configs use: `{ type: 'krum', neighbours:
 * 'n-f-1' }`. Unknown names are refused with the list of valid ones; each component's options are
 * checked by its own zod schema (options.ts), unknown options refused with the valid ones listed.
 */
import type { z } from 'zod';
import { RobustRuleError, type Aggregator } from './aggregator.js';
import type { Attack } from './attack.js';
import { NO_OPTIONS, parseOptions, type RobustKind } from './options.js';
import type { PreAggregator } from './preaggregator.js';
import { composeRule } from './preaggregator.js';
import { average } from './aggregators/average.js';
import { bulyan } from './aggregators/bulyan.js';
import { centeredClipping, centeredClippingOptionsSchema } from './aggregators/centered-clipping.js';
import { coordinateMedian, coordinateMedianOptionsSchema } from './aggregators/coordinate-median.js';
import { dnc, dncOptionsSchema } from './aggregators/dnc.js';
import { geometricMedian, geometricMedianOptionsSchema } from './aggregators/geometric-median.js';
import { krum, krumOptionsSchema, multiKrum, multiKrumOptionsSchema } from './aggregators/krum.js';
import { mda, mdaOptionsSchema } from './aggregators/mda.js';
import { meamed } from './aggregators/meamed.js';
import { monna, monnaOptionsSchema } from './aggregators/monna.js';
import { signMajority } from './aggregators/sign-majority.js';
import { trimmedMean } from './aggregators/trimmed-mean.js';
import { arc } from './preaggregators/arc.js';
import { bucketing, bucketingSpecSchema } from './preaggregators/bucketing.js';
import { nnm } from './preaggregators/nnm.js';
import { staticClipping, staticClippingOptionsSchema } from './preaggregators/static-clipping.js';
import { alie, alieOptionsSchema } from './attacks/alie.js';
import { gaussian, gaussianOptionsSchema } from './attacks/gaussian.js';
import { innerProductManipulation, ipmOptionsSchema } from './attacks/inner-product-manipulation.js';
import { labelFlipping } from './attacks/label-flipping.js';
import { mimic, mimicOptionsSchema } from './attacks/mimic.js';
import { minMax, minMaxOptionsSchema, minSum } from './attacks/min-max.js';
import { nonFinite } from './attacks/non-finite.js';
import { optimalAlie, optimalAlieOptionsSchema, optimalIpm, optimalIpmOptionsSchema } from './attacks/optimal.js';
import { signFlipping } from './attacks/sign-flipping.js';

/** A component as configs write it: its name and its options. */
export interface RobustSpec {
  readonly type: string;
  readonly [option: string]: unknown;
}

/** A component's options schema and its constructor, which gets the options the schema checked. */
interface Entry<T, Context> {
  create(kind: RobustKind, name: string, given: Readonly<Record<string, unknown>>, context: Context): T;
}

function entry<S extends z.ZodObject, T, Context>(schema: S, build: (options: z.output<S>, context: Context) => T): Entry<T, Context> {
  return { create: (kind, name, given, context) => build(parseOptions(kind, name, schema, given), context) };
}

const AGGREGATORS: Record<string, Entry<Aggregator, number>> = {
  average: entry(NO_OPTIONS, (_, f) => average(f)),
  median: entry(coordinateMedianOptionsSchema, (o, f) => coordinateMedian(f, o)),
  'trimmed-mean': entry(NO_OPTIONS, (_, f) => trimmedMean(f)),
  'geometric-median': entry(geometricMedianOptionsSchema, (o, f) => geometricMedian(f, o)),
  krum: entry(krumOptionsSchema, (o, f) => krum(f, o)),
  'multi-krum': entry(multiKrumOptionsSchema, (o, f) => multiKrum(f, o)),
  bulyan: entry(NO_OPTIONS, (_, f) => bulyan(f)),
  'centered-clipping': entry(centeredClippingOptionsSchema, (o, f) => centeredClipping(f, o)),
  mda: entry(mdaOptionsSchema, (o, f) => mda(f, o)),
  meamed: entry(NO_OPTIONS, (_, f) => meamed(f)),
  monna: entry(monnaOptionsSchema, (o, f) => monna(f, o)),
  'sign-majority': entry(NO_OPTIONS, (_, f) => signMajority(f)),
  dnc: entry(dncOptionsSchema, (o, f) => dnc(f, o)),
};

const PRE_AGGREGATORS: Record<string, Entry<PreAggregator, number>> = {
  nnm: entry(NO_OPTIONS, (_, f) => nnm(f)),
  arc: entry(NO_OPTIONS, (_, f) => arc(f)),
  'static-clipping': entry(staticClippingOptionsSchema, (o) => staticClipping(o.c)),
  bucketing: entry(bucketingSpecSchema, ({ s, ...o }) => bucketing(s, o)),
};

/** What an attack may need besides its options: the rule it expects (optimal attacks) and a seed. */
export interface AttackContext {
  /** Builds the attacker's own instance of the server's rule (pre-aggregators included). */
  readonly rule: () => Aggregator;
  readonly seed: number;
}

const ATTACKS: Record<string, Entry<Attack, AttackContext>> = {
  'sign-flipping': entry(NO_OPTIONS, () => signFlipping()),
  ipm: entry(ipmOptionsSchema, (o) => innerProductManipulation(o.epsilon)),
  alie: entry(alieOptionsSchema, (o) => alie(o)),
  'optimal-ipm': entry(optimalIpmOptionsSchema, (o, c) => optimalIpm(c.rule(), o)),
  'optimal-alie': entry(optimalAlieOptionsSchema, (o, c) => optimalAlie(c.rule(), o)),
  'min-max': entry(minMaxOptionsSchema, (o) => minMax(o)),
  'min-sum': entry(minMaxOptionsSchema, (o) => minSum(o)),
  mimic: entry(mimicOptionsSchema, (o) => mimic(o.target)),
  gaussian: entry(gaussianOptionsSchema, (o, c) => gaussian({ ...o, seed: o.seed ?? c.seed })),
  infinity: entry(NO_OPTIONS, () => nonFinite('infinity')),
  nan: entry(NO_OPTIONS, () => nonFinite('nan')),
  'label-flipping': entry(NO_OPTIONS, () => labelFlipping()),
};

export const AGGREGATOR_NAMES = Object.keys(AGGREGATORS);
export const PRE_AGGREGATOR_NAMES = Object.keys(PRE_AGGREGATORS);
export const ATTACK_NAMES = Object.keys(ATTACKS);

function build<T, C>(kind: RobustKind, table: Record<string, Entry<T, C>>, spec: RobustSpec, context: C): T {
  const entry = table[spec.type];
  if (!entry) throw new RobustRuleError(`unknown ${kind} ${JSON.stringify(spec.type)} (one of: ${Object.keys(table).join(', ')})`);
  const { type, ...given } = spec;
  // An option set to undefined (as a config leaves an unset one) counts as not given.
  return entry.create(kind, type, Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)), context);
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
