/**
 * Tag space. User point-to-point tags live below 2^30; every collective call takes the next
 * sequence number of its communicator and tags all its messages with COLLECTIVE_BIT | seq, so
 * concurrent collectives (issued in the same order on every rank, as the contract requires)
 * never mix messages.
 */
export const MAX_USER_TAG = 0x3fffffff;
const COLLECTIVE_BIT = 0x80000000;
const SEQ_MASK = 0x00ffffff;

export function collectiveTag(seq: number): number {
  return (COLLECTIVE_BIT | (seq & SEQ_MASK)) >>> 0;
}
