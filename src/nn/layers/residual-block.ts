/**
 * ResNet building blocks (He et al. 2016) with GroupNorm in place of BatchNorm. Each block is ONE
 * layer of the model, so a pipeline cut never separates a residual branch from its shortcut.
 */
import { tf } from '../../compute/index.js';
import { heNormal, ones, zeros, type Layer, type LayerDef, type ParamSpec } from '../layer.js';
import { activate, type Activation } from './activation.js';
import { checkImage, convOutSize } from './conv2d.js';
import { groupNorm } from './norm.js';

export interface ConvNormOptions {
  readonly name: string;
  readonly filters: number;
  readonly groups: number;
  readonly activation: Activation;
}

export interface ResidualBlockOptions extends ConvNormOptions {
  /** 2 at the first block of a downsampling stage. */
  readonly stride: number;
}

/** 3x3 conv weights, He-normal in fan-out mode as torchvision initialises ResNets. */
function convSpec(name: string, k: number, inC: number, outC: number): ParamSpec {
  return { name, shape: [k, k, inC, outC], init: heNormal(k * k * outC) };
}

function normSpecs(name: string, channels: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [channels], init: ones },
    { name: `${name}.bias`, shape: [channels], init: zeros },
  ];
}

/** PyTorch-style symmetric padding (1 for 3x3, 0 for 1x1) keeps strided branches aligned. */
function conv(x: tf.Tensor, w: tf.Tensor, stride: number): tf.Tensor {
  const k = w.shape[0];
  return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, (k - 1) / 2);
}

/**
 * act(GroupNorm(x) [+ residual]): with ReLU, the residual add and the ReLU are fused into the
 * norm (one native kernel each way on wasm); other activations run after it.
 */
function normAct(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, o: ConvNormOptions, residual?: tf.Tensor): tf.Tensor {
  if (o.activation === 'relu') return groupNorm(x, gain, bias, o.groups, { relu: true, ...(residual ? { residual } : {}) });
  const y = groupNorm(x, gain, bias, o.groups);
  return activate(residual ? tf.add(y, residual) : y, o.activation);
}

/** Stem: conv3x3 (no bias) -> GroupNorm -> activation. */
export function convNorm(o: ConvNormOptions): LayerDef {
  return (inputShape) => {
    const [h, w, inC] = checkImage(o.name, inputShape);
    const layer: Layer = {
      name: o.name,
      kind: 'conv-norm',
      inputShape,
      outputShape: [h, w, o.filters],
      params: [convSpec('conv.weight', 3, inC, o.filters), ...normSpecs('norm', o.filters)],
      forwardFlops: 2 * h * w * o.filters * 9 * inC,
      apply: (p, x) => normAct(conv(x, p['conv.weight'], 1), p['norm.weight'], p['norm.bias'], o),
    };
    return layer;
  };
}

/**
 * Basic block: act(norm2(conv2(act(norm1(conv1(x))))) + shortcut(x)); the shortcut is the
 * identity, or a strided 1x1 conv + norm where the shape changes (option B in the paper).
 */
export function residualBlock(o: ResidualBlockOptions): LayerDef {
  return (inputShape) => {
    const [h, w, inC] = checkImage(o.name, inputShape);
    const f = o.filters;
    const outH = convOutSize(h, 3, o.stride, 1);
    const outW = convOutSize(w, 3, o.stride, 1);
    const project = o.stride !== 1 || inC !== f;
    const params: ParamSpec[] = [
      convSpec('conv1.weight', 3, inC, f),
      ...normSpecs('norm1', f),
      convSpec('conv2.weight', 3, f, f),
      ...normSpecs('norm2', f),
    ];
    if (project) params.push(convSpec('proj.weight', 1, inC, f), ...normSpecs('proj_norm', f));
    const pixels = outH * outW;
    const layer: Layer = {
      name: o.name,
      kind: 'residual-block',
      inputShape,
      outputShape: [outH, outW, f],
      params,
      forwardFlops: 2 * pixels * f * (9 * inC + 9 * f + (project ? inC : 0)),
      apply(p, x) {
        const y = normAct(conv(x, p['conv1.weight'], o.stride), p['norm1.weight'], p['norm1.bias'], o);
        const shortcut = project
          ? groupNorm(conv(x, p['proj.weight'], o.stride), p['proj_norm.weight'], p['proj_norm.bias'], o.groups)
          : x;
        return normAct(conv(y, p['conv2.weight'], 1), p['norm2.weight'], p['norm2.bias'], o, shortcut);
      },
    };
    return layer;
  };
}
