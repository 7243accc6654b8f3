/**
 * The model's parameter tensors, known before any worker starts and without reading any data: the
 * model is built (its parameters initialised, no backend needed) for the input shape and classes
 * the config's data section implies. Strategies check their options against it (servers for a
 * layer-wise optimizer, a compressor's rank). No model's tensors depend on its class count, so
 * text's stand-in vocabulary serves. Null when the model cannot be built for that shape: the
 * ranks report why, with the data loaded.
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
    const model = createModel(config.model, { ...sampleShape(config.data), seed: config.seed });
    outline = { length: model.params.length, segments: model.segments };
    model.dispose();
  } catch (error) {
    if (!(error instanceof LoomError)) throw error;
    outline = null;
  }
  outlines.set(config, outline);
  return outline;
}
