/**
 * The coordinator of a multi-process or multi-host job (the control plane; data moves over the
 * workers' own TCP mesh). It authenticates workers (coordinator-peer.ts), waits until the job has
 * its workers (rendezvous), assigns ranks in join order and starts generation 0, watches every rank
 * (heartbeats, control connections, job errors), keeps the latest checkpoint, and on a failure
 * either fails the job or restarts it on the survivors from that checkpoint (elastic restart).
 *
 * When one rank dies, its peers' collectives fail too and they report job errors; so a failure is
 * judged after a short grace period, and a lost connection or a missed heartbeat outranks a job
 * error as the cause (the ranks that only saw the loss survive into the next generation).
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { writeFileAtomic } from '../util/atomic-file.js';
import { LoomError, showValue } from '../util/errors.js';
import { resolveCoordinatorOptions, type CoordinatorOptions, type ResolvedCoordinatorOptions } from './coordinator-options.js';
import type { Received, WorkerMessage } from './control/messages.js';
import { WorkerPeer } from './coordinator-peer.js';
import type { FailureRecord } from './job.js';

export type { CoordinatorOptions } from './coordinator-options.js';

export interface CoordinatorEvents {
  report: [rank: number, record: unknown];
  checkpoint: [step: number, path: string | null];
  failure: [record: FailureRecord];
  joined: [worker: { remote: string; hostname: string; pid: number; address: string }];
  refused: [remote: string, reason: string];
}

export interface JobOutcome {
  /** Each rank's job result, in rank order of the generation that finished. */
  results: unknown[];
  restarts: number;
  failures: FailureRecord[];
}

type Phase = 'waiting' | 'running' | 'failing' | 'restarting' | 'finished' | 'failed' | 'closed';

/** A rank under suspicion during the grace period. `lost`: its connection or heartbeat is gone. */
interface Suspect {
  peer: WorkerPeer;
  cause: string;
  lost: boolean;
  /** Its job failed only because a peer left: it is not blamed while a rank failed of its own accord. */
  peerGone: boolean;
}

export class Coordinator extends EventEmitter<CoordinatorEvents> {
  private phase: Phase = 'waiting';
  private generation = -1;
  /** Joined workers waiting for generation 0, in join order. */
  private readonly pool: WorkerPeer[] = [];
  /** The ranks of the current generation. */
  private members: WorkerPeer[] = [];
  /** Members of the aborted generation that will form the next one. */
  private survivors: WorkerPeer[] = [];
  private readonly rejoined = new Set<WorkerPeer>();
  private readonly failed = new Set<WorkerPeer>();
  private readonly refused = new WeakSet<WorkerPeer>();
  private readonly peers = new Set<WorkerPeer>();
  private readonly results = new Map<number, unknown>();
  private suspects: Suspect[] = [];
  private readonly failures: FailureRecord[] = [];
  private restarts = 0;
  /** Whether this failure's grace period was already extended (once, when only job errors came in). */
  private graceExtended = false;
  private latest: Uint8Array | null;
  private settle: { resolve(outcome: JobOutcome): void; reject(error: LoomError): void } | null = null;
  private runCalled = false;
  private stopRequested = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private joinTimer: NodeJS.Timeout | null = null;
  private rejoinTimer: NodeJS.Timeout | null = null;
  private monitor: NodeJS.Timeout | null = null;
  private lastTick = Date.now();
  private readonly log: (line: string) => void;

  private constructor(private readonly server: Server, readonly address: string, private readonly options: ResolvedCoordinatorOptions) {
    super();
    this.log = options.log;
    this.latest = options.resume;
    server.on('error', (error) => this.log(`control server error: ${error.message}`));
    server.on('connection', (socket) => {
      if (this.phase === 'closed') return void socket.destroy();
      const peer = new WorkerPeer(socket, {
        token: options.token,
        maxFrameBytes: options.maxFrameBytes,
        authTimeoutMs: options.authTimeoutMs,
        onJoin: (joining) => this.admit(joining),
        onMessage: (member, received) => this.receive(member, received),
        onRefused: (refused, reason) => {
          this.refused.add(refused);
          this.log(`refused ${refused.remote}: ${reason}`);
          this.emit('refused', refused.remote, reason);
        },
      });
      this.peers.add(peer);
      void peer.connection.closed.then((reason) => this.peerClosed(peer, reason));
    });
  }

  /** Opens the control port; workers may join at once, generation 0 starts once run() is called. */
  static async listen(options: CoordinatorOptions): Promise<Coordinator> {
    const resolved = resolveCoordinatorOptions(options);
    const { host, port } = resolved;
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new LoomError(`coordinator cannot listen on ${host}:${port}: ${error.message}`, { cause: error })));
      server.listen(port, host, () => resolve());
    });
    const bound = server.address();
    const boundPort = bound && typeof bound === 'object' ? bound.port : 0;
    return new Coordinator(server, host.includes(':') ? `[${host}]:${boundPort}` : `${host}:${boundPort}`, resolved);
  }

  /** Runs the job: resolves with every rank's result once all ranks of a generation are done. */
  run(): Promise<JobOutcome> {
    if (this.runCalled) throw new LoomError('Coordinator.run() may be called once');
    if (this.phase === 'closed') return Promise.reject(new LoomError('coordinator is closed'));
    this.runCalled = true;
    const outcome = new Promise<JobOutcome>((resolve, reject) => (this.settle = { resolve, reject }));
    this.joinTimer = this.later(this.options.joinTimeoutMs, () => {
      if (this.phase === 'waiting') this.failJob(`only ${this.pool.length} of ${this.options.workers} workers joined within ${this.options.joinTimeoutMs} ms`);
    });
    this.maybeStart();
    return outcome;
  }

  /** Stops listening and drops every connection; a run in progress rejects. */
  async close(): Promise<void> {
    if (this.phase !== 'finished' && this.phase !== 'failed' && this.phase !== 'closed' && this.settle) {
      this.settle.reject(new LoomError('coordinator closed before the job finished'));
    }
    this.phase = 'closed';
    this.stopTimers();
    for (const peer of this.peers) peer.connection.destroy('coordinator closed');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private admit(peer: WorkerPeer): string | null {
    if (this.phase === 'finished' || this.phase === 'failed') return 'the job has ended';
    if (this.phase !== 'waiting') return `the job is already running with its ${this.members.length} workers`;
    if (this.pool.length >= this.options.workers) return `the job already has its ${this.options.workers} workers`;
    this.pool.push(peer);
    this.log(`joined ${peer.remote}: host ${peer.hostname}, pid ${peer.pid}, data plane ${peer.dataAddress} (${this.pool.length} of ${this.options.workers})`);
    this.emit('joined', { remote: peer.remote, hostname: peer.hostname, pid: peer.pid, address: peer.dataAddress });
    this.maybeStart();
    return null;
  }

  private maybeStart(): void {
    if (!this.runCalled || this.phase !== 'waiting' || this.pool.length < this.options.workers) return;
    if (this.joinTimer) clearTimeout(this.joinTimer);
    this.startGeneration(this.pool.splice(0));
  }

  private startGeneration(peers: WorkerPeer[]): void {
    this.generation++;
    this.members = peers;
    this.results.clear();
    this.suspects = [];
    this.graceExtended = false;
    this.phase = 'running';
    const addresses = peers.map((peer) => peer.dataAddress);
    const now = Date.now();
    peers.forEach((peer, rank) => {
      peer.lastHeardAt = now;
      peer.connection.send(
        { type: 'start', generation: this.generation, rank, size: peers.length, addresses, payload: this.options.payload, hasResume: this.latest !== null },
        this.latest,
      );
    });
    this.log(`generation ${this.generation}: started ${peers.length} ranks${this.latest ? ` from a ${this.latest.length}-byte checkpoint` : ''}`);
    if (this.stopRequested) this.sendStop();
    this.startMonitor();
  }

  /**
   * Asks the job to end early and cleanly (Ctrl-C): every rank's `ctx.stopRequested` fires; the job
   * decides where to stop (a training job finishes its step, checkpoints and returns). A restarted
   * generation is asked too; a job not started yet fails.
   */
  requestStop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    if (this.phase === 'waiting') return this.failJob('stopped before every worker had joined');
    if (this.phase === 'running') this.sendStop();
  }

  private sendStop(): void {
    for (const peer of this.members) peer.connection.send({ type: 'stop', generation: this.generation });
    this.log(`generation ${this.generation}: asked ${this.members.length} ranks to stop`);
  }

  private receive(peer: WorkerPeer, { message, attachment }: Received<WorkerMessage>): void {
    const rank = this.members.indexOf(peer);
    const current = 'generation' in message && message.generation === this.generation && rank >= 0 && !this.failed.has(peer);
    switch (message.type) {
      case 'heartbeat':
        return;
      case 'goodbye':
        peer.saidGoodbye = true;
        return;
      case 'report':
        if (current) this.emit('report', rank, message.record);
        return;
      case 'checkpoint':
        return this.storeCheckpoint(peer, current, message, attachment);
      case 'done':
        // While a failure is judged, a result may still count: the job may go on without the failed rank.
        if (!current || (this.phase !== 'running' && this.phase !== 'failing')) return;
        this.results.set(rank, message.result);
        this.maybeFinish();
        return;
      case 'job-failed':
        if (current) this.suspect(peer, `its job failed: ${message.message}`, false, message.peerGone === true);
        return;
      case 'rejoin':
        if (this.phase !== 'restarting' || message.generation !== this.generation || !this.survivors.includes(peer)) return;
        peer.dataAddress = message.address;
        this.rejoined.add(peer);
        return this.maybeRestart();
      default:
        peer.connection.destroy(`unexpected "${message.type}" message from a joined worker`);
    }
  }

  private storeCheckpoint(peer: WorkerPeer, current: boolean, message: Extract<WorkerMessage, { type: 'checkpoint' }>, bytes: Uint8Array): void {
    const ack = (error?: string): void => void peer.connection.send({ type: 'checkpoint-saved', id: message.id, ...(error ? { error } : {}) });
    if (!current || (this.phase !== 'running' && this.phase !== 'failing')) {
      return ack(`checkpoint of generation ${message.generation} refused: the job is at generation ${this.generation} (${this.phase})`);
    }
    const path = this.options.checkpointPath;
    if (path) {
      try {
        writeFileAtomic(path, bytes);
      } catch (error) {
        const problem = `could not write checkpoint ${showValue(path)}: ${(error as Error).message}`;
        this.log(problem);
        return ack(problem);
      }
      this.heardFromEveryone(); // a long synchronous write stalled this loop, not the workers
    }
    this.latest = new Uint8Array(bytes);
    ack();
    this.emit('checkpoint', message.step, path);
  }

  private peerClosed(peer: WorkerPeer, reason: string): void {
    this.peers.delete(peer);
    if (this.phase === 'closed') return;
    const poolIndex = this.pool.indexOf(peer);
    if (poolIndex >= 0) {
      this.pool.splice(poolIndex, 1);
      this.log(`worker ${peer.remote} (pid ${peer.pid}) left before the job started: ${reason}`);
      return;
    }
    if (this.members.includes(peer) && !this.failed.has(peer) && ['running', 'failing', 'restarting'].includes(this.phase)) {
      const plainClose = reason === 'connection closed' || /\((ECONNRESET|EPIPE)\)$/.test(reason); // a killed process may reset
      const cause = !plainClose
        ? `control connection failed: ${reason}`
        : peer.saidGoodbye ? 'control connection closed before the job finished' : 'control connection closed without a goodbye';
      return this.suspect(peer, cause, true);
    }
    if (!this.refused.has(peer) && !peer.joined) this.log(`closed ${peer.remote}: ${reason}`);
  }

  /** A sign that `peer` failed; judged after the grace period (or at once while restarting). */
  private suspect(peer: WorkerPeer, cause: string, lost: boolean, peerGone = false): void {
    if (this.failed.has(peer)) return;
    if (this.phase === 'restarting') {
      // A survivor's job fails once the others abort theirs (its collective loses its peers): that
      // is the abort's doing, and the survivor still rejoins (the rejoin timeout judges it if not).
      if (!this.survivors.includes(peer)) return;
      if (!lost) return this.log(`generation ${this.generation}: rank ${this.members.indexOf(peer)} reported after the abort: ${cause}; it is to rejoin`);
      this.declareFailed(peer, cause);
      this.survivors = this.survivors.filter((survivor) => survivor !== peer);
      return this.maybeRestart();
    }
    if (this.phase === 'running') {
      this.phase = 'failing';
      this.later(this.options.failureGraceMs, () => this.judgeFailure());
    }
    if (this.phase !== 'failing') return;
    const known = this.suspects.find((suspect) => suspect.peer === peer);
    if (!known) this.suspects.push({ peer, cause, lost, peerGone });
    else if (lost && !known.lost) Object.assign(known, { cause, lost, peerGone: false });
    if (lost) peer.connection.destroy(cause);
  }

  private judgeFailure(): void {
    if (this.phase !== 'failing') return;
    const lost = this.suspects.filter((suspect) => suspect.lost);
    // Job errors alone: on a loaded machine the lost connection that caused them can take longer
    // than the grace period to be seen (a survivor blamed in its place shrinks the restart), so wait once more.
    if (lost.length === 0 && !this.graceExtended) {
      this.graceExtended = true;
      this.later(this.options.failureGraceMs * 4, () => this.judgeFailure());
      return;
    }
    const ownAccord = this.suspects.filter((suspect) => !suspect.peerGone);
    const culprits = lost.length > 0 ? lost : ownAccord.length > 0 ? ownAccord : this.suspects;
    const records = culprits.map(({ peer, cause }) => this.declareFailed(peer, cause));
    const primary = records[0].message;
    const survivors = this.members.filter((peer) => !this.failed.has(peer) && !peer.connection.isClosed);
    const { maxRestarts, minWorkers } = this.options;
    if (this.options.onFailure === 'continue') return this.goOnWithout(records);
    if (this.options.onFailure === 'fail') return this.failJob(primary);
    if (this.restarts >= maxRestarts) return this.failJob(`${primary}; no restart left (maxRestarts ${maxRestarts})`);
    if (survivors.length < minWorkers) return this.failJob(`${primary}; ${survivors.length} workers survive, fewer than minWorkers ${minWorkers}`);
    this.restarts++;
    this.phase = 'restarting';
    this.survivors = survivors;
    this.rejoined.clear();
    for (const peer of survivors) peer.connection.send({ type: 'abort', generation: this.generation, reason: primary, final: false });
    this.log(`restart ${this.restarts}: aborting generation ${this.generation}; generation ${this.generation + 1} will run on ${survivors.length} workers`);
    const rejoinMs = this.options.rejoinTimeoutMs;
    this.rejoinTimer = this.later(rejoinMs, () => {
      for (const peer of this.survivors.filter((survivor) => !this.rejoined.has(survivor))) {
        this.suspect(peer, `did not stop its job and rejoin within ${rejoinMs} ms of the abort`, true);
      }
    });
  }

  /** onFailure "continue": the job goes on without the failed ranks if its strategy tolerates their loss. */
  private goOnWithout(records: readonly FailureRecord[]): void {
    const fatal = records.find((record) => !this.options.tolerates(record.rank, this.members.length));
    if (fatal) return this.failJob(`${fatal.message}; the job cannot go on without rank ${fatal.rank}`);
    this.suspects = [];
    this.graceExtended = false;
    this.phase = 'running';
    const left = this.members.filter((peer) => !this.failed.has(peer)).length;
    this.log(`generation ${this.generation}: the job goes on without rank${records.length > 1 ? 's' : ''} ${records.map((r) => r.rank).join(', ')} (${left} of ${this.members.length} ranks left)`);
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.phase !== 'running') return;
    if (this.members.every((peer, rank) => this.failed.has(peer) || this.results.has(rank))) this.finish();
  }

  private maybeRestart(): void {
    if (this.phase !== 'restarting') return;
    const { minWorkers } = this.options;
    if (this.survivors.length < minWorkers) {
      return this.failJob(`${this.failures[this.failures.length - 1].message}; ${this.survivors.length} workers survive, fewer than minWorkers ${minWorkers}`);
    }
    if (!this.survivors.every((peer) => this.rejoined.has(peer))) return;
    if (this.rejoinTimer) clearTimeout(this.rejoinTimer);
    this.startGeneration(this.survivors);
  }

  private declareFailed(peer: WorkerPeer, cause: string): FailureRecord {
    const rank = this.members.indexOf(peer);
    const message = `rank ${rank} (host ${peer.host}, pid ${peer.pid}) failed: ${cause}`;
    const record: FailureRecord = { generation: this.generation, rank, host: peer.host, hostname: peer.hostname, pid: peer.pid, cause, message };
    this.failed.add(peer);
    this.failures.push(record);
    this.log(`generation ${this.generation}: ${message}`);
    this.emit('failure', record);
    peer.connection.send({ type: 'abort', generation: this.generation, reason: message, final: true });
    peer.connection.close(message);
    return record;
  }

  private failJob(message: string): void {
    this.phase = 'failed';
    this.stopTimers();
    for (const peer of this.peers) {
      if (!peer.joined) {
        peer.connection.destroy('job failed');
        continue;
      }
      peer.connection.send({ type: 'abort', generation: Math.max(this.generation, 0), reason: message, final: true });
      peer.connection.close('job failed');
    }
    this.settle?.reject(new LoomError(message));
  }

  private finish(): void {
    this.phase = 'finished';
    this.stopTimers();
    for (const peer of this.members) if (!this.failed.has(peer)) peer.connection.send({ type: 'finish', generation: this.generation });
    // A rank the job went on without has no result (undefined at its index).
    const results = this.members.map((_, rank) => this.results.get(rank));
    this.log(`generation ${this.generation}: all ${this.members.length} ranks done`);
    this.settle?.resolve({ results, restarts: this.restarts, failures: [...this.failures] });
  }

  /** Checks heartbeats a few times per timeout. */
  private startMonitor(): void {
    if (this.monitor) return;
    const timeout = this.options.heartbeatTimeoutMs;
    this.lastTick = Date.now();
    this.monitor = setInterval(() => {
      const now = Date.now();
      const gap = now - this.lastTick;
      this.lastTick = now;
      if (gap > timeout / 2) return this.heardFromEveryone(); // this process stalled; the workers did not
      if (this.phase !== 'running' && this.phase !== 'failing' && this.phase !== 'restarting') return;
      const watched = this.phase === 'restarting' ? this.survivors : this.members;
      for (const peer of watched) {
        const silentMs = now - peer.lastHeardAt;
        if (silentMs > timeout && !this.failed.has(peer)) this.suspect(peer, `no heartbeat for ${silentMs} ms (timeout ${timeout} ms)`, true);
      }
    }, Math.max(20, Math.min(250, Math.floor(timeout / 5))));
  }

  private heardFromEveryone(): void {
    const now = Date.now();
    for (const peer of this.peers) peer.lastHeardAt = now;
    this.lastTick = now;
  }

  private later(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = null;
  }
}
