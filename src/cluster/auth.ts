/**
 * Mutual challenge-response over the job token, so that the token never crosses the wire and
 * neither side trusts the other without proof:
 *
 *   coordinator -> worker   challenge { nonce Nc }
 *   worker -> coordinator   answer    { proof HMAC(token, WORKER_LABEL | Nc | Nw), nonce Nw }
 *   coordinator -> worker   welcome   { proof HMAC(token, COORDINATOR_LABEL | Nw | Nc) }  (or refuse)
 *
 * HMAC-SHA256; the labels separate the two directions, so a proof from one side can never be
 * replayed as the other's. Proofs are compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const WORKER_LABEL = 'loom-cluster-v1 worker proof\0';
const COORDINATOR_LABEL = 'loom-cluster-v1 coordinator proof\0';
export const NONCE_BYTES = 32;
/** Frames accepted from a peer that has not authenticated yet (the challenge/answer fit easily). */
export const PRE_AUTH_MAX_FRAME_BYTES = 4 * 1024;
/** Tokens shorter than this are refused (they could be guessed). */
export const MIN_TOKEN_BYTES = 16;

export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('hex');
}

function proof(token: Uint8Array, label: string, first: string, second: string): string {
  return createHmac('sha256', token).update(label).update(first).update('\0').update(second).digest('hex');
}

/** What a worker answers to the coordinator's nonce. */
export function workerProof(token: Uint8Array, coordinatorNonce: string, workerNonce: string): string {
  return proof(token, WORKER_LABEL, coordinatorNonce, workerNonce);
}

/** What the coordinator answers to the worker's nonce. */
export function coordinatorProof(token: Uint8Array, coordinatorNonce: string, workerNonce: string): string {
  return proof(token, COORDINATOR_LABEL, workerNonce, coordinatorNonce);
}

/** Constant-time comparison of two hex proofs. */
export function proofsMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(received, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
