/**
 * Character-level language-model data. The text is encoded with its own vocabulary and split by
 * position (the last `valFraction` is validation), so no validation window overlaps training text.
 * Sample i is the window starting at `i * stride`: inputs are `context` tokens and targets are the
 * same tokens shifted by one (the next character at every position).
 */
import { LoomError, showValue } from '../util/errors.js';
import type { Batch, Dataset, DatasetSplit } from './dataset.js';
import { gunzipDataFile, isGzip, readDataFile } from './data-file.js';
import { checkIndices } from './indices.js';
import { arrayFor } from './recycled-batches.js';
import { shippedDataPath } from './shipped-data.js';
import { Vocabulary } from './vocabulary.js';

/** The shipped public-domain text (Moby-Dick, first chapters), relative to the package's `data/`. */
export const SHIPPED_TEXT_FILE = 'text/moby-dick.txt.gz';

export class TextDataset implements Dataset {
  readonly name: string;
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** A window has one target per position, not one label, so partitioners get none. */
  readonly labels: undefined = undefined;

  constructor(
    name: string,
    readonly vocabulary: Vocabulary,
    /** The token ids this split covers. */
    readonly tokens: Int32Array,
    readonly context: number,
    readonly stride: number,
  ) {
    this.name = name;
    this.inputShape = [context];
    this.numClasses = vocabulary.size;
    // A window needs context + 1 tokens: its inputs and, one further, its last target.
    this.size = tokens.length > context ? Math.floor((tokens.length - context - 1) / stride) + 1 : 0;
  }

  /** Offset in `tokens` where sample `index` starts. */
  windowStart(index: number): number {
    return index * this.stride;
  }

  batch(indices: ArrayLike<number>, reuse?: Batch): Batch {
    checkIndices(indices, this.size, this.name);
    const n = indices.length;
    const ctx = this.context;
    const inputs = arrayFor(Int32Array, n * ctx, reuse?.inputs);
    const targets = arrayFor(Int32Array, n * ctx, reuse?.targets);
    for (let b = 0; b < n; b++) {
      const s = indices[b] * this.stride;
      inputs.set(this.tokens.subarray(s, s + ctx), b * ctx);
      targets.set(this.tokens.subarray(s + 1, s + ctx + 1), b * ctx);
    }
    return { inputs, targets, size: n };
  }
}

export interface TextDatasetOptions {
  /** Tokens per sample. */
  readonly context: number;
  /** Distance between window starts (default: `context`, i.e. non-overlapping inputs). */
  readonly stride?: number;
  /** Fraction of the text, taken from the end, used for validation (default 0.1). */
  readonly valFraction?: number;
  /** Dataset name prefix (default `text`). */
  readonly name?: string;
}

/** `test` is the validation split; both splits share `vocabulary`. */
export interface TextDatasetSplit extends DatasetSplit {
  readonly train: TextDataset;
  readonly test: TextDataset;
  readonly vocabulary: Vocabulary;
}

/** Builds train/validation window datasets over `text`, with a vocabulary of all its characters. */
export function makeTextDatasets(text: string, options: TextDatasetOptions): TextDatasetSplit {
  const { context } = options;
  const stride = options.stride ?? context;
  const valFraction = options.valFraction ?? 0.1;
  const name = options.name ?? 'text';
  if (!Number.isInteger(context) || context < 1) throw new LoomError(`text context must be a positive integer, got ${showValue(context)}`);
  if (!Number.isInteger(stride) || stride < 1) throw new LoomError(`text stride must be a positive integer, got ${showValue(stride)}`);
  if (!(valFraction > 0 && valFraction < 1)) {
    throw new LoomError(`text valFraction must be in (0, 1), got ${showValue(valFraction)}`);
  }
  const vocabulary = Vocabulary.fromText(text);
  const tokens = vocabulary.encode(text);
  const cut = tokens.length - Math.round(tokens.length * valFraction);
  const train = new TextDataset(`${name}/train`, vocabulary, tokens.subarray(0, cut), context, stride);
  const test = new TextDataset(`${name}/validation`, vocabulary, tokens.subarray(cut), context, stride);
  for (const split of [train, test]) {
    if (split.size === 0) {
      throw new LoomError(
        `${split.name} has ${split.tokens.length} characters, too few for one window of context ${context} (needs ${context + 1})`,
      );
    }
  }
  return { train, test, vocabulary };
}

/** Reads a UTF-8 text file, gunzipping it when it is gzip (by magic bytes, so `.txt.gz` or not). */
export function loadText(path: string): string {
  const raw = readDataFile(path, 'text file', { ENOENT: 'no such file' });
  const bytes = isGzip(raw) ? gunzipDataFile(raw, 'text file', path) : raw;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new LoomError(`text file ${path} is not valid UTF-8`, { cause: err });
  }
  if (text.length === 0) throw new LoomError(`text file ${path} is empty`);
  return text; // TextDecoder has already dropped a leading byte-order mark
}

/** The shipped public-domain text (see data/text/README.md). */
export function loadShippedText(): string {
  return loadText(shippedDataPath(SHIPPED_TEXT_FILE));
}
