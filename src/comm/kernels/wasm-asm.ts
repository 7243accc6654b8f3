/**
 * Just enough of a WebAssembly assembler for Loom's hand-written SIMD loops (simd-module.ts,
 * checksum-module.ts): opcodes, a 16-byte-stride loop, LEB128 and module sections.
 */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const I32_CONST = 0x41;
export const I32_ADD = 0x6a;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const BR_IF = 0x0d;
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const VOID = 0x40;
export const END = 0x0b;
export const V128_LOAD = [0xfd, 0x00, 0x04, 0x00]; // align 2^4, offset 0
export const V128_STORE = [0xfd, 0x0b, 0x04, 0x00];

/** `for (; ptr < end; ptr += 16) { body }` with ptr in local 0 and end in `endLocal`. */
export function loop16(endLocal: number, body: number[], alsoAdvance: number[]): number[] {
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


export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
