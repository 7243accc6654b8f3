/**
 * The layer abstraction behind every model: a layer declares its parameter tensors (shape and
 * initialiser), its per-sample output shape and forward FLOPs, and applies itself to a batch.
 * Parameters live in the model's flat buffer; a layer only ever sees tensors made from it.
 */
import type { tf } from '../compute/index.js';
import type { Rng } from '../util/index.js';

type Tensor = tf.Tensor;

/** How a parameter tensor starts out. */
export type Init =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'uniform'; readonly bound: number };

/** One parameter tensor of a layer; `name` is local (`weight`), the model prefixes the layer. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
}

export interface ApplyContext {
  /**
   * False when `x` is data (the first layer of a model): layers may then pick ops whose gradient
   * does not compute d/dx (the gradients of tfjs fused ops compute every input's eagerly).
   */
  readonly inputNeedsGrad: boolean;
}

export interface Layer {
  readonly name: string;
  /** e.g. `dense`, `conv2d`, `maxpool`, `residual-block`, `transformer-block`. */
  readonly kind: string;
  /** Shape of one sample's input and output (no batch dimension). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly params: readonly ParamSpec[];
  /** Multiply-adds of matmuls and convolutions per sample, times 2; elementwise ops not counted. */
  readonly forwardFlops: number;
  /** `p` maps each ParamSpec name to its tensor; `x` and the result carry a leading batch axis. */
  apply(p: Readonly<Record<string, Tensor>>, x: Tensor, ctx: ApplyContext): Tensor;
}

/** A layer whose input shape is filled in by the model, so models list layers without shapes. */
export type LayerDef = (inputShape: readonly number[]) => Layer;

// ---- initialisers, named after the schemes (PyTorch defaults where PyTorch has one) ----

export const zeros: Init = { kind: 'zeros' };
export const ones: Init = { kind: 'ones' };
export const normal = (std: number): Init => ({ kind: 'normal', std });
/** PyTorch's default for Linear/Conv weights and biases: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export const torchDefault = (fanIn: number): Init => ({ kind: 'uniform', bound: 1 / Math.sqrt(fanIn) });
/** He et al. 2015, fan-out mode (what torchvision's ResNet uses for convolutions). */
export const heNormal = (fan: number): Init => ({ kind: 'normal', std: Math.sqrt(2 / fan) });

export function fillInit(out: Float32Array, init: Init, rng: Rng): void {
  switch (init.kind) {
    case 'zeros':
      out.fill(0);
      return;
    case 'ones':
      out.fill(1);
      return;
    case 'normal':
      for (let i = 0; i < out.length; i++) out[i] = rng.normal() * init.std;
      return;
    case 'uniform':
      for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * init.bound;
      return;
  }
}

// ---- small shape helpers shared by layers and models ----

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function showShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
