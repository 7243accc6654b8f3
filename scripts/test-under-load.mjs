#!/usr/bin/env node
/**
 * npm run test:under-load — the test suite on a machine whose cores are busy: two child processes
 * spin (a two-thread CPU hog) while the tests run, so that timing assumptions (timeouts, "within a
 * second", heartbeats, races between workers) show up here rather than on a loaded CI runner.
 *
 *   npm run test:under-load                 # `npm test` (typecheck, cycles, build, vitest) under the hog
 *   npm run test:under-load -- src/util     # only `vitest run src/util` under the hog (no build:
 *                                           # the CLI tests run dist/, so build first if src changed)
 *
 * LOOM_HOG_THREADS=N changes the number of spinning processes (default 2). The hog stops however
 * the tests end (pass, fail, crash, Ctrl-C or a kill of this script: each hog also ends by itself
 * once this process is gone), and the script exits with the tests' status. The environment is
 * passed to the tests as it is.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const threads = Number(process.env.LOOM_HOG_THREADS ?? '2');
if (!Number.isInteger(threads) || threads < 0) {
  process.stderr.write(`test:under-load: LOOM_HOG_THREADS must be a non-negative integer; got ${JSON.stringify(process.env.LOOM_HOG_THREADS)}\n`);
  process.exit(2);
}

// A hog spins; every ~10^7 iterations it checks that its parent is still this script, and ends if
// not (so even a SIGKILL of this script leaves no spinning orphan behind).
const HOG = `const parent = ${process.pid}; for (;;) { let x = 0; for (let i = 0; i < 1e7; i++) x += i; if (process.ppid !== parent) process.exit(0); }`;
const hogs = Array.from({ length: threads }, () => spawn(process.execPath, ['-e', HOG], { stdio: 'ignore' }));

let stopped = false;
function stopHogs() {
  if (stopped) return;
  stopped = true;
  for (const hog of hogs) if (hog.exitCode === null && hog.signalCode === null) hog.kill('SIGKILL');
}
process.on('exit', stopHogs);

const args = process.argv.slice(2);
const [command, commandArgs] = args.length === 0 ? ['npm', ['test']] : ['npx', ['vitest', 'run', ...args]];
process.stdout.write(`test:under-load: ${threads} spinning process${threads === 1 ? '' : 'es'} (pids ${hogs.map((h) => h.pid).join(', ') || 'none'}) while running: ${[command, ...commandArgs].join(' ')}\n`);

const tests = spawn(command, commandArgs, { stdio: 'inherit' });

// Ctrl-C reaches the tests too (same process group); a signal sent to this script alone is passed on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (tests.exitCode === null && tests.signalCode === null) tests.kill(signal);
  });
}

tests.on('error', (error) => {
  stopHogs();
  process.stderr.write(`test:under-load: could not start ${command}: ${error.message}\n`);
  process.exit(2);
});

tests.on('exit', (code, signal) => {
  stopHogs();
  const status = code ?? 128 + (constants.signals[signal] ?? 1);
  process.stdout.write(`test:under-load: hog stopped; tests exited with ${signal ? `${signal} (${status})` : status}\n`);
  process.exit(status);
});
