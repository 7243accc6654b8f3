/**
 * A hand-assembled WebAssembly SIMD module computing Fletcher-4 sums (the checksum ZFS uses,
 * Bonwick et al.; vectorised across lanes as in ZFS's fletcher_4 SIMD variants) over 32-bit words:
 *   a += w; b += a; c += b; d += c      (64-bit accumulators, wrapping)
 * in four independent lanes (word i goes to lane i mod 4), i.e. 16 accumulators held in eight
 * i64x2 vectors. `mix(ptr, bytes, state)` runs whole 16-byte blocks from `ptr`, with the 128-byte
 * accumulator state loaded from and stored back to `state`.
 */
import { END, I32, I32_ADD, LOCAL_GET, LOCAL_SET, loop16, name, section, uleb, V128, V128_LOAD } from './wasm-asm.js';

const LOCAL_TEE = 0x22;
const I64X2_EXTEND_LOW_I32X4_U = [0xfd, 0xc9, 0x01];
const I64X2_EXTEND_HIGH_I32X4_U = [0xfd, 0xca, 0x01];
const I64X2_ADD = [0xfd, 0xce, 0x01];
const loadAt = (offset: number): number[] => [0xfd, 0x00, 0x04, ...uleb(offset)];
const storeAt = (offset: number): number[] => [0xfd, 0x0b, 0x04, ...uleb(offset)];

// Locals: 0 ptr, 1 bytes, 2 state (params); 3 end; 4 the loaded block; 5..12 accumulators
// a_lo a_hi b_lo b_hi c_lo c_hi d_lo d_hi (lo: lanes 0-1, hi: lanes 2-3).
const BLOCK_LOCAL = 4;
const acc = (level: number, half: number): number => 5 + level * 2 + half;

function chain(half: number, extend: number[]): number[] {
  return [
    LOCAL_GET, BLOCK_LOCAL, ...extend,
    LOCAL_GET, acc(0, half), ...I64X2_ADD, LOCAL_TEE, acc(0, half),
    LOCAL_GET, acc(1, half), ...I64X2_ADD, LOCAL_TEE, acc(1, half),
    LOCAL_GET, acc(2, half), ...I64X2_ADD, LOCAL_TEE, acc(2, half),
    LOCAL_GET, acc(3, half), ...I64X2_ADD, LOCAL_SET, acc(3, half),
  ];
}

const ACCUMULATORS = 8;
const MIX_BODY = [
  2, 1, I32, 1 + ACCUMULATORS, V128,
  LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, LOCAL_SET, 3,
  ...Array.from({ length: ACCUMULATORS }, (_, k) => [LOCAL_GET, 2, ...loadAt(16 * k), LOCAL_SET, 5 + k]).flat(),
  ...loop16(3, [LOCAL_GET, 0, ...V128_LOAD, LOCAL_SET, BLOCK_LOCAL, ...chain(0, I64X2_EXTEND_LOW_I32X4_U), ...chain(1, I64X2_EXTEND_HIGH_I32X4_U)], []),
  ...Array.from({ length: ACCUMULATORS }, (_, k) => [LOCAL_GET, 2, LOCAL_GET, 5 + k, ...storeAt(16 * k)]).flat(),
  END,
];

/** 64 KiB of data blocks, then the state. */
export const CHECKSUM_BLOCK_BYTES = 65536;
export const CHECKSUM_STATE_BYTES = 16 * ACCUMULATORS;
const MEMORY_PAGES = 2;

export function checksumModuleBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, MEMORY_PAGES]),
    ...section(7, [2, ...name('mix'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...uleb(MIX_BODY.length), ...MIX_BODY]),
  ]);
}
