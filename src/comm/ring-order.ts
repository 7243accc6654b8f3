/** Positions on the logical ring 0 -> 1 -> ... -> size-1 -> 0 used by the ring algorithms. */
export interface RingPosition {
  left: number;
  right: number;
  /** `(rank + offset) mod size`, for any integer offset. */
  at(offset: number): number;
}

export function ringPosition(rank: number, size: number): RingPosition {
  const at = (offset: number): number => (((rank + offset) % size) + size) % size;
  return { left: at(-1), right: at(1), at };
}
