#!/usr/bin/env node
// The package's `install` script: builds the native kernels (native/) with node-gyp from source.
// It never fails the install: on any problem it prints one line saying why and that Loom uses the
// WebAssembly path, and exits 0. LOOM_NATIVE=0 skips the build.
//
//   node scripts/build-native.mjs             build native/build/Release/loom_native.node
//   node scripts/build-native.mjs --sanitize  build an AddressSanitizer+UBSan copy into
//                                             native/build-asan/ (fails loudly: a developer tool)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = join(ROOT, 'native');
const LOG = join(NATIVE, 'build-native.log');
const sanitize = process.argv.includes('--sanitize');
const TIMEOUT_MS = 10 * 60 * 1000;

function fallback(reason) {
  process.stdout.write(`loom: native kernels not built (${reason}); using the WebAssembly path\n`);
  process.exit(0);
}

function fatal(reason) {
  process.stderr.write(`loom: sanitizer build failed (${reason})\n`);
  process.exit(1);
}

/** node-gyp: the one npm runs lifecycle scripts with, else the copy bundled with npm. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** The C++ compiler make will call: $CXX, else c++ / g++ / clang++ on PATH. */
function findCompiler() {
  const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
  const cxx = process.env.CXX;
  if (cxx) {
    const program = cxx.trim().split(/\s+/)[0];
    return program.includes('/') ? existsSync(program) : onPath(program);
  }
  return ['c++', 'g++', 'clang++'].some(onPath);
}

/** Node's headers: npm's configured nodedir, else the ones installed next to this node. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

function lastError(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /error:|Error:|not found|No such file/.test(l) && !l.startsWith('gyp info'));
  return (error ?? lines.at(-1) ?? 'unknown error').replace(/^gyp ERR! (stack )?/, '').slice(0, 160);
}

/** Runs node-gyp rebuild in `cwd`; returns null on success, else a one-line reason. */
function rebuild(nodeGyp, cwd, extra) {
  const args = [nodeGyp, 'rebuild', ...nodedirArgs(), ...extra];
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: TIMEOUT_MS, env: process.env });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  try {
    writeFileSync(LOG, `$ node ${args.join(' ')}\n${output}`);
  } catch {
    // the log is a courtesy
  }
  if (result.error) return `node-gyp could not run: ${result.error.message}`;
  if (result.status !== 0) return `node-gyp exited ${result.status ?? result.signal}: ${lastError(output)}; log in native/build-native.log`;
  return null;
}

/** Loads the built addon in a child process; returns null when it loads, else the error. */
function probe(addon, env = process.env) {
  const code = `const m = require(${JSON.stringify(addon)}); process.stdout.write(m.info().kernel);`;
  const result = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env, timeout: 60_000 });
  if (result.status === 0) return { kernel: result.stdout.trim() };
  return { error: lastError(`${result.stderr}`) };
}

function buildRelease() {
  if (process.env.LOOM_NATIVE === '0') fallback('LOOM_NATIVE=0');
  const nodeGyp = findNodeGyp();
  if (nodeGyp === null) fallback('node-gyp not found: run through npm, or install node-gyp');
  if (!findCompiler()) fallback('no C++ compiler: set CXX or install g++');
  const reason = rebuild(nodeGyp, NATIVE, []);
  if (reason !== null) fallback(reason);
  const addon = join(NATIVE, 'build', 'Release', 'loom_native.node');
  const loaded = probe(addon);
  if (loaded.error) fallback(`built but does not load: ${loaded.error}`);
  process.stdout.write(`loom: native kernels built (${loaded.kernel}): native/build/Release/loom_native.node\n`);
}

/** ASan+UBSan build in native/build-asan/, from a binding.gyp there that points at the sources. */
function buildSanitized() {
  const nodeGyp = findNodeGyp();
  if (nodeGyp === null) fatal('node-gyp not found');
  if (!findCompiler()) fatal('no C++ compiler');
  const dir = join(NATIVE, 'build-asan');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The copy in build-asan/ points at the sources one level up and turns the sanitizers on.
  let spec;
  try {
    spec = JSON.parse(readFileSync(join(NATIVE, 'binding.gyp'), 'utf8'));
  } catch (err) {
    fatal(`binding.gyp is not plain JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const target = spec.targets?.[0];
  if (!Array.isArray(target?.sources) || spec.variables?.['loom_sanitize%'] === undefined) fatal('binding.gyp has an unexpected layout');
  target.sources = target.sources.map((source) => `../${source}`);
  spec.variables['loom_sanitize%'] = '1';
  const gyp = JSON.stringify(spec, null, 2);
  writeFileSync(join(dir, 'binding.gyp'), gyp);
  const reason = rebuild(nodeGyp, dir, []);
  if (reason !== null) fatal(reason);
  const addon = join(dir, 'loom_native.node');
  copyFileSync(join(dir, 'build', 'Release', 'loom_native.node'), addon);
  const libasan = spawnSync(process.env.CXX ?? 'g++', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout?.trim();
  const loaded = probe(addon, { ...process.env, LD_PRELOAD: libasan ?? '', ASAN_OPTIONS: 'detect_leaks=0' });
  if (loaded.error) fatal(`built but does not load: ${loaded.error}`);
  process.stdout.write(`loom: sanitizer build (${loaded.kernel}): native/build-asan/loom_native.node\n`);
  process.stdout.write(
    `run the kernel tests with: LD_PRELOAD=${libasan} ASAN_OPTIONS=detect_leaks=0 LOOM_NATIVE_ADDON=${addon} npx vitest run src/native src/optim src/compute/kernels\n`,
  );
}

try {
  if (sanitize) buildSanitized();
  else buildRelease();
} catch (err) {
  if (sanitize) fatal(err instanceof Error ? err.message : String(err));
  fallback(err instanceof Error ? err.message.split('\n')[0] : String(err));
}
