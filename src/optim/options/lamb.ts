/** LAMB's options (lamb.ts): Adam's, with eps 1e-6 and weightDecay 0.01 as in the paper's BERT runs. */
import { z } from 'zod';
import { adamMomentFields } from './adam.js';
import { positive } from './fields.js';

export const lambOptionsSchema = z.strictObject({
  ...adamMomentFields({ eps: 1e-6, weightDecay: 0.01 }),
  /** Upper clamp of the trust ratio (> 0); null (default) leaves it unclamped. */
  maxTrustRatio: positive.nullable().default(null),
});

export type LambOptions = z.input<typeof lambOptionsSchema>;
export type LambSettings = z.output<typeof lambOptionsSchema>;
