/**
 * Runs a peer baseline script (PyTorch, Optuna, numpy...) with Debian's Python and returns the JSON
 * lines it prints. Every peer, shared (../shared/peers) or bench-owned (bench/*.py), imports
 * ../shared/peers/fast_blas.py first, which runs it at its BLAS library's full speed where that is
 * safe and prints the kernel (`peer BLAS: ...`) on stderr; bench-owned peers find it through
 * LOOM_PEERS_DIR, which runPeer sets to PEERS_DIR. runPeer keeps the kernel lines: peerBlas() gives
 * them to the bench's table, and report.ts's finish() puts them in the last JSON line as `peer_blas`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PEERS_DIR = resolve(process.env.LOOM_PEERS_DIR ?? join(REPO_ROOT, '..', 'shared', 'peers'));
export const PEER_PYTHON = process.env.LOOM_PEER_PYTHON ?? '/usr/bin/python3';
const INSTALL_LINE = 'apt-get install -y python3-torch python3-optuna libopenblas0-pthread';

/** Throws with the install line when the peer cannot run here. */
export function checkPeerAvailable(script: string, pythonModule: string): void {
  const path = join(PEERS_DIR, script);
  if (!existsSync(path)) throw new Error(`peer script not found: ${path} (set LOOM_PEERS_DIR)`);
  const probe = spawnSync(PEER_PYTHON, ['-c', `import ${pythonModule}`], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${PEER_PYTHON} cannot import ${pythonModule}; install the peers: ${INSTALL_LINE}`);
}

export function runPeer<T>(script: string, args: readonly string[], timeoutMs = 600_000): T[] {
  // `script` is a name in the peers directory, or a path of its own (a bench-owned peer).
  const result = spawnSync(PEER_PYTHON, [resolve(PEERS_DIR, script), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    // The environment as it is (fast_blas.py decides about the OpenBLAS settings in the peer's own
    // process), plus where bench-owned peers find fast_blas.py.
    env: { ...process.env, LOOM_PEERS_DIR: PEERS_DIR },
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? (result.stderr ?? '').trim().split('\n').pop();
    throw new Error(`peer ${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal}): ${why}`);
  }
  reportPeerBlas(script, result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

const reportedBlas = new Set<string>();
/** Each kernel a peer reported (the text after `peer BLAS: `), in the order first seen. */
const kernels = new Set<string>();

/**
 * The BLAS kernel(s) the peers of this run said they ran on, e.g. `Cooperlake (no
 * OPENBLAS_CORETYPE)`; several are joined by ` | `. Null when no peer has run (or none printed a
 * `peer BLAS:` line).
 */
export function peerBlas(): string | null {
  return kernels.size === 0 ? null : [...kernels].join(' | ');
}

/** Prints, once per peer and kernel, the BLAS kernel a peer says it runs on (fast_blas.py's `peer BLAS: ...` line). */
function reportPeerBlas(script: string, stderr: string): void {
  for (const line of new Set(stderr.split('\n').filter((l) => l.startsWith('peer BLAS:')))) {
    kernels.add(line.slice('peer BLAS:'.length).trim());
    const key = `${script} ${line}`;
    if (reportedBlas.has(key)) continue;
    reportedBlas.add(key);
    process.stdout.write(`${line.trim()} (${script.split('/').pop()})\n`);
  }
}

