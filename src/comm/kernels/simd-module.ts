/**
 * A hand-assembled WebAssembly SIMD module with two loops over float32 in its own memory:
 *   add(dst, src, bytes)      dst[i] += src[i]   (f32x4.add)
 *   divide(dst, bytes, k)     dst[i] /= k        (f32x4.div)
 * Both are IEEE single-precision operations, so results equal the scalar JS loops bit for bit
 * (a float32 sum or quotient rounded from double is the correctly rounded float32 result).
 * V8 runs the JS loop at ~2.5 ns per element on this project's machines; f32x4 is ~15x faster,
 * which is what lets an in-process all-reduce run faster than memory-bound transport copies.
 */
const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const BR_IF = 0x0d;
const BLOCK = 0x02;
const LOOP = 0x03;
const VOID = 0x40;
const END = 0x0b;
const V128_LOAD = [0xfd, 0x00, 0x04, 0x00]; // align 2^4, offset 0
const V128_STORE = [0xfd, 0x0b, 0x04, 0x00];
const F32X4_SPLAT = [0xfd, 0x13];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_DIV = [0xfd, 0xe7, 0x01];

/** `for (; ptr < end; ptr += 16) { body }` with ptr in local 0 and end in `endLocal`. */
function loop16(endLocal: number, body: number[], alsoAdvance: number[]): number[] {
  const advance = (local: number): number[] => [LOCAL_GET, local, I32_CONST, 16, I32_ADD, LOCAL_SET, local];
  return [
    BLOCK, VOID,
    LOCAL_GET, 0, LOCAL_GET, endLocal, I32_GE_U, BR_IF, 0,
    LOOP, VOID,
    ...body,
    ...advance(0),
    ...alsoAdvance.flatMap(advance),
    LOCAL_GET, 0, LOCAL_GET, endLocal, I32_LT_U, BR_IF, 0,
    END,
    END,
  ];
}

// add(dst i32, src i32, bytes i32), local 3 = end
const ADD_BODY = [
  1, 1, I32,
  LOCAL_GET, 0, LOCAL_GET, 2, I32_ADD, LOCAL_SET, 3,
  ...loop16(3, [LOCAL_GET, 0, LOCAL_GET, 0, ...V128_LOAD, LOCAL_GET, 1, ...V128_LOAD, ...F32X4_ADD, ...V128_STORE], [1]),
  END,
];

// divide(dst i32, bytes i32, k f32), local 3 = end, local 4 = splat(k)
const DIVIDE_BODY = [
  2, 1, I32, 1, V128,
  LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, LOCAL_SET, 3,
  LOCAL_GET, 2, ...F32X4_SPLAT, LOCAL_SET, 4,
  ...loop16(3, [LOCAL_GET, 0, LOCAL_GET, 0, ...V128_LOAD, LOCAL_GET, 4, ...F32X4_DIV, ...V128_STORE], []),
  END,
];

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];

export const SIMD_MEMORY_PAGES = 4; // 256 KiB: two 128 KiB scratch blocks

export function simdModuleBytes(): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 3, I32, I32, I32, 0, 0x60, 3, I32, I32, F32, 0]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0, SIMD_MEMORY_PAGES]),
    ...section(7, [3, ...name('add'), 0, 0, ...name('divide'), 0, 1, ...name('memory'), 2, 0]),
    ...section(10, [2, ...uleb(ADD_BODY.length), ...ADD_BODY, ...uleb(DIVIDE_BODY.length), ...DIVIDE_BODY]),
  ]);
}
