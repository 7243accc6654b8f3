/** Token + learned position embedding for a character-level language model. */
import { tf } from '../../compute/index.js';
import { LoomError } from '../../util/index.js';
import { normal, showShape, type Layer, type LayerDef } from '../layer.js';

export interface EmbeddingOptions {
  readonly name: string;
  readonly vocab: number;
  readonly width: number;
  readonly std: number;
}

/**
 * [context] int32 token ids -> [context, width]. The lookup is oneHot x matMul: its gradient is a
 * matMul too, where tf.gather's needs UnsortedSegmentSum (missing on wasm), and for a ~100-symbol
 * vocabulary the extra multiply is small. FLOPs count that multiply, since it is what runs.
 */
export function embedding(o: EmbeddingOptions): LayerDef {
  return (inputShape) => {
    if (inputShape.length !== 1) {
      throw new LoomError(`${o.name}: needs a token-id input [context], got ${showShape(inputShape)}`);
    }
    const context = inputShape[0];
    const layer: Layer = {
      name: o.name,
      kind: 'embedding',
      inputShape,
      outputShape: [context, o.width],
      params: [
        { name: 'token.weight', shape: [o.vocab, o.width], init: normal(o.std) },
        { name: 'position.weight', shape: [context, o.width], init: normal(o.std) },
      ],
      forwardFlops: 2 * context * o.vocab * o.width,
      apply(p, x) {
        const oneHot = tf.cast(tf.oneHot(tf.reshape(x, [-1]), o.vocab), 'float32');
        const tokens = tf.reshape(tf.matMul(oneHot, p['token.weight']), [-1, context, o.width]);
        return tf.add(tokens, p['position.weight']);
      },
    };
    return layer;
  };
}
