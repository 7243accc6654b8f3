/**
 * A listening TCP server that keeps the connections arriving before a transport takes over:
 * the address can be published (rendezvous) before this rank starts its mesh, and peers that
 * dial early are not lost.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { LoomError } from '../../../util/errors.js';
import { formatAddress } from './address.js';

export class TcpListener {
  private waiting: Socket[] = [];
  private handler: ((socket: Socket) => void) | null = null;

  private constructor(readonly server: Server, readonly address: string) {
    server.on('connection', (socket) => {
      if (this.handler) this.handler(socket);
      else {
        socket.on('error', () => {}); // until a transport looks at it
        this.waiting.push(socket);
      }
    });
  }

  /** Listens on host:port (port 0: any free port); `address` is the resulting "host:port". */
  static async listen(host = '127.0.0.1', port = 0): Promise<TcpListener> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    if (!bound || typeof bound === 'string') throw new LoomError(`TCP server on ${host} has no port`);
    return new TcpListener(server, formatAddress(host, bound.port));
  }

  /** Hands every connection, queued ones first, to `handler` until `release`. */
  take(handler: (socket: Socket) => void): void {
    this.handler = handler;
    for (const socket of this.waiting.splice(0)) handler(socket);
  }

  release(): void {
    this.handler = null;
  }

  close(): void {
    this.server.close();
    for (const socket of this.waiting.splice(0)) socket.destroy();
  }
}

export const listenTcp = TcpListener.listen;
