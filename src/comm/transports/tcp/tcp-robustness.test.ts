/**
 * A hostile or broken peer: the receiving rank closes that connection with a clear error, pending
 * receives from that peer reject with it, and the process and the transport stay alive.
 * Rank 0 is a real TcpTransport; "rank 1" is a raw socket driven by the test.
 */
import { connect, type Socket } from 'node:net';
import { fletcher4 } from '../../kernels/fletcher4.js';
import { afterEach, describe, expect, it } from 'vitest';
import { LoomError } from '../../../util/errors.js';
import { encodeFrameHeader, FIRST_FRAME, FrameKind, LAST_FRAME, WHOLE_MESSAGE } from './frame.js';
import { listenTcp } from './listener.js';
import { connectTcpTransport, type TcpTransport } from './tcp-transport.js';
import { parseAddress } from './address.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function helloFrame(rank: number, size: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32LE(rank, 0);
  payload.writeUInt32LE(size, 4);
  return Buffer.concat([encodeFrameHeader(FrameKind.hello, 0, WHOLE_MESSAGE, 8, payload), payload]);
}

function dataFrame(tag: number, payload: Buffer, flags = WHOLE_MESSAGE, messageLength = payload.length): Buffer {
  return Buffer.concat([encodeFrameHeader(FrameKind.data, tag, flags, messageLength, payload), payload]);
}

async function rawSocket(address: string): Promise<Socket> {
  const { host, port } = parseAddress(address);
  const socket = connect({ host, port });
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => {}); // resets are expected here
  socket.resume(); // discard what rank 0 sends (its hello), so that its close is seen
  cleanups.push(() => socket.destroy());
  return socket;
}

const closed = (socket: Socket): Promise<void> => new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

/** A listener for fake rank 1 that answers every connection with rank 1's hello; resolves each accepted socket. */
async function fakeRankOneServer(): Promise<{ address: string; accepted: Promise<Socket> }> {
  const { server, address } = await listenTcp();
  cleanups.push(() => server.close());
  const accepted = new Promise<Socket>((resolve) => {
    server.on('connection', (socket: Socket) => {
      socket.on('error', () => {});
      socket.resume(); // discard rank 0's hello, so that its close is seen
      cleanups.push(() => socket.destroy());
      socket.write(helloFrame(1, 2));
      resolve(socket);
    });
  });
  return { address, accepted };
}

/**
 * Rank 0 for real, rank 1 faked with raw sockets. `peer` is the connection rank 0 dialed and
 * reads from (where rank 1's messages arrive); `dialed` is the one the fake dialed, which rank 0
 * sends on.
 */
async function rankZeroWithFakePeer(maxFrameBytes?: number, fragmentBytes?: number): Promise<{ transport: TcpTransport; peer: Socket; dialed: Socket; errors: LoomError[] }> {
  const listener = await listenTcp();
  cleanups.push(() => listener.close());
  const address = listener.address;
  const fake = await fakeRankOneServer();
  const errors: LoomError[] = [];
  const pending = connectTcpTransport({ rank: 0, addresses: [address, fake.address], listener, maxFrameBytes, fragmentBytes, onConnectionError: (e) => errors.push(e) });
  const dialed = await rawSocket(address);
  dialed.write(helloFrame(1, 2));
  const transport = await pending;
  cleanups.push(() => transport.close());
  return { transport, peer: await fake.accepted, dialed, errors };
}

async function expectConnectionFailure(send: (peer: Socket) => void, pattern: RegExp, maxFrameBytes?: number): Promise<void> {
  const { transport, peer, errors } = await rankZeroWithFakePeer(maxFrameBytes);
  const waiting = transport.recv(1, 3, new Float32Array(1024));
  send(peer);
  await expect(waiting).rejects.toThrow(LoomError);
  await expect(waiting).rejects.toThrow(pattern);
  await closed(peer); // rank 0 closed that connection
  expect(errors).toHaveLength(1);
  expect(errors[0].message).toMatch(/^rank 0: connection with rank 1 \(127\.0\.0\.1:\d+\) failed: /);
  expect(transport.connectionErrors).toEqual(errors);
  // Later receives from that peer fail the same way instead of hanging; the transport closes cleanly.
  await expect(transport.recv(1, 4, new Float32Array(1))).rejects.toThrow(pattern);
  await transport.close();
}

describe('TCP transport against a broken peer', () => {
  it('garbage bytes: bad magic', async () => {
    await expectConnectionFailure((peer) => peer.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), /bad magic 0x20544547 \(not a Loom frame\)/);
  });

  it('a header whose own checksum is wrong', async () => {
    const frame = dataFrame(3, Buffer.alloc(16, 1));
    frame[16] ^= 0x01; // flip a length bit after the header CRC was computed
    await expectConnectionFailure((peer) => peer.write(frame), /bad header checksum/);
  });

  it('a payload with a bad checksum', async () => {
    const frame = dataFrame(3, Buffer.alloc(64, 7));
    frame[frame.length - 1] ^= 0xff;
    await expectConnectionFailure((peer) => peer.write(frame), /payload checksum mismatch on a 64-byte frame \(tag 3\)/);
  });

  it('an oversized frame is refused from its header, naming peer and size', async () => {
    const header = encodeFrameHeader(FrameKind.data, 3, WHOLE_MESSAGE, 4096, Buffer.alloc(4096));
    await expectConnectionFailure((peer) => peer.write(header), /rank 1 .*frame of 4096 bytes exceeds the 1024-byte limit/, 1024);
  });

  it('a truncated frame followed by close', async () => {
    const frame = dataFrame(3, Buffer.alloc(1000, 2));
    await expectConnectionFailure((peer) => peer.end(frame.subarray(0, 32 + 100)), /connection closed in the middle of a frame \(after 100 of 1000 payload bytes\)/);
  });

  it('a message cut off after its first frame', async () => {
    const frame = dataFrame(3, Buffer.alloc(100, 2), FIRST_FRAME, 300);
    await expectConnectionFailure((peer) => peer.end(frame), /connection closed in the middle of a message \(after 100 of 300 bytes\)/);
  });

  it('a continuation frame with no message begun', async () => {
    await expectConnectionFailure((peer) => peer.write(dataFrame(3, Buffer.alloc(8), LAST_FRAME, 16)), /continuation frame \(tag 3\) does not belong/);
  });

  it('a new message that starts inside another one', async () => {
    const frames = Buffer.concat([dataFrame(3, Buffer.alloc(8), FIRST_FRAME, 16), dataFrame(4, Buffer.alloc(8))]);
    await expectConnectionFailure((peer) => peer.write(frames), /a new message \(tag 4\) began before message tag 3 ended/);
  });

  it('a header split over many tiny writes, then valid data, is read correctly', async () => {
    const { transport, peer } = await rankZeroWithFakePeer();
    const values = Float32Array.from({ length: 33 }, (_, i) => i - 5);
    const frame = dataFrame(3, Buffer.from(values.buffer));
    for (let i = 0; i < frame.length; i += 5) peer.write(frame.subarray(i, i + 5));
    const into = new Float32Array(33);
    await expect(transport.recv(1, 3, into)).resolves.toBe(132);
    expect(Array.from(into)).toEqual(Array.from(values));
  });

  it('garbage and impostor connections during the handshake are closed; the real peer still joins', async () => {
    const listener = await listenTcp();
    cleanups.push(() => listener.close());
    const address = listener.address;
    const fake = await fakeRankOneServer();
    const errors: LoomError[] = [];
    const pending = connectTcpTransport({ rank: 0, addresses: [address, fake.address], listener, onConnectionError: (e) => errors.push(e) });
    const garbage = await rawSocket(address);
    garbage.write(Buffer.alloc(64, 0xab));
    await closed(garbage);
    const impostor = await rawSocket(address);
    impostor.write(helloFrame(5, 2));
    await closed(impostor);
    const wrongWorld = await rawSocket(address);
    wrongWorld.write(helloFrame(1, 3));
    await closed(wrongWorld);
    const dialed = await rawSocket(address);
    dialed.write(helloFrame(1, 2));
    const transport = await pending;
    cleanups.push(() => transport.close());
    const peer = await fake.accepted;
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/unidentified peer 127\.0\.0\.1:\d+ failed: bad magic 0xabababab/),
      expect.stringMatching(/rank 5 may not connect to rank 0 now \(expected one of 1\)/),
      expect.stringMatching(/peer says the world has 3 ranks, this rank expects 2/),
    ]);
    const payload = Buffer.from(Float32Array.of(1, 2, 3).buffer);
    peer.write(dataFrame(8, payload));
    const into = new Float32Array(3);
    await transport.recv(1, 8, into);
    expect(Array.from(into)).toEqual([1, 2, 3]);
  });

  it('garbage on the connection rank 0 sends on is caught too', async () => {
    const { transport, dialed, errors } = await rankZeroWithFakePeer();
    const waiting = expect(transport.recv(1, 3, new Float32Array(4))).rejects.toThrow(/bad magic/);
    dialed.write(Buffer.alloc(40, 0x11));
    await waiting;
    await closed(dialed);
    expect(errors).toHaveLength(1);
    await expect(transport.send(1, 3, new Float32Array(4))).rejects.toThrow(/bad magic/);
  });

  it('a clean close of the connection rank 0 sends on does not fail data still arriving on the other', async () => {
    // As at the end of a job: the peer finishes, closes both its connections, and its last
    // message may still be in flight on the connection rank 0 reads from.
    const { transport, peer, dialed } = await rankZeroWithFakePeer();
    const into = new Float32Array(3);
    const waiting = transport.recv(1, 8, into);
    dialed.end();
    await closed(dialed);
    await new Promise((resolve) => setTimeout(resolve, 50));
    peer.write(dataFrame(8, Buffer.from(Float32Array.of(4, 5, 6).buffer)));
    await waiting;
    expect(Array.from(into)).toEqual([4, 5, 6]);
    await expect(transport.send(1, 3, new Float32Array(4))).rejects.toThrow(/peer closed the connection/);
  });

  it('sends a message larger than the frame limit as several frames, each checksummed', async () => {
    const { transport, dialed } = await rankZeroWithFakePeer(1024, 1000);
    const received: Buffer[] = [];
    dialed.on('data', (chunk: Buffer) => received.push(chunk));
    await transport.send(1, 6, new Uint8Array(2500).fill(9));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const wire = Buffer.concat(received).subarray(32 + 8); // after rank 0's hello
    const frames = [1000, 1000, 500].map((length, i, all) => {
      const at = all.slice(0, i).reduce((sum, n) => sum + 32 + n, 0);
      return { header: wire.subarray(at, at + 32), payload: wire.subarray(at + 32, at + 32 + length) };
    });
    expect(frames.map((f) => [f.header.readUInt16LE(6), f.header.readUInt32LE(12), f.header.readUInt32LE(16)])).toEqual([
      [FIRST_FRAME, 2500, 1000],
      [0, 2500, 1000],
      [LAST_FRAME, 2500, 500],
    ]);
    for (const f of frames) expect(f.header.readUInt32LE(20)).toBe(fletcher4(f.payload));
    expect(wire.length).toBe(3 * 32 + 2500);
  });
});
