/** The options of the Adam family (adam.ts, adamw.ts, lamb.ts): Adam's moments and a weight decay. */
import { z } from 'zod';
import { fraction, nonNegative, positive } from './fields.js';

/** The fields Adam, AdamW and LAMB share; only the defaults of eps and weightDecay differ. */
export function adamMomentFields(defaults: { readonly eps: number; readonly weightDecay: number }) {
  return {
    /** Decay of the first moment, in [0, 1). */
    beta1: fraction.default(0.9),
    /** Decay of the second moment, in [0, 1). */
    beta2: fraction.default(0.999),
    /** Added to sqrt(v̂) in the denominator (outside the square root, as PyTorch); > 0. */
    eps: positive.default(defaults.eps),
    weightDecay: nonNegative.default(defaults.weightDecay),
  };
}

export const adamOptionsSchema = z.strictObject(adamMomentFields({ eps: 1e-8, weightDecay: 0 }));

/** As PyTorch: the same as Adam's, but weightDecay 0.01. */
export const adamwOptionsSchema = z.strictObject(adamMomentFields({ eps: 1e-8, weightDecay: 0.01 }));

/** Adam's and AdamW's schemas (the same fields, their own defaults). */
export type AdamFamilySchema = typeof adamOptionsSchema;
export type AdamOptions = z.input<AdamFamilySchema>;
export type AdamWOptions = AdamOptions;
export type AdamSettings = z.output<AdamFamilySchema>;
