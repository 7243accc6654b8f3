import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RandomSampler } from '../samplers/random.js';
import { floatDistribution } from '../space/distribution.js';
import { memoryJournal } from './journal.js';
import { Study } from './study.js';
import { lostWorkerPid, pidAlive, processScope, workerProcessTag } from './worker-process.js';

const linux = process.platform === 'linux';
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** The pid of a process that ran and has been waited for (so it exists no more). */
const exitedPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

async function liveChild(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  started.push(child);
  await once(child, 'spawn');
  return child;
}

describe.skipIf(!linux)('worker processes (Linux: boot id and pid namespace)', () => {
  it('tags this process with its boot id, pid namespace and pid', () => {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    expect(processScope()).toBe(`${boot}/${readlinkSync('/proc/self/ns/pid')}`);
    expect(workerProcessTag()).toBe(`${boot}/${readlinkSync('/proc/self/ns/pid')}/${process.pid}`);
  });

  it('names the pid of a process of this scope that is gone, and nothing else', async () => {
    const scope = processScope() as string;
    const dead = exitedPid();
    const live = (await liveChild()).pid as number;
    expect(lostWorkerPid(`${scope}/${dead}`)).toBe(dead);
    expect(lostWorkerPid(`${scope}/${live}`)).toBeNull();
    expect(lostWorkerPid(`${scope}/${process.pid}`)).toBeNull(); // this process is not lost
    // Another machine (boot id) or container (pid namespace): its pids mean nothing here.
    expect(lostWorkerPid(`00000000-0000-0000-0000-000000000000/${scope.split('/')[1]}/${dead}`)).toBeNull();
    expect(lostWorkerPid(`${scope.split('/')[0]}/pid:[1]/${dead}`)).toBeNull();
    expect(lostWorkerPid(undefined)).toBeNull();
    expect(lostWorkerPid(null)).toBeNull();
    expect(lostWorkerPid(`${scope}/x`)).toBeNull();
    expect(lostWorkerPid(`${scope}/${dead}`, null)).toBeNull(); // this process's scope unknown
  });

  it('counts a zombie (exited, not yet waited for by its parent) as gone', async () => {
    // sh's background child exits a moment after sh has become sleep, which never waits for it
    // (a child that exited before the exec could be reaped by sh itself).
    const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(parent);
    const [line] = (await once(parent.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    const zombie = Number(line.toString().trim());
    for (let i = 0; i < 200 && !/\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /);
    expect(() => process.kill(zombie, 0)).not.toThrow(); // the signal check alone would call it alive
    expect(pidAlive(zombie)).toBe(false);
    expect(pidAlive(parent.pid as number)).toBe(true);
  });

  /** A journal holding one running trial, created (a moment ago) by the process `pid` of this scope. */
  async function heldBy(pid: number) {
    const journal = memoryJournal();
    const at = Date.now();
    await journal.append([
      { op: 'study', name: 's', direction: 'minimize', at },
      { op: 'create', worker: `box:${pid}`, at, attrs: { workerProcess: `${processScope()}/${pid}` }, params: { x: { distribution: floatDistribution('x', 0, 1), value: 0.25 } } },
    ]);
    return journal;
  }

  it('fails at once the trial of a tuner of this machine that is gone, and runs it again', async () => {
    const dead = exitedPid();
    const study = await Study.open({ sampler: new RandomSampler(1), backend: await heldBy(dead) }); // the default 60 s timeout
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { trials: 2 });
    const trials = study.trials();
    expect(trials.map((t) => t.state)).toEqual(['failed', 'complete', 'complete']);
    expect(trials[0].attrs.error).toMatch(new RegExp(`^worker box:${dead} is gone: process ${dead} no longer exists on this machine \\(last heartbeat \\d+ s ago\\)$`));
    expect(trials[1].attrs.retryOf).toBe(0);
    expect(trials[1].value).toBe(0.25);
    // The retry is now this process's: its tag names this process, not the lost one.
    expect(trials[1].attrs.workerProcess).toBe(workerProcessTag());
  });

  it('leaves the trial of a live process running (its heartbeat timeout decides)', async () => {
    const live = (await liveChild()).pid as number;
    const study = await Study.open({ sampler: new RandomSampler(1), backend: await heldBy(live) });
    await study.optimize((t) => t.suggestFloat('x', 0, 1), { trials: 2 });
    expect(study.trials().map((t) => t.state)).toEqual(['running', 'complete']);
    expect(study.trials()[0].attrs.error).toBeUndefined();
  });
});
