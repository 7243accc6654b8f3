/**
 * `hosts` mode across machines, as far as one machine can show it: each worker runs in its own
 * network namespace (its own network stack and address, joined to the coordinator's namespace by
 * veth pairs on a bridge), joins the coordinator by address and job token with
 * `loom worker --join`, and the job trains over the workers' own TCP mesh. Needs root and
 * iproute2; elsewhere the workers use distinct loopback addresses (127.0.0.2, 127.0.0.3) instead.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { trainOnCluster } from '../../src/parallel/index.js';
import { MetricsStream } from '../../src/train/metrics.js';

const LOOM = fileURLToPath(new URL('../../bin/loom.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)));
const tag = String(process.pid % 10000);
const BRIDGE = `loombr${tag}`;
const SUBNET = '10.231.77';
const namespaces = [`loom-h1-${tag}`, `loom-h2-${tag}`];

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** Builds the two hosts; returns why not when this machine cannot. */
function setUpNamespaces(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    ip('link', 'add', BRIDGE, 'type', 'bridge');
    ip('addr', 'add', `${SUBNET}.1/24`, 'dev', BRIDGE);
    ip('link', 'set', BRIDGE, 'up');
    namespaces.forEach((ns, i) => {
      const host = `lv${tag}h${i}`;
      const peer = `lv${tag}p${i}`;
      ip('netns', 'add', ns);
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
      ip('link', 'set', peer, 'netns', ns);
      ip('link', 'set', host, 'master', BRIDGE);
      ip('link', 'set', host, 'up');
      ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${SUBNET}.${10 + i}/24`, 'dev', peer);
      ip('netns', 'exec', ns, 'ip', 'link', 'set', peer, 'up');
      ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    });
    return null;
  } catch (error) {
    tearDownNamespaces();
    return `network namespaces unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

function tearDownNamespaces(): void {
  for (const ns of namespaces) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // not created
    }
  }
  try {
    ip('link', 'del', BRIDGE);
  } catch {
    // not created
  }
}

const unavailable = built ? setUpNamespaces() : 'the compiled CLI is missing (npm run build)';
if (unavailable) console.warn(`hosts-netns: workers run on loopback addresses 127.0.0.2/.3 instead: ${unavailable}`);
const dir = mkdtempSync(join(tmpdir(), 'loom-hosts-'));
afterAll(() => {
  if (!unavailable) tearDownNamespaces();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!built)('hosts mode: workers on other hosts join by address and token', () => {
  it(unavailable ? 'trains with workers on 127.0.0.2 and 127.0.0.3' : 'trains with workers in two network namespaces', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'a-job-token-of-at-least-16-bytes\n', { mode: 0o600 });
    const coordinatorHost = unavailable ? '127.0.0.1' : `${SUBNET}.1`;
    const workerHosts = unavailable ? ['127.0.0.2', '127.0.0.3'] : [`${SUBNET}.10`, `${SUBNET}.11`];
    const config = validateConfig({
      seed: 4,
      backend: 'cpu',
      data: { name: 'blobs', classes: 3, dims: 8, trainSize: 300, testSize: 90, seed: 2 },
      model: { type: 'mlp', hidden: [16] },
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
      train: { steps: 30, batchSize: 30, logEvery: 10 },
      distributed: { workers: 2, mode: 'hosts', listen: `${coordinatorHost}:0`, tokenFile, joinTimeoutSec: 60 },
    });
    const log: string[] = [];
    const children: ChildProcess[] = [];
    const startWorkers = (line: string): void => {
      log.push(line);
      const match = /coordinator listening on (\S+);/.exec(line);
      if (!match) return;
      workerHosts.forEach((host, i) => {
        const args = [LOOM, 'worker', '--join', match[1], '--token-file', tokenFile, '--listen-host', host];
        const child = unavailable ? spawn(process.execPath, args, { stdio: 'ignore' }) : spawn('ip', ['netns', 'exec', namespaces[i], process.execPath, ...args], { stdio: 'ignore' });
        children.push(child);
      });
    };
    try {
      const metrics = new MetricsStream();
      const results = await trainOnCluster({ config, metrics, log: startWorkers });
      expect(results.map((r) => r.steps)).toEqual([30, 30]);
      expect(results[0].evaluation!.accuracy).toBeGreaterThan(0.6);
      for (const host of workerHosts) expect(log.some((line) => line.includes(`data plane ${host}:`))).toBe(true);
    } finally {
      for (const child of children) child.kill('SIGKILL');
    }
  });
});
