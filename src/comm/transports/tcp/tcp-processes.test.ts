/** Ranks as separate OS processes talking over loopback TCP (the `procs` mode's code path). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { CollectiveCase } from '../../test-support/collective-cases.js';

const MAIN = fileURLToPath(new URL('../../test-support/tcp-process-main.ts', import.meta.url));

function nextLine(child: ChildProcessWithoutNullStreams): Promise<Record<string, number>> {
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      lines.close();
      resolve(JSON.parse(line) as Record<string, number>);
    });
    child.once('exit', (code) => reject(new Error(`rank process exited with ${code}`)));
  });
}

describe('TCP transport between separate processes', () => {
  it('three rank processes run every collective with exact results', async () => {
    const size = 3;
    const cases: CollectiveCase[] = [
      ...(['ring', 'halving-doubling', 'tree', 'auto'] as const).flatMap((algorithm) =>
        [0, 1021, 200_003].map((count): CollectiveCase => ({ kind: 'allReduce', count, op: 'sum', algorithm })),
      ),
      { kind: 'allReduce', count: 1021, op: 'mean', algorithm: 'halving-doubling' },
      { kind: 'broadcast', count: 50_000, root: 2 },
      { kind: 'reduce', count: 1021, root: 1, op: 'mean' },
      { kind: 'allGather', count: 100_001 },
      { kind: 'reduceScatter', count: 100_001, op: 'sum' },
      { kind: 'barrier' },
      { kind: 'concurrent', count: 4099 },
      { kind: 'pointToPoint', count: 13 },
    ];
    const children = Array.from({ length: size }, (_, rank) => spawn(process.execPath, ['--import', 'tsx', MAIN, String(rank)], { stdio: 'pipe' }));
    const stderr = children.map((child) => {
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      return () => text;
    });
    try {
      const ports = await Promise.all(children.map(nextLine));
      const addresses = ports.map((p) => `127.0.0.1:${p.port}`);
      const results = children.map(nextLine);
      for (const child of children) child.stdin.end(`${JSON.stringify({ addresses, cases })}\n`);
      const done = await Promise.all(results).catch((error: Error) => {
        throw new Error(`${error.message}\n${stderr.map((text, rank) => `rank ${rank}: ${text()}`).join('\n')}`);
      });
      expect(done.map((d) => d.passed)).toEqual([cases.length, cases.length, cases.length]);
      expect(new Set(done.map((d) => d.pid)).size).toBe(size);
    } finally {
      for (const child of children) child.kill();
    }
  });
});
