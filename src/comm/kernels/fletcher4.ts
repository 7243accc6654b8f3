/**
 * The payload checksum of TCP frames: Fletcher-4 over little-endian 32-bit words in four lanes
 * (checksum-module.ts), the final partial block zero-padded, folded with the byte length into 32
 * bits. It is an integrity check against corruption and desynchronised streams, not a MAC.
 * Incremental: `update` takes chunks of any length and alignment, as sockets deliver them.
 *
 * Why not CRC-32: zlib's crc32 runs at ~2.7 GB/s here and was ~37% of a 16 MiB loopback
 * all-reduce. The lane sums run in the native addon where it is built (straight from the payload),
 * else in WebAssembly SIMD (payload copied in 64 KiB blocks, ~10 GB/s here), else in a scalar loop
 * (64-bit lane sums as hi/lo 32-bit pairs); all three give the same value.
 */
import { nativeKernels } from '../../native/index.js';
import { CHECKSUM_BLOCK_BYTES, CHECKSUM_STATE_BYTES, checksumModuleBytes } from './checksum-module.js';

interface ChecksumExports {
  mix(ptr: number, bytes: number, state: number): void;
  memory: { buffer: ArrayBuffer };
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

function instantiate(): ChecksumExports | null {
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!wasm || process.env.LOOM_COMM_NO_SIMD === '1') return null;
  try {
    return new wasm.Instance(new wasm.Module(checksumModuleBytes())).exports as ChecksumExports;
  } catch {
    return null;
  }
}

const simd = instantiate();
const heap = simd ? new Uint8Array(simd.memory.buffer) : new Uint8Array(0);
const STATE_AT = CHECKSUM_BLOCK_BYTES;

/** Where the lane sums run. */
export type ChecksumPath = 'native' | 'wasm' | 'scalar';

/** The fastest path this process has. */
export function defaultChecksumPath(): ChecksumPath {
  return nativeKernels()?.fletcher4Mix ? 'native' : simd ? 'wasm' : 'scalar';
}

export class Fletcher4 {
  /** 16 64-bit accumulators as 32 u32 (lo, hi) pairs, in the wasm state layout. */
  private readonly state = new Uint32Array(CHECKSUM_STATE_BYTES / 4);
  private readonly stateBytes = new Uint8Array(this.state.buffer);
  private readonly carry = new Uint8Array(16);
  private carried = 0;
  private length = 0;

  private readonly path: ChecksumPath;

  constructor(path: ChecksumPath = defaultChecksumPath()) {
    if ((path === 'native' && !nativeKernels()?.fletcher4Mix) || (path === 'wasm' && !simd)) throw new Error(`Fletcher-4: the ${path} path is not available here`);
    this.path = path;
  }

  update(chunk: Uint8Array): this {
    this.length += chunk.length;
    let pos = 0;
    if (this.carried > 0) {
      pos = Math.min(16 - this.carried, chunk.length);
      this.carry.set(chunk.subarray(0, pos), this.carried);
      this.carried += pos;
      if (this.carried < 16) return this;
      this.mixBlocks(this.carry, 0, 16);
      this.carried = 0;
    }
    const whole = (chunk.length - pos) & ~15;
    if (whole > 0) this.mixBlocks(chunk, pos, whole);
    pos += whole;
    if (pos < chunk.length) {
      this.carry.set(chunk.subarray(pos));
      this.carried = chunk.length - pos;
    }
    return this;
  }

  /** The 32-bit checksum of everything given so far (the object can go on being updated). */
  digest(): number {
    const state = Uint32Array.from(this.state);
    if (this.carried > 0) {
      const padded = new Uint8Array(16);
      padded.set(this.carry.subarray(0, this.carried));
      this.mixBlocks(padded, 0, 16);
    }
    let h = mix32(0x4c4f4f4d ^ this.length, this.length / 0x100000000);
    for (let i = 0; i < this.state.length; i++) h = mix32(h, this.state[i]);
    this.state.set(state); // undo the padding block
    return fmix32(h);
  }

  private mixBlocks(source: Uint8Array, offset: number, bytes: number): void {
    if (this.path === 'native') return nativeKernels()!.fletcher4Mix!(this.stateBytes, source.subarray(offset, offset + bytes));
    if (this.path === 'scalar') return mixScalar(this.state, source, offset, bytes);
    heap.set(this.stateBytes, STATE_AT);
    for (let done = 0; done < bytes; done += CHECKSUM_BLOCK_BYTES) {
      const n = Math.min(CHECKSUM_BLOCK_BYTES, bytes - done);
      heap.set(source.subarray(offset + done, offset + done + n), 0);
      simd!.mix(0, n, STATE_AT);
    }
    this.stateBytes.set(heap.subarray(STATE_AT, STATE_AT + CHECKSUM_STATE_BYTES));
  }
}

/** Checksum of one buffer. */
export function fletcher4(bytes: Uint8Array): number {
  return new Fletcher4().update(bytes).digest();
}

export const fletcher4Simd = simd !== null;

/** The same lane sums in JS, on the wasm state layout (eight i64x2 vectors: level-major, lanes 0-1 then 2-3). */
function mixScalar(state: Uint32Array, source: Uint8Array, offset: number, bytes: number): void {
  const view = new DataView(source.buffer, source.byteOffset + offset, bytes);
  for (let block = 0; block < bytes; block += 16) {
    for (let lane = 0; lane < 4; lane++) {
      let carryIn = view.getUint32(block + 4 * lane, true);
      let carryHi = 0;
      for (let level = 0; level < 4; level++) {
        // vector (level, half = lane >> 1), element lane & 1: u32 index 4 * (2 * level + half) + 2 * (lane & 1)
        const at = 4 * (2 * level + (lane >> 1)) + 2 * (lane & 1);
        const lo = state[at] + carryIn;
        const hi = (state[at + 1] + carryHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
        state[at] = lo >>> 0;
        state[at + 1] = hi;
        carryIn = state[at];
        carryHi = hi;
      }
    }
  }
}

function mix32(h: number, value: number): number {
  let k = Math.imul(value >>> 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
