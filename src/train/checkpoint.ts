/**
 * Checkpoint files: everything needed to resume a run bit-exactly or to evaluate it later.
 *
 * Layout: `LOOMCKPT` magic, u32 format version, u32 header length, the JSON header, the float32
 * payload (parameters, then optimizer buffers in header order, then each rank's parameters and
 * buffers where the ranks' states differ), and a SHA-256 of all preceding bytes. Written atomically (temp file + fsync + rename); the checksum is verified on load.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { LoomError } from '../util/errors.js';
import { writeFileAtomic } from '../util/atomic-file.js';

const MAGIC = Buffer.from('LOOMCKPT', 'ascii');
const VERSION = 1;
const DIGEST_BYTES = 32;

/** One rank's parameters and optimizer state, and its strategy's own buffers (a central model, residuals). */
export interface RankState {
  readonly params: Float32Array;
  readonly optimizer: Checkpoint['optimizer'];
  readonly strategy?: Readonly<Record<string, Float32Array>>;
}

export interface Checkpoint {
  /** The validated config of the run that wrote it (JSON-compatible). */
  readonly config: unknown;
  /** Optimizer steps completed. */
  readonly step: number;
  readonly params: Float32Array;
  readonly optimizer: { readonly kind: string; readonly step: number; readonly buffers: Readonly<Record<string, Float32Array>> };
  /** Extra JSON the writer wants back (e.g. a text vocabulary, the last metrics). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * Every rank's own state, rank order, when the ranks' models differ (local SGD, gossip); then
   * `params` is their average, which `loom eval` evaluates, and a run resumed with as many ranks
   * gives each its own state back.
   */
  readonly ranks?: readonly RankState[];
}

interface StateHeader {
  paramCount: number;
  optimizer: { kind: string; step: number; buffers: { name: string; length: number }[] };
  strategy?: { name: string; length: number }[];
}

interface Header extends StateHeader {
  config: unknown;
  step: number;
  extra?: Record<string, unknown>;
  ranks?: StateHeader[];
}

function stateHeader(state: RankState): StateHeader {
  const described = (buffers: Readonly<Record<string, Float32Array>>) => Object.entries(buffers).map(([name, buf]) => ({ name, length: buf.length }));
  return {
    paramCount: state.params.length,
    optimizer: { kind: state.optimizer.kind, step: state.optimizer.step, buffers: described(state.optimizer.buffers) },
    ...(state.strategy ? { strategy: described(state.strategy) } : {}),
  };
}

function statePayload(state: RankState): Uint8Array[] {
  return [floatBytes(state.params), ...Object.values(state.optimizer.buffers).map(floatBytes), ...Object.values(state.strategy ?? {}).map(floatBytes)];
}

export function encodeCheckpoint(ckpt: Checkpoint): Buffer {
  const header: Header = {
    config: ckpt.config,
    step: ckpt.step,
    ...stateHeader(ckpt),
    ...(ckpt.extra ? { extra: { ...ckpt.extra } } : {}),
    ...(ckpt.ranks ? { ranks: ckpt.ranks.map(stateHeader) } : {}),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(MAGIC.length + 8);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(VERSION, MAGIC.length);
  prefix.writeUInt32LE(headerBytes.length, MAGIC.length + 4);
  const parts = [prefix, headerBytes, ...statePayload(ckpt), ...(ckpt.ranks ?? []).flatMap(statePayload)];
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return Buffer.concat([...parts, hash.digest()]);
}

export function decodeCheckpoint(bytes: Buffer, source = 'checkpoint'): Checkpoint {
  const minimum = MAGIC.length + 8 + DIGEST_BYTES;
  if (bytes.length < minimum || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new LoomError(`${source} is not a Loom checkpoint (missing LOOMCKPT header)`);
  }
  const body = bytes.subarray(0, bytes.length - DIGEST_BYTES);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(bytes.subarray(bytes.length - DIGEST_BYTES))) {
    throw new LoomError(`${source} is corrupt: SHA-256 checksum mismatch (truncated or modified file)`);
  }
  const version = bytes.readUInt32LE(MAGIC.length);
  if (version !== VERSION) throw new LoomError(`${source} has format version ${version}; this Loom reads version ${VERSION}`);
  const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
  let offset = MAGIC.length + 8;
  const header = JSON.parse(body.subarray(offset, offset + headerLength).toString('utf8')) as Header;
  offset += headerLength;
  const take = (length: number): Float32Array => {
    const end = offset + length * 4;
    if (end > body.length) throw new LoomError(`${source} is corrupt: payload shorter than its header says`);
    const out = new Float32Array(length);
    new Uint8Array(out.buffer).set(body.subarray(offset, end));
    offset = end;
    return out;
  };
  const named = (list: readonly { name: string; length: number }[]): Record<string, Float32Array> => {
    const buffers: Record<string, Float32Array> = {};
    for (const { name, length } of list) buffers[name] = take(length);
    return buffers;
  };
  const state = (h: StateHeader): RankState => {
    const params = take(h.paramCount);
    const buffers = named(h.optimizer.buffers);
    return { params, optimizer: { kind: h.optimizer.kind, step: h.optimizer.step, buffers }, ...(h.strategy ? { strategy: named(h.strategy) } : {}) };
  };
  const { params, optimizer } = state(header);
  const ranks = header.ranks?.map(state);
  if (offset !== body.length) throw new LoomError(`${source} is corrupt: ${body.length - offset} unexpected trailing bytes`);
  return {
    config: header.config,
    step: header.step,
    params,
    optimizer,
    ...(header.extra ? { extra: header.extra } : {}),
    ...(ranks ? { ranks } : {}),
  };
}

export function saveCheckpoint(path: string, ckpt: Checkpoint): void {
  writeFileAtomic(path, encodeCheckpoint(ckpt));
}

export function loadCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new LoomError(`checkpoint not found: ${path}`);
  return decodeCheckpoint(readFileSync(path), `checkpoint ${path}`);
}

function floatBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
