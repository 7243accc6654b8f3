import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readConfigFile } from '../../config/load.js';
import type { Cell } from '../../parallel/index.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { LoomError, showValue } from '../../util/errors.js';

const writeText = (path: string, text: string): void => writeFileAtomic(path, new TextEncoder().encode(text));

interface RobustFlags {
  out?: string;
  jobs: string;
  cell?: string;
}

/** Runs one cell in a child `loom robust --cell` process (the same program, the same loader flags). */
function childRunner(gridFile: string, out: string): (cell: Cell) => Promise<void> {
  return (cell) =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'robust', gridFile, '--out', out, '--cell', cell.id], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', fail);
      child.on('exit', (code) => (code === 0 ? done() : fail(new LoomError(`robust grid: cell ${cell.id} failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`))));
    });
}

export function registerRobust(program: Command): void {
  program
    .command('robust')
    .description('run a Byzantine-robustness grid (aggregators x pre-aggregators x attacks x f x heterogeneity x seeds) and write its report')
    .argument('<grid>', 'grid file (.yaml or .json); see examples/robust-grid.yaml')
    .option('--out <dir>', 'where the results and the report go (default: runs/<grid name>)')
    .option('--jobs <n>', 'cells run at once, each in its own process', String(Math.max(1, Math.min(2, cpus().length))))
    .option('--cell <id>', 'run only this cell here (what --jobs uses internally)')
    .action(async (file: string, opts: RobustFlags) => {
      const [{ expandGrid, parseGrid, runCell, runGrid }, { robustCsv, robustHeatmaps, robustHtml, robustMarkdown }] = await Promise.all([
        import('../../parallel/index.js'),
        import('../../report/index.js'),
      ]);
      const grid = parseGrid(readConfigFile(file));
      const jobs = Number(opts.jobs);
      if (!Number.isInteger(jobs) || jobs < 1) throw new LoomError(`--jobs must be a positive integer; got ${showValue(opts.jobs)}`);
      const out = resolve(opts.out ?? join('runs', grid.name));
      const cells = expandGrid(grid);
      if (opts.cell !== undefined) {
        const cell = cells.find((c) => c.id === opts.cell);
        if (!cell) throw new LoomError(`no cell ${showValue(opts.cell)} in ${file}`);
        await runCell(cell, out);
        return;
      }
      mkdirSync(out, { recursive: true });
      process.stdout.write(`${grid.name}: ${cells.length} runs, ${jobs} at a time, results in ${out}\n`);
      const results = await runGrid(cells, {
        out,
        jobs,
        ...(jobs > 1 ? { runElsewhere: childRunner(resolve(file), out) } : {}),
        onResult: (r, done, total) =>
          process.stdout.write(`[${done}/${total}] ${r.rule} ${r.heterogeneity} f=${r.f} ${r.attack} seed ${r.seed}: ${r.diverged ? 'diverged' : `accuracy ${(100 * r.accuracy).toFixed(2)}%`} (${r.wallSec.toFixed(1)} s)\n`),
      });
      const markdown = robustMarkdown(grid.name, robustHeatmaps(results));
      writeText(join(out, 'results.csv'), robustCsv(results));
      writeText(join(out, 'results.json'), `${JSON.stringify(results)}\n`);
      writeText(join(out, 'report.md'), markdown);
      writeText(join(out, 'report.html'), robustHtml(grid.name, results));
      process.stdout.write(`${markdown}\nwrote ${join(out, 'report.html')}, report.md, results.csv\n`);
    });
}
