/** Convolution geometry for the two convolution-gradient kernel tests (filter and input gradient). */
import { tf } from '../../tf.js';

type Pair = [number, number];

export interface ConvCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: number | Pair;
  readonly pad: 'same' | 'valid' | number | [Pair, Pair, Pair, Pair];
}

/** Shape of the convolution's output, i.e. of dy. */
export function convOutShape(c: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
}

/** The test title of a case. */
export function convCaseTitle(c: ConvCase): string {
  return `x=[${c.x}] filter=[${c.filter}] strides=${JSON.stringify(c.strides)} pad=${JSON.stringify(c.pad)}`;
}
