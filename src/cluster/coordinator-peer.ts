/**
 * The coordinator's side of one worker connection: the authentication handshake (auth.ts) and the
 * join, then a member whose messages go to the coordinator. Until the worker proves it holds the
 * token, its frames are limited to a few KiB and it has `authTimeoutMs` to finish; a wrong proof
 * is answered with a refusal and the connection is closed.
 */
import type { Socket } from 'node:net';
import { ControlConnection } from './control/connection.js';
import { CONTROL_PROTOCOL, parseWorkerMessage, type Received, type WorkerMessage } from './control/messages.js';
import { coordinatorProof, newNonce, PRE_AUTH_MAX_FRAME_BYTES, proofsMatch, workerProof } from './auth.js';

export const WRONG_TOKEN = 'wrong job token';

export interface PeerOptions {
  token: Uint8Array;
  maxFrameBytes: number;
  authTimeoutMs: number;
  /** An authenticated worker asked to join; return a reason to refuse it, or null to accept. */
  onJoin(peer: WorkerPeer): string | null;
  /** A message from a peer that has joined. */
  onMessage(peer: WorkerPeer, received: Received<WorkerMessage>): void;
  /** The worker failed to authenticate (wrong token); it has been refused. */
  onRefused(peer: WorkerPeer, reason: string): void;
}

type PeerState = 'authenticating' | 'joining' | 'joined';

export class WorkerPeer {
  readonly connection: ControlConnection<WorkerMessage>;
  /** IP address of the control connection. */
  readonly host: string;
  hostname = '';
  pid = 0;
  /** Data-plane address for the next generation (from join or rejoin). */
  dataAddress = '';
  /** Date.now() of the last message (any message is a sign of life). */
  lastHeardAt = Date.now();
  saidGoodbye = false;
  private state: PeerState = 'authenticating';
  private readonly nonce = newNonce();
  private readonly authTimer: NodeJS.Timeout;

  constructor(socket: Socket, private readonly options: PeerOptions) {
    this.host = (socket.remoteAddress ?? '?').replace(/^::ffff:/, '');
    this.connection = new ControlConnection(socket, {
      parse: parseWorkerMessage,
      maxFrameBytes: PRE_AUTH_MAX_FRAME_BYTES,
      limitNote: ' before authentication',
      onMessage: (received) => this.receive(received),
    });
    this.authTimer = setTimeout(() => this.connection.destroy(`no authentication within ${options.authTimeoutMs} ms`), options.authTimeoutMs);
    void this.connection.closed.then(() => clearTimeout(this.authTimer));
    this.connection.send({ type: 'challenge', protocol: CONTROL_PROTOCOL, nonce: this.nonce });
  }

  get remote(): string {
    return this.connection.remote;
  }

  get joined(): boolean {
    return this.state === 'joined';
  }

  private receive(received: Received<WorkerMessage>): void {
    this.lastHeardAt = Date.now();
    const { message } = received;
    if (this.state === 'joined') return this.options.onMessage(this, received);
    if (this.state === 'authenticating' && message.type === 'answer') {
      if (!proofsMatch(workerProof(this.options.token, this.nonce, message.nonce), message.proof)) {
        this.connection.send({ type: 'refuse', reason: WRONG_TOKEN });
        this.connection.close(WRONG_TOKEN);
        return this.options.onRefused(this, WRONG_TOKEN);
      }
      this.state = 'joining';
      this.connection.setLimit(this.options.maxFrameBytes);
      this.connection.send({ type: 'welcome', proof: coordinatorProof(this.options.token, this.nonce, message.nonce) });
      return;
    }
    if (this.state === 'joining' && message.type === 'join') {
      clearTimeout(this.authTimer);
      this.hostname = message.hostname;
      this.pid = message.pid;
      this.dataAddress = message.address;
      this.state = 'joined';
      const refusal = this.options.onJoin(this);
      if (refusal !== null) {
        this.connection.send({ type: 'refuse', reason: refusal });
        this.connection.close(`refused: ${refusal}`);
        return this.options.onRefused(this, refusal);
      }
      return;
    }
    this.connection.destroy(`unexpected "${message.type}" message while ${this.state}`);
  }
}
