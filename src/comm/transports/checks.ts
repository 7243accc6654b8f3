/** Argument checks shared by the transports, with messages naming the bad value. */
import { LoomError, showValue } from '../../util/errors.js';
import { MAX_TAG } from '../transport.js';

export function checkPeer(rank: number, size: number, peer: number, what: string): void {
  if (!Number.isInteger(peer) || peer < 0 || peer >= size) {
    throw new LoomError(`rank ${rank} cannot ${what} rank ${showValue(peer)}: world size is ${size}`);
  }
  if (peer === rank) throw new LoomError(`rank ${rank} cannot ${what} itself`);
}

export function checkTag(tag: number): void {
  if (!Number.isInteger(tag) || tag < 0 || tag > MAX_TAG) throw new LoomError(`message tag must be an unsigned 32-bit integer, got ${showValue(tag)}`);
}
