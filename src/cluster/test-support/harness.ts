/** Helpers for the cluster tests: a coordinator that records its log, in-process workers, raw sockets. */
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Coordinator, type CoordinatorOptions } from '../coordinator.js';
import { joinCoordinator, type JoinOptions } from '../worker.js';
import { runTestJob } from './test-jobs.js';

export const testToken = (): Uint8Array => new Uint8Array(Buffer.from(randomBytes(32).toString('hex')));

export interface LoggedCoordinator {
  coordinator: Coordinator;
  lines: string[];
  /** Resolves with the first log line matching `pattern` (rejects after `timeoutMs`). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export async function startCoordinator(options: Omit<CoordinatorOptions, 'log'>): Promise<LoggedCoordinator> {
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  const coordinator = await Coordinator.listen({
    heartbeatTimeoutMs: 1_500,
    joinTimeoutMs: 10_000,
    ...options,
    log: (line) => {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) waiter.resolve(line);
    },
  });
  const waitForLine = (pattern: RegExp, timeoutMs = 5_000): Promise<string> => {
    const seen = lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms; log:\n${lines.join('\n')}`)), timeoutMs);
      waiters.push({ pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  };
  return { coordinator, lines, waitForLine };
}

/** A worker in this process running the test jobs. */
export function joinInProcess(coordinator: string, token: Uint8Array, extra: Partial<JoinOptions> = {}): Promise<void> {
  return joinCoordinator({ coordinator, token, job: runTestJob, heartbeatMs: 100, connectTimeoutMs: 5_000, ...extra });
}

/** The local port of every raw socket (a closed socket forgets it). */
export const localPorts = new WeakMap<Socket, number>();

/** "host:port" as its parts (the host may hold colons of its own). */
function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export async function rawSocket(address: string): Promise<Socket> {
  const socket = connect(splitAddress(address));
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  localPorts.set(socket, socket.localPort as number);
  socket.on('error', () => {});
  socket.resume();
  return socket;
}

export interface ProxyOptions {
  /** Sees every chunk a client sends on its way to the target. */
  readonly onClientData?: (chunk: Buffer) => void;
  /** How long to hold back what the target sends (read at each chunk; default none). */
  readonly delayMs?: () => number;
}

/** A TCP proxy on 127.0.0.1 in front of `target`; resolves with it and its address. */
export async function startProxy(target: string, options: ProxyOptions = {}): Promise<{ server: Server; address: string }> {
  const upstreamAt = splitAddress(target);
  const server = createServer((client: Socket) => {
    const upstream = connect(upstreamAt);
    const later = (action: () => void): void => {
      const ms = options.delayMs?.() ?? 0;
      if (ms > 0) setTimeout(action, ms);
      else action();
    };
    client.on('data', (chunk: Buffer) => (options.onClientData?.(chunk), upstream.write(chunk)));
    upstream.on('data', (chunk: Buffer) => later(() => client.write(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => later(() => client.destroy()));
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as { port: number }).port}` };
}

export const socketClosed = (socket: Socket): Promise<void> =>
  new Promise((resolve) => (socket.destroyed || socket.readableEnded ? resolve() : socket.once('close', () => resolve())));

/** Resolves with `promise`'s rejection; fails if it resolves or stays pending past `timeoutMs`. */
export async function rejection(promise: Promise<unknown>, timeoutMs = 10_000): Promise<Error> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => { throw new Error('expected a rejection, got a result'); },
        (error: Error) => error,
      ),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still pending after ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Bounds a wait in a test. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms`)), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}
