/**
 * The model's parameter tensors, known before any worker starts and without reading any data: the
 * model is built (its parameters initialised, no backend needed) for the input shape and classes
 * the config's data section implies. Strategies check their options against it (servers for a
 * layer-wise optimizer, a compressor's rank). Null when the model cannot be built for that shape
 * (the ranks report why, with the data loaded), and when its tensors depend on a class count the
 * config does not give (a language model's embedding and head on text's vocabulary, known only
 * once the text is read): then the ranks check the options against the model they build.
 */
import type { LoomConfig } from '../config/schema.js';
import { sampleShape } from '../data/index.js';
import { createModel } from '../nn/index.js';
import type { ParamSegment } from '../nn/model.js';
import { LoomError } from '../util/errors.js';

export interface ModelOutline {
  /** Elements of the flat parameter vector. */
  readonly length: number;
  readonly segments: readonly ParamSegment[];
}

const outlines = new WeakMap<LoomConfig, ModelOutline | null>();

export function modelOutline(config: LoomConfig): ModelOutline | null {
  if (outlines.has(config)) return outlines.get(config)!;
  let outline: ModelOutline | null;
  try {
    const shape = sampleShape(config.data);
    const model = createModel(config.model, { ...shape, seed: config.seed });
    outline = { length: model.params.length, segments: model.segments };
    model.dispose();
    if (config.data.name === 'text') {
      // Text's class count is a stand-in: a model whose size follows it cannot be outlined here.
      const other = createModel(config.model, { ...shape, numClasses: shape.numClasses + 1, seed: config.seed });
      if (other.params.length !== outline.length) outline = null;
      other.dispose();
    }
  } catch (error) {
    if (!(error instanceof LoomError)) throw error;
    outline = null;
  }
  outlines.set(config, outline);
  return outline;
}
