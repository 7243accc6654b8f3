/**
 * Coordinator and workers in one process: authentication both ways, rendezvous limits, hostile
 * connections, job errors and checkpoints. (Worker processes, kills and stops: processes.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { LoomError } from '../util/errors.js';
import { workerProof } from './auth.js';
import { encodeControlFrame } from './control/frame.js';
import { ControlFrameReader } from './control/reader.js';
import { Coordinator, type CoordinatorOptions } from './coordinator.js';
import { joinCoordinator } from './worker.js';
import { joinInProcess, localPorts, rawSocket, rejection, socketClosed, startCoordinator, startProxy, testToken, within } from './test-support/harness.js';
import type { SumResult } from './test-support/test-jobs.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function coordinatorFor(options: Parameters<typeof startCoordinator>[0]) {
  const started = await startCoordinator(options);
  cleanups.push(() => started.coordinator.close());
  return started;
}

async function runSumJob(coordinator: Coordinator, token: Uint8Array, workers: number): Promise<SumResult[]> {
  const outcome = coordinator.run();
  const joined = Array.from({ length: workers }, () => joinInProcess(coordinator.address, token));
  const [{ results }] = await within(Promise.all([outcome, ...joined]), 10_000, 'sum job');
  return results as SumResult[];
}

describe('options', () => {
  it.each([
    ['a short token', { token: new Uint8Array(8), workers: 1 }, 'job token must be at least 16 bytes, got 8'],
    ['zero workers', { token: testToken(), workers: 0 }, 'coordinator option workers must be an integer of at least 1, got 0'],
    ['an unknown onFailure', { token: testToken(), workers: 2, onFailure: 'retry' }, 'coordinator option onFailure must be "fail", "restart" or "continue", got "retry"'],
    ['a payload that is not JSON', { token: testToken(), workers: 2, payload: { n: 1n } }, 'coordinator payload must be JSON: Do not know how to serialize a BigInt'],
  ])('refuses %s', async (_name, options, message) => {
    const error = await rejection(Coordinator.listen(options as CoordinatorOptions));
    expect(error).toBeInstanceOf(LoomError);
    expect(error.message).toBe(message);
  });
});

describe('authentication', () => {
  it('workers with the right token join and run a job', async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 3, payload: { kind: 'sum', length: 1000 } });
    const results = await runSumJob(coordinator, token, 3);
    expect(results).toEqual([0, 1, 2].map((rank) => ({ rank, size: 3, exact: true })));
  });

  it('a wrong token is refused, with the reason on both sides and in the log', async () => {
    const token = testToken();
    const { coordinator, waitForLine } = await coordinatorFor({ token, workers: 1, payload: { kind: 'sum', length: 10 } });
    const refused: string[] = [];
    coordinator.on('refused', (remote, reason) => refused.push(`${remote} ${reason}`));
    const error = await rejection(joinInProcess(coordinator.address, testToken()));
    expect(error).toBeInstanceOf(LoomError);
    expect(error.message).toBe(`coordinator ${coordinator.address} refused this worker: wrong job token`);
    expect(await waitForLine(/^refused 127\.0\.0\.1:\d+: wrong job token$/)).toBeTruthy();
    expect(refused).toHaveLength(1);
    // The coordinator still serves the right worker afterwards.
    const outcome = coordinator.run();
    await within(Promise.all([outcome, joinInProcess(coordinator.address, token)]), 10_000, 'job after a refusal');
  });

  it('the token never crosses the wire, in bytes or as hex', async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 2, payload: { kind: 'sum', length: 100 } });
    // A proxy in front of the coordinator that records every byte the workers send.
    const sent: Buffer[] = [];
    const { server: proxy, address: proxyAddress } = await startProxy(coordinator.address, { onClientData: (chunk) => sent.push(chunk) });
    cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
    const outcome = coordinator.run();
    await within(Promise.all([outcome, joinInProcess(proxyAddress, token), joinInProcess(proxyAddress, token)]), 10_000, 'job through the proxy');
    const wire = Buffer.concat(sent);
    expect(wire.length).toBeGreaterThan(100);
    expect(wire.includes(Buffer.from(token))).toBe(false);
    expect(wire.includes(Buffer.from(Buffer.from(token).toString('hex')))).toBe(false);
    expect(wire.includes(Buffer.from(Buffer.from(token).toString('hex'), 'hex'))).toBe(false);
  });

  it('a worker does not trust a coordinator that cannot prove it holds the token', async () => {
    const received: Buffer[] = [];
    const fake = createServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        for (const part of encodeControlFrame({ type: 'welcome', proof: 'ab'.repeat(32) })) socket.write(part);
      });
      for (const part of encodeControlFrame({ type: 'challenge', protocol: 1, nonce: 'cd'.repeat(32) })) socket.write(part);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => fake.close(resolve)));
    const address = `127.0.0.1:${(fake.address() as { port: number }).port}`;
    const error = await rejection(joinInProcess(address, testToken()));
    expect(error.message).toBe(`coordinator ${address} could not prove it holds the job token`);
    expect(Buffer.concat(received).includes(Buffer.from('"join"'))).toBe(false);
  });
});

describe('rendezvous', () => {
  it('refuses workers beyond the count, with the reason', async () => {
    const token = testToken();
    const { coordinator, waitForLine } = await coordinatorFor({ token, workers: 2, payload: { kind: 'sum', length: 10 } });
    const first = [joinInProcess(coordinator.address, token), joinInProcess(coordinator.address, token)];
    await waitForLine(/\(2 of 2\)$/);
    const extra = await rejection(joinInProcess(coordinator.address, token));
    expect(extra.message).toBe(`coordinator ${coordinator.address} refused this worker: the job already has its 2 workers`);
    await within(Promise.all([coordinator.run(), ...first]), 10_000, 'job');
    const late = await rejection(joinInProcess(coordinator.address, token));
    expect(late.message).toMatch(/refused this worker: the job has ended$/);
  });

  it('run() fails when too few workers join in time, and the joined ones are stopped', async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 3, joinTimeoutMs: 400, payload: { kind: 'sum', length: 10 } });
    const joined = joinInProcess(coordinator.address, token);
    const error = await rejection(coordinator.run());
    expect(error.message).toBe('only 1 of 3 workers joined within 400 ms');
    expect((await rejection(joined)).message).toBe(`coordinator ${coordinator.address} stopped the job: only 1 of 3 workers joined within 400 ms`);
  });
});

describe('hostile connections', () => {
  it('garbage, an oversized frame, a truncated frame and a silent peer are each closed and logged; a job still runs', async () => {
    const token = testToken();
    const { coordinator, lines, waitForLine } = await coordinatorFor({ token, workers: 2, authTimeoutMs: 500, payload: { kind: 'sum', length: 500 } });
    const garbage = await rawSocket(coordinator.address);
    garbage.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const oversized = await rawSocket(coordinator.address);
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0x4c4d4350, 0);
    header.writeUInt8(1, 4);
    header.writeUInt32LE(2, 8);
    header.writeUInt32LE(0x7fffffff, 12);
    header.writeUInt32LE(crc32(header.subarray(0, 20)), 20);
    oversized.write(header);
    const truncated = await rawSocket(coordinator.address);
    truncated.end(Buffer.concat(encodeControlFrame({ type: 'answer', proof: 'ab'.repeat(32), nonce: 'cd'.repeat(32) })).subarray(0, 40));
    const silent = await rawSocket(coordinator.address);
    const sockets = [garbage, oversized, truncated, silent];
    cleanups.push(() => sockets.forEach((socket) => socket.destroy()));
    await within(Promise.all(sockets.map(socketClosed)), 5_000, 'hostile sockets closed');
    const port = (socket: Socket): number => localPorts.get(socket) as number;
    await waitForLine(new RegExp(`^closed 127\\.0\\.0\\.1:${port(garbage)}: bad magic 0x20544547 \\(not a Loom control frame\\)$`));
    await waitForLine(new RegExp(`^closed 127\\.0\\.0\\.1:${port(oversized)}: frame of 2147483649 bytes exceeds the 4096-byte limit before authentication$`));
    await waitForLine(new RegExp(`^closed 127\\.0\\.0\\.1:${port(truncated)}: connection ended inside a frame \\(16 of \\d+ payload bytes\\)$`));
    await waitForLine(new RegExp(`^closed 127\\.0\\.0\\.1:${port(silent)}: no authentication within 500 ms$`));
    const results = await runSumJob(coordinator, token, 2);
    expect(results.map((r) => r.exact)).toEqual([true, true]);
    expect(lines.filter((line) => line.startsWith('closed '))).toHaveLength(4);
  });

  it('an authenticated worker that sends an invalid message is dropped; the job runs with others', async () => {
    const token = testToken();
    const { coordinator, waitForLine } = await coordinatorFor({ token, workers: 2, payload: { kind: 'sum', length: 64 } });
    // A raw client that authenticates correctly, joins, then sends a message with a wrong field type.
    const socket = await rawSocket(coordinator.address);
    socket.pause();
    cleanups.push(() => socket.destroy());
    const send = (body: unknown): void => void socket.write(Buffer.concat(encodeControlFrame(body)));
    const nonce = 'ef'.repeat(32);
    const frames: unknown[] = [];
    const reader = new ControlFrameReader(1 << 20, { frame: (f) => frames.push(f.body), error: (e) => frames.push(e) });
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      const last = frames[frames.length - 1] as { type: string; nonce: string };
      if (last?.type === 'challenge' && frames.length === 1) send({ type: 'answer', nonce, proof: workerProof(token, last.nonce, nonce) });
      if (last?.type === 'welcome') {
        send({ type: 'join', address: '127.0.0.1:9', hostname: 'raw', pid: 99 });
        send({ type: 'done', generation: 'zero', result: null });
      }
    });
    socket.resume();
    await waitForLine(/^worker 127\.0\.0\.1:\d+ \(pid 99\) left before the job started: message "done": field generation: Invalid input: expected number, received string$/);
    const results = await runSumJob(coordinator, token, 2);
    expect(results.map((r) => r.exact)).toEqual([true, true]);
  });

  it('after authentication the configured frame limit holds: a too-large checkpoint fails its rank', async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 1, maxFrameBytes: 4096, payload: null });
    const outcome = coordinator.run();
    const worker = rejection(joinCoordinator({
      coordinator: coordinator.address,
      token,
      heartbeatMs: 100,
      job: async (ctx) => ctx.saveCheckpoint(new Uint8Array(10_000), 1),
    }));
    const error = await rejection(outcome);
    expect(error.message).toMatch(/^rank 0 \(host 127\.0\.0\.1, pid \d+\) failed: control connection failed: frame of 10\d\d\d bytes exceeds the 4096-byte limit$/);
    expect((await worker).message).toMatch(/^lost the coordinator 127\.0\.0\.1:\d+: connection closed$/);
  });

  it('a job whose report is not JSON fails its rank, not the coordinator', async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 1, payload: null });
    const outcome = coordinator.run();
    const worker = rejection(joinCoordinator({
      coordinator: coordinator.address,
      token,
      heartbeatMs: 100,
      job: async (ctx) => {
        ctx.report({ big: 1n }); // JSON.stringify throws inside the job
        return null;
      },
    }));
    const error = await rejection(outcome);
    expect(error.message).toMatch(/^rank 0 \(host 127\.0\.0\.1, pid \d+\) failed: its job failed: Do not know how to serialize a BigInt/);
    expect((await worker).message).toMatch(/stopped the job: rank 0/);
  });
});

describe('failures and checkpoints in one process', () => {
  it("a job that throws fails the job with 'fail', naming the rank and the error", async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 3, payload: { kind: 'throw', failRank: 1 } });
    const failures: string[] = [];
    coordinator.on('failure', (record) => failures.push(record.message));
    const outcome = coordinator.run();
    const workers = [0, 1, 2].map(() => rejection(joinInProcess(coordinator.address, token)));
    const error = await rejection(outcome);
    expect(error).toBeInstanceOf(LoomError);
    expect(error.message).toBe(`rank 1 (host 127.0.0.1, pid ${process.pid}) failed: its job failed: rank 1 was told to throw`);
    expect(failures).toEqual([error.message]);
    for (const worker of workers) expect((await worker).message).toMatch(/stopped the job: rank 1 .* was told to throw/);
  });

  it("with 'restart' the survivors run the next generation without the failed rank", async () => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 3, onFailure: 'restart', payload: { kind: 'throw', failRank: 2 } });
    const outcome = coordinator.run();
    const workers = [0, 1, 2].map(() => joinInProcess(coordinator.address, token).then(() => 'finished', (error: Error) => error.message));
    const { results, restarts, failures } = await within(outcome, 10_000, 'restarted job');
    expect(restarts).toBe(1);
    expect(failures.map((f) => [f.generation, f.rank, f.cause])).toEqual([[0, 2, 'its job failed: rank 2 was told to throw']]);
    expect(results).toEqual([
      { generation: 1, rank: 0, size: 2, sum: 2 },
      { generation: 1, rank: 1, size: 2, sum: 2 },
    ]);
    const ends = await Promise.all(workers);
    expect(ends.filter((end) => end === 'finished')).toHaveLength(2);
    expect(ends.filter((end) => end !== 'finished')[0]).toMatch(/stopped the job: rank 2/);
  });

  it("with 'restart', a survivor whose job fails after the others aborted (before its own abort arrives) still runs the next generation", async () => {
    const token = testToken();
    const { coordinator, waitForLine } = await coordinatorFor({ token, workers: 3, onFailure: 'restart', failureGraceMs: 100, payload: { kind: 'throw', failRank: 2 } });
    // Once it has joined, rank 1's control connection runs through a proxy that holds the
    // coordinator's frames back 1.5 s. Rank 2 throws at once; the restart begins 0.5 s later (the
    // grace period, extended) and its abort reaches rank 0 at once, rank 1 1.5 s later. Rank 1's
    // start arrives after rank 0 has aborted, so its all-reduce fails on rank 0's closed data plane
    // and it reports a job error while the coordinator is restarting (with 0.5 s to spare).
    let delayMs = 0;
    const { server: proxy, address: proxyAddress } = await startProxy(coordinator.address, { delayMs: () => delayMs });
    cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
    const outcome = coordinator.run();
    // Ranks follow the order of joining.
    const workers = [joinInProcess(coordinator.address, token)];
    await waitForLine(/\(1 of 3\)$/);
    workers.push(joinInProcess(proxyAddress, token));
    await waitForLine(/\(2 of 3\)$/);
    delayMs = 1_500;
    workers.push(joinInProcess(coordinator.address, token));
    const ends = workers.map((worker) => worker.then(() => 'finished', (error: Error) => error.message));
    const { results, restarts, failures } = await within(outcome, 15_000, 'restarted job');
    expect(await waitForLine(/^generation 0: rank 1 reported after the abort: its job failed: .+; it is to rejoin$/, 1)).toBeTruthy();
    expect(restarts).toBe(1);
    expect(failures.map((f) => [f.generation, f.rank])).toEqual([[0, 2]]);
    expect(results).toEqual([
      { generation: 1, rank: 0, size: 2, sum: 2 },
      { generation: 1, rank: 1, size: 2, sum: 2 },
    ]);
    expect((await Promise.all(ends)).filter((end) => end === 'finished')).toHaveLength(2);
  });

  it.each([
    [{ minWorkers: 2 }, '; 1 workers survive, fewer than minWorkers 2'],
    [{ maxRestarts: 0 }, '; no restart left (maxRestarts 0)'],
  ])("'restart' still fails the job with %o", async (limits, suffix) => {
    const token = testToken();
    const { coordinator } = await coordinatorFor({ token, workers: 2, onFailure: 'restart', ...limits, payload: { kind: 'throw', failRank: 0 } });
    const outcome = rejection(coordinator.run());
    const workers = [0, 1].map(() => rejection(joinInProcess(coordinator.address, token)));
    const error = await outcome;
    expect(error.message).toBe(`rank 0 (host 127.0.0.1, pid ${process.pid}) failed: its job failed: rank 0 was told to throw${suffix}`);
    for (const worker of workers) expect((await worker).message).toMatch(/stopped the job: rank 0/);
  });

  it('checkpoints are written atomically, announced, and given to a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cluster-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const checkpointPath = join(dir, 'ckpt', 'latest.json');
    const token = testToken();
    const resume = Buffer.from(JSON.stringify({ iteration: 4 }));
    const { coordinator } = await coordinatorFor({
      token, workers: 2, checkpointPath, resume, payload: { kind: 'loop', iterations: 10, checkpointEvery: 3, sleepMs: 1 },
    });
    const checkpoints: [number, string | null][] = [];
    const reports: unknown[] = [];
    coordinator.on('checkpoint', (step, path) => checkpoints.push([step, path]));
    coordinator.on('report', (rank, record) => reports.push([rank, record]));
    const outcome = coordinator.run();
    const [{ results }] = await within(Promise.all([outcome, joinInProcess(coordinator.address, token), joinInProcess(coordinator.address, token)]), 10_000, 'loop');
    expect(results).toEqual([0, 1].map((rank) => ({ generation: 0, rank, size: 2, startedAt: 4, reached: 10 })));
    expect(checkpoints).toEqual([[6, checkpointPath], [9, checkpointPath]]);
    expect(reports).toEqual([5, 6, 7, 8, 9, 10].map((iteration) => [0, { generation: 0, iteration }]));
    expect(JSON.parse(readFileSync(checkpointPath, 'utf8'))).toEqual({ iteration: 9 });
  });
});

