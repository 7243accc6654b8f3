/**
 * A character vocabulary: the sorted unique characters (Unicode code points) of a text; a
 * character's id is its position. Serialises to JSON so a checkpoint can store it and sampling
 * can decode the model's output later.
 */
import { LoomError, showValue } from '../util/errors.js';

export interface VocabularyJSON {
  readonly kind: 'chars';
  /** Every character of the vocabulary, in id order, concatenated. */
  readonly chars: string;
}

export class Vocabulary {
  /** Characters in id order. */
  readonly chars: readonly string[];
  private readonly ids: Map<number, number>;

  private constructor(chars: readonly string[]) {
    this.chars = chars;
    this.ids = new Map(chars.map((c, i) => [c.codePointAt(0) as number, i]));
  }

  /** The sorted unique characters of `text`. */
  static fromText(text: string): Vocabulary {
    const codes = new Set<number>();
    for (const ch of text) codes.add(ch.codePointAt(0) as number);
    return new Vocabulary([...codes].sort((a, b) => a - b).map((c) => String.fromCodePoint(c)));
  }

  /** Rebuilds a vocabulary from `toJSON()` output (e.g. read back from a checkpoint). */
  static fromJSON(json: unknown): Vocabulary {
    const value = json as Partial<VocabularyJSON> | null;
    if (typeof value !== 'object' || value === null || value.kind !== 'chars' || typeof value.chars !== 'string') {
      throw new LoomError(`bad vocabulary JSON ${showValue(json)}: expected {"kind":"chars","chars":"..."}`);
    }
    const chars = [...value.chars];
    if (new Set(chars).size !== chars.length) {
      throw new LoomError(`bad vocabulary JSON ${showValue(json)}: a character appears twice`);
    }
    return new Vocabulary(chars);
  }

  get size(): number {
    return this.chars.length;
  }

  toJSON(): VocabularyJSON {
    return { kind: 'chars', chars: this.chars.join('') };
  }

  /** Token ids of `text`; a character outside the vocabulary is a LoomError naming it and where. */
  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const ch of text) {
      const id = this.ids.get(ch.codePointAt(0) as number);
      if (id === undefined) {
        const code = (ch.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
        throw new LoomError(
          `character ${showValue(ch)} (U+${code}) at position ${out.length} is not in the vocabulary of ${this.size} characters`,
        );
      }
      out.push(id);
    }
    return Int32Array.from(out);
  }

  /** The text of `ids`; an id outside [0, size) is a LoomError. */
  decode(ids: ArrayLike<number>): string {
    let text = '';
    for (let i = 0; i < ids.length; i++) {
      const ch = this.chars[ids[i]];
      if (ch === undefined) {
        throw new LoomError(`token id ${showValue(ids[i])} at position ${i} is outside the vocabulary of ${this.size} characters`);
      }
      text += ch;
    }
    return text;
  }
}
