/**
 * The worker's side of a job: connect to the coordinator (retrying while it is not up yet),
 * authenticate both ways (auth.ts), publish a data-plane address, then run one generation of the
 * job per start message until the coordinator says finish. Heartbeats are sent from this event
 * loop, so a job that blocks the loop (a hang) is detected like a dead process. On abort the job's
 * signal fires and its mesh is closed; the worker then rejoins for the next generation, or leaves
 * when the abort is final.
 */
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { connectTcpTransport, listenTcp, parseAddress, type TcpListener, type TcpTransport } from '../comm/index.js';
import { isPeerGone, LoomError, showValue } from '../util/errors.js';
import { coordinatorProof, MIN_TOKEN_BYTES, newNonce, PRE_AUTH_MAX_FRAME_BYTES, proofsMatch, workerProof } from './auth.js';
import { ControlConnection } from './control/connection.js';
import { parseCoordinatorMessage, type CoordinatorMessage, type Received } from './control/messages.js';
import { DEFAULT_MAX_CONTROL_FRAME_BYTES } from './coordinator-options.js';
import type { WorkerContext, WorkerJob } from './job.js';

export interface JoinOptions {
  /** The coordinator's "host:port". */
  coordinator: string;
  token: Uint8Array;
  job: WorkerJob;
  /** Data-plane bind address (default: the local address of the control connection). */
  listenHost?: string;
  /** Heartbeat period (default 1000 ms); keep it well under the coordinator's heartbeatTimeoutMs. */
  heartbeatMs?: number;
  /** Keep retrying to reach the coordinator this long (default 30 s). */
  connectTimeoutMs?: number;
  /** Time allowed to connect the mesh of a generation (default 30 s). */
  meshTimeoutMs?: number;
  /** Largest control frame accepted from the coordinator after it authenticated (default 256 MiB). */
  maxFrameBytes?: number;
  log?: (line: string) => void;
}

/** How long an aborted job may take to settle before the worker moves on without it. */
const ABORT_SETTLE_MS = 5_000;
const RETRY_MS = 200;

/** Joins the coordinator's job and serves it; resolves when the job finishes. */
export async function joinCoordinator(options: JoinOptions): Promise<void> {
  if (!(options.token instanceof Uint8Array) || options.token.length < MIN_TOKEN_BYTES) {
    throw new LoomError(`job token must be at least ${MIN_TOKEN_BYTES} bytes, got ${options.token?.length ?? 0}`);
  }
  const heartbeatMs = options.heartbeatMs ?? 1_000;
  if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0) throw new LoomError(`worker heartbeatMs must be a positive number, got ${showValue(options.heartbeatMs)}`);
  if (typeof options.job !== 'function') throw new LoomError(`worker job must be a function, got ${showValue(typeof options.job)}`);
  const socket = await dialCoordinator(options.coordinator, options.connectTimeoutMs ?? 30_000);
  return new JoinedWorker(socket, options).finished;
}

async function dialCoordinator(address: string, timeoutMs: number): Promise<Socket> {
  const { host, port } = parseAddress(address, 'coordinator address');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect({ host, port });
        const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), Math.max(1, deadline - Date.now()));
        socket.once('connect', () => {
          clearTimeout(timer);
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      if (Date.now() + RETRY_MS > deadline) throw new LoomError(`could not reach coordinator ${address} within ${timeoutMs} ms (${code})`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/** True if `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(() => true, () => true);
  const result = await Promise.race([settled, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return result;
}

interface Generation {
  generation: number;
  controller: AbortController;
  /** Fired by the coordinator's 'stop': end early and cleanly. */
  stop: AbortController;
  transport: TcpTransport | null;
  /** Settles when the job and the mesh are done with. */
  settled: Promise<void>;
}

class JoinedWorker {
  readonly finished: Promise<void>;
  private settle!: { resolve(): void; reject(error: LoomError): void };
  private readonly connection: ControlConnection<CoordinatorMessage>;
  private readonly coordinator: string;
  private readonly nonce = newNonce();
  private coordinatorNonce = '';
  private state: 'challenge' | 'welcome' | 'joined' | 'ended' = 'challenge';
  private heartbeat: NodeJS.Timeout | null = null;
  private listener: TcpListener | null = null;
  private current: Generation | null = null;
  private nextCheckpointId = 0;
  private readonly pendingCheckpoints = new Map<number, { resolve(): void; reject(error: LoomError): void }>();
  private readonly log: (line: string) => void;

  constructor(socket: Socket, private readonly options: JoinOptions) {
    this.coordinator = options.coordinator;
    this.log = options.log ?? (() => {});
    this.finished = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.connection = new ControlConnection(socket, {
      parse: parseCoordinatorMessage,
      maxFrameBytes: PRE_AUTH_MAX_FRAME_BYTES,
      limitNote: ' before the coordinator authenticated',
      onMessage: (received) => this.receive(received),
    });
    void this.connection.closed.then((reason) => {
      if (this.state !== 'ended') this.end(new LoomError(`lost the coordinator ${this.coordinator}: ${reason}`));
    });
  }

  private receive({ message, attachment }: Received<CoordinatorMessage>): void {
    if (message.type === 'refuse') return this.end(new LoomError(`coordinator ${this.coordinator} refused this worker: ${message.reason}`));
    if (this.state === 'challenge' && message.type === 'challenge') {
      this.coordinatorNonce = message.nonce;
      this.state = 'welcome';
      this.connection.send({ type: 'answer', proof: workerProof(this.options.token, message.nonce, this.nonce), nonce: this.nonce });
      return;
    }
    if (this.state === 'welcome' && message.type === 'welcome') {
      if (!proofsMatch(coordinatorProof(this.options.token, this.coordinatorNonce, this.nonce), message.proof)) {
        return this.end(new LoomError(`coordinator ${this.coordinator} could not prove it holds the job token`));
      }
      this.state = 'joined';
      this.connection.setLimit(this.options.maxFrameBytes ?? DEFAULT_MAX_CONTROL_FRAME_BYTES);
      void this.join();
      return;
    }
    if (this.state !== 'joined') return this.protocolError(message.type);
    switch (message.type) {
      case 'start':
        if (this.current || message.rank >= message.size || message.addresses.length !== message.size) return this.protocolError('start');
        this.current = this.runGeneration(message, message.hasResume ? attachment : null);
        return;
      case 'abort':
        return void this.abort(message.generation, message.reason, message.final);
      case 'checkpoint-saved': {
        const pending = this.pendingCheckpoints.get(message.id);
        this.pendingCheckpoints.delete(message.id);
        if (message.error === undefined) pending?.resolve();
        else pending?.reject(new LoomError(`coordinator ${this.coordinator} did not save the checkpoint: ${message.error}`));
        return;
      }
      case 'finish':
        return void this.finish();
      case 'stop':
        if (this.current?.generation === message.generation) this.current.stop.abort();
        return;
      default:
        return this.protocolError(message.type);
    }
  }

  private protocolError(type: string): void {
    const problem = `unexpected "${type}" message from the coordinator`;
    this.connection.destroy(problem);
    this.end(new LoomError(`coordinator ${this.coordinator} broke the protocol: ${problem}`));
  }

  /** Opens a data-plane listener and announces it: first join, or rejoin after an abort. */
  private async join(rejoinAfter?: number): Promise<void> {
    try {
      const host = this.options.listenHost ?? (this.connection.localHost || '127.0.0.1');
      this.listener = await listenTcp(host, 0);
    } catch (error) {
      return this.end(new LoomError(`worker cannot open its data-plane listener: ${(error as Error).message}`, { cause: error }));
    }
    if (this.state === 'ended') return void this.listener.close();
    if (rejoinAfter === undefined) {
      this.connection.send({ type: 'join', address: this.listener.address, hostname: hostname(), pid: process.pid });
      const period = this.options.heartbeatMs ?? 1_000;
      this.heartbeat = setInterval(() => this.connection.send({ type: 'heartbeat' }), period);
      this.log(`joined coordinator ${this.coordinator}; data plane ${this.listener.address}`);
    } else {
      this.connection.send({ type: 'rejoin', generation: rejoinAfter, address: this.listener.address });
      this.log(`rejoined after generation ${rejoinAfter}; data plane ${this.listener.address}`);
    }
  }

  private runGeneration(start: Extract<CoordinatorMessage, { type: 'start' }>, resume: Uint8Array | null): Generation {
    const controller = new AbortController();
    const generation: Generation = { generation: start.generation, controller, stop: new AbortController(), transport: null, settled: Promise.resolve() };
    const { signal } = controller;
    const fail = (problem: string, peerGone = false): void => {
      if (!signal.aborted) this.connection.send({ type: 'job-failed', generation: start.generation, message: problem.slice(0, 4000), peerGone });
    };
    generation.settled = (async () => {
      const listener = this.listener;
      this.listener = null;
      if (!listener) return fail('no data-plane listener');
      try {
        generation.transport = await connectTcpTransport({ rank: start.rank, addresses: start.addresses, listener, connectTimeoutMs: this.options.meshTimeoutMs ?? 30_000 });
      } catch (error) {
        return fail(`could not connect the mesh: ${(error as Error).message}`);
      } finally {
        listener.close();
      }
      if (signal.aborted) return;
      const context: WorkerContext = {
        generation: start.generation,
        rank: start.rank,
        size: start.size,
        addresses: start.addresses,
        payload: start.payload,
        resume,
        transport: generation.transport,
        signal,
        stopRequested: generation.stop.signal,
        saveCheckpoint: (bytes, step) => this.saveCheckpoint(start.generation, signal, bytes, step),
        report: (record) => void this.connection.send({ type: 'report', generation: start.generation, record: record ?? null }),
      };
      this.log(`generation ${start.generation}: rank ${start.rank} of ${start.size}`);
      let result: unknown;
      try {
        result = await this.options.job(context);
      } catch (error) {
        return fail(error instanceof Error ? error.message : String(error), isPeerGone(error));
      }
      if (signal.aborted) return;
      try {
        this.connection.send({ type: 'done', generation: start.generation, result: result ?? null });
      } catch (error) {
        fail(`job result is not JSON: ${(error as Error).message}`);
      }
    })();
    return generation;
  }

  private saveCheckpoint(generation: number, signal: AbortSignal, bytes: Uint8Array, step: number): Promise<void> {
    if (signal.aborted) return Promise.reject(new LoomError(`generation ${generation} was aborted; checkpoint not sent`));
    const id = this.nextCheckpointId++;
    return new Promise<void>((resolve, reject) => {
      this.pendingCheckpoints.set(id, { resolve, reject });
      this.connection.send({ type: 'checkpoint', generation, id, step }, bytes);
    });
  }

  /** Stops the current generation: abort its signal, close its mesh, wait (bounded) for the job. */
  private async stopGeneration(reason: string): Promise<void> {
    const generation = this.current;
    this.current = null;
    for (const pending of this.pendingCheckpoints.values()) pending.reject(new LoomError(`checkpoint not confirmed: ${reason}`));
    this.pendingCheckpoints.clear();
    if (!generation) return;
    generation.controller.abort(new LoomError(reason));
    // A hung peer may never finish its side of a close; neither step may hold the worker.
    const closed = settlesWithin(generation.settled.then(() => generation.transport?.close()), ABORT_SETTLE_MS);
    void generation.transport?.close().catch(() => {});
    if (!(await closed)) this.log(`generation ${generation.generation}: the job or its mesh did not stop within ${ABORT_SETTLE_MS} ms of the abort`);
  }

  private async abort(generation: number, reason: string, final: boolean): Promise<void> {
    this.log(`generation ${generation} aborted by the coordinator: ${reason}`);
    if (final) return this.end(new LoomError(`coordinator ${this.coordinator} stopped the job: ${reason}`));
    await this.stopGeneration(`generation ${generation} aborted: ${reason}`);
    if (this.state !== 'ended') await this.join(generation);
  }

  private async finish(): Promise<void> {
    const generation = this.current;
    this.current = null;
    if (generation) await settlesWithin(generation.settled.then(() => generation.transport?.close()), ABORT_SETTLE_MS);
    this.connection.send({ type: 'goodbye' });
    this.end(null);
  }

  /** Ends this worker's part in the job at once (later closes change nothing); cleans up, then settles. */
  private end(error: LoomError | null): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.listener?.close();
    this.listener = null;
    void (async () => {
      if (!error) {
        this.connection.close('finished');
        return this.settle.resolve();
      }
      await this.stopGeneration(error.message);
      this.connection.destroy(error.message);
      this.settle.reject(error);
    })();
  }
}
