/** Pooling layers (no parameters). */
import { tf } from '../../compute/index.js';
import { LoomError } from '../../util/index.js';
import { showShape, type Layer, type LayerDef } from '../layer.js';
import { checkImage, convOutSize } from './conv2d.js';

/**
 * Max pooling with a size x size window and stride = size ('valid'), as in LeNet-5 subsampling.
 * Its gradient (MaxPoolGrad) on wasm is compute/'s kernel: tfjs-wasm 4.22's own drops gradients.
 */
export function maxPool(name: string, size = 2): LayerDef {
  return (inputShape) => {
    const [h, w, c] = checkImage(name, inputShape);
    const outH = convOutSize(h, size, size, 'valid');
    const outW = convOutSize(w, size, size, 'valid');
    if (outH <= 0 || outW <= 0) throw new LoomError(`${name}: ${size}x${size} pooling does not fit input ${showShape(inputShape)}`);
    const layer: Layer = {
      name,
      kind: 'maxpool',
      inputShape,
      outputShape: [outH, outW, c],
      params: [],
      forwardFlops: 0,
      apply: (_p, x) => tf.maxPool(x as tf.Tensor4D, size, size, 'valid'),
    };
    return layer;
  };
}

/** Mean over height and width: [h, w, c] -> [c]. */
export function globalAvgPool(name: string): LayerDef {
  return (inputShape) => {
    const [, , c] = checkImage(name, inputShape);
    const layer: Layer = {
      name,
      kind: 'global-avgpool',
      inputShape,
      outputShape: [c],
      params: [],
      forwardFlops: 0,
      apply: (_p, x) => tf.mean(x, [1, 2]),
    };
    return layer;
  };
}
