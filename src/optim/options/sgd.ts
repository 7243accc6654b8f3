/** SGD's options (sgd.ts): momentum, dampening and Nesterov as torch.optim.SGD takes them. */
import { z } from 'zod';
import { flag, fraction, nonNegative, unitInterval } from './fields.js';

export const sgdOptionsSchema = z
  .strictObject({
    /** Momentum factor mu in [0, 1); 0 turns momentum (and its state buffer) off. */
    momentum: fraction.default(0),
    /** Fraction of the gradient held back from the momentum buffer, in [0, 1]. */
    dampening: unitInterval.default(0),
    /** Nesterov momentum; needs momentum > 0 and dampening 0 (as PyTorch). */
    nesterov: flag.default(false),
    /** L2 penalty coefficient, added to the gradient as wd*w. */
    weightDecay: nonNegative.default(0),
  })
  .superRefine((o, ctx) => {
    if (o.nesterov && o.momentum === 0) {
      ctx.addIssue({ code: 'custom', path: ['nesterov'], message: 'expected false when momentum is 0 (Nesterov needs momentum > 0)' });
    } else if (o.nesterov && o.dampening !== 0) {
      ctx.addIssue({ code: 'custom', path: ['dampening'], message: 'expected 0 with nesterov' });
    }
  });

export type SgdOptions = z.input<typeof sgdOptionsSchema>;
/** The options with every default filled in, as the optimizer runs with them. */
export type SgdSettings = z.output<typeof sgdOptionsSchema>;
