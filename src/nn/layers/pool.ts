/** Pooling layers (no parameters). */
import { tf } from '../../compute/index.js';
import { LoomError } from '../../util/index.js';
import { showShape, type Layer, type LayerDef } from '../layer.js';
import { checkImage, convOutSize } from './conv2d.js';

/**
 * Max pooling with a size x size window and stride = size ('valid'), as in LeNet-5 subsampling.
 * Forward is tf.maxPool; the gradient is computed here (see maxPoolBackward).
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
      apply: (_p, x) => maxPoolOp(x as tf.Tensor4D, size),
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

function maxPoolOp(input: tf.Tensor4D, size: number): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    save([x]);
    const gradFunc = (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
      tf.tensor4d(
        maxPoolBackward(saved.dataSync() as Float32Array, dy.dataSync() as Float32Array, x.shape, size),
        x.shape,
      );
    return { value: tf.maxPool(x, size, size, 'valid'), gradFunc };
  });
  return op(input);
}

/**
 * d(loss)/dx of non-overlapping max pooling, in plain JS: dy goes to the first maximum of each
 * window in scan order, as TensorFlow's MaxPoolGrad does. Written here because tfjs-wasm 4.22's
 * MaxPoolGrad drops gradients (input [1,4,2,1]: the second window gets none; wrong whenever
 * channels > 1), tfjs-cpu's takes ~180 ms for LeNet's first pool at batch 128, and composing it
 * from tf ops (equal + nearest-neighbour upsampling) costs ~13 ms on wasm; this takes ~2 ms.
 */
export function maxPoolBackward(
  x: Float32Array,
  dy: Float32Array,
  shape: readonly [number, number, number, number],
  size: number,
): Float32Array {
  const [n, h, w, c] = shape;
  const oh = Math.floor(h / size);
  const ow = Math.floor(w / size);
  const dx = new Float32Array(x.length);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let ch = 0; ch < c; ch++, o++) {
          let best = -1;
          let bestValue = -Infinity;
          for (let di = 0; di < size; di++) {
            const row = ((b * h + i * size + di) * w + j * size) * c + ch;
            for (let dj = 0; dj < size; dj++) {
              const at = row + dj * c;
              if (x[at] > bestValue || best < 0) {
                bestValue = x[at];
                best = at;
              }
            }
          }
          dx[best] = dy[o];
        }
      }
    }
  }
  return dx;
}
