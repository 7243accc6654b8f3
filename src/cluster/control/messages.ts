/**
 * Every control message, in both directions, with a runtime check of each incoming one: a peer is
 * untrusted until it authenticates (and buggy after), so a message is used only once its type is
 * known, every field has the right type and range, and it carries an attachment exactly when its
 * type may. A problem is returned as a one-line reason; the connection layer closes on it.
 */
import { z } from 'zod';
import type { ControlFrame } from './frame.js';

/** Version of the message set below, sent in the challenge. */
export const CONTROL_PROTOCOL = 1;

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');
const count = z.number().int().nonnegative();
const text = (max: number) => z.string().max(max);
const address = text(300);

/** Coordinator -> worker. */
const coordinatorSchemas = {
  challenge: z.object({ type: z.literal('challenge'), protocol: z.literal(CONTROL_PROTOCOL), nonce: hex32 }),
  welcome: z.object({ type: z.literal('welcome'), proof: hex32 }),
  refuse: z.object({ type: z.literal('refuse'), reason: text(1000) }),
  start: z.object({
    type: z.literal('start'),
    generation: count,
    rank: count,
    size: z.number().int().positive(),
    addresses: z.array(address).max(100_000),
    payload: z.unknown(),
    hasResume: z.boolean(),
  }),
  abort: z.object({ type: z.literal('abort'), generation: count, reason: text(4000), final: z.boolean() }),
  'checkpoint-saved': z.object({ type: z.literal('checkpoint-saved'), id: count, error: text(4000).optional() }),
  finish: z.object({ type: z.literal('finish'), generation: count }),
  stop: z.object({ type: z.literal('stop'), generation: count }),
};

/** Worker -> coordinator. */
const workerSchemas = {
  answer: z.object({ type: z.literal('answer'), proof: hex32, nonce: hex32 }),
  join: z.object({ type: z.literal('join'), address, hostname: text(255), pid: z.number().int().positive() }),
  rejoin: z.object({ type: z.literal('rejoin'), generation: count, address }),
  heartbeat: z.object({ type: z.literal('heartbeat') }),
  report: z.object({ type: z.literal('report'), generation: count, record: z.unknown() }),
  checkpoint: z.object({ type: z.literal('checkpoint'), generation: count, id: count, step: z.number().finite() }),
  done: z.object({ type: z.literal('done'), generation: count, result: z.unknown() }),
  // peerGone: the job failed because a peer left (a consequence of that peer's failure).
  'job-failed': z.object({ type: z.literal('job-failed'), generation: count, message: text(4000), peerGone: z.boolean().optional() }),
  goodbye: z.object({ type: z.literal('goodbye') }),
};

type Messages<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.infer<S[K]> }[keyof S];
export type CoordinatorMessage = Messages<typeof coordinatorSchemas>;
export type WorkerMessage = Messages<typeof workerSchemas>;
export type ControlMessage = CoordinatorMessage | WorkerMessage;

/** Message types that carry an attachment (binary bytes beside the JSON). */
const WITH_ATTACHMENT = new Set(['start', 'checkpoint']);

export interface Received<M> {
  message: M;
  /** The attachment; empty when the type carries one but it has no bytes. */
  attachment: Uint8Array;
}

function parseWith<M>(schemas: Record<string, z.ZodType>, frame: ControlFrame): Received<M> | string {
  const body = frame.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'message is not a JSON object';
  const type = (body as { type?: unknown }).type;
  if (typeof type !== 'string') return 'message has no string "type"';
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (!schema) return `unknown message type ${JSON.stringify(type.slice(0, 40))}`;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.join('.') : '(message)';
    const value = issue.path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], body);
    return `message "${type}": field ${field}: ${value === undefined ? 'missing' : issue.message}`;
  }
  if (frame.attachment && !WITH_ATTACHMENT.has(type)) return `message "${type}" carries an unexpected attachment`;
  return { message: parsed.data as M, attachment: frame.attachment ?? new Uint8Array(0) };
}

/** Checks a frame the coordinator received. */
export function parseWorkerMessage(frame: ControlFrame): Received<WorkerMessage> | string {
  return parseWith<WorkerMessage>(workerSchemas, frame);
}

/** Checks a frame a worker received. */
export function parseCoordinatorMessage(frame: ControlFrame): Received<CoordinatorMessage> | string {
  return parseWith<CoordinatorMessage>(coordinatorSchemas, frame);
}
