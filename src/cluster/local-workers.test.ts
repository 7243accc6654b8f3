/** Local worker processes: output captured per child, pids, kill, and stop of what remains. */
import { describe, expect, it } from 'vitest';
import { launchLocalWorkers } from './local-workers.js';

describe('launchLocalWorkers', () => {
  it('captures each child’s stderr, reports exits, kills one, and stops the rest', async () => {
    const lines: string[] = [];
    const script = [
      'const i = process.env.LOOM_WORKER_INDEX;',
      'console.log(`out ${i}`); console.error(`err ${i} ${process.env.EXTRA}`);',
      'if (i === "0") process.exit(3);',
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const workers = launchLocalWorkers({ count: 3, command: process.execPath, args: ['-e', script], env: { EXTRA: 'x' }, log: (line) => lines.push(line) });
    try {
      expect(workers.pids).toHaveLength(3);
      expect(new Set(workers.pids).size).toBe(3);
      expect(await workers.exits[0]).toEqual({ code: 3, signal: null });
      expect(workers.kill(0)).toBe(false); // already gone
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(workers.kill(1, 'SIGKILL')).toBe(true);
      expect(await workers.exits[1]).toEqual({ code: null, signal: 'SIGKILL' });
    } finally {
      await workers.stop(1_000);
    }
    expect((await workers.exits[2]).signal).toBe('SIGTERM');
    expect(workers.stderr(0)).toBe('err 0 x\n');
    expect(workers.stderr(2)).toBe('err 2 x\n');
    expect(lines).toContain('[worker 1] out 1');
    expect(lines).toContain('[worker 2] exited (SIGTERM)');
  });
});
