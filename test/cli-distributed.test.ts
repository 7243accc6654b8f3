/**
 * Data-parallel runs through the `loom` command as a user types them, and the mistakes a user
 * makes with them: each must end in one line on stderr naming the problem and a non-zero exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, LOOM, loom, ROOT } from './support/cli.js';

const short = ['--plain', '--set', 'train.epochs=1', '--set', 'train.evalLimit=200'];

describe('loom train/demo with several workers', () => {
  it('--workers 2 (threads) trains and ends with the per-rank time table', () => {
    const result = loom('demo', '--workers', '2', ...short);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/global batch 64 over 2 workers \(threads\)/);
    expect(result.stdout).toMatch(/test accuracy \d+\.\d+%/);
    expect(result.stdout).toMatch(/^rank\s+steps\s+compute s\s+comm s\s+wait s\s+sent MB\s+recv MB\s+comm share$/m);
    expect(result.stdout).toMatch(/^1\s+93\s/m);
  });

  it('--mode virtual labels its times as simulated', () => {
    const result = loom('demo', '--workers', '4', '--mode', 'virtual', ...short);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/simulated samples\/s/);
    expect(result.stdout).toMatch(/compute sim s/);
    expect(result.stdout).toMatch(/^3\s+93\s/m);
  });

  it('refuses a bad worker count, mode or policy, naming the key and value', () => {
    expectOneLineError(loom('demo', '--workers', '0'), /distributed\.workers = 0 is invalid/);
    expectOneLineError(loom('demo', '--mode', 'cloud'), /distributed\.mode = "cloud" is invalid/);
    expectOneLineError(loom('demo', '--workers', '2', '--mode', 'procs', '--on-failure', 'retry'), /distributed\.onFailure = "retry" is invalid/);
  });

  it('hosts mode needs a token file and a listen address', () => {
    expectOneLineError(loom('demo', '--workers', '2', '--mode', 'hosts'), /hosts mode needs a job token: --token-file FILE/);
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-hosts-'));
    const token = join(dir, 'token');
    writeFileSync(token, 'short\n');
    expectOneLineError(loom('demo', '--workers', '2', '--mode', 'hosts', '--token-file', token, '--listen', '127.0.0.1:0'), /token file .*token" holds 5 bytes; a job token needs at least 16/);
    writeFileSync(token, 'a-long-enough-job-token-0123456789\n');
    expectOneLineError(loom('demo', '--workers', '2', '--mode', 'hosts', '--token-file', token), /hosts mode needs --listen HOST:PORT/);
  });

  it('a worker with the wrong token is refused by the coordinator and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-cli-token-'));
    const right = join(dir, 'right');
    const wrong = join(dir, 'wrong');
    writeFileSync(right, 'the-right-job-token-0123456789\n');
    writeFileSync(wrong, 'a-wrong-job-token-0123456789ab\n');
    const coordinator = spawn(process.execPath, [LOOM, 'demo', '--workers', '2', '--mode', 'hosts', '--token-file', right, '--listen', '127.0.0.1:0', '--set', 'distributed.joinTimeoutSec=20'], { cwd: ROOT });
    let log = '';
    coordinator.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      const address = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address in: ${log}`)), 20_000);
        coordinator.stderr.on('data', () => {
          const match = /listening on (\S+);/.exec(log);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const worker = loom('worker', '--join', address, '--token-file', wrong);
      expectOneLineError(worker, new RegExp(`coordinator ${address.replace(/\./g, '\\.')} refused this worker: wrong job token`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(log).toMatch(/refused 127\.0\.0\.1:\d+: wrong job token/);
    } finally {
      coordinator.kill('SIGKILL');
    }
  });

  it('loom worker names a missing token file', () => {
    expectOneLineError(loom('worker', '--join', '127.0.0.1:9', '--token-file', '/nonexistent/token'), /\/nonexistent\/token/);
  });
});
