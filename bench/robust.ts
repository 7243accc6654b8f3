/**
 * bench:robust — time of Loom's Byzantine-robust aggregation rules (coordinate-wise median, trimmed
 * mean, geometric median, Krum, Multi-Krum, Bulyan) on n = 32 vectors of d = 1,000,000 floats with
 * f = 4, next to a PyTorch reference of the same rules (bench/robust_torch.py: torch.median /
 * torch.sort / torch.topk, torch.cdist; Debian's python3-torch, torch.set_num_threads(1)) in the
 * same run, on the same input. Loom runs on this thread; its native kernels are single-threaded
 * (the pairwise distances are the native SGEMM's Gram matrix).
 *
 * The machine may be shared and noisy: Loom and PyTorch rounds alternate, each round times every
 * rule `repeats` times after an untimed call, and each figure is the median over all rounds.
 * The input: n - f honest vectors g + N(0, 1) around a common g ~ N(0, 1), and f Byzantine ones
 * -4g + N(0, 1) (sign-flipped and scaled), seeded, written once as raw float32 for the peer.
 *
 * Usage: npm run bench:robust [-- --rounds 3 --repeats 3 --n 32 --d 1000000 --f 4]
 * Last line: {"bench":"robust","median_vs_torch":R1,"trimmed_mean_vs_torch":R2,...} (ratio = torch
 * time / Loom time).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nativeKernels, nativeStatus } from '../src/native/index.js';
import type { Aggregator } from '../src/robust/aggregator.js';
import { bulyan, coordinateMedian, geometricMedian, krum, multiKrum, trimmedMean } from '../src/robust/index.js';
import { Rng } from '../src/util/rng.js';
import { checkPeerAvailable, runPeer } from './lib/peer.js';
import { finish, median, printTable, round3 } from './lib/report.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '3' },
    n: { type: 'string', default: '32' },
    d: { type: 'string', default: '1000000' },
    f: { type: 'string', default: '4' },
  },
});
const rounds = Number(values.rounds);
const repeats = Number(values.repeats);
const n = Number(values.n);
const d = Number(values.d);
const f = Number(values.f);
const PEER = fileURLToPath(new URL('./robust_torch.py', import.meta.url));

interface Rule {
  /** The key in the summary and the peer's rule name. */
  readonly key: string;
  readonly label: string;
  readonly rule: Aggregator;
}

const RULES: Rule[] = [
  { key: 'median', label: 'median (even n: mean of middles)', rule: coordinateMedian(f) },
  { key: 'median_lower', label: 'median (lower; torch.median)', rule: coordinateMedian(f, { even: 'lower' }) },
  { key: 'trimmed_mean', label: 'trimmed mean', rule: trimmedMean(f) },
  { key: 'geometric_median', label: 'geometric median', rule: geometricMedian(f) },
  { key: 'krum', label: 'Krum', rule: krum(f) },
  { key: 'multi_krum', label: 'Multi-Krum (m = n - f)', rule: multiKrum(f) },
  { key: 'bulyan', label: 'Bulyan', rule: bulyan(f) },
];

/** The seeded input, as n separate vectors (as gradients arrive) and as one n x d file for the peer. */
function makeInputs(path: string): Float32Array[] {
  const rng = new Rng(7);
  const g = Float32Array.from({ length: d }, () => rng.normal());
  const all = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const scale = i < n - f ? 1 : -4;
    for (let j = 0; j < d; j++) all[i * d + j] = scale * g[j]! + rng.normal();
  }
  writeFileSync(path, new Uint8Array(all.buffer));
  return Array.from({ length: n }, (_, i) => all.slice(i * d, (i + 1) * d));
}

/** Median seconds of `repeats` calls after an untimed one; the output stays in `out`. */
function timeRule(rule: Aggregator, inputs: Float32Array[], out: Float32Array): number[] {
  rule.aggregate(inputs, out);
  const seconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    rule.aggregate(inputs, out);
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds;
}

/** The Weiszfeld iterations Loom's geometric median runs (native path: steps after the first). */
function loomIterations(inputs: Float32Array[], out: Float32Array): number | null {
  const native = nativeKernels();
  if (native === null) return null;
  const step = native.weiszfeldStep;
  let calls = 0;
  native.weiszfeldStep = (...args) => {
    calls++;
    step(...args);
  };
  try {
    geometricMedian(f).aggregate(inputs, out);
  } finally {
    native.weiszfeldStep = step;
  }
  return calls - 1;
}

interface PeerResult {
  version: string;
  threads: number;
  seconds: Record<string, number>;
  geometric_median_iterations: number;
}

function torchRound(input: string, outDir: string): PeerResult {
  const args = ['--input', input, '--n', String(n), '--d', String(d), '--f', String(f), '--repeats', String(repeats), '--out-dir', outDir];
  const [result] = runPeer<PeerResult>(PEER, args, 1_800_000);
  if (!result) throw new Error('PyTorch peer printed no JSON line');
  return result;
}

/** max_j |loom_j - torch_j| / max(1, max_j |torch_j|): how far apart the two answers are. */
function relativeGap(loom: Float32Array, torchFile: string): number {
  const bytes = readFileSync(torchFile);
  const torch = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  let gap = 0;
  let scale = 1;
  for (let j = 0; j < loom.length; j++) {
    gap = Math.max(gap, Math.abs(loom[j]! - torch[j]!));
    scale = Math.max(scale, Math.abs(torch[j]!));
  }
  return gap / scale;
}

function main(): void {
  try {
    checkPeerAvailable('fast_blas.py', 'torch');
  } catch (error) {
    process.stderr.write(`bench:robust needs PyTorch: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const native = nativeKernels();
  const dir = mkdtempSync(join(tmpdir(), 'loom-bench-robust-'));
  try {
    const input = join(dir, 'inputs.f32');
    const inputs = makeInputs(input);
    const outs = RULES.map(() => new Float32Array(d));
    const loom: number[][] = RULES.map(() => []);
    const torch: number[][] = RULES.map(() => []);
    let peer: PeerResult | null = null;
    for (let round = 0; round < rounds; round++) {
      RULES.forEach((r, i) => loom[i]!.push(...timeRule(r.rule, inputs, outs[i]!)));
      peer = torchRound(input, dir);
      RULES.forEach((r, i) => torch[i]!.push(peer!.seconds[r.key]!));
      process.stderr.write(`round ${round + 1}/${rounds} done\n`);
    }
    const iterations = loomIterations(inputs, new Float32Array(d));
    const rows = RULES.map((r, i) => {
      const l = median(loom[i]!);
      const t = median(torch[i]!);
      return { key: r.key, label: r.label, loomMs: l * 1000, torchMs: t * 1000, ratio: t / l, gap: relativeGap(outs[i]!, join(dir, `${r.key}.f32`)), loomSeconds: loom[i], torchSeconds: torch[i] };
    });
    const path = native === null ? `TypeScript path (${nativeStatus().reason})` : `native kernels (${native.kernel} GEMM)`;
    process.stdout.write(
      `robust aggregation, n = ${n}, d = ${d.toLocaleString('en-US')}, f = ${f}: Loom on ${path}, one thread, vs PyTorch ${peer!.version} ` +
        `(${peer!.threads} thread); median of ${rounds} alternating rounds x ${repeats} calls\n\n`,
    );
    printTable(
      ['rule', 'loom ms', 'torch ms', 'torch / loom', 'max |loom - torch| / max |torch|'],
      rows.map((r) => [r.label, r.loomMs, r.torchMs, r.ratio, r.gap.toExponential(2)]),
      { peer: true },
    );
    process.stdout.write(`\ngeometric median: Loom ${iterations ?? '?'} Weiszfeld iterations, PyTorch ${peer!.geometric_median_iterations}\n`);
    const ratio = (key: string) => round3(rows.find((r) => r.key === key)!.ratio);
    finish(
      'robust',
      {
        bench: 'robust',
        median_vs_torch: ratio('median'),
        trimmed_mean_vs_torch: ratio('trimmed_mean'),
        geometric_median_vs_torch: ratio('geometric_median'),
        krum_vs_torch: ratio('krum'),
        multi_krum_vs_torch: ratio('multi_krum'),
        bulyan_vs_torch: ratio('bulyan'),
        median_lower_vs_torch: ratio('median_lower'),
        native: native?.kernel ?? 'off',
      },
      { n, d, f, rounds, repeats, torch: peer!.version, geometricMedianIterations: { loom: iterations, torch: peer!.geometric_median_iterations }, rows },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
