/** Output of a benchmark: an aligned table, a JSON file under bench/out/, and a last JSON line. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { peerBlas } from './peer.js';

/**
 * Prints an aligned table. `peer: true` (a table with a peer's column) adds a last line naming the
 * BLAS kernel the peer reported through runPeer (fast_blas.py's `peer BLAS: ...`).
 */
export function printTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  options: { readonly peer?: boolean } = {},
): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  for (const [n, row] of cells.entries()) {
    process.stdout.write(`${row.map((c, i) => String(c).padStart(widths[i])).join('  ')}\n`);
    if (n === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
  if (options.peer) process.stdout.write(`peer BLAS: ${peerBlas() ?? 'not reported (no peer ran, or it did not import fast_blas.py)'}\n`);
}

/**
 * Writes bench/out/<name>.json (with machine and date) and prints `summary` as the last line. When
 * a peer ran (runPeer), the summary carries the BLAS kernel it reported as `peer_blas`.
 */
export function finish(name: string, summary: Record<string, unknown>, details: unknown): void {
  const blas = peerBlas();
  if (blas !== null && !('peer_blas' in summary)) summary = { ...summary, peer_blas: blas };
  const dir = fileURLToPath(new URL('../out/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const record = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model.trim()} x${cpus().length}`,
    node: process.version,
    summary,
    details,
  };
  writeFileSync(`${dir}${name}.json`, `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to three decimals, for ratios in summary lines. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(3);
}
