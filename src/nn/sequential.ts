/**
 * A model that is an ordered list of layers and a loss head, with every parameter in one flat
 * Float32Array. Tensors are created from that buffer on each call and freed before it returns,
 * so the buffer is the only state: overwrite it (optimizer step, checkpoint load) and the next
 * call sees the new values.
 */
import { readInto, tf } from '../compute/index.js';
import type { Batch } from '../data/dataset.js';
import { LoomError, Rng, showValue } from '../util/index.js';
import { fillInit, showShape, sizeOf, type ApplyContext, type Layer, type LayerDef } from './layer.js';
import type { LossHead } from './loss.js';
import type { EvalSums, LayerInfo, ParamSegment, StagedModel, StageGrad } from './model.js';

export interface SequentialOptions {
  /** Model type reported as `Model.kind`, e.g. `mlp`. */
  readonly kind: string;
  /** Shape of one input sample, e.g. [28, 28, 1] or [context]. */
  readonly inputShape: readonly number[];
  /** When set, inputs are int32 token ids in [0, tokenVocab); otherwise float32 features. */
  readonly tokenVocab?: number;
  readonly numClasses: number;
  readonly layers: readonly LayerDef[];
  readonly head: LossHead;
  /** Fixes the initial parameters: same seed, same buffer. */
  readonly seed: number;
}

type Inputs = Float32Array | Int32Array;

export class SequentialModel implements StagedModel {
  readonly kind: string;
  readonly params: Float32Array;
  readonly segments: readonly ParamSegment[];
  readonly layers: readonly LayerInfo[];
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** The built layers, index-aligned with `layers` (tensor-level; for use inside nn/ and compute/). */
  readonly stack: readonly Layer[];
  private readonly head: LossHead;
  private readonly tokenVocab: number | undefined;
  /** Segments of each layer, index-aligned with `stack`. */
  private readonly layerSegments: readonly (readonly ParamSegment[])[];

  constructor(o: SequentialOptions) {
    this.kind = o.kind;
    this.inputShape = [...o.inputShape];
    this.numClasses = o.numClasses;
    this.head = o.head;
    this.tokenVocab = o.tokenVocab;
    const stack: Layer[] = [];
    let shape: readonly number[] = this.inputShape;
    for (const def of o.layers) {
      const layer = def(shape);
      if (stack.some((l) => l.name === layer.name)) throw new LoomError(`${o.kind}: duplicate layer name ${showValue(layer.name)}`);
      stack.push(layer);
      shape = layer.outputShape;
    }
    const expected = o.head.targetsPerSample === 1 ? [o.numClasses] : [o.head.targetsPerSample, o.numClasses];
    if (showShape(shape) !== showShape(expected)) {
      throw new LoomError(`${o.kind}: last layer outputs ${showShape(shape)} per sample, the loss needs ${showShape(expected)}`);
    }
    this.stack = stack;

    const segments: ParamSegment[] = [];
    const layerSegments: ParamSegment[][] = [];
    const layers: LayerInfo[] = [];
    let offset = 0;
    for (const layer of stack) {
      const start = offset;
      const own: ParamSegment[] = [];
      for (const spec of layer.params) {
        const size = sizeOf(spec.shape);
        own.push({ name: `${layer.name}.${spec.name}`, layer: layer.name, offset, shape: [...spec.shape], size });
        offset += size;
      }
      segments.push(...own);
      layerSegments.push(own);
      layers.push({
        name: layer.name,
        kind: layer.kind,
        params: offset - start,
        forwardFlops: layer.forwardFlops,
        activationBytes: 4 * sizeOf(layer.outputShape),
        outputShape: [...layer.outputShape],
        paramRange: [start, offset],
      });
    }
    this.segments = segments;
    this.layerSegments = layerSegments;
    this.layers = layers;
    this.params = new Float32Array(offset);
    const specs = stack.flatMap((l) => l.params);
    // One derived stream per segment: a segment's init does not depend on how much others drew.
    segments.forEach((s, i) => fillInit(this.params.subarray(s.offset, s.offset + s.size), specs[i].init, Rng.derive(o.seed, i)));
  }

  lossAndGrad(batch: Batch, gradOut: Float32Array, weight = 1, onLayerReady?: (layer: number) => void): number {
    this.checkGradOut(gradOut);
    const targets = this.targets(batch);
    return tf.tidy(() => {
      const x = this.inputTensor(batch.inputs, batch.size);
      const ps = this.paramTensors(0, this.stack.length);
      const taps = onLayerReady ? new GradientTaps(this.layerSegments, gradOut, onLayerReady) : null;
      // Each layer's parameters are tapped just before the layer uses them, so that backpropagation
      // (which runs the tape backwards) passes a layer's taps right after the layer's own gradient.
      const tap = taps ? (t: tf.Tensor, i: number) => taps.tap(t, i) : undefined;
      const f = (...p: tf.Tensor[]) => this.head.loss(this.forwardLayers(0, this.stack.length, x, p, undefined, tap), targets);
      const { value, grads } = tf.valueAndGrads(f)(ps, weight === 1 ? undefined : tf.scalar(weight));
      if (taps) taps.finish(grads);
      else this.segments.forEach((s, i) => readInto(grads[i], gradOut, s.offset));
      return value.dataSync()[0];
    });
  }

  evaluate(batch: Batch): EvalSums {
    return this.head.sums(this.predict(batch.inputs, batch.size), this.targets(batch));
  }

  predict(inputs: Inputs, size: number): Float32Array {
    return readTidy(() => this.forwardLayers(0, this.stack.length, this.inputTensor(inputs, size)));
  }

  /** Nothing to free: no tensor outlives a call. Kept for the seam (other models may hold some). */
  dispose(): void {}

  // ---- layer ranges: what pipeline stages run (see stageForward / stageBackward) ----

  /** Tensors for the segments of layers [from, to), in segment order. Call inside tf.tidy. */
  paramTensors(from: number, to: number): tf.Tensor[] {
    return this.layerSegments
      .slice(from, to)
      .flat()
      .map((s) => tf.tensor(this.params.subarray(s.offset, s.offset + s.size), s.shape as number[], 'float32'));
  }

  /**
   * Runs layers [from, to) on `x` (leading batch axis). `ps` are paramTensors(from, to), made from
   * the buffer when omitted. By default the input of layer 0 is taken to be data (no gradient).
   * `tap(t, k)` replaces the k-th parameter tensor just before its layer runs. Call inside tf.tidy.
   */
  forwardLayers(from: number, to: number, x: tf.Tensor, ps?: readonly tf.Tensor[], ctx?: ApplyContext, tap?: (t: tf.Tensor, k: number) => tf.Tensor): tf.Tensor {
    this.checkRange(from, to);
    const tensors = ps ?? this.paramTensors(from, to);
    let k = 0;
    let h = x;
    for (let i = from; i < to; i++) {
      const named: Record<string, tf.Tensor> = {};
      for (const spec of this.stack[i].params) {
        named[spec.name] = tap ? tap(tensors[k], k) : tensors[k];
        k++;
      }
      const needsGrad = i > from ? true : (ctx?.inputNeedsGrad ?? from > 0);
      h = this.stack[i].apply(named, h, { inputNeedsGrad: needsGrad });
    }
    return h;
  }

  /** Output activations of layers [from, to) for `size` samples of layer `from`'s input. */
  stageForward(from: number, to: number, input: Inputs, size: number): Float32Array {
    return readTidy(() => this.forwardLayers(from, to, this.rangeInput(from, input, size)));
  }

  /**
   * Backward pass of layers [from, to): recomputes their forward pass (activation
   * rematerialisation, as GPipe does), writes the parameter gradients of those layers into
   * `gradOut` (full length, at the layers' own offsets) and returns d(loss)/d(input), or null for
   * the first stage. `upstream` is d(loss)/d(output) of layer to-1, or, for the last stage, the
   * batch targets (then `loss` is the batch's mean loss).
   */
  stageBackward(
    from: number,
    to: number,
    input: Inputs,
    size: number,
    upstream: { readonly gradOutput: Float32Array } | { readonly targets: Batch['targets'] },
    gradOut: Float32Array,
  ): StageGrad {
    this.checkGradOut(gradOut);
    this.checkRange(from, to);
    const isLast = 'targets' in upstream;
    if (isLast && to !== this.stack.length) throw new LoomError(`targets given to a stage ending at layer ${to} of ${this.stack.length}`);
    const targets = isLast ? this.targets({ inputs: input, targets: upstream.targets, size }) : null;
    let result: StageGrad = { gradInput: null };
    tf.tidy(() => {
      const x = this.rangeInput(from, input, size);
      const ps = this.paramTensors(from, to);
      const xs = from > 0 ? [x, ...ps] : ps;
      if (xs.length === 0) {
        // Parameter-free first stage: nothing to differentiate, only the loss to report.
        if (targets) result = { gradInput: null, loss: this.head.loss(this.forwardLayers(from, to, x), targets).dataSync()[0] };
        return;
      }
      const f = (...args: tf.Tensor[]) => {
        const out = from > 0 ? this.forwardLayers(from, to, args[0], args.slice(1)) : this.forwardLayers(from, to, x, args);
        return targets ? this.head.loss(out, targets) : out;
      };
      const dy = isLast ? undefined : tf.tensor(upstream.gradOutput, [size, ...this.stack[to - 1].outputShape]);
      const { value, grads } = tf.valueAndGrads(f)(xs, dy);
      const paramGrads = from > 0 ? grads.slice(1) : grads;
      this.layerSegments.slice(from, to).flat().forEach((s, i) => gradOut.set(paramGrads[i].dataSync() as Float32Array, s.offset));
      // A copy: on cpu a gradient passed straight through could share the caller's gradOutput array.
      const gradInput = from > 0 ? Float32Array.from(grads[0].dataSync() as Float32Array) : null;
      result = isLast ? { gradInput, loss: value.dataSync()[0] } : { gradInput };
    });
    return result;
  }

  // ---- checks and conversions ----

  private rangeInput(from: number, input: Inputs, size: number): tf.Tensor {
    if (from === 0) return this.inputTensor(input, size);
    const shape = this.stack[from - 1].outputShape;
    if (input.length !== size * sizeOf(shape)) {
      throw new LoomError(`layer ${from} input has ${input.length} values, expected ${size} x ${showShape(shape)}`);
    }
    return tf.tensor(input, [size, ...shape], 'float32');
  }

  /** The batch's inputs as a tensor [size, ...inputShape], after checking length and token ids. */
  inputTensor(inputs: Inputs, size: number): tf.Tensor {
    const per = sizeOf(this.inputShape);
    if (!Number.isInteger(size) || size <= 0 || inputs.length !== size * per) {
      throw new LoomError(`batch of ${showValue(size)} samples has ${inputs.length} input values, expected ${size} x ${showShape(this.inputShape)}`);
    }
    const shape = [size, ...this.inputShape];
    if (this.tokenVocab === undefined) return tf.tensor(inputs, shape, 'float32');
    for (let i = 0; i < inputs.length; i++) {
      const id = inputs[i];
      if (!(Number.isInteger(id) && id >= 0 && id < this.tokenVocab)) {
        throw new LoomError(`input token ${showValue(id)} at position ${i} is not an id in [0, ${this.tokenVocab})`);
      }
    }
    return tf.tensor(inputs, shape, 'int32');
  }

  private targets(batch: Batch): Int32Array {
    const expected = batch.size * this.head.targetsPerSample;
    if (batch.targets.length !== expected) {
      throw new LoomError(`batch of ${batch.size} samples has ${batch.targets.length} targets, expected ${expected}`);
    }
    if (batch.targets instanceof Int32Array) return batch.targets;
    const ids = Int32Array.from(batch.targets);
    const bad = batch.targets.findIndex((t, i) => t !== ids[i]);
    if (bad >= 0) throw new LoomError(`target ${showValue(batch.targets[bad])} at position ${bad} is not a class id`);
    return ids;
  }

  private checkGradOut(gradOut: Float32Array): void {
    if (gradOut.length !== this.params.length) {
      throw new LoomError(`gradient buffer has ${gradOut.length} elements, the ${this.kind} has ${this.params.length} parameters`);
    }
  }

  private checkRange(from: number, to: number): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= this.stack.length)) {
      throw new LoomError(`layer range [${showValue(from)}, ${showValue(to)}) is not within [0, ${this.stack.length}] or is empty`);
    }
  }
}

/**
 * The values of the tensor `f` computes, its intermediates freed. Read outside tf.tidy: tidy walks
 * what it returns looking for tensors, a typed array element by element into a Set, which for a
 * batch of activations costs more than the read and allocates a large Set every call.
 */
function readTidy(f: () => tf.Tensor): Float32Array {
  const out = tf.tidy(f);
  try {
    return out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
}

/**
 * Reads each parameter's gradient the moment backpropagation produces it, through an identity
 * with a custom gradient on the parameter, and reports a layer once all its tensors are read:
 * the layer-by-layer readiness that wait-free backpropagation starts communication on.
 */
class GradientTaps {
  private readonly read: Uint8Array;
  /** Tensors of each layer not read yet (index: the layer's position in `layers`). */
  private readonly unread: Int32Array;
  private readonly layerOf: Int32Array;

  private readonly segments: readonly ParamSegment[];

  /** `layerSegments`: each layer's segments, in layer order (their concatenation is the model's segments). */
  constructor(
    layerSegments: readonly (readonly ParamSegment[])[],
    private readonly gradOut: Float32Array,
    private readonly onLayerReady: (layer: number) => void,
  ) {
    this.segments = layerSegments.flat();
    this.read = new Uint8Array(this.segments.length);
    this.layerOf = Int32Array.from(layerSegments.flatMap((own, layer) => own.map(() => layer)));
    this.unread = Int32Array.from(layerSegments, (own) => own.length);
  }

  /** Segment `i`'s tensor, unchanged forward; its gradient is read on its way back. */
  tap(t: tf.Tensor, i: number): tf.Tensor {
    return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: (inputs[0] as tf.Tensor).clone(),
      gradFunc: (dy: tf.Tensor) => {
        this.take(i, dy);
        return dy;
      },
    }))(t);
  }

  /** After backpropagation: what no tap saw (a parameter the loss does not reach) from `grads`. */
  finish(grads: readonly tf.Tensor[]): void {
    this.segments.forEach((_, i) => {
      if (!this.read[i]) this.take(i, grads[i]!);
    });
  }

  private take(i: number, gradient: tf.Tensor): void {
    readInto(gradient, this.gradOut, this.segments[i]!.offset);
    this.read[i] = 1;
    const layer = this.layerOf[i]!;
    if (--this.unread[layer]! === 0) this.onLayerReady(layer);
  }
}
